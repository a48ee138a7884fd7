// Possible duplicates and a coordinator's decisions (sync/duplicates.hpp): stored keys rebuilt on
// open after a rule change, the review list, merge, unmerge and keep-apart, and the report and
// coord check following them.
#include "coord_fixture.hpp"

#include "embassy/registry/matchkey.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/duplicates.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using namespace embassy;
using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using Outcome = sync::MergeOutcome::Result;
using sync::ImportStatus;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::int64_t counted_total(sync::Coordinator& c) {
    auto r = sync::build_report(c, kNow);
    REQUIRE(r.ok());
    std::int64_t n = 0;
    for (const auto& a : r->appeals) n += a.counted;
    return n;
}
std::int64_t duplicates_total(sync::Coordinator& c) {
    auto r = sync::build_report(c, kNow);
    REQUIRE(r.ok());
    std::int64_t n = 0;
    for (const auto& a : r->appeals) n += a.duplicates;
    return n;
}
std::int64_t members(sync::Coordinator& c) {
    auto r = sync::build_report(c, kNow);
    REQUIRE(r.ok());
    return r->members;
}
void check_green(sync::Coordinator& c) {
    auto chk = sync::check_registry(c);
    INFO((chk.ok() ? std::string() : chk.message()));
    CHECK(chk.ok());
}

// A registry as the rule before version 3 left it: "Юрий Шевцов" and "Juri Schewzow" (Duden:
// z for ц) signed the same appeal in Poland and became two members, because that rule read the
// German z as з. Imported now they would be one, so the second comes from Lithuania and is then
// given the old key and Poland, and the stored version goes back to 2.
struct OldRegistry {
    test::TempDir tmp;
    fs::path dir = tmp.path / "coord";
    std::unique_ptr<Kiosk> kiosk = make_kiosk(0);
    OldRegistry() {
        auto c = open_coordinator(dir);
        REQUIRE(c->enroll(kiosk->public_key, "Warszawa").ok());
        submit(*kiosk, submission(kiosk->pack, "Юрий", "Шевцов", 0, false, "PL"));
        submit(*kiosk, submission(kiosk->pack, "Juri", "Schewzow", 0, false, "LT"));
        submit(*kiosk, submission(kiosk->pack, "Maryja", "Kalesnikava", 0, false, "PL"));
        REQUIRE(sync::import_batch(*c, export_one(*kiosk, tmp.path / "b1")).status == ImportStatus::accepted);
        REQUIRE(count(*c, "SELECT count(*) FROM members") == 3);
        REQUIRE(c->db().exec("UPDATE members SET name_key = 'Savsav|juri', country = 'PL' WHERE id = 2;"
                             "UPDATE signatures SET country = 'PL' WHERE member = 2;"
                             "UPDATE meta SET value = 2 WHERE key = 'match_key_version'")
                    .ok());
    }
};

}  // namespace

