#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/secure_heap.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/registry/record.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace embassy;
using namespace embassy::registry;
namespace fs = std::filesystem;

TEST_CASE("submit stores one signature and returns a receipt that verifies", "[registry][store]") {
    auto k = test::make_test_kiosk();
    auto code = k->store->submit(test::sample_submission(k->pack, "Alena", "Kavalenka"));
    REQUIRE(code.ok());
    CHECK(code->size() == 26);  // 5 groups of 4 + 5 dashes + check
    auto counted = k->store->counts();
    REQUIRE(counted.ok());
    const Counts& counts = *counted;
    CHECK(counts.signatures == 1);
    CHECK(counts.registrants == 1);
    REQUIRE(counts.per_appeal.size() == 1);
    CHECK(counts.per_appeal[0].event_total == 1);
    CHECK(counts.per_appeal[0].all_today == 1);
    CHECK(k->store->verify_receipt(*code).value());
    auto other = receipt_generate();
    CHECK_FALSE(k->store->verify_receipt(other.formatted()).value());
    CHECK(k->store->log_head().value().size == 1);
    CHECK(k->store->verify_log().ok());
}

TEST_CASE("a refused submission leaves no trace in the database", "[registry][store]") {
    auto k = test::make_test_kiosk();
    auto good = test::sample_submission(k->pack, "Alena", "Kavalenka");
    SECTION("no sign consent") {
        good.consents.clear();
    }
    SECTION("a consent hash not from the pack") {
        good.consents[0].text_hash[0] ^= 1;
    }
    SECTION("unknown appeal language") {
        good.appeal_lang = "fr";
    }
    SECTION("too little ink and no typed name") {
        good.strokes = {{{10, 10}, {12, 12}}};
    }
    SECTION("control character in a name") {
        good.registrant.family_name = "Kaval\x07enka";
    }
    SECTION("country not in ISO 3166") {
        good.registrant.country = "XX";
    }
    auto r = k->store->submit(good);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().find("Kaval") == std::string::npos);  // messages never echo personal data
    CHECK(k->store->counts().value().signatures == 0);
    CHECK(embassy::test::kiosk_db(*k->store).query_int("SELECT count(*) FROM registrants").value() == 0);
    CHECK(embassy::test::kiosk_db(*k->store).query_int("SELECT count(*) FROM consents").value() == 0);
}

TEST_CASE("typed-name signing works without strokes", "[registry][store]") {
    auto k = test::make_test_kiosk();
    auto s = test::sample_submission(k->pack, "Siarhei", "Novik", "be");
    s.strokes.clear();
    s.typed_name = "Siarhei Novik";
    REQUIRE(k->store->submit(s).ok());
    CHECK(k->store->verify_log().ok());
}

TEST_CASE("no plaintext personal data in any file of the data directory", "[registry][store][canary]") {
    auto k = test::make_test_kiosk();
    const std::string canaries[] = {"Zzcanaryqx", "Кенарэйкаўшч", "canary-mail-qx@example.org"};
    for (int i = 0; i < 50; ++i) {
        auto s = test::sample_submission(k->pack, canaries[0], canaries[1]);
        s.registrant.email = canaries[2];
        s.registrant.city = "Canarycityqx";
        REQUIRE(k->store->submit(s).ok());
    }
    fs::path dir = k->store->dir();
    // While open: the WAL holds the fresh pages, encrypted as well.
    for (const auto& c : canaries) CHECK(test::count_hits_in_dir(dir, c) == 0);
    CHECK(test::count_hits_in_dir(dir, "Canarycityqx") == 0);
    k->store->lock();
    for (const auto& c : canaries) CHECK(test::count_hits_in_dir(dir, c) == 0);
    // Files are private to the user.
    for (const auto& e : fs::directory_iterator(dir)) {
        struct stat st{};
        REQUIRE(stat(e.path().c_str(), &st) == 0);
        CHECK((st.st_mode & 077) == 0);
    }
}

