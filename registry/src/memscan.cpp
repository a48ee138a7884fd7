// The memory-scan test hook (memscan.hpp says what and why).
#include "embassy/registry/memscan.hpp"

#include "embassy/registry/matchkey.hpp"
#include "embassy/registry/wiped_memory.hpp"

#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace embassy::registry::memscan {
namespace {

constexpr std::uint8_t kMask = 0x5A;
constexpr std::size_t kMaxNeedles = 64;
constexpr std::size_t kMaxNeedle = 512;
constexpr std::size_t kReadBuffer = std::size_t{1} << 20;

enum Form : std::uint8_t { utf8, utf16le, key, tail };

// glibc's free() writes its list links over the first 16 bytes of a freed block, so a string that
// had a block of its own survives there only as its tail. Tails of at least this many bytes are
// searched too.
constexpr std::size_t kFreeLinkBytes = 16;
constexpr std::size_t kMinTail = 10;

struct Needle {
    Form form;
    std::size_t size;
    std::uint8_t masked[kMaxNeedle];
};

// One private mapping for everything the scan must not find itself in.
struct Region {
    std::size_t count;
    Needle needles[kMaxNeedles];
    std::uint8_t buf[kReadBuffer];
};

Region* g_region = nullptr;

bool add(Form form, const std::uint8_t* plain, std::size_t n) {
    if (n == 0 || n > kMaxNeedle || g_region->count == kMaxNeedles) return false;
    if (form != tail && n >= kFreeLinkBytes + kMinTail) add(tail, plain + kFreeLinkBytes, n - kFreeLinkBytes);
    Needle& d = g_region->needles[g_region->count++];
    d.form = form;
    d.size = n;
    for (std::size_t i = 0; i < n; ++i) d.masked[i] = plain[i] ^ kMask;
    return true;
}

// UTF-8 to UTF-16LE, into a needle directly (the input is valid: it came from the test script).
void add_utf16(const std::string& s) {
    std::uint8_t out[kMaxNeedle];
    std::size_t o = 0;
    for (std::size_t i = 0; i < s.size() && o + 4 <= sizeof out;) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        std::size_t len = 1;
        if (c >= 0xF0) { cp = c & 0x07u; len = 4; }
        else if (c >= 0xE0) { cp = c & 0x0Fu; len = 3; }
        else if (c >= 0xC0) { cp = c & 0x1Fu; len = 2; }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        i += len;
        auto put = [&](std::uint32_t u) {
            out[o++] = static_cast<std::uint8_t>(u & 0xFF);
            out[o++] = static_cast<std::uint8_t>(u >> 8);
        };
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put(0xD800 + (cp >> 10));
            put(0xDC00 + (cp & 0x3FF));
        } else {
            put(cp);
        }
    }
    add(utf16le, out, o);
    explicit_bzero(out, sizeof out);
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct Counts {
    int form[4] = {0, 0, 0, 0};
    int heap = 0, stack = 0, other = 0;
};

int count_in(const std::uint8_t* p, std::size_t n, const Needle& d) {
    if (n < d.size) return 0;
    const std::uint8_t first = d.masked[0] ^ kMask;
    int hits = 0;
    const std::uint8_t* end = p + (n - d.size + 1);
    for (const std::uint8_t* at = p; at < end;) {
        const void* f = std::memchr(at, first, static_cast<std::size_t>(end - at));
        if (f == nullptr) break;
        at = static_cast<const std::uint8_t*>(f);
        bool match = true;
        for (std::size_t k = 1; k < d.size && match; ++k) match = (at[k] ^ kMask) == d.masked[k];
        if (match) ++hits;
        ++at;
    }
    return hits;
}

// Scan [lo, hi) of our own memory, chunk by chunk with an overlap of (longest needle - 1) bytes.
void scan_range(std::uintptr_t lo, std::uintptr_t hi, int& kind_count, Counts& c) {
    std::size_t longest = 1;
    for (std::size_t i = 0; i < g_region->count; ++i) longest = std::max(longest, g_region->needles[i].size);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    for (std::uintptr_t at = lo; at < hi;) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uintptr_t>(kReadBuffer, hi - at));
        iovec local{g_region->buf, want};
        iovec remote{reinterpret_cast<void*>(at), want};   // NOLINT: an address read from /proc/self/maps
        const ssize_t got = ::process_vm_readv(::getpid(), &local, 1, &remote, 1, 0);
        if (got <= 0) {   // a page that cannot be read (guard, unbacked): skip it
            at = (at / page + 1) * page;
            continue;
        }
        const auto n = static_cast<std::size_t>(got);
        for (std::size_t i = 0; i < g_region->count; ++i) {
            const Needle& d = g_region->needles[i];
            // Count only matches that start in this chunk's non-overlapping part, unless it is the last.
            const bool last = at + n >= hi || n < want;
            const std::size_t limit = last ? n : n - (longest - 1);
            const int h = count_in(g_region->buf, std::min(n, limit + d.size - 1), d);
            c.form[d.form] += h;
            kind_count += h;
        }
        if (n < want) at = ((at + n) / page + 1) * page;
        else at += (at + n >= hi) ? n : n - (longest - 1);
    }
    explicit_bzero(g_region->buf, kReadBuffer);
}

}  // namespace

