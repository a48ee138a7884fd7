#include "embassy/data_dir.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using Catch::Matchers::ContainsSubstring;

namespace {
// Sets an environment variable for one scope and restores what was there.
struct ScopedEnv {
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
            had_ = true;
        }
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (had_) ::setenv(name_, old_.c_str(), 1);
        else ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    const char* name_;
    std::string old_;
    bool had_ = false;
};
}  // namespace

TEST_CASE("the data directory of an installed executable is share/embassy-kiosk beside its bin", "[base][data_dir]") {
    CHECK(embassy::data_dir_beside("/usr/bin/embassy-kiosk") == fs::path("/usr/share/embassy-kiosk"));
    CHECK(embassy::data_dir_beside("/opt/x/bin/embassy-sync") == fs::path("/opt/x/share/embassy-kiosk"));
}

TEST_CASE("a build tree has the installed data layout beside its executables", "[base][data_dir]") {
    for (const char* exe : {"/sync/embassy-sync", "/kiosk/embassy-kiosk"}) {
        const fs::path dir = embassy::data_dir_beside(fs::path(EMBASSY_BINARY_DIR + std::string(exe)));
        INFO(dir.string());
        CHECK(fs::is_regular_file(dir / "fonts" / "NotoSans-Regular.ttf"));
        CHECK(fs::is_regular_file(dir / "i18n" / "en.po"));
        CHECK(fs::is_regular_file(dir / "demo" / "appeals.toml"));
    }
}

TEST_CASE("EMBASSY_DATA_DIR overrides the data directory, and a missing one is an error naming it", "[base][data_dir]") {
    SECTION("an existing directory is used as given") {
        ScopedEnv env(embassy::kDataDirEnv, EMBASSY_SOURCE_DIR "/fonts");
        auto dir = embassy::data_dir();
        REQUIRE(dir);
        CHECK(*dir == fs::path(EMBASSY_SOURCE_DIR "/fonts"));
    }
    SECTION("a missing directory") {
        ScopedEnv env(embassy::kDataDirEnv, "/nonexistent/embassy-data");
        auto dir = embassy::data_dir();
        REQUIRE_FALSE(dir);
        CHECK_THAT(dir.message(), ContainsSubstring("/nonexistent/embassy-data") && ContainsSubstring("EMBASSY_DATA_DIR"));
    }
    SECTION("unset: beside the running executable (build/tests/test_base -> build/share/embassy-kiosk)") {
        ScopedEnv env(embassy::kDataDirEnv, nullptr);
        auto dir = embassy::data_dir();
        REQUIRE(dir);
        CHECK(*dir == fs::path(EMBASSY_BINARY_DIR) / "share" / "embassy-kiosk");
    }
}
