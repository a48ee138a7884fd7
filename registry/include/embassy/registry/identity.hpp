// A coordinator's public identity, as handed to kiosks: a small text file.
//
//   embassy-coordinator-identity v1
//   name: <free text>
//   box: <64 hex digits, X25519 public key: batches are encrypted to it>
//   sign: <64 hex digits, Ed25519 public key: verifies appeal packs and acknowledgements>
//   fingerprint: <fingerprint of the sign key, "3F2A 9C01 77D4 0B1E 5A60">   (optional when parsing)
//
// Its fingerprint (of the sign key, bytes.hpp) is what volunteers compare by eye. The parser is strict:
// at most 4 KiB, exactly these lines in this order, LF or CRLF line ends, the name 1-200 bytes of
// UTF-8 without control characters, keys exactly 64 hex digits and not all zero; a fingerprint line,
// when present, must match the sign key.
#pragma once

#include "embassy/registry/bytes.hpp"

#include <string>

namespace embassy::registry {

struct PublicIdentity {
    std::string name;
    BoxPublicKey box_key{};
    SignPublicKey sign_key{};
    std::string fingerprint() const;  // of sign_key
    Hash key_id() const;              // hash of both keys: the "coordinator key id" in batches
};

std::string format_public_identity(const PublicIdentity& id);
Result<PublicIdentity> parse_public_identity(std::string_view text);

}  // namespace embassy::registry
