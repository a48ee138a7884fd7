// The domain model of a kiosk: what a registrant types, what they consent to, what they sign.
// Appeals and consent texts only ever come from a verified appeal pack (pack.hpp).
#pragma once

#include "embassy/registry/bytes.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embassy::registry {

// Languages of the kiosk, as BCP 47 tags: "be", "be-Latn" (Łacinka), "ru", "en", "pl", "lt", "uk", "de".
using LangTag = std::string;

enum class Purpose : std::uint8_t {
    sign_appeal = 1,        // required to sign: "I sign this appeal"
    join_registry = 2,      // optional: registry of Belarusians abroad
    be_contacted = 3,       // optional: by email/phone
    pass_name_to_addressee = 4,  // optional: my name may be handed to the appeal's addressee
};
// The one table of purposes and their names (the kiosk's screens and catalogs, the appeal pack's
// error messages, the pack source's [consents.<name>] tables).
struct PurposeName {
    Purpose purpose;
    const char* name;
};
inline constexpr PurposeName kPurposeNames[] = {
    {Purpose::sign_appeal, "sign_appeal"},
    {Purpose::join_registry, "join_registry"},
    {Purpose::be_contacted, "be_contacted"},
    {Purpose::pass_name_to_addressee, "pass_name_to_addressee"},
};
const char* purpose_name(Purpose p);  // "sign_appeal", ...; "unknown" outside the table
std::optional<Purpose> purpose_from_name(std::string_view name);
bool purpose_known(std::uint8_t value);  // one of the table's purposes

struct AppealText {
    LangTag lang;
    std::string title;
    std::string body;
    Hash hash{};          // hash of (appeal id, version, lang, title, body[, addressee]): what a signature binds to
    std::string addressee{};  // the addressee in this language (pack v2); empty: Appeal::addressee is shown
};

struct Appeal {
    std::string id;       // stable id, e.g. "political-prisoners"
    std::uint32_t version = 1;
    std::string addressee;  // to whom the appeal is delivered (not shown on receipts)
    std::vector<AppealText> texts;
    Hash content_hash{};  // hash over all its texts
    const AppealText* text(std::string_view lang) const;  // exactly this language, or null
    // The text a registrant reading `lang` is shown (and signs): fallback_languages(lang) in order,
    // then the first text; null only for an appeal without texts.
    const AppealText* text_for(std::string_view lang) const;
};

struct ConsentText {
    Purpose purpose = Purpose::sign_appeal;
    std::uint32_t version = 1;
    LangTag lang;
    std::string text;
    Hash hash{};          // hash of (purpose, version, lang, text)
};

// What a receipt tells its holder, in one language (pack v2, docs/appeal-pack.md): where the list of
// receipt codes is published, and whom to contact to withdraw a signature.
struct ReceiptInfo {
    LangTag lang;
    std::string list_url;          // https://… without '#': the receipt's QR holds <list_url>#<code>
    std::string withdraw_contact;  // e-mail address, phone or postal address, as the coordinator writes it
};

struct AppealPack {
    std::string pack_id;
    std::uint64_t created_unix = 0;
    std::vector<LangTag> languages;  // declared by the pack, in the order a kiosk offers them
    std::vector<Appeal> appeals;
    std::vector<ConsentText> consents;
    std::vector<ReceiptInfo> receipts;  // none (v1 packs, or not given), or one per declared language
    Hash pack_hash{};     // hash of the signed body
    const ConsentText* consent(Purpose p, std::string_view lang) const;  // newest version in exactly lang
    // The consent text shown beside an appeal text in `lang`: the newest version in the first of
    // fallback_languages(lang) that has one, or null.
    const ConsentText* consent_for(Purpose p, std::string_view lang) const;
    // The receipt instructions for a registrant reading `lang` (fallback_languages order), or null.
    const ReceiptInfo* receipt_for(std::string_view lang) const;
};

// The language fallback for pack texts, the one rule every screen uses: the language itself, then
// Cyrillic Belarusian for Łacinka ("be-Latn"), then English.
std::vector<std::string_view> fallback_languages(std::string_view lang);

struct Event {
    std::int64_t id = 0;
    std::string name;
    std::string city;
    std::string country;  // ISO 3166-1 alpha-2
    std::string date;     // YYYY-MM-DD
};

// Vector strokes on a fixed 4096 x 1638 canvas (5:2), no timing, no pressure. Encoding: strokes.hpp.
struct StrokePoint {
    std::uint16_t x = 0;
    std::uint16_t y = 0;
    bool operator==(const StrokePoint&) const = default;
};
using Stroke = std::vector<StrokePoint>;
using Strokes = std::vector<Stroke>;

struct Registrant {
    std::string given_name;   // as typed, NFC-normalized, trimmed
    std::string family_name;
    std::string country;      // ISO 3166-1 alpha-2 of residence
    std::string city;
    std::string email;        // optional, may be empty
    std::string phone;        // optional, may be empty
    LangTag lang;             // language the registrant used
};

struct ConsentGiven {
    Purpose purpose;
    Hash text_hash{};
    LangTag lang;
};

// The consents byte codec: the consents of one registrant packed as, per consent, u8 purpose,
// 32-byte text hash, u8 length + language tag. The kiosk keeps them so in the registrant's row, the
// coordinator in the registration's (coord_db.cpp). A tag longer than 255 bytes is cut to 255 (no
// language tag the kiosk accepts comes near).
void append_consent(Bytes& out, std::uint8_t purpose, const Hash& text_hash, std::string_view lang);
Bytes encode_consents(const std::vector<ConsentGiven>& consents);
// Refuses a truncated entry, an unknown purpose, and more than 8 consents.
Result<std::vector<ConsentGiven>> decode_consents(std::span<const std::uint8_t> bytes);

// Everything one registrant does at the kiosk, stored in one transaction by KioskStore::submit.
struct Submission {
    Registrant registrant;
    std::vector<ConsentGiven> consents;   // must include sign_appeal
    std::string appeal_id;
    std::uint32_t appeal_version = 1;
    LangTag appeal_lang;                   // the exact text version shown
    Strokes strokes;                        // drawn signature, or empty when typed_name is set
    std::string typed_name;                 // "I cannot sign on screen": typed full name + confirmation
};

}  // namespace embassy::registry
