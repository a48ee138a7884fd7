// Record bodies of the batch format (docs/batch-format.md, section 4.1): encode and decode.
//
// Decoding is a bounds-checked cursor over one body: every length is compared with what is left
// before anything is copied, and a body must be consumed exactly. Error messages name the record
// type and field, never a field's content (it is personal data).
#include "embassy/sync/batch.hpp"

#include "embassy/registry/text.hpp"

#include <cstring>
#include <type_traits>

namespace embassy::sync {

// [SECTION] Names and accessors

const char* record_type_name(RecordType t) {
    switch (t) {
        case RecordType::registrant: return "registrant";
        case RecordType::consent: return "consent";
        case RecordType::signature: return "signature";
        case RecordType::receipt_commitment: return "receipt commitment";
        case RecordType::event: return "event";
        case RecordType::appeal_ref: return "appeal reference";
        case RecordType::withdrawal: return "withdrawal";
    }
    return "unknown";
}

RecordType record_type(const Record& r) { return static_cast<RecordType>(r.index() + 1); }

std::uint64_t record_seq(const Record& r) {
    return std::visit([](const auto& x) { return x.seq; }, r);
}

namespace {

// [SECTION] Encoding

struct Encoder {
    Bytes& out;
    const char* type;
    std::string error;   // first error, empty when fine
    std::uint32_t version = kBatchFormatVersion;

    void u8(std::uint8_t v) { out.push_back(v); }
    void u32(std::uint32_t v) { put_u32(out, v); }
    void u64(std::uint64_t v) { put_u64(out, v); }
    void i64(std::int64_t v) { put_u64(out, static_cast<std::uint64_t>(v)); }
    void h32(const Hash& h) { out.insert(out.end(), h.begin(), h.end()); }
    void str(const std::string& s, const char* field) {
        if (s.size() > kMaxString) return fail(field, "longer than 1024 bytes");
        if (!registry::is_valid_utf8(s)) return fail(field, "not valid UTF-8");
        put_u16(out, static_cast<std::uint16_t>(s.size()));
        out.insert(out.end(), s.begin(), s.end());
    }
    void blob(const Bytes& b, std::size_t max, const char* field) {
        if (b.size() > max) return fail(field, "too large");
        put_u32(out, static_cast<std::uint32_t>(b.size()));
        out.insert(out.end(), b.begin(), b.end());
    }
    void fail(const char* field, const char* what) {
        if (error.empty()) error = std::string(type) + " record: field " + field + " " + what;
    }
};

void encode_body(Encoder& e, const RegistrantRecord& r) {
    e.u64(r.seq); e.i64(r.event_id); e.u64(r.unix_minute);
    e.str(r.given_name, "given_name"); e.str(r.family_name, "family_name"); e.str(r.country, "country");
    e.str(r.city, "city"); e.str(r.email, "email"); e.str(r.phone, "phone"); e.str(r.lang, "lang");
    e.u8(r.join_registry ? 1 : 0);
}
void encode_body(Encoder& e, const ConsentRecord& r) {
    if (r.purpose < 1 || r.purpose > 4) e.fail("purpose", "out of range");
    e.u64(r.seq); e.u64(r.registrant_seq); e.u8(r.purpose); e.h32(r.text_hash); e.str(r.lang, "lang");
    e.u64(r.unix_minute);
}
void encode_body(Encoder& e, const SignatureRecord& r) {
    if (r.mode == SignatureMode::strokes && (r.strokes.empty() || !r.typed_name.empty()))
        e.fail("strokes", "must be non-empty, and typed_name empty, in strokes mode");
    else if (r.mode == SignatureMode::typed_name && (!r.strokes.empty() || r.typed_name.empty()))
        e.fail("typed_name", "must be non-empty, and strokes empty, in typed-name mode");
    else if (r.mode != SignatureMode::strokes && r.mode != SignatureMode::typed_name)
        e.fail("mode", "out of range");
    e.u64(r.seq); e.u64(r.registrant_seq); e.str(r.appeal_id, "appeal_id"); e.u32(r.appeal_version);
    e.h32(r.appeal_text_hash); e.str(r.lang, "lang"); e.i64(r.event_id); e.u64(r.unix_minute);
    e.u8(static_cast<std::uint8_t>(r.mode)); e.blob(r.strokes, kMaxStrokes, "strokes");
    e.str(r.typed_name, "typed_name"); e.h32(r.receipt_commitment); e.u64(r.log_position);
    if (e.version >= 2) e.h32(r.log_salt);
    else if (r.log_salt != Hash{}) e.fail("log_salt", "has no place in format 1");
}
void encode_body(Encoder& e, const ReceiptCommitmentRecord& r) {
    e.u64(r.seq); e.u64(r.signature_seq); e.h32(r.commitment);
}
void encode_body(Encoder& e, const EventRecord& r) {
    e.u64(r.seq); e.i64(r.event_id); e.str(r.name, "name"); e.str(r.city, "city");
    e.str(r.country, "country"); e.str(r.date, "date");
}
void encode_body(Encoder& e, const AppealRefRecord& r) {
    e.u64(r.seq); e.str(r.appeal_id, "appeal_id"); e.u32(r.appeal_version); e.h32(r.content_hash);
    e.h32(r.pack_hash);
}
void encode_body(Encoder& e, const WithdrawalRecord& r) {
    e.u64(r.seq); e.u64(r.signature_seq); e.h32(r.commitment); e.u64(r.unix_minute);
}

// [SECTION] Decoding

// A ByteReader (bytes.hpp) that remembers which field first ran short, for the message.
class Cursor {
public:
    Cursor(std::span<const std::uint8_t> b, const char* type, std::uint32_t version)
        : r_(b), type_(type), version_(version) {}
    std::uint32_t version() const { return version_; }

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    bool at_end() const { return r_.at_end(); }

