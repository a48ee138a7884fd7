// The one passphrase strength estimate (the Setup screen's meter and the flow's gate both read
// it) and the growing delay after wrong passphrases.
#include "embassy/kiosk/auth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace embassy::kiosk {

namespace {

// How the estimate works (kiosk/README.md "Passphrase strength" has the measurements behind it):
// an attacker guesses by pattern, not by character. The passphrase, lower-cased, is cut into the
// cheapest sequence of pieces — a word of our dictionary, a repeat of something earlier, an
// alphabet or digit sequence, a keyboard walk (Latin or Cyrillic layout), a year, an ordinary word,
// a separator, a single character — and the bits are the sum of the pieces' costs: the log2 of the
// guesses an attacker needs for that piece. zxcvbn's idea, on code points, with Cyrillic.

// Common passwords and the words a Belarusian passphrase reaches for first (Latin, Łacinka and
// Cyrillic), plus the demo's names. Lower case; matched anywhere inside the passphrase.
constexpr std::array<std::string_view, 124> kDictionary = {
    // passwords people reuse
    "password", "passwort", "passw0rd", "haslo", "hasło", "slaptazodis", "parol", "пароль", "qwerty",
    "йцукен", "letmein", "iloveyou", "welcome", "admin", "secret", "monkey", "dragon", "football",
    "love", "любовь", "любоў", "kocham", "sunshine", "princess", "master", "hello", "привет",
    "прывітанне", "privet", "freedom", "test",
    // Belarus, Latin and Łacinka
    "belarus", "bielarus", "biełaruś", "bielarusi", "zhyve", "zhyvie", "žyvie", "zyvie", "slava", "hierojam",
    "heroyam", "svaboda", "volia", "volya", "pahonia", "pogonya", "minsk", "miensk", "vasilok", "zubr",
    "radzima", "batskaushchyna", "lukashenka", "lukashenko", "tsikhanouskaya", "kalesnikava", "babaryka",
    "bchb", "mama", "tata",
    // Belarus, Cyrillic (Belarusian and Russian spellings)
    "беларусь", "беларусі", "белоруссия", "жыве", "живе", "слава", "героям", "свабода", "свобода", "воля",
    "пагоня", "погоня", "мінск", "минск", "радзіма", "родина", "бацькаўшчына", "зубр", "васілёк",
    "лукашэнка", "лукашенко", "ціханоўская", "тихановская", "калеснікава", "колесникова", "мама", "тата",
    "вязняў", "выбары",
    // the demo kiosk's own names
    "embassy", "kiosk", "demo", "rally", "warszawa", "appeal",
    // The Setup screen's own example passphrase, in every catalog (setup.passphrase.suggest): every
    // attacker has read it, so copying it must not pass (tests/kiosk_ui/catalogs.test.cpp).
    "river", "lantern", "maple", "orbit", "raka", "lichtar", "klon", "arbita", "рака", "ліхтар", "клён",
    "арбіта", "fluss", "laterne", "ahorn", "umlaufbahn", "upė", "žibintas", "klevas", "orbita", "rzeka",
    "latarnia", "река", "фонарь", "орбита", "річка", "клен", "орбіта",
};

// Keyboard rows for walks ("qwerty", "1qaz", "йцукен", "фыва"): a key touches its neighbours in
// the row and the two keys below it in the next row (the rows are staggered).
constexpr std::array<std::u32string_view, 4> kLatinRows = {U"1234567890-=", U"qwertyuiop[]", U"asdfghjkl;'",
                                                           U"zxcvbnm,./"};
constexpr std::array<std::u32string_view, 4> kCyrillicRows = {U"1234567890-=", U"йцукенгшщзхъ", U"фывапролджэ",
                                                              U"ячсмитьбю."};
constexpr std::array<std::u32string_view, 4> kBelarusianRows = {U"1234567890-=", U"йцукенгшўзх'", U"фывапролджэ",
                                                                U"ячсмітьбю."};

constexpr std::size_t kMaxPiece = 32;   // longer runs are cut into pieces; each piece is still priced

// Lenient UTF-8 decoding: an invalid byte is one code point of its own (U+FFFD), which only makes
// the estimate more cautious.
std::u32string decode(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        bool ok = n > 0 && i + n <= s.size();
        char32_t cp = n == 1 ? b : (b & (0xFFu >> (n + 1)));
        for (std::size_t k = 1; ok && k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            ok = (c & 0xC0) == 0x80;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        out.push_back(ok ? cp : U'\uFFFD');
        i += ok ? n : 1;
    }
    return out;
}

char32_t lower(char32_t c) {
    if (c >= U'A' && c <= U'Z') return c + 32;
    if (c >= U'\u0410' && c <= U'\u042F') return c + 0x20;   // А..Я
    if (c >= U'\u0400' && c <= U'\u040F') return c + 0x50;   // Ѐ..Џ: Ё, І, Ў among them
    if (c >= U'\u00C0' && c <= U'\u00DE' && c != U'\u00D7') return c + 0x20;
    if (c >= U'\u0100' && c <= U'\u017F' && (c % 2) == 0) return c + 1;   // Latin Extended-A pairs (Ł is odd: 0x141)
    return c;
}
bool is_cyrillic(char32_t c) { return c >= U'\u0400' && c <= U'\u04FF'; }
bool is_letter(char32_t c) {
    return (c >= U'a' && c <= U'z') || is_cyrillic(c) || (c >= U'\u00C0' && c <= U'\u024F' && c != U'\u00D7' && c != U'\u00F7');
}
bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_separator(char32_t c) {
    return c == U' ' || c == U'-' || c == U'_' || c == U'.' || c == U',' || c == U'/' || c == U'+';
}
bool is_vowel(char32_t c) {
    static constexpr std::u32string_view v = U"aeiouyаеёиоуыэюяіўàáâãäåæèéêëìíîïòóôõöøùúûüýąęėįųūōė";
    return v.find(c) != std::u32string_view::npos;
}

// Guesses for one character picked at random from its class.
double char_bits(char32_t lower_c, bool upper) {
    double pool = 33;                                    // ASCII punctuation
    if (lower_c >= U'a' && lower_c <= U'z') pool = 26;
    else if (is_digit(lower_c)) pool = 10;
    else if (is_cyrillic(lower_c)) pool = 33;
    else if (lower_c >= 0x80) pool = 100;
    return std::log2(upper ? pool * 2 : pool);
}

// Leet spellings folded back for dictionary look-ups ("p@ssw0rd").
char32_t unleet(char32_t c) {
    switch (c) {
        case U'@': case U'4': return U'a';
        case U'0': return U'o';
        case U'1': case U'!': return U'i';
        case U'3': return U'e';
        case U'$': case U'5': return U's';
        case U'7': return U't';
        default: return c;
    }
}

const std::set<std::u32string>& dictionary() {
    static const std::set<std::u32string> words = [] {
        std::set<std::u32string> w;
        for (auto word : kDictionary) {
            std::u32string d = decode(word);
            for (auto& c : d) c = lower(c);
            w.insert(d);
        }
        return w;
    }();
    return words;
}

// Position of a key on one of the layouts: {layout, row, column}, or row -1.
struct Key { int layout = 0, row = -1, col = 0; };
Key find_key(char32_t c, int layout) {
    const auto& rows = layout == 0 ? kLatinRows : layout == 1 ? kCyrillicRows : kBelarusianRows;
    for (std::size_t r = 0; r < rows.size(); ++r)
        if (auto p = rows[r].find(c); p != std::u32string_view::npos) return {layout, int(r), int(p)};
    return {};
}

// Cost of a keyboard walk over p (3+ keys, each next to the one before), else infinity. A change
// of direction is a choice the attacker has to guess.
double walk_bits(std::u32string_view p) {
    double best = INFINITY;
    for (int layout = 0; layout < 3; ++layout) {
        int turns = 0, last_dr = 9, last_dc = 9;
        bool ok = true;
        Key prev = find_key(p[0], layout);
        ok = prev.row >= 0;
        for (std::size_t i = 1; ok && i < p.size(); ++i) {
            const Key k = find_key(p[i], layout);
            const int dr = k.row - prev.row, dc = k.col - prev.col;
            const bool near = k.row >= 0 && ((dr == 0 && (dc == 1 || dc == -1)) || (dr == 1 && (dc == 0 || dc == -1)) ||
                                             (dr == -1 && (dc == 0 || dc == 1)));
            ok = near;
            if (i > 1 && (dr != last_dr || dc != last_dc)) ++turns;
            last_dr = dr;
            last_dc = dc;
            prev = k;
        }
        if (ok) best = std::min(best, 6.0 + std::log2(double(p.size())) + 1.5 * turns);
    }
    return best;
}

struct Piece { double bits = INFINITY; bool known = false; };   // known: a dictionary word or a repeat

// The cheapest reading of lower[i, j).
Piece price(const std::u32string& lower_s, const std::vector<bool>& upper, std::size_t i, std::size_t j) {
    const std::u32string_view all(lower_s);
    const std::u32string_view p = all.substr(i, j - i);
    const std::size_t n = p.size();
    Piece best;
    auto offer = [&](double bits, bool known = false) {
        if (bits < best.bits) best = {bits, known};
    };
    std::size_t letters = 0, uppers = 0;
    bool all_letters = true, all_digits = true;
    for (std::size_t k = 0; k < n; ++k) {
        letters += is_letter(p[k]);
        uppers += upper[i + k];
        all_letters = all_letters && is_letter(p[k]);
        all_digits = all_digits && is_digit(p[k]);
    }
    // Capitals: none, the first, or all of them are one guess each; others cost a bit apiece.
    const double case_bits = uppers == 0 ? 0.0 : (uppers == letters && letters > 1) || (uppers == 1 && upper[i]) ? 1.0
                                                                                                                : double(uppers);
    if (n == 1) {
        if (is_separator(p[0])) {
            const auto first = all.find_first_of(U" -_.,/+");
            offer(first == i ? 1.0 : all[first] == p[0] ? 0.0 : 3.0);
        }
        offer(char_bits(p[0], upper[i]));
        return best;
    }
    if (n >= 3) {
        // A dictionary word, plain or leet, with its capitals.
        std::u32string folded(p);
        double subs = 0;
        for (auto& c : folded)
            if (char32_t u = unleet(c); u != c) { c = u; subs += 1; }
        const double dict_bits = std::log2(double(dictionary().size()));
        if (dictionary().count(std::u32string(p))) offer(dict_bits + case_bits, true);
        else if (subs > 0 && dictionary().count(folded)) offer(dict_bits + case_bits + subs, true);
        // Something typed before: the attacker only guesses that it repeats.
        // (Four code points or more: ordinary words share three-letter runs by chance.)
        if (n >= 4 && all.substr(0, i).find(p) != std::u32string_view::npos) offer(2.0, true);
        // One character over and over, or an alphabet / digit sequence either way.
        if (std::all_of(p.begin(), p.end(), [&](char32_t c) { return c == p[0]; }))
            offer(char_bits(p[0], upper[i]) + std::log2(double(n)));
        const auto step = static_cast<long>(p[1]) - static_cast<long>(p[0]);
        bool seq = step == 1 || step == -1;
        for (std::size_t k = 2; seq && k < n; ++k) seq = static_cast<long>(p[k]) - static_cast<long>(p[k - 1]) == step;
        if (seq) offer(5.0 + (step < 0 ? 1.0 : 0.0) + std::log2(double(n)) + case_bits);
        offer(walk_bits(p) + case_bits);
    }
    if (all_digits && n == 4 && (p[0] == U'1' || p[0] == U'2') && (p[1] == U'9' || p[1] == U'0')) offer(7.0);   // a year
    // An ordinary word an attacker finds in a dictionary of the language: about 14 bits for a
    // word of four letters or more (~16000 words), 10 for a short one. Only pronounceable runs count
    // as words, so random letters are priced as random letters.
    if (all_letters && n >= 2) {
        bool vowel = false;
        std::size_t consonants = 0, worst = 0;
        for (char32_t c : p) {
            const bool v = is_vowel(c);
            vowel = vowel || v;
            consonants = v ? 0 : consonants + 1;
            worst = std::max(worst, consonants);
        }
        if (vowel && worst <= 3) offer((n <= 3 ? 10.0 : 14.0) + case_bits);
    }
    return best;
}

}  // namespace

