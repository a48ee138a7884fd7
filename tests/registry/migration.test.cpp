// Upgrading a database written by schema version 1 (the fixture in tests/data/fixtures/schema-v1,
// made by the hidden test case "generate the schema-v1 fixture").
#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/registry/record.hpp"
#include "schema.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

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
    CHECK((*store)->counts().value().signatures == 1);
    CHECK(embassy::test::kiosk_db(**store).query_int("SELECT count(*) FROM signatures WHERE batch_seq IS NULL").value() == 1);
    CHECK(embassy::test::kiosk_db(**store).query_int("SELECT count(*) FROM batches").value() == 0);
    // Opening again is a no-op migration.
    store->reset();
    auto again = KioskStore::open(t.path / "k", kFixturePass);
    REQUIRE(again.ok());
    CHECK((*again)->info().schema_version == schema_latest());
}

TEST_CASE("schema 3 keeps the unkeyed log hashes of records logged before it, and verifies them", "[registry][migration]") {
    // A schema-2 kiosk with one signature, chained with the legacy unkeyed record hash exactly as
    // the code before schema 3 computed it.
    test::TempDir t;
    const fs::path dir = t.path / "k";
    fs::create_directories(dir);
    SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    SignatureRecord rec;
    rec.seq = 1;
    rec.event_id = 1;
    rec.event_name = "Rally"; rec.event_city = "Vilnius"; rec.event_country = "LT"; rec.event_date = "2025-03-25";
    rec.appeal_id = "political-prisoners";
    rec.lang = "be";
    rec.signed_minute = 29000000;
    rec.typed_name = "Fixturegiven Fixturefamily";
    rec.receipt_commitment.fill(7);
    rec.registrant = {"Fixturegiven", "Fixturefamily", "LT", "Vilnius", "", "", "be"};
    rec.joined_registry = true;
    const Hash legacy = log_record_hash(rec);                 // zero salt: the old unkeyed hash
    CHECK(legacy == hash_of("embassy-log-record-v1", {encode_record(rec)}));
    {
        auto db = Database::open(dir / "kiosk.db", key);
        REQUIRE(db.ok());
        REQUIRE(schema_migrate(**db, 2).ok());
        SignPublicKey pk{};
        SecretBytes sk(64);
        crypto_sign_keypair(pk.data(), sk.data());
        for (auto [k, v] : {std::pair<const char*, Bytes>{"kiosk_name", Bytes{'k'}}, {"sign_public", Bytes(pk.begin(), pk.end())},
                            {"sign_secret", Bytes(sk.data(), sk.data() + 64)}, {"coordinator", Bytes{'x'}}}) {
            auto st = (*db)->prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)");
            REQUIRE(st.ok());
            st->bind(1, k).bind_blob(2, v);
            REQUIRE(st->run().ok());
        }
        REQUIRE((*db)->exec("INSERT INTO events(id, name, city, country, date, created_at) VALUES(1, 'Rally', 'Vilnius', 'LT', '2025-03-25', 0);"
                            "INSERT INTO registrants(seq, given_name, family_name, country, city, email, phone, lang, joined_registry, consents) "
                            "VALUES(1, 'Fixturegiven', 'Fixturefamily', 'LT', 'Vilnius', '', '', 'be', 1, x'');"
                            "INSERT INTO signatures(seq, event_id, appeal_id, appeal_version, text_hash, lang, signed_minute, strokes, typed_name, receipt_commitment) "
                            "VALUES(1, 1, 'political-prisoners', 1, zeroblob(32), 'be', 29000000, NULL, 'Fixturegiven Fixturefamily', "
                            "x'0707070707070707070707070707070707070707070707070707070707070707');").ok());
        auto st = (*db)->prepare("INSERT INTO log(pos, record_hash, entry_hash) VALUES(1, ?1, ?2)");
        REQUIRE(st.ok());
        st->bind_blob(1, legacy).bind_blob(2, log_chain_next(Hash{}, 1, legacy));
        REQUIRE(st->run().ok());
    }
    REQUIRE(keyfile_create(dir / "kiosk.key", KeyFileKind::kiosk_database, kFixturePass, key, kdf_minimum()).ok());
    auto store = KioskStore::open(dir, kFixturePass);
    REQUIRE(store.ok());
    CHECK((*store)->info().schema_version == 3);
    CHECK(embassy::test::kiosk_db(**store).query_int("SELECT count(*) FROM signatures WHERE log_salt IS NULL").value() == 1);
    auto v = (*store)->verify_log();
    INFO((v.ok() ? std::string() : v.message()));
    REQUIRE(v.ok());
    CHECK(v->entries == 1);
    bool purged = false;
    auto back = (*store)->record_for_export(1, purged);
    REQUIRE(back.ok());
    CHECK(back->log_salt == Hash{});
}

TEST_CASE("a kiosk migration that leaves a dangling foreign key is rolled back", "[registry][migration]") {
    test::TempDir t;
    SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    auto db = Database::open(t.path / "kiosk.db", key);
    REQUIRE(db.ok());
    REQUIRE(schema_migrate(**db, 1).ok());
    // A consent whose registrant does not exist: schema 2 must not be declared over it.
    REQUIRE((*db)->exec("PRAGMA foreign_keys = OFF;"
                        "INSERT INTO consents(registrant_seq, purpose, text_hash, lang) VALUES(7, 1, zeroblob(32), 'en');"
                        "PRAGMA foreign_keys = ON")
                .ok());
    auto s = schema_migrate(**db, schema_latest());
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::Matchers::ContainsSubstring("migration to schema 2") &&
                                Catch::Matchers::ContainsSubstring("foreign key in table consents"));
    CHECK((*db)->user_version() == 1);                                                   // rolled back
    CHECK((*db)->query_int("SELECT count(*) FROM sqlite_master WHERE name = 'batches'").value() == 0);
    CHECK((*db)->query_int("PRAGMA foreign_keys").value() == 1);                         // on again
}
