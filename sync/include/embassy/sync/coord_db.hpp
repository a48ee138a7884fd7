// The coordinator registry: an encrypted SQLCipher database beside the coordinator identity.
//
//   <dir>/coordinator.key   the coordinator's secrets (coordinator.hpp)
//   <dir>/identity.pub      its public identity
//   <dir>/registry.key      key file (kind kiosk_database, same passphrase) wrapping the registry's
//                           random 32-byte SQLCipher key
//   <dir>/registry.db       the registry (+ -wal, -shm while open)
//   <dir>/quarantine/       copies of batch files that could not be imported yet (a gap, or a kiosk
//                           not enrolled yet); they are encrypted batch files, nothing else
//
// The registry holds enrolled kiosks and what was imported from them: batches, events, members
// (deduplicated people), registrations, consents and signatures; plus quarantined batches and
// alarms (forks, rewritten kiosk logs). Schema history lives in coord_db.cpp.
#pragma once

#include "embassy/registry/db.hpp"
#include "embassy/sync/dedupe.hpp"
#include "embassy/sync/receipt_index.hpp"
#include "embassy/registry/keyfile.hpp"
#include "embassy/sync/coordinator.hpp"
#include "embassy/result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace embassy::sync {

// What Coordinator::open did to the stored name keys (rebuild_match_keys, duplicates.hpp).
struct MatchKeyRebuild {
    bool rebuilt = false;
    int from = 0, to = 0;              // key versions (0: before versions were stored)
    std::int64_t members = 0;          // members whose key was computed again
    std::int64_t changed = 0;          // of them, whose key is not what was stored
    std::int64_t sharing = 0;          // members now sharing a key with another not merged with them
};

inline constexpr const char* coord_registry_key_file = "registry.key";
inline constexpr const char* coord_registry_db_file = "registry.db";
inline constexpr const char* coord_quarantine_dir = "quarantine";

int coord_schema_latest();
// Bring a registry's schema up to `version` (tests of the migrations; Coordinator::open runs them all).
Status coord_migrate_to(registry::Database& db, int version);

struct EnrolledKiosk {
    std::int64_t id = 0;
    SignPublicKey public_key{};
    std::string fingerprint;         // "3F2A 9C01 …"
    std::string name;
    std::uint64_t last_seq = 0;      // last imported batch (0: none)
    Hash last_batch_hash{};
    std::uint64_t log_size = 0;      // kiosk log head after that batch
    Hash log_head{};
    std::uint64_t last_record_seq = 0;
    std::int64_t revoked_at = 0;     // unix time of `coord kiosk revoke`; 0: not revoked (kiosks.hpp)
    std::string revoked_reason;
};

class Coordinator {
public:
    // Unlock the identity in dir and open its registry, creating registry.key (with new_key_params)
    // and registry.db on first use. Two Argon2id derivations.
    static Result<std::unique_ptr<Coordinator>> open(const std::filesystem::path& dir, std::string_view passphrase,
                                                     registry::KdfParams new_key_params);
    // For tests and benchmarks: keys already unlocked, the registry key given (no key file is read
    // or written). The secrets are copied.
    static Result<std::unique_ptr<Coordinator>> open_with(const std::filesystem::path& dir, const CoordinatorKeys& keys,
                                                          const registry::SecretBytes& db_key);
    ~Coordinator();
    Coordinator(const Coordinator&) = delete;
    Coordinator& operator=(const Coordinator&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    const CoordinatorKeys& keys() const { return keys_; }
    registry::Database& db() { return *db_; }
    // Deduplication's index of members by name key, kept for the life of this object (dedupe.hpp).
    MemberIndex& member_index() { return members_; }
    // And its index of counted signatures by member and appeal (dedupe.hpp).
    CountedIndex& counted_index() { return counted_; }
    // Receipt commitments already imported, for their uniqueness and for withdrawal (receipt_index.hpp).
    ReceiptIndex& receipt_index() { return receipts_; }
    // What opening did to stored match keys made by an earlier rule (rebuilt = false: none were).
    const MatchKeyRebuild& key_rebuild() const { return key_rebuild_; }

    // Enrolled kiosks.
    Result<EnrolledKiosk> enroll(const SignPublicKey& kiosk_key, std::string_view name);
    std::optional<EnrolledKiosk> kiosk_by_key(const SignPublicKey& key);
    // Accepts "3F2A 9C01 …", "3F2A9C01…", any case.
    std::optional<EnrolledKiosk> kiosk_by_fingerprint(std::string_view fingerprint);
    std::vector<EnrolledKiosk> kiosks();

    // Close the database (a clean close folds the WAL back into registry.db) and wipe the keys.
    void close();

private:
    Coordinator() = default;
    static Result<std::unique_ptr<Coordinator>> open_db(const std::filesystem::path& dir, CoordinatorKeys keys,
                                                        const registry::SecretBytes& db_key);
    std::filesystem::path dir_;
    CoordinatorKeys keys_;
    std::unique_ptr<registry::Database> db_;
    MemberIndex members_;
    CountedIndex counted_;
    ReceiptIndex receipts_;
    MatchKeyRebuild key_rebuild_;
};

// "3F2A 9C01 77D4 0B1E 5A60" or "3f2a9c01…" → "3F2A9C0177D40B1E5A60"; "" if not 20 hex digits.
std::string normalize_fingerprint(std::string_view text);

// Parse a kiosk public key file: 64 hex digits (surrounding whitespace allowed).
Result<SignPublicKey> parse_kiosk_key(std::string_view text);

}  // namespace embassy::sync
