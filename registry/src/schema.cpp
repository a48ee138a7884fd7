// Schema and forward migrations, run by migrate_schema (db.hpp): each in one transaction with its
// user_version bump, checked with foreign_key_check before its commit.
//
// History:
//   1  first release: identity, packs, events, registrants, consents, signatures, the log.
//   2  export bookkeeping: batches written by this kiosk, each signature's batch, acknowledgements;
//      consents in the registrant row; drops the signature indexes by appeal and by event (a page write per submit each, for rare
//      queries that can scan).
//   3  log salt: each signature's random key of its log record hash (record.hpp), kept with the
//      personal data and purged with it. Rows from before keep NULL (= zero salt, legacy unkeyed
//      hash): they were chained with the unkeyed hash, and the chain cannot be rewritten.
#include "schema.hpp"

namespace embassy::registry {
namespace {

const char* const kMigrations[] = {
    // 1
    R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE packs(id INTEGER PRIMARY KEY, pack_id TEXT NOT NULL, pack_hash BLOB NOT NULL UNIQUE,
                       loaded_at INTEGER NOT NULL, raw BLOB NOT NULL);
    CREATE TABLE appeals(appeal_id TEXT NOT NULL, version INTEGER NOT NULL, addressee TEXT NOT NULL,
                         content_hash BLOB NOT NULL, pack INTEGER NOT NULL REFERENCES packs(id),
                         PRIMARY KEY(appeal_id, version));
    CREATE TABLE appeal_texts(appeal_id TEXT NOT NULL, version INTEGER NOT NULL, lang TEXT NOT NULL,
                              title TEXT NOT NULL, body TEXT NOT NULL, hash BLOB NOT NULL,
                              PRIMARY KEY(appeal_id, version, lang),
                              FOREIGN KEY(appeal_id, version) REFERENCES appeals(appeal_id, version));
    CREATE TABLE consent_texts(purpose INTEGER NOT NULL, version INTEGER NOT NULL, lang TEXT NOT NULL,
                               text TEXT NOT NULL, hash BLOB NOT NULL UNIQUE, PRIMARY KEY(purpose, version, lang));
    CREATE TABLE events(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, country TEXT NOT NULL,
                        date TEXT NOT NULL, created_at INTEGER NOT NULL);
    -- Personal data. Purged (set NULL, purged=1) once the coordinator acknowledges the record.
    CREATE TABLE registrants(seq INTEGER PRIMARY KEY, given_name TEXT, family_name TEXT, country TEXT, city TEXT,
                             email TEXT, phone TEXT, lang TEXT, joined_registry INTEGER NOT NULL,
                             purged INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE consents(id INTEGER PRIMARY KEY, registrant_seq INTEGER NOT NULL REFERENCES registrants(seq),
                          purpose INTEGER NOT NULL, text_hash BLOB NOT NULL, lang TEXT NOT NULL);
    CREATE INDEX consents_by_registrant ON consents(registrant_seq);
    CREATE TABLE signatures(seq INTEGER PRIMARY KEY REFERENCES registrants(seq), event_id INTEGER NOT NULL,
                            appeal_id TEXT NOT NULL, appeal_version INTEGER NOT NULL, text_hash BLOB NOT NULL,
                            lang TEXT NOT NULL, signed_minute INTEGER NOT NULL, strokes BLOB, typed_name TEXT,
                            receipt_commitment BLOB NOT NULL UNIQUE);
    CREATE INDEX signatures_by_event ON signatures(event_id, appeal_id, signed_minute);
    CREATE INDEX signatures_by_appeal ON signatures(appeal_id, signed_minute);
    -- Append-only hash chain over signature records (record.hpp).
    CREATE TABLE log(pos INTEGER PRIMARY KEY, record_hash BLOB NOT NULL, entry_hash BLOB NOT NULL);
    )sql",
    // 2
    R"sql(
    -- A batch is 'pending' from the moment its records are assigned to it until its file is durable
    -- under its final name; a crash in between is recovered by writing the same batch again.
    CREATE TABLE batches(seq INTEGER PRIMARY KEY, batch_id BLOB NOT NULL, batch_hash BLOB,
                         first_record INTEGER NOT NULL, last_record INTEGER, records INTEGER NOT NULL,
                         created_at INTEGER NOT NULL, file_name TEXT NOT NULL,
                         state TEXT NOT NULL CHECK(state IN ('pending', 'written')));
    ALTER TABLE signatures ADD COLUMN batch_seq INTEGER;
    -- New submissions keep their consents in the registrant's row (fewer pages per submit).
    ALTER TABLE registrants ADD COLUMN consents BLOB;
    CREATE TABLE acks(id INTEGER PRIMARY KEY, up_to_batch INTEGER NOT NULL, up_to_record INTEGER NOT NULL,
                      applied_at INTEGER NOT NULL);
    -- Every index is one more encrypted page written per submit. Counts and export scan the table
    -- instead (milliseconds for 100,000 rows, and both are rare next to submits).
    DROP INDEX signatures_by_appeal;
    DROP INDEX signatures_by_event;
    )sql",
    // 3
    R"sql(
    ALTER TABLE signatures ADD COLUMN log_salt BLOB;
    )sql",
};

}  // namespace

int schema_latest() { return static_cast<int>(std::size(kMigrations)); }

Status schema_migrate(Database& db, int target) {
    return migrate_schema(db, "kiosk database", kMigrations, target);
}

}  // namespace embassy::registry
