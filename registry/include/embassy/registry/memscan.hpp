// Test hook: the executables scan their own memory for canary names (THREAT-MODEL row 21, docs/threat-model.md).
//
// EMBASSY_TEST_MEMSCAN=FILE arms it. FILE holds one canary per line as hex of its UTF-8 bytes each
// XORed with 0x5A, so that neither the file nor the hook's copy is itself a match. A line
// "control unwiped" turns wiping off (wiped_memory::set_enabled(false)) for a positive control
// that shows what the wiping removes. From each canary the hook also derives its UTF-16LE form
// (ICU works in UTF-16) and, when it is at least 8 bytes long, its name skeleton (matchkey.hpp:
// the case-folded, transliterated form the coordinator's match keys are built from); and of every
// needle of 26 bytes or more its tail after the first 16 bytes, which glibc's free() overwrites with
// its list links, so that a string freed unwiped is found too. The derived needles are kept masked.
//
// report() scrubs the stack, reads every readable mapping of the process (process_vm_readv on
// itself, which a non-dumpable process may do, and which returns an error rather than faulting on
// a page that cannot be read), and prints ONE line to stderr with hit counts only, never a byte
// of a canary:
//   embassy memscan WHERE: N hits (utf-8 A, utf-16le B, key C, tail D; heap E, stack F, other G)
// The hook's own needles and read buffer sit in a mapping of their own that the scan skips.
// Unarmed (production), every function is a no-op after one getenv(). Under AddressSanitizer
// report() prints "embassy memscan WHERE: skipped (AddressSanitizer)": ASan replaces the heap
// with its own and keeps freed blocks in quarantine, so there is nothing to measure.
#pragma once

namespace embassy::registry::memscan {

// Read EMBASSY_TEST_MEMSCAN. Call first in main(), before
// any personal data is read. Returns false (and prints why) if the variable names a bad file.
bool arm_from_env();

bool armed() noexcept;

// Scrub the stack, scan, print the counts. Call from a frame above everything that held data.
void report(const char* where);

}  // namespace embassy::registry::memscan
