// Validation and normalization of registrant text (THREAT-MODEL row 15, docs/threat-model.md); country names are in countries.test.cpp.
#include "embassy/registry/text.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <algorithm>
#include <set>
#include <string>

using namespace embassy::registry;

namespace {

struct NameCase {
    const char* what;
    std::string input;
    bool accepted;
    std::string expected;  // normalized bytes when accepted; a fragment of the message when refused
};

}  // namespace

TEST_CASE("hostile names get the expected outcome with a per-field message that never echoes them",
          "[registry][text]") {
    const std::string too_long = std::string(10 * 1024, 'a');
    const std::string hundred_cyr = [] { std::string s; for (int i = 0; i < 100; ++i) s += "ж"; return s; }();
    const std::string hundred_one_cyr = hundred_cyr + "ж";
    const std::string hundred_decomposed = [] { std::string s; for (int i = 0; i < 100; ++i) s += "e\xCC\x81"; return s; }();
    const std::string hundred_composed = [] { std::string s; for (int i = 0; i < 100; ++i) s += "\xC3\xA9"; return s; }();

    const auto c = GENERATE_COPY(values<NameCase>({
        {"plain Latin", "Anna", true, "Anna"},
        {"Łacinka", "Łukašenka", true, "Łukašenka"},
        {"Łacinka Ŭ", "Ŭładzimir", true, "Ŭładzimir"},
        {"Belarusian Cyrillic", "Ўладзімір", true, "Ўладзімір"},
        {"Ukrainian letters", "Ґалина Їжак-Євенко", true, "Ґалина Їжак-Євенко"},
        {"decomposed é becomes NFC", "Rene\xCC\x81", true, "Ren\xC3\xA9"},
        {"leading and trailing spaces", "  \xC2\xA0Siarhei\xE2\x80\x83 ", true, "Siarhei"},
        {"inner whitespace runs collapse", "Anna \xE2\x80\x82  Maria", true, "Anna Maria"},
        {"apostrophes and hyphen", "D\xE2\x80\x99" "Artagnan O'Neil Jean\xE2\x80\x90Luc Ta\xCA\xBC", true,
         "D\xE2\x80\x99" "Artagnan O'Neil Jean\xE2\x80\x90Luc Ta\xCA\xBC"},
        {"initial with period", "J. R.", true, "J. R."},
        {"100 Cyrillic characters", hundred_cyr, true, hundred_cyr},
        {"100 decomposed characters count after NFC", hundred_decomposed, true, hundred_composed},
        {"101 characters", hundred_one_cyr, false, "must be 1\xE2\x80\x93" "100 characters"},
        {"10 kB string", too_long, false, "must be 1\xE2\x80\x93" "100 characters"},
        {"empty", "", false, "must be 1\xE2\x80\x93" "100 characters"},
        {"only spaces", " \xE3\x80\x80 ", false, "must be 1\xE2\x80\x93" "100 characters"},
        {"only punctuation", "-.", false, "must contain a letter"},
        {"overlong slash", "Ann\xC0\xAF", false, "not valid UTF-8"},
        {"overlong 3-byte", "Ann\xE0\x80\xAF", false, "not valid UTF-8"},
        {"encoded surrogate", "Ann\xED\xA0\x80", false, "not valid UTF-8"},
        {"truncated sequence", "Ann\xD0", false, "not valid UTF-8"},
        {"above U+10FFFF", "Ann\xF4\x90\x80\x80", false, "not valid UTF-8"},
        {"lone continuation byte", "Ann\x80", false, "not valid UTF-8"},
        {"NUL", std::string("Ann\0a", 5), false, "not allowed in a name"},
        {"newline", "Ann\na", false, "not allowed in a name"},
        {"tab", "Ann\ta", false, "not allowed in a name"},
        {"DEL", "Ann\x7F", false, "not allowed in a name"},
        {"C1 control", "Ann\xC2\x85", false, "not allowed in a name"},
        {"right-to-left override", "Ann\xE2\x80\xAE" "a", false, "not allowed in a name"},
        {"right-to-left mark", "Ann\xE2\x80\x8F" "a", false, "not allowed in a name"},
        {"zero width space", "Ann\xE2\x80\x8B" "a", false, "not allowed in a name"},
        {"byte order mark", "\xEF\xBB\xBF" "Anna", false, "not allowed in a name"},
        {"emoji", "Anna \xF0\x9F\x98\x80", false, "not allowed in a name"},
        {"digit", "Anna2", false, "not allowed in a name"},
        {"symbol", "Anna$", false, "not allowed in a name"},
        {"private use", "Ann\xEE\x80\x80", false, "not allowed in a name"},
        {"unassigned", "Ann\xF0\x90\x83\xBF", false, "not allowed in a name"},
        {"line separator", "Ann\xE2\x80\xA8" "a", false, "not allowed in a name"},
        {"combining mark at start", "\xCC\x81" "Anna", false, "not allowed in a name"},
        {"combining mark after space", "Anna \xCC\x81", false, "not allowed in a name"},
        {"stacked combining marks", "A\xCC\x81\xCC\x82\xCC\x83\xCC\x84\xCC\x85", false, "not allowed in a name"},
    }));
    CAPTURE(c.what);
    for (const char* label : {"given name", "family name"}) {
        const auto r = normalize_name(c.input, label);
        REQUIRE(r.ok() == c.accepted);
        if (c.accepted) {
            CHECK(r.value() == c.expected);
            CHECK(validate_utf8(r.value()).ok());
        } else {
            CHECK(r.message().rfind(std::string(label) + ": ", 0) == 0);
            CHECK(r.message().find(c.expected) != std::string::npos);
            if (c.input.size() >= 3) CHECK(r.message().find(c.input) == std::string::npos);
            CHECK(r.message().find("Ann") == std::string::npos);
        }
    }
}

