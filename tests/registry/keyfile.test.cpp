#include "kiosk_fixture.hpp"

#include "embassy/registry/keyfile.hpp"

#include <catch2/catch_test_macros.hpp>

#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

using namespace embassy;
using namespace embassy::registry;

TEST_CASE("a key file unwraps only with its passphrase", "[registry][keyfile]") {
    test::TempDir t;
    auto path = t.path / "k.key";
    SecretBytes secret(32);
    randombytes_buf(secret.data(), 32);
    REQUIRE(keyfile_create(path, KeyFileKind::kiosk_database, "pass phrase one", secret, kdf_minimum()).ok());
    struct stat st{};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto ok = keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase one");
    REQUIRE(ok.ok());
    CHECK(sodium_memcmp(ok->data(), secret.data(), 32) == 0);
    CHECK_FALSE(keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase two").ok());
    CHECK_FALSE(keyfile_unlock(path, KeyFileKind::coordinator_secrets, "pass phrase one").ok());
    CHECK_FALSE(keyfile_create(path, KeyFileKind::kiosk_database, "x", secret, kdf_minimum()).ok());  // never overwrite

    SECTION("re-wrapping keeps the secret and retires the old passphrase") {
        REQUIRE(keyfile_rewrap(path, KeyFileKind::kiosk_database, "pass phrase one", "pass phrase two", kdf_minimum()).ok());
        CHECK_FALSE(keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase one").ok());
        auto again = keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase two");
        REQUIRE(again.ok());
        CHECK(sodium_memcmp(again->data(), secret.data(), 32) == 0);
    }
    SECTION("parameters below MODERATE are refused, even with a valid tag") {
        KdfParams weak{crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
        CHECK_FALSE(keyfile_create(t.path / "weak.key", KeyFileKind::kiosk_database, "p", secret, weak).ok());
        // Patch the stored memlimit down: refused before any derivation.
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(24);
        std::uint64_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
        f.write(reinterpret_cast<const char*>(&mem), 8);
        f.close();
        auto r = keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase one");
        REQUIRE_FALSE(r.ok());
        CHECK(r.message().find("below the minimum") != std::string::npos);
    }
    SECTION("truncated or extended files are refused") {
        auto size = std::filesystem::file_size(path);
        std::filesystem::resize_file(path, size - 1);
        CHECK_FALSE(keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase one").ok());
        std::filesystem::resize_file(path, size + 1);
        CHECK_FALSE(keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase one").ok());
        std::filesystem::resize_file(path, 10);
        CHECK_FALSE(keyfile_unlock(path, KeyFileKind::kiosk_database, "pass phrase one").ok());
    }
}

TEST_CASE("calibration never goes below the floor", "[registry][keyfile]") {
    KdfParams p = calibrate_kdf(0.01);
    CHECK(p.opslimit >= kdf_minimum().opslimit);
    CHECK(p.memlimit >= kdf_minimum().memlimit);
}

TEST_CASE("new key files: EMBASSY_KDF_SECONDS=0 gives the floor, anything else calibrates", "[registry][keyfile]") {
    const char* old = std::getenv("EMBASSY_KDF_SECONDS");
    const std::string saved = old ? old : "";
    ::setenv("EMBASSY_KDF_SECONDS", "0", 1);
    KdfParams floor = new_kdf_params();
    CHECK(floor.opslimit == kdf_minimum().opslimit);
    CHECK(floor.memlimit == kdf_minimum().memlimit);
    ::setenv("EMBASSY_KDF_SECONDS", "0.01", 1);
    KdfParams p = new_kdf_params();
    CHECK(p.opslimit >= kdf_minimum().opslimit);
    CHECK(p.memlimit == kdf_minimum().memlimit);
    if (old) ::setenv("EMBASSY_KDF_SECONDS", saved.c_str(), 1);
    else ::unsetenv("EMBASSY_KDF_SECONDS");
}
