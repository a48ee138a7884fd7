// Fuzz the appeal-pack reader (registry/src/pack.cpp) with the fixed test coordinator key.
#include "embassy/registry/pack.hpp"
#include "fuzz_keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)embassy::registry::pack_read({data, size}, fuzz_keys::keys().coord_sign_pk);
    return 0;
}
