// Fixed keys for the fuzz targets and their seed corpora: derived from constant seeds, so a corpus
// generated once stays valid for every build.
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/secure.hpp"

#include <sodium.h>

namespace fuzz_keys {

struct Keys {
    embassy::BoxPublicKey coord_box_pk{};
    embassy::registry::SecretBytes coord_box_sk{crypto_box_SECRETKEYBYTES};
    embassy::SignPublicKey coord_sign_pk{};
    embassy::registry::SecretBytes coord_sign_sk{crypto_sign_SECRETKEYBYTES};
    embassy::SignPublicKey kiosk_pk{};
    embassy::registry::SecretBytes kiosk_sk{crypto_sign_SECRETKEYBYTES};

    Keys() {
        embassy::registry::crypto_init();
        unsigned char seed[32];
        for (auto& b : seed) b = 0x01;
        crypto_box_seed_keypair(coord_box_pk.data(), coord_box_sk.data(), seed);
        for (auto& b : seed) b = 0x02;
        crypto_sign_seed_keypair(coord_sign_pk.data(), coord_sign_sk.data(), seed);
        for (auto& b : seed) b = 0x03;
        crypto_sign_seed_keypair(kiosk_pk.data(), kiosk_sk.data(), seed);
    }
};

inline const Keys& keys() {
    static const Keys k;
    return k;
}

}  // namespace fuzz_keys
