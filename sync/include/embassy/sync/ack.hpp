// The coordinator's acknowledgement: "kiosk K: batches seq first..last imported, last batch hash H,
// records up to record seq R", signed with the coordinator's Ed25519 key (domain "embassy-ack-v1").
// A kiosk purges personal data only for what a verified acknowledgement covers.
// Layout: docs/batch-format.md, section 6.
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <span>

namespace embassy::sync {

inline constexpr std::size_t kAckSize = 204;

struct Ack {
    SignPublicKey kiosk_public_key{};
    std::uint64_t first_seq = 1;
    std::uint64_t last_seq = 0;
    Hash last_batch_hash{};
    std::uint64_t last_record_seq = 0;
    std::uint64_t timestamp_unix = 0;
    bool operator==(const Ack&) const = default;
};

// Serialize and sign. coordinator_sign_secret is the 64-byte Ed25519 secret key (its public half is
// written into the file).
Result<Bytes> ack_write(const Ack& ack, const registry::SecretBytes& coordinator_sign_secret);

// Check size, magic, version, that `coordinator` signed it, and the signature — all before the
// content is parsed.
Result<Ack> ack_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator);

}  // namespace embassy::sync
