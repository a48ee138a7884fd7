// Batch files: manifest, the plaintext stream parser, BatchWriter and BatchReader.
// The byte layout is specified in docs/batch-format.md; section numbers below refer to it.
//
// Index of this file (in file order)
//  [SECTION] Hashing and manifest (4.2)
//  [SECTION] Plaintext stream parser (4)
//  [SECTION] Outer layer: chunks (3)
//  [SECTION] detail hooks
//  [SECTION] BatchWriter (5)
//  [SECTION] BatchReader (4.3)
#include "embassy/sync/batch.hpp"
#include "embassy/sync/import_tree.hpp"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>

namespace embassy::sync {

namespace {

constexpr std::string_view kMagic = "EMBBATCH";
constexpr std::string_view kManifestDomain = "embassy-batch-manifest-v1";
constexpr std::string_view kPayloadDomain = "embassy-batch-payload-v1";
constexpr std::string_view kBatchHashDomain = "embassy-batch-hash-v1";
constexpr std::uint8_t kManifestFrameType = 0xFF;
constexpr std::size_t kSealedKeySize = crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES;
constexpr std::size_t kAbytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kMaxCipherChunk = kChunkSize + kAbytes;
namespace H = batch_header_layout;   // docs/batch-format.md, section 3
static_assert(H::version == kMagic.size() && H::sealed_key == H::version + 4 && H::stream_header == H::sealed_key + kSealedKeySize &&
              H::chunks == H::stream_header + crypto_secretstream_xchacha20poly1305_HEADERBYTES);

using StreamState = crypto_secretstream_xchacha20poly1305_state;

StreamState* stream_state(registry::SecretBytes& s) {
    return reinterpret_cast<StreamState*>(s.data());  // NOLINT: sodium_malloc'd, byte-aligned struct
}

// [SECTION] Hashing and manifest (4.2)

void hash_init(crypto_generichash_state& st, std::string_view domain) {
    crypto_generichash_init(&st, nullptr, 0, 32);
    crypto_generichash_update(&st, as_bytes(domain).data(), domain.size());
}

Hash hash_final(crypto_generichash_state& st) {
    Hash h{};
    crypto_generichash_final(&st, h.data(), h.size());
    return h;
}

bool is_zero(const Hash& h) {
    for (auto b : h)
        if (b != 0) return false;
    return true;
}

std::string seq_rule_error(std::uint64_t seq, const Hash& prev) {
    if (seq == 0) return "seq is 0";
    if (seq == 1 && !is_zero(prev)) return "seq 1 with a non-zero previous batch hash";
    if (seq > 1 && is_zero(prev)) return "seq " + std::to_string(seq) + " with a zero previous batch hash";
    return {};
}

// [SECTION] Plaintext stream parser (4)

// A push parser: chunks of plaintext go in through feed(), in any sizes. It keeps at most one record
// body (≤ 128 KiB), so memory does not depend on the batch size.
class StreamParser {
public:
    using OnRecord = std::function<Status(const Record&)>;
    // hash: keep the payload hash (off only when replaying plaintext already verified).
    // version: the format version the file header gave (records are decoded as it lays them out);
    // 0 only without a consumer (pass 1 of a bare plaintext stream), which then goes by the manifest's.
    explicit StreamParser(const OnRecord* on_record, bool hash = true, std::uint32_t version = kBatchFormatVersion)
        : on_record_(on_record), hash_(hash), version_(version) {
        hash_init(hs_, kPayloadDomain);
    }
    ~StreamParser() { sodium_memzero(body_.data(), body_.size()); }
    StreamParser(const StreamParser&) = delete;
    StreamParser& operator=(const StreamParser&) = delete;