TEST_CASE("wrong passphrase, damaged key file and foreign database are refused", "[registry][store]") {
    auto k = test::make_test_kiosk();
    REQUIRE(k->store->submit(test::sample_submission(k->pack, "Alena", "Kavalenka")).ok());
    fs::path dir = k->store->dir();
    k->store->lock();
    k->store.reset();

    SECTION("wrong passphrase") {
        auto r = KioskStore::open(dir, "wrong horse battery staple");
        REQUIRE_FALSE(r.ok());
        CHECK(r.message().find("wrong passphrase") != std::string::npos);
    }
    SECTION("one flipped byte in the key file") {
        auto size = fs::file_size(dir / "kiosk.key");
        auto offset = GENERATE(0u, 9u, 11u, 17u, 25u, 40u, 60u, 73u, 80u, 120u);
        if (offset < size) {
            std::fstream f(dir / "kiosk.key", std::ios::in | std::ios::out | std::ios::binary);
            f.seekg(offset);
            char c = 0;
            f.get(c);
            f.seekp(offset);
            f.put(static_cast<char>(c ^ 0x20));
        }
        auto r = KioskStore::open(dir, test::kPassphrase);
        CHECK_FALSE(r.ok());
    }
    SECTION("a database from another kiosk") {
        auto other = test::make_test_kiosk();
        fs::path odir = other->store->dir();
        other->store.reset();
        // Same pack, same template: rekey the other by creating a brand new kiosk instead.
        test::TempDir t;
        PublicIdentity id;
        id.sign_key[0] = 1;
        auto fresh = KioskStore::create(t.path / "k", test::kPassphrase, id, "other", kdf_minimum());
        REQUIRE(fresh.ok());
        (*fresh).reset();
        fs::copy_file(t.path / "k" / "kiosk.db", dir / "kiosk.db", fs::copy_options::overwrite_existing);
        fs::remove(dir / "kiosk.db-wal");
        fs::remove(dir / "kiosk.db-shm");
        auto r = KioskStore::open(dir, test::kPassphrase);
        REQUIRE_FALSE(r.ok());
        CHECK(r.message().find("cannot decrypt") != std::string::npos);
    }
}

TEST_CASE("editing, deleting or reordering a signature row behind the API is detected", "[registry][store][tamper]") {
    auto k = test::make_test_kiosk();
    for (int i = 0; i < 5; ++i) REQUIRE(k->store->submit(test::sample_submission(k->pack, "Alena", "Kavalenka")).ok());
    REQUIRE(k->store->verify_log().ok());
    Database& db = embassy::test::kiosk_db(*k->store);
    std::string expect;
    SECTION("edit a name") {
        REQUIRE(db.exec("UPDATE registrants SET family_name = 'Novik' WHERE seq = 3").ok());
        expect = "record 3";
    }
    SECTION("edit the appeal of a signature") {
        REQUIRE(db.exec("UPDATE signatures SET appeal_id = 'free-elections' WHERE seq = 2").ok());
        expect = "record 2";
    }
    SECTION("delete a signature and its log entry") {
        REQUIRE(db.exec("PRAGMA foreign_keys = OFF; DELETE FROM signatures WHERE seq = 2; DELETE FROM log WHERE pos = 2").ok());
        expect = "entry 2";
    }
    SECTION("delete only the signature") {
        REQUIRE(db.exec("PRAGMA foreign_keys = OFF; DELETE FROM signatures WHERE seq = 4").ok());
        expect = "4";
    }
    SECTION("reorder two log entries") {
        REQUIRE(db.exec("UPDATE log SET pos = -1 WHERE pos = 2; UPDATE log SET pos = 2 WHERE pos = 3; UPDATE log SET pos = 3 WHERE pos = -1").ok());
        expect = "2";
    }
    auto v = k->store->verify_log();
    REQUIRE_FALSE(v.ok());
    CHECK(v.message().find(expect) != std::string::npos);
}

TEST_CASE("changing the passphrase re-wraps the key and keeps the data", "[registry][store]") {
    auto k = test::make_test_kiosk();
    REQUIRE(k->store->submit(test::sample_submission(k->pack, "Alena", "Kavalenka")).ok());
    fs::path dir = k->store->dir();
    auto db_before = fs::file_size(dir / "kiosk.db");
    REQUIRE(k->store->change_passphrase(test::kPassphrase, "a brand new long passphrase", kdf_minimum()).ok());
    k->store.reset();
    CHECK_FALSE(KioskStore::open(dir, test::kPassphrase).ok());
    auto again = KioskStore::open(dir, "a brand new long passphrase");
    REQUIRE(again.ok());
    CHECK((*again)->counts().value().signatures == 1);
    CHECK(fs::file_size(dir / "kiosk.db") >= db_before);
}

