// Threat 21: what the executables free is wiped (registry/wipe_new, linked into this test too),
// ICU's heap is wiped (install_icu), and scrub_stack() clears the stack below its caller.
// Each test writes a canary, lets it go, and reads the memory where it was: reading freed memory
// is not something production code may do, and under AddressSanitizer (which keeps its own heap
// and poisons freed blocks) the tests skip.
#include "embassy/registry/wiped_memory.hpp"

#include <catch2/catch_test_macros.hpp>

#include <unicode/unistr.h>

#include <cstdint>
#include <cstring>
#include <string>

using namespace embassy::registry;

namespace {

// glibc's free() writes its list links into the first 16 bytes of a block; the rest stays as the
// program left it unless it was wiped.
constexpr std::size_t kLinks = 16;

// Copy n bytes from an address the compiler cannot reason about (the block is freed).
[[gnu::noinline]] void peek(std::uintptr_t at, void* out, std::size_t n) {
    std::memcpy(out, reinterpret_cast<const void*>(at), n);  // NOLINT
    asm volatile("" : : "r"(out) : "memory");
}

// A stack buffer, not a string: a new heap block could be the very block being looked at.
bool holds(std::uintptr_t at, const std::string& canary, std::size_t from) {
    char seen[512];
    if (canary.size() > sizeof seen) return false;
    peek(at, seen, canary.size());
    return std::memcmp(seen + from, canary.data() + from, canary.size() - from) == 0;
}

// Writes the canary into a local array and returns its address; the frame is gone on return.
[[gnu::noinline]] std::uintptr_t leave_on_stack(const std::string& canary) {
    volatile char local[256];
    for (std::size_t i = 0; i < canary.size(); ++i) local[i] = canary[i];
    return reinterpret_cast<std::uintptr_t>(&local[0]);
}

// The same, 8 KiB further down, below anything holds() and peek() use to look at it afterwards.
[[gnu::noinline]] std::uintptr_t leave_deep_on_stack(const std::string& canary) {
    volatile char pad[8192];
    pad[0] = 0;
    const std::uintptr_t at = leave_on_stack(canary);
    asm volatile("" : : "r"(pad) : "memory");
    return at;
}

const std::string kCanary = "Zzkanareyka-wiped-memory-test-canary-0123";

}  // namespace

TEST_CASE("a freed std::string's heap buffer is wiped", "[registry][wiped_memory]") {
#if defined(__SANITIZE_ADDRESS__)
    SKIP("operator new/delete are AddressSanitizer's own");
#endif
    auto* s = new std::string(kCanary);
    const auto at = reinterpret_cast<std::uintptr_t>(s->data());
    REQUIRE(holds(at, kCanary, kLinks));   // control: the canary is there while the string lives
    delete s;
    CHECK_FALSE(holds(at, kCanary, kLinks));
}

TEST_CASE("a short name inside a freed heap node is wiped with the node", "[registry][wiped_memory]") {
#if defined(__SANITIZE_ADDRESS__)
    SKIP("operator new/delete are AddressSanitizer's own");
#endif
    struct Node {
        std::uint64_t pad[4];
        std::string name;   // up to 15 bytes: the characters live inside the node
    };
    const std::string short_name = "Xjqvbnmkzp";
    auto* n = new Node{{1, 2, 3, 4}, short_name};
    const auto at = reinterpret_cast<std::uintptr_t>(n->name.data());
    REQUIRE(at >= reinterpret_cast<std::uintptr_t>(n) + kLinks);   // inline, past the free links
    REQUIRE(holds(at, short_name, 0));
    delete n;
    CHECK_FALSE(holds(at, short_name, 0));
}

TEST_CASE("ICU's freed string buffers are wiped", "[registry][wiped_memory]") {
#if defined(__SANITIZE_ADDRESS__)
    SKIP("freed memory is AddressSanitizer's");
#endif
    REQUIRE(wiped_memory::install_icu());
    // Long enough for a heap buffer (ICU keeps up to 27 UTF-16 units inline).
    auto* u = new icu::UnicodeString(icu::UnicodeString::fromUTF8(kCanary + kCanary));
    const auto at = reinterpret_cast<std::uintptr_t>(u->getBuffer());
    std::u16string utf16(kCanary.begin(), kCanary.end());
    std::string bytes(reinterpret_cast<const char*>(utf16.data()), utf16.size() * 2);
    REQUIRE(holds(at, bytes, kLinks));
    delete u;
    CHECK_FALSE(holds(at, bytes, kLinks));
}

TEST_CASE("scrub_stack clears what returned frames left below the caller", "[registry][wiped_memory]") {
#if defined(__SANITIZE_ADDRESS__)
    SKIP("AddressSanitizer moves locals to a fake stack");
#endif
    const std::uintptr_t at = leave_deep_on_stack(kCanary);
    REQUIRE(holds(at, kCanary, 0));   // control: a returned frame keeps its bytes
    wiped_memory::scrub_stack();
    CHECK_FALSE(holds(at, kCanary, 0));
}
