// The coordinator registry: opening, schema, enrolled kiosks. Index:
//   [SECTION] Schema
//   [SECTION] Opening
//   [SECTION] Kiosks
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_passwd.hpp"
#include "embassy/sync/duplicates.hpp"
#include "embassy/registry/text.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace embassy::sync {
namespace fs = std::filesystem;
using registry::Database;
using registry::SecretBytes;

// [SECTION] Schema
//
// user_version is the schema version. Migrations run through registry::migrate_schema (db.hpp):
// each in one transaction with its bump, foreign keys off (2 and 3 rebuild tables) and
// foreign_key_check before the commit.
// History:
//   1  first release.
//   2  import speed: no index on members (deduplication's index is in memory), receipt
//      commitments in their own table, each signature row carries its registration
//      (`registrations` keeps those without a signature), no index on registrations.member, a
//      partial index of counted signatures by member and appeal.
//   3  no in-place rewrite of a returning member's state on import: which signature counts for a
//      member and appeal moves to memory (CountedIndex), rebuilt from `receipts`, which now carries
//      member and appeal; an index of withdrawn signatures; members.joined_registry dropped (the
//      report derives it from the registrations).
//   4  the appeal packs this coordinator signed (coord_packs.hpp): the importer accepts only the
//      appeals, texts and consents they hold.
//   5  alarms: one row per (kiosk, seq, kind) with a repeat count and the time last seen.
//   7  revoked kiosks (kiosks.hpp): when and why on the kiosk row; the batches that arrived after the
//      revocation in `revoked_batches`.
//
// Personal data lives only in `signatures` (the registration it was given with, as the registrant
// typed it, and typed_name / strokes) and in `registrations` (registrations without a signature).
// `members` holds match keys only: a member is the set of registrations the deduplication judged
// to be one person.
// Empty match keys are stored as '' (never NULL) so equality lookups use the indexes; '' is never
// looked up.
namespace {

constexpr int kCoordPageSize = 16384;

const char* const kCoordMigrations[] = {
    // 1
    R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE kiosks(id INTEGER PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, fingerprint TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL, enrolled_at INTEGER NOT NULL,
                        last_seq INTEGER NOT NULL DEFAULT 0, last_batch_hash BLOB NOT NULL,
                        log_size INTEGER NOT NULL DEFAULT 0, log_head BLOB NOT NULL,
                        last_record_seq INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE batches(id INTEGER PRIMARY KEY, kiosk INTEGER NOT NULL REFERENCES kiosks(id), seq INTEGER NOT NULL,
                         batch_id BLOB NOT NULL, batch_hash BLOB NOT NULL UNIQUE, file_hash BLOB NOT NULL,
                         file_size INTEGER NOT NULL, imported_at INTEGER NOT NULL,
                         first_record INTEGER NOT NULL, last_record INTEGER NOT NULL,
                         signatures INTEGER NOT NULL, log_size INTEGER NOT NULL, log_head BLOB NOT NULL,
                         status TEXT NOT NULL DEFAULT 'imported', UNIQUE(kiosk, seq));
    -- Batches waiting for an earlier one (a gap). The file is kept under <dir>/quarantine/.
    CREATE TABLE quarantine(id INTEGER PRIMARY KEY, kiosk INTEGER NOT NULL REFERENCES kiosks(id), seq INTEGER NOT NULL,
                            batch_hash BLOB NOT NULL UNIQUE, file_hash BLOB NOT NULL, stored_file TEXT NOT NULL,
                            reason TEXT NOT NULL, added_at INTEGER NOT NULL);
    CREATE INDEX quarantine_by_kiosk ON quarantine(kiosk, seq);
    -- Evidence that a kiosk signed two different histories: a fork, a rewritten log.
    CREATE TABLE alarms(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, kiosk INTEGER REFERENCES kiosks(id),
                        seq INTEGER, batch_hash BLOB NOT NULL, detail TEXT NOT NULL, raised_at INTEGER NOT NULL,
                        UNIQUE(kind, batch_hash));
    CREATE TABLE events(id INTEGER PRIMARY KEY, kiosk INTEGER NOT NULL REFERENCES kiosks(id),
                        kiosk_event_id INTEGER NOT NULL, name TEXT NOT NULL, city TEXT NOT NULL,
                        country TEXT NOT NULL, date TEXT NOT NULL, UNIQUE(kiosk, kiosk_event_id));
    CREATE TABLE appeals(appeal_id TEXT NOT NULL, version INTEGER NOT NULL, content_hash BLOB NOT NULL,
                         pack_hash BLOB NOT NULL, PRIMARY KEY(appeal_id, version));
    CREATE TABLE members(id INTEGER PRIMARY KEY, name_key TEXT NOT NULL, country TEXT NOT NULL,
                         email_key TEXT NOT NULL, phone_key TEXT NOT NULL, joined_registry INTEGER NOT NULL,
                         first_registration INTEGER);
    CREATE INDEX members_by_name ON members(name_key, country, email_key);
    CREATE INDEX members_by_email ON members(email_key, name_key) WHERE email_key <> '';
    CREATE INDEX members_by_phone ON members(phone_key, name_key) WHERE phone_key <> '';
    -- consents: the consent records of this registration, packed (purpose u8, text hash 32,
    -- lang length u8, lang) so the evidence is kept without one row per consent; consent_mask has
    -- bit (purpose - 1) set for each purpose given.
    CREATE TABLE registrations(id INTEGER PRIMARY KEY, member INTEGER NOT NULL REFERENCES members(id),
                               kiosk INTEGER NOT NULL REFERENCES kiosks(id), batch INTEGER NOT NULL REFERENCES batches(id),
                               record_seq INTEGER NOT NULL, event INTEGER REFERENCES events(id),
                               unix_minute INTEGER NOT NULL, given_name TEXT NOT NULL, family_name TEXT NOT NULL,
                               country TEXT NOT NULL, city TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL,
                               lang TEXT NOT NULL, join_registry INTEGER NOT NULL,
                               consent_mask INTEGER NOT NULL, consents BLOB NOT NULL,
                               UNIQUE(kiosk, record_seq));
    CREATE INDEX registrations_by_member ON registrations(member);
    CREATE TABLE signatures(id INTEGER PRIMARY KEY, kiosk INTEGER NOT NULL REFERENCES kiosks(id),
                            batch INTEGER NOT NULL REFERENCES batches(id), record_seq INTEGER NOT NULL,
                            log_position INTEGER NOT NULL, registration INTEGER NOT NULL REFERENCES registrations(id),
                            member INTEGER NOT NULL REFERENCES members(id), event INTEGER REFERENCES events(id),
                            appeal_id TEXT NOT NULL, appeal_version INTEGER NOT NULL, text_hash BLOB NOT NULL,
                            lang TEXT NOT NULL, unix_minute INTEGER NOT NULL, mode INTEGER NOT NULL,
                            strokes BLOB NOT NULL, typed_name TEXT NOT NULL,
                            receipt_commitment BLOB NOT NULL UNIQUE,
                            duplicate_of INTEGER REFERENCES signatures(id), withdrawn_at INTEGER,
                            UNIQUE(kiosk, log_position));
    CREATE INDEX signatures_by_member ON signatures(member, appeal_id, duplicate_of);
    )sql",
    // 2
    R"sql(
    -- Fewer index pages in random key order. At each batch's commit, an index whose keys arrive in
    -- random order costs about one encrypted page write per inserted row, a table in insertion
    -- order a fraction of one (bench_import, docs/coordinator-guide.md "Import speed").
    DROP INDEX registrations_by_member;  -- no query used it
    DROP INDEX members_by_name;          -- deduplication looks members up in memory (MemberIndex in
    DROP INDEX members_by_email;         -- dedupe.hpp): every branch of its rule needs equal name keys
    DROP INDEX members_by_phone;
    -- Receipt commitments move from a UNIQUE index on a random 32-byte key to a narrow table in
    -- signature order: they are looked up only to withdraw (a scan of 45 bytes a signature), and
    -- publish-receipts checks that they are distinct. Each signature row also carries the
    -- registration it was given with (a kiosk writes exactly one registrant record per signature):
    -- one row instead of two, and `registrations` keeps only registrations without a signature.
    CREATE TABLE signatures_v2(id INTEGER PRIMARY KEY, kiosk INTEGER NOT NULL REFERENCES kiosks(id),
                            batch INTEGER NOT NULL REFERENCES batches(id), record_seq INTEGER NOT NULL,
                            log_position INTEGER NOT NULL,
                            member INTEGER NOT NULL REFERENCES members(id), event INTEGER REFERENCES events(id),
                            appeal_id TEXT NOT NULL, appeal_version INTEGER NOT NULL, text_hash BLOB NOT NULL,
                            lang TEXT NOT NULL, unix_minute INTEGER NOT NULL, mode INTEGER NOT NULL,
                            strokes BLOB NOT NULL, typed_name TEXT NOT NULL,
                            duplicate_of INTEGER, withdrawn_at INTEGER,
                            reg_seq INTEGER NOT NULL, reg_event INTEGER REFERENCES events(id), reg_minute INTEGER NOT NULL,
                            given_name TEXT NOT NULL, family_name TEXT NOT NULL, country TEXT NOT NULL, city TEXT NOT NULL,
                            email TEXT NOT NULL, phone TEXT NOT NULL, reg_lang TEXT NOT NULL, join_registry INTEGER NOT NULL,
                            consent_mask INTEGER NOT NULL, consents BLOB NOT NULL,
                            UNIQUE(kiosk, log_position));
    -- duplicate_of is no longer a foreign key: checking it read a random page of this, the largest
    -- table, for every duplicate imported; only import and withdraw write it, both in one transaction.
    INSERT INTO signatures_v2 SELECT s.id, s.kiosk, s.batch, s.record_seq, s.log_position, s.member, s.event, s.appeal_id,
                                     s.appeal_version, s.text_hash, s.lang, s.unix_minute, s.mode, s.strokes, s.typed_name,
                                     s.duplicate_of, s.withdrawn_at, r.record_seq, r.event, r.unix_minute, r.given_name,
                                     r.family_name, r.country, r.city, r.email, r.phone, r.lang, r.join_registry,
                                     r.consent_mask, r.consents
                              FROM signatures s JOIN registrations r ON r.id = s.registration;
    CREATE TABLE receipts(signature INTEGER PRIMARY KEY REFERENCES signatures_v2(id), commitment BLOB NOT NULL);
    INSERT INTO receipts SELECT id, receipt_commitment FROM signatures;
    DELETE FROM registrations WHERE id IN (SELECT registration FROM signatures);
    DROP TABLE signatures;
    ALTER TABLE signatures_v2 RENAME TO signatures;
    -- Counted signatures by member and appeal: the duplicate check on import, answered from the
    -- index alone (reading the signature row would be a random page of the largest table).
    CREATE INDEX signatures_counted_by_member ON signatures(member, appeal_id) WHERE duplicate_of IS NULL AND withdrawn_at IS NULL;
    )sql",
    // 3
    R"sql(
    -- No state of a returning member is rewritten in place by an import: each such write was an
    -- encrypted page at a random place in a large table at the batch's commit (bench_import: a
    -- third of the pages an import wrote at 300,000 signatures went to the two below).
    -- (a) Which signature counts for a member and appeal moves to memory (CountedIndex in
    -- dedupe.hpp), rebuilt by a scan of the narrow per-signature table, written in signature order,
    -- which now says who signed what beside the receipt commitment.
    DROP INDEX signatures_counted_by_member;
    CREATE TABLE receipts_v3(signature INTEGER PRIMARY KEY REFERENCES signatures(id), commitment BLOB NOT NULL,
                             member INTEGER NOT NULL, appeal_id TEXT NOT NULL);
    INSERT INTO receipts_v3 SELECT r.signature, r.commitment, s.member, s.appeal_id
                            FROM receipts r JOIN signatures s ON s.id = r.signature ORDER BY r.signature;
    DROP TABLE receipts;
    ALTER TABLE receipts_v3 RENAME TO receipts;
    -- Withdrawn signatures, for that rebuild and for noticing another process's withdrawal. Empty
    -- on import (a signature arrives not withdrawn), so it costs an import nothing.
    CREATE INDEX signatures_withdrawn ON signatures(id) WHERE withdrawn_at IS NOT NULL;
    -- (b) Whether a member joined the registry is derived from their registrations by the report
    -- instead of being set on the member row whenever a returning member joins.
    ALTER TABLE members DROP COLUMN joined_registry;
    )sql",
    // 4
    R"sql(
    -- The appeal packs this coordinator signed, as signed (bytes), and what each allows: a
    -- signature's (appeal, version, lang, text hash), an appeal reference's (appeal, version,
    -- content hash, pack hash) and a consent's (purpose, lang, text hash) must be found here, or
    -- the batch is rejected (import.cpp). Small tables: a pack has at most 64 appeals x 32
    -- languages and 256 consents (pack.hpp); the importer reads them once per batch.
    CREATE TABLE packs(pack_hash BLOB PRIMARY KEY, pack_id TEXT NOT NULL, created INTEGER NOT NULL,
                       added_at INTEGER NOT NULL, bytes BLOB NOT NULL);
    CREATE TABLE pack_appeals(pack_hash BLOB NOT NULL REFERENCES packs(pack_hash), appeal_id TEXT NOT NULL,
                              version INTEGER NOT NULL, content_hash BLOB NOT NULL,
                              PRIMARY KEY(pack_hash, appeal_id, version));
    CREATE TABLE pack_texts(pack_hash BLOB NOT NULL REFERENCES packs(pack_hash), appeal_id TEXT NOT NULL,
                            version INTEGER NOT NULL, lang TEXT NOT NULL, text_hash BLOB NOT NULL,
                            PRIMARY KEY(pack_hash, appeal_id, version, lang));
    CREATE TABLE pack_consents(pack_hash BLOB NOT NULL REFERENCES packs(pack_hash), purpose INTEGER NOT NULL,
                               lang TEXT NOT NULL, text_hash BLOB NOT NULL,
                               PRIMARY KEY(pack_hash, purpose, lang, text_hash));
    )sql",
    // 5
    R"sql(
    -- One alarm per (kiosk, seq, kind), counted: 855 forged repeats of one batch number were 855
    -- rows that buried a real alarm (UNIQUE(kind, batch_hash) let each new content in). The row
    -- keeps the first time and detail, the batch hash and time last seen, and how often it came.
    CREATE TABLE alarms_v5(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, kiosk INTEGER REFERENCES kiosks(id),
                           seq INTEGER, batch_hash BLOB NOT NULL, detail TEXT NOT NULL, raised_at INTEGER NOT NULL,
                           last_seen INTEGER NOT NULL, repeats INTEGER NOT NULL DEFAULT 1,
                           UNIQUE(kiosk, seq, kind));
    INSERT INTO alarms_v5(id, kind, kiosk, seq, batch_hash, detail, raised_at, last_seen, repeats)
        SELECT id, kind, kiosk, seq, batch_hash, detail, raised_at, last_seen, repeats FROM (
            SELECT a.*, row_number() OVER (PARTITION BY kiosk, seq, kind ORDER BY id) AS n,
                   max(raised_at) OVER (PARTITION BY kiosk, seq, kind) AS last_seen,
                   count(*) OVER (PARTITION BY kiosk, seq, kind) AS repeats
            FROM alarms a)
        WHERE n = 1;
    DROP TABLE alarms;
    ALTER TABLE alarms_v5 RENAME TO alarms;
    )sql",
    // 6
    R"sql(
    -- The audit log (audit.hpp): one row per import, enrollment, acknowledgement, withdrawal,
    -- passphrase change, revocation or merge, as time, kind, kiosk fingerprint, counts and a short
    -- ASCII note. audit_append refuses anything else, so no personal data can land here.
    CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL,
                       kiosk TEXT NOT NULL DEFAULT '', counts TEXT NOT NULL DEFAULT '',
                       detail TEXT NOT NULL DEFAULT '');
    )sql",
    // 7
    R"sql(
    -- A revoked kiosk (`coord kiosk revoke`): what it sent before stays counted; what it sends
    -- after is held, not imported. The reason is a label (check_label), printed in reports.
    ALTER TABLE kiosks ADD COLUMN revoked_at INTEGER;
    ALTER TABLE kiosks ADD COLUMN revoked_reason TEXT NOT NULL DEFAULT '';
    -- Its batches beyond the last imported one, as they arrived: one row per (kiosk, seq), a repeat
    -- (or other content for that seq) counted on it, so a revoked key cannot grow this table by
    -- sending one batch again and again. stored_file: its copy in <dir>/quarantine ('' if the held
    -- files' limit refused the copy).
    CREATE TABLE revoked_batches(id INTEGER PRIMARY KEY, kiosk INTEGER NOT NULL REFERENCES kiosks(id),
                                 seq INTEGER NOT NULL, batch_hash BLOB NOT NULL, stored_file TEXT NOT NULL,
                                 first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
                                 repeats INTEGER NOT NULL DEFAULT 1, UNIQUE(kiosk, seq));
    )sql",
    // 8
    R"sql(
    -- Which rule made the stored name keys (registry/matchkey.hpp, name_match_key_version). A
    -- registry older than this schema holds keys of an earlier rule: 0 makes the next open rebuild
    -- them (rebuild_match_keys in duplicates.hpp).
    INSERT OR REPLACE INTO meta(key, value) VALUES('match_key_version', 0);
    -- A coordinator's decisions (coord merge / unmerge / keep-apart, duplicates.hpp). A merged
    -- member keeps its row and keys, so a later registration that finds it joins the member it went
    -- into; its signatures and registrations move, each move recorded so an unmerge puts exactly
    -- those back. The kept member's contact keys before the merge are kept for the same reason.
    ALTER TABLE members ADD COLUMN merged_into INTEGER REFERENCES members(id);
    CREATE TABLE merges(id INTEGER PRIMARY KEY, kept INTEGER NOT NULL REFERENCES members(id),
                        absorbed INTEGER NOT NULL REFERENCES members(id), merged_at INTEGER NOT NULL,
                        unmerged_at INTEGER, kept_email_key TEXT NOT NULL, kept_phone_key TEXT NOT NULL);
    CREATE TABLE merge_moves(merge INTEGER NOT NULL REFERENCES merges(id), signature INTEGER REFERENCES signatures(id),
                             registration INTEGER REFERENCES registrations(id));
    CREATE INDEX merge_moves_by_merge ON merge_moves(merge);
    -- Pairs a coordinator decided are different people: the review stops listing them together.
    CREATE TABLE kept_apart(low INTEGER NOT NULL REFERENCES members(id), high INTEGER NOT NULL REFERENCES members(id),
                            decided_at INTEGER NOT NULL, PRIMARY KEY(low, high));
    )sql",
};

