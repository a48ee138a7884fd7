// Deduplication match keys. Index:
//   [SECTION] Stage 1: any script to lower-case ASCII words
//   [SECTION] Stage 2: a word to its sound skeleton
//   [SECTION] Stage 3: given-name forms no rule reaches
//   [SECTION] Public functions
#include "embassy/registry/matchkey.hpp"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <unordered_map>
#include <vector>


namespace embassy::registry {
namespace {

// [SECTION] Stage 1: any script to lower-case ASCII words

// Lenient decoding: a key is computed from already validated text, but must never misbehave on
// anything else. Ill-formed bytes are skipped.
char32_t next_cp(std::string_view s, std::size_t& i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = b(i);
    std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || s.size() - i < len) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xC0u) != 0x80u) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b(i + k) & 0x3Fu);
    }
    i += len;
    return cp;
}

bool handled_script(char32_t c) {
    return c < 0x250 || (c >= 0x400 && c < 0x530) || (c >= 0x1E00 && c < 0x1F00) ||
           (c >= 0x2000 && c < 0x2070);  // Latin, Cyrillic, Latin Extended Additional, punctuation
}

// Other scripts (Greek, Georgian, Arabic, CJK, ...) are romanised by ICU. The transliterator is
// expensive to build, so one is built per process and cloned once per thread (ICU transliterators
// keep per-call state and are not safe to share between threads).
std::string icu_romanise(std::string_view s) {
    static const std::unique_ptr<icu::Transliterator> prototype = [] {
        UErrorCode err = U_ZERO_ERROR;
        std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
            icu::UnicodeString(u"[^[:Latin:][:Cyrillic:]] Any-Latin"), UTRANS_FORWARD, err));
        if (U_FAILURE(err)) t.reset();
        return t;
    }();
    thread_local std::unique_ptr<icu::Transliterator> mine(prototype ? prototype->clone() : nullptr);
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    if (mine) mine->transliterate(u);
    std::string out;
    u.toUTF8String(out);
    return out;
}

bool ascii_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

// Lower-case Cyrillic letter to ASCII. Iotated vowels (е ё ю я є) depend on what precedes them.
const char* cyrillic_plain(char32_t c) {
    switch (c) {
        case U'а': return "a";  case U'б': return "b";  case U'в': return "v";  case U'г': return "h";
        case U'ґ': return "g";  case U'д': return "d";  case U'ж': return "zh"; case U'з': return "z";
        case U'и': return "i";  case U'і': return "i";  case U'ї': return "ji"; case U'й': return "j";
        case U'к': return "k";  case U'л': return "l";  case U'м': return "m";  case U'н': return "n";
        case U'о': return "o";  case U'п': return "p";  case U'р': return "r";  case U'с': return "s";
        case U'т': return "t";  case U'у': return "u";  case U'ў': return "w";  case U'ф': return "f";
        case U'х': return "kh"; case U'ц': return "ts"; case U'ч': return "ch"; case U'ш': return "sh";
        case U'щ': return "shch"; case U'ы': return "y"; case U'э': return "e";
        default: return nullptr;
    }
}

// Latin letters that need more than dropping a diacritic (Łacinka, Polish, Czech, Nordic).
const char* latin_special(char32_t c) {
    switch (c) {
        case U'ł': return "l";  case U'ŭ': return "w";  case U'š': return "sh"; case U'č': return "ch";
        case U'ž': return "zh"; case U'ż': return "zh"; case U'ć': return "ts"; case U'ß': return "ss";
        case U'ø': return "o";  case U'æ': return "ae"; case U'œ': return "oe"; case U'đ': return "d";
        case U'ı': return "i";  case U'þ': return "th"; case U'ð': return "d";  case U'ŋ': return "n";
        case U'ǔ': return "w";  case U'ŝ': return "shch"; case U'â': return "ja"; case U'û': return "ju"; case U'ê': return "je";  // ISO 9 ў щ я ю є
        default: return nullptr;
    }
}

