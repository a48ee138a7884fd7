// Changing the coordinator's passphrase (`coord passwd`). Two key files are wrapped under it —
// <dir>/coordinator.key and <dir>/registry.key — and a kill between rewrapping the two must not
// leave a directory no passphrase opens. So:
//
//   1. both are unlocked with the old passphrase (a wrong one changes nothing);
//   2. the registry key is wrapped under the new passphrase into registry.key.next;
//   3. coordinator.key is rewrapped in place (the atomic writer: old or new, never half) — from
//      here on the new passphrase is the one;
//   4. registry.key.next is renamed over registry.key.
//
// A kill before 3 leaves the old passphrase working and a registry.key.next it does not open; a
// kill after 3 leaves the new one working and a registry.key.next it opens. Coordinator::open
// calls finish_passphrase_change() after unlocking coordinator.key, which tells the two apart:
// it renames a registry.key.next the passphrase opens, and removes one it does not.
#pragma once

#include "embassy/registry/keyfile.hpp"
#include "embassy/result.hpp"

#include <filesystem>
#include <string_view>

namespace embassy::sync {

inline constexpr const char* coord_registry_key_next_file = "registry.key.next";

Status change_coordinator_passphrase(const std::filesystem::path& dir, std::string_view old_passphrase,
                                     std::string_view new_passphrase, registry::KdfParams params);

// Complete or discard an interrupted change (see above). `passphrase` has just unlocked
// coordinator.key.
Status finish_passphrase_change(const std::filesystem::path& dir, std::string_view passphrase);

}  // namespace embassy::sync