    Status feed(std::span<const std::uint8_t> data) {
        const std::uint8_t* const start = data.data();
        const std::uint64_t base = fed_;   // stream offset of data[0]
        fed_ += data.size();
        while (!data.empty()) {
            switch (state_) {
                case State::header: {
                    const std::size_t n = std::min(data.size(), hdr_.size() - hdr_have_);
                    std::memcpy(hdr_.data() + hdr_have_, data.data(), n);
                    hdr_have_ += n;
                    data = data.subspan(n);
                    if (hdr_have_ == hdr_.size()) EMBASSY_TRY(start_frame());
                    break;
                }
                case State::body: {
                    const std::size_t n = std::min(data.size(), body_len_ - body_.size());
                    body_.insert(body_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
                    data = data.subspan(n);
                    if (body_.size() == body_len_) EMBASSY_TRY(end_frame());
                    break;
                }
                case State::signature: {
                    const std::size_t n = std::min(data.size(), signature_.size() - sig_have_);
                    std::memcpy(signature_.data() + sig_have_, data.data(), n);
                    sig_have_ += n;
                    data = data.subspan(n);
                    if (sig_have_ == signature_.size()) {
                        state_ = State::done;
                        unpadded_ = base + static_cast<std::uint64_t>(data.data() - start);
                    }
                    break;
                }
                case State::done: {
                    // Format 2: zero bytes up to the size bucket (spec 4.4); format 1: nothing.
                    if (padding_version() < 2) return make_error("data after the signature");
                    const std::uint64_t room = padded_plaintext_size(unpadded_) - unpadded_ - padding_;
                    if (data.size() > room) return make_error("padding runs past its size bucket");
                    for (std::uint8_t b : data)
                        if (b != 0) return make_error("padding byte is not zero");
                    padding_ += data.size();
                    data = {};
                    break;
                }
            }
        }
        return {};
    }

    Status finish() {
        if (state_ == State::done) {
            if (padding_version() >= 2 && unpadded_ + padding_ != padded_plaintext_size(unpadded_))
                return make_error("padding stops short of its size bucket (truncated?)");
            return {};
        }
        if (manifest_.empty()) return make_error("truncated: no manifest");
        return make_error("truncated inside the signature");
    }

    // After finish(): check the manifest (signature first), then the counts against the records.
    Result<VerifiedManifest> verified(const std::optional<Hash>& expected_key_id) {
        auto m = detail::decode_manifest(manifest_);
        if (!m) return m.error();
        if (version_ != 0 && m->format_version != version_)
            return make_error("manifest version " + std::to_string(m->format_version) + " differs from the file header's " +
                              std::to_string(version_));
        const auto msg = detail::manifest_signing_message(manifest_);
        if (crypto_sign_verify_detached(signature_.data(), msg.data(), msg.size(),
                                        m->fields.kiosk_public_key.data()) != 0)
            return make_error("signature does not verify");
        if (total_ == 0) return make_error("no records");
        if (m->counts != counts_) return make_error("record count mismatch");
        if (m->first_record_seq != first_ || m->last_record_seq != last_)
            return make_error("first/last record sequence mismatch");
        if (m->payload_hash != hash_final(hs_)) return make_error("payload hash mismatch");
        if (auto e = seq_rule_error(m->fields.seq, m->fields.previous_batch_hash); !e.empty()) return make_error(e);
        if (expected_key_id && *expected_key_id != m->fields.coordinator_key_id)
            return make_error("made for another coordinator key id");
        VerifiedManifest v;
        v.manifest = *m;
        v.signature = signature_;
        v.batch_hash = detail::batch_hash(manifest_, signature_);
        return v;
    }

    const Bytes& manifest_bytes() const { return manifest_; }
    Hash payload_hash_copy() const {
        auto st = hs_;
        return hash_final(st);
    }

private:
    enum class State { header, body, signature, done };

    Status start_frame() {
        hdr_have_ = 0;
        type_ = hdr_[0];
        body_len_ = get_u32(hdr_.data() + 1);
        if (type_ == kManifestFrameType) {
            if (body_len_ != kManifestSize) return make_error("manifest frame has the wrong length");
        } else if (type_ < 1 || type_ > kRecordTypeCount) {
            return make_error("record " + std::to_string(total_ + 1) + ": unknown record type " + std::to_string(type_));
        } else if (body_len_ > kMaxRecordBody) {
            return make_error("record " + std::to_string(total_ + 1) + ": record too large");   // before allocation
        }
        body_.clear();
        state_ = State::body;
        if (body_len_ == 0) return end_frame();
        return {};
    }

    Status end_frame() {
        if (type_ == kManifestFrameType) {
            manifest_ = body_;
            state_ = State::signature;
            return {};
        }
        auto where = [n = total_ + 1] { return "record " + std::to_string(n) + ": "; };  // only on an error
        if (++total_ > kMaxRecordsPerBatch) return make_error("too many records");
        // Pass 1 (no consumer) reads only the frame and the leading u64 record_seq; record content is
        // decoded in pass 2, after the signature over the manifest has verified (threat 12).
        std::optional<Record> r;
        std::uint64_t seq = 0;
        if (on_record_ && *on_record_) {
            auto d = decode_record(type_, body_, version_);
            if (!d) return make_error(where() + d.message());
            seq = record_seq(*d);
            r = std::move(*d);
        } else {
            if (body_.size() < 8) return make_error(where() + "record too short");
            seq = get_u64(body_.data());
        }
        if (seq == 0) return make_error(where() + "record sequence number is 0");
        if (total_ > 1 && seq <= last_) return make_error(where() + "record sequence does not increase");
        if (total_ == 1) first_ = seq;
        last_ = seq;
        ++counts_[type_ - 1u];
        if (hash_) {
            crypto_generichash_update(&hs_, hdr_.data(), hdr_.size());
            crypto_generichash_update(&hs_, body_.data(), body_.size());
        }
        state_ = State::header;
        if (r) return (*on_record_)(*r);
        return {};
    }

    // The version whose padding rule applies: the header's, or (bare stream) the manifest's.
    std::uint32_t padding_version() const {
        if (version_ != 0) return version_;
        return manifest_.size() >= 4 ? get_u32(manifest_.data()) : kBatchFormatVersion;
    }

    const OnRecord* on_record_;
    bool hash_ = true;
    std::uint32_t version_ = kBatchFormatVersion;
    std::uint64_t fed_ = 0;        // plaintext bytes fed so far
    std::uint64_t unpadded_ = 0;   // stream length up to the end of the signature
    std::uint64_t padding_ = 0;    // zero bytes seen after it
    State state_ = State::header;
    std::array<std::uint8_t, 5> hdr_{};
    std::size_t hdr_have_ = 0;
    std::uint8_t type_ = 0;
    std::uint32_t body_len_ = 0;
    Bytes body_;
    Bytes manifest_;
    std::array<std::uint8_t, kSignatureSize> signature_{};
    std::size_t sig_have_ = 0;
    crypto_generichash_state hs_{};
    std::array<std::uint64_t, kRecordTypeCount> counts_{};
    std::uint64_t total_ = 0, first_ = 0, last_ = 0;
};

// [SECTION] Outer layer: chunks (3)

// Where a reader's bytes come from: a file, or memory (fuzzing, tests).
struct Source {
    std::filesystem::path path;
    std::span<const std::uint8_t> memory;
    bool in_memory = false;

