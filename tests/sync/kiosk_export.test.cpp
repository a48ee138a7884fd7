// Kiosk export and purge: what a purged kiosk still gives away (THREAT-MODEL row 14, issue 9 item 7),
// and what `kiosk check` can and cannot tell after a passphrase holder rewrote history.
#include "coord_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/record.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <catch2/catch_test_macros.hpp>

#include <set>

using namespace coord_test;

namespace {

struct Suspect {
    std::string given, family;
};

// Every cell of every table of the kiosk database, read with its key (the attacker holds the
// passphrase): the 32-byte ones are what a guess could be compared with or keyed by.
std::set<Hash> retained_hashes(registry::Database& db) {
    std::set<Hash> out;
    std::vector<std::string> tables;
    {
        auto st = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
        REQUIRE(st.ok());
        while (*st->step()) tables.push_back(st->column_text(0));
    }
    for (const auto& t : tables) {
        std::vector<std::string> cols;
        auto ci = db.prepare("SELECT name FROM pragma_table_info('" + t + "')");
        REQUIRE(ci.ok());
        while (*ci->step()) cols.push_back(ci->column_text(0));
        for (const auto& c : cols) {
            auto st = db.prepare("SELECT \"" + c + "\" FROM \"" + t + "\"");
            REQUIRE(st.ok());
            while (*st->step()) {
                const Bytes b = st->column_blob(0);
                if (b.size() != 32) continue;
                Hash h{};
                std::copy(b.begin(), b.end(), h.begin());
                out.insert(h);
            }
        }
    }
    return out;
}

// The guessing attack of issue 9 item 7: for each signature row the kiosk kept, rebuild the
// canonical record from its retained fields and a suspect's guessed ones (name, typed name, the
// optional consents), hash it under every key the attacker can find (none = the unkeyed hash, or
// any 32-byte value in the database), and look the result up among `targets`. Returns the log
// positions identified.
std::set<std::int64_t> guess(const registry::KioskStore& store, const registry::AppealPack& pack,
                             const std::vector<Suspect>& suspects, const std::set<Hash>& keys, const std::set<Hash>& targets,
                             std::size_t& tried) {
    std::set<std::int64_t> found;
    const registry::Purpose optional[] = {registry::Purpose::join_registry, registry::Purpose::be_contacted,
                                          registry::Purpose::pass_name_to_addressee};
    for (std::int64_t seq = 1;; ++seq) {
        // What the kiosk kept of the record (event, appeal, text hash, minute, receipt commitment),
        // read by the kiosk's own code as anyone with the passphrase can.
        bool purged = false;
        auto kept = store.record_for_export(seq, purged);
        if (!kept) break;  // past the last record
        registry::SignatureRecord r = std::move(*kept);
        for (const auto& who : suspects) {
            r.typed_name = who.given + " " + who.family;
            r.registrant = {who.given, who.family, "PL", "Warszawa", "", "", r.lang};
            for (unsigned mask = 0; mask < 8; ++mask) {
                r.consents = {{registry::Purpose::sign_appeal, pack.consent(registry::Purpose::sign_appeal, r.lang)->hash, r.lang}};
                for (unsigned b = 0; b < 3; ++b)
                    if (mask & (1u << b)) r.consents.push_back({optional[b], pack.consent(optional[b], r.lang)->hash, r.lang});
                r.joined_registry = (mask & 1u) != 0;
                for (const Hash& key : keys) {
                    r.log_salt = key;
                    ++tried;
                    if (targets.count(registry::log_record_hash(r))) found.insert(r.seq);
                }
            }
        }
    }
    return found;
}

}  // namespace

