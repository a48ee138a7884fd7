// Upgrading a database written by schema version 1 (the fixture in tests/data/fixtures/schema-v1,
// made by the hidden test case "generate the schema-v1 fixture").
#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/identity.hpp"
#include "schema.hpp"

#include <catch2/catch_test_macros.hpp>

#include <sodium.h>

using namespace embassy;
using namespace embassy::registry;
namespace fs = std::filesystem;

static const char* kFixturePass = "fixture passphrase for schema v1";

TEST_CASE("generate the schema-v1 fixture", "[.generate]") {
    fs::path out = fs::path(EMBASSY_TEST_DATA) / "fixtures" / "schema-v1";
    fs::remove_all(out);
    fs::create_directories(out);
    SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    {
        auto db = Database::open(out / "kiosk.db", key);
        REQUIRE(db.ok());
        REQUIRE(schema_migrate(**db, 1).ok());
        SignPublicKey pk{};
        SecretBytes sk(64);
        crypto_sign_keypair(pk.data(), sk.data());
        PublicIdentity coord;
        coord.name = "fixture";
        std::string cid = format_public_identity(coord);
        auto put = [&](const char* k, std::span<const std::uint8_t> v) {
            auto st = (*db)->prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)");
            REQUIRE(st.ok());
            st->bind(1, k).bind_blob(2, v);
            REQUIRE(st->run().ok());
        };
        put("kiosk_name", as_bytes("fixture kiosk"));
        put("sign_public", pk);
        put("sign_secret", sk.span());
        put("coordinator", as_bytes(cid));
        REQUIRE((*db)->exec("INSERT INTO events(id, name, city, country, date, created_at) VALUES(1, 'Rally', 'Vilnius', 'LT', '2025-03-25', 0);"
                            "INSERT INTO registrants(seq, given_name, family_name, country, city, email, phone, lang, joined_registry) "
                            "VALUES(1, 'Fixturegiven', 'Fixturefamily', 'LT', 'Vilnius', '', '', 'be', 1);"
                            "INSERT INTO signatures(seq, event_id, appeal_id, appeal_version, text_hash, lang, signed_minute, strokes, typed_name, receipt_commitment) "
                            "VALUES(1, 1, 'political-prisoners', 1, zeroblob(32), 'be', 29000000, NULL, 'Fixturegiven Fixturefamily', randomblob(32));"
                            "INSERT INTO log(pos, record_hash, entry_hash) VALUES(1, zeroblob(32), zeroblob(32));").ok());
        REQUIRE((*db)->checkpoint_truncate().ok());
    }
    fs::remove(out / "kiosk.db-wal");
    fs::remove(out / "kiosk.db-shm");
    REQUIRE(keyfile_create(out / "kiosk.key", KeyFileKind::kiosk_database, kFixturePass, key, kdf_minimum()).ok());
}

TEST_CASE("a schema-v1 database is migrated forward and keeps its data", "[registry][migration]") {
    fs::path fixture = fs::path(EMBASSY_TEST_DATA) / "fixtures" / "schema-v1";
    REQUIRE(fs::exists(fixture / "kiosk.db"));
    test::TempDir t;
    fs::copy(fixture, t.path / "k", fs::copy_options::recursive);
    {
        SecretBytes key;
        auto raw = keyfile_unlock(t.path / "k" / "kiosk.key", KeyFileKind::kiosk_database, kFixturePass);
        REQUIRE(raw.ok());
        auto db = Database::open(t.path / "k" / "kiosk.db", *raw);
        REQUIRE(db.ok());
        CHECK((*db)->user_version() == 1);
    }
    auto store = KioskStore::open(t.path / "k", kFixturePass);
    REQUIRE(store.ok());
    CHECK((*store)->info().schema_version == schema_latest());
    CHECK((*store)->info().name == "fixture kiosk");
    CHECK((*store)->counts().signatures == 1);
    CHECK((*store)->db().query_int("SELECT count(*) FROM signatures WHERE batch_seq IS NULL").value() == 1);
    CHECK((*store)->db().query_int("SELECT count(*) FROM batches").value() == 0);
    // Opening again is a no-op migration.
    store->reset();
    auto again = KioskStore::open(t.path / "k", kFixturePass);
    REQUIRE(again.ok());
    CHECK((*again)->info().schema_version == schema_latest());
}
