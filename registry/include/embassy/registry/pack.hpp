// Appeal packs: the appeals and consent texts a kiosk may show, signed by the coordinator.
// Format in docs/appeal-pack.md. A kiosk accepts a pack only if its signature verifies against the
// coordinator identity it was initialised with; anything else is refused and changes nothing.
#pragma once

#include "embassy/registry/model.hpp"
#include "embassy/registry/secure.hpp"

#include <span>

namespace embassy::registry {

// [SECTION] Limits (docs/appeal-pack.md). Checked by pack_validate, pack_write and pack_read.
inline constexpr std::size_t pack_max_appeals = 64;
inline constexpr std::size_t pack_max_languages = 32;       // per appeal and per pack
inline constexpr std::size_t pack_max_consents = 256;
inline constexpr std::size_t pack_max_id = 64;               // pack and appeal ids: [a-z0-9-]
inline constexpr std::size_t pack_max_title = 1024;
inline constexpr std::size_t pack_max_body = 64 * 1024;
inline constexpr std::size_t pack_max_consent = 16 * 1024;
inline constexpr std::size_t pack_max_addressee = 1024;
inline constexpr std::size_t pack_max_list_url = 512;         // a QR code must still hold URL + code
inline constexpr std::size_t pack_max_contact = 512;
inline constexpr std::size_t pack_max_body_section = 16 * 1024 * 1024;  // whole signed body
inline constexpr std::size_t pack_header_size = 48;          // magic, version, flags, key, body length
inline constexpr std::size_t pack_signature_size = 64;
inline constexpr std::uint16_t pack_format_version = 2;      // what pack_write writes; pack_read takes 1 and 2

// The language tags a pack may use (BCP 47): be, be-Latn, ru, en, pl, lt, uk, de.
bool pack_lang_allowed(std::string_view tag);

// Every rule a pack must satisfy (ids, limits, UTF-8, no control characters, each appeal has a text
// in every declared language, a sign_appeal consent in every declared language). Used by the
// writer, the reader and the TOML compiler.
Status pack_validate(const AppealPack& pack);

// What a receipt's QR code holds when the pack has receipt instructions: `<list_url>#<code>`. The
// code travels in the fragment, which a browser never sends to the server that publishes the list,
// so that server does not learn which code was looked up. list_url never holds '#' (pack_validate).
std::string receipt_check_url(const ReceiptInfo& info, std::string_view code);

// Hashes that signatures and consents bind to (fill AppealText::hash, Appeal::content_hash, ConsentText::hash).
Hash appeal_text_hash(const Appeal& appeal, const AppealText& text);
Hash appeal_content_hash(const Appeal& appeal);
Hash consent_text_hash(const ConsentText& consent);
void compute_pack_hashes(AppealPack& pack);  // all but pack_hash, which pack_read sets

// Validate, serialize and sign with the coordinator's Ed25519 secret key (64 bytes). A pack with an
// empty `languages` list declares the languages of its first appeal's texts, in that order.
// `version` 1 writes the old format for kiosks not yet updated, and refuses a pack that uses the
// fields of format 2 (receipt instructions, per-language addressees).
Result<Bytes> pack_write(const AppealPack& pack, const SecretBytes& coordinator_sign_secret,
                         std::uint16_t version = pack_format_version);

// Verify the signature first (against `coordinator`), then parse, with every length checked before
// allocation. Errors say what is wrong ("appeal pack: signature does not verify against coordinator 3F2A …").
Result<AppealPack> pack_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator);

}  // namespace embassy::registry
