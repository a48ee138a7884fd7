// A Merkle tree in the style of RFC 9162 (Certificate Transparency v2), with SHA-256, over the
// published receipt commitments; and the published-receipts files: a signed root and the sorted
// leaves. Layout and rules: docs/batch-format.md, section 7.
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace embassy::sync {

// [SECTION] The tree (RFC 9162 section 2.1)
namespace merkle {

using Digest = std::array<std::uint8_t, 32>;   // SHA-256

Digest leaf_hash(std::span<const std::uint8_t> leaf);           // SHA-256(0x00 || leaf)
Digest node_hash(const Digest& left, const Digest& right);       // SHA-256(0x01 || left || right)
Digest empty_root();                                             // SHA-256 of nothing

// MTH of the leaves; memory O(log n).
Digest root(std::span<const Hash> leaves);
// The audit path of leaves[index] (RFC 9162 2.1.3.1). index < leaves.size().
std::vector<Digest> inclusion_proof(std::span<const Hash> leaves, std::size_t index);
// RFC 9162 2.1.3.2.
bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t tree_size,
                      std::span<const Digest> proof, const Digest& root);

}  // namespace merkle

// [SECTION] Published receipts
inline constexpr std::uint64_t kMaxPublishedReceipts = 16'777'216;
inline constexpr std::size_t kReceiptsRootSize = 156;

// Where each field sits (docs/batch-format.md, sections 7.2 and 7.3; merkle.test.cpp
// compares these with the tables there). Fields follow each other in this order with no gaps.
namespace receipts_root_layout {
inline constexpr std::size_t magic = 0;              // "EMB-ROOT"
inline constexpr std::size_t version = 8;            // u32 = 1
inline constexpr std::size_t tree_size = 12;         // u64
inline constexpr std::size_t root = 20;              // 32 bytes
inline constexpr std::size_t timestamp = 52;         // u64
inline constexpr std::size_t coordinator_key = 60;   // Ed25519 public key that signs
inline constexpr std::size_t signature = 92;         // 64 bytes, to the end
static_assert(signature + 64 == kReceiptsRootSize);
}  // namespace receipts_root_layout
namespace receipts_leaves_layout {
inline constexpr std::size_t magic = 0;              // "EMB-LEAF"
inline constexpr std::size_t version = 8;            // u32 = 1
inline constexpr std::size_t count = 12;             // u64
inline constexpr std::size_t commitments = 20;       // 32 x count
}  // namespace receipts_leaves_layout
inline constexpr const char* kReceiptsRootFile = "receipts.root";
inline constexpr const char* kReceiptsLeavesFile = "receipts.leaves";

struct ReceiptsRoot {
    std::uint64_t tree_size = 0;
    merkle::Digest root{};
    std::uint64_t timestamp_unix = 0;
    bool operator==(const ReceiptsRoot&) const = default;
};

struct PublishedReceipts {
    ReceiptsRoot root;
    std::vector<Hash> leaves;          // strictly ascending
    // Where the commitment is, if published.
    std::optional<std::size_t> find(const Hash& commitment) const;
};

// Serialize and sign (coordinator Ed25519 secret, 64 bytes).
Result<Bytes> receipts_root_write(const ReceiptsRoot& root, const registry::SecretBytes& coordinator_sign_secret);
// Size, magic, version, signer, signature — then content.
Result<ReceiptsRoot> receipts_root_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator);

// leaves must be strictly ascending.
Result<Bytes> receipts_leaves_write(std::span<const Hash> leaves);
// Checked against an already verified root: count, order, recomputed root.
Result<std::vector<Hash>> receipts_leaves_read(std::span<const std::uint8_t> file, const ReceiptsRoot& root);

// Sort and deduplicate the commitments, write both files atomically into dir.
Result<ReceiptsRoot> receipts_publish(const std::filesystem::path& dir, std::vector<Hash> commitments,
                                      std::uint64_t timestamp_unix,
                                      const registry::SecretBytes& coordinator_sign_secret);
// Read and verify both files from dir.
Result<PublishedReceipts> receipts_load(const std::filesystem::path& dir, const SignPublicKey& coordinator);

}  // namespace embassy::sync