TEST_CASE("stored match keys of an older rule are rebuilt on open, once, and members who now share one are listed, not merged",
          "[sync][duplicates]") {
    OldRegistry old;
    auto c = open_coordinator(old.dir);
    const auto& rb = c->key_rebuild();
    CHECK(rb.rebuilt);
    CHECK(rb.from == 2);
    CHECK(rb.to == registry::name_match_key_version);
    CHECK(rb.members == 3);
    CHECK(rb.changed == 1);
    CHECK(rb.sharing == 2);
    CHECK(count(*c, "SELECT count(*) FROM members WHERE name_key = 'Savtav|juri'") == 2);
    CHECK(count(*c, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'match_key_version'") == registry::name_match_key_version);
    CHECK(count(*c, "SELECT count(*) FROM audit WHERE kind = 'match_keys' AND counts LIKE '%changed=1 sharing=2%'") == 1);
    // Nothing merged by itself: the totals are what they were.
    CHECK(members(*c) == 3);
    CHECK(counted_total(*c) == 3);
    check_green(*c);

    auto groups = sync::review_duplicates(*c, false);
    REQUIRE(groups.ok());
    REQUIRE(groups->size() == 1);
    const auto& g = groups->front();
    CHECK(g.kind == sync::ReviewGroup::Kind::same_key);
    CHECK(g.rule_joins);
    CHECK(g.shared_appeals == 1);
    REQUIRE(g.members.size() == 2);
    CHECK(g.members[0].id == 1);
    CHECK(g.members[1].id == 2);
    CHECK(g.members[0].name == g.members[1].name);
    CHECK(g.members[0].signatures == 1);
    CHECK(g.members[0].counted == 1);
    REQUIRE(g.members[0].kiosks.size() == 1);
    CHECK_THAT(g.members[0].kiosks[0], ContainsSubstring("Warszawa"));
    CHECK(g.members[0].events.size() == 1);
    CHECK(g.members[0].given.empty());   // no names unless asked
    auto named = sync::review_duplicates(*c, true);
    REQUIRE(named.ok());
    CHECK(named->front().members[1].family == "Schewzow");

    c.reset();
    auto again = open_coordinator(old.dir);
    CHECK_FALSE(again->key_rebuild().rebuilt);  // the version is stored: once
}

TEST_CASE("a rebuild stopped half-way leaves the old keys and the old version, and the next open does it", "[sync][duplicates]") {
    OldRegistry old;
    {
        // The last write, the version's, fails after member 2's key was changed: as a kill at that
        // point, nothing of the rebuild may stay.
        auto c = open_coordinator(old.dir);
        REQUIRE(c->db().exec("UPDATE members SET name_key = 'Savsav|juri' WHERE id = 2;"
                             "UPDATE meta SET value = 2 WHERE key = 'match_key_version';"
                             "CREATE TRIGGER stop_rebuild BEFORE INSERT ON meta WHEN NEW.key = 'match_key_version' "
                             "BEGIN SELECT RAISE(ABORT, 'stopped'); END")
                    .ok());
    }
    auto failed = sync::Coordinator::open_with(old.dir, world().keys, world().db_key);
    REQUIRE_FALSE(failed.ok());
    CHECK_THAT(failed.message(), ContainsSubstring("rebuilding match keys"));
    {
        registry::SecretBytes key(world().db_key.data(), world().db_key.size());
        auto db = registry::Database::open(old.dir / sync::coord_registry_db_file, key,
                                           registry::OpenOptions{registry::Journal::rollback, 16384});
        REQUIRE(db.ok());
        CHECK(*(*db)->query_int("SELECT count(*) FROM members WHERE name_key = 'Savsav|juri'") == 1);
        CHECK(*(*db)->query_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'match_key_version'") == 2);
        REQUIRE((*db)->exec("DROP TRIGGER stop_rebuild").ok());
    }
    auto c = open_coordinator(old.dir);
    CHECK(c->key_rebuild().rebuilt);
    CHECK(count(*c, "SELECT count(*) FROM members WHERE name_key = 'Savtav|juri'") == 2);
}

TEST_CASE("merge and unmerge move a member's signatures, the report follows, and coord check stays green", "[sync][duplicates]") {
    OldRegistry old;
    auto c = open_coordinator(old.dir);
    REQUIRE(counted_total(*c) == 3);

    auto m = sync::merge_members(*c, 1, 2, kNow);
    REQUIRE(m.ok());
    CHECK(m->result == Outcome::done);
    CHECK(m->signatures_moved == 1);
    CHECK(m->counted_before == 2);
    CHECK(m->counted_after == 1);
    CHECK(members(*c) == 2);
    CHECK(counted_total(*c) == 2);
    CHECK(duplicates_total(*c) == 1);
    check_green(*c);
    CHECK(count(*c, "SELECT count(*) FROM audit WHERE kind = 'merge' AND counts LIKE 'kept=1 absorbed=2 signatures=1 %'") == 1);
    auto groups = sync::review_duplicates(*c, false);
    REQUIRE(groups.ok());
    CHECK(groups->empty());

    // Refusals.
    CHECK(sync::merge_members(*c, 1, 2, kNow)->result == Outcome::already_merged);
    CHECK(sync::merge_members(*c, 1, 1, kNow)->result == Outcome::same_member);
    CHECK(sync::merge_members(*c, 1, 99, kNow)->result == Outcome::no_such_member);
    CHECK(sync::unmerge_member(*c, 1, kNow)->result == Outcome::not_merged);
    CHECK(sync::unmerge_member(*c, 99, kNow)->result == Outcome::no_such_member);

    // A later registration spelled as the merged member was joins the member it went into.
    submit(*old.kiosk, submission(old.kiosk->pack, "Juri", "Schewzow", 1, false, "PL"));
    submit(*old.kiosk, submission(old.kiosk->pack, "Юрий", "Шевцов", 0, false, "PL"));
    {
        // Member 1 given another key for this import, so only member 2's key is found: the
        // registrations must follow its merge to member 1.
        REQUIRE(c->db().exec("UPDATE members SET name_key = 'juri|Savsav' WHERE id = 1").ok());
        auto o = sync::import_batch(*c, export_one(*old.kiosk, old.tmp.path / "b2"));
        REQUIRE(o.status == ImportStatus::accepted);
        CHECK(o.new_members == 0);
        REQUIRE(c->db().exec("UPDATE members SET name_key = 'Savtav|juri' WHERE id = 1").ok());
    }
    CHECK(count(*c, "SELECT count(*) FROM receipts WHERE member = 2") == 0);
    CHECK(counted_total(*c) == 3);     // the other appeal counts once more
    CHECK(duplicates_total(*c) == 2);  // the same appeal again: a duplicate
    check_green(*c);

    auto u = sync::unmerge_member(*c, 2, kNow + 60);
    REQUIRE(u.ok());
    CHECK(u->result == Outcome::done);
    CHECK(u->kept == 1);
    CHECK(u->signatures_moved == 1);  // what the merge moved, not what came later
    CHECK(count(*c, "SELECT count(*) FROM audit WHERE kind = 'unmerge'") == 1);
    CHECK(members(*c) == 3);
    CHECK(count(*c, "SELECT count(*) FROM receipts WHERE member = 2") == 1);
    CHECK(counted_total(*c) == 4);
    CHECK(duplicates_total(*c) == 1);
    check_green(*c);

    // Decided apart: the review no longer lists the pair.
    REQUIRE(sync::review_duplicates(*c, false)->size() == 1);
    auto a = sync::keep_apart(*c, 2, 1, kNow);
    REQUIRE(a.ok());
    CHECK(a->result == Outcome::done);
    CHECK(sync::review_duplicates(*c, false)->empty());
}

TEST_CASE("unmerging the first of two chained merges gives each member exactly its own signatures back", "[sync][duplicates]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto k = make_kiosk(0);
    REQUIRE(c->enroll(k->public_key, "A").ok());
    for (const char* country : {"PL", "LT", "DE"}) {
        submit(*k, submission(k->pack, "Ales", "Bialacki", 0, false, country));
        submit(*k, submission(k->pack, "Ales", "Bialacki", 1, false, country));
    }
    REQUIRE(sync::import_batch(*c, export_one(*k, tmp.path / "b")).status == ImportStatus::accepted);
    REQUIRE(count(*c, "SELECT count(*) FROM members") == 3);
    auto review = sync::review_duplicates(*c, false);
    REQUIRE(review.ok());
    REQUIRE(review->size() == 1);
    CHECK_FALSE(review->front().rule_joins);  // other countries: the rule keeps them apart
    CHECK(review->front().shared_appeals == 4);

    REQUIRE(sync::merge_members(*c, 2, 3, kNow)->result == Outcome::done);  // 3 into 2
    REQUIRE(sync::merge_members(*c, 1, 2, kNow)->result == Outcome::done);  // 2 (with 3's) into 1
    CHECK(count(*c, "SELECT count(*) FROM receipts WHERE member = 1") == 6);
    CHECK(counted_total(*c) == 2);
    check_green(*c);

    REQUIRE(sync::unmerge_member(*c, 3, kNow)->result == Outcome::done);
    CHECK(count(*c, "SELECT count(*) FROM receipts WHERE member = 3") == 2);
    CHECK(count(*c, "SELECT count(*) FROM receipts WHERE member = 1") == 4);
    check_green(*c);
    REQUIRE(sync::unmerge_member(*c, 2, kNow)->result == Outcome::done);
    for (int m = 1; m <= 3; ++m) CHECK(count(*c, "SELECT count(*) FROM receipts WHERE member = " + std::to_string(m)) == 2);
    CHECK(counted_total(*c) == 6);
    CHECK(duplicates_total(*c) == 0);
    CHECK(members(*c) == 3);
    check_green(*c);
}
