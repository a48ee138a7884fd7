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

TEST_CASE("each field gets the keys it needs", "[ui][keyboard]") {
    using embassy::ui::KeyboardCharacters;
    const std::string email = KeyboardCharacters(KeyboardLayout::Email);
    for (char c : std::string("abcxyz0123456789@.-_+")) {
        CAPTURE(c);
        CHECK(email.find(c) != std::string::npos);
    }
    CHECK(email.find(' ') == std::string::npos);   // an address has no space
    const std::string phone = KeyboardCharacters(KeyboardLayout::Phone);
    for (char c : std::string("0123456789+ ")) {
        CAPTURE(c);
        CHECK(phone.find(c) != std::string::npos);
    }
    CHECK(phone.find('a') == std::string::npos);
    CHECK(phone.find('@') == std::string::npos);
    // Names keep their letters and nothing of an address.
    CHECK(KeyboardCharacters(KeyboardLayout::Latin).find('@') == std::string::npos);
    CHECK(KeyboardCharacters(KeyboardLayout::Cyrillic).find("\xD1\x9E") != std::string::npos);   // ў
}

TEST_CASE("the email keyboard types an address with clicks alone", "[ui][keyboard]") {
    ImGuiHarness h(true);
    std::map<std::string, ImVec2> keys;   // key id -> its centre, as the kiosk's ui-map records it
    embassy::ui::KeyboardOptions o;
    o.on_key = [&](const std::string& id) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        keys[id] = ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    };
    std::string target;
    auto body = [&] { embassy::ui::OnScreenKeyboard("kbd", KeyboardLayout::Email, target, 254, o); };
    h.Frame(body);
    for (const char* k : {"@", ".", "-", "_", "+", "0", "9", "a", "backspace"}) {
        CAPTURE(k);
        REQUIRE(keys.count(k) == 1);
    }
    CHECK(keys.count("shift") == 0);
    for (const char* k : {"a", "n", "a", ".", "k", "+", "1", "@", "e", "x", ".", "o", "r", "g"})
        h.ClickAt(keys.at(k).x, keys.at(k).y, body);
    CHECK(target == "ana.k+1@ex.org");
    h.ClickAt(keys.at("backspace").x, keys.at("backspace").y, body);
    CHECK(target == "ana.k+1@ex.or");
}

TEST_CASE("the keyboard keeps within the height it is given", "[ui][keyboard]") {
    ImGuiHarness h(true);
    float used = 0.0f, unlimited = 0.0f;
    std::string target;
    for (float limit : {0.0f, 300.0f}) {
        embassy::ui::KeyboardOptions o;
        o.max_height = limit;
        h.Frame([&] {
            const float y0 = ImGui::GetCursorPosY();
            embassy::ui::OnScreenKeyboard("kbd", KeyboardLayout::Latin, target, 64, o);
            (limit > 0 ? used : unlimited) = ImGui::GetCursorPosY() - y0;
        });
    }
    CHECK(unlimited > 300.0f);   // the test means something: unlimited, the keys are taller
    CHECK(used <= 300.0f + ImGui::GetStyle().ItemSpacing.y);
}
