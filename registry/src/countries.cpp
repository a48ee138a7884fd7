// ISO 3166-1 alpha-2 codes and their names. Index:
//   [SECTION] The code table
//   [SECTION] Łacinka
//   [SECTION] Names, folding, search
#include "embassy/registry/countries.hpp"

#include "embassy/registry/validate.hpp"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>

namespace embassy::registry {
namespace {

// [SECTION] The code table
// The 249 officially assigned ISO 3166-1 alpha-2 codes (user-assigned codes such as XK and
// transitional reservations are deliberately absent). Sorted, so lookups can binary-search.
constexpr std::array<std::string_view, 249> kCodes = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ",
    "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW",
    "CX", "CY", "CZ",
    "DE", "DJ", "DK", "DM", "DO", "DZ",
    "EC", "EE", "EG", "EH", "ER", "ES", "ET",
    "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT",
    "GU", "GW", "GY",
    "HK", "HM", "HN", "HR", "HT", "HU",
    "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
    "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
    "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
    "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM",
    "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
    "QA",
    "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ",
    "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
    "UA", "UG", "UM", "US", "UY", "UZ",
    "VA", "VC", "VE", "VG", "VI", "VN", "VU",
    "WF", "WS",
    "YE", "YT",
    "ZA", "ZM", "ZW",
};

std::string to_utf8(const icu::UnicodeString& u) {
    std::string out;
    u.toUTF8String(out);
    return out;
}

icu::UnicodeString to_unicode(std::string_view s) {
    return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

// [SECTION] Łacinka
// Modern Łacinka: л is ł unless softened (by ь or a following iotated vowel / і); е ё ю я are
// je jo ju ja at the start, after a vowel, ь, ў, й or an apostrophe, a o u e after л, and
// ie io iu ia after any other consonant; ь merges into ź ś ń ć l.

bool is_be_vowel(UChar32 c) {
    switch (c) {
        case u'а': case u'е': case u'ё': case u'і': case u'и': case u'о': case u'у': case u'ы':
        case u'э': case u'ю': case u'я':
            return true;
        default:
            return false;
    }
}

bool is_iotated(UChar32 c) { return c == u'е' || c == u'ё' || c == u'ю' || c == u'я'; }

const char16_t* plain_lacinka(UChar32 c) {
    switch (c) {
        case u'а': return u"a";   case u'б': return u"b";  case u'в': return u"v";
        case u'г': return u"h";   case u'ґ': return u"g";  case u'д': return u"d";
        case u'ж': return u"ž";   case u'з': return u"z";  case u'і': return u"i";
        case u'и': return u"i";   case u'й': return u"j";  case u'к': return u"k";
        case u'м': return u"m";   case u'н': return u"n";  case u'о': return u"o";
        case u'п': return u"p";   case u'р': return u"r";  case u'с': return u"s";
        case u'т': return u"t";   case u'у': return u"u";  case u'ў': return u"ŭ";
        case u'ф': return u"f";   case u'х': return u"ch"; case u'ц': return u"c";
        case u'ч': return u"č";   case u'ш': return u"š";  case u'ы': return u"y";
        case u'э': return u"e";   case u'щ': return u"šč";
        default: return nullptr;
    }
}

}  // namespace

std::string belarusian_to_lacinka(std::string_view cyrillic_utf8) {
    const icu::UnicodeString in = to_unicode(cyrillic_utf8);
    icu::UnicodeString out;
    UChar32 prev = 0;  // previous code point, lower case
    for (int32_t i = 0; i < in.length(); i = in.moveIndex32(i, 1)) {
        const UChar32 orig = in.char32At(i);
        const UChar32 c = u_tolower(orig);
        const int32_t next_i = in.moveIndex32(i, 1);
        const UChar32 next = next_i < in.length() ? u_tolower(in.char32At(next_i)) : 0;
        icu::UnicodeString piece;
        if (c == u'ь') {
            // Softness merges into the consonant before it.
            const int32_t n = out.length();
            if (n > 0) {
                const char16_t last = out.charAt(n - 1);
                const char16_t soft = last == u'z' ? u'ź' : last == u's' ? u'ś' : last == u'n' ? u'ń'
                                    : last == u'c' ? u'ć' : last == u'Z' ? u'Ź' : last == u'S' ? u'Ś'
                                    : last == u'N' ? u'Ń' : last == u'C' ? u'Ć' : u'\0';
                if (soft != u'\0') out.setCharAt(n - 1, soft);
            }
            prev = c;
            continue;
        }
        if (c == u'\'' || c == 0x2019 || c == 0x02BC) {
            prev = c;
            continue;
        }
        if (c == u'л') {
            piece = (next == u'ь' || is_iotated(next) || next == u'і') ? u"l" : u"ł";
        } else if (is_iotated(c)) {
            const char16_t* vowel = c == u'е' ? u"e" : c == u'ё' ? u"o" : c == u'ю' ? u"u" : u"a";
            const bool start = prev == 0 || is_be_vowel(prev) || prev == u'ь' || prev == u'ў' ||
                               prev == u'й' || prev == u'\'' || prev == 0x2019 || prev == 0x02BC ||
                               !(prev >= 0x0400 && prev <= 0x04FF);
            if (start) piece = u"j";
            else if (prev != u'л') piece = u"i";
            piece += vowel;
        } else if (const char16_t* p = plain_lacinka(c)) {
            piece = p;
        } else {
            piece.append(orig);  // spaces, punctuation, Latin: unchanged
            out += piece;
            prev = 0;
            continue;
        }
        if (orig != c && piece.length() > 0) {
            // Upper case: capitalise the first letter of the piece (Я -> Ja, Ш -> Š).
            icu::UnicodeString first(piece, 0, 1);
            first.toUpper(icu::Locale::getRoot());
            piece.replace(0, 1, first);
        }
        out += piece;
        prev = c;
    }
    return to_utf8(out);
}

namespace {

// [SECTION] Names, folding, search

// The kiosk's language (validate.hpp's one list) a tag names, case and '_' aside; anything else is English.
std::string resolve_lang(std::string_view lang) {
    auto fold = [](char ch) {
        if (ch == '_') return '-';
        return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
    };
    for (const auto& known : supported_languages()) {
        const std::string_view tag = known.tag;
        if (tag.size() == lang.size() &&
            std::equal(tag.begin(), tag.end(), lang.begin(), [&](char a, char b) { return fold(a) == fold(b); }))
            return known.tag;
    }
    return "en";
}

std::string icu_country_name(std::string_view code, const char* icu_lang) {
    const std::string c(code);
    icu::UnicodeString name;
    icu::Locale("", c.c_str()).getDisplayCountry(icu::Locale(icu_lang), name);
    return to_utf8(name);
}

// Lower case, no diacritics: "Białoruś" -> "bialorus", "Ўкраіна" -> "украіна".
icu::UnicodeString fold(const icu::UnicodeString& s) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    icu::UnicodeString d = U_SUCCESS(err) ? nfd->normalize(s, err) : s;
    if (U_FAILURE(err)) d = s;
    icu::UnicodeString out;
    for (int32_t i = 0; i < d.length(); i = d.moveIndex32(i, 1)) {
        const UChar32 c = d.char32At(i);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;
        const UChar32 f = u_foldCase(c, U_FOLD_CASE_DEFAULT);
        switch (f) {  // letters with no decomposition
            case u'ł': out.append(static_cast<UChar>(u'l')); break;
            case u'đ': out.append(static_cast<UChar>(u'd')); break;
            case u'ø': out.append(static_cast<UChar>(u'o')); break;
            case u'ı': out.append(static_cast<UChar>(u'i')); break;
            case u'ß': out.append(u"ss"); break;
            case u'æ': out.append(u"ae"); break;
            case u'œ': out.append(u"oe"); break;
            default: out.append(f);
        }
    }
    return out;
}

struct Entry {
    std::string code;
    std::string name;
    icu::UnicodeString folded_name;
    icu::UnicodeString folded_en;
    icu::UnicodeString folded_code;
};

struct LangTable {
    std::vector<Entry> entries;  // sorted by name with the language's collation
};

std::string name_for(std::string_view code, const std::string& lang) {
    if (lang == "be-Latn") return belarusian_to_lacinka(icu_country_name(code, "be"));
    return icu_country_name(code, lang.c_str());
}

const LangTable& table_for(const std::string& lang) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<LangTable>> tables;
    const std::lock_guard<std::mutex> lock(mutex);
    auto& slot = tables[lang];
    if (slot) return *slot;

