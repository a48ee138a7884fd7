#include "support/imgui_harness.hpp"

#include "embassy/ui/keyboard.hpp"

#include <catch2/catch_test_macros.hpp>

#include <map>
#include <string>

using embassy::ui::KeyboardLayout;
using embassy::ui::test::ImGuiHarness;

TEST_CASE("backspace removes one whole UTF-8 code point", "[ui][keyboard]") {
    std::string s = "Ab\xC5\x82\xD1\x9E\xE2\x82\xAC";   // A b ł ў €
    CHECK(embassy::ui::KeyboardBackspace(s));
    CHECK(s == "Ab\xC5\x82\xD1\x9E");
    CHECK(embassy::ui::KeyboardBackspace(s));
    CHECK(s == "Ab\xC5\x82");
    CHECK(embassy::ui::KeyboardBackspace(s));
    CHECK(s == "Ab");
    CHECK(embassy::ui::KeyboardBackspace(s));
    CHECK(embassy::ui::KeyboardBackspace(s));
    CHECK(s.empty());
    CHECK_FALSE(embassy::ui::KeyboardBackspace(s));
}

TEST_CASE("append respects the byte limit", "[ui][keyboard]") {
    std::string s = "abc";
    CHECK(embassy::ui::KeyboardAppend(s, "\xC5\x82", 5));   // ł: 2 bytes -> 5
    CHECK_FALSE(embassy::ui::KeyboardAppend(s, "x", 5));
    CHECK(s == "abc\xC5\x82");
}

namespace {

// Finds every key of a layout by clicking a grid of points and seeing what each click does to
// a target that starts as "xў". Returns the text each key inserts and where it is.
struct KeyMap {
    std::map<std::string, ImVec2> keys;   // inserted text -> a point on the key
    ImVec2 backspace{-1, -1};
};

KeyMap ScanKeyboard(ImGuiHarness& h, KeyboardLayout layout) {
    KeyMap map;
    std::string target;
    auto body = [&] { embassy::ui::OnScreenKeyboard("kbd", layout, target, 64); };
    const std::string seed = "x\xD1\x9E";
    for (float y = 20; y < 780; y += 20) {
        for (float x = 12; x < 1270; x += 16) {
            target = seed;
            h.ClickAt(x, y, body);
            if (target == "x") {
                map.backspace = ImVec2(x, y);
            } else if (target.size() > seed.size() && target.compare(0, seed.size(), seed) == 0) {
                map.keys.emplace(target.substr(seed.size()), ImVec2(x, y));
            }
        }
    }
    return map;
}

}  // namespace

TEST_CASE("the on-screen keyboard types the letters of our languages", "[ui][keyboard]") {
    ImGuiHarness h(true);

    SECTION("Cyrillic layout") {
        const KeyMap map = ScanKeyboard(h, KeyboardLayout::Cyrillic);
        for (const char* letter : {"а", "б", "в", "і", "ў", "ґ", "є", "ї", "и", "ы", "э", "ё", "ъ", "щ", "'", "-", " "}) {
            CAPTURE(letter);
            CHECK(map.keys.count(letter) == 1);
        }
        REQUIRE(map.backspace.x > 0);
        REQUIRE(map.keys.count("'") == 1);
        REQUIRE(map.keys.count("-") == 1);

        // Type "Ўа" with one-shot shift, then erase the а with backspace.
        std::string target;
        auto body = [&] { embassy::ui::OnScreenKeyboard("kbd", KeyboardLayout::Cyrillic, target, 64); };
        // Shift is the key left of the apostrophe: probe leftwards until a click there makes
        // the next letter a capital.
        const ImVec2 apostrophe = map.keys.at("'");
        const ImVec2 small_u = map.keys.at("ў");
        ImVec2 shift{-1, -1};
        for (float x = apostrophe.x - 8; x > 0 && shift.x < 0; x -= 4) {
            target.clear();
            h.ClickAt(x, apostrophe.y, body);
            h.ClickAt(small_u.x, small_u.y, body);
            if (target == "\xD0\x8E") shift = ImVec2(x, apostrophe.y);
        }
        REQUIRE(shift.x > 0);
        target.clear();
        h.ClickAt(shift.x, shift.y, body);
        CHECK(target.empty());
        h.ClickAt(map.keys.at("ў").x, map.keys.at("ў").y, body);
        h.ClickAt(map.keys.at("а").x, map.keys.at("а").y, body);
        CHECK(target == "\xD0\x8E\xD0\xB0");   // "Ўа": shift applied to one letter only
        h.ClickAt(map.backspace.x, map.backspace.y, body);
        CHECK(target == "\xD0\x8E");
        h.ClickAt(map.backspace.x, map.backspace.y, body);
        CHECK(target.empty());
    }

    SECTION("Latin layout") {
        const KeyMap map = ScanKeyboard(h, KeyboardLayout::Latin);
        for (const char* letter : {"a", "z", "ą", "ć", "ę", "ł", "ń", "ó", "ś", "ź", "ż", "č", "ė", "į", "š", "ų",
                                   "ū", "ž", "ä", "ö", "ü", "ß", "ŭ", "'", "-", " "}) {
            CAPTURE(letter);
            CHECK(map.keys.count(letter) == 1);
        }
        CHECK(map.keys.count("ў") == 0);   // no Cyrillic on the Latin layout
        CHECK(map.backspace.x > 0);
    }
}

TEST_CASE("the on-screen keyboard stops at the byte limit", "[ui][keyboard]") {
    ImGuiHarness h(true);
    std::string target;
    std::size_t limit = 64;
    auto body = [&] { embassy::ui::OnScreenKeyboard("kbd", KeyboardLayout::Cyrillic, target, limit); };
    h.Frame(body);
    // Find any letter key by scanning the first rows.
    ImVec2 key{-1, -1};
    for (float y = 20; y < 400 && key.x < 0; y += 20) {
        for (float x = 12; x < 1270 && key.x < 0; x += 16) {
            target.clear();
            h.ClickAt(x, y, body);
            if (target.size() == 2) key = ImVec2(x, y);   // a Cyrillic letter: two bytes
        }
    }
    REQUIRE(key.x > 0);
    target = "abc";
    limit = 4;
    h.ClickAt(key.x, key.y, body);
    CHECK(target == "abc");   // 3 + 2 bytes would exceed 4
    limit = 5;
    h.ClickAt(key.x, key.y, body);
    CHECK(target.size() == 5);
}
