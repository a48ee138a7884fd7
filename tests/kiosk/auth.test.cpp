// Passphrase strength and the growing delay after wrong passphrases.
#include "embassy/kiosk/auth.hpp"

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
                        Row{"river lantern maple orbit", true}, Row{"Kq7#mZ2!xP9w", true},
                        Row{"зубр ляцiць над лесам", true}, Row{"vasilok-hrabina-pahonia", true});
    INFO(row.pass);
    CHECK(passphrase_acceptable(row.pass) == row.ok);
    auto s = passphrase_strength(row.pass);
    CHECK(s.score >= 0);
    CHECK(s.score <= 4);
    CHECK(std::string(s.hint).rfind("setup.passphrase.hint.", 0) == 0);
}

TEST_CASE("the meter rises with length", "[kiosk][auth]") {
    CHECK(passphrase_strength("maple").score < passphrase_strength("maple orbit river").score);
    CHECK(passphrase_strength("maple orbit river").score <= passphrase_strength("maple orbit river lantern stone").score);
    CHECK(passphrase_strength("maple orbit river lantern stone").score == 4);
}
