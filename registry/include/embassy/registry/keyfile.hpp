// The key file: a small versioned file that holds a random secret (the SQLCipher key of a kiosk, or
// a coordinator's secret keys) wrapped under a key derived from a passphrase with Argon2id.
// Layout in docs/key-file.md. Unlock = derive, unwrap; changing the passphrase re-wraps the same
// secret, so the database is never rekeyed.
#pragma once

#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace embassy::registry {

enum class KeyFileKind : std::uint16_t {
    kiosk_database = 1,      // 32-byte SQLCipher key
    coordinator_secrets = 2, // X25519 secret (32) + Ed25519 secret (64)
};

struct KdfParams {
    std::uint64_t opslimit = 0;
    std::uint64_t memlimit = 0;  // bytes
};

// libsodium's MODERATE (t=3, 256 MiB): the floor. Stored parameters below it are refused.
KdfParams kdf_minimum();

// Measure this machine and return parameters (never below the floor) so one derivation takes about
// target_seconds. Memory stays at 256 MiB; the time cost grows.
KdfParams calibrate_kdf(double target_seconds = 1.0);

// Parameters for a new key file, the one choice of the kiosk and the CLI: calibrated to about 1 s
// here; EMBASSY_KDF_SECONDS overrides the target (tests), and 0 or less gives the floor.
KdfParams new_kdf_params();

// Create `path` (0600, fails if it exists) holding `secret` wrapped under `passphrase`.
Status keyfile_create(const std::filesystem::path& path, KeyFileKind kind, std::string_view passphrase,
                      const SecretBytes& secret, KdfParams params);

// Unwrap. Wrong passphrase, a flipped byte, a foreign or truncated file: an Error, never a crash.
Result<SecretBytes> keyfile_unlock(const std::filesystem::path& path, KeyFileKind kind,
                                   std::string_view passphrase);

// Re-wrap the same secret under a new passphrase (new salt, nonce); written atomically.
Status keyfile_rewrap(const std::filesystem::path& path, KeyFileKind kind, std::string_view old_passphrase,
                      std::string_view new_passphrase, KdfParams params);

// Read the stored parameters without unlocking (for tests and `info`).
Result<KdfParams> keyfile_params(const std::filesystem::path& path);

}  // namespace embassy::registry
