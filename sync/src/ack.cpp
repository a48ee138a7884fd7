// Acknowledgement files (docs/batch-format.md, section 6).
#include "embassy/sync/ack.hpp"

#include <sodium.h>

#include <cstring>
#include <string_view>

namespace embassy::sync {

namespace {
constexpr std::string_view kMagic = "EMB-ACK ";
constexpr std::string_view kDomain = "embassy-ack-v1";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kSignedSize = kAckSize - crypto_sign_BYTES;   // 140

Bytes signing_message(std::span<const std::uint8_t> signed_part) {
    // Sized up front and filled with memcpy: GCC 12 warns falsely on range-inserting into a small vector.
    Bytes msg(kDomain.size() + signed_part.size());
    std::memcpy(msg.data(), kDomain.data(), kDomain.size());
    std::memcpy(msg.data() + kDomain.size(), signed_part.data(), signed_part.size());
    return msg;
}
}  // namespace

Result<Bytes> ack_write(const Ack& ack, const registry::SecretBytes& coordinator_sign_secret) {
    registry::crypto_init();
    if (coordinator_sign_secret.size() != crypto_sign_SECRETKEYBYTES)
        return make_error("acknowledgement: coordinator signing key has the wrong size");
    if (ack.first_seq == 0 || ack.last_seq < ack.first_seq)
        return make_error("acknowledgement: batch range is empty");
    Bytes out(kMagic.begin(), kMagic.end());
    put_u32(out, kVersion);
    // The Ed25519 secret key in libsodium's layout ends with its public key.
    const std::uint8_t* pk = coordinator_sign_secret.data() + crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES;
    out.insert(out.end(), pk, pk + crypto_sign_PUBLICKEYBYTES);
    out.insert(out.end(), ack.kiosk_public_key.begin(), ack.kiosk_public_key.end());
    put_u64(out, ack.first_seq);
    put_u64(out, ack.last_seq);
    out.insert(out.end(), ack.last_batch_hash.begin(), ack.last_batch_hash.end());
    put_u64(out, ack.last_record_seq);
    put_u64(out, ack.timestamp_unix);
    const Bytes msg = signing_message(out);
    std::uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), coordinator_sign_secret.data());
    out.insert(out.end(), sig, sig + sizeof sig);
    return out;
}

Result<Ack> ack_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator) {
    registry::crypto_init();
    if (file.size() < kMagic.size() || std::memcmp(file.data(), kMagic.data(), kMagic.size()) != 0)
        return make_error("acknowledgement: not an acknowledgement file (bad magic)");
    if (file.size() != kAckSize) return make_error("acknowledgement: wrong size");
    if (get_u32(file.data() + 8) != kVersion) return make_error("acknowledgement: unsupported version");
    if (std::memcmp(file.data() + 12, coordinator.data(), coordinator.size()) != 0)
        return make_error("acknowledgement: signed by another coordinator (expected " + fingerprint(coordinator) + ")");
    const Bytes msg = signing_message(file.first(kSignedSize));
    if (crypto_sign_verify_detached(file.data() + kSignedSize, msg.data(), msg.size(), coordinator.data()) != 0)
        return make_error("acknowledgement: signature does not verify");
    // Only now is the content trusted enough to parse.
    Ack a;
    const std::uint8_t* p = file.data() + 44;
    std::memcpy(a.kiosk_public_key.data(), p, 32);
    p += 32;
    a.first_seq = get_u64(p);
    a.last_seq = get_u64(p + 8);
    std::memcpy(a.last_batch_hash.data(), p + 16, 32);
    a.last_record_seq = get_u64(p + 48);
    a.timestamp_unix = get_u64(p + 56);
    if (a.first_seq == 0 || a.last_seq < a.first_seq) return make_error("acknowledgement: batch range is empty");
    return a;
}

}  // namespace embassy::sync
