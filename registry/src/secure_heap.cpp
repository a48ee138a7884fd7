// SQLite's heap: locked arenas, size classes, wipe on free (secure_heap.hpp says why).
//
// Layout. Every block starts with a 16-byte header (magic, size class, usable size) so free() and
// xSize need no lookup. Blocks up to kMaxSmall bytes come from 1 MiB arenas, carved by a bump
// pointer and recycled through one free list per size class; arenas are never unmapped (SQLite's
// own use is bounded by its cache sizes, so the heap stops growing at the peak). Larger blocks get
// a mapping of their own, wiped and unmapped on free. All memory handed out is zero.
#include "embassy/registry/secure_heap.hpp"

#include <sodium.h>
#include <sqlcipher/sqlite3.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace embassy::registry::secure_heap {
namespace {

constexpr std::uint32_t kMagic = 0x5ec4ea9u;
constexpr std::size_t kHeader = 16;
constexpr std::size_t kArenaSize = std::size_t{1} << 20;
constexpr std::size_t kMaxSmall = std::size_t{64} << 10;
constexpr std::uint32_t kLarge = 0xffffffffu;

struct Header {
    std::uint32_t magic;
    std::uint32_t cls;   // size class index, or kLarge
    std::uint64_t size;  // usable bytes after the header
};
static_assert(sizeof(Header) == kHeader);

// Size classes: 16-byte steps to 128, then eight steps per power of two up to kMaxSmall, so a
// block wastes at most 1/8 of its size (a 4 KiB page plus SQLite's per-page extra lands in 4608).
constexpr std::size_t kClassCount = 8 + 8 * 9;
constexpr std::array<std::size_t, kClassCount> make_classes() {
    std::array<std::size_t, kClassCount> c{};
    std::size_t i = 0;
    for (std::size_t s = 16; s <= 128; s += 16) c[i++] = s;
    for (std::size_t base = 128; base < kMaxSmall; base *= 2)
        for (std::size_t k = 1; k <= 8; ++k) c[i++] = base + base / 8 * k;
    return c;
}
constexpr auto kClasses = make_classes();
static_assert(kClasses.back() == kMaxSmall);

struct Arena {
    std::uint8_t* base;
    std::size_t size;
    bool locked;  // mlock() succeeded
};

struct Heap {
    std::mutex mu;
    std::vector<Arena> arenas;                                   // small-block arenas
    std::unordered_map<std::uint8_t*, Arena> large;              // one mapping per large block
    std::array<std::uint8_t*, kClassCount> free_list{};          // first free block (header) per class
    std::uint8_t* bump = nullptr;                                // next unused byte of the newest arena
    std::uint8_t* bump_end = nullptr;
    Stats st;
    std::atomic<bool> installed{false};
};

Heap& heap() {
    static Heap* h = new Heap();  // never destroyed: SQLite may free after static destructors ran
    return *h;
}

std::size_t page_size() {
    static const std::size_t p = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return p;
}

// Map zeroed, private memory that stays out of core dumps and out of fork()ed children, and try to
// lock it. Caller holds the mutex.
Arena map_locked(Heap& h, std::size_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return {nullptr, 0, false};
    (void)::madvise(p, size, MADV_DONTDUMP);
    (void)::madvise(p, size, MADV_DONTFORK);
    const bool locked = ::mlock(p, size) == 0;
    (locked ? h.st.locked_bytes : h.st.unlocked_bytes) += size;
    return {static_cast<std::uint8_t*>(p), size, locked};
}

std::size_t class_of(std::size_t n) {
    return static_cast<std::size_t>(std::lower_bound(kClasses.begin(), kClasses.end(), n) - kClasses.begin());
}

Header* header_of(void* p) { return reinterpret_cast<Header*>(static_cast<std::uint8_t*>(p) - kHeader); }

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer every block is its own malloc(), so ASan's red zones and quarantine still
// catch a use after free or an overflow of SQLite memory by our code; blocks are still wiped on
// free, but neither locked nor scannable (contains() and regions() see nothing).
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

void* alloc_locked(Heap& h, std::size_t n) {
    if (n == 0) n = 1;
    if (kSanitized) {
        const std::size_t usable = (n + 15) / 16 * 16;
        auto* b = static_cast<std::uint8_t*>(std::calloc(1, kHeader + usable));
        if (b == nullptr) return nullptr;
        *reinterpret_cast<Header*>(b) = {kMagic, kLarge - 1, usable};
        h.st.live_bytes += usable;
        ++h.st.allocations;
        return b + kHeader;
    }
    if (n > kMaxSmall) {
        const std::size_t ps = page_size();
        const std::size_t mapped = (n + kHeader + ps - 1) / ps * ps;
        Arena a = map_locked(h, mapped);
        std::uint8_t* m = a.base;
        if (m == nullptr) return nullptr;
        h.large.emplace(m, a);
        h.st.large_bytes += mapped;
        auto* hd = reinterpret_cast<Header*>(m);
        *hd = {kMagic, kLarge, mapped - kHeader};
        h.st.live_bytes += hd->size;
        ++h.st.allocations;
        return m + kHeader;
    }
    const std::size_t c = class_of(n);
    const std::size_t block = kHeader + kClasses[c];
    std::uint8_t* b = h.free_list[c];
    if (b != nullptr) {
        std::uint8_t* next = nullptr;
        std::memcpy(&next, b + kHeader, sizeof next);
        sodium_memzero(b + kHeader, sizeof next);
        h.free_list[c] = next;
    } else {
        if (h.bump == nullptr || static_cast<std::size_t>(h.bump_end - h.bump) < block) {
            Arena a = map_locked(h, kArenaSize);
            if (a.base == nullptr) return nullptr;
            h.arenas.push_back(a);
            h.st.arena_bytes += kArenaSize;
            h.bump = a.base;
            h.bump_end = a.base + kArenaSize;
        }
        b = h.bump;
        h.bump += block;
    }
    auto* hd = reinterpret_cast<Header*>(b);
    *hd = {kMagic, static_cast<std::uint32_t>(c), kClasses[c]};
    h.st.live_bytes += kClasses[c];
    ++h.st.allocations;
    return b + kHeader;
}

void free_locked(Heap& h, void* p) {
    if (p == nullptr) return;
    Header* hd = header_of(p);
    if (hd->magic != kMagic) std::abort();  // not ours: memory corruption, stop rather than guess
    h.st.live_bytes -= hd->size;
    sodium_memzero(p, hd->size);
    if (kSanitized) {
        std::free(hd);
        return;
    }
    if (hd->cls == kLarge) {
        auto* m = reinterpret_cast<std::uint8_t*>(hd);
        auto it = h.large.find(m);
        if (it == h.large.end()) std::abort();
        const std::size_t mapped = it->second.size;
        (it->second.locked ? h.st.locked_bytes : h.st.unlocked_bytes) -= mapped;
        h.large.erase(it);
        h.st.large_bytes -= mapped;
        sodium_memzero(m, kHeader);
        (void)::munmap(m, mapped);
        return;
    }
    std::uint8_t* b = reinterpret_cast<std::uint8_t*>(hd);
    std::memcpy(b + kHeader, &h.free_list[hd->cls], sizeof(std::uint8_t*));
    h.free_list[hd->cls] = b;
}

// [SECTION] sqlite3_mem_methods
void* x_malloc(int n) {
    if (n <= 0) return nullptr;
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    return alloc_locked(h, static_cast<std::size_t>(n));
}
void x_free(void* p) {
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    free_locked(h, p);
}
int x_size(void* p) {
    if (p == nullptr) return 0;
    return static_cast<int>(header_of(p)->size);
}
void* x_realloc(void* p, int n) {
    if (p == nullptr) return x_malloc(n);
    if (n <= 0) {
        x_free(p);
        return nullptr;
    }
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    const std::size_t have = header_of(p)->size;
    if (static_cast<std::size_t>(n) <= have) return p;
    void* q = alloc_locked(h, static_cast<std::size_t>(n));
    if (q == nullptr) return nullptr;
    std::memcpy(q, p, have);
    free_locked(h, p);  // wipes the old copy
    return q;
}
int x_roundup(int n) {
    if (n <= 0) return 16;
    const auto u = static_cast<std::size_t>(n);
    if (kSanitized) return static_cast<int>((u + 15) / 16 * 16);
    if (u > kMaxSmall) {
        const std::size_t ps = page_size();
        return static_cast<int>((u + kHeader + ps - 1) / ps * ps - kHeader);
    }
    return static_cast<int>(kClasses[class_of(u)]);
}
int x_init(void*) { return SQLITE_OK; }
void x_shutdown(void*) {}

const sqlite3_mem_methods kMethods = {x_malloc, x_free, x_realloc, x_size, x_roundup, x_init, x_shutdown, nullptr};

}  // namespace