TEST_CASE("after an acknowledgement nothing retained on the kiosk confirms a guessed name", "[sync][purge][privacy]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto k = make_kiosk(0);
    REQUIRE(c->enroll(k->public_key, "kiosk A").ok());
    const std::vector<Suspect> suspects = {{"Canaryanna", "Zzyzx"}, {"Ales", "Bialiatski"}, {"Maryja", "Kalesnikava"},
                                           {"Ihar", "Losik"}};
    // Three suspects sign with a typed name, the fourth never comes; two others draw.
    for (int i = 0; i < 3; ++i) {
        auto s = submission(k->pack, suspects[static_cast<std::size_t>(i)].given, suspects[static_cast<std::size_t>(i)].family, 0,
                            i == 1);
        s.strokes.clear();
        s.typed_name = s.registrant.given_name + " " + s.registrant.family_name;
        submit(*k, s);
    }
    submit(*k, submission(k->pack, "Drawn", "Signer"));
    submit(*k, submission(k->pack, "Other", "Drawer"));

    // Positive control: the hashes the unsalted log kept before this change (the legacy, unkeyed
    // record hash of each record, as log.record_hash held it).
    std::set<Hash> legacy;
    for (std::int64_t seq = 1; seq <= 5; ++seq) {
        bool purged = false;
        auto rec = k->store->record_for_export(seq, purged);
        REQUIRE(rec.ok());
        CHECK(rec->log_salt != Hash{});   // every new record is keyed
        rec->log_salt = Hash{};
        legacy.insert(registry::log_record_hash(*rec));
    }

    auto o = sync::import_batch(*c, export_one(*k, tmp.path / "out"));
    REQUIRE(o.status == sync::ImportStatus::accepted);   // the coordinator recomputed the keyed chain
    auto ack = sync::make_ack(*c, k->fingerprint, 1800000000);
    REQUIRE(ack.ok());
    REQUIRE(sync::apply_ack(*k->store, *ack).ok());
    REQUIRE(k->store->verify_log().ok());                // `kiosk check` still walks the chain

    registry::Database& db = embassy::test::kiosk_db(*k->store);
    const std::set<Hash> retained = retained_hashes(db);
    std::set<Hash> keys = retained;
    keys.insert(Hash{});                                  // no key: the unkeyed hash
    std::size_t tried = 0;
    const auto on_old_log = guess(*k->store, k->pack, suspects, {Hash{}}, legacy, tried);
    CHECK(on_old_log == std::set<std::int64_t>{1, 2, 3});   // the attack works on the old hash
    tried = 0;
    const auto identified = guess(*k->store, k->pack, suspects, keys, retained, tried);
    INFO(tried << " candidate hashes tried against " << retained.size() << " retained 32-byte values");
    CHECK(tried == 5 * suspects.size() * 8 * keys.size());
    CHECK(identified.empty());
    auto salts = db.query_int("SELECT count(*) FROM signatures WHERE log_salt IS NOT NULL");
    REQUIRE(salts.ok());
    CHECK(*salts == 0);
}

TEST_CASE("kiosk check cannot see the newest unexported signatures deleted, and says so", "[sync][purge][log]") {
    test::TempDir tmp;
    auto k = make_kiosk(0);
    for (int i = 0; i < 3; ++i) submit(*k, submission(k->pack, "Anna", "Exported"));
    export_one(*k, tmp.path / "out");
    for (int i = 0; i < 3; ++i) submit(*k, submission(k->pack, "Anna", "Later"));
    auto before = k->store->verify_log();
    REQUIRE(before.ok());
    CHECK(before->entries == 6);
    CHECK(before->unexported == 3);
    // A passphrase holder removes the newest two signatures: rows and log entries alike.
    registry::Database& db = embassy::test::kiosk_db(*k->store);
    for (const char* sql : {"DELETE FROM log WHERE pos > 4", "DELETE FROM signatures WHERE seq > 4",
                            "DELETE FROM registrants WHERE seq > 4"})
        REQUIRE(db.exec(sql).ok());
    auto after = k->store->verify_log();
    REQUIRE(after.ok());                                  // consistent: the kiosk alone cannot tell
    CHECK(after->entries == 4);
    CHECK(after->unexported == 1);                        // what the message admits is rewritable
}

TEST_CASE("check_ack counts what apply_ack will purge and changes nothing", "[sync][purge]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto k = make_kiosk(0);
    REQUIRE(c->enroll(k->public_key, "kiosk A").ok());
    submit(*k, submission(k->pack, "Alesia", "Kavalenka"));
    submit(*k, submission(k->pack, "Ihar", "Losik"));
    auto o = sync::import_batch(*c, export_one(*k, tmp.path / "out"));
    REQUIRE(o.status == sync::ImportStatus::accepted);
    auto ack = sync::make_ack(*c, k->fingerprint, 1800000000);
    REQUIRE(ack.ok());

    auto seen = sync::check_ack(*k->store, *ack);
    REQUIRE(seen.ok());
    CHECK(seen->purged == 2);
    CHECK(sync::check_ack(*k->store, *ack)->purged == 2);  // asking again: nothing was purged
    auto done = sync::apply_ack(*k->store, *ack);
    REQUIRE(done.ok());
    CHECK(done->purged == seen->purged);
    CHECK(sync::check_ack(*k->store, *ack)->purged == 0);

    // The same checks as apply_ack: a damaged acknowledgement is refused before anything is counted.
    Bytes bad = *ack;
    bad[bad.size() / 2] ^= 1;
    CHECK_FALSE(sync::check_ack(*k->store, bad).ok());
}
