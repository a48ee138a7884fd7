#include "support/imgui_harness.hpp"

#include "embassy/ui/fonts.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <imgui.h>

#include <cstdio>
#include <filesystem>

using embassy::ui::test::ImGuiHarness;

namespace {

// Decodes the first UTF-8 code point of s (test inputs are well-formed).
unsigned int FirstCodePoint(const char* s) {
    const auto* b = reinterpret_cast<const unsigned char*>(s);
    if (b[0] < 0x80) return b[0];
    if ((b[0] >> 5) == 0x6) return ((b[0] & 0x1Fu) << 6) | (b[1] & 0x3Fu);
    return ((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) | (b[2] & 0x3Fu);
}

}  // namespace

TEST_CASE("the font atlas has every letter of our languages in every face", "[ui][fonts]") {
    ImGuiHarness h(true);
    REQUIRE(h.fonts_loaded());
    const auto& f = embassy::ui::GetFonts();
    REQUIRE(f.regular != nullptr);
    REQUIRE(f.bold != nullptr);
    REQUIRE(f.large != nullptr);
    REQUIRE(f.heading != nullptr);
    CHECK(f.large->FontSize > f.regular->FontSize);
    CHECK(f.heading->FontSize > f.large->FontSize);
    CHECK(ImGui::GetIO().Fonts->Fonts[0] == f.regular);   // the default face is the regular one

    const char* letter = GENERATE("Ł", "ł", "Ŭ", "ŭ", "ą", "ę", "ė", "į", "ų", "ū", "ž", "š", "č", "ć", "ń",
                                  "ś", "ź", "ż", "Ў", "ў", "І", "і", "Ґ", "ґ", "Є", "є", "Ї", "ї", "ß", "ä",
                                  "€", "№", "«", "»", "–", "—", "„", "“", "…", "ʼ", "Ș", "ț", "ё", "Щ", "‹", "›");
    const unsigned int cp = FirstCodePoint(letter);
    CAPTURE(letter, cp);
    for (ImFont* font : {f.regular, f.bold, f.large, f.heading}) {
        CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr);
    }
}

TEST_CASE("a letter outside the glyph ranges is not in the atlas", "[ui][fonts]") {
    // Guards the test above: FindGlyphNoFallback must really say "no" for a missing glyph.
    ImGuiHarness h(true);
    REQUIRE(h.fonts_loaded());
    CHECK(embassy::ui::GetFonts().regular->FindGlyphNoFallback(0x05D0) == nullptr);   // Hebrew alef
}

TEST_CASE("LoadFonts fails softly when the font files are missing or not fonts", "[ui][fonts]") {
    ImGuiHarness h(false);
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    const int fonts_before = atlas->Fonts.Size;
    CHECK_FALSE(embassy::ui::LoadFonts(24.0f, "/nonexistent/fonts"));
    CHECK_FALSE(embassy::ui::LoadFonts(24.0f, nullptr));
    CHECK(atlas->Fonts.Size == fonts_before);   // the default font is still there

    const auto dir = std::filesystem::temp_directory_path() / "embassy-ui-badfont";
    std::filesystem::create_directories(dir);
    if (std::FILE* f = std::fopen((dir / "NotoSans-Regular.ttf").c_str(), "wb")) {
        std::fputs("this is not a font file, just text", f);
        std::fclose(f);
    }
    CHECK_FALSE(embassy::ui::LoadFonts(24.0f, dir.c_str()));
    CHECK(atlas->Fonts.Size == fonts_before);
    std::filesystem::remove_all(dir);
}

TEST_CASE("characters the fonts cannot show are refused at input, letters of our languages are not", "[ui][fonts][input]") {
    embassy::ui::test::ImGuiHarness h(/*real_fonts=*/true);
    REQUIRE(h.fonts_loaded());
    ImGuiIO& io = ImGui::GetIO();
    // Latin, Łacinka, Cyrillic (ў, і), a digit, then an emoji (clamped to U+FFFD in a 16-bit
    // ImWchar build), a CJK letter and a Georgian letter: the last three are refused.
    for (unsigned int c : {0x41u, 0x141u, 0x45Eu, 0x456u, 0x37u, 0x1F600u, 0x4E2Du, 0x10D0u}) io.AddInputCharacter(c);
    CHECK(embassy::ui::DropUnshowableInput(io) == 3);
    REQUIRE(io.InputQueueCharacters.Size == 5);
    CHECK(io.InputQueueCharacters[0] == 0x41);
    CHECK(io.InputQueueCharacters[4] == 0x37);
    CHECK_FALSE(embassy::ui::CanShow(0x1F600));
    CHECK(embassy::ui::CanShow(0x0D));   // Enter stays ImGui's
    io.InputQueueCharacters.resize(0);
}
