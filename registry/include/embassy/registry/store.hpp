// KioskStore: a kiosk's data directory, unlocked.
//
//   <dir>/kiosk.key   key file (keyfile.hpp) wrapping the 32-byte SQLCipher key
//   <dir>/kiosk.db    SQLCipher 4 database (+ -wal, -shm while open)
//
// Public mode is write-only: this class offers no call that returns an earlier registrant's
// personal data. Counts and receipt checks are all the kiosk can ask for.
#pragma once

#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/model.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/result.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace embassy::registry {

class Database;

struct AppealCount {
    std::string appeal_id;
    std::int64_t event_today = 0;
    std::int64_t event_total = 0;
    std::int64_t all_today = 0;
    std::int64_t all_total = 0;
};

struct Counts {
    std::int64_t registrants = 0;       // rows with personal data still on the kiosk
    std::int64_t signatures = 0;        // all signatures ever taken (kept after purge)
    std::int64_t registry_joins = 0;
    std::vector<AppealCount> per_appeal;
};

struct LogHead {
    std::int64_t size = 0;   // number of entries
    Hash head{};             // hash of the last entry (all zero when empty)
};

// What verify_log() found consistent. It cannot tell that the newest entries were taken away:
// whoever holds the passphrase can rewrite history not yet exported, and then the chain is
// consistent again. Receipts expose that (a signer's code missing from the published list).
struct LogCheck {
    std::int64_t entries = 0;      // log entries, all chained and matching their records
    std::int64_t unexported = 0;   // of them, signatures not yet in a written batch
};

struct KioskInfo {
    std::string name;
    SignPublicKey public_key{};
    std::string fingerprint;
    int schema_version = 0;
    PublicIdentity coordinator;
};

class KioskStore {
public:
    static constexpr const char* key_file_name = "kiosk.key";
    static constexpr const char* db_file_name = "kiosk.db";

    // True when dir holds a kiosk key file.
    static bool exists(const std::filesystem::path& dir);

    // New kiosk: key file + database + Ed25519 identity, bound to a coordinator's public identity.
    // Refuses a directory that already holds a kiosk.
    static Result<std::unique_ptr<KioskStore>> create(const std::filesystem::path& dir,
                                                      std::string_view passphrase,
                                                      const PublicIdentity& coordinator,
                                                      std::string_view kiosk_name, KdfParams kdf);

    // Unlock: derive, unwrap, key SQLCipher, migrate the schema forward.
    static Result<std::unique_ptr<KioskStore>> open(const std::filesystem::path& dir,
                                                    std::string_view passphrase);

    ~KioskStore();
    KioskStore(const KioskStore&) = delete;
    KioskStore& operator=(const KioskStore&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    KioskInfo info() const;
    Status change_passphrase(std::string_view old_passphrase, std::string_view new_passphrase, KdfParams kdf);

    // Appeal packs: verified against the coordinator this kiosk was initialised with.
    Status load_pack(std::span<const std::uint8_t> pack_file);
    Result<AppealPack> current_pack() const;

    // Events.
    Result<std::int64_t> create_event(const Event& e);
    std::vector<Event> events() const;
    Status set_active_event(std::int64_t event_id);
    std::optional<Event> active_event() const;
    Status set_active_appeals(const std::vector<std::string>& appeal_ids);
    std::vector<std::string> active_appeals() const;

    // Validate and store registrant + consents + signature + log entry in one transaction; only
    // after COMMIT returns the receipt code (formatted, e.g. "7K3M-Q2ZD-...-C").
    Result<std::string> submit(const Submission& s);

    // Does this code belong to a signature on this kiosk? (No personal data involved.)
    Result<bool> verify_receipt(std::string_view code) const;

    Counts counts(std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
    LogHead log_head() const;
    // Walk the hash chain over signature records; an edited, deleted or reordered record is an Error
    // naming the first bad log position. Success says the chain is consistent, not that it is
    // complete: see LogCheck.
    Result<LogCheck> verify_log() const;

    // Settings (key/value; not personal data).
    std::string setting(std::string_view key, std::string_view fallback = {}) const;
    Status set_setting(std::string_view key, std::string_view value);

    // Sign with the kiosk's Ed25519 key (used by batch export).
    Bytes sign(std::span<const std::uint8_t> message) const;

    // The open database, for the sync module's export and purge.
    Database& db() { return *db_; }
    const Database& db() const { return *db_; }

    // Close the database and wipe the keys. The object is unusable afterwards.
    void lock();

private:
    KioskStore() = default;
    std::optional<Event> find_active_event() const;
    std::filesystem::path dir_;
    std::unique_ptr<Database> db_;
    SecretBytes sign_secret_;
    // The active event is read on every submit; kept here and dropped when settings change.
    mutable std::optional<std::optional<Event>> active_event_cache_;
};

}  // namespace embassy::registry

namespace embassy::registry {
struct SignatureRecord;
// Rebuild the canonical record of signature `seq` from its rows (log verification, batch export).
// `purged` tells whether its personal data was already removed after an acknowledgement.
Result<SignatureRecord> load_record(Database& db, std::int64_t seq, bool& purged);
}  // namespace embassy::registry