Strength passphrase_strength(std::string_view passphrase) {
    Strength s;
    const std::u32string cps = decode(passphrase);
    if (cps.empty()) {
        s.hint = "setup.passphrase.hint.empty";
        return s;
    }
    std::u32string lower_s = cps;
    std::vector<bool> upper(cps.size());
    for (std::size_t k = 0; k < cps.size(); ++k) {
        lower_s[k] = lower(cps[k]);
        upper[k] = lower_s[k] != cps[k];
    }
    // Cheapest cut into pieces: best[j] is the cost of lower_s[0, j).
    const std::size_t n = cps.size();
    std::vector<double> best(n + 1, INFINITY);
    std::vector<bool> known(n + 1, false);
    best[0] = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j <= std::min(n, i + kMaxPiece); ++j) {
            const Piece p = price(lower_s, upper, i, j);
            if (best[i] + p.bits < best[j]) {
                best[j] = best[i] + p.bits;
                known[j] = known[i] || p.known;
            }
        }
    }
    s.bits = best[n];
    s.score = s.bits < 28 ? 0 : s.bits < 40 ? 1 : s.bits < 56 ? 2 : s.bits < 70 ? 3 : 4;
    if (n < min_passphrase_chars) s.hint = "setup.passphrase.hint.short";
    else if (s.score < min_passphrase_score) s.hint = known[n] ? "setup.passphrase.hint.common" : "setup.passphrase.hint.words";
    else if (s.score < 4) s.hint = "setup.passphrase.hint.ok";
    else s.hint = "setup.passphrase.hint.strong";
    if (n < min_passphrase_chars) s.score = std::min(s.score, 1);
    return s;
}

bool passphrase_acceptable(std::string_view passphrase) {
    return passphrase_strength(passphrase).score >= min_passphrase_score;
}

std::chrono::seconds unlock_delay(int failures, std::chrono::seconds cap) {
    if (failures <= 0) return std::chrono::seconds{0};
    if (failures > 30) return cap;  // 2^30 s is already far beyond any sensible cap
    std::chrono::seconds d{std::int64_t{1} << (failures - 1)};
    return std::min(d, cap);
}

}  // namespace embassy::kiosk
