// Passphrase strength estimate and the growing delay after wrong passphrases.
#include "embassy/kiosk/auth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace embassy::kiosk {

namespace {

// Split UTF-8 into code points; invalid bytes count as one code point each, which only makes the
// estimate more cautious.
std::vector<std::string_view> code_points(std::string_view s) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
        n = std::min(n, s.size() - i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

bool contains_common_password(std::string_view s) {
    std::string lower;
    for (char c : s) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    static constexpr std::array<std::string_view, 10> common = {
        "password", "passwort", "123456", "qwerty", "йцукен", "пароль", "haslo", "slaptazodis",
        "letmein", "111111"};
    return std::any_of(common.begin(), common.end(),
                       [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

}  // namespace

Strength passphrase_strength(std::string_view passphrase) {
    Strength s;
    auto cps = code_points(passphrase);
    if (cps.empty()) {
        s.hint = "setup.passphrase.hint.empty";
        return s;
    }
    bool lower = false, upper = false, digit = false, symbol = false, other = false;
    std::set<std::string_view> distinct;
    for (auto cp : cps) {
        distinct.insert(cp);
        char c = cp[0];
        if (cp.size() > 1) other = true;
        else if (c >= 'a' && c <= 'z') lower = true;
        else if (c >= 'A' && c <= 'Z') upper = true;
        else if (c >= '0' && c <= '9') digit = true;
        else symbol = true;
    }
    double pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 66 : 0);
    // Repeated characters add little: count at most twice the number of distinct characters.
    double effective_len = std::min(double(cps.size()), 2.0 * double(distinct.size()));
    double char_bits = effective_len * std::log2(std::max(pool, 2.0));

    // Words: runs of non-separators; only words of 4+ code points count (a list of common words).
    int words = 0;
    std::size_t run = 0;
    for (std::size_t i = 0; i <= cps.size(); ++i) {
        bool sep = i == cps.size() || cps[i] == " " || cps[i] == "-" || cps[i] == "." || cps[i] == "_";
        if (sep) {
            if (run >= 4) ++words;
            run = 0;
        } else {
            ++run;
        }
    }
    double word_bits = 11.0 * words;

    s.bits = std::max(char_bits, word_bits);
    if (contains_common_password(passphrase)) {
        s.bits = std::min(s.bits, 10.0);
        s.hint = "setup.passphrase.hint.common";
    }
    s.score = s.bits < 28 ? 0 : s.bits < 40 ? 1 : s.bits < 56 ? 2 : s.bits < 72 ? 3 : 4;
    if (*s.hint == '\0') {
        if (cps.size() < min_passphrase_chars) s.hint = "setup.passphrase.hint.short";
        else if (s.score < min_passphrase_score) s.hint = "setup.passphrase.hint.words";
        else if (s.score < 4) s.hint = "setup.passphrase.hint.ok";
        else s.hint = "setup.passphrase.hint.strong";
    }
    if (cps.size() < min_passphrase_chars) s.score = std::min(s.score, 1);
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
