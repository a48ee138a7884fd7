// Country codes and names (ISO 3166-1), in the kiosk's languages, and the search the kiosk offers.
#include "embassy/registry/countries.hpp"

#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace embassy::registry;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::size_t index_of(const std::vector<std::string>& v, const std::string& x) {
    return static_cast<std::size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

}  // namespace

TEST_CASE("the ISO 3166-1 table has the 249 assigned codes", "[registry][countries]") {
    const auto& codes = country_codes();
    CHECK(codes.size() == 249);
    CHECK(std::is_sorted(codes.begin(), codes.end()));
    CHECK(std::set<std::string>(codes.begin(), codes.end()).size() == codes.size());
    for (const auto& c : codes) {
        CAPTURE(c);
        CHECK(is_country_code(c));
        const std::string en = country_name(c, "en");
        CHECK(!en.empty());
        CHECK(en != c);  // ICU knows every one of them, so none is a typo
    }
    for (const char* bad : {"de", "XK", "UK", "EU", "D", "DEU", "", "ZZ"}) CHECK_FALSE(is_country_code(bad));
    CHECK(country_name("XX", "en").empty());
}

TEST_CASE("country names are in the asked language, falling back to English", "[registry][countries]") {
    CHECK(country_name("DE", "en") == "Germany");
    CHECK(country_name("DE", "de") == "Deutschland");
    CHECK(country_name("DE", "pl") == "Niemcy");
    CHECK(country_name("DE", "ru") == "Германия");
    CHECK(country_name("DE", "be") == "Германія");
    CHECK(country_name("DE", "uk") == "Німеччина");
    CHECK(country_name("DE", "lt") == "Vokietija");
    CHECK(country_name("BY", "be") == "Беларусь");
    CHECK(country_name("BY", "pl") == "Białoruś");
    CHECK(country_name("BY", "be-Latn") == "Biełaruś");
    CHECK(country_name("DE", "be-Latn") == "Hiermanija");
    CHECK(country_name("DE", "BE_latn") == "Hiermanija");  // case and '_' aside, the one language list
    CHECK(country_name("DE", "PL") == "Niemcy");
    CHECK(country_name("DE", "fr") == "Germany");
    CHECK(country_name("PL", "be-Latn") == "Polšča");
    CHECK(country_name("DE", "fr") == "Germany");
    CHECK(country_name("DE", "") == "Germany");
}

TEST_CASE("Łacinka transliteration of Belarusian", "[registry][countries]") {
    CHECK(belarusian_to_lacinka("Злучаныя Штаты Амерыкі") == "Złučanyja Štaty Amieryki");
    CHECK(belarusian_to_lacinka("Ілья Ёлкін") == "Ilja Jołkin");
    CHECK(belarusian_to_lacinka("Вялікае Княства Літоўскае") == "Vialikaje Kniastva Litoŭskaje");
    CHECK(belarusian_to_lacinka("сям'я, Лявон") == "siamja, Lavon");
}

TEST_CASE("country search is case- and diacritic-insensitive, prefix matches first", "[registry][countries]") {
    const auto ru = search_countries("герм", "ru");
    REQUIRE_FALSE(ru.empty());
    CHECK(ru.front() == "DE");
    CHECK(contains(search_countries("nie", "pl"), "DE"));        // Niemcy
    CHECK(contains(search_countries("Belarus", "de"), "BY"));    // German name "Belarus"
    CHECK(contains(search_countries("Belarus", "ru"), "BY"));    // English fallback
    CHECK(contains(search_countries("bialorus", "pl"), "BY"));   // Białoruś without diacritics
    CHECK(contains(search_countries("BIEŁA", "be-Latn"), "BY"));
    CHECK(contains(search_countries("by", "en"), "BY"));         // the code itself
    CHECK(search_countries("no such country", "en").empty());

    const auto pl = search_countries("nie", "pl");
    // Niemcy starts with "nie"; "Dalekie Wyspy Mniejsze Stanów Zjednoczonych" (UM) contains it later.
    REQUIRE(pl.size() >= 2);
    CHECK(pl.front() == "DE");
    CHECK(contains(pl, "UM"));
    const auto be = search_countries("ус", "be");   // Аўстралія, Аўстрыя, Беларусь, ... all inner matches
    CHECK(index_of(be, "AU") < index_of(be, "BY"));
    CHECK(index_of(be, "BY") < be.size());

    const auto all = search_countries("", "ru");
    CHECK(all.size() == 249);
    // Russian collation order: Австралия before Австрия before Беларусь before Германия.
    CHECK(index_of(all, "AU") < index_of(all, "AT"));
    CHECK(index_of(all, "AT") < index_of(all, "BY"));
    CHECK(index_of(all, "BY") < index_of(all, "DE"));
    const auto en = search_countries("", "en");
    CHECK(en.front() == "AF");  // Afghanistan
}

TEST_CASE("an exact country name in any kiosk language names its country", "[registry][countries]") {
    // Whatever language the registrant chose, the name they know is typed in full.
    const std::string lacinka = country_name("PL", "be-Latn");
    for (const std::string& name : {std::string("Польша"), std::string("польша"), std::string("Польшча"),
                                    std::string("Польща"), std::string("Polska"), std::string("Poland"),
                                    std::string("LENKIJA"), std::string("  Polen "), std::string("Polsca"), lacinka}) {
        INFO(name);
        CHECK(country_by_exact_name(name) == std::optional<std::string>("PL"));
    }
    CHECK(country_by_exact_name("Litwa") == std::optional<std::string>("LT"));
    CHECK(country_by_exact_name("Vokietija") == std::optional<std::string>("DE"));
    // Partial names and codes select nothing: the list is there for those.
    CHECK_FALSE(country_by_exact_name("Польш"));
    CHECK_FALSE(country_by_exact_name("PL"));
    CHECK_FALSE(country_by_exact_name(""));
    CHECK_FALSE(country_by_exact_name("   "));
    CHECK_FALSE(country_by_exact_name(std::string(300, 'a')));
}
