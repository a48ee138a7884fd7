// Fuzz the acknowledgement reader with the fixed test coordinator key.
#include "embassy/sync/ack.hpp"
#include "fuzz_keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)embassy::sync::ack_read({data, size}, fuzz_keys::keys().coord_sign_pk);
    return 0;
}