bool install() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] {
        // Lock as much as the administrator allows.
        struct rlimit rl{};
        if (::getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            (void)::setrlimit(RLIMIT_MEMLOCK, &rl);
        }
        // No global memory statistics: SQLite would take its own mutex around every allocation to
        // keep them, and nothing here reads them (stats() counts in this heap).
        (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        ok = sqlite3_config(SQLITE_CONFIG_MALLOC, &kMethods) == SQLITE_OK;
        heap().installed.store(ok);
    });
    return ok;
}

bool active() { return heap().installed.load(std::memory_order_relaxed); }  // set once, before SQLite starts

Stats stats() {
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    return h.st;
}

void relock() {
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    std::size_t locked = 0, unlocked = 0;
    auto lock_one = [&](Arena& a) {
        a.locked = ::mlock(a.base, a.size) == 0;
        (a.locked ? locked : unlocked) += a.size;
    };
    for (auto& a : h.arenas) lock_one(a);
    for (auto& [m, a] : h.large) lock_one(a);
    h.st.locked_bytes = locked;
    h.st.unlocked_bytes = unlocked;
}

bool contains(std::span<const std::uint8_t> needle) {
    if (needle.empty()) return false;
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    auto in = [&](const std::uint8_t* p, std::size_t n) { return ::memmem(p, n, needle.data(), needle.size()) != nullptr; };
    for (const auto& a : h.arenas)
        if (in(a.base, a.size)) return true;
    for (const auto& [m, a] : h.large)
        if (in(m, a.size)) return true;
    return false;
}

std::vector<Region> regions() {
    Heap& h = heap();
    std::lock_guard lock(h.mu);
    std::vector<Region> out;
    for (const auto& a : h.arenas) out.push_back({a.base, a.size, a.locked});
    for (const auto& [m, a] : h.large) out.push_back({a.base, a.size, a.locked});
    return out;
}

}  // namespace embassy::registry::secure_heap
