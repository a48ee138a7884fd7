// Merkle tree (RFC 9162 style, SHA-256) and the published-receipts files (docs/batch-format.md, 7).
#include "embassy/sync/merkle.hpp"

#include "signed_file.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace embassy::sync {

// [SECTION] The tree
namespace merkle {

namespace {
// The largest power of two strictly below n (n ≥ 2).
std::size_t split_point(std::size_t n) {
    std::size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
}

Digest subtree_root(std::span<const Hash> leaves) { return root(leaves); }
}  // namespace

Digest leaf_hash(std::span<const std::uint8_t> leaf) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    const std::uint8_t prefix = 0x00;
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, leaf.data(), leaf.size());
    Digest d{};
    crypto_hash_sha256_final(&st, d.data());
    return d;
}

Digest node_hash(const Digest& left, const Digest& right) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    const std::uint8_t prefix = 0x01;
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, left.data(), left.size());
    crypto_hash_sha256_update(&st, right.data(), right.size());
    Digest d{};
    crypto_hash_sha256_final(&st, d.data());
    return d;
}

Digest empty_root() {
    Digest d{};
    crypto_hash_sha256(d.data(), nullptr, 0);
    return d;
}

// Leaves enter left to right; two complete subtrees of equal size on top of the stack merge. What
// is left at the end are complete subtrees of strictly decreasing size, which RFC 9162's recursive
// definition joins from the right.
Digest root(std::span<const Hash> leaves) {
    if (leaves.empty()) return empty_root();
    struct Entry { Digest d; std::size_t size; };
    std::vector<Entry> stack;
    stack.reserve(65);
    for (const auto& l : leaves) {
        stack.push_back({leaf_hash(l), 1});
        while (stack.size() >= 2 && stack[stack.size() - 1].size == stack[stack.size() - 2].size) {
            Entry right = stack.back();
            stack.pop_back();
            stack.back().d = node_hash(stack.back().d, right.d);
            stack.back().size *= 2;
        }
    }
    Digest r = stack.back().d;
    for (std::size_t i = stack.size() - 1; i-- > 0;) r = node_hash(stack[i].d, r);
    return r;
}

std::vector<Digest> inclusion_proof(std::span<const Hash> leaves, std::size_t index) {
    std::vector<Digest> path;
    // Walk down from the whole tree; siblings are collected top-down and reversed at the end.
    std::size_t lo = 0, n = leaves.size(), m = index;
    while (n > 1) {
        const std::size_t k = split_point(n);
        if (m < k) {
            path.push_back(subtree_root(leaves.subspan(lo + k, n - k)));
            n = k;
        } else {
            path.push_back(subtree_root(leaves.subspan(lo, k)));
            lo += k;
            m -= k;
            n -= k;
        }
    }
    std::reverse(path.begin(), path.end());
    return path;
}

bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t tree_size,
                      std::span<const Digest> proof, const Digest& root_hash) {
    if (index >= tree_size) return false;
    std::uint64_t fn = index, sn = tree_size - 1;
    Digest r = leaf_hash(leaf);
    for (const auto& p : proof) {
        if (sn == 0) return false;
        if ((fn & 1) != 0 || fn == sn) {
            r = node_hash(p, r);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && sodium_memcmp(r.data(), root_hash.data(), r.size()) == 0;
}

}  // namespace merkle

// [SECTION] Published receipts

namespace {
namespace R = receipts_root_layout;
namespace L = receipts_leaves_layout;

constexpr signed_file::Format kRootFormat{"receipts root", "a receipts root file", "EMB-ROOT",
                                          "embassy-receipts-root-v1", 1, kReceiptsRootSize, R::coordinator_key};
constexpr std::string_view kLeavesMagic = "EMB-LEAF";
constexpr std::uint32_t kLeavesVersion = 1;
constexpr std::size_t kLeavesHeader = L::commitments;
// Both files are parsed in file order after the version: the layouts must have no gaps.
static_assert(R::version == signed_file::kVersionOffset && R::tree_size == R::version + 4 && R::root == R::tree_size + 8 &&
              R::timestamp == R::root + 32 && R::coordinator_key == R::timestamp + 8 &&
              R::signature == R::coordinator_key + 32 && kRootFormat.signed_size() == R::signature);
static_assert(L::version == 8 && L::count == L::version + 4 && L::commitments == L::count + 8);
}  // namespace

std::optional<std::size_t> PublishedReceipts::find(const Hash& commitment) const {
    auto it = std::lower_bound(leaves.begin(), leaves.end(), commitment);
    if (it == leaves.end() || *it != commitment) return std::nullopt;
    return static_cast<std::size_t>(it - leaves.begin());
}

Result<Bytes> receipts_root_write(const ReceiptsRoot& root, const registry::SecretBytes& secret) {
    registry::crypto_init();
    if (secret.size() != crypto_sign_SECRETKEYBYTES) return make_error("receipts root: signing key has the wrong size");
    if (root.tree_size > kMaxPublishedReceipts) return make_error("receipts root: too many receipts");
    Bytes out(kRootFormat.magic.begin(), kRootFormat.magic.end());
    put_u32(out, kRootFormat.version);
    put_u64(out, root.tree_size);
    out.insert(out.end(), root.root.begin(), root.root.end());
    put_u64(out, root.timestamp_unix);
    const std::uint8_t* pk = secret.data() + crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES;
    out.insert(out.end(), pk, pk + crypto_sign_PUBLICKEYBYTES);
    EMBASSY_TRY(signed_file::sign(kRootFormat, out, secret));
    return out;
}

Result<ReceiptsRoot> receipts_root_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator) {
    registry::crypto_init();
    EMBASSY_TRY(signed_file::check(kRootFormat, file, coordinator));
    ByteReader r(file.first(R::coordinator_key), R::tree_size);
    ReceiptsRoot out;
    out.tree_size = r.u64();
    out.root = r.array<32>();
    out.timestamp_unix = r.u64();
    if (!r.ok() || !r.at_end()) return make_error("receipts root: fields do not fill the layout");  // unreachable: sizes checked
    if (out.tree_size > kMaxPublishedReceipts) return make_error("receipts root: too many receipts");
    return out;
}

