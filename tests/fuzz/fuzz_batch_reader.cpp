// Fuzz the batch reader. The first byte picks a mode, since random bytes rarely pass decryption:
//   0: the rest is a whole batch file for the fixed test coordinator (outer layer + everything);
//   1: the rest is a plaintext stream, parsed directly (records, manifest, signature, counts);
//   2: the rest is a plaintext stream, put with small chunks into a file the real BatchWriter
//      wrote (tests/sync/batch_support.hpp reseal), then read as a file, so the chunk layer and
//      the parser are exercised together.
#include "embassy/sync/batch.hpp"
#include "batch_support.hpp"
#include "fuzz_keys.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace {
// One file of the real writer for the fixed test coordinator, made once.
const embassy::Bytes& real_file() {
    static const embassy::Bytes file = [] {
        using namespace embassy::sync;
        const auto& k = fuzz_keys::keys();
        ManifestFields f;
        f.kiosk_public_key = k.kiosk_pk;
        f.seq = 1;
        const auto dir = std::filesystem::temp_directory_path() / ("embassy-fuzz-batch-" + std::to_string(::getpid()));
        auto path = batch_test::write_batch_file(dir, k.coord_box_pk, {EventRecord{1, 1, "Rally", "Vilnius", "LT", "2024-08-09"}}, f,
                                                 [&k](std::span<const std::uint8_t> m) {
                                                     embassy::Bytes sig(crypto_sign_BYTES);
                                                     crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), k.kiosk_sk.data());
                                                     return sig;
                                                 });
        if (!path) abort();
        embassy::Bytes b = batch_test::read_bytes(*path);
        std::filesystem::remove_all(dir);
        return b;
    }();
    return file;
}
}  // namespace

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
            const auto file = batch_test::reseal(real_file(), rest, k.coord_box_pk, {k.coord_box_sk.data(), k.coord_box_sk.size()},
                                                 kBatchFormatVersion, 1 + (data[0] >> 2) * 64);
            (void)detail::verify_batch_bytes(file, k.coord_box_sk, k.coord_box_pk);
            break;
        }
    }
    return 0;
}
