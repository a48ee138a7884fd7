#include "embassy/ui/theme.hpp"

#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>

using embassy::ui::FontPixelsFor;

TEST_CASE("the font size follows the window, not a fixed 28 px", "[ui][theme]") {
    CHECK(FontPixelsFor(1280, 720, 1.0f, 1.0f) == Catch::Approx(20.0f));
    CHECK(FontPixelsFor(1366, 768, 1.0f, 1.0f) == Catch::Approx(768.0f / 36.0f));
    CHECK(FontPixelsFor(1920, 1080, 1.0f, 1.0f) == Catch::Approx(30.0f));
    // Smaller windows get smaller text: the 1366x768 laptop no longer gets the 1080p size.
    CHECK(FontPixelsFor(1366, 768, 1.0f, 1.0f) < FontPixelsFor(1920, 1080, 1.0f, 1.0f));
}

TEST_CASE("the volunteer's text size multiplies the window's size", "[ui][theme]") {
    CHECK(FontPixelsFor(1366, 768, 1.0f, 1.3f) == Catch::Approx(1.3f * 768.0f / 36.0f));
}

TEST_CASE("a narrow window keeps its line length", "[ui][theme]") {
    CHECK(FontPixelsFor(1024, 1080, 1.0f, 1.0f) == Catch::Approx(1024.0f / 56.0f));
}

TEST_CASE("the content scale keeps the logical size on a high-DPI screen", "[ui][theme]") {
    // A 4K panel at 200 %: the same logical size as 1080p, in twice the pixels.
    CHECK(FontPixelsFor(3840, 2160, 2.0f, 1.0f) == Catch::Approx(60.0f));
    // Tiny and huge windows stay within the legible range.
    CHECK(FontPixelsFor(640, 360, 1.0f, 1.0f) == Catch::Approx(18.0f));
    CHECK(FontPixelsFor(5120, 2880, 1.0f, 1.0f) == Catch::Approx(36.0f));
}
