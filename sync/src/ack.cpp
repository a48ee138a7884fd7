// Acknowledgement files (docs/batch-format.md, section 6).
#include "embassy/sync/ack.hpp"

#include "signed_file.hpp"

#include <sodium.h>


namespace embassy::sync {

namespace {
namespace L = ack_layout;

constexpr signed_file::Format kFormat{"acknowledgement", "an acknowledgement file", "EMB-ACK ", "embassy-ack-v1", 1,
                                      kAckSize, L::coordinator_key};
// ack_read parses the fields in file order from kiosk_public_key on: the layout must have no gaps.
static_assert(L::version == signed_file::kVersionOffset && L::coordinator_key == L::version + 4 &&
              L::kiosk_public_key == L::coordinator_key + 32 && L::first_seq == L::kiosk_public_key + 32 &&
              L::last_seq == L::first_seq + 8 && L::last_batch_hash == L::last_seq + 8 &&
              L::last_record_seq == L::last_batch_hash + 32 && L::timestamp == L::last_record_seq + 8 &&
              L::signature == L::timestamp + 8 && kFormat.signed_size() == L::signature);
}  // namespace

Result<Bytes> ack_write(const Ack& ack, const registry::SecretBytes& coordinator_sign_secret) {
    registry::crypto_init();
    if (coordinator_sign_secret.size() != crypto_sign_SECRETKEYBYTES)
        return make_error("acknowledgement: coordinator signing key has the wrong size");
    if (ack.first_seq == 0 || ack.last_seq < ack.first_seq)
        return make_error("acknowledgement: batch range is empty");
    Bytes out(kFormat.magic.begin(), kFormat.magic.end());
    put_u32(out, kFormat.version);
    // The Ed25519 secret key in libsodium's layout ends with its public key.
    const std::uint8_t* pk = coordinator_sign_secret.data() + crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES;
    out.insert(out.end(), pk, pk + crypto_sign_PUBLICKEYBYTES);
    out.insert(out.end(), ack.kiosk_public_key.begin(), ack.kiosk_public_key.end());
    put_u64(out, ack.first_seq);
    put_u64(out, ack.last_seq);
    out.insert(out.end(), ack.last_batch_hash.begin(), ack.last_batch_hash.end());
    put_u64(out, ack.last_record_seq);
    put_u64(out, ack.timestamp_unix);
    EMBASSY_TRY(signed_file::sign(kFormat, out, coordinator_sign_secret));
    return out;
}

Result<Ack> ack_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator) {
    registry::crypto_init();
    EMBASSY_TRY(signed_file::check(kFormat, file, coordinator));
    // Only now is the content trusted enough to parse.
    ByteReader r(file.first(L::signature), L::kiosk_public_key);
    Ack a;
    a.kiosk_public_key = r.array<32>();
    a.first_seq = r.u64();
    a.last_seq = r.u64();
    a.last_batch_hash = r.array<32>();
    a.last_record_seq = r.u64();
    a.timestamp_unix = r.u64();
    if (!r.ok() || !r.at_end()) return make_error("acknowledgement: fields do not fill the layout");  // unreachable: sizes checked
    if (a.first_seq == 0 || a.last_seq < a.first_seq) return make_error("acknowledgement: batch range is empty");
    return a;
}

}  // namespace embassy::sync
