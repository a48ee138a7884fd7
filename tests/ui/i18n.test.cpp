#include "embassy/ui/i18n.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using embassy::ui::Catalog;
using embassy::ui::Catalogs;
using embassy::Status;

namespace {

const std::string kDir = std::string(EMBASSY_TEST_DATA) + "/i18n";

// A scratch directory of .po files, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("embassy-ui-i18n-" + std::to_string(std::rand()));
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    void Write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
    }
};

bool AnyContains(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "") {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
        return l.find(a) != std::string::npos && l.find(b) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("a .po catalog loads with escapes, continued strings and contexts", "[ui][i18n]") {
    Catalog en;
    REQUIRE(en.LoadFile(kDir + "/en.po"));
    CHECK(en.Language() == "en");
    CHECK(std::string(en.tr("welcome.title")) == "Welcome");
    CHECK(std::string(en.tr("sign.count")) == "You signed {n} of {total} appeals.");
    CHECK(std::string(en.tr("escapes")) == "Line one\nTab\there \"quoted\" back\\slash");
    CHECK(std::string(en.tr("fuzzy.entry")) == "Fuzzy but used");
    CHECK(std::string(en.tr("button", "Back")) == "Back");
    CHECK(std::string(en.tr("one apple")) == "one apple");
    CHECK(en.Warnings().empty());

    Catalog be;
    REQUIRE(be.LoadFile(kDir + "/be.po"));
    CHECK(std::string(be.tr("sign.count")) == "Вы падпісалі {n} з {total} зваротаў.");
    CHECK(std::string(be.tr("button", "Back")) == "Назад");
    CHECK(std::string(be.tr("Back")) == "Back");   // without the context it is another key
    CHECK(std::string(be.tr("one apple")) == "адзін яблык");
}

TEST_CASE("missing and empty translations fall back to the msgid", "[ui][i18n]") {
    Catalog en;
    REQUIRE(en.LoadFile(kDir + "/en.po"));
    CHECK(std::string(en.tr("untranslated")) == "untranslated");
    CHECK(std::string(en.tr("no.such.key")) == "no.such.key");
    // The msgid need not be NUL-terminated: tr() hands back its own stable copy.
    const std::string buffer = "no.such.keyXYZ";
    const char* p = en.tr(std::string_view(buffer).substr(0, 11));
    CHECK(std::string(p) == "no.such.key");
    CHECK(en.tr("no.such.key") == p);   // the same pointer each time: no growth per frame
}

TEST_CASE("Catalogs loads a directory and switches language", "[ui][i18n]") {
    Catalogs all;
    std::vector<std::string> errors;
    CHECK(all.LoadDirectory(kDir, &errors) == 2);
    CHECK(errors.empty());
    CHECK(all.Languages() == std::vector<std::string>{"be", "en"});
    CHECK(std::string(all.tr("welcome.title")) == "welcome.title");   // no language chosen yet
    REQUIRE(all.SetCurrent("be"));
    CHECK(std::string(all.tr("welcome.title")) == "Вітаем");
    CHECK_FALSE(all.SetCurrent("xx"));
    CHECK(all.Current() == "be");
    REQUIRE(all.SetCurrent("en"));
    CHECK(std::string(all.tr("welcome.title")) == "Welcome");
}

TEST_CASE("Format substitutes named placeholders", "[ui][i18n]") {
    using embassy::ui::Format;
    CHECK(Format("You signed {n} of {total} appeals.", {{"n", "3"}, {"total", "5"}}) == "You signed 3 of 5 appeals.");
    CHECK(Format("{a}{a}", {{"a", "x"}}) == "xx");
    CHECK(Format("keep {unknown} and {{literal}}", {{"n", "1"}}) == "keep {unknown} and {literal}");
    CHECK(Format("{ not a name } {}", {}) == "{ not a name } {}");
    CHECK(Format("", {{"a", "b"}}).empty());
    CHECK(embassy::ui::Placeholders("{b} {a} {b} {{c}} {d e}") == std::set<std::string>{"a", "b"});
}

TEST_CASE("malformed catalogs are rejected with file and line", "[ui][i18n]") {
    struct Case {
        const char* text;
        const char* expect;
    };
    const Case c = GENERATE(Case{"msgid \"a\"\nmsgstr \"unterminated\n", "t.po:2: unterminated string"},
                            Case{"msgid \"a\"\nmsgstr \"x\\q\"\n", "t.po:2: unsupported escape \\q"},
                            Case{"msgid \"a\"\n\"b\" junk\nmsgstr \"\"\n", "t.po:2: text after closing quote"},
                            Case{"msgstr \"no id\"\n", "t.po:1: msgstr without msgid"},
                            Case{"msgid \"a\"\nmsgid \"b\"\nmsgstr \"\"\n", "t.po:2: msgid without msgstr"},
                            Case{"msgid \"a\"\n", "msgid without msgstr at end of file"},
                            Case{"\"orphan\"\n", "t.po:1: string without a keyword"},
                            Case{"msgid \"a\"\nmsgstr \"b\"\nhello\n", "t.po:3: unexpected text"},
                            Case{"msgid \"a\"\nmsgstr[0 \"b\"\n", "t.po:2: malformed msgstr[N]"});
    Catalog cat;
    CAPTURE(c.text);
    const Status s = cat.LoadText(c.text, "t.po");
    REQUIRE_FALSE(s);
    CHECK(s.message().find(c.expect) != std::string::npos);
    CHECK(s.message().rfind("i18n: ", 0) == 0);
    CHECK(cat.size() == 0);
}

TEST_CASE("catalog size limits are enforced", "[ui][i18n]") {
    Catalog cat;
    const std::string long_string = "msgid \"a\"\nmsgstr \"" + std::string(embassy::ui::kCatalogMaxStringBytes + 1, 'x') + "\"\n";
    const Status too_long = cat.LoadText(long_string, "t.po");
    REQUIRE_FALSE(too_long);
    CHECK(too_long.message().find("longer than 16 kB") != std::string::npos);
    // 16 kB split over continuation lines is caught too.
    std::string split = "msgid \"a\"\nmsgstr \"\"\n";
    for (int i = 0; i < 20; ++i) split += "\"" + std::string(1000, 'y') + "\"\n";
    CHECK_FALSE(cat.LoadText(split, "t.po"));

    TempDir dir;
    std::string big = "# " + std::string(embassy::ui::kCatalogMaxFileBytes, '#') + "\n";
    dir.Write("big.po", big);
    const Status big_file = cat.LoadFile((dir.path / "big.po").string());
    REQUIRE_FALSE(big_file);
    CHECK(big_file.message() == "i18n: big.po: file larger than 1 MB");
    const Status absent = cat.LoadFile((dir.path / "absent.po").string());
    REQUIRE_FALSE(absent);
    CHECK(absent.message() == "i18n: absent.po: cannot read file");
}

TEST_CASE("hostile catalog text never crashes the parser", "[ui][i18n]") {
    const std::string text = GENERATE(std::string(""), std::string("\xEF\xBB\xBF"), std::string("msgid"),
                                      std::string("msgid \""), std::string("msgid \"\\"), std::string("msgstr[] \"\""),
                                      std::string("msgctxt \"c\"\n"), std::string("msgid_plural \"p\"\n"),
                                      std::string("\0\0\0", 3), std::string("msgid \"a\"\r\nmsgstr \"b\"\r\n"),
                                      std::string("#~ msgid \"old\"\n#~ msgstr \"x\"\n"));
    Catalog cat;
    (void)cat.LoadText(text, "fuzz.po");
    CHECK(std::string(cat.tr("a")).size() <= 1);   // "b" when the CRLF case parsed, else the msgid "a"
}

TEST_CASE("CheckCatalogs reports missing keys, empty strings and broken placeholders", "[ui][i18n]") {
    SECTION("the test catalogs are complete") {
        const auto problems = embassy::ui::CheckCatalogs(kDir, "en");
        CAPTURE(problems);
        CHECK(problems.empty());
    }
    SECTION("a damaged catalog") {
        TempDir dir;
        dir.Write("en.po",
                  "msgid \"hello\"\nmsgstr \"Hello\"\n"
                  "msgid \"count\"\nmsgstr \"{n} of {total}\"\n"
                  "msgid \"bye\"\nmsgstr \"Bye\"\n"
                  "msgid \"key.only\"\nmsgstr \"\"\n");
        dir.Write("de.po",
                  "msgid \"hello\"\nmsgstr \"Hallo\"\n"
                  "msgid \"count\"\nmsgstr \"{n} von {totl}\"\n"   // misspelt placeholder
                  "msgid \"key.only\"\nmsgstr \"Schlüssel\"\n"
                  "msgid \"stale\"\nmsgstr \"Alt\"\n");               // "bye" is missing
        dir.Write("pl.po",
                  "msgid \"hello\"\nmsgstr \"\"\n"                     // empty
                  "msgid \"count\"\nmsgstr \"{n} z {total}\"\n"
                  "msgid \"bye\"\nmsgstr \"Cześć\"\n"
                  "msgid \"key.only\"\nmsgstr \"x\"\n"
                  "msgid \"bye\"\nmsgstr \"Pa\"\n");                   // duplicate
        dir.Write("lt.po", "msgid \"hello\"\nmsgstr \"broken\n");
        const auto problems = embassy::ui::CheckCatalogs(dir.path.string(), "en");
        CAPTURE(problems);
        CHECK(AnyContains(problems, "de.po", "missing msgid \"bye\""));
        CHECK(AnyContains(problems, "de.po", "placeholders {n} {totl} differ from the reference {n} {total} for \"count\""));
        CHECK(AnyContains(problems, "de.po", "msgid \"stale\" is not in the reference en.po"));
        CHECK(AnyContains(problems, "pl.po", "empty msgstr for \"hello\""));
        CHECK(AnyContains(problems, "pl.po", "duplicate msgid \"bye\""));
        CHECK(AnyContains(problems, "lt.po:2", "unterminated string"));
        CHECK_FALSE(AnyContains(problems, "pl.po", "count"));
        CHECK_FALSE(AnyContains(problems, "key.only"));   // reference msgstr empty: msgid is the text, no placeholders
        CHECK(problems.size() == 6);
    }
    SECTION("a missing reference is one problem") {
        TempDir dir;
        const auto problems = embassy::ui::CheckCatalogs(dir.path.string(), "en");
        REQUIRE(problems.size() == 1);
        CHECK(problems[0] == "i18n: en.po: cannot read file");
    }
}
