// The batch file: records from one kiosk, signed by it (Ed25519) and encrypted to the coordinator
// (sealed file key + secretstream chunks). Byte layout, limits and rejection rules: docs/batch-format.md.
//
// This is a pure format layer: no database. Export builds Records from the kiosk DB and feeds a
// BatchWriter; import verifies with a BatchReader, then takes the records with for_each_record.
// Both directions stream: memory is one chunk plus one record, whatever the batch size.
//
// Index of this file
//  [SECTION] Limits and constants
//  [SECTION] Records
//  [SECTION] Manifest
//  [SECTION] BatchWriter
//  [SECTION] BatchReader
//  [SECTION] detail: hooks for tests and fuzzing
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace embassy::sync {

// [SECTION] Limits and constants
// Version 2 (log salt in the signature record, zero padding to a size bucket) is what writers
// write; readers also accept version 1 files written before the upgrade (docs/batch-format.md).
inline constexpr std::uint32_t kBatchFormatVersion = 2;
inline constexpr std::uint32_t kOldestBatchFormatVersion = 1;
inline constexpr std::size_t kMinPaddedPlaintext = 65536;    // the smallest size bucket: one chunk
inline constexpr std::size_t kChunkSize = 65536;             // plaintext bytes per non-final chunk
inline constexpr std::size_t kMaxRecordBody = 131072;        // 128 KiB
inline constexpr std::size_t kMaxString = 1024;
inline constexpr std::size_t kMaxStrokes = 65536;
inline constexpr std::uint64_t kMaxRecordsPerBatch = 10'000'000;
inline constexpr std::size_t kManifestSize = 268;
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kBatchHeaderSize = 116;         // magic + version + sealed key + stream header
inline constexpr const char* kBatchExtension = ".embatch";

// The outer header's fields (docs/batch-format.md, section 3; tests/sync/batch.test.cpp compares
// these with the table there): what a seized file shows before its chunks.
namespace batch_header_layout {
inline constexpr std::size_t magic = 0;              // "EMBBATCH"
inline constexpr std::size_t version = 8;            // u32
inline constexpr std::size_t sealed_key = 12;        // crypto_box_seal(file_key), 80 bytes
inline constexpr std::size_t stream_header = 92;     // secretstream header, 24 bytes
inline constexpr std::size_t chunks = 116;
static_assert(chunks == kBatchHeaderSize);
}  // namespace batch_header_layout

using BatchId = std::array<std::uint8_t, 16>;

// [SECTION] Records
enum class RecordType : std::uint8_t {
    registrant = 1,
    consent = 2,
    signature = 3,
    receipt_commitment = 4,
    event = 5,
    appeal_ref = 6,
    withdrawal = 7,
};
inline constexpr std::size_t kRecordTypeCount = 7;
const char* record_type_name(RecordType t);   // "registrant", ...

struct RegistrantRecord {
    std::uint64_t seq = 0;            // kiosk-local record sequence number
    std::int64_t event_id = 0;
    std::uint64_t unix_minute = 0;
    std::string given_name, family_name, country, city, email, phone, lang;
    bool join_registry = false;
    bool operator==(const RegistrantRecord&) const = default;
};

struct ConsentRecord {
    std::uint64_t seq = 0;
    std::uint64_t registrant_seq = 0;
    std::uint8_t purpose = 1;         // registry::Purpose, 1..4
    Hash text_hash{};
    std::string lang;
    std::uint64_t unix_minute = 0;
    bool operator==(const ConsentRecord&) const = default;
};

enum class SignatureMode : std::uint8_t { strokes = 1, typed_name = 2 };

struct SignatureRecord {
    std::uint64_t seq = 0;
    std::uint64_t registrant_seq = 0;
    std::string appeal_id;
    std::uint32_t appeal_version = 1;
    Hash appeal_text_hash{};
    std::string lang;
    std::int64_t event_id = 0;
    std::uint64_t unix_minute = 0;
    SignatureMode mode = SignatureMode::strokes;
    Bytes strokes;                    // opaque encoded strokes (registry/strokes.hpp); empty for typed_name
    std::string typed_name;           // empty for strokes
    Hash receipt_commitment{};
    std::uint64_t log_position = 0;
    Hash log_salt{};                  // key of the kiosk's log record hash (format 2; zero in format 1)
    bool operator==(const SignatureRecord&) const = default;
};

struct ReceiptCommitmentRecord {
    std::uint64_t seq = 0;
    std::uint64_t signature_seq = 0;
    Hash commitment{};
    bool operator==(const ReceiptCommitmentRecord&) const = default;
};

struct EventRecord {
    std::uint64_t seq = 0;
    std::int64_t event_id = 0;
    std::string name, city, country, date;
    bool operator==(const EventRecord&) const = default;
};

struct AppealRefRecord {
    std::uint64_t seq = 0;
    std::string appeal_id;
    std::uint32_t appeal_version = 1;
    Hash content_hash{};
    Hash pack_hash{};
    bool operator==(const AppealRefRecord&) const = default;
};

struct WithdrawalRecord {
    std::uint64_t seq = 0;
    std::uint64_t signature_seq = 0;
    Hash commitment{};
    std::uint64_t unix_minute = 0;
    bool operator==(const WithdrawalRecord&) const = default;
};

// Alternatives are in RecordType order: index() + 1 == type.
using Record = std::variant<RegistrantRecord, ConsentRecord, SignatureRecord, ReceiptCommitmentRecord,
                            EventRecord, AppealRefRecord, WithdrawalRecord>;

RecordType record_type(const Record& r);
std::uint64_t record_seq(const Record& r);

// Append the record's frame (type, u32 length, body) to `out`. Fails (naming the field, never its
// content) when a limit is exceeded or a string is not UTF-8; `out` is then unchanged.
// format_version 1 writes the signature record without its log salt (tests of the v1 reader only).
Status encode_record(const Record& r, Bytes& out, std::uint32_t format_version = kBatchFormatVersion);
// Decode one body of the given type, as the given format version lays it out; the whole body must
// be consumed.
Result<Record> decode_record(std::uint8_t type, std::span<const std::uint8_t> body,
                             std::uint32_t format_version = kBatchFormatVersion);

// The size bucket of a version-2 plaintext stream of n bytes (records, manifest frame, signature):
// the smallest power of two ≥ n, at least kMinPaddedPlaintext. Zero bytes fill the stream up to it,
// so a file's size shows the bucket, not the number of signatures.
std::uint64_t padded_plaintext_size(std::uint64_t n);

// [SECTION] Manifest
struct LogHeadField {
    std::uint64_t size = 0;
    Hash hash{};
    bool operator==(const LogHeadField&) const = default;
};

// What the caller (the exporter) provides; the writer computes the rest.
struct ManifestFields {
    SignPublicKey kiosk_public_key{};
    Hash coordinator_key_id{};        // registry::PublicIdentity::key_id()
    std::uint64_t seq = 0;            // 1, 2, 3, ... per kiosk
    Hash previous_batch_hash{};       // zero for seq 1
    LogHeadField log{};
};

struct Manifest {
    std::uint32_t format_version = kBatchFormatVersion;
    ManifestFields fields{};
    BatchId batch_id{};
    std::array<std::uint64_t, kRecordTypeCount> counts{};   // index = type - 1
    std::uint64_t first_record_seq = 0;
    std::uint64_t last_record_seq = 0;
    Hash payload_hash{};
    std::uint64_t record_count() const;
};

// Signs a message with the kiosk's Ed25519 secret key (KioskStore::sign); returns 64 bytes.
using Signer = std::function<Bytes(std::span<const std::uint8_t>)>;

struct BatchInfo {
    std::filesystem::path path;
    Hash batch_hash{};                // the next batch's previous_batch_hash
    BatchId batch_id{};
    std::array<std::uint64_t, kRecordTypeCount> counts{};
    std::uint64_t first_record_seq = 0;
    std::uint64_t last_record_seq = 0;
    std::uint64_t file_size = 0;
};

// Batch files up to this size are decrypted once (BatchReader::for_each_record). 16 MiB: about
// 20,000 signatures with strokes, more than a long rally day at one kiosk.
inline constexpr std::uint64_t kRetainedPlaintextLimit = 16u << 20;

struct VerifiedManifest {
    Manifest manifest;
    std::array<std::uint8_t, kSignatureSize> signature{};
    Hash batch_hash{};
    std::uint64_t file_size = 0;
    Hash file_hash{};  // BLAKE2b-256 of the whole file as verify() read it
};

// "<16 random hex digits>.embatch": says nothing about the kiosk, the date or the sequence.
std::string random_batch_file_name();

// [SECTION] BatchWriter
class BatchWriter {
public:
    // Creates a temp file beside final_path through AtomicFile ("<name>.embatch.<12 hex>.tmp", 0600,
    // O_EXCL) and writes the outer header. final_path must not exist.
    // batch_id: normally random; the exporter passes the id it recorded when it re-writes a batch whose
    // file was lost in a crash, so the manifest (and the batch hash) come out identical.
    static Result<BatchWriter> open(const std::filesystem::path& final_path, const BoxPublicKey& coordinator_box,
                                    const std::optional<BatchId>& batch_id = std::nullopt);

    BatchWriter(BatchWriter&&) noexcept;
    BatchWriter& operator=(BatchWriter&&) noexcept;
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;
    ~BatchWriter();                                   // abort()s if not finished

    Status add(const Record& r);                      // record seqs must increase strictly
    // Writes the manifest, its signature and the final chunk; fsyncs; renames to the final path;
    // fsyncs the directory. The signature is checked against fields.kiosk_public_key before writing.
    Result<BatchInfo> finish(const ManifestFields& fields, const Signer& signer);
    void abort();                                     // remove the temp file; idempotent

    const BatchId& batch_id() const;
    std::uint64_t record_count() const;
    const std::filesystem::path& temp_path() const;

private:
    struct Impl;
    explicit BatchWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Remove leftover temp files of batches in dir (from a crash during export): "*.embatch.<hex>.tmp",
// and "*.embatch.tmp" as writers before AtomicFile named them. Returns how many.
Result<std::size_t> remove_stale_batch_temps(const std::filesystem::path& dir);

// [SECTION] BatchReader
class BatchReader {
public:
    // Reads the header and opens the sealed file key. When expected_coordinator_key_id is given, the
    // manifest's coordinator key id must equal it.
    static Result<BatchReader> open(const std::filesystem::path& path,
                                    const registry::SecretBytes& coordinator_box_secret,
                                    const BoxPublicKey& coordinator_box_public,
                                    std::optional<Hash> expected_coordinator_key_id = std::nullopt);

    BatchReader(BatchReader&&) noexcept;
    BatchReader& operator=(BatchReader&&) noexcept;
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;
    ~BatchReader();

    // Pass 1: decrypt and check everything (chunks, records, limits, counts, payload hash, signature).
    Result<VerifiedManifest> verify();
    // Pass 2 (only after verify() succeeded): hand out each record in order. Fails if the file changed
    // since verify(); the consumer must then discard what it received (roll back).
    // An error returned by fn stops the pass and is returned as is.
    // A file of at most kRetainedPlaintextLimit bytes keeps its verified plaintext from verify() in
    // locked memory (wiped when freed), so the records come from exactly the bytes the signature
    // covered without decrypting and hashing the file again (spec 4.3); it is released after the
    // first for_each_record. Larger files are read a second time, as the spec describes.
    Status for_each_record(const std::function<Status(const Record&)>& fn);
    // Bytes of plaintext kept from verify() (0 if none), and a way to give them up early (the next
    // for_each_record then reads the file).
    std::size_t retained_plaintext_bytes() const;
    void drop_retained_plaintext();

private:
    struct Impl;
    explicit BatchReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// [SECTION] detail: hooks for tests and fuzzing (not for production code)
namespace detail {

Bytes encode_manifest(const Manifest& m);
Result<Manifest> decode_manifest(std::span<const std::uint8_t> bytes);
Bytes manifest_signing_message(std::span<const std::uint8_t> manifest_bytes);   // domain || manifest
Hash batch_hash(std::span<const std::uint8_t> manifest_bytes, std::span<const std::uint8_t> signature);

// Parse and verify a whole plaintext stream (section 4 of the spec) held in memory; records are
// handed to on_record (if set) only after the signature and counts verified.
Result<VerifiedManifest> parse_plaintext_stream(std::span<const std::uint8_t> plaintext,
                                                const std::function<Status(const Record&)>& on_record = {});

// Verify a batch image held in memory, as BatchReader::verify() would a file.
Result<VerifiedManifest> verify_batch_bytes(std::span<const std::uint8_t> file,
                                            const registry::SecretBytes& coordinator_box_secret,
                                            const BoxPublicKey& coordinator_box_public);

// Tests: the largest file whose plaintext BatchReader keeps between the passes (default
// kRetainedPlaintextLimit; 0 makes every reader read the file twice). Returns the previous value.
std::uint64_t set_retained_plaintext_limit(std::uint64_t bytes);

// The plaintext stream of a format-1 kiosk (unpadded, salt-less) for these records: BatchWriter
// writes only the current format, and the readers must still accept old kiosks' files. Tests and
// corpora put it in a real writer's file (tests/sync/batch_support.hpp reseal); for the current
// format they use BatchWriter itself.
Result<Bytes> make_plaintext_stream(std::span<const Record> records, const ManifestFields& fields,
                                    const BatchId& batch_id, const Signer& signer,
                                    std::uint32_t format_version = kBatchFormatVersion);

}  // namespace detail

}  // namespace embassy::sync
