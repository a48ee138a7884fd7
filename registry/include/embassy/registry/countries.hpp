// ISO 3166-1 alpha-2 country codes with names in the kiosk's languages (ICU display names).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace embassy::registry {

// True for an officially assigned ISO 3166-1 alpha-2 code, upper case ("DE"; not "de", not "XK").
bool is_country_code(std::string_view code);

// All 249 officially assigned codes, sorted by code.
const std::vector<std::string>& country_codes();

// The country's name in lang ("be", "be-Latn", "ru", "en", "pl", "lt", "uk", "de"; anything else
// falls back to English). "be-Latn" is the Belarusian name written in Łacinka. An unknown code
// gives "".
std::string country_name(std::string_view code, std::string_view lang);

// Codes whose name in lang, or in English, or whose code contains the query, ignoring case and
// diacritics. Names starting with the query come first; each group is sorted by the name in lang
// with that language's collation. An empty query returns every code, sorted the same way.
std::vector<std::string> search_countries(std::string_view query, std::string_view lang);

// The country whose full name in any of the kiosk's languages is exactly the query, ignoring case,
// diacritics and surrounding spaces as search_countries does ("польша", "Lenkija", "Polen" -> "PL").
// Nothing for a partial name, or when the name belongs to two countries in different languages.
std::optional<std::string> country_by_exact_name(std::string_view query);

// Belarusian Cyrillic to Łacinka (also used for country names in "be-Latn").
std::string belarusian_to_lacinka(std::string_view cyrillic_utf8);

}  // namespace embassy::registry
