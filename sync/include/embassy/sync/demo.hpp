// Demo material for trying the kiosk without a real coordinator: `embassy-kiosk --demo` and scripts.
// The demo identity is an ordinary identity with an obviously fake name; its passphrase is whatever
// the caller passes (scripts use a fixed one). Never use it for real signatures.
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/sync/coordinator.hpp"

#include <filesystem>
#include <span>
#include <string_view>

namespace embassy::sync {

inline constexpr std::string_view demo_coordinator_name = "Demo coordinator (not for real use)";

// coordinator_init(dir, passphrase, demo name, kdf_minimum()): the floor, so demos start quickly.
Status make_demo_coordinator(const std::filesystem::path& dir, std::string_view passphrase);

// Compile the TOML at `toml_path` (normally data_dir() / "demo/appeals.toml", base/data_dir.hpp) and sign it with `keys`.
Result<Bytes> make_demo_pack(const CoordinatorKeys& keys, const std::filesystem::path& toml_path);

// Record a pack the demo coordinator in `dir` signed in its registry (coord_packs.hpp), so the
// demo kiosk's batches import: the registry is created on first use, at the Argon2id floor.
Status record_demo_pack(const std::filesystem::path& dir, std::string_view passphrase, std::span<const std::uint8_t> pack_file);

}  // namespace embassy::sync
