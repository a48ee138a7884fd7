// Shared helpers for the batch tests: keys, sample records, and the one way tests make batches:
// with the real BatchWriter (what kiosks use), either from records (write_batch_file) or by taking
// a real batch, changing its records or manifest fields and signing it again (rewrite_batch), as a
// kiosk key holder could. There is no other batch writer.
#pragma once

#include "embassy/registry/record.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <sodium.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace batch_test {

using namespace embassy;
using namespace embassy::sync;

struct Keys {
    BoxPublicKey box_pk{};
    registry::SecretBytes box_sk{crypto_box_SECRETKEYBYTES};
    SignPublicKey kiosk_pk{};
    registry::SecretBytes kiosk_sk{crypto_sign_SECRETKEYBYTES};
    Keys() {
        registry::crypto_init();
        crypto_box_keypair(box_pk.data(), box_sk.data());
        crypto_sign_keypair(kiosk_pk.data(), kiosk_sk.data());
    }
    Signer signer() const {
        return [this](std::span<const std::uint8_t> msg) {
            Bytes sig(crypto_sign_BYTES);
            crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), kiosk_sk.data());
            return sig;
        };
    }
    ManifestFields fields(std::uint64_t seq = 1) const {
        ManifestFields f;
        f.kiosk_public_key = kiosk_pk;
        f.coordinator_key_id.fill(0xC0);
        f.seq = seq;
        if (seq > 1) f.previous_batch_hash.fill(0x11);
        f.log.size = 42;
        f.log.hash.fill(0x42);
        return f;
    }
};

inline const char* kCanaryGiven = "Canaryhanna";
inline const char* kCanaryFamily = "Zzyzxcanary";

// A realistic mix: events, appeal refs, registrants, consents, signatures with strokes, withdrawals.
inline std::vector<Record> make_records(std::size_t n, std::uint32_t seed = 7) {
    std::mt19937 rng(seed);
    std::vector<Record> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t seq = 10 + 3 * i;     // gaps are allowed, order is not
        Hash h{};
        for (auto& b : h) b = static_cast<std::uint8_t>(rng());
        switch (i % 7) {
            case 0: out.push_back(RegistrantRecord{seq, 5, 28000000 + i, kCanaryGiven, kCanaryFamily, "PL", "Warszawa",
                                                   "canary@example.org", "+48 600 000 000", "be", i % 2 == 0});
                    break;
            case 1: out.push_back(ConsentRecord{seq, seq - 3, static_cast<std::uint8_t>(1 + i % 4), h, "be", 28000000 + i}); break;
            case 2: {
                SignatureRecord s;
                s.seq = seq; s.registrant_seq = seq - 6; s.appeal_id = "political-prisoners"; s.appeal_version = 3;
                s.appeal_text_hash = h; s.lang = "be-Latn"; s.event_id = -2; s.unix_minute = 28000000 + i;
                if (i % 5 == 0) {
                    s.mode = SignatureMode::typed_name;
                    s.typed_name = "Ганна Канарэйка";
                } else {
                    s.strokes.resize(100 + rng() % 5000);
                    for (auto& b : s.strokes) b = static_cast<std::uint8_t>(rng());
                }
                s.receipt_commitment = h; s.log_position = i;
                out.push_back(s);
                break;
            }
            case 3: out.push_back(ReceiptCommitmentRecord{seq, seq - 1, h}); break;
            case 4: out.push_back(EventRecord{seq, static_cast<std::int64_t>(i), "Rally", "Vilnius", "LT", "2024-08-09"}); break;
            case 5: out.push_back(AppealRefRecord{seq, "new-elections", 2, h, h}); break;
            default: out.push_back(WithdrawalRecord{seq, seq - 4, h, 28000000 + i}); break;
        }
    }
    return out;
}