    mutable std::string why;  // why open() returned nullptr, for the message

    FILE* open() const {
        if (!in_memory) {
            // A batch file comes off a stick: never through a link, never blocking on a FIFO, the
            // type checked on the descriptor read (import_tree.hpp).
            auto fd = open_regular_file(path);
            if (!fd) {
                why = fd.message();
                return nullptr;
            }
            FILE* f = ::fdopen(*fd, "rb");
            if (f == nullptr) {
                why = std::string("cannot open: ") + std::strerror(errno);
                ::close(*fd);
            }
            return f;
        }
        if (memory.empty()) return nullptr;
        return fmemopen(const_cast<std::uint8_t*>(memory.data()), memory.size(), "rb");  // NOLINT: read-only mode
    }
};

struct FileCloser {
    void operator()(FILE* f) const { if (f) std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

// Read the header and open the sealed file key.
Status open_header(FILE* f, const registry::SecretBytes& box_secret, const BoxPublicKey& box_public,
                   std::array<std::uint8_t, kBatchHeaderSize>& header, registry::SecretBytes& file_key) {
    const std::size_t n = std::fread(header.data(), 1, header.size(), f);
    if (n < kMagic.size() || std::memcmp(header.data(), kMagic.data(), kMagic.size()) != 0)
        return make_error("not a batch file (bad magic)");
    if (n < H::sealed_key) return make_error("truncated header");
    if (const auto v = get_u32(header.data() + H::version); v < kOldestBatchFormatVersion || v > kBatchFormatVersion)
        return make_error("unsupported version " + std::to_string(v));
    if (n < header.size()) return make_error("truncated header");
    if (box_secret.size() != crypto_box_SECRETKEYBYTES) return make_error("coordinator box secret has the wrong size");
    file_key = registry::SecretBytes(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (crypto_box_seal_open(file_key.data(), header.data() + H::sealed_key, kSealedKeySize, box_public.data(),
                             box_secret.data()) != 0)
        return make_error("encrypted to another coordinator (or the file key is damaged)");
    return {};
}

// Where verify() keeps the plaintext of a small file for for_each_record (BatchReader, 4.3).
struct Retained {
    registry::SecretBytes bytes;  // sized to the file: the plaintext is shorter than the ciphertext
    std::size_t used = 0;
};

// Decrypt every chunk after the header and feed the plaintext to the parser.
// raw, if given, is updated with every byte read (the file hash of VerifiedManifest); retain, if
// given, receives the plaintext (dropped if it would not fit).
Status read_chunks(FILE* f, const std::uint8_t* stream_header, const registry::SecretBytes& file_key,
                   StreamParser& parser, std::uint64_t& file_size, crypto_generichash_state* raw = nullptr,
                   std::optional<Retained>* retain = nullptr) {
    registry::SecretBytes state(sizeof(StreamState));
    if (crypto_secretstream_xchacha20poly1305_init_pull(stream_state(state), stream_header, file_key.data()) != 0)
        return make_error("bad stream header");
    Bytes cipher(kMaxCipherChunk);
    registry::SecretBytes plain(kChunkSize);
    file_size = kBatchHeaderSize;
    for (std::uint64_t index = 1;; ++index) {
        std::uint8_t lenbuf[4];
        const std::size_t got = std::fread(lenbuf, 1, 4, f);
        if (got != 4) return make_error("truncated: no final chunk");
        const std::uint32_t len = get_u32(lenbuf);
        if (len < kAbytes || len > kMaxCipherChunk)                  // before reading or allocating
            return make_error("chunk " + std::to_string(index) + " too large or too small");
        if (std::fread(cipher.data(), 1, len, f) != len) return make_error("truncated: no final chunk");
        file_size += 4 + len;
        if (raw != nullptr) {
            crypto_generichash_update(raw, lenbuf, sizeof lenbuf);
            crypto_generichash_update(raw, cipher.data(), len);
        }
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(stream_state(state), plain.data(), &plen, &tag,
                                                       cipher.data(), len, nullptr, 0) != 0)
            return make_error("chunk " + std::to_string(index) + " does not decrypt (damaged, reordered or truncated)");
        const bool final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        if (!final && tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
            return make_error("chunk " + std::to_string(index) + " has an unknown tag");
        if ((!final && plen != kChunkSize) || (final && plen == 0))
            return make_error("chunk " + std::to_string(index) + " has the wrong size");
        EMBASSY_TRY(parser.feed({plain.data(), static_cast<std::size_t>(plen)}));
        if (retain != nullptr && retain->has_value()) {
            Retained& r = **retain;
            if (r.used + plen <= r.bytes.size()) {
                std::memcpy(r.bytes.data() + r.used, plain.data(), static_cast<std::size_t>(plen));
                r.used += static_cast<std::size_t>(plen);
            } else {
                retain->reset();  // wiped; pass 2 reads the file
            }
        }
        if (final) {
            if (std::fgetc(f) != EOF) return make_error("data after the final chunk");
            return parser.finish();
        }
    }
}

std::string file_label(const Source& s) {
    return s.in_memory ? std::string("<memory>") : s.path.filename().string();
}

Error prefixed(const Source& s, const Error& e) { return make_error("batch " + file_label(s) + ": " + e.message); }

}  // namespace

std::uint64_t padded_plaintext_size(std::uint64_t n) {
    if (n <= kMinPaddedPlaintext) return kMinPaddedPlaintext;
    return std::bit_ceil(n);
}

std::uint64_t Manifest::record_count() const {
    std::uint64_t n = 0;
    for (auto c : counts) n += c;
    return n;
}

std::string random_batch_file_name() {
    std::array<std::uint8_t, 8> r{};
    registry::crypto_init();
    randombytes_buf(r.data(), r.size());
    return to_hex(r) + kBatchExtension;
}

// [SECTION] detail hooks

namespace detail {

Bytes encode_manifest(const Manifest& m) {
    Bytes out;
    out.reserve(kManifestSize);
    auto h = [&](std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); };
    put_u32(out, m.format_version);
    h(m.fields.kiosk_public_key);
    h(m.fields.coordinator_key_id);
    put_u64(out, m.fields.seq);
    h(m.fields.previous_batch_hash);
    h(m.batch_id);
    for (auto c : m.counts) put_u64(out, c);
    put_u64(out, m.first_record_seq);
    put_u64(out, m.last_record_seq);
    put_u64(out, m.fields.log.size);
    h(m.fields.log.hash);
    h(m.payload_hash);
    return out;
}

Result<Manifest> decode_manifest(std::span<const std::uint8_t> b) {
    if (b.size() != kManifestSize) return make_error("manifest has the wrong size");
    // The fields of section 4.2, in order; the size check above makes every read fit.
    ByteReader r(b);
    Manifest m;
    m.format_version = r.u32();
    if (m.format_version < kOldestBatchFormatVersion || m.format_version > kBatchFormatVersion)
        return make_error("unsupported manifest version " + std::to_string(m.format_version));
    m.fields.kiosk_public_key = r.array<32>();
    m.fields.coordinator_key_id = r.array<32>();
    m.fields.seq = r.u64();
    m.fields.previous_batch_hash = r.array<32>();
    m.batch_id = r.array<16>();
    for (auto& c : m.counts) c = r.u64();
    m.first_record_seq = r.u64();
    m.last_record_seq = r.u64();
    m.fields.log.size = r.u64();
    m.fields.log.hash = r.array<32>();
    m.payload_hash = r.array<32>();
    if (!r.ok() || !r.at_end()) return make_error("manifest fields do not fill its size");  // unreachable: kManifestSize
    return m;
}

Bytes manifest_signing_message(std::span<const std::uint8_t> manifest_bytes) {
    Bytes msg(as_bytes(kManifestDomain).begin(), as_bytes(kManifestDomain).end());
    msg.insert(msg.end(), manifest_bytes.begin(), manifest_bytes.end());
    return msg;
}

Hash batch_hash(std::span<const std::uint8_t> manifest_bytes, std::span<const std::uint8_t> signature) {
    crypto_generichash_state st;
    hash_init(st, kBatchHashDomain);
    crypto_generichash_update(&st, manifest_bytes.data(), manifest_bytes.size());
    crypto_generichash_update(&st, signature.data(), signature.size());
    return hash_final(st);
}

Result<VerifiedManifest> parse_plaintext_stream(std::span<const std::uint8_t> plaintext,
                                                const std::function<Status(const Record&)>& on_record) {
    // Pass 1 checks everything; only then does pass 2 hand out records.
    StreamParser p1(nullptr, true, 0);
    EMBASSY_TRY(p1.feed(plaintext));
    EMBASSY_TRY(p1.finish());
    auto v = p1.verified(std::nullopt);
    if (!v) return v.error();
    v->file_size = plaintext.size();
    if (on_record) {
        StreamParser p2(&on_record, true, v->manifest.format_version);
        EMBASSY_TRY(p2.feed(plaintext));
        EMBASSY_TRY(p2.finish());
    }
    return v;
}

Result<Bytes> make_plaintext_stream(std::span<const Record> records, const ManifestFields& fields,
                                    const BatchId& batch_id, const Signer& signer, std::uint32_t format_version) {
    Manifest m;
    m.format_version = format_version;
    m.fields = fields;
    m.batch_id = batch_id;
    crypto_generichash_state hs;
    hash_init(hs, kPayloadDomain);
    Bytes out;
    for (const auto& r : records) {
        const std::size_t start = out.size();
        EMBASSY_TRY(encode_record(r, out, format_version));
        crypto_generichash_update(&hs, out.data() + start, out.size() - start);
        ++m.counts[static_cast<std::size_t>(record_type(r)) - 1];
    }
    if (!records.empty()) {
        m.first_record_seq = record_seq(records.front());
        m.last_record_seq = record_seq(records.back());
    }
    m.payload_hash = hash_final(hs);
    const Bytes manifest = encode_manifest(m);
    const Bytes sig = signer(manifest_signing_message(manifest));
    out.push_back(kManifestFrameType);
    put_u32(out, static_cast<std::uint32_t>(kManifestSize));
    out.insert(out.end(), manifest.begin(), manifest.end());
    out.insert(out.end(), sig.begin(), sig.end());
    if (format_version >= 2) out.resize(static_cast<std::size_t>(padded_plaintext_size(out.size())), 0);
    return out;
}

Result<VerifiedManifest> verify_batch_bytes(std::span<const std::uint8_t> file,
                                            const registry::SecretBytes& coordinator_box_secret,
                                            const BoxPublicKey& coordinator_box_public) {
    Source src;
    src.memory = file;
    src.in_memory = true;
    FilePtr f(src.open());
    if (!f) return prefixed(src, make_error("not a batch file (bad magic)"));
    std::array<std::uint8_t, kBatchHeaderSize> header{};
    registry::SecretBytes key;
    if (auto s = open_header(f.get(), coordinator_box_secret, coordinator_box_public, header, key); !s)
        return prefixed(src, s.error());
    StreamParser parser(nullptr, true, get_u32(header.data() + H::version));
    std::uint64_t size = 0;
    if (auto s = read_chunks(f.get(), header.data() + H::stream_header, key, parser, size); !s) return prefixed(src, s.error());
    auto v = parser.verified(std::nullopt);
    if (!v) return prefixed(src, v.error());
    v->file_size = size;
    return v;
}

}  // namespace detail

// [SECTION] BatchWriter (5)

struct BatchWriter::Impl {
    std::filesystem::path final_path, temp_path;
    std::optional<AtomicFile> file;             // the one atomic writer (registry/bytes.hpp)
    bool finished = false;
    bool failed = false;
    registry::SecretBytes state{sizeof(StreamState)};
    registry::SecretBytes buf{kChunkSize};      // plaintext holds personal data: mlock'd, wiped
    std::size_t buf_len = 0;
    Bytes cipher = Bytes(4 + kMaxCipherChunk);
    Bytes scratch;                              // one encoded record; capacity ≤ one record
    crypto_generichash_state hs{};
    std::array<std::uint64_t, kRecordTypeCount> counts{};
    std::uint64_t total = 0, first = 0, last = 0, file_size = 0;
    std::uint64_t plaintext = 0;                // bytes fed so far (for the padding bucket)
    BatchId id{};

