// Passphrase strength and the growing delay after wrong passphrases.
#include "embassy/kiosk/auth.hpp"
#include "embassy/kiosk/flow.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

using namespace embassy::kiosk;
using std::chrono::seconds;

TEST_CASE("the unlock delay doubles from 1 s and stops at the cap", "[kiosk][auth]") {
    struct Row { int failures; long long want; };
    auto row = GENERATE(Row{0, 0}, Row{1, 1}, Row{2, 2}, Row{3, 4}, Row{4, 8}, Row{6, 32}, Row{7, 60},
                        Row{20, 60}, Row{1000, 60}, Row{-3, 0});
    CHECK(unlock_delay(row.failures, seconds{60}).count() == row.want);
}

TEST_CASE("passphrase strength: weak ones are refused, word passphrases pass", "[kiosk][auth]") {
    struct Row { const char* pass; bool ok; };
    auto row = GENERATE(Row{"", false}, Row{"abc", false}, Row{"aaaaaaaaaaaaaaaaaaaa", false},
                        Row{"password123456", false}, Row{"Passwort-2024!", false}, Row{"qwertyuiop", false},
                        Row{"123456789012", false}, Row{"tR7#kq", false},
                        Row{"copper meadow violin harbor", true}, Row{"Kq7#mZ2!xP9w", true},
                        Row{"зубр ляцiць над лесам", true}, Row{"vasilok-hrabina-lapata-kalyska", true});
    INFO(row.pass);
    CHECK(passphrase_acceptable(row.pass) == row.ok);
    auto s = passphrase_strength(row.pass);
    CHECK(s.score >= 0);
    CHECK(s.score <= 4);
    CHECK(std::string(s.hint).rfind("setup.passphrase.hint.", 0) == 0);
}

// The measured table of kiosk/README.md "Passphrase strength": passphrases made by rule, with the
// score the estimator must give (or stay below).
struct Case { const char* rule; const char* pass; int min; int max; };
constexpr Case kTable[] = {
    {"issue", "zhyve belarus", 0, 0},
    {"issue", "пароль пароль пароль", 0, 0},
    {"issue", "abc def ghi jkl mno", 0, 1},
    {"word repeated", "password password password", 0, 0},
    {"word repeated", "maple maple maple maple", 0, 0},
    {"word repeated", "беларусь беларусь беларусь", 0, 0},
    {"word repeated", "zhyvebelaruszhyvebelarus", 0, 0},
    {"keyboard walk", "qwertyuiop", 0, 0},
    {"keyboard walk", "qwertyuiopasdfghjkl", 0, 0},
    {"keyboard walk", "1qaz2wsx3edc4rfv", 0, 1},
    {"keyboard walk", "йцукенгшщзхъ", 0, 0},
    {"keyboard walk", "asdf jkl; asdf jkl;", 0, 0},
    {"sequence", "abcdefghijklmnop", 0, 0},
    {"sequence", "1234567890123456", 0, 0},
    {"sequence", "абвгдежзийклмн", 0, 0},
    {"sequence", "aaaaaaaaaaaaaaaaaaaa", 0, 0},
    {"our words", "жыве беларусь", 0, 0},
    {"our words", "Жыве Беларусь!", 0, 0},
    {"our words", "слава героям беларусь", 0, 0},
    {"our words", "Belarus1991", 0, 0},
    {"our words", "minsk2020", 0, 0},
    {"our words", "lukashenka 2020 minsk", 0, 0},
    {"demo names", "demo kiosk warszawa", 0, 0},
    {"demo names", "Demo rally Warszawa 2026", 0, 1},
    {"common + year", "Passwort-2024!", 0, 0},
    {"leet", "p@ssw0rd123", 0, 0},
    {"leet", "Tr0ub4dor&3", 1, 2},
    {"random characters", "xK9#mQ2$vL7!pW4&", 4, 4},
    {"random characters", "Kq7#mZ2!xP9w", 2, 4},
    {"4 words", "anchor silver winter pencil", 3, 3},
    {"4 words, one twice", "button rocket rocket ladder", 2, 2},
    {"5 words", "ladder saddle pepper garden stone", 4, 4},
    {"4 Cyrillic words", "мост ранак шлях сіні", 3, 3},
    {"5 Cyrillic words", "птушка горад возера хмара мост", 4, 4},
};

TEST_CASE("passphrases made by rule get the scores of the measured table", "[kiosk][auth]") {
    for (const auto& c : kTable) {
        INFO(c.rule << ": " << c.pass);
        const int score = passphrase_strength(c.pass).score;
        CHECK(score >= c.min);
        CHECK(score <= c.max);
    }
}

TEST_CASE("Cyrillic capitals and Latin capitals do not hide a dictionary word", "[kiosk][auth]") {
    CHECK(passphrase_strength("ЖЫВЕ БЕЛАРУСЬ").score == 0);
    CHECK(passphrase_strength("Zhyve Belarus").score == 0);
    CHECK(passphrase_strength("ZHYVE BELARUS").bits <= passphrase_strength("zhyve belarus").bits + 2);
}

TEST_CASE("the Setup gate accepts exactly the passphrases the meter scores as enough", "[kiosk][auth]") {
    for (const auto& c : kTable) {
        INFO(c.pass);
        Flow f = Flow::first_run({}, TimePoint{});
        f.auth.passphrase = c.pass;
        f.auth.confirm = c.pass;
        (void)f.handle(ev::Next{}, TimePoint{});
        const bool meter_says_enough = passphrase_strength(c.pass).score >= min_passphrase_score;
        CHECK((f.screen != Screen::SetupPassphrase) == meter_says_enough);
        CHECK(passphrase_acceptable(c.pass) == meter_says_enough);
    }
}

TEST_CASE("the meter rises with length", "[kiosk][auth]") {
    CHECK(passphrase_strength("copper").score < passphrase_strength("copper meadow violin").score);
    CHECK(passphrase_strength("copper meadow violin").score <= passphrase_strength("copper meadow violin harbor stone").score);
    CHECK(passphrase_strength("copper meadow violin harbor stone").score == 4);
}
