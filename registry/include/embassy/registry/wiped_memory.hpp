// Wiped memory for the plain heap, ICU's heap and the stack (THREAT-MODEL row 21, docs/threat-model.md).
//
// Personal data passes through many hands between the form (or the decoded batch record) and the
// statement bind: std::string temporaries in normalization and validation, ICU's UnicodeStrings
// (UTF-16), match keys, CSV cells, vectors of records. Rather than a string type that every one of
// those hands would have to use, the executables wipe the memory all of them share:
//
//   - the global operator new/delete of embassy-kiosk and embassy-sync (registry/wipe_new, linked
//     only into executables) wipe every block on free, to its usable size. std::string's inline
//     buffer (names up to 15 bytes) lives inside its owner, so this covers it wherever the owner
//     lives on the heap (a vector of records, a map node, a shared_ptr);
//   - ICU's allocator is set to one that wipes on free and on every move by realloc
//     (install_icu(), called by registry/wipe_new before main());
//   - an inline buffer on a stack is covered by scrub_stack(), called where personal data has gone
//     out of scope: at Lock in the kiosk, at the end of every kiosk job thread, at the end of every
//     embassy-sync command.
//
// SQLite's heap (secure_heap.hpp) and SecretBytes (secure.hpp) wipe on their own.
// docs/memory-protection.md has the measurements behind this choice.
#pragma once

#include <cstddef>

namespace embassy::registry::wiped_memory {

// How much stack scrub_stack() zeroes below its caller. The deepest path measured (a coordinator
// import: SQLite, ICU, the batch reader) stays well inside it; a kiosk job thread uses less.
inline constexpr std::size_t kStackScrubBytes = std::size_t{256} << 10;

// Wipe a block from malloc() (or operator new) to its usable size, then free it. nullptr is fine.
void wipe_and_free(void* p) noexcept;

// Make ICU allocate through wipe-on-free functions. Call before ICU is used (wipe_new does):
// blocks ICU allocated earlier are still freed correctly (the functions sit on malloc()), only
// not wiped if they were freed before. Idempotent; false if ICU refused.
bool install_icu();

// Zero kStackScrubBytes of the stack below the caller's frame (a compiler barrier keeps the
// stores). Call from a frame above every frame that held personal data.
void scrub_stack() noexcept;

// Whether frees are wiped (the default). The memory-scan hook (memscan.hpp) turns it off for its
// positive control only; nothing else may.
bool enabled() noexcept;
void set_enabled(bool on) noexcept;

}  // namespace embassy::registry::wiped_memory
