// The coordinator registry's schema migrations, and the checks that moved out of the import path
// with schema 2 (receipt commitments without a UNIQUE index).
#include "coord_fixture.hpp"

#include "embassy/registry/receipt.hpp"
#include "embassy/sync/coord_ops.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <sodium.h>

using namespace embassy;
using namespace coord_test;
using Catch::Matchers::ContainsSubstring;

namespace {

std::int64_t q(registry::Database& db, const std::string& sql) {
    auto v = db.query_int(sql);
    REQUIRE(v.ok());
    return *v;
}

// A registry database alone (no coordinator around it) at schema `version`, for the migrations.
struct BareRegistry {
    test::TempDir dir;
    std::unique_ptr<registry::Database> db;
    explicit BareRegistry(int version) {
        registry::SecretBytes key(32);
        randombytes_buf(key.data(), 32);
        auto opened = registry::Database::open(dir.path / "registry.db", key);
        REQUIRE(opened.ok());
        db = std::move(*opened);
        REQUIRE(sync::coord_migrate_to(*db, version).ok());
        REQUIRE(db->user_version() == version);
    }
};

}  // namespace

TEST_CASE("a coordinator migration that leaves a dangling foreign key is rolled back", "[sync][schema]") {
    BareRegistry r(1);
    registry::Database& d = *r.db;
    // A registration without a signature (kept by schema 2) whose member and batch do not exist.
    REQUIRE(d.exec("PRAGMA foreign_keys = OFF;"
                   "INSERT INTO kiosks(public_key, fingerprint, name, enrolled_at, last_batch_hash, log_head) "
                   "VALUES(x'01', 'FP', 'k', 1, x'00', x'00');"
                   "INSERT INTO registrations(member, kiosk, batch, record_seq, unix_minute, given_name, family_name, country, "
                   "city, email, phone, lang, join_registry, consent_mask, consents) "
                   "VALUES(9, 1, 9, 1, 5, 'A', 'B', 'LT', '', '', '', 'en', 0, 1, x'00');"
                   "PRAGMA foreign_keys = ON")
                .ok());
    auto s = sync::coord_migrate_to(d, sync::coord_schema_latest());
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), ContainsSubstring("coordinator registry: migration to schema 2") &&
                                ContainsSubstring("foreign key in table registrations"));
    CHECK(d.user_version() == 1);
    CHECK(q(d, "SELECT count(*) FROM sqlite_master WHERE name = 'receipts'") == 0);
    CHECK(q(d, "PRAGMA foreign_keys") == 1);
}

