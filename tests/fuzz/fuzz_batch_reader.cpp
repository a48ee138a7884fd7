// Fuzz the batch reader. The first byte picks a mode, since random bytes rarely pass decryption:
//   0: the rest is a whole batch file for the fixed test coordinator (outer layer + everything);
//   1: the rest is a plaintext stream, parsed directly (records, manifest, signature, counts);
//   2: the rest is a plaintext stream, encrypted here with small chunks, then read as a file, so the
//      chunk layer and the parser are exercised together.
#include "embassy/sync/batch.hpp"
#include "fuzz_keys.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace embassy::sync;
    if (size == 0) return 0;
    const auto& k = fuzz_keys::keys();
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    std::uint64_t seen = 0;
    auto count = [&](const Record& r) {
        seen += record_seq(r);   // touch every decoded record
        return embassy::Status{};
    };
    switch (data[0] % 3) {
        case 0: (void)detail::verify_batch_bytes(rest, k.coord_box_sk, k.coord_box_pk); break;
        case 1: (void)detail::parse_plaintext_stream(rest, count); break;
        default: {
            const auto file = detail::seal_plaintext_stream(rest, k.coord_box_pk, 1 + (data[0] >> 2) * 64);
            (void)detail::verify_batch_bytes(file, k.coord_box_sk, k.coord_box_pk);
            break;
        }
    }
    return 0;
}
