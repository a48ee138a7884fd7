// `coord passwd` (sync/src/coord_passwd.cpp): both key files re-wrapped, the old passphrase
// checked, and a kill between the two files settled by the next open. The kill points are made
// by hand (the files as a kill would leave them); each unlock is one Argon2id run at the floor.
#include "embassy/sync/coord_passwd.hpp"

#include "embassy/registry/bytes.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coordinator.hpp"

#include "support/coord_fixture.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace embassy;
using registry::KeyFileKind;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view old_pass = "the old coordinator passphrase";
constexpr std::string_view new_pass = "a brand new coordinator passphrase";

bool opens(const fs::path& dir, std::string_view pass) {
    return sync::Coordinator::open(dir, pass, registry::kdf_minimum()).ok();
}

}  // namespace

TEST_CASE("coord passwd re-wraps both key files and refuses a wrong current passphrase", "[sync][passwd]") {
    test::TempDir tmp;
    const fs::path dir = tmp.path / "coord";
    REQUIRE(sync::coordinator_init(dir, old_pass, "Test coordinator", registry::kdf_minimum()).ok());
    REQUIRE(opens(dir, old_pass));   // creates registry.key
    CHECK_FALSE(sync::change_coordinator_passphrase(dir, "not the passphrase", new_pass, registry::kdf_minimum()).ok());
    REQUIRE(sync::change_coordinator_passphrase(dir, old_pass, new_pass, registry::kdf_minimum()).ok());
    CHECK_FALSE(fs::exists(dir / sync::coord_registry_key_next_file));
    CHECK(opens(dir, new_pass));
    CHECK_FALSE(opens(dir, old_pass));
}

TEST_CASE("a coord passwd killed between its two key files leaves one passphrase that opens everything",
          "[sync][passwd]") {
    test::TempDir tmp;
    const fs::path dir = tmp.path / "coord";
    const fs::path reg_key = dir / sync::coord_registry_key_file;
    const fs::path next = dir / sync::coord_registry_key_next_file;
    REQUIRE(sync::coordinator_init(dir, old_pass, "Test coordinator", registry::kdf_minimum()).ok());
    REQUIRE(opens(dir, old_pass));

    SECTION("killed before coordinator.key changed: the old passphrase, and the stray file goes") {
        auto db_key = registry::keyfile_unlock(reg_key, KeyFileKind::kiosk_database, old_pass);
        REQUIRE(db_key.ok());
        REQUIRE(registry::keyfile_create(next, KeyFileKind::kiosk_database, new_pass, *db_key, registry::kdf_minimum()).ok());
        CHECK_FALSE(opens(dir, new_pass));
        CHECK(opens(dir, old_pass));
        CHECK_FALSE(fs::exists(next));
    }
    SECTION("killed after coordinator.key changed: the new passphrase, and registry.key is finished") {
        auto db_key = registry::keyfile_unlock(reg_key, KeyFileKind::kiosk_database, old_pass);
        REQUIRE(db_key.ok());
        REQUIRE(registry::keyfile_create(next, KeyFileKind::kiosk_database, new_pass, *db_key, registry::kdf_minimum()).ok());
        REQUIRE(registry::keyfile_rewrap(dir / sync::coordinator_key_file, KeyFileKind::coordinator_secrets, old_pass, new_pass,
                                         registry::kdf_minimum())
                    .ok());
        CHECK(opens(dir, new_pass));
        CHECK_FALSE(fs::exists(next));
        CHECK(registry::keyfile_unlock(reg_key, KeyFileKind::kiosk_database, new_pass).ok());
        CHECK_FALSE(opens(dir, old_pass));
    }
}