TEST_CASE("validate_utf8 and utf8_length follow RFC 3629", "[registry][text]") {
    CHECK(validate_utf8("").ok());
    CHECK(validate_utf8("Ўладзімір \xF0\x9F\x98\x80").ok());
    CHECK(validate_utf8("\xF4\x8F\xBF\xBF").ok());              // U+10FFFF
    CHECK_FALSE(validate_utf8("\xC1\xBF").ok());                  // overlong
    CHECK_FALSE(validate_utf8("\xF0\x8F\xBF\xBF").ok());          // overlong 4-byte
    CHECK_FALSE(validate_utf8("\xED\xBF\xBF").ok());              // low surrogate
    CHECK_FALSE(validate_utf8("\xE2\x82").ok());                  // truncated
    CHECK_FALSE(validate_utf8("\xFF").ok());
    CHECK(validate_utf8("ab\xFF").message().find("byte 2") != std::string::npos);
    CHECK(validate_utf8("ok \xE2\x82").message().find("byte 3") != std::string::npos);  // where the truncated sequence starts
    CHECK(utf8_length("Ўладзімір") == 9);
    CHECK(utf8_length("a\xF0\x9F\x98\x80") == 2);
}

// The one validator (pack texts, identity files and batch record strings use it too): every
// boundary of RFC 3629's table of well-formed sequences, on both sides.
TEST_CASE("the one UTF-8 validator accepts exactly RFC 3629's well-formed sequences", "[registry][text]") {
    auto [text, ok] = GENERATE(table<std::string, bool>({
        {"Ганна", true}, {"Łacinka: Biełaruś, žnivień ŭ", true}, {"Lietuvių kalba: ąčęėįšųūž", true},
        {"Беларусь — Білорусь", true}, {"\xF0\x9F\x87\xA7\xF0\x9F\x87\xBE", true}, {"", true},
        {"\x7F", true}, {"\xC2\x80", true}, {"\xDF\xBF", true},                        // 1- and 2-byte edges
        {"\xE0\xA0\x80", true}, {"\xED\x9F\xBF", true}, {"\xEE\x80\x80", true},      // around the surrogates
        {"\xEF\xBF\xBF", true}, {"\xF0\x90\x80\x80", true}, {"\xF4\x8F\xBF\xBF", true},
        {"\xC0\x80", false}, {"\xC1\xBF", false}, {"\xE0\x80\x80", false},            // overlong
        {"\xE0\x9F\xBF", false}, {"\xF0\x8F\xBF\xBF", false},
        {"\xED\xA0\x80", false}, {"\xED\xBF\xBF", false},                             // surrogates
        {"\xF4\x90\x80\x80", false}, {"\xF5\x80\x80\x80", false}, {"\xFE", false},   // above U+10FFFF
        {"\x80", false}, {"a\xBF" "b", false},                                             // lone continuation
        {"\xD0", false}, {"\xE2\x82", false}, {"\xF0\x9F\x98", false},                  // truncated
        {"\xE2\x82" "a", false}, {"\xC3\xC3\xA9", false},                              // interrupted
        {std::string("a\0b", 3), true},                                                  // NUL is well-formed
    }));
    INFO(terminal_safe(text));
    CHECK(validate_utf8(text).ok() == ok);
    CHECK(is_valid_utf8(text) == ok);
}

