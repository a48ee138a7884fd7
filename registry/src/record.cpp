#include "embassy/registry/record.hpp"

#include <sodium.h>

#include <algorithm>
#include <string_view>

namespace embassy::registry {
namespace {

constexpr std::uint8_t kRecordVersion = 1;
constexpr std::size_t kMaxField = 1024;

void put_str(Bytes& out, std::string_view s) {
    put_u16(out, static_cast<std::uint16_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}
void put_hash(Bytes& out, const Hash& h) { out.insert(out.end(), h.begin(), h.end()); }

struct In {
    std::span<const std::uint8_t> d;
    std::size_t pos = 0;
    bool ok = true;
    bool need(std::size_t n) {
        if (!ok || d.size() - pos < n) ok = false;
        return ok;
    }
    std::uint8_t u8() { return need(1) ? d[pos++] : 0; }
    std::uint16_t u16() { if (!need(2)) return 0; auto v = get_u16(&d[pos]); pos += 2; return v; }
    std::uint32_t u32() { if (!need(4)) return 0; auto v = get_u32(&d[pos]); pos += 4; return v; }
    std::uint64_t u64() { if (!need(8)) return 0; auto v = get_u64(&d[pos]); pos += 8; return v; }
    std::string str() {
        std::size_t n = u16();
        if (n > kMaxField || !need(n)) { ok = false; return {}; }
        std::string s(reinterpret_cast<const char*>(&d[pos]), n);  // NOLINT
        pos += n;
        return s;
    }
    Hash hash() {
        Hash h{};
        if (need(32)) { std::copy_n(&d[pos], 32, h.begin()); pos += 32; }
        return h;
    }
};

}  // namespace

Bytes encode_record(const SignatureRecord& r) {
    Bytes out;
    out.reserve(256 + r.strokes.size());
    out.push_back(kRecordVersion);
    put_u64(out, static_cast<std::uint64_t>(r.seq));
    put_u64(out, static_cast<std::uint64_t>(r.event_id));
    put_str(out, r.event_name);
    put_str(out, r.event_city);
    put_str(out, r.event_country);
    put_str(out, r.event_date);
    put_str(out, r.appeal_id);
    put_u32(out, r.appeal_version);
    put_hash(out, r.text_hash);
    put_str(out, r.lang);
    put_u64(out, static_cast<std::uint64_t>(r.signed_minute));
    put_u32(out, static_cast<std::uint32_t>(r.strokes.size()));
    out.insert(out.end(), r.strokes.begin(), r.strokes.end());
    put_str(out, r.typed_name);
    put_hash(out, r.receipt_commitment);
    const Registrant& g = r.registrant;
    for (const std::string* s : {&g.given_name, &g.family_name, &g.country, &g.city, &g.email, &g.phone, &g.lang})
        put_str(out, *s);
    out.push_back(r.joined_registry ? 1 : 0);
    out.push_back(static_cast<std::uint8_t>(r.consents.size()));
    for (const auto& c : r.consents) {
        out.push_back(static_cast<std::uint8_t>(c.purpose));
        put_hash(out, c.text_hash);
        put_str(out, c.lang);
    }
    return out;
}

Result<SignatureRecord> decode_record(std::span<const std::uint8_t> data) {
    if (data.size() > kMaxRecordSize) return make_error("record: too large");
    In in{data};
    if (in.u8() != kRecordVersion) return make_error("record: unknown version");
    SignatureRecord r;
    r.seq = static_cast<std::int64_t>(in.u64());
    r.event_id = static_cast<std::int64_t>(in.u64());
    r.event_name = in.str();
    r.event_city = in.str();
    r.event_country = in.str();
    r.event_date = in.str();
    r.appeal_id = in.str();
    r.appeal_version = in.u32();
    r.text_hash = in.hash();
    r.lang = in.str();
    r.signed_minute = static_cast<std::int64_t>(in.u64());
    std::uint32_t n = in.u32();
    if (n > 64 * 1024 || !in.need(n)) return make_error("record: bad strokes length");
    r.strokes.assign(data.begin() + static_cast<std::ptrdiff_t>(in.pos), data.begin() + static_cast<std::ptrdiff_t>(in.pos + n));
    in.pos += n;
    r.typed_name = in.str();
    r.receipt_commitment = in.hash();
    Registrant& g = r.registrant;
    for (std::string* s : {&g.given_name, &g.family_name, &g.country, &g.city, &g.email, &g.phone, &g.lang}) *s = in.str();
    std::uint8_t joined = in.u8();
    if (joined > 1) return make_error("record: bad flag");
    r.joined_registry = joined == 1;
    std::uint8_t nc = in.u8();
    if (nc > 8) return make_error("record: too many consents");
    for (std::uint8_t i = 0; i < nc && in.ok; ++i) {
        ConsentGiven c;
        std::uint8_t p = in.u8();
        if (p < 1 || p > 4) return make_error("record: unknown consent purpose");
        c.purpose = static_cast<Purpose>(p);
        c.text_hash = in.hash();
        c.lang = in.str();
        r.consents.push_back(std::move(c));
    }
    if (!in.ok) return make_error("record: truncated or field too long");
    if (in.pos != data.size()) return make_error("record: trailing bytes");
    if (r.seq <= 0) return make_error("record: bad sequence number");
    return r;
}

Hash log_record_hash(const SignatureRecord& r) {
    Bytes enc = encode_record(r);
    Hash h{};
    if (std::all_of(r.log_salt.begin(), r.log_salt.end(), [](std::uint8_t b) { return b == 0; })) {
        // Records logged before schema 3 keep the hash they were chained with.
        h = hash_of("embassy-log-record-v1", {enc});
    } else {
        // Keyed: without the salt (purged with the names) nobody can test a guess against the hash.
        // The same length-prefixed domain and part as hash_of(), under a key.
        constexpr std::string_view domain = "embassy-log-record-v2";
        crypto_generichash_state st;
        crypto_generichash_init(&st, r.log_salt.data(), r.log_salt.size(), h.size());
        Bytes len;
        put_u64(len, domain.size());
        crypto_generichash_update(&st, len.data(), len.size());
        crypto_generichash_update(&st, reinterpret_cast<const std::uint8_t*>(domain.data()), domain.size());  // NOLINT
        len.clear();
        put_u64(len, enc.size());
        crypto_generichash_update(&st, len.data(), len.size());
        crypto_generichash_update(&st, enc.data(), enc.size());
        crypto_generichash_final(&st, h.data(), h.size());
        sodium_memzero(&st, sizeof st);
    }
    sodium_memzero(enc.data(), enc.size());
    return h;
}

Hash log_chain_next(const Hash& previous, std::int64_t position, const Hash& record_hash) {
    Bytes pos;
    put_u64(pos, static_cast<std::uint64_t>(position));
    return hash_of("embassy-log-v1", {previous, pos, record_hash});
}

}  // namespace embassy::registry