    std::uint8_t u8(const char* f) { return checked(r_.u8(), f); }
    std::uint32_t u32(const char* f) { return checked(r_.u32(), f); }
    std::uint64_t u64(const char* f) { return checked(r_.u64(), f); }
    std::int64_t i64(const char* f) { return static_cast<std::int64_t>(u64(f)); }
    Hash h32(const char* f) { return checked(r_.array<32>(), f); }
    std::string str(const char* f) {
        if (failed()) return {};
        const std::uint16_t n = checked(r_.u16(), f);
        if (failed()) return {};
        if (n > kMaxString) { fail(f, "longer than 1024 bytes"); return {}; }
        const auto s = checked(r_.bytes(n), f);
        if (failed()) return {};
        const std::string_view text(reinterpret_cast<const char*>(s.data()), s.size());  // NOLINT
        if (!registry::is_valid_utf8(text)) { fail(f, "not valid UTF-8"); return {}; }   // text.hpp: the one rule
        return std::string(text);
    }
    Bytes blob(std::size_t max, const char* f) {
        if (failed()) return {};
        const std::uint32_t n = checked(r_.u32(), f);
        if (failed()) return {};
        if (n > max) { fail(f, "too large"); return {}; }   // before allocation
        const auto s = checked(r_.bytes(n), f);
        return Bytes(s.begin(), s.end());
    }
    void fail(const char* f, const char* what) {
        if (error_.empty()) error_ = std::string(type_) + " record: field " + f + " " + what;
    }

private:
    template <class T>
    T checked(T v, const char* f) {
        if (!r_.ok()) fail(f, "runs past the record");
        return v;
    }
    ByteReader r_;
    const char* type_;
    std::uint32_t version_;
    std::string error_;
};

Record decode_body(Cursor& c, RecordType t) {
    switch (t) {
        case RecordType::registrant: {
            RegistrantRecord r;
            r.seq = c.u64("seq"); r.event_id = c.i64("event_id"); r.unix_minute = c.u64("unix_minute");
            r.given_name = c.str("given_name"); r.family_name = c.str("family_name");
            r.country = c.str("country"); r.city = c.str("city"); r.email = c.str("email");
            r.phone = c.str("phone"); r.lang = c.str("lang");
            const auto j = c.u8("join_registry");
            if (j > 1) c.fail("join_registry", "is not 0 or 1");
            r.join_registry = j == 1;
            return r;
        }
        case RecordType::consent: {
            ConsentRecord r;
            r.seq = c.u64("seq"); r.registrant_seq = c.u64("registrant_seq"); r.purpose = c.u8("purpose");
            if (!c.failed() && (r.purpose < 1 || r.purpose > 4)) c.fail("purpose", "out of range");
            r.text_hash = c.h32("text_hash"); r.lang = c.str("lang"); r.unix_minute = c.u64("unix_minute");
            return r;
        }
        case RecordType::signature: {
            SignatureRecord r;
            r.seq = c.u64("seq"); r.registrant_seq = c.u64("registrant_seq"); r.appeal_id = c.str("appeal_id");
            r.appeal_version = c.u32("appeal_version"); r.appeal_text_hash = c.h32("appeal_text_hash");
            r.lang = c.str("lang"); r.event_id = c.i64("event_id"); r.unix_minute = c.u64("unix_minute");
            const auto mode = c.u8("mode");
            if (!c.failed() && mode != 1 && mode != 2) c.fail("mode", "out of range");
            r.mode = static_cast<SignatureMode>(mode);
            r.strokes = c.blob(kMaxStrokes, "strokes");
            r.typed_name = c.str("typed_name");
            if (!c.failed() && mode == 1 && (r.strokes.empty() || !r.typed_name.empty()))
                c.fail("strokes", "must be non-empty, and typed_name empty, in strokes mode");
            if (!c.failed() && mode == 2 && (!r.strokes.empty() || r.typed_name.empty()))
                c.fail("typed_name", "must be non-empty, and strokes empty, in typed-name mode");
            r.receipt_commitment = c.h32("receipt_commitment"); r.log_position = c.u64("log_position");
            if (c.version() >= 2) r.log_salt = c.h32("log_salt");   // format 1: zero, the legacy unkeyed log hash
            return r;
        }
        case RecordType::receipt_commitment: {
            ReceiptCommitmentRecord r;
            r.seq = c.u64("seq"); r.signature_seq = c.u64("signature_seq"); r.commitment = c.h32("commitment");
            return r;
        }
        case RecordType::event: {
            EventRecord r;
            r.seq = c.u64("seq"); r.event_id = c.i64("event_id"); r.name = c.str("name");
            r.city = c.str("city"); r.country = c.str("country"); r.date = c.str("date");
            return r;
        }
        case RecordType::appeal_ref: {
            AppealRefRecord r;
            r.seq = c.u64("seq"); r.appeal_id = c.str("appeal_id"); r.appeal_version = c.u32("appeal_version");
            r.content_hash = c.h32("content_hash"); r.pack_hash = c.h32("pack_hash");
            return r;
        }
        case RecordType::withdrawal: {
            WithdrawalRecord r;
            r.seq = c.u64("seq"); r.signature_seq = c.u64("signature_seq"); r.commitment = c.h32("commitment");
            r.unix_minute = c.u64("unix_minute");
            return r;
        }
    }
    return RegistrantRecord{};  // unreachable: the type was checked by the caller
}

}  // namespace

Status encode_record(const Record& r, Bytes& out, std::uint32_t format_version) {
    const std::size_t start = out.size();
    const auto type = record_type(r);
    out.push_back(static_cast<std::uint8_t>(type));
    put_u32(out, 0);                                   // length, patched below
    Encoder e{out, record_type_name(type), {}, format_version};
    std::visit([&](const auto& x) { encode_body(e, x); }, r);
    const std::size_t body = out.size() - start - 5;
    if (e.error.empty() && body > kMaxRecordBody) e.error = std::string(e.type) + " record: too large";
    if (e.error.empty() && record_seq(r) == 0) e.error = std::string(e.type) + " record: seq must be at least 1";
    if (!e.error.empty()) {
        out.resize(start);
        return make_error(e.error);
    }
    const auto len = static_cast<std::uint32_t>(body);
    for (int i = 0; i < 4; ++i) out[start + 1 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(len >> (8 * i));
    return {};
}

Result<Record> decode_record(std::uint8_t type, std::span<const std::uint8_t> body, std::uint32_t format_version) {
    if (type < 1 || type > kRecordTypeCount) return make_error("unknown record type " + std::to_string(type));
    if (body.size() > kMaxRecordBody) return make_error("record too large");
    const auto t = static_cast<RecordType>(type);
    Cursor c(body, record_type_name(t), format_version);
    Record r = decode_body(c, t);
    if (c.failed()) return make_error(c.error());
    if (!c.at_end()) return make_error(std::string(record_type_name(t)) + " record: trailing bytes in the body");
    if (record_seq(r) == 0) return make_error(std::string(record_type_name(t)) + " record: seq is 0");
    return r;
}

}  // namespace embassy::sync