    ~Impl() {
        sodium_memzero(scratch.data(), scratch.capacity());
    }

    bool open() const { return file && file->is_open(); }

    std::string label() const { return "batch " + final_path.filename().string() + ": "; }

    Status push(unsigned char tag) {
        unsigned long long clen = 0;
        if (crypto_secretstream_xchacha20poly1305_push(stream_state(state), cipher.data() + 4, &clen, buf.data(), buf_len,
                                                       nullptr, 0, tag) != 0)
            return make_error(label() + "encryption failed");
        for (int i = 0; i < 4; ++i) cipher[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(clen >> (8 * i));
        buf_len = 0;
        file_size += 4 + clen;
        // The file's own messages name its path: "batch <path>: write failed: No space left on device".
        if (auto s = file->write({cipher.data(), 4 + static_cast<std::size_t>(clen)}); !s) return make_error("batch " + s.message());
        return {};
    }

    // A full buffer is pushed only when more bytes arrive, so the last chunk (TAG_FINAL) is never empty.
    // Its errors (and push's) already say "batch ...".
    Status feed(std::span<const std::uint8_t> data) {
        plaintext += data.size();
        while (!data.empty()) {
            if (buf_len == kChunkSize) EMBASSY_TRY(push(crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
            const std::size_t n = std::min(data.size(), kChunkSize - buf_len);
            std::memcpy(buf.data() + buf_len, data.data(), n);
            buf_len += n;
            data = data.subspan(n);
        }
        return {};
    }
};

BatchWriter::BatchWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BatchWriter::BatchWriter(BatchWriter&&) noexcept = default;
BatchWriter& BatchWriter::operator=(BatchWriter&& o) noexcept {
    if (this != &o) {
        abort();
        impl_ = std::move(o.impl_);
    }
    return *this;
}
BatchWriter::~BatchWriter() { abort(); }

Result<BatchWriter> BatchWriter::open(const std::filesystem::path& final_path, const BoxPublicKey& coordinator_box,
                                      const std::optional<BatchId>& batch_id) {
    registry::crypto_init();
    auto impl = std::make_unique<Impl>();
    impl->final_path = final_path;
    std::error_code ec;
    if (std::filesystem::exists(final_path, ec)) return make_error(impl->label() + "file already exists");
    auto file = AtomicFile::create(final_path.string());
    if (!file) return make_error("batch " + file.message());
    impl->temp_path = file->temp_path();
    impl->file.emplace(std::move(*file));

    Bytes header(kMagic.begin(), kMagic.end());
    put_u32(header, kBatchFormatVersion);
    registry::SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    crypto_secretstream_xchacha20poly1305_keygen(key.data());
    header.resize(H::chunks);
    if (crypto_box_seal(header.data() + H::sealed_key, key.data(), key.size(), coordinator_box.data()) != 0 ||
        crypto_secretstream_xchacha20poly1305_init_push(stream_state(impl->state), header.data() + H::stream_header,
                                                        key.data()) != 0) {
        // An unusable coordinator key (e.g. all zero): a file nobody could open must not be written
        // (the AtomicFile's destructor removes the temp file).
        return make_error(impl->label() + "cannot encrypt to the coordinator's key (is the coordinator identity valid?)");
    }
    if (batch_id) impl->id = *batch_id;
    else randombytes_buf(impl->id.data(), impl->id.size());
    hash_init(impl->hs, kPayloadDomain);
    impl->file_size = header.size();
    BatchWriter w(std::move(impl));
    if (auto s = w.impl_->file->write(header); !s) {
        w.abort();
        return make_error("batch " + s.message());
    }
    return w;
}

Status BatchWriter::add(const Record& r) {
    auto& d = *impl_;
    if (d.finished || d.failed || !d.open()) return make_error(d.label() + "writer is closed");
    const std::uint64_t seq = record_seq(r);
    if (d.total > 0 && seq <= d.last) return make_error(d.label() + "record sequence does not increase");
    if (d.total >= kMaxRecordsPerBatch) return make_error(d.label() + "too many records");
    d.scratch.clear();
    if (auto s = encode_record(r, d.scratch); !s) return make_error(d.label() + "record seq " + std::to_string(seq) + ": " + s.message());
    crypto_generichash_update(&d.hs, d.scratch.data(), d.scratch.size());
    if (auto s = d.feed(d.scratch); !s) {
        d.failed = true;
        return s.error();
    }
    sodium_memzero(d.scratch.data(), d.scratch.size());
    if (d.total == 0) d.first = seq;
    d.last = seq;
    ++d.total;
    ++d.counts[static_cast<std::size_t>(record_type(r)) - 1];
    return {};
}

Result<BatchInfo> BatchWriter::finish(const ManifestFields& fields, const Signer& signer) {
    auto& d = *impl_;
    if (d.finished || d.failed || !d.open()) return make_error(d.label() + "writer is closed");
    if (d.total == 0) return make_error(d.label() + "no records");
    if (auto e = seq_rule_error(fields.seq, fields.previous_batch_hash); !e.empty()) return make_error(d.label() + e);
    Manifest m;
    m.fields = fields;
    m.batch_id = d.id;
    m.counts = d.counts;
    m.first_record_seq = d.first;
    m.last_record_seq = d.last;
    m.payload_hash = hash_final(d.hs);
    const Bytes manifest = detail::encode_manifest(m);
    const Bytes msg = detail::manifest_signing_message(manifest);
    const Bytes sig = signer(msg);
    if (sig.size() != kSignatureSize ||
        crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), fields.kiosk_public_key.data()) != 0)
        return make_error(d.label() + "signer's key does not match the manifest's kiosk key");

    Bytes tail{kManifestFrameType};
    put_u32(tail, static_cast<std::uint32_t>(kManifestSize));
    tail.insert(tail.end(), manifest.begin(), manifest.end());
    tail.insert(tail.end(), sig.begin(), sig.end());
    auto io = [&](Status s) -> Status {
        if (!s) d.failed = true;
        return s;
    };
    if (auto s = io(d.feed(tail)); !s) return s.error();
    {   // Zero bytes up to the size bucket, inside the encryption (spec 4.4): the file's size then
        // tells a bucket, not a count of signatures.
        const std::uint64_t padded = padded_plaintext_size(d.plaintext);
        const Bytes zeros(kChunkSize, 0);
        while (d.plaintext < padded) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), padded - d.plaintext));
            if (auto s = io(d.feed({zeros.data(), n})); !s) return s.error();
        }
    }
    if (auto s = io(d.push(crypto_secretstream_xchacha20poly1305_TAG_FINAL)); !s) return s.error();
    // fsync, rename, fsync the directory. A failure before the rename removed the temp file; one
    // after it (the directory fsync) leaves a complete batch in place, reported all the same.
    const Status committed = d.file->commit();
    d.finished = true;   // committed, or failed with nothing left to remove
    if (!committed) return make_error("batch " + committed.message());