bool arm_from_env() {
    const char* path = std::getenv("EMBASSY_TEST_MEMSCAN");
    if (path == nullptr || *path == '\0') return true;
    void* m = ::mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        std::fprintf(stderr, "embassy memscan: cannot map its buffer\n");
        return false;
    }
    g_region = static_cast<Region*>(m);
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "embassy memscan: cannot read the file named by EMBASSY_TEST_MEMSCAN\n");
        return false;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (line == "control unwiped") {
            wiped_memory::set_enabled(false);
            continue;
        }
        if (line.empty() || line.size() % 2 != 0 || line.size() / 2 > kMaxNeedle) continue;
        std::string plain(line.size() / 2, '\0');
        bool ok = true;
        for (std::size_t i = 0; i < plain.size() && ok; ++i) {
            const int a = hex(line[2 * i]), b = hex(line[2 * i + 1]);
            ok = a >= 0 && b >= 0;
            plain[i] = static_cast<char>(static_cast<std::uint8_t>(a * 16 + b) ^ kMask);
        }
        if (ok) {
            add(utf8, reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size());
            add_utf16(plain);
            if (plain.size() >= 8) {
                std::string sk = name_skeleton(plain);
                if (sk.size() >= 8 && sk != plain) add(key, reinterpret_cast<const std::uint8_t*>(sk.data()), sk.size());
                explicit_bzero(sk.data(), sk.size());
            }
        }
        explicit_bzero(plain.data(), plain.size());
        explicit_bzero(line.data(), line.size());
    }
    if (g_region->count == 0) {
        std::fprintf(stderr, "embassy memscan: no canary in the file named by EMBASSY_TEST_MEMSCAN\n");
        return false;
    }
    return true;
}

bool armed() noexcept { return g_region != nullptr && g_region->count > 0; }

void report(const char* where) {
    if (!armed()) return;
#if defined(__SANITIZE_ADDRESS__)
    std::fprintf(stderr, "embassy memscan %s: skipped (AddressSanitizer)\n", where);
    return;
#endif
    wiped_memory::scrub_stack();
    Counts c;
    const auto own_lo = reinterpret_cast<std::uintptr_t>(g_region);
    const auto own_hi = own_lo + sizeof(Region);
    // /proc/self/maps through stdio, not a stream: its buffer is freed before the scan reads it.
    std::FILE* maps = std::fopen("/proc/self/maps", "r");
    if (maps == nullptr) {
        std::fprintf(stderr, "embassy memscan %s: cannot read /proc/self/maps\n", where);
        return;
    }
    // Read the whole list first: mappings the scan itself creates do not matter, and the list is
    // short (a few hundred lines).
    struct Map { std::uintptr_t lo, hi; int kind; };
    static Map list[8192];
    std::size_t n = 0;
    char line[4096];
    while (n < std::size(list) && std::fgets(line, sizeof line, maps) != nullptr) {
        unsigned long lo = 0, hi = 0;
        char perms[5] = {};
        int path_at = 0;
        if (std::sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &lo, &hi, perms, &path_at) < 3) continue;
        if (perms[0] != 'r') continue;
        const char* path = line + path_at;
        if (std::strstr(path, "[vvar]") || std::strstr(path, "[vsyscall]") || std::strstr(path, "[vdso]")) continue;
        const int kind = std::strncmp(path, "[heap]", 6) == 0 ? 0 : std::strncmp(path, "[stack]", 7) == 0 ? 1 : 2;
        list[n++] = {lo, hi, kind};
    }
    std::fclose(maps);
    for (std::size_t i = 0; i < n; ++i) {
        int* kc = list[i].kind == 0 ? &c.heap : list[i].kind == 1 ? &c.stack : &c.other;
        const std::uintptr_t lo = list[i].lo, hi = list[i].hi;
        if (own_hi <= lo || own_lo >= hi) {
            scan_range(lo, hi, *kc, c);
        } else {   // the kernel may have merged our mapping with a neighbour: skip only our part
            if (lo < own_lo) scan_range(lo, own_lo, *kc, c);
            if (own_hi < hi) scan_range(own_hi, hi, *kc, c);
        }
    }
    const int total = c.form[utf8] + c.form[utf16le] + c.form[key] + c.form[tail];
    std::fprintf(stderr,
                 "embassy memscan %s: %d hits (utf-8 %d, utf-16le %d, key %d, tail %d; heap %d, stack %d, other %d)\n",
                 where, total, c.form[utf8], c.form[utf16le], c.form[key], c.form[tail], c.heap, c.stack, c.other);
}

}  // namespace embassy::registry::memscan