// Appends the ASCII form of `s` to `out`: lower-case letters, words separated by one space.
void to_ascii_words(std::string_view s, std::string& out) {
    UErrorCode err = U_ZERO_ERROR;
    static const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    enum class Prev { boundary, vowel, consonant, soft };  // for Cyrillic iotated vowels
    Prev prev = Prev::boundary;
    const auto boundary = [&] {
        if (!out.empty() && out.back() != ' ') out += ' ';
        prev = Prev::boundary;
    };
    for (std::size_t i = 0; i < s.size();) {
        char32_t c = next_cp(s, i);
        if (c < 0x80) {
            char a = static_cast<char>(c);
            if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
            if (a >= 'a' && a <= 'z') {
                out += a;
                prev = ascii_vowel(a) ? Prev::vowel : Prev::consonant;
            } else if (a == '\'' || a == '"') {
                prev = Prev::soft;  // д'я: the apostrophe keeps я iotated, as ь does; BGN/PCGN writes it "
            } else {
                boundary();
            }
            continue;
        }
        c = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
        if (c == 0x2019 || c == 0x02BC || c == 0x02B9 || c == 0x02BA || c == 0x201D || c == 0x2033) {  // apostrophes, ISO 9/BGN ь ъ, ” ″
            prev = Prev::soft;
            continue;
        }
        if (c >= 0x400 && c < 0x530) {
            if (c == U'ь' || c == U'ъ') {
                prev = Prev::soft;
                continue;
            }
            const char* vowel = c == U'е' ? "e" : c == U'ё' ? "o" : c == U'ю' ? "u" : c == U'я' ? "a"
                              : c == U'є' ? "e" : nullptr;
            if (vowel) {
                if (prev != Prev::consonant) out += 'j';
                else if (c != U'е' && c != U'є') out += 'i';  // ё ю я after a consonant: io iu ia
                out += vowel;
                prev = Prev::vowel;
                continue;
            }
            if (const char* p = cyrillic_plain(c)) {
                out += p;
                prev = (c == U'й' || c == U'ў') ? Prev::consonant
                     : ascii_vowel(p[std::char_traits<char>::length(p) - 1]) ? Prev::vowel : Prev::consonant;
                continue;
            }
            boundary();
            continue;
        }
        if (const char* p = latin_special(c)) {
            out += p;
            prev = Prev::consonant;
            continue;
        }
        const auto type = u_charType(static_cast<UChar32>(c));
        if (type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK ||
            type == U_FORMAT_CHAR)
            continue;
        if (!u_isalpha(static_cast<UChar32>(c))) {
            boundary();
            continue;
        }
        // Other Latin letters: the base letter of the canonical decomposition (é -> e, ö -> o).
        icu::UnicodeString d;
        if (nfd && nfd->getDecomposition(static_cast<UChar32>(c), d) && d.length() > 0 && d.charAt(0) < 0x80) {
            char a = static_cast<char>(d.charAt(0));
            if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
            if (a >= 'a' && a <= 'z') {
                out += a;
                prev = ascii_vowel(a) ? Prev::vowel : Prev::consonant;
            }
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
}

// [SECTION] Stage 2: a word to its sound skeleton
// Class letters: vowels a (a, o, e), i (i, y, ы), u; the glide j; consonants as themselves, plus
// S (sh, sz, š, ш, щ, zh, ž, ż, ж: German writes both ш and ж "sch"), H (h, g, kh, ch, cz, č, х,
// г, ч: "ch" is х in Łacinka, Polish and German and ч in English), s (s, z: German writes з "s"), t (t, ts, c, ć, ц: Belarusian
// ц/ць is Russian т before a soft vowel, Ціханоўская/Тихановская, Таццяна/Татьяна, while Russian
// ц is hard, Зайцев/Зайцаў; no spelling tells the two apart), d (d, dz: дзеканне, Дзяніс/Денис,
// Лебедзеў/Лебедев), v (v, w, ŭ, and u after a vowel: -ou/-aŭ/-ow = -ov).

bool cls_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'u'; }
bool cls_consonant(char c) { return c != 0 && !cls_vowel(c) && c != 'j'; }

void classify(std::string_view w, std::string& c, bool german = false) {
    const std::size_t n = w.size();
    const auto at = [&](std::size_t k) { return k < n ? w[k] : '\0'; };
    for (std::size_t i = 0; i < n;) {
        const auto starts = [&](std::string_view p) { return w.compare(i, p.size(), p) == 0; };
        const bool prev_vowel = !c.empty() && cls_vowel(c.back());
        // Digraphs, looked for only after the letters they begin with (this runs per registrant).
        std::size_t used = 0;
        switch (w[i]) {
            case 's':
                if (starts("schtsch")) { c += 'S'; used = 7; }                 // German щ
                else if (starts("shch")) { c += 'S'; used = 4; }
                else if (starts("szcz")) { c += 'S'; used = 4; }
                else if (starts("sch")) { c += 'S'; used = 3; }
                else if (starts("sh") || starts("sz")) { c += 'S'; used = 2; }
                break;
            case 't':
                if (starts("tsch")) { c += 'H'; used = 4; }                    // German ч
                else if (starts("tch")) { c += 'H'; used = 3; }
                else if (starts("ts") || starts("tz")) { c += 't'; used = 2; }
                break;
            case 'd':
                if (starts("dzh")) { c += "dS"; used = 3; }                   // дж
                else if (starts("dz")) { c += 'd'; used = 2; }
                break;
            case 'z': if (starts("zh")) { c += 'S'; used = 2; } break;
            case 'k': if (starts("kh")) { c += 'H'; used = 2; } break;
            case 'c': if (starts("ch") || starts("cz")) { c += 'H'; used = 2; } break;
            case 'g': if (starts("gh")) { c += 'H'; used = 2; } break;
            case 'p': if (starts("ph")) { c += 'f'; used = 2; } break;
            default: break;
        }
        if (used > 0) {
            i += used;
            continue;
        }
        const char ch = w[i];
        const char next = at(i + 1);
        const bool next_vowel = next == 'a' || next == 'e' || next == 'i' || next == 'o' || next == 'u';
        switch (ch) {
            case 'a': case 'o': c += 'a'; break;
            case 'e': c += 'e'; break;
            case 'i':                                          // Sergei, Mikalai; ICAO Iulia = Юлия
                c += ((prev_vowel && !ascii_vowel(next)) || (c.empty() && next_vowel)) ? 'j' : 'i';
                break;
            case 'y':                                          // Yana, Sergey, Dzmitry(i), Maryia, BGN Sivyy
                c += (next == 'i' || next == 'j' || next == 'y') ? 'i' : ascii_vowel(next) ? 'j' : prev_vowel ? 'j' : 'i';
                break;
            case 'u':                                          // -ou/-au/-eu = -ov/-aŭ/-ev; Salauyou, Salauev
                c += (!c.empty() && (c.back() == 'a' || c.back() == 'e')) ? 'v' : 'u';
                break;
            case 'c':                                          // Victor; Cichan, Tacciana, Navicki
                c += next == 't' ? 'k' : 't';
                break;
            case 'x': c += "ks"; break;
            case 'w': c += 'v'; break;
            case 'q': c += 'k'; break;
            case 'g': case 'h': c += 'H'; break;
            case 'z': c += german ? 't' : 's'; break;        // German s for з (Morosow), Łacinka ź/ś; German z for ц
            default:
                if (ch >= 'a' && ch <= 'z') c += ch;
        }
        ++i;
    }
}

void fold_rules(std::string& c) {
    // Initial е is "e" in the passport rules and "je"/"ye" elsewhere (Елена, Екатерина); я, ю
    // keep their j (Яна is not Анна).
    if (c.size() > 2 && c[0] == 'j' && c[1] == 'e') c.erase(0, 1);
    // Softness and iotation are written i, j, y, ', ь, or not at all (Łacinka la = ля, ICAO
    // ia, German ja; Марыя, Mariia, Maryja, Mariya): a glide between vowels goes, and after a
    // consonant any run of i/j before a vowel goes, so only the vowel is left. Both passes work
    // in place (this runs per registrant on import).
    std::size_t o = 0;
    for (std::size_t k = 0; k < c.size(); ++k) {
        const char x = c[k];
        if (k > 0 && k + 1 < c.size() && cls_vowel(c[k + 1]) &&
            ((x == 'j' && cls_vowel(c[k - 1])) || (x == 'i' && (c[k - 1] == 'a' || c[k - 1] == 'e' || c[k - 1] == 'u'))))
            continue;                                                  // -aja/-aia/-aya, Mikalajevič
        c[o++] = x;
    }
    c.resize(o);
    o = 0;
    for (std::size_t k = 0; k < c.size(); ++k) {
        const char x = c[k];
        // Akanie, jakanie and the Russian/Belarusian e: unstressed o, e and я all sound a
        // (Кавалёў/Ковалев, Сяргей/Сергей, Каваленка/Коваленко).
        c[o++] = x == 'e' ? 'a' : x;
        if (!cls_consonant(x)) continue;
        std::size_t m = k + 1;
        while (m < c.size() && (c[m] == 'i' || c[m] == 'j')) ++m;
        if (m > k + 1 && m < c.size() && (c[m] == 'a' || c[m] == 'e' || c[m] == 'u')) k = m - 1;
    }
    c.resize(o);
    // Doubled letters: Наталля/Natalia, Кирилл/Kiryl, Dmitrii, Таццяна.
    c.erase(std::unique(c.begin(), c.end()), c.end());
    // Endings.
    const auto ends = [&](std::string_view e) { return c.size() >= e.size() && std::string_view(c).substr(c.size() - e.size()) == e; };
    if (ends("ij")) c.pop_back();                                     // -ий -ij -iy -yj
    if (c.size() > 3 && (ends("dar") || ends("tar"))) c.erase(c.size() - 2, 1);  // Alexander/Aleksandr, Fiodar/Fedor
    if (c.size() > 3 && (ends("li") || ends("di") || ends("ni"))) c.pop_back();  // Васіль/Василий, Генадзь/Геннадий
    // Beginnings.
    if (c.size() > 2 && c[0] == 'u' && c[1] == 'l') c[0] = 'v';      // Уладзімір/Владимир
}

// [SECTION] Stage 3: given-name forms no rule reaches
// Each group lists spellings of one name; the skeletons of all of them map to the first's. The
// table is built from spellings (not skeletons) so it stays right when the rules change.
const std::unordered_map<std::string, std::string>& aliases() {
    static const std::unordered_map<std::string, std::string> table = [] {
        const std::vector<std::vector<std::string_view>> groups = {
            {"Евгений", "Яўген", "Eugene"},
            {"Пётр", "Пятро", "Piatro"},
            {"Николай", "Мікалай", "Mikołaj", "Mikalaj"},
            {"Никита", "Мікіта"},
            {"Анна", "Ганна", "Hanna"},
            {"Ольга", "Вольга", "Volha"},
            {"Елена", "Алена", "Alena", "Alyona", "Алёна"},
            {"Екатерина", "Кацярына", "Katsiaryna"},
            {"Евгения", "Яўгенія"},
            {"Надежда", "Надзея"},
            {"Елизавета", "Лізавета", "Lizaveta"},
            {"Григорий", "Рыгор", "Ryhor"},
            {"Павел", "Павал", "Paval"},
            {"Михаил", "Міхал", "Michał"},
            {"Андрей", "Andrzej"},
            {"Иосиф", "Язэп", "Józef"},
        };
        const auto skeleton = [](std::string_view form) {
            std::string ascii;
            to_ascii_words(form, ascii);
            std::string sk;
            classify(ascii, sk);
            fold_rules(sk);
            return sk;
        };
        // A form whose skeleton is another group's own name is left out: the rules already
        // reach it, and mapping it would join two names (Eugene's skeleton is Евгения's).
        std::unordered_map<std::string, std::string> canon_of;
        for (const auto& g : groups) canon_of.emplace(skeleton(g.front()), std::string());
        std::unordered_map<std::string, std::string> m;
        for (const auto& g : groups) {
            const std::string canon = skeleton(g.front());
            for (const auto form : g) {
                const std::string sk = skeleton(form);
                if (sk != canon && canon_of.count(sk) == 0) m.emplace(sk, canon);
            }
        }
        return m;
    }();
    return table;
}

void skeleton_word(std::string_view w, std::string& out, bool german) {
    std::string c;
    c.reserve(w.size() + 4);
    classify(w, c, german);
    fold_rules(c);
    const auto& a = aliases();
    if (const auto it = a.find(c); it != a.end()) c = it->second;
    out += c;
}

}  // namespace

