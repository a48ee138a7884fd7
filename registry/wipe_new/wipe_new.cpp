// The executables' global operator new and delete: every block is wiped to its usable size when it
// is freed (wiped_memory.hpp says why). Linked only into embassy-kiosk and embassy-sync — a library
// must not decide this for a program — and never under AddressSanitizer, which brings its own
// operator new/delete to find use-after-free and overflows.
//
// Linking it also sets ICU's allocator to the wiping one (wiped_memory::install_icu), from a
// constructor that runs before main() and before any other static initialiser of ours.
//
// All forms are replaced, not only the two basic ones: libstdc++'s aligned delete calls free()
// directly, so an aligned block would otherwise escape the wipe. malloc_usable_size() wipes the
// whole block, including slack a smaller earlier owner may have written.
#include "embassy/registry/wiped_memory.hpp"

#include <cstdlib>
#include <new>

namespace {
[[gnu::constructor(101)]] void install_icu_allocator() { (void)embassy::registry::wiped_memory::install_icu(); }
}  // namespace

#if !defined(__SANITIZE_ADDRESS__)

namespace {

void* allocate(std::size_t n) {
    if (n == 0) n = 1;
    for (;;) {
        if (void* p = std::malloc(n)) return p;
        std::new_handler h = std::get_new_handler();
        if (h == nullptr) throw std::bad_alloc();
        h();
    }
}

void* allocate_aligned(std::size_t n, std::align_val_t al) {
    const auto a = static_cast<std::size_t>(al);
    if (n == 0) n = 1;
    for (;;) {
        void* p = nullptr;
        if (posix_memalign(&p, a < sizeof(void*) ? sizeof(void*) : a, n) == 0) return p;
        std::new_handler h = std::get_new_handler();
        if (h == nullptr) throw std::bad_alloc();
        h();
    }
}

using embassy::registry::wiped_memory::wipe_and_free;

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try { return allocate(n); } catch (...) { return nullptr; }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    try { return allocate(n); } catch (...) { return nullptr; }
}
void* operator new(std::size_t n, std::align_val_t al) { return allocate_aligned(n, al); }
void* operator new[](std::size_t n, std::align_val_t al) { return allocate_aligned(n, al); }
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
    try { return allocate_aligned(n, al); } catch (...) { return nullptr; }
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
    try { return allocate_aligned(n, al); } catch (...) { return nullptr; }
}

void operator delete(void* p) noexcept { wipe_and_free(p); }
void operator delete[](void* p) noexcept { wipe_and_free(p); }
void operator delete(void* p, std::size_t) noexcept { wipe_and_free(p); }
void operator delete[](void* p, std::size_t) noexcept { wipe_and_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { wipe_and_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { wipe_and_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { wipe_and_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { wipe_and_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { wipe_and_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { wipe_and_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { wipe_and_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { wipe_and_free(p); }

#endif