TEST_CASE("city names allow digits and a few punctuation marks", "[registry][text]") {
    CHECK(normalize_city("  Frankfurt (Oder) ").value() == "Frankfurt (Oder)");
    CHECK(normalize_city("Warszawa 2").value() == "Warszawa 2");
    CHECK(normalize_city("Baden-Baden, Kurhaus / Ost").value() == "Baden-Baden, Kurhaus / Ost");
    CHECK(normalize_city("Мінск").value() == "Мінск");
    CHECK(normalize_city("Vilnius", "event city").ok());
    CHECK(normalize_city("", "event city").message() == "event city: must be 1\xE2\x80\x93" "100 characters");
    CHECK(normalize_city("2024").message() == "city: must contain a letter");
    CHECK_FALSE(normalize_city("Vilnius\xE2\x80\xAE").ok());
    CHECK_FALSE(normalize_city("Vilnius <b>").ok());
    CHECK_FALSE(normalize_name("Warszawa 2", "given name").ok());  // digits: cities only
}

TEST_CASE("email is optional, lenient but sane", "[registry][text]") {
    CHECK(normalize_email("").value().empty());
    CHECK(normalize_email("   ").value().empty());
    CHECK(normalize_email(" Ales.Kowal+kiosk@Example.ORG ").value() == "Ales.Kowal+kiosk@example.org");
    CHECK(normalize_email("ганна@пошта.бел").value() == "ганна@пошта.бел");
    CHECK(normalize_email("x@ПОШТА.БЕЛ").value() == "x@пошта.бел");
    for (const std::string bad : {"no-at.example.org", "a@b@example.org", "@example.org", "a@localhost",
                                  "a@example.", "a@.example.org", "a@example..org", "a b@example.org",
                                  "a@exa\tmple.org", "a\xE2\x80\x8B@example.org", "a@example.o",
                                  "a\xC0\xAF@example.org", "<a>@example.org"}) {
        CAPTURE(bad);
        const auto r = normalize_email(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.message().rfind("email: ", 0) == 0);
        CHECK(r.message().find(bad) == std::string::npos);
    }
    const std::string local(64, 'a');
    const std::string domain = std::string(185, 'b') + ".org";
    CHECK(normalize_email(local + "@" + domain).ok());                      // 254 bytes
    CHECK_FALSE(normalize_email(local + "@b" + domain).ok());               // 255 bytes
    CHECK_FALSE(normalize_email(std::string(65, 'a') + "@example.org").ok());
    CHECK_FALSE(normalize_email(std::string(10'000'000, 'a')).ok());       // refused before any work
}

