// SQLite's heap (registry/secure_heap): installed, locked, zeroed on hand-out, wiped on free.
// These are the properties cipher_memory_security gave before; each check fails if one breaks.
#include "kiosk_fixture.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/secure_heap.hpp"

#include <catch2/catch_test_macros.hpp>

#include <sodium.h>
#include <sqlcipher/sqlite3.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace embassy;
using namespace embassy::registry;
namespace heap = embassy::registry::secure_heap;

namespace {

std::string random_canary() {
    std::uint8_t r[12];
    randombytes_buf(r, sizeof r);
    std::string s = "Canary";
    for (auto b : r) s += static_cast<char>('a' + b % 26);
    return s;
}
std::span<const std::uint8_t> bytes_of(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// "Locked:" of the /proc/self/smaps entry that covers [base, base+size), in bytes (-1: not found).
long locked_bytes_of(const void* base) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    const auto want = reinterpret_cast<unsigned long>(base);
    bool in = false;
    while (std::getline(smaps, line)) {
        unsigned long lo = 0, hi = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find(':') > line.find(' ')) {
            in = lo <= want && want < hi;
            continue;
        }
        if (in && line.rfind("Locked:", 0) == 0) return std::atol(line.c_str() + 7) * 1024;
    }
    return -1;
}

// Under AddressSanitizer the heap hands out plain malloc() blocks (secure_heap.cpp says why).
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() SKIP("the locked arenas are replaced by malloc() under AddressSanitizer")
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

}  // namespace

TEST_CASE("SQLite allocates from the locked heap, not with cipher_memory_security", "[registry][memory]") {
    test::TempDir t;
    SecretBytes key(32);
    auto db = Database::open(t.path / "x.db", key);
    REQUIRE(db.ok());
    REQUIRE(heap::active());
    // The pragma stays OFF: with it ON, SQLCipher would munlock() our arenas block by block.
    CHECK((*db)->query_int("PRAGMA cipher_memory_security").value() == 0);
    const auto before = heap::stats().allocations;
    REQUIRE((*db)->exec("CREATE TABLE t(x); INSERT INTO t VALUES(randomblob(300))").ok());
    CHECK(heap::stats().allocations > before);
    CHECK(heap::stats().live_bytes > 0);
}

TEST_CASE("every heap mapping that mlock() accepted is still locked after open and close", "[registry][memory]") {
    SKIP_UNDER_ASAN();
    // SQLCipher's sqlcipher_free() munlock()s the page of each key buffer it frees; the heap locks
    // its arenas again after every open and close. Without that relock this test fails.
    test::TempDir t;
    SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    for (int round = 0; round < 3; ++round) {
        auto db = Database::open(t.path / "x.db", key);
        REQUIRE(db.ok());
        REQUIRE((*db)->exec("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES(randomblob(5000))").ok());
    }
    const auto st = heap::stats();
    CHECK(st.locked_bytes > 0);
    int checked = 0;
    for (const auto& r : heap::regions()) {
        if (!r.locked) continue;
        INFO("mapping at " << r.base << " of " << r.size << " bytes");
        CHECK(locked_bytes_of(r.base) == static_cast<long>(r.size));
        ++checked;
    }
    CHECK(checked > 0);
}

TEST_CASE("blocks are zero when handed out, keep their contents on realloc, and are wiped on free", "[registry][memory]") {
    REQUIRE(heap::install());
    const std::string canary = random_canary();
    for (int n : {1, 15, 16, 17, 100, 129, 1000, 4096, 4500, 65535, 65536, 65537, 300000}) {
        INFO("size " << n);
        auto* p = static_cast<std::uint8_t*>(sqlite3_malloc(n));
        REQUIRE(p != nullptr);
        CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0);
        CHECK(sqlite3_msize(p) >= static_cast<sqlite3_uint64>(n));
        bool zero = true;
        for (int i = 0; i < n; ++i) zero = zero && p[i] == 0;
        CHECK(zero);
        const std::size_t put = std::min<std::size_t>(canary.size(), static_cast<std::size_t>(n));
        std::memcpy(p, canary.data(), put);
#if !defined(__SANITIZE_ADDRESS__)
        if (put == canary.size()) CHECK(heap::contains(bytes_of(canary)));  // positive control
#endif
        auto* q = static_cast<std::uint8_t*>(sqlite3_realloc(p, n * 3 + 10));
        REQUIRE(q != nullptr);
        CHECK(std::memcmp(q, canary.data(), put) == 0);
        // Only the new block holds the canary now: the old one (if moved) was wiped.
        sqlite3_free(q);
        CHECK_FALSE(heap::contains(bytes_of(canary)));
    }
}

TEST_CASE("plaintext read from an encrypted database leaves SQLite's heap when it closes", "[registry][memory]") {
    SKIP_UNDER_ASAN();
    test::TempDir t;
    SecretBytes key(32);
    randombytes_buf(key.data(), 32);
    const std::string canary = random_canary();
    {
        auto db = Database::open(t.path / "x.db", key);
        REQUIRE(db.ok());
        REQUIRE((*db)->exec("CREATE TABLE people(name TEXT)").ok());
        auto ins = (*db)->prepare("INSERT INTO people VALUES(?1)");
        REQUIRE(ins.ok());
        ins->bind(1, canary);
        REQUIRE(ins->run().ok());
    }
    CHECK_FALSE(heap::contains(bytes_of(canary)));
    {
        auto db = Database::open(t.path / "x.db", key);
        REQUIRE(db.ok());
        REQUIRE((*db)->query_int("SELECT count(*) FROM people").value() == 1);
        // Positive control: the decrypted page sits in SQLite's page cache, in this heap.
        CHECK(heap::contains(bytes_of(canary)));
    }
    CHECK_FALSE(heap::contains(bytes_of(canary)));
}