    BatchInfo info;
    info.path = d.final_path;
    info.batch_hash = detail::batch_hash(manifest, sig);
    info.batch_id = d.id;
    info.counts = d.counts;
    info.first_record_seq = d.first;
    info.last_record_seq = d.last;
    info.file_size = d.file_size;
    return info;
}

void BatchWriter::abort() {
    if (!impl_ || impl_->finished) return;
    if (impl_->file) impl_->file->abort();
    impl_->finished = true;   // nothing more to clean up
}

const BatchId& BatchWriter::batch_id() const { return impl_->id; }
std::uint64_t BatchWriter::record_count() const { return impl_->total; }
const std::filesystem::path& BatchWriter::temp_path() const { return impl_->temp_path; }

Result<std::size_t> remove_stale_batch_temps(const std::filesystem::path& dir) {
    std::error_code ec;
    std::size_t n = 0;
    const std::string ext = kBatchExtension;
    auto ends_with = [](std::string_view s, std::string_view tail) {
        return s.size() > tail.size() && s.substr(s.size() - tail.size()) == tail;
    };
    // "<name>.embatch.<hex>.tmp" (AtomicFile's temp name) or "<name>.embatch.tmp" (older writers).
    auto is_batch_temp = [&](std::string_view name) {
        if (!ends_with(name, ".tmp")) return false;
        name.remove_suffix(4);
        if (ends_with(name, ext)) return true;
        const auto dot = name.rfind('.');
        return dot != std::string_view::npos && ends_with(name.substr(0, dot), ext);
    };
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (is_batch_temp(name)) {
            std::error_code rec;
            if (std::filesystem::remove(it->path(), rec)) ++n;
        }
    }
    if (ec) return make_error("cannot list " + dir.filename().string() + ": " + ec.message());
    return n;
}