TEST_CASE("schema 1 -> latest keeps every signature, moves commitments to receipts, and swaps the indexes", "[sync][schema]") {
    BareRegistry r(1);
    registry::Database& d = *r.db;
    // A small v1 registry: one kiosk, one batch, two members, three signatures (one a duplicate).
    REQUIRE(d.exec("INSERT INTO kiosks(public_key, fingerprint, name, enrolled_at, last_batch_hash, log_head) "
                   "VALUES(x'01', 'FP', 'k', 1, x'00', x'00');"
                   "INSERT INTO batches(kiosk, seq, batch_id, batch_hash, file_hash, file_size, imported_at, first_record, "
                   "last_record, signatures, log_size, log_head) VALUES(1, 1, x'02', x'03', x'04', 10, 1, 1, 9, 3, 3, x'05');"
                   "INSERT INTO members(name_key, country, email_key, phone_key, joined_registry) VALUES('ales|b', 'LT', '', '', 1);"
                   "INSERT INTO members(name_key, country, email_key, phone_key, joined_registry) VALUES('maryja|k', 'PL', '', '', 0);"
                   "INSERT INTO registrations(member, kiosk, batch, record_seq, unix_minute, given_name, family_name, country, city, "
                   "email, phone, lang, join_registry, consent_mask, consents) "
                   "VALUES(1, 1, 1, 1, 5, 'A', 'B', 'LT', '', '', '', 'en', 1, 1, x'00'),"
                   "      (2, 1, 1, 4, 5, 'M', 'K', 'PL', '', '', '', 'en', 0, 1, x'00'),"
                   "      (1, 1, 1, 7, 5, 'A', 'B', 'LT', '', '', '', 'en', 1, 1, x'00');"
                   "INSERT INTO signatures(kiosk, batch, record_seq, log_position, registration, member, appeal_id, appeal_version, "
                   "text_hash, lang, unix_minute, mode, strokes, typed_name, receipt_commitment, duplicate_of) "
                   "VALUES(1, 1, 3, 1, 1, 1, 'pp', 1, x'aa', 'en', 5, 1, x'0102', '', x'c1', NULL),"
                   "      (1, 1, 6, 2, 2, 2, 'pp', 1, x'aa', 'en', 5, 1, x'0304', '', x'c2', NULL),"
                   "      (1, 1, 9, 3, 3, 1, 'pp', 1, x'aa', 'en', 5, 2, x'', 'A B', x'c3', 1);")
                .ok());

    REQUIRE(sync::coord_migrate_to(d, sync::coord_schema_latest()).ok());
    CHECK(d.user_version() == sync::coord_schema_latest());
    CHECK(q(d, "SELECT count(*) FROM signatures") == 3);
    CHECK(q(d, "SELECT count(*) FROM receipts") == 3);
    CHECK(q(d, "SELECT count(*) FROM receipts r JOIN signatures s ON s.id = r.signature WHERE "
               "(s.id = 1 AND r.commitment = x'c1') OR (s.id = 2 AND r.commitment = x'c2') OR (s.id = 3 AND r.commitment = x'c3')") == 3);
    CHECK(q(d, "SELECT duplicate_of FROM signatures WHERE id = 3") == 1);
    // Schema 3: receipts say who signed what (the counted-signature index is rebuilt from them).
    CHECK(q(d, "SELECT count(*) FROM receipts r JOIN signatures s ON s.id = r.signature "
               "WHERE r.member = s.member AND r.appeal_id = s.appeal_id") == 3);
    CHECK(q(d, "SELECT count(*) FROM pragma_table_info('members') WHERE name = 'joined_registry'") == 0);
    CHECK(q(d, "SELECT count(*) FROM signatures WHERE typed_name = 'A B' AND strokes = x''") == 1);
    // Each signature now carries its registration; `registrations` keeps none of them.
    CHECK(q(d, "SELECT count(*) FROM registrations") == 0);
    CHECK(q(d, "SELECT count(*) FROM signatures WHERE id = 2 AND given_name = 'M' AND family_name = 'K' AND country = 'PL' "
               "AND reg_seq = 4 AND reg_minute = 5 AND reg_lang = 'en' AND consent_mask = 1 AND join_registry = 0") == 1);
    CHECK(q(d, "SELECT count(*) FROM pragma_table_info('signatures') WHERE name = 'registration'") == 0);
    CHECK(q(d, "SELECT count(*) FROM pragma_table_info('signatures') WHERE name = 'receipt_commitment'") == 0);
    auto has_index = [&](const std::string& name) {
        return q(d, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '" + name + "'") == 1;
    };
    CHECK(q(d, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members'") == 0);
    CHECK_FALSE(has_index("signatures_counted_by_member"));  // schema 3: in memory (CountedIndex)
    CHECK(has_index("signatures_withdrawn"));
    CHECK_FALSE(has_index("members_by_email"));
    CHECK_FALSE(has_index("members_by_phone"));
    CHECK_FALSE(has_index("members_by_name"));
    CHECK_FALSE(has_index("registrations_by_member"));
    CHECK_FALSE(has_index("signatures_by_member"));
    // No index left on a random 32-byte key: the only automatic indexes are the UNIQUE ones on
    // (kiosk, log_position) and friends.
    CHECK(q(d, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('signatures', 'receipts')") == 2);
    CHECK(q(d, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(q(d, "PRAGMA foreign_keys") == 1);  // back on after the rebuild
    auto ic = d.prepare("PRAGMA integrity_check");
    REQUIRE(ic.ok());
    REQUIRE(ic->step().value());
    CHECK(ic->column_text(0) == "ok");
    // Finding the withdrawn signatures (the counted-signature index's rebuild) reads the partial
    // index, not the table.
    auto plan = d.prepare("EXPLAIN QUERY PLAN SELECT id FROM signatures WHERE withdrawn_at IS NOT NULL ORDER BY id");
    REQUIRE(plan.ok());
    std::string p;
    while (plan->step().value()) p += plan->column_text(3) + "\n";
    CHECK_THAT(p, ContainsSubstring("signatures_withdrawn"));
    // The report derives registry joins from the registrations the signatures carry.
    CHECK(q(d, "SELECT count(*) FROM (SELECT member FROM signatures WHERE join_registry = 1 "
               "UNION SELECT member FROM registrations WHERE join_registry = 1)") == 1);
}

TEST_CASE("publish-receipts refuses two signatures with one receipt commitment (a registry written behind the importer)", "[sync][receipts]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto k = make_kiosk(0);
    REQUIRE(c->enroll(k->public_key, "kiosk A").ok());
    submit(*k, submission(k->pack, "Ales", "Bialiatski", 0, true, "LT"));
    submit(*k, submission(k->pack, "Maryja", "Kalesnikava", 1, false));
    REQUIRE(sync::import_batch(*c, export_one(*k, tmp.path / "out")).status == sync::ImportStatus::accepted);
    REQUIRE(sync::publish_receipts(*c, tmp.path / "pub1", 1800000000).ok());  // control: distinct codes publish
    // A kiosk that reused a code (simulated behind the API).
    REQUIRE(c->db().exec("UPDATE receipts SET commitment = (SELECT commitment FROM receipts ORDER BY signature LIMIT 1)").ok());
    auto r = sync::publish_receipts(*c, tmp.path / "pub2", 1800000000);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("same receipt commitment"));
}

TEST_CASE("the coordinator registry: 16 KiB pages, a rollback journal; a registry with 4 KiB pages still opens",
          "[sync][schema]") {
    test::TempDir tmp;
    auto str = [](sync::Coordinator& c, const char* sql) {
        auto st = c.db().prepare(sql);
        REQUIRE(st.ok());
        REQUIRE(st->step().value());
        return st->column_text(0);
    };
    {
        auto c = open_coordinator(tmp.path / "new");
        CHECK(q(c->db(), "PRAGMA page_size") == 16384);
        CHECK(str(*c, "PRAGMA journal_mode") == "truncate");
    }
    // Made the way registries were before schema 3: 4 KiB pages, WAL.
    const fs::path old_dir = tmp.path / "old";
    fs::create_directories(old_dir);
    {
        auto db = registry::Database::open(old_dir / sync::coord_registry_db_file, world().db_key);
        REQUIRE(db.ok());
        REQUIRE(sync::coord_migrate_to(**db, 2).ok());
    }
    auto c = open_coordinator(old_dir);  // REQUIREs success
    CHECK(q(c->db(), "PRAGMA page_size") == 4096);
    CHECK(c->db().user_version() == sync::coord_schema_latest());
    CHECK(str(*c, "PRAGMA journal_mode") == "truncate");
    // A wrong key still fails, after both page sizes were tried.
    registry::SecretBytes wrong(32);
    randombytes_buf(wrong.data(), 32);
    c.reset();
    auto bad = sync::Coordinator::open_with(old_dir, world().keys, wrong);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.message(), ContainsSubstring("cannot decrypt"));
    // An invalid page size is an error, not a corrupt file.
    registry::OpenOptions odd;
    odd.page_size = 5000;
    CHECK_FALSE(registry::Database::open(tmp.path / "odd.db", world().db_key, odd).ok());
}
