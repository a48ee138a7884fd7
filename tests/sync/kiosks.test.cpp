// The kiosks a coordinator knows of: enrolled, held (batches before enrollment), revoked; rename and
// revoke; a revoked kiosk's later batches held with the reason, its earlier ones still counted
// (kiosks.hpp).
#include "coord_fixture.hpp"

#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/kiosks.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

using namespace coord_test;
using Catch::Matchers::ContainsSubstring;
using sync::ImportStatus;
using sync::KioskState;

namespace {

const sync::KioskRow* row_of(const std::vector<sync::KioskRow>& rows, const std::string& fp) {
    for (const auto& r : rows)
        if (r.fingerprint == fp) return &r;
    return nullptr;
}

}  // namespace

TEST_CASE("coord kiosks lists enrolled, held and revoked kiosks; a revoked kiosk's later batches are held, not counted",
          "[sync][kiosks]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto a = make_kiosk(0);
    auto b = make_kiosk(1);
    REQUIRE(c->enroll(a->public_key, "kiosk A").ok());

    submit(*a, submission(a->pack, "Alena", "Kavalionak"));
    const fs::path a1 = export_one(*a, tmp.path / "a1");
    REQUIRE(sync::import_batch(*c, a1).status == ImportStatus::accepted);
    // B sends two batches before anyone enrolled it: held for enrollment.
    for (int i = 0; i < 2; ++i) {
        submit(*b, submission(b->pack, i == 0 ? "Barys" : "Wolha", "Ziankovič"));
        auto o = sync::import_batch(*c, export_one(*b, tmp.path / ("b" + std::to_string(i))));
        CHECK(o.status == ImportStatus::rejected);
        CHECK(o.held);
    }

    auto rows = sync::list_kiosks(*c);
    REQUIRE(rows.ok());
    REQUIRE(rows->size() == 2);
    const auto* ra = row_of(*rows, a->fingerprint);
    const auto* rb = row_of(*rows, b->fingerprint);
    REQUIRE(ra != nullptr);
    REQUIRE(rb != nullptr);
    CHECK(ra->state == KioskState::enrolled);
    CHECK(ra->name == "kiosk A");
    CHECK(ra->batches == 1);
    CHECK(ra->last_seq == 1);
    CHECK(ra->held_batches == 0);
    CHECK(ra->first_seen > 0);
    CHECK(rb->state == KioskState::held);
    CHECK(rb->name.empty());
    CHECK(rb->held_batches == 2);
    CHECK(rb->first_seen > 0);
    CHECK(rb->last_seen >= rb->first_seen);

    // The fork alarm case: the coordinator stops using kiosk A.
    auto rev = sync::revoke_kiosk(*c, sync::normalize_fingerprint(a->fingerprint), "fork alarm at batch 1", 1764633600);
    REQUIRE(rev.ok());
    CHECK(rev->revoked_at == 1764633600);
    // Again: nothing changes (the first time and reason stay).
    auto again = sync::revoke_kiosk(*c, a->fingerprint, "other", 1764700000);
    REQUIRE(again.ok());
    CHECK(again->revoked_at == 1764633600);
    CHECK(again->revoked_reason == "fork alarm at batch 1");

    const std::int64_t counted_before = count(*c, "SELECT count(*) FROM signatures");
    submit(*a, submission(a->pack, "Piotra", "Bialiacki"));
    const fs::path a2 = export_one(*a, tmp.path / "a2");
    for (int i = 0; i < 2; ++i) {
        auto o = sync::import_batch(*c, a2);
        INFO(o.reason);
        CHECK(o.status == ImportStatus::rejected);
        CHECK(o.held);
        CHECK_THAT(o.reason, ContainsSubstring("revoked on 2025-12-02 (fork alarm at batch 1)"));
        CHECK_THAT(o.reason, ContainsSubstring("batch 2 held, not imported, not counted"));
    }
    // Not counted; what came before the revocation still is, and re-importing it is a no-op.
    CHECK(count(*c, "SELECT count(*) FROM signatures") == counted_before);
    CHECK(count(*c, "SELECT last_seq FROM kiosks WHERE fingerprint = '" + a->fingerprint + "'") == 1);
    CHECK(sync::import_batch(*c, a1).status == ImportStatus::already_imported);
    CHECK(count(*c, "SELECT count(*) FROM revoked_batches") == 1);
    CHECK(count(*c, "SELECT repeats FROM revoked_batches") == 2);

    rows = sync::list_kiosks(*c);
    REQUIRE(rows.ok());
    ra = row_of(*rows, a->fingerprint);
    REQUIRE(ra != nullptr);
    CHECK(ra->state == KioskState::revoked);
    CHECK(ra->batches == 1);
    CHECK(ra->held_batches == 1);
    CHECK(ra->revoked_reason == "fork alarm at batch 1");
    CHECK(row_of(*rows, b->fingerprint)->held_batches == 2);   // B's files not taken for A's

    // The report carries both beside the counts.
    auto report = sync::build_report(*c, 1764633600);
    REQUIRE(report.ok());
    REQUIRE(report->held_kiosks.size() == 2);
    CHECK(report->held_kiosks[0].fingerprint == a->fingerprint);
    CHECK(report->held_kiosks[0].state == KioskState::revoked);
    CHECK(report->held_kiosks[1].fingerprint == b->fingerprint);
    CHECK(report->held_kiosks[1].held_batches == 2);

    // Enrolling B later imports its held batches; it then leaves the held list.
    REQUIRE(c->enroll(b->public_key, "kiosk B").ok());
    auto held = sync::held_batches_of(*c, b->fingerprint);
    REQUIRE(held.ok());
    for (const auto& o : sync::import_paths(*c, held->files)) CHECK(o.status == ImportStatus::accepted);
    auto after = sync::held_kiosks(*c);
    REQUIRE(after.ok());
    REQUIRE(after->size() == 1);
    CHECK((*after)[0].fingerprint == a->fingerprint);
}

TEST_CASE("coord kiosk rename takes a label and names the kiosk by fingerprint; unknown kiosks and bad labels are refused",
          "[sync][kiosks]") {
    test::TempDir tmp;
    auto c = open_coordinator(tmp.path / "coord");
    auto a = make_kiosk(2);
    REQUIRE(c->enroll(a->public_key, "kiosk A").ok());
    auto r = sync::rename_kiosk(*c, sync::normalize_fingerprint(a->fingerprint), "Vilnius, hall 2");
    REQUIRE(r.ok());
    CHECK(c->kiosk_by_key(a->public_key)->name == "Vilnius, hall 2");

    auto bad = sync::rename_kiosk(*c, a->fingerprint, "evil\x1b[8m");
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.message(), !ContainsSubstring("evil"));
    CHECK(c->kiosk_by_key(a->public_key)->name == "Vilnius, hall 2");
    CHECK_FALSE(sync::rename_kiosk(*c, a->fingerprint, "").ok());
    CHECK_FALSE(sync::revoke_kiosk(*c, a->fingerprint, "bidi \xE2\x80\xAE", 1).ok());
    auto none = sync::rename_kiosk(*c, "0000 0000 0000 0000 0000", "x");
    REQUIRE_FALSE(none.ok());
    CHECK_THAT(none.message(), ContainsSubstring("no enrolled kiosk 00000000000000000000"));
    CHECK_FALSE(sync::revoke_kiosk(*c, "not hex", "", 1).ok());
}