// [SECTION] BatchReader (4.3)

struct BatchReader::Impl {
    Source src;
    std::array<std::uint8_t, kBatchHeaderSize> header{};
    registry::SecretBytes file_key;
    std::optional<Hash> expected_key_id;
    std::optional<VerifiedManifest> verified;
    Hash payload_hash{};
    std::optional<Retained> plaintext;  // verify()'s plaintext of a small file, for one pass 2
};

namespace {
std::atomic<std::uint64_t> retained_limit{kRetainedPlaintextLimit};

// Room for the plaintext of a file of `size` bytes, if it is small enough and locked memory can be
// had (sodium_malloc: guard pages, wiped on free); otherwise none and pass 2 reads the file.
std::optional<Retained> retain_for(std::uint64_t size) {
    if (size == 0 || size > retained_limit.load()) return std::nullopt;
    std::optional<Retained> r;
    try {
        r.emplace();
        r->bytes = registry::SecretBytes(static_cast<std::size_t>(size));
    } catch (const std::bad_alloc&) {
        return std::nullopt;
    }
    return r;
}
}  // namespace

std::uint64_t detail::set_retained_plaintext_limit(std::uint64_t bytes) { return retained_limit.exchange(bytes); }

BatchReader::BatchReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BatchReader::BatchReader(BatchReader&&) noexcept = default;
BatchReader& BatchReader::operator=(BatchReader&&) noexcept = default;
BatchReader::~BatchReader() = default;

