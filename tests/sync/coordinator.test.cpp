// The coordinator's identity directory (sync/src/coordinator.cpp) and the demo helpers.
// Each init/unlock costs one Argon2id run at the MODERATE floor, so the cases share work.
#include "embassy/sync/coordinator.hpp"
#include "embassy/sync/demo.hpp"

#include "embassy/registry/pack.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace embassy;
using namespace embassy::registry;
using Catch::Matchers::ContainsSubstring;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view pass = "coordinator passphrase for tests";

struct Tmp {
    fs::path path;
    Tmp() {
        std::string t = (fs::temp_directory_path() / "embassy-coord-XXXXXX").string();
        REQUIRE(mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~Tmp() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a coordinator identity is created, read and unlocked", "[sync][coordinator]") {
    Tmp t;
    const fs::path dir = t.path / "coord";
    REQUIRE(sync::coordinator_init(dir, pass, "Народная амбасада Беларусі ў Польшчы", kdf_minimum()).ok());
    CHECK(fs::exists(dir / "coordinator.key"));
    CHECK(fs::exists(dir / "identity.pub"));
    struct stat st {};
    REQUIRE(::stat((dir / "coordinator.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0077) == 0);
    REQUIRE(::stat(dir.c_str(), &st) == 0);
    CHECK((st.st_mode & 0077) == 0);

    auto pub = sync::coordinator_public(dir);
    REQUIRE(pub.ok());
    CHECK(pub->name == "Народная амбасада Беларусі ў Польшчы");
    CHECK(slurp(dir / "identity.pub") == format_public_identity(*pub));
    // The public file holds no secret: neither secret half appears in it (checked after unlock).

    SECTION("unlock gives secrets that belong to the public keys") {
        auto keys = sync::coordinator_unlock(dir, pass);
        REQUIRE(keys.ok());
        CHECK(keys->identity.sign_key == pub->sign_key);
        CHECK(keys->box_secret.size() == 32);
        CHECK(keys->sign_secret.size() == 64);
        BoxPublicKey box_pk{};
        REQUIRE(crypto_scalarmult_base(box_pk.data(), keys->box_secret.data()) == 0);
        CHECK(box_pk == pub->box_key);
        const std::string msg = "ack";
        std::uint8_t sig[64];
        crypto_sign_detached(sig, nullptr, as_bytes(msg).data(), msg.size(), keys->sign_secret.data());
        CHECK(crypto_sign_verify_detached(sig, as_bytes(msg).data(), msg.size(), pub->sign_key.data()) == 0);
        const std::string file = slurp(dir / "identity.pub");
        CHECK(file.find(to_hex(keys->box_secret.span())) == std::string::npos);
        CHECK(file.find(to_hex(keys->sign_secret.span().first(32))) == std::string::npos);
    }
    SECTION("the wrong passphrase is refused") {
        auto keys = sync::coordinator_unlock(dir, "not the passphrase");
        REQUIRE_FALSE(keys.ok());
        CHECK_THAT(keys.message(), ContainsSubstring("wrong passphrase"));
    }
    SECTION("a second init in the same directory is refused and changes nothing") {
        const std::string before = slurp(dir / "coordinator.key");
        auto again = sync::coordinator_init(dir, pass, "Other", kdf_minimum());
        REQUIRE_FALSE(again.ok());
        CHECK_THAT(again.message(), ContainsSubstring("already holds a coordinator identity"));
        CHECK(slurp(dir / "coordinator.key") == before);
    }
    SECTION("a replaced identity.pub is noticed at unlock") {
        const fs::path other = t.path / "other";
        REQUIRE(sync::coordinator_init(other, pass, "Impostor", kdf_minimum()).ok());
        fs::copy_file(other / "identity.pub", dir / "identity.pub", fs::copy_options::overwrite_existing);
        auto keys = sync::coordinator_unlock(dir, pass);
        REQUIRE_FALSE(keys.ok());
        CHECK_THAT(keys.message(), ContainsSubstring("does not match coordinator.key"));
    }
}

TEST_CASE("coordinator init refuses unusable names and passphrases without leaving files", "[sync][coordinator]") {
    Tmp t;
    auto r = sync::coordinator_init(t.path / "c", pass, "two\nlines", kdf_minimum());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("name"));
    CHECK_FALSE(fs::exists(t.path / "c" / "coordinator.key"));
    auto e = sync::coordinator_init(t.path / "d", "", "Name", kdf_minimum());
    REQUIRE_FALSE(e.ok());
    CHECK_FALSE(fs::exists(t.path / "d" / "coordinator.key"));
}

TEST_CASE("a missing or damaged identity.pub gives a clear error", "[sync][coordinator]") {
    Tmp t;
    auto missing = sync::coordinator_public(t.path);
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.message(), ContainsSubstring("identity.pub"));
    std::ofstream(t.path / "identity.pub") << "embassy-coordinator-identity v1\nname: x\nbox: 12\n";
    auto bad = sync::coordinator_public(t.path);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.message(), ContainsSubstring("line 3"));
}

TEST_CASE("the demo coordinator signs the demo pack and a kiosk's reader accepts it", "[sync][coordinator][demo]") {
    Tmp t;
    const fs::path dir = t.path / "demo-coord";
    REQUIRE(sync::make_demo_coordinator(dir, "demo").ok());
    auto keys = sync::coordinator_unlock(dir, "demo");
    REQUIRE(keys.ok());
    CHECK(keys->identity.name == sync::demo_coordinator_name);
    auto file = sync::make_demo_pack(*keys, fs::path(EMBASSY_SOURCE_DIR) / "demo" / "appeals.toml");
    REQUIRE(file.ok());
    auto pack = pack_read(*file, keys->identity.sign_key);
    REQUIRE(pack.ok());
    CHECK(pack->appeals.size() == 2);
    CHECK(pack->languages.size() == 8);

    auto missing = sync::make_demo_pack(*keys, t.path / "nope.toml");
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.message(), ContainsSubstring("nope.toml"));
}
