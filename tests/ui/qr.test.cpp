#include "support/imgui_harness.hpp"

#include "embassy/ui/qr.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <zbar.h>   // C API; in C++ it lives in namespace zbar

#include <string>
#include <vector>

namespace {

using namespace zbar;   // NOLINT: the C API names are already prefixed

// Renders modules to an 8-bit grayscale image (white background, black modules) with the
// standard quiet zone, scale pixels per module.
std::vector<unsigned char> Render(const std::vector<std::uint8_t>& modules, int width, int scale, int& side) {
    const int q = embassy::ui::kQrQuietZone;
    side = (width + 2 * q) * scale;
    std::vector<unsigned char> img(static_cast<std::size_t>(side * side), 255);
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            if (modules[static_cast<std::size_t>(y * width + x)] == 0) continue;
            for (int dy = 0; dy < scale; ++dy) {
                for (int dx = 0; dx < scale; ++dx) {
                    img[static_cast<std::size_t>(((q + y) * scale + dy) * side + (q + x) * scale + dx)] = 0;
                }
            }
        }
    }
    return img;
}

// Decodes every QR symbol in a grayscale image with libzbar.
std::vector<std::string> Decode(const std::vector<unsigned char>& img, int side) {
    zbar_image_scanner_t* scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t* image = zbar_image_create();
    zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(image, static_cast<unsigned>(side), static_cast<unsigned>(side));
    zbar_image_set_data(image, img.data(), img.size(), nullptr);
    std::vector<std::string> out;
    if (zbar_scan_image(scanner, image) > 0) {
        for (const zbar_symbol_t* s = zbar_image_first_symbol(image); s != nullptr; s = zbar_symbol_next(s)) {
            out.emplace_back(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s));
        }
    }
    zbar_image_destroy(image);
    zbar_image_scanner_destroy(scanner);
    return out;
}

}  // namespace

TEST_CASE("the QR matrix of a receipt code decodes back to the code", "[ui][qr]") {
    const std::string code = GENERATE(std::string("7K3Q-9XPD-2M4V-HT6C-WQ8N"),     // alphanumeric
                                      std::string("emb1:7k3q9xpd2m4vht6cwq8n"),    // lower case: 8-bit segments
                                      std::string("0123456789012345678901234567"), // numeric
                                      std::string(200, 'Z'));                       // a larger version
    const int scale = GENERATE(4, 6);
    CAPTURE(code, scale);
    std::vector<std::uint8_t> modules;
    int width = 0;
    REQUIRE(embassy::ui::QrMatrix(code, modules, width));
    REQUIRE(width >= 21);
    REQUIRE((width - 17) % 4 == 0);   // QR versions are 21, 25, 29, ... modules wide
    REQUIRE(modules.size() == static_cast<std::size_t>(width * width));
    // Finder pattern: the top-left 7x7 square has a dark border and a light ring inside it.
    CHECK(modules[0] == 1);
    CHECK(modules[6] == 1);
    CHECK(modules[static_cast<std::size_t>(6 * width)] == 1);
    CHECK(modules[static_cast<std::size_t>(1 * width + 1)] == 0);
    CHECK(modules[static_cast<std::size_t>(3 * width + 3)] == 1);

    int side = 0;
    const auto img = Render(modules, width, scale, side);
    const auto decoded = Decode(img, side);
    REQUIRE(decoded.size() == 1);
    CHECK(decoded[0] == code);
}

TEST_CASE("a corrupted matrix does not decode to the code", "[ui][qr]") {
    // Guards the decoding test: an image that is not the code must not pass it.
    std::vector<std::uint8_t> modules;
    int width = 0;
    REQUIRE(embassy::ui::QrMatrix("7K3Q-9XPD-2M4V-HT6C-WQ8N", modules, width));
    for (std::size_t i = 0; i < modules.size(); ++i) modules[i] = static_cast<std::uint8_t>((i % 3) == 0);
    int side = 0;
    const auto img = Render(modules, width, 4, side);
    const auto decoded = Decode(img, side);
    CHECK((decoded.empty() || decoded[0] != "7K3Q-9XPD-2M4V-HT6C-WQ8N"));
}

TEST_CASE("QrMatrix rejects empty and oversized text", "[ui][qr]") {
    std::vector<std::uint8_t> modules{1, 2, 3};
    int width = 7;
    CHECK_FALSE(embassy::ui::QrMatrix("", modules, width));
    CHECK(modules.empty());
    CHECK(width == 0);
    CHECK_FALSE(embassy::ui::QrMatrix(std::string(embassy::ui::kQrMaxTextBytes + 1, 'A'), modules, width));
    CHECK(embassy::ui::QrMatrix(std::string("A\0B", 3), modules, width));   // NUL goes as 8-bit data
}

TEST_CASE("QrView draws one white square and merged runs of dark modules", "[ui][qr]") {
    embassy::ui::test::ImGuiHarness h;
    const std::string code = "7K3Q-9XPD-2M4V-HT6C-WQ8N";
    std::vector<std::uint8_t> modules;
    int width = 0;
    REQUIRE(embassy::ui::QrMatrix(code, modules, width));
    int runs = 0;
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            const bool dark = modules[static_cast<std::size_t>(y * width + x)] != 0;
            const bool prev = x > 0 && modules[static_cast<std::size_t>(y * width + x - 1)] != 0;
            if (dark && !prev) ++runs;
        }
    }
    int vertices = -1;
    ImVec2 after{};
    h.Frame([&] {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const int before = dl->VtxBuffer.Size;
        const float y0 = ImGui::GetCursorScreenPos().y;
        embassy::ui::QrView("receipt", code, 330.0f);
        vertices = dl->VtxBuffer.Size - before;
        after = ImVec2(0, ImGui::GetCursorScreenPos().y - y0);
    });
    // Filled rectangles without anti-aliasing are 4 vertices each: the white square plus one per run.
    CHECK(vertices == 4 * (1 + runs));
    CHECK(after.y >= 330.0f);   // the cursor moved below the code
}