Result<BatchReader> BatchReader::open(const std::filesystem::path& path,
                                      const registry::SecretBytes& coordinator_box_secret,
                                      const BoxPublicKey& coordinator_box_public,
                                      std::optional<Hash> expected_coordinator_key_id) {
    registry::crypto_init();
    auto impl = std::make_unique<Impl>();
    impl->src.path = path;
    impl->expected_key_id = expected_coordinator_key_id;
    FilePtr f(impl->src.open());
    if (!f) return prefixed(impl->src, make_error(impl->src.why));
    if (auto s = open_header(f.get(), coordinator_box_secret, coordinator_box_public, impl->header, impl->file_key); !s)
        return prefixed(impl->src, s.error());
    return BatchReader(std::move(impl));
}

Result<VerifiedManifest> BatchReader::verify() {
    auto& d = *impl_;
    d.verified.reset();
    FilePtr f(d.src.open());
    if (!f) return prefixed(d.src, make_error(d.src.why));
    std::array<std::uint8_t, kBatchHeaderSize> header{};
    if (std::fread(header.data(), 1, header.size(), f.get()) != header.size() || header != d.header)
        return prefixed(d.src, make_error("file changed since it was opened"));
    StreamParser parser(nullptr, true, get_u32(header.data() + H::version));
    std::uint64_t size = 0;
    crypto_generichash_state raw;
    crypto_generichash_init(&raw, nullptr, 0, 32);
    crypto_generichash_update(&raw, header.data(), header.size());
    std::optional<Retained> plain;
    if (!d.src.in_memory) {
        struct stat st {};
        if (::fstat(::fileno(f.get()), &st) == 0 && st.st_size > 0) plain = retain_for(static_cast<std::uint64_t>(st.st_size));
    }
    if (auto s = read_chunks(f.get(), header.data() + H::stream_header, d.file_key, parser, size, &raw, &plain); !s)
        return prefixed(d.src, s.error());
    auto v = parser.verified(d.expected_key_id);
    if (!v) return prefixed(d.src, v.error());
    d.plaintext = std::move(plain);
    v->file_size = size;
    crypto_generichash_final(&raw, v->file_hash.data(), v->file_hash.size());
    d.payload_hash = v->manifest.payload_hash;
    d.verified = *v;
    return v;
}

