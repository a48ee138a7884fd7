#include "embassy/registry/sqlite_log.hpp"

#include <sqlcipher/sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace embassy::registry::sqlite_log {
namespace {

std::atomic<std::uint64_t> g_corrupt{0};
bool g_print = false;

// Called by SQLite on any thread, with its own mutexes held: no allocation, no SQLite calls
// but sqlite3_errstr (a table lookup), one fprintf at most.
void on_log(void*, int code, const char* /*message: may quote SQL with values; never used*/) {
    const int primary = code & 0xff;
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) g_corrupt.fetch_add(1, std::memory_order_relaxed);
    if (g_print) std::fprintf(stderr, "embassy: sqlite log: %s (code %d)\n", sqlite3_errstr(code), code);
}

}  // namespace

bool install() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] {
        const char* e = std::getenv("EMBASSY_SQLITE_LOG");
        g_print = e && e[0] == '1';
        ok = sqlite3_config(SQLITE_CONFIG_LOG, on_log, nullptr) == SQLITE_OK;
    });
    return ok;
}

std::uint64_t corruption_reports() { return g_corrupt.load(std::memory_order_relaxed); }

}  // namespace embassy::registry::sqlite_log