Result<Bytes> receipts_leaves_write(std::span<const Hash> leaves) {
    if (leaves.size() > kMaxPublishedReceipts) return make_error("receipts leaves: too many receipts");
    for (std::size_t i = 1; i < leaves.size(); ++i)
        if (!(leaves[i - 1] < leaves[i])) return make_error("receipts leaves: not strictly ascending");
    Bytes out(kLeavesMagic.begin(), kLeavesMagic.end());
    put_u32(out, kLeavesVersion);
    put_u64(out, leaves.size());
    out.reserve(kLeavesHeader + 32 * leaves.size());
    for (const auto& l : leaves) out.insert(out.end(), l.begin(), l.end());
    return out;
}

Result<std::vector<Hash>> receipts_leaves_read(std::span<const std::uint8_t> file, const ReceiptsRoot& root) {
    if (file.size() < kLeavesMagic.size() || std::memcmp(file.data(), kLeavesMagic.data(), kLeavesMagic.size()) != 0)
        return make_error("receipts leaves: not a receipts leaves file (bad magic)");
    ByteReader r(file, L::version);
    const std::uint32_t version = r.u32();
    const std::uint64_t count = r.u64();
    if (!r.ok()) return make_error("receipts leaves: truncated header");
    if (version != kLeavesVersion) return make_error("receipts leaves: unsupported version");
    if (count > kMaxPublishedReceipts) return make_error("receipts leaves: too many receipts");   // before allocation
    if (r.remaining() != 32 * count) return make_error("receipts leaves: wrong size for its count");
    if (count != root.tree_size) return make_error("receipts leaves: count differs from the signed root");
    std::vector<Hash> leaves(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < leaves.size(); ++i) {
        leaves[i] = r.array<32>();
        if (i > 0 && !(leaves[i - 1] < leaves[i])) return make_error("receipts leaves: not strictly ascending");
    }
    if (merkle::root(leaves) != root.root) return make_error("receipts leaves: root differs from the signed root");
    return leaves;
}

Result<ReceiptsRoot> receipts_publish(const std::filesystem::path& dir, std::vector<Hash> commitments,
                                      std::uint64_t timestamp_unix, const registry::SecretBytes& secret) {
    std::sort(commitments.begin(), commitments.end());
    commitments.erase(std::unique(commitments.begin(), commitments.end()), commitments.end());
    ReceiptsRoot r;
    r.tree_size = commitments.size();
    r.root = merkle::root(commitments);
    r.timestamp_unix = timestamp_unix;
    auto leaves = receipts_leaves_write(commitments);
    if (!leaves) return leaves.error();
    auto rootfile = receipts_root_write(r, secret);
    if (!rootfile) return rootfile.error();
    // Leaves first: a reader that finds a new root always finds the leaves that match it.
    EMBASSY_TRY(write_file_atomic((dir / kReceiptsLeavesFile).string(), *leaves));
    EMBASSY_TRY(write_file_atomic((dir / kReceiptsRootFile).string(), *rootfile));
    return r;
}

Result<PublishedReceipts> receipts_load(const std::filesystem::path& dir, const SignPublicKey& coordinator) {
    auto rootfile = read_file((dir / kReceiptsRootFile).string(), kReceiptsRootSize + 1);
    if (!rootfile) return rootfile.error();
    auto root = receipts_root_read(*rootfile, coordinator);
    if (!root) return root.error();
    auto leaves = read_file((dir / kReceiptsLeavesFile).string(), kLeavesHeader + 32 * root->tree_size);
    if (!leaves) return leaves.error();
    auto l = receipts_leaves_read(*leaves, *root);
    if (!l) return l.error();
    return PublishedReceipts{*root, std::move(*l)};
}

}  // namespace embassy::sync