// [SECTION] Public functions

namespace {
std::string skeleton_of(std::string_view field, bool german) {
    const std::string_view bounded = field.substr(0, std::min<std::size_t>(field.size(), 4096));
    std::string ascii;
    ascii.reserve(bounded.size() + 8);
    bool other_script = false;
    for (std::size_t i = 0; i < bounded.size() && !other_script;) {
        const char32_t c = next_cp(bounded, i);
        if (!handled_script(c) && u_isalpha(static_cast<UChar32>(c))) other_script = true;
    }
    if (other_script) to_ascii_words(icu_romanise(bounded), ascii);
    else to_ascii_words(bounded, ascii);

    std::string out;
    out.reserve(ascii.size());
    std::size_t start = 0;
    while (start < ascii.size()) {
        std::size_t end = ascii.find(' ', start);
        if (end == std::string::npos) end = ascii.size();
        const std::size_t before = out.size();
        if (!out.empty()) out += ' ';
        const std::size_t mark = out.size();
        skeleton_word(std::string_view(ascii).substr(start, end - start), out, german);
        if (out.size() == mark) out.resize(before);  // a word with no letters left
        start = end + 1;
    }
    return out;
}

// German (Duden) romanization writes з as s and ц as z, every other scheme з as z: a z reads as
// ц only in a name written the German way. That is told by what German writes and the others do
// not: plain ASCII, "sch" or a w before a vowel (в), MARKER; and nothing the German table lacks:
// no c outside ch/sch (Polish, Łacinka, ISO 9 ц) and no ts/tz outside tsch (ц elsewhere).
bool german_spelling(std::string_view a, std::string_view b) {
    bool marker = false;
    for (const std::string_view s : {a, b}) {
        for (std::size_t i = 0; i < s.size(); ++i) {
            const unsigned char u = static_cast<unsigned char>(s[i]);
            if (u >= 0x80) return false;
            const auto at = [&](std::size_t k) {
                return k < s.size() ? static_cast<char>(std::tolower(static_cast<unsigned char>(s[k]))) : '\0';
            };
            const char ch = at(i), next = at(i + 1);
            if (ch == 'c' && next != 'h') return false;
            if (ch == 't' && (next == 's' || next == 'z') && !(at(i + 2) == 'c' && at(i + 3) == 'h')) return false;
            if (ch == 's' && next == 'c' && at(i + 2) == 'h') marker = true;
        }
    }
    return marker;
}
}  // namespace

