// Fuzz the published-receipts readers. First byte: 0 = root file (fixed coordinator key);
// 1 = leaves file, checked against a root claiming the file's own count (exercises the order check
// and the tree), then inclusion proofs for a few leaves.
#include "embassy/sync/merkle.hpp"
#include "fuzz_keys.hpp"

#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace embassy::sync;
    if (size == 0) return 0;
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    if (data[0] % 2 == 0) {
        (void)receipts_root_read(rest, fuzz_keys::keys().coord_sign_pk);
        return 0;
    }
    ReceiptsRoot root;
    root.tree_size = rest.size() >= 20 ? embassy::get_u64(rest.data() + 12) : 0;
    auto leaves = receipts_leaves_read(rest, root);   // fails on the root compare at worst
    if (rest.size() >= 20 && (rest.size() - 20) % 32 == 0 && (rest.size() - 20) / 32 == root.tree_size &&
        root.tree_size <= 4096) {
        std::vector<embassy::Hash> l(root.tree_size);
        for (std::size_t i = 0; i < l.size(); ++i) std::memcpy(l[i].data(), rest.data() + 20 + 32 * i, 32);
        const auto r = merkle::root(l);
        for (std::size_t i = 0; i < l.size(); i += 1 + l.size() / 4)
            if (!merkle::verify_inclusion(l[i], i, l.size(), merkle::inclusion_proof(l, i), r)) __builtin_trap();
    }
    return 0;
}
