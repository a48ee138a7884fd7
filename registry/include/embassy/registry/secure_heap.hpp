// SQLite's heap, kept locked in RAM and wiped on every free.
//
// SQLite's allocations hold what a database holds in clear: decrypted pages in the page cache,
// row values in statement registers. The threat model asks that this memory is never swapped out
// and that nothing is left behind in freed memory once a database is closed (threat 2).
// SQLCipher's own answer, `PRAGMA cipher_memory_security = ON`, does it with an mlock() on every
// allocation and a byte-at-a-time wipe plus munlock() on every free: two system calls per
// allocation, and, because this SQLCipher build has no lookaside allocator, dozens per imported
// signature (perf: two thirds of the coordinator's import time). It is also leaky in a quiet way:
// munlock() is not counted, so freeing one block unlocks the whole page under its live neighbours.
//
// This heap gives the same two properties without a system call per allocation: blocks come from
// arenas that are mlock()ed once when they are mapped (MADV_DONTDUMP as well), and every block is
// wiped with sodium_memzero when it is freed or moved by a realloc. It is installed with
// sqlite3_config(SQLITE_CONFIG_MALLOC) before SQLite initialises; SQLCipher then wraps it, and
// cipher_memory_security stays OFF because this heap already does its job. If the heap cannot be
// installed (SQLite was initialised before us), Database::open falls back to the pragma.
//
// What it does not do: shrink. Arenas stay mapped (and locked) at the process's peak, which SQLite's
// cache sizes bound; a kiosk holds one database, a coordinator command runs in its own process.
// Memory beyond RLIMIT_MEMLOCK cannot be locked (the soft limit is raised to
// the hard one first; the rest is counted in Stats::unlocked_bytes — SQLCipher's mlock() fails in
// the same place, silently). SQLCipher's key buffers are allocated from this heap too and its
// sqlcipher_free() munlock()s their page; relock() locks every arena again and Database calls it
// after opening and after closing a connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace embassy::registry::secure_heap {

// Install as SQLite's allocator. Idempotent and thread-safe; true if SQLite uses this heap (now or
// from an earlier call), false if SQLite was initialised before the first call.
bool install();
bool active();

struct Stats {
    std::size_t arena_bytes = 0;     // mapped for small blocks
    std::size_t large_bytes = 0;     // mapped for blocks above the largest size class
    std::size_t locked_bytes = 0;    // of both, locked with mlock()
    std::size_t unlocked_bytes = 0;  // of both, mlock() refused (RLIMIT_MEMLOCK)
    std::size_t live_bytes = 0;      // handed out and not yet freed (usable sizes)
    std::uint64_t allocations = 0;   // calls to malloc/realloc that returned a new block
};
Stats stats();

// Lock every arena again (see above). Cheap: one mlock() per arena.
void relock();

// Test support: does `needle` occur anywhere in the heap's mapped memory, live or free? With no
// database open, every block is free, so a hit means a free did not wipe.
bool contains(std::span<const std::uint8_t> needle);

// Test support: the heap's mappings and whether mlock() succeeded on each when last tried.
struct Region {
    const void* base;
    std::size_t size;
    bool locked;
};
std::vector<Region> regions();

}  // namespace embassy::registry::secure_heap
