// The coordinator's audit log (sync/src/audit.cpp): entries in order, counts round-trip, and the
// append refuses what could carry personal data.
#include "embassy/sync/audit.hpp"

#include "support/coord_fixture.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace embassy;

TEST_CASE("the audit log keeps entries in order with their counts and the kiosk's fingerprint", "[sync][audit]") {
    test::TempDir dir;
    auto c = coord_test::open_coordinator(dir.path / "coord");
    REQUIRE(sync::audit_append(c->db(), "import", 100, {{"accepted", 3}, {"rejected", 1}}).ok());
    REQUIRE(sync::audit_append(c->db(), "enroll", 200, {}, "3f2a9c0177d40b1e5a60").ok());
    REQUIRE(sync::audit_append(c->db(), "withdraw", 300, {{"withdrawn", 1}}, "", "withdrawn").ok());
    auto all = sync::audit_read(c->db());
    REQUIRE(all.ok());
    REQUIRE(all->size() == 3);
    CHECK((*all)[0].kind == "import");
    CHECK((*all)[0].time_unix == 100);
    REQUIRE((*all)[0].counts.size() == 2);
    CHECK((*all)[0].counts[1].key == "rejected");
    CHECK((*all)[0].counts[1].value == 1);
    CHECK((*all)[1].kiosk == "3F2A 9C01 77D4 0B1E 5A60");
    CHECK((*all)[2].detail == "withdrawn");
    auto since = sync::audit_read(c->db(), 200);
    REQUIRE(since.ok());
    CHECK(since->size() == 2);
    auto last = sync::audit_read(c->db(), 0, 1);
    REQUIRE(last.ok());
    REQUIRE(last->size() == 1);
    CHECK(last->front().kind == "withdraw");
}

TEST_CASE("the audit log refuses strings that are not words, fingerprints or short ASCII notes", "[sync][audit]") {
    test::TempDir dir;
    auto c = coord_test::open_coordinator(dir.path / "coord");
    CHECK_FALSE(sync::audit_append(c->db(), "Import by Anna", 1, {}).ok());          // not a word
    CHECK_FALSE(sync::audit_append(c->db(), "import", 1, {{"Анна", 1}}).ok());       // count key
    CHECK_FALSE(sync::audit_append(c->db(), "enroll", 1, {}, "Anna's kiosk").ok());  // not a fingerprint
    CHECK_FALSE(sync::audit_append(c->db(), "merge", 1, {}, "", "Аляксандра Каваленка").ok());  // not ASCII
    CHECK_FALSE(sync::audit_append(c->db(), "merge", 1, {}, "", std::string(201, 'x')).ok());  // too long
    auto all = sync::audit_read(c->db());
    REQUIRE(all.ok());
    CHECK(all->empty());
}