std::string name_skeleton(std::string_view field) { return skeleton_of(field, false); }

namespace {
// A patronymic typed after the given name (Сяргей Іванавіч, Anna Sergeevna, Wiktor Wiktorowitsch)
// is left out: most spellings of the same person have none. Only a word after a field's first is
// dropped, and only with a patronymic's ending: -ovich/-evich/-vič/-wicz/-witsch, -ovna/-evna/-aŭna,
// -ichna/-ična.
bool patronymic_shaped(std::string_view w) {
    const auto ends = [&](std::string_view e) { return w.size() >= e.size() + 2 && w.substr(w.size() - e.size()) == e; };
    return ends("viH") || ends("avna") || ends("iHna");
}
void drop_patronymics(std::string& sk) {
    const std::size_t first = sk.find(' ');
    if (first == std::string::npos) return;
    std::string out = sk.substr(0, first);
    for (std::size_t start = first + 1; start <= sk.size();) {
        std::size_t end = sk.find(' ', start);
        if (end == std::string::npos) end = sk.size();
        const std::string_view w = std::string_view(sk).substr(start, end - start);
        if (!patronymic_shaped(w)) {
            out += ' ';
            out += w;
        }
        start = end + 1;
    }
    sk = std::move(out);
}
}  // namespace

std::string name_match_key(std::string_view given, std::string_view family) {
    const bool german = german_spelling(given, family);
    std::string g = skeleton_of(given, german);
    std::string f = skeleton_of(family, german);
    drop_patronymics(g);
    drop_patronymics(f);
    if (g.empty() && f.empty()) return {};
    if (f < g) std::swap(g, f);   // order-insensitive: given and family typed the other way round
    g += '|';
    g += f;
    return g;
}

