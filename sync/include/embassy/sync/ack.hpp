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

// Where each field sits (docs/batch-format.md, section 6; tests/sync/ack.test.cpp compares these
// with the table there). Fields follow each other in this order with no gaps.
namespace ack_layout {
inline constexpr std::size_t magic = 0;              // "EMB-ACK "
inline constexpr std::size_t version = 8;            // u32 = 1
inline constexpr std::size_t coordinator_key = 12;   // Ed25519 public key that signs
inline constexpr std::size_t kiosk_public_key = 44;
inline constexpr std::size_t first_seq = 76;         // u64
inline constexpr std::size_t last_seq = 84;          // u64
inline constexpr std::size_t last_batch_hash = 92;   // 32 bytes
inline constexpr std::size_t last_record_seq = 124;  // u64
inline constexpr std::size_t timestamp = 132;        // u64
inline constexpr std::size_t signature = 140;        // 64 bytes, to the end
static_assert(signature + 64 == kAckSize);
}  // namespace ack_layout

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
