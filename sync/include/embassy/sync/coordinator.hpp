// The coordinator's identity on the coordinator's own machine: a directory holding
//
//   <dir>/coordinator.key   key file (keyfile.hpp, kind coordinator_secrets): X25519 secret (32 bytes)
//                           followed by the Ed25519 secret (64 bytes), wrapped under the passphrase
//   <dir>/identity.pub      the public identity (identity.hpp) that is handed to kiosks
//
// Unlocking checks that the secrets belong to the public keys in identity.pub, so a replaced
// identity.pub is noticed rather than silently signed for.
#pragma once

#include "embassy/registry/identity.hpp"
#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <filesystem>
#include <string_view>

namespace embassy::sync {

inline constexpr const char* coordinator_key_file = "coordinator.key";
inline constexpr const char* coordinator_identity_file = "identity.pub";

struct CoordinatorKeys {
    registry::PublicIdentity identity;
    registry::SecretBytes box_secret;   // X25519, 32 bytes: opens batches
    registry::SecretBytes sign_secret;  // Ed25519, 64 bytes (libsodium layout): signs packs and acks
};

// Create a fresh identity in `dir` (created 0700 if missing). Refuses if either file already exists;
// on failure nothing new is left behind. `name` is 1-200 bytes of UTF-8 without control characters.
Status coordinator_init(const std::filesystem::path& dir, std::string_view passphrase, std::string_view name,
                        registry::KdfParams params);

// Unwrap the secrets and check they match identity.pub. Wrong passphrase: an Error.
Result<CoordinatorKeys> coordinator_unlock(const std::filesystem::path& dir, std::string_view passphrase);

// Read <dir>/identity.pub (no passphrase needed).
Result<registry::PublicIdentity> coordinator_public(const std::filesystem::path& dir);

}  // namespace embassy::sync