std::string name_loose_key(std::string_view name_key) {
    // Per word: consonants only (vowels and the glide j go, so a vowel written otherwise or
    // mistyped no longer matters), s/z/ц/т as one letter (Duden's z for ц against every other
    // scheme's z for з cannot be told apart in a name such as Morozowa: the exact key reads it
    // one way, this one both), doubles collapse, and a final vowel leaves a mark.
    const auto loosen = [](std::string_view half) {
        std::string out;
        for (std::size_t start = 0; start <= half.size();) {
            std::size_t end = half.find(' ', start);
            if (end == std::string_view::npos) end = half.size();
            const std::string_view w = half.substr(start, end - start);
            // A letter equal to the one before collapses, unless the two were a cluster of two
            // letters in the first key: Saizew/Зайцаў (s-s, s-t across a vowel) join, but the st of
            // Станкевіч stays two letters and apart from Зянковіч.
            std::string lw;
            char last = 0;
            bool vowel_since = false;
            for (const char ch : w) {
                if (ch == 'a' || ch == 'e' || ch == 'i' || ch == 'u' || ch == 'j') {
                    vowel_since = true;
                    continue;
                }
                const char c = ch == 's' ? 't' : ch;
                if (lw.empty() || lw.back() != c || (!vowel_since && ch != last)) lw += c;
                last = ch;
                vowel_since = false;
            }
            if (!lw.empty() && cls_vowel(w.back())) lw += 'V';  // a word of vowels only leaves nothing
            if (!lw.empty()) {
                if (!out.empty()) out += ' ';
                out += lw;
            }
            start = end + 1;
        }
        return out;
    };
    const std::size_t bar = name_key.find('|');
    if (bar == std::string_view::npos) return {};
    std::string g = loosen(name_key.substr(0, bar));
    std::string f = loosen(name_key.substr(bar + 1));
    if (g.empty() && f.empty()) return {};
    if (f < g) std::swap(g, f);
    return g + '|' + f;
}