    auto table = std::make_unique<LangTable>();
    table->entries.reserve(kCodes.size());
    for (const auto code : kCodes) {
        Entry e;
        e.code = std::string(code);
        e.name = name_for(code, lang);
        e.folded_name = fold(to_unicode(e.name));
        e.folded_en = fold(to_unicode(icu_country_name(code, "en")));
        e.folded_code = fold(to_unicode(code));
        table->entries.push_back(std::move(e));
    }
    UErrorCode err = U_ZERO_ERROR;
    // Łacinka sorts like Polish (ł after l, diacritic letters after their base).
    const char* coll_locale = lang == "be-Latn" ? "pl" : lang.c_str();
    std::unique_ptr<icu::Collator> coll(icu::Collator::createInstance(icu::Locale(coll_locale), err));
    if (U_SUCCESS(err) && coll) {
        std::vector<std::pair<std::string, Entry*>> keys;
        for (auto& e : table->entries) {
            const icu::UnicodeString n = to_unicode(e.name);
            const int32_t len = coll->getSortKey(n, nullptr, 0);
            std::string key(static_cast<std::size_t>(len), '\0');
            coll->getSortKey(n, reinterpret_cast<uint8_t*>(key.data()), len);
            keys.emplace_back(std::move(key), &e);
        }
        std::stable_sort(keys.begin(), keys.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<Entry> sorted;
        sorted.reserve(keys.size());
        for (auto& k : keys) sorted.push_back(std::move(*k.second));
        table->entries = std::move(sorted);
    }
    slot = std::move(table);
    return *slot;
}

}  // namespace