std::size_t BatchReader::retained_plaintext_bytes() const {
    return impl_->plaintext ? impl_->plaintext->bytes.size() : 0;
}

void BatchReader::drop_retained_plaintext() { impl_->plaintext.reset(); }

Status BatchReader::for_each_record(const std::function<Status(const Record&)>& fn) {
    auto& d = *impl_;
    if (!d.verified) return prefixed(d.src, make_error("for_each_record before a successful verify()"));
    bool user_error = false;
    std::function<Status(const Record&)> wrapped = [&](const Record& r) -> Status {
        auto s = fn(r);
        if (!s) user_error = true;
        return s;
    };
    if (d.plaintext) {
        // The bytes verify() checked: no second decryption, and no payload hash to compare.
        std::optional<Retained> plain = std::move(d.plaintext);
        d.plaintext.reset();
        StreamParser parser(&wrapped, false, d.verified->manifest.format_version);
        Status s = parser.feed({plain->bytes.data(), plain->used});
        if (s) s = parser.finish();
        if (!s) return user_error ? s : Status(prefixed(d.src, s.error()));
        return {};
    }
    FilePtr f(d.src.open());
    if (!f) return prefixed(d.src, make_error(d.src.why));
    std::array<std::uint8_t, kBatchHeaderSize> header{};
    if (std::fread(header.data(), 1, header.size(), f.get()) != header.size() || header != d.header)
        return prefixed(d.src, make_error("file changed since verification"));
    StreamParser parser(&wrapped, true, get_u32(header.data() + H::version));
    std::uint64_t size = 0;
    if (auto s = read_chunks(f.get(), header.data() + H::stream_header, d.file_key, parser, size); !s)
        return user_error ? s : Status(prefixed(d.src, s.error()));
    // The same signed manifest and the same record bytes as in verify(): otherwise the file changed.
    const auto expect = detail::encode_manifest(d.verified->manifest);
    if (parser.manifest_bytes() != expect || parser.payload_hash_copy() != d.payload_hash)
        return prefixed(d.src, make_error("file changed since verification"));
    return {};
}

}  // namespace embassy::sync
