// Appeal packs: the appeals and consent texts a kiosk may show, signed by the coordinator.
// Format in docs/appeal-pack.md. A kiosk accepts a pack only if its signature verifies against the
// coordinator identity it was initialised with; anything else is refused and changes nothing.
#pragma once

#include "embassy/registry/model.hpp"
#include "embassy/registry/secure.hpp"

#include <span>

namespace embassy::registry {

// Hashes that signatures and consents bind to (fill AppealText::hash, Appeal::content_hash, ConsentText::hash).
Hash appeal_text_hash(const Appeal& appeal, const AppealText& text);
Hash appeal_content_hash(const Appeal& appeal);
Hash consent_text_hash(const ConsentText& consent);
void compute_pack_hashes(AppealPack& pack);

// Serialize and sign with the coordinator's Ed25519 secret key (64 bytes).
Result<Bytes> pack_write(const AppealPack& pack, const SecretBytes& coordinator_sign_secret);

// Verify the signature first (against `coordinator`), then parse, with every length checked before
// allocation. Errors say what is wrong ("appeal pack: signature does not verify against coordinator 3F2A …").
Result<AppealPack> pack_read(std::span<const std::uint8_t> file, const SignPublicKey& coordinator);

}  // namespace embassy::registry