bool is_country_code(std::string_view code) {
    return std::binary_search(kCodes.begin(), kCodes.end(), code);
}

const std::vector<std::string>& country_codes() {
    static const std::vector<std::string> codes(kCodes.begin(), kCodes.end());
    return codes;
}

std::string country_name(std::string_view code, std::string_view lang) {
    if (!is_country_code(code)) return {};
    return name_for(code, resolve_lang(lang));
}

std::vector<std::string> search_countries(std::string_view query, std::string_view lang) {
    const LangTable& table = table_for(resolve_lang(lang));
    // Bound the query: a search box, not a document.
    const icu::UnicodeString q = fold(to_unicode(query.substr(0, std::min<std::size_t>(query.size(), 256))).trim());
    std::vector<std::string> prefix;
    std::vector<std::string> inner;
    for (const auto& e : table.entries) {
        if (q.isEmpty() || e.folded_name.startsWith(q) || e.folded_en.startsWith(q) || e.folded_code == q)
            prefix.push_back(e.code);
        else if (e.folded_name.indexOf(q) >= 0 || e.folded_en.indexOf(q) >= 0)
            inner.push_back(e.code);
    }
    prefix.insert(prefix.end(), inner.begin(), inner.end());
    return prefix;
}

std::optional<std::string> country_by_exact_name(std::string_view query) {
    if (query.size() > 256) return std::nullopt;
    const icu::UnicodeString q = fold(to_unicode(query).trim());
    if (q.isEmpty()) return std::nullopt;
    std::optional<std::string> found;
    for (const auto& l : supported_languages())
        for (const auto& e : table_for(l.tag).entries)
            if (e.folded_name == q) {
                if (found && *found != e.code) return std::nullopt;  // ambiguous across languages
                found = e.code;
            }
    return found;
}

}  // namespace embassy::registry
