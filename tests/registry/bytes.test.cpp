// The writing part of registry/bytes.cpp: AtomicFile and its two wrappers.
#include "file_limit.hpp"
#include "kiosk_fixture.hpp"

#include "embassy/registry/bytes.hpp"

#include <catch2/catch_test_macros.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

using namespace embassy;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

// Deterministic bytes that show a lost, doubled or reordered chunk.
std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4093) & 0xff);
    return s;
}

}  // namespace

TEST_CASE("an atomic file streamed in chunks holds exactly its content after commit", "[registry][bytes][atomic]") {
    test::TempDir t;
    const fs::path target = t.path / "out.bin";
    const std::string content = pattern(3 * 65536 + 777);
    auto f = AtomicFile::create(target.string());
    REQUIRE(f.ok());
    CHECK(fs::path(f->temp_path()).parent_path() == t.path);   // same directory: the rename cannot cross file systems
    CHECK_FALSE(fs::exists(target));                           // nothing at the target until commit
    for (std::size_t off = 0; off < content.size(); off += 10007)
        REQUIRE(f->write(std::string_view(content).substr(off, 10007)).ok());
    CHECK_FALSE(fs::exists(target));
    REQUIRE(f->commit().ok());
    CHECK_FALSE(f->is_open());
    CHECK(slurp(target) == content);
    CHECK(names_in(t.path) == std::set<std::string>{"out.bin"});
    struct stat st{};
    REQUIRE(stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    SECTION("the caller's mode is used, and the old file is replaced whole") {
        const mode_t old_mask = umask(022);
        auto g = AtomicFile::create(target.string(), 0644);
        umask(old_mask);
        REQUIRE(g.ok());
        REQUIRE(g->write("short").ok());
        CHECK(slurp(target) == content);   // the old file stays intact until the rename
        REQUIRE(g->commit().ok());
        CHECK(slurp(target) == "short");
        REQUIRE(stat(target.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0644);
    }
}

TEST_CASE("two writers of one file at once never share a temp file", "[registry][bytes][atomic]") {
    test::TempDir t;
    const fs::path target = t.path / "signatories.csv";
    // A file left (or planted) under the name a fixed-name writer would use is neither opened,
    // truncated nor renamed into place.
    spit(t.path / "signatories.csv.tmp", "planted");
    auto a = AtomicFile::create(target.string());
    auto b = AtomicFile::create(target.string());
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->temp_path() != b->temp_path());
    CHECK(a->temp_path() != (t.path / "signatories.csv.tmp").string());
    REQUIRE(a->write("first writer, ").ok());
    REQUIRE(b->write("second writer, ").ok());
    REQUIRE(a->write("done").ok());
    REQUIRE(b->write("done").ok());
    REQUIRE(a->commit().ok());
    CHECK(slurp(target) == "first writer, done");
    REQUIRE(b->commit().ok());
    CHECK(slurp(target) == "second writer, done");
    CHECK(slurp(t.path / "signatories.csv.tmp") == "planted");
    CHECK(names_in(t.path) == std::set<std::string>{"signatories.csv", "signatories.csv.tmp"});
}

TEST_CASE("an atomic file abandoned before commit leaves nothing behind", "[registry][bytes][atomic]") {
    test::TempDir t;
    const fs::path target = t.path / "x.key";
    SECTION("dropped") {
        std::string temp;
        {
            auto f = AtomicFile::create(target.string());
            REQUIRE(f.ok());
            temp = f->temp_path();
            REQUIRE(f->write("half of it").ok());
            CHECK(fs::exists(temp));
        }
        CHECK_FALSE(fs::exists(temp));
        CHECK(fs::is_empty(t.path));
    }
    SECTION("aborted, then used") {
        spit(target, "old");
        auto f = AtomicFile::create(target.string());
        REQUIRE(f.ok());
        REQUIRE(f->write("new").ok());
        f->abort();
        f->abort();   // idempotent
        CHECK(names_in(t.path) == std::set<std::string>{"x.key"});
        CHECK(slurp(target) == "old");
        auto w = f->write("more");
        REQUIRE_FALSE(w.ok());
        CHECK(w.message().find(target.string()) != std::string::npos);
        CHECK_FALSE(f->commit().ok());
        CHECK(slurp(target) == "old");
    }
    SECTION("moved from, the moved-to one owns the temp file") {
        auto f = AtomicFile::create(target.string());
        REQUIRE(f.ok());
        AtomicFile g = std::move(*f);
        REQUIRE(g.write("moved").ok());
        REQUIRE(g.commit().ok());
        CHECK(slurp(target) == "moved");
        CHECK(names_in(t.path) == std::set<std::string>{"x.key"});
    }
}

TEST_CASE("an atomic file that cannot be created or renamed says which file and leaves no temp file", "[registry][bytes][atomic]") {
    test::TempDir t;
    SECTION("the directory is missing") {
        const fs::path target = t.path / "missing" / "out.bin";
        auto f = AtomicFile::create(target.string());
        REQUIRE_FALSE(f.ok());
        CHECK(f.message().find(target.string()) != std::string::npos);
        CHECK(f.message().find("No such file or directory") != std::string::npos);
        CHECK_FALSE(write_file_atomic(target.string(), as_bytes("x")).ok());
        CHECK(fs::is_empty(t.path));
    }
    SECTION("the target is a directory that is not empty: the rename fails") {
        const fs::path target = t.path / "taken";
        fs::create_directories(target / "inside");
        auto f = AtomicFile::create(target.string());
        REQUIRE(f.ok());
        REQUIRE(f->write("content").ok());
        auto c = f->commit();
        REQUIRE_FALSE(c.ok());
        CHECK(c.message().find(target.string()) != std::string::npos);
        CHECK(c.message().find("rename failed") != std::string::npos);
        CHECK(names_in(t.path) == std::set<std::string>{"taken"});
        CHECK(names_in(target) == std::set<std::string>{"inside"});
    }
}

TEST_CASE("a write that meets a full file system fails with the file's name and leaves nothing half", "[registry][bytes][atomic][diskfull]") {
    test::TempDir t;
    const fs::path target = t.path / "big.bin";
    const fs::path copy = t.path / "copy.bin";
    spit(copy, "old copy");
    const std::string big = pattern(256 * 1024);
    spit(t.path / "source.bin", big);
    const fs::path source = t.path / "source.bin";
    {   // The source was written before: it may be read, but no file may grow past 64 KiB.
        test::FileSizeLimit full(64 * 1024);
        REQUIRE(full.ok());
        auto f = AtomicFile::create(target.string());
        REQUIRE(f.ok());
        const std::string temp = f->temp_path();
        Status w;
        for (std::size_t off = 0; off < big.size() && w.ok(); off += 4096)
            w = f->write(std::string_view(big).substr(off, 4096));
        REQUIRE_FALSE(w.ok());                                          // the limit bit
        CHECK(w.message() == target.string() + ": write failed: File too large");   // the file and the reason
        CHECK_FALSE(fs::exists(temp));                                  // temp removed at once
        CHECK_FALSE(f->is_open());
        CHECK_FALSE(f->commit().ok());
        CHECK_FALSE(write_file_atomic(target.string(), as_bytes(big)).ok());
        auto c = copy_file_atomic(source.string(), copy.string());
        REQUIRE_FALSE(c.ok());
        CHECK(c.message().find(copy.string()) != std::string::npos);
    }
    // Nothing at the target, the old copy untouched, no temp file of any of the three.
    CHECK(names_in(t.path) == std::set<std::string>{"copy.bin", "source.bin"});
    CHECK(slurp(copy) == "old copy");
    // And once there is room again, the same work succeeds.
    REQUIRE(write_file_atomic(target.string(), as_bytes(big)).ok());
    REQUIRE(copy_file_atomic(source.string(), copy.string()).ok());
    CHECK(slurp(target) == big);
    CHECK(slurp(copy) == big);
    CHECK(names_in(t.path) == std::set<std::string>{"big.bin", "copy.bin", "source.bin"});
}