template <std::size_t N>
void copy_blob(const Bytes& b, std::array<std::uint8_t, N>& out) {
    out.fill(0);
    if (b.size() == N) std::copy(b.begin(), b.end(), out.begin());
}

}  // namespace

int coord_schema_latest() { return static_cast<int>(std::size(kCoordMigrations)); }

Status coord_migrate_to(Database& db, int version) {
    return registry::migrate_schema(db, "coordinator registry", kCoordMigrations, version);
}

// [SECTION] Opening

Coordinator::~Coordinator() { close(); }

void Coordinator::close() {
    db_.reset();
    keys_.box_secret.wipe();
    keys_.sign_secret.wipe();
}

Result<std::unique_ptr<Coordinator>> Coordinator::open_db(const fs::path& dir, CoordinatorKeys keys, const SecretBytes& db_key) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    // A rollback journal rather than WAL: an import appends nearly every page it writes, and WAL
    // would write each twice (db.hpp, Journal). One process imports at a time (the CLI). 16 KiB
    // pages: a quarter of the pages to encrypt, authenticate and write for the same rows.
    // Registries made before schema 3 have 4 KiB pages; they are opened as they are.
    registry::OpenOptions options{registry::Journal::rollback, kCoordPageSize};
    auto db = Database::open(dir / coord_registry_db_file, db_key, options);
    if (!db && fs::file_size(dir / coord_registry_db_file, ec) > 0 && !ec) {
        options.page_size = 4096;
        if (auto legacy = Database::open(dir / coord_registry_db_file, db_key, options)) db = std::move(legacy);
    }
    if (!db) return make_error("coordinator registry: " + db.message());
    // A larger page cache keeps the pages that deduplication reads again decrypted in memory.
    if (auto s = (*db)->exec("PRAGMA cache_size = -65536"); !s) return s.error();
    // If another connection kept the file in WAL mode: checkpoint every 64 MiB instead of every
    // 4 MiB (import_paths checkpoints, TRUNCATE, when it is done).
    if (auto s = (*db)->exec("PRAGMA wal_autocheckpoint = 16384"); !s) return s.error();
    if (auto s = coord_migrate_to(**db, coord_schema_latest()); !s) return s.error();
    // Keys made by an earlier rule are made again, in one transaction (duplicates.hpp).
    auto rebuilt = rebuild_match_keys(**db);
    if (!rebuilt) return rebuilt.error();
    std::unique_ptr<Coordinator> c(new Coordinator());
    c->key_rebuild_ = *rebuilt;
    c->dir_ = dir;
    c->keys_ = std::move(keys);
    c->db_ = std::move(*db);
    return c;
}

