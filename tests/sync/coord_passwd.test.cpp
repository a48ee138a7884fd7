// `coord passwd` (sync/src/coord_passwd.cpp): both key files re-wrapped, the old passphrase
// checked, and a kill between the two files settled by the next open. The kill points are made
// by hand (the files as a kill would leave them). Each unlock is one Argon2id run at the floor,
// so every case starts from a copy of one directory made once, and checks with key-file unlocks
// where a whole Coordinator::open is not the point.
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

constexpr std::string_view old_pass = "coordinator passphrase for tests";   // the fixture's (coord_fixture.cpp)
constexpr std::string_view new_pass = "a brand new coordinator passphrase";

// The fixture's identity plus a registry.key wrapping its registry key: what a coordinator
// directory holds after its first open.
fs::path make_dir(const test::TempDir& tmp) {
    const fs::path dir = tmp.path / "coord";
    fs::copy(coord_test::world().coord_dir, dir, fs::copy_options::recursive);
    REQUIRE(registry::keyfile_create(dir / sync::coord_registry_key_file, KeyFileKind::kiosk_database, old_pass,
                                     coord_test::world().db_key, registry::kdf_minimum())
                .ok());
    return dir;
}

bool registry_key_opens(const fs::path& dir, std::string_view pass) {
    return registry::keyfile_unlock(dir / sync::coord_registry_key_file, KeyFileKind::kiosk_database, pass).ok();
}

}  // namespace

TEST_CASE("coord passwd re-wraps both key files and refuses a wrong current passphrase", "[sync][passwd]") {
    test::TempDir tmp;
    const fs::path dir = make_dir(tmp);
    CHECK_FALSE(sync::change_coordinator_passphrase(dir, "not the passphrase", new_pass, registry::kdf_minimum()).ok());
    REQUIRE(sync::change_coordinator_passphrase(dir, old_pass, new_pass, registry::kdf_minimum()).ok());
    CHECK_FALSE(fs::exists(dir / sync::coord_registry_key_next_file));
    CHECK(sync::coordinator_unlock(dir, new_pass).ok());
    CHECK(registry_key_opens(dir, new_pass));
    CHECK_FALSE(sync::coordinator_unlock(dir, old_pass).ok());
}

TEST_CASE("a coord passwd killed between its two key files leaves one passphrase that opens everything",
          "[sync][passwd]") {
    test::TempDir tmp;
    const fs::path dir = make_dir(tmp);
    const fs::path next = dir / sync::coord_registry_key_next_file;
    // Step 2 done: the registry key under the new passphrase beside the old.
    REQUIRE(registry::keyfile_create(next, KeyFileKind::kiosk_database, new_pass, coord_test::world().db_key,
                                     registry::kdf_minimum())
                .ok());

    SECTION("killed before coordinator.key changed: the old passphrase, and the stray file goes") {
        REQUIRE(sync::Coordinator::open(dir, old_pass, registry::kdf_minimum()).ok());
        CHECK_FALSE(fs::exists(next));
        CHECK(registry_key_opens(dir, old_pass));
    }
    SECTION("killed after coordinator.key changed: the new passphrase, and registry.key is finished") {
        REQUIRE(registry::keyfile_rewrap(dir / sync::coordinator_key_file, KeyFileKind::coordinator_secrets, old_pass, new_pass,
                                         registry::kdf_minimum())
                    .ok());
        REQUIRE(sync::Coordinator::open(dir, new_pass, registry::kdf_minimum()).ok());
        CHECK_FALSE(fs::exists(next));
        CHECK(registry_key_opens(dir, new_pass));
    }
}