TEST_CASE("phone is optional: digits with an optional leading plus", "[registry][text]") {
    CHECK(normalize_phone("").value().empty());
    CHECK(normalize_phone(" +375 (29) 123-45-67 ").value() == "+375291234567");
    CHECK(normalize_phone("030.1234.5678").value() == "03012345678");
    CHECK(normalize_phone("123456").value() == "123456");
    CHECK(normalize_phone("1234567890123456").message() == "phone: must have 6\xE2\x80\x93" "15 digits");
    CHECK_FALSE(normalize_phone("12345").ok());
    CHECK_FALSE(normalize_phone("+48 600 700 80a").ok());
    CHECK_FALSE(normalize_phone("600+700800").ok());
    CHECK_FALSE(normalize_phone("٣٧٥٢٩١٢٣٤٥٦٧").ok());            // non-ASCII digits
    CHECK_FALSE(normalize_phone("+48\n600700800").ok());
    CHECK_FALSE(normalize_phone(std::string(100, '1')).ok());
    CHECK(normalize_phone("12 34", "contact phone").message().rfind("contact phone: ", 0) == 0);
}


TEST_CASE("a label is accepted only if it prints as typed", "[registry][text][escape]") {
    for (std::string_view ok : {"Kiosk 1", "Кіёск Варшава — намёт", "Łódź/ul. 3 (b)", "\xE4\xB8\xAD", "A\\B"})
        CHECK(check_label(ok, "name").ok());
    for (std::string_view bad : {"", "a\x1b[8mb", "bell\a", "rlo\xE2\x80\xAEx", "ls\xE2\x80\xA8x", "c1\xC2\x85",
                                 "tab\tx", "\\\x1b", "\xFF", "del\x7F"}) {
        auto r = check_label(bad, "kiosk name");
        REQUIRE_FALSE(r.ok());
        CHECK(r.message().rfind("kiosk name ", 0) == 0);
    }
    CHECK_FALSE(check_label(std::string(201, 'x'), "name").ok());
    CHECK(check_label(std::string(200, 'x'), "name").ok());
}

TEST_CASE("terminal_safe escapes every control, bidi control and invalid byte, and nothing else", "[registry][text][escape]") {
    struct Case { std::string in, out; };
    const auto c = GENERATE(values<Case>({
        {"Ales Bialiatski", "Ales Bialiatski"},
        {"Аляксандра Łacinka ąę", "Аляксандра Łacinka ąę"},   // letters of any script pass
        {"a\x1b[8m.embatch", "a\\x1B[8m.embatch"},               // conceal: the FORK ALARM hider
        {"bel\a", "bel\\x07"},
        {std::string("nul\0x", 5), "nul\\x00x"},
        {"tab\tcr\rlf\n", "tab\\x09cr\\x0Dlf\\x0A"},
        {"del\x7f", "del\\x7F"},
        {"c1\xc2\x9b" "31m", "c1\\u{009B}31m"},                  // CSI as a C1 control
        {"\xe2\x80\xae" "gpj.exe", "\\u{202E}gpj.exe"},          // RLO
        {"\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", "\\u{061C}\\u{200E}\\u{200F}"},
        {"\xe2\x80\xaa\xe2\x80\xac\xe2\x81\xa6\xe2\x81\xa9", "\\u{202A}\\u{202C}\\u{2066}\\u{2069}"},
        {"ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls\\u{2028}ps\\u{2029}"},
        {"bad\xff\xc0\x80", "bad\\xFF\\xC0\\x80"},               // invalid UTF-8, overlong NUL
        {"cut\xe2\x80", "cut\\xE2\\x80"},                        // truncated sequence
        {"back\\slash", "back\\\\slash"},                        // so every escape in the output is ours
    }));
    CAPTURE(c.in);
    const std::string out = terminal_safe(c.in);
    CHECK(out == c.out);
    for (unsigned char ch : out) CHECK((ch >= 0x20 && ch != 0x7F));
}