Result<std::unique_ptr<Coordinator>> Coordinator::open(const fs::path& dir, std::string_view passphrase,
                                                       registry::KdfParams new_key_params) {
    auto keys = coordinator_unlock(dir, passphrase);
    if (!keys) return keys.error();
    if (auto s = finish_passphrase_change(dir, passphrase); !s) return s.error();  // a killed `coord passwd`
    const fs::path key_path = dir / coord_registry_key_file;
    std::error_code ec;
    if (!fs::exists(key_path, ec)) {
        if (fs::exists(dir / coord_registry_db_file, ec))
            return make_error(key_path.string() + " is missing but a registry database exists; restore the key file");
        SecretBytes fresh(32);
        randombytes_buf(fresh.data(), fresh.size());
        if (auto s = registry::keyfile_create(key_path, registry::KeyFileKind::kiosk_database, passphrase, fresh,
                                              new_key_params);
            !s)
            return s.error();
    }
    auto db_key = registry::keyfile_unlock(key_path, registry::KeyFileKind::kiosk_database, passphrase);
    if (!db_key) return db_key.error();   // its message names the key file
    return open_db(dir, std::move(*keys), *db_key);
}

Result<std::unique_ptr<Coordinator>> Coordinator::open_with(const fs::path& dir, const CoordinatorKeys& keys,
                                                            const SecretBytes& db_key) {
    CoordinatorKeys copy;
    copy.identity = keys.identity;
    copy.box_secret = SecretBytes(keys.box_secret.data(), keys.box_secret.size());
    copy.sign_secret = SecretBytes(keys.sign_secret.data(), keys.sign_secret.size());
    return open_db(dir, std::move(copy), db_key);
}

