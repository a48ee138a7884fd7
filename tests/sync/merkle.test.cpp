// Merkle tree (RFC 9162 style) and published receipts.
#include "embassy/sync/merkle.hpp"

#include "doc_layout.hpp"

#include <catch2/catch_test_macros.hpp>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace embassy;
using namespace embassy::sync;
using merkle::Digest;

namespace {
std::vector<Hash> leaves_n(std::size_t n) {
    std::vector<Hash> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i].fill(static_cast<std::uint8_t>(i + 1));
    return v;
}
Digest L(const Hash& h) { return merkle::leaf_hash(h); }
Digest N(const Digest& a, const Digest& b) { return merkle::node_hash(a, b); }
struct Coordinator {
    SignPublicKey pk{};
    registry::SecretBytes sk{crypto_sign_SECRETKEYBYTES};
    Coordinator() { registry::crypto_init(); crypto_sign_keypair(pk.data(), sk.data()); }
};
}  // namespace

TEST_CASE("leaf and node hashes follow RFC 9162 with SHA-256", "[sync][merkle]") {
    // Known values: SHA-256 of the empty string, and of the single byte 0x00 (the RFC 6962 leaf hash
    // of an empty leaf).
    CHECK(to_hex(merkle::empty_root()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(to_hex(merkle::leaf_hash({})) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    Digest manual{};
    std::uint8_t buf[65];
    buf[0] = 1;
    const Digest a = L(leaves_n(1)[0]);
    std::copy(a.begin(), a.end(), buf + 1);
    std::copy(a.begin(), a.end(), buf + 33);
    crypto_hash_sha256(manual.data(), buf, sizeof buf);
    CHECK(N(a, a) == manual);
}

TEST_CASE("roots of small trees equal the hand-computed ones", "[sync][merkle]") {
    const auto d = leaves_n(5);
    CHECK(merkle::root(std::span(d).first(0)) == merkle::empty_root());
    CHECK(merkle::root(std::span(d).first(1)) == L(d[0]));
    CHECK(merkle::root(std::span(d).first(2)) == N(L(d[0]), L(d[1])));
    CHECK(merkle::root(std::span(d).first(3)) == N(N(L(d[0]), L(d[1])), L(d[2])));
    CHECK(merkle::root(std::span(d).first(5)) == N(N(N(L(d[0]), L(d[1])), N(L(d[2]), L(d[3]))), L(d[4])));
    // Order matters.
    auto swapped = d;
    std::swap(swapped[0], swapped[1]);
    CHECK(merkle::root(swapped) != merkle::root(d));
}

TEST_CASE("every inclusion proof of trees of 1 to 33 leaves verifies, and wrong ones fail", "[sync][merkle]") {
    for (std::size_t n = 1; n <= 33; ++n) {
        const auto d = leaves_n(n);
        const Digest root = merkle::root(d);
        for (std::size_t i = 0; i < n; ++i) {
            INFO("n=" << n << " i=" << i);
            const auto proof = merkle::inclusion_proof(d, i);
            CHECK(merkle::verify_inclusion(d[i], i, n, proof, root));
            Hash wrong = d[i];
            wrong[0] ^= 0x80;
            CHECK_FALSE(merkle::verify_inclusion(wrong, i, n, proof, root));
            if (n > 1) {
                CHECK_FALSE(merkle::verify_inclusion(d[i], (i + 1) % n, n, proof, root));
                // (Another tree_size may give the same left/right shape: the signed root binds the
                // size, so that is not checked here.)
                if (!proof.empty()) {
                    CHECK_FALSE(merkle::verify_inclusion(d[i], i, n, std::span(proof).first(proof.size() - 1), root));
                    auto bad = proof;
                    bad[0][5] ^= 1;
                    CHECK_FALSE(merkle::verify_inclusion(d[i], i, n, bad, root));
                }
            }
            CHECK_FALSE(merkle::verify_inclusion(d[i], n, n, proof, root));
        }
    }
}

TEST_CASE("published receipts round-trip and refuse tampering", "[sync][merkle][receipts]") {
    Coordinator c, other;
    auto dir = std::filesystem::temp_directory_path() / ("embassy-receipts-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::mt19937 rng(5);
    std::vector<Hash> commits(1000);
    for (auto& h : commits) for (auto& b : h) b = static_cast<std::uint8_t>(rng());
    auto withdup = commits;
    withdup.push_back(commits[3]);                       // duplicates are published once
    auto root = receipts_publish(dir, withdup, 1700000000, c.sk);
    REQUIRE(root.ok());
    CHECK(root->tree_size == 1000);

    auto pub = receipts_load(dir, c.pk);
    REQUIRE(pub.ok());
    CHECK(pub->root == *root);
    CHECK(std::is_sorted(pub->leaves.begin(), pub->leaves.end()));
    for (int k = 0; k < 50; ++k) {
        const auto& h = commits[static_cast<std::size_t>(k * 13)];
        auto at = pub->find(h);
        REQUIRE(at.has_value());
        CHECK(merkle::verify_inclusion(h, *at, pub->root.tree_size, merkle::inclusion_proof(pub->leaves, *at), pub->root.root));
    }
    Hash absent{};
    CHECK_FALSE(pub->find(absent).has_value());

    CHECK_FALSE(receipts_load(dir, other.pk).ok());
    // Every bit flip of the root file is refused.
    std::ifstream rf(dir / kReceiptsRootFile, std::ios::binary);
    const Bytes rootfile((std::istreambuf_iterator<char>(rf)), {});
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < rootfile.size(); ++i)
        for (int b = 0; b < 8; ++b) {
            Bytes t = rootfile;
            t[i] ^= static_cast<std::uint8_t>(1u << b);
            if (!receipts_root_read(t, c.pk).ok()) ++rejected;
        }
    CHECK(rejected == rootfile.size() * 8);
    // Leaves: a changed, a dropped, a reordered commitment, a wrong count.
    auto leaves = *receipts_leaves_write(pub->leaves);
    REQUIRE(receipts_leaves_read(leaves, *root).ok());
    Bytes t = leaves; t[20 + 32 * 7 + 31] ^= 1;
    CHECK_FALSE(receipts_leaves_read(t, *root).ok());
    Bytes dropped = *receipts_leaves_write(std::span(pub->leaves).first(999));
    CHECK_FALSE(receipts_leaves_read(dropped, *root).ok());
    auto reordered = pub->leaves; std::swap(reordered[0], reordered[1]);
    CHECK_FALSE(receipts_leaves_write(reordered).ok());
    Bytes huge = leaves; put_u64(huge, 0); std::fill(huge.begin() + 12, huge.begin() + 20, 0xFF);
    huge.resize(leaves.size());
    auto r = receipts_leaves_read(huge, *root);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().find("too many") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the receipts files' field offsets are the tables of the spec", "[sync][merkle][layout]") {
    namespace R = receipts_root_layout;
    namespace L = receipts_leaves_layout;
    const std::map<std::string, std::size_t> root = {{"magic", R::magic}, {"version", R::version}, {"tree_size", R::tree_size},
                                                     {"root", R::root}, {"timestamp", R::timestamp},
                                                     {"coordinator_key", R::coordinator_key}, {"signature", R::signature}};
    CHECK(doc_layout::offsets("### 7.2 `receipts.root`") == root);
    const std::map<std::string, std::size_t> leaves = {{"magic", L::magic}, {"version", L::version}, {"count", L::count},
                                                       {"commitments", L::commitments}};
    CHECK(doc_layout::offsets("### 7.3 `receipts.leaves`") == leaves);
}