inline std::filesystem::path temp_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() / ("embassy-batch-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

// [SECTION] Making batches with the real writer

// The kiosk log head over the signature records among `recs`, continuing from `from`: what an
// honest kiosk signs for them. Signatures whose event or registrant is not in `recs` are skipped.
inline LogHeadField log_over(const std::vector<Record>& recs, LogHeadField from = {}) {
    std::map<std::int64_t, EventRecord> events;
    std::map<std::uint64_t, RegistrantRecord> regs;
    std::map<std::uint64_t, std::vector<ConsentRecord>> consents;
    for (const auto& r : recs) {
        if (const auto* e = std::get_if<EventRecord>(&r)) events[e->event_id] = *e;
        if (const auto* g = std::get_if<RegistrantRecord>(&r)) regs[g->seq] = *g;
        if (const auto* c = std::get_if<ConsentRecord>(&r)) consents[c->registrant_seq].push_back(*c);
        if (const auto* s = std::get_if<SignatureRecord>(&r); s && events.count(s->event_id) && regs.count(s->registrant_seq)) {
            const auto canon = log_record_from(events[s->event_id], regs[s->registrant_seq], consents[s->registrant_seq], *s);
            from.hash = registry::log_chain_next(from.hash, static_cast<std::int64_t>(s->log_position), registry::log_record_hash(canon));
            from.size = s->log_position;
        }
    }
    return from;
}

// A batch file of these records under these manifest fields, written by the real BatchWriter into
// `dir` (created) and signed by `signer`. An error if the writer refuses a record or the fields.
inline Result<std::filesystem::path> write_batch_file(const std::filesystem::path& dir, const BoxPublicKey& coordinator_box,
                                                      const std::vector<Record>& recs, const ManifestFields& fields,
                                                      const Signer& signer, const std::optional<BatchId>& id = std::nullopt) {
    std::filesystem::create_directories(dir);
    auto w = BatchWriter::open(dir / random_batch_file_name(), coordinator_box, id);
    if (!w) return w.error();
    for (const auto& r : recs)
        if (auto s = w->add(r); !s) return s.error();
    auto info = w->finish(fields, signer);
    if (!info) return info.error();
    return info->path;
}

// What a batch holds, read with the coordinator's key.
struct BatchContent {
    ManifestFields fields;
    std::vector<Record> records;
};
inline Result<BatchContent> read_batch_file(const std::filesystem::path& file, const registry::SecretBytes& box_secret,
                                            const BoxPublicKey& box_public) {
    auto r = BatchReader::open(file, box_secret, box_public);
    if (!r) return r.error();
    auto vm = r->verify();
    if (!vm) return vm.error();
    BatchContent out{vm->manifest.fields, {}};
    EMBASSY_TRY(r->for_each_record([&](const Record& rec) -> Status {
        out.records.push_back(rec);
        return {};
    }));
    return out;
}

// What a kiosk key holder can send that the kiosk's own export never writes: the records and
// manifest fields of a real batch (read here with the coordinator's key, standing in for the
// plaintext the kiosk had), changed by `mutate`, written again by the real writer and signed with
// `signer` (the kiosk's real key). With `relog`, the manifest's log head is recomputed over the
// changed signatures from `relog_from` (malware that rewrites the log too); otherwise the manifest
// keeps the real log head, which the change then contradicts.
struct Rewrite {
    std::function<void(std::vector<Record>&, ManifestFields&)> mutate;
    bool relog = false;
    LogHeadField relog_from{};
};
inline Result<std::filesystem::path> rewrite_batch(const std::filesystem::path& real, const registry::SecretBytes& box_secret,
                                                   const BoxPublicKey& box_public, const std::filesystem::path& out_dir,
                                                   const Signer& signer, const Rewrite& how) {
    auto c = read_batch_file(real, box_secret, box_public);
    if (!c) return c.error();
    if (how.mutate) how.mutate(c->records, c->fields);
    if (how.relog) c->fields.log = log_over(c->records, how.relog_from);
    return write_batch_file(out_dir, box_public, c->records, c->fields, signer);
}

// [SECTION] Altering a real batch's bytes
// For hostile files no writer would make (a crafted manifest, a stream of another version): the
// plaintext of a file the real writer wrote, and that file's header and sealed file key around
// other plaintext. The only encryption in the tests; the coordinator's secret opens the file key.

// The plaintext stream inside a batch file; empty if it does not open or decrypt.
inline Bytes plaintext_of(std::span<const std::uint8_t> file, const BoxPublicKey& box_public,
                          std::span<const std::uint8_t> box_secret) {
    namespace H = batch_header_layout;
    registry::SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (file.size() < kBatchHeaderSize || box_secret.size() != crypto_box_SECRETKEYBYTES ||
        crypto_box_seal_open(key.data(), file.data() + H::sealed_key, H::stream_header - H::sealed_key, box_public.data(),
                             box_secret.data()) != 0)
        return {};
    crypto_secretstream_xchacha20poly1305_state st;
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, file.data() + H::stream_header, key.data()) != 0) return {};
    Bytes out;
    ByteReader r(file, H::chunks);
    while (!r.at_end()) {
        const std::uint32_t len = r.u32();
        const auto chunk = r.bytes(len);
        if (!r.ok() || len < crypto_secretstream_xchacha20poly1305_ABYTES) return {};
        Bytes plain(len - crypto_secretstream_xchacha20poly1305_ABYTES);
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&st, plain.data(), &plen, &tag, chunk.data(), chunk.size(), nullptr, 0) != 0)
            return {};
        out.insert(out.end(), plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(plen));
    }
    return out;
}

// `real`'s magic and sealed file key, the given header version, a fresh stream header, and
// `plaintext` in chunks of `chunk_size` (the last one final) under that file key.
inline Bytes reseal(std::span<const std::uint8_t> real, std::span<const std::uint8_t> plaintext, const BoxPublicKey& box_public,
                    std::span<const std::uint8_t> box_secret, std::uint32_t header_version = kBatchFormatVersion,
                    std::size_t chunk_size = kChunkSize) {
    namespace H = batch_header_layout;
    registry::SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (real.size() < kBatchHeaderSize || box_secret.size() != crypto_box_SECRETKEYBYTES || chunk_size == 0 ||
        crypto_box_seal_open(key.data(), real.data() + H::sealed_key, H::stream_header - H::sealed_key, box_public.data(),
                             box_secret.data()) != 0)
        return {};
    Bytes out(real.begin(), real.begin() + static_cast<std::ptrdiff_t>(H::stream_header));
    for (int i = 0; i < 4; ++i) out[H::version + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(header_version >> (8 * i));
    out.resize(kBatchHeaderSize);
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, out.data() + H::stream_header, key.data());
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min(chunk_size, plaintext.size() - pos);
        const bool final = pos + n == plaintext.size();
        Bytes c(n + crypto_secretstream_xchacha20poly1305_ABYTES);
        unsigned long long clen = 0;
        crypto_secretstream_xchacha20poly1305_push(&st, c.data(), &clen, plaintext.data() + pos, n, nullptr, 0,
            final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        put_u32(out, static_cast<std::uint32_t>(clen));
        out.insert(out.end(), c.begin(), c.end());
        pos += n;
    } while (pos < plaintext.size());
    return out;
}

inline Bytes read_bytes(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), {});
}

}  // namespace batch_test