TEST_CASE("the database refuses to run without encryption features", "[registry][db]") {
    CHECK(Database::cipher_version().rfind("4.", 0) == 0);
    test::TempDir t;
    SecretBytes key(32);
    auto db = Database::open(t.path / "x.db", key);
    REQUIRE(db.ok());
    // SQLite's heap is locked and wiped by registry/secure_heap (secure_heap.test.cpp checks it).
    CHECK(secure_heap::active());
    CHECK((*db)->query_int("PRAGMA synchronous").value() == 2);  // FULL
    CHECK((*db)->query_int("PRAGMA temp_store").value() == 2);   // MEMORY
    CHECK((*db)->query_int("PRAGMA secure_delete").value() == 1);
    CHECK((*db)->query_int("PRAGMA foreign_keys").value() == 1);
    auto st = (*db)->prepare("PRAGMA journal_mode");
    REQUIRE(st.ok());
    REQUIRE(st->step().value());
    CHECK(st->column_text(0) == "wal");
}

TEST_CASE("a transaction rolls back unless committed", "[registry][db]") {
    test::TempDir t;
    SecretBytes key(32);
    auto db = Database::open(t.path / "x.db", key);
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("CREATE TABLE t(x)").ok());
    {
        Transaction tx(**db);
        REQUIRE((*db)->exec("INSERT INTO t VALUES(1)").ok());
    }
    CHECK((*db)->query_int("SELECT count(*) FROM t").value() == 0);
    {
        Transaction tx(**db);
        REQUIRE((*db)->exec("INSERT INTO t VALUES(1)").ok());
        REQUIRE(tx.commit().ok());
    }
    CHECK((*db)->query_int("SELECT count(*) FROM t").value() == 1);
}

TEST_CASE("marking a record purged without an acknowledgement does not hide an edit", "[registry][store][tamper]") {
    auto k = test::make_test_kiosk();
    for (int i = 0; i < 3; ++i) REQUIRE(k->store->submit(test::sample_submission(k->pack, "Alena", "Kavalenka")).ok());
    Database& db = embassy::test::kiosk_db(*k->store);
    REQUIRE(db.exec("UPDATE signatures SET appeal_id = 'free-elections' WHERE seq = 2; "
                    "UPDATE registrants SET purged = 1 WHERE seq = 2").ok());
    auto v = k->store->verify_log();
    REQUIRE_FALSE(v.ok());
    CHECK(v.message().find("without an acknowledgement") != std::string::npos);
}

TEST_CASE("a nested use of the same cached statement does not restart the outer one", "[registry][db]") {
    test::TempDir t;
    SecretBytes key(32);
    auto db = Database::open(t.path / "x.db", key);
    REQUIRE(db.ok());
    REQUIRE((*db)->exec("CREATE TABLE t(x); INSERT INTO t VALUES(1),(2),(3)").ok());
    const std::string sql = "SELECT x FROM t ORDER BY x";
    auto outer = (*db)->cached(sql);
    REQUIRE(outer.ok());
    std::vector<std::int64_t> seen;
    while (outer->step().value()) {
        seen.push_back(outer->column_int(0));
        auto inner = (*db)->cached(sql);
        REQUIRE(inner.ok());
        REQUIRE(inner->step().value());
    }
    CHECK(seen == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("counts, events, settings and the log head report a database that cannot be read", "[registry][store]") {
    auto k = test::make_test_kiosk();
    REQUIRE(k->store->submit(test::sample_submission(k->pack, "Alena", "Kavalenka")).ok());
    CHECK(k->store->setting("no.such.key", "fallback").value() == "fallback");  // the documented default
    Database& db = embassy::test::kiosk_db(*k->store);
    SECTION("counts") {
        REQUIRE(db.exec("PRAGMA foreign_keys = OFF; DROP TABLE signatures").ok());
        CHECK_FALSE(k->store->counts().ok());  // not zero signatures
    }
    SECTION("events") {
        REQUIRE(db.exec("DROP TABLE events").ok());
        CHECK_FALSE(k->store->events().ok());  // not an empty list
    }
    SECTION("settings") {
        REQUIRE(db.exec("DROP TABLE settings").ok());
        CHECK_FALSE(k->store->setting("kiosk.font_scale", "1.0").ok());  // not the fallback
    }
    SECTION("log head") {
        REQUIRE(db.exec("DROP TABLE log").ok());
        CHECK_FALSE(k->store->log_head().ok());  // not an empty log
    }
}
