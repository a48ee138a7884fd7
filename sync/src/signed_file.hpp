// Fixed-size files the coordinator signs: acknowledgements (docs/batch-format.md, section 6) and
// the receipts root (7.2). Both are `magic(8) || u32 version || fields... || signature(64)`, with
// the signer's public key at a fixed offset and the Ed25519 signature over `domain || bytes before
// the signature`. One reader checks them in the order the spec gives (magic, size, version, signer,
// signature) before a single field is parsed, and one writer appends the signature.
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/result.hpp"

#include <sodium.h>

#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace embassy::sync::signed_file {

struct Format {
    std::string_view what;        // "acknowledgement": every message starts with it
    std::string_view a_file;      // "an acknowledgement file", for the bad-magic message
    std::string_view magic;       // 8 bytes at offset 0
    std::string_view domain;      // signature domain
    std::uint32_t version;        // u32 at offset 8
    std::size_t size;             // the whole file, signature last
    std::size_t key_offset;       // the signer's Ed25519 public key
    constexpr std::size_t signed_size() const { return size - crypto_sign_BYTES; }
};

inline constexpr std::size_t kVersionOffset = 8;   // right after the 8-byte magic, in every such file

inline Bytes message(const Format& f, std::span<const std::uint8_t> signed_part) {
    // Sized up front and filled with memcpy: GCC 12 warns falsely on range-inserting into a small vector.
    Bytes msg(f.domain.size() + signed_part.size());
    std::memcpy(msg.data(), f.domain.data(), f.domain.size());
    std::memcpy(msg.data() + f.domain.size(), signed_part.data(), signed_part.size());
    return msg;
}

inline Error fail(const Format& f, std::string_view what) {
    return make_error(std::string(f.what) + ": " + std::string(what));
}

// `out` holds magic, version and the fields (signed_size() bytes, the signer's key included); the
// signature is appended.
inline Status sign(const Format& f, Bytes& out, const registry::SecretBytes& secret) {
    if (out.size() != f.signed_size()) return fail(f, "fields do not fill the layout");   // a programmer error
    const Bytes msg = message(f, out);
    std::uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), secret.data());
    out.insert(out.end(), sig, sig + sizeof sig);
    return {};
}

// Magic, size, version, signer, signature: only a file that passes all five may be parsed.
inline Status check(const Format& f, std::span<const std::uint8_t> file, const SignPublicKey& signer) {
    if (file.size() < f.magic.size() || std::memcmp(file.data(), f.magic.data(), f.magic.size()) != 0)
        return fail(f, "not " + std::string(f.a_file) + " (bad magic)");
    if (file.size() != f.size) return fail(f, "wrong size");
    if (ByteReader(file, kVersionOffset).u32() != f.version) return fail(f, "unsupported version");
    if (std::memcmp(file.data() + f.key_offset, signer.data(), signer.size()) != 0)
        return fail(f, "signed by another coordinator (expected " + fingerprint(signer) + ")");
    const Bytes msg = message(f, file.first(f.signed_size()));
    if (crypto_sign_verify_detached(file.data() + f.signed_size(), msg.data(), msg.size(), signer.data()) != 0)
        return fail(f, "signature does not verify");
    return {};
}

}  // namespace embassy::sync::signed_file