// [SECTION] Kiosks

std::string normalize_fingerprint(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '-' || c == ':') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out.size() == 20 ? out : std::string();
}

Result<SignPublicKey> parse_kiosk_key(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.size() != 64) return make_error("a kiosk public key is 64 hex digits");
    auto k = from_hex_fixed<32>(text);
    if (!k) return make_error("a kiosk public key is 64 hex digits");
    if (std::all_of(k->begin(), k->end(), [](std::uint8_t b) { return b == 0; }))
        return make_error("kiosk public key is all zero");
    return *k;
}

namespace {

EnrolledKiosk kiosk_from_row(registry::Statement& st) {
    EnrolledKiosk k;
    k.id = st.column_int(0);
    copy_blob(st.column_blob(1), k.public_key);
    k.fingerprint = st.column_text(2);
    k.name = st.column_text(3);
    k.last_seq = static_cast<std::uint64_t>(st.column_int(4));
    copy_blob(st.column_blob(5), k.last_batch_hash);
    k.log_size = static_cast<std::uint64_t>(st.column_int(6));
    copy_blob(st.column_blob(7), k.log_head);
    k.last_record_seq = static_cast<std::uint64_t>(st.column_int(8));
    k.revoked_at = st.column_int(9);
    k.revoked_reason = st.column_text(10);
    return k;
}

constexpr const char* kKioskColumns =
    "SELECT id, public_key, fingerprint, name, last_seq, last_batch_hash, log_size, log_head, last_record_seq, "
    "coalesce(revoked_at, 0), revoked_reason FROM kiosks ";

}  // namespace

