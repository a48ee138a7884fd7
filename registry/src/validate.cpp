// The kiosk's content rules (validate.hpp). Index:
//   [SECTION] Languages
//   [SECTION] Registrant
//   [SECTION] Events
//   [SECTION] Signatures
//   [SECTION] Consents
//   [SECTION] Time
#include "embassy/registry/validate.hpp"

#include "embassy/registry/countries.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/text.hpp"

#include <algorithm>
#include <iterator>
#include <string>

namespace embassy::registry {

// [SECTION] Languages

namespace {
constexpr Language kLanguages[] = {
    {"be", "Беларуская"},
    {"be-Latn", "Biełaruskaja (łacinka)"},
    {"ru", "Русский"},
    {"en", "English"},
    {"pl", "Polski"},
    {"lt", "Lietuvių"},
    {"uk", "Українська"},
    {"de", "Deutsch"},
};
}  // namespace

std::span<const Language> supported_languages() { return kLanguages; }

bool is_supported_language(std::string_view tag) {
    return std::any_of(std::begin(kLanguages), std::end(kLanguages),
                       [&](const Language& l) { return tag == l.tag; });
}

const std::string& supported_languages_text() {
    static const std::string text = [] {
        std::string out;
        for (const auto& l : kLanguages) out += (out.empty() ? "" : ", ") + std::string(l.tag);
        return out;
    }();
    return text;
}

// [SECTION] Registrant

namespace {

// The importer's form of a normalize_* rule: the value must come out of it unchanged. A refusal
// keeps normalize's own message ("given name: contains a control character").
template <typename Normalize>
Status unchanged(std::string_view stored, std::string_view label, Normalize&& normalize) {
    auto n = normalize(stored);
    if (!n) return n.error();
    if (*n != stored) return make_error(std::string(label) + ": not in the kiosk's normal form");
    return {};
}

}  // namespace

Result<Registrant> normalize_registrant(const Registrant& t) {
    auto given = normalize_name(t.given_name, "given name");
    if (!given) return given.error();
    auto family = normalize_name(t.family_name, "family name");
    if (!family) return family.error();
    auto city = normalize_city(t.city, "city");
    if (!city) return city.error();
    auto email = normalize_email(t.email);
    if (!email) return email.error();
    auto phone = normalize_phone(t.phone);
    if (!phone) return phone.error();
    if (!is_country_code(t.country)) return make_error("country: choose a country from the list");
    if (!is_supported_language(t.lang)) return make_error("language: not supported");
    return Registrant{std::move(*given), std::move(*family), t.country, std::move(*city),
                      std::move(*email), std::move(*phone), t.lang};
}

Status check_registrant(const RegistrantView& r) {
    if (auto s = unchanged(r.given_name, "given name", [](std::string_view v) { return normalize_name(v, "given name"); }); !s)
        return s;
    if (auto s = unchanged(r.family_name, "family name", [](std::string_view v) { return normalize_name(v, "family name"); }); !s)
        return s;
    if (auto s = unchanged(r.city, "city", [](std::string_view v) { return normalize_city(v, "city"); }); !s) return s;
    if (auto s = unchanged(r.email, "email", [](std::string_view v) { return normalize_email(v); }); !s) return s;
    if (auto s = unchanged(r.phone, "phone", [](std::string_view v) { return normalize_phone(v); }); !s) return s;
    if (!is_country_code(r.country)) return make_error("country: not an ISO 3166-1 country code");
    if (!is_supported_language(r.lang)) return make_error("language: not one of the kiosk's languages");
    return {};
}

// [SECTION] Events

bool is_calendar_date(std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    int v[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
    for (int f = 0; f < 3; ++f)
        for (std::size_t i = 0; i < lens[f]; ++i) {
            const char c = d[starts[f] + i];
            if (c < '0' || c > '9') return false;
            v[f] = v[f] * 10 + (c - '0');
        }
    const int year = v[0], month = v[1], day = v[2];
    if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int last = month == 2 && leap ? 29 : kDays[month - 1];
    return day <= last;
}

Result<Event> normalize_event(const Event& e) {
    auto name = normalize_city(e.name, "event name");
    if (!name) return name.error();
    auto city = normalize_city(e.city, "city");
    if (!city) return city.error();
    if (!is_country_code(e.country)) return make_error("country: not an ISO 3166-1 country code");
    if (!is_calendar_date(e.date)) return make_error("date: expected a calendar date YYYY-MM-DD");
    return Event{e.id, std::move(*name), std::move(*city), e.country, e.date};
}

Status check_event(const Event& e) {
    if (auto s = unchanged(e.name, "event name", [](std::string_view v) { return normalize_city(v, "event name"); }); !s) return s;
    if (auto s = unchanged(e.city, "city", [](std::string_view v) { return normalize_city(v, "city"); }); !s) return s;
    if (!is_country_code(e.country)) return make_error("country: not an ISO 3166-1 country code");
    if (!is_calendar_date(e.date)) return make_error("date: not a calendar date YYYY-MM-DD");
    return {};
}

// [SECTION] Signatures

Status check_encoded_strokes(std::span<const std::uint8_t> encoded) {
    auto strokes = decode_strokes(encoded);
    if (!strokes) return make_error("strokes: " + strokes.message());
    if (auto v = validate_strokes(*strokes); !v) return make_error("strokes: " + v.message());
    return {};
}

Result<std::string> normalize_typed_name(std::string_view typed) { return normalize_name(typed, "typed name"); }

Status check_typed_name(std::string_view stored) { return unchanged(stored, "typed name", normalize_typed_name); }

// [SECTION] Consents

Status ConsentPurposes::add(std::uint8_t purpose) {
    if (purpose < 1 || purpose > kMaxConsentsPerRegistrant) return make_error("consent: purpose out of range");
    if ((mask_ & bit(purpose)) != 0)
        return make_error(std::string("consent '") + purpose_name(static_cast<Purpose>(purpose)) + "' given twice");
    mask_ = static_cast<std::uint8_t>(mask_ | bit(purpose));
    return {};
}

Status ConsentPurposes::require_sign_appeal() const {
    if (!has(Purpose::sign_appeal)) return make_error("consent 'sign_appeal' is required to sign");
    return {};
}

// [SECTION] Time

Status check_unix_minute(std::uint64_t unix_minute, std::int64_t now_unix) {
    if (unix_minute < kMinUnixMinute) return make_error("time: before 2020-01-01 (a kiosk clock that was never set?)");
    const std::uint64_t now_minute = now_unix > 0 ? static_cast<std::uint64_t>(now_unix) / 60 : 0;
    if (unix_minute > now_minute + kFutureMarginMinutes) return make_error("time: more than 400 days after this computer's clock");
    return {};
}

}  // namespace embassy::registry