std::string contact_match_key_email(std::string_view email) {
    std::size_t b = 0;
    std::size_t e = email.size();
    while (b < e && (email[b] == ' ' || email[b] == '\t')) ++b;
    while (e > b && (email[e - 1] == ' ' || email[e - 1] == '\t')) --e;
    if (e - b > 320) return {};
    std::string s(email.substr(b, e - b));
    const std::size_t at = s.find('@');
    if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos || at + 1 == s.size())
        return {};
    for (auto& ch : s)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (const std::size_t plus = s.find('+'); plus != std::string::npos && plus < at && plus > 0)
        s.erase(plus, at - plus);
    // Non-ASCII letters (internationalised addresses) are lower-cased by ICU.
    if (std::any_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; })) {
        icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
        u.foldCase();
        s.clear();
        u.toUTF8String(s);
    }
    return s;
}

std::string contact_match_key_phone(std::string_view phone) {
    std::string digits;
    bool plus = false;
    bool seen_digit = false;
    for (const char ch : phone.substr(0, std::min<std::size_t>(phone.size(), 64))) {
        if (ch >= '0' && ch <= '9') {
            digits += ch;
            seen_digit = true;
        } else if (ch == '+' && !seen_digit) {
            plus = true;
        }
    }
    if (!plus && digits.size() > 2 && digits[0] == '0' && digits[1] == '0') {
        digits.erase(0, 2);
        plus = true;
    }
    if (digits.size() < 6 || digits.size() > 15) return {};
    return plus ? "+" + digits : digits;
}

}  // namespace embassy::registry