Result<EnrolledKiosk> Coordinator::enroll(const SignPublicKey& kiosk_key, std::string_view name) {
    if (auto k = kiosk_by_key(kiosk_key)) return *k;  // enrolling twice is harmless
    // Printed in reports, CSV and HTML: the same label rule as the coordinator's own name.
    if (auto ok = registry::check_label(name, "enroll: kiosk name"); !ok) return ok.error();
    const Hash zero{};
    auto st = db_->prepare("INSERT INTO kiosks(public_key, fingerprint, name, enrolled_at, last_batch_hash, log_head) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return st.error();
    st->bind_blob(1, kiosk_key).bind(2, fingerprint(kiosk_key)).bind(3, name)
        .bind(4, static_cast<std::int64_t>(std::time(nullptr))).bind_blob(5, zero).bind_blob(6, zero);
    if (auto r = st->run(); !r) return make_error("enroll: " + r.message());
    auto k = kiosk_by_key(kiosk_key);
    if (!k) return make_error("enroll: kiosk row not found after insert");
    return *k;
}

std::optional<EnrolledKiosk> Coordinator::kiosk_by_key(const SignPublicKey& key) {
    auto st = db_->cached(std::string(kKioskColumns) + "WHERE public_key = ?1");
    if (!st) return std::nullopt;
    st->bind_blob(1, key);
    auto row = st->step();
    if (!row || !*row) return std::nullopt;
    return kiosk_from_row(*st);
}

std::optional<EnrolledKiosk> Coordinator::kiosk_by_fingerprint(std::string_view fp) {
    const std::string want = normalize_fingerprint(fp);
    if (want.empty()) return std::nullopt;
    for (auto& k : kiosks())
        if (normalize_fingerprint(k.fingerprint) == want) return k;
    return std::nullopt;
}

std::vector<EnrolledKiosk> Coordinator::kiosks() {
    std::vector<EnrolledKiosk> out;
    auto st = db_->prepare(std::string(kKioskColumns) + "ORDER BY id");
    if (!st) return out;
    while (true) {
        auto row = st->step();
        if (!row || !*row) break;
        out.push_back(kiosk_from_row(*st));
    }
    return out;
}

}  // namespace embassy::sync
