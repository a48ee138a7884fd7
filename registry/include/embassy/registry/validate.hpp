// The content rules of a kiosk, in one place, applied twice (threats 9 and 15):
//
//   - by the kiosk before it stores anything: KioskStore::submit and create_event normalize what
//     was typed with the normalize_* functions below and refuse what breaks a rule;
//   - by the coordinator's importer on every record of a signed batch (sync/src/import.cpp): a
//     kiosk key holder can sign anything, so each field must already be what an honest kiosk
//     would have stored — its own normal form (normalize(x) == x), non-empty where the kiosk
//     requires it — or the whole batch is rejected.
//
// Which appeals and consent texts exist is not a rule of this file: the kiosk looks them up in
// the packs it loaded, the coordinator in the packs it signed (sync/coord_packs.hpp).
//
// Messages name the field and the rule ("given name: not in the kiosk's normal form"), never the
// value: the value is personal data.
#pragma once

#include "embassy/registry/model.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace embassy::registry {

// [SECTION] Languages
// The kiosk's languages (BCP 47): be, be-Latn, ru, en, pl, lt, uk, de. The one list: packs may
// declare only these (pack.hpp), a registrant and a signature carry one of them, the kiosk offers
// them on Welcome in this order, each under its own name.
struct Language {
    const char* tag;       // BCP 47, also the catalog file name: ui/i18n/<tag>.po
    const char* endonym;   // the language's own name, for the Welcome buttons
};
std::span<const Language> supported_languages();
bool is_supported_language(std::string_view tag);
// "be, be-Latn, ru, en, pl, lt, uk, de": for messages that list the allowed tags.
const std::string& supported_languages_text();

// [SECTION] Registrant
// Kiosk: normalize what was typed (names, city, email, phone through text.hpp), and check the
// country (is_country_code) and the language.
Result<Registrant> normalize_registrant(const Registrant& typed);
// Importer: the registrant exactly as the kiosk would have stored it. Views, so checking makes
// no copy of the names beyond what normalization itself needs.
struct RegistrantView {
    std::string_view given_name, family_name, country, city, email, phone, lang;
};
Status check_registrant(const RegistrantView& stored);

// [SECTION] Events
// A real calendar date "YYYY-MM-DD" (2026-02-31 is not one), years 2000-2099.
bool is_calendar_date(std::string_view date);
// Kiosk (create_event): name and city normalized like a city, country code, calendar date. The
// id is passed through.
Result<Event> normalize_event(const Event& typed);
Status check_event(const Event& stored);

// [SECTION] Signatures
// Drawn: the encoded strokes decode (strokes.hpp) and pass validate_strokes (ink, counts, canvas).
Status check_encoded_strokes(std::span<const std::uint8_t> encoded);
// Typed: normalized like a name (field "typed name").
Result<std::string> normalize_typed_name(std::string_view typed);
Status check_typed_name(std::string_view stored);

// [SECTION] Consents
// Each purpose (1..4, model.hpp) at most once per registrant, so a registrant has at most 4
// consent records; sign_appeal is required for a signature.
inline constexpr std::size_t kMaxConsentsPerRegistrant = 4;
class ConsentPurposes {
public:
    // Refuses a purpose outside 1..4 and one given before; otherwise records it.
    Status add(std::uint8_t purpose);
    bool has(Purpose p) const { return (mask_ & bit(static_cast<std::uint8_t>(p))) != 0; }
    // "consent 'sign_appeal' is required to sign" unless sign_appeal was added.
    Status require_sign_appeal() const;

private:
    static std::uint8_t bit(std::uint8_t purpose) { return static_cast<std::uint8_t>(1u << (purpose - 1u)); }
    std::uint8_t mask_ = 0;
};

// [SECTION] Time
// A record's unix_minute is sane if it is not before 2020-01-01 00:00 UTC (no kiosk signed
// earlier; a kiosk whose clock lost its battery says 1970) and not more than 400 days after
// `now_unix`, the checking computer's clock: a kiosk's clock can be wrong, so the margin is
// generous, but it is bounded so a report never has to print a minute like 2^62.
inline constexpr std::uint64_t kMinUnixMinute = 1577836800 / 60;          // 2020-01-01T00:00Z
inline constexpr std::uint64_t kFutureMarginMinutes = 400ull * 24 * 60;   // 400 days
Status check_unix_minute(std::uint64_t unix_minute, std::int64_t now_unix);

}  // namespace embassy::registry
