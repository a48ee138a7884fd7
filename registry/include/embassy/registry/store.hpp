// KioskStore: a kiosk's data directory, unlocked.
//
//   <dir>/kiosk.key   key file (keyfile.hpp) wrapping the 32-byte SQLCipher key
//   <dir>/kiosk.db    SQLCipher 4 database (+ -wal, -shm while open)
//
// Public mode is write-only: the kiosk's screens have no call that returns an earlier registrant's
// personal data. Counts and receipt checks are all they can ask for. Only batch export reads records
// back (record_for_export), to encrypt them to the coordinator.
//
// This class is the only code that reads or writes the kiosk database's tables: export and purge
// (sync/kiosk_export.cpp) go through the narrow calls below, not through the database.
#pragma once

#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/model.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/result.hpp"

#include <array>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace embassy::registry {

class Database;
struct SignatureRecord;

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

// A batch this kiosk assigned records to (the batches table): 'pending' from the assignment until
// its file is durable under its final name, then 'written' with its hash (kiosk_export.cpp).
struct KioskBatch {
    std::uint64_t seq = 0;
    std::array<std::uint8_t, 16> id{};   // the batch id (sync::BatchId)
    std::optional<Hash> hash;            // set once written (none while pending, or if damaged)
    std::uint64_t first_record = 0;      // batch record numbering: first of this batch
    std::uint64_t last_record = 0;       // and last (0 while pending)
    std::string file_name;
    bool pending = false;
};

// The appeal an exported signature refers to, as loaded from its pack.
struct AppealRef {
    Hash content_hash{};
    Hash pack_hash{};
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
    Result<std::vector<Event>> events() const;
    Status set_active_event(std::int64_t event_id);
    // None when no event is active, and (documented default) when the database cannot be read:
    // the screens then ask for an event; submit reads it itself and reports the error.
    std::optional<Event> active_event() const;
    Status set_active_appeals(const std::vector<std::string>& appeal_ids);
    // Empty when none is active, and (documented default) when the database cannot be read.
    std::vector<std::string> active_appeals() const;

    // Validate and store registrant + consents + signature + log entry in one transaction; only
    // after COMMIT returns the receipt code (formatted, e.g. "7K3M-Q2ZD-...-C").
    Result<std::string> submit(const Submission& s);

    // Does this code belong to a signature on this kiosk? (No personal data involved.)
    Result<bool> verify_receipt(std::string_view code) const;

    Result<Counts> counts(std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
    Result<LogHead> log_head() const;
    // Walk the hash chain over signature records; an edited, deleted or reordered record is an Error
    // naming the first bad log position. Success says the chain is consistent, not that it is
    // complete: see LogCheck.
    Result<LogCheck> verify_log() const;

    // Settings (key/value; not personal data). `fallback` when the key is not set; an Error when
    // the database cannot be read.
    Result<std::string> setting(std::string_view key, std::string_view fallback = {}) const;
    Status set_setting(std::string_view key, std::string_view value);

    // Sign with the kiosk's Ed25519 key (used by batch export).
    Bytes sign(std::span<const std::uint8_t> message) const;

    // PRAGMA quick_check of the database (kiosk check, crash tests).
    Status quick_check() const;

    // Batch export and purge (sync/kiosk_export.cpp keeps the batch format and the redo-log order;
    // the rows are this class's).
    Result<std::optional<KioskBatch>> batch(std::uint64_t seq) const;
    Result<std::optional<KioskBatch>> pending_batch() const;  // the oldest one left pending
    // In one transaction: every signature not yet in a batch is assigned to a new pending batch
    // (seq and first_record following the last batch) with this id and file name. None, and nothing
    // written, when there is no such signature.
    Result<std::optional<KioskBatch>> open_batch(const std::array<std::uint8_t, 16>& id, std::string_view file_name);
    Result<std::vector<std::int64_t>> batch_signatures(std::uint64_t seq) const;  // in log order
    // The canonical record of signature `seq` with its personal data. `purged` tells whether that
    // data was already removed after an acknowledgement.
    Result<SignatureRecord> record_for_export(std::int64_t seq, bool& purged) const;
    Result<std::optional<AppealRef>> appeal_ref(std::string_view appeal_id, std::uint32_t version) const;
    Result<std::optional<Hash>> log_entry(std::int64_t pos) const;  // entry hash at log position pos
    Status mark_batch_written(std::uint64_t seq, const Hash& batch_hash, std::uint64_t last_record);
    Result<bool> batch_purged(std::uint64_t seq) const;  // has any of its records been purged?
    // After an acknowledgement of batches 1..up_to_batch: in one transaction, remove the personal
    // data and log salts of their records and record the acknowledgement; then fold the WAL into the
    // database, VACUUM and truncate the WAL, so no old page image keeps the names. Returns how many
    // registrants were purged now.
    Result<std::uint64_t> purge_acknowledged(std::uint64_t up_to_batch, std::uint64_t up_to_record);
    // How many registrants purge_acknowledged(up_to_batch, …) would purge now; changes nothing.
    Result<std::uint64_t> purgeable(std::uint64_t up_to_batch) const;

    // Close the database and wipe the keys. The object is unusable afterwards.
    void lock();

private:
    KioskStore() = default;
    Result<std::optional<Event>> read_active_event() const;  // through the cache below
    // Tests reach the database through this (tests/registry/support/kiosk_fixture.hpp); no module does.
    friend struct KioskStoreTestAccess;
    std::filesystem::path dir_;
    std::unique_ptr<Database> db_;
    SecretBytes sign_secret_;
    // The active event is read on every submit; kept here and dropped when settings change.
    mutable std::optional<std::optional<Event>> active_event_cache_;
};

}  // namespace embassy::registry
