// Wipe-on-free for ICU's heap, and the stack scrub (wiped_memory.hpp says why).
#include "embassy/registry/wiped_memory.hpp"

#include <malloc.h>
#include <unicode/uclean.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace embassy::registry::wiped_memory {
namespace {

std::atomic<bool> g_enabled{true};   // read on every free: a relaxed load is a plain load

void* U_CALLCONV icu_alloc(const void*, std::size_t n) { return std::malloc(n); }

// ICU grows its strings with realloc; glibc may move the block and leave the old bytes behind, so
// a block that must grow is always moved here, and the old one wiped.
void* U_CALLCONV icu_realloc(const void*, void* p, std::size_t n) {
    if (p == nullptr) return std::malloc(n);
    const std::size_t have = malloc_usable_size(p);
    if (n <= have) return p;
    void* q = std::malloc(n);
    if (q == nullptr) return nullptr;
    std::memcpy(q, p, have);
    wipe_and_free(p);
    return q;
}

void U_CALLCONV icu_free(const void*, void* p) { wipe_and_free(p); }

}  // namespace

void wipe_and_free(void* p) noexcept {
    if (p == nullptr) return;
    if (g_enabled.load(std::memory_order_relaxed)) explicit_bzero(p, malloc_usable_size(p));
    std::free(p);
}

bool install_icu() {
    UErrorCode status = U_ZERO_ERROR;
    u_setMemoryFunctions(nullptr, icu_alloc, icu_realloc, icu_free, &status);
    return U_SUCCESS(status);
}

namespace {

// glibc's memcpy, memchr and strlen run through the vector registers, which then hold the last
// 16-64 bytes they moved, a name among them. Whatever next saves the register file to memory — the
// kernel's signal frame, the dynamic linker's lazy binding — writes them to the stack. Measured:
// after the scrub, coord export-signatories still had 7 canary hits on the stack, fragments of CSV
// rows in the register save area of a lazy-binding frame; 0 once the registers are zeroed here.
// (The executables are also linked -z now, so lazy binding no longer happens after start-up.)
[[gnu::noinline]] void clear_vector_registers() noexcept {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) {
        asm volatile("vpxord %%zmm16, %%zmm16, %%zmm16\n\t vpxord %%zmm17, %%zmm17, %%zmm17\n\t"
                     "vpxord %%zmm18, %%zmm18, %%zmm18\n\t vpxord %%zmm19, %%zmm19, %%zmm19\n\t"
                     "vpxord %%zmm20, %%zmm20, %%zmm20\n\t vpxord %%zmm21, %%zmm21, %%zmm21\n\t"
                     "vpxord %%zmm22, %%zmm22, %%zmm22\n\t vpxord %%zmm23, %%zmm23, %%zmm23\n\t"
                     "vpxord %%zmm24, %%zmm24, %%zmm24\n\t vpxord %%zmm25, %%zmm25, %%zmm25\n\t"
                     "vpxord %%zmm26, %%zmm26, %%zmm26\n\t vpxord %%zmm27, %%zmm27, %%zmm27\n\t"
                     "vpxord %%zmm28, %%zmm28, %%zmm28\n\t vpxord %%zmm29, %%zmm29, %%zmm29\n\t"
                     "vpxord %%zmm30, %%zmm30, %%zmm30\n\t vpxord %%zmm31, %%zmm31, %%zmm31\n\t"
                     "vpxord %%zmm0, %%zmm0, %%zmm0\n\t vpxord %%zmm1, %%zmm1, %%zmm1\n\t"
                     "vpxord %%zmm2, %%zmm2, %%zmm2\n\t vpxord %%zmm3, %%zmm3, %%zmm3\n\t"
                     "vpxord %%zmm4, %%zmm4, %%zmm4\n\t vpxord %%zmm5, %%zmm5, %%zmm5\n\t"
                     "vpxord %%zmm6, %%zmm6, %%zmm6\n\t vpxord %%zmm7, %%zmm7, %%zmm7\n\t"
                     "vpxord %%zmm8, %%zmm8, %%zmm8\n\t vpxord %%zmm9, %%zmm9, %%zmm9\n\t"
                     "vpxord %%zmm10, %%zmm10, %%zmm10\n\t vpxord %%zmm11, %%zmm11, %%zmm11\n\t"
                     "vpxord %%zmm12, %%zmm12, %%zmm12\n\t vpxord %%zmm13, %%zmm13, %%zmm13\n\t"
                     "vpxord %%zmm14, %%zmm14, %%zmm14\n\t vpxord %%zmm15, %%zmm15, %%zmm15\n\t"
                     "vzeroupper" ::: "memory");
    } else if (__builtin_cpu_supports("avx")) {
        asm volatile("vzeroall" ::: "memory");
    } else {
        asm volatile("pxor %%xmm0, %%xmm0\n\t pxor %%xmm1, %%xmm1\n\t pxor %%xmm2, %%xmm2\n\t pxor %%xmm3, %%xmm3\n\t"
                     "pxor %%xmm4, %%xmm4\n\t pxor %%xmm5, %%xmm5\n\t pxor %%xmm6, %%xmm6\n\t pxor %%xmm7, %%xmm7\n\t"
                     "pxor %%xmm8, %%xmm8\n\t pxor %%xmm9, %%xmm9\n\t pxor %%xmm10, %%xmm10\n\t pxor %%xmm11, %%xmm11\n\t"
                     "pxor %%xmm12, %%xmm12\n\t pxor %%xmm13, %%xmm13\n\t pxor %%xmm14, %%xmm14\n\t pxor %%xmm15, %%xmm15"
                     ::: "memory");
    }
#endif
}

}  // namespace

// noinline: the buffer must be a frame below the caller's, not merged into it.
[[gnu::noinline]] void scrub_stack() noexcept {
    unsigned char buf[kStackScrubBytes];
    if (!g_enabled.load(std::memory_order_relaxed)) return;
    explicit_bzero(buf, sizeof buf);
    asm volatile("" : : "r"(buf) : "memory");   // the stores are observable: not removed as dead
    clear_vector_registers();
}

bool enabled() noexcept { return g_enabled.load(std::memory_order_relaxed); }
void set_enabled(bool on) noexcept { g_enabled.store(on, std::memory_order_relaxed); }

}  // namespace embassy::registry::wiped_memory
