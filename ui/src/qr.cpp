// QR receipts via libqrencode.
#include "embassy/ui/qr.hpp"

#include "embassy/ui/theme.hpp"

#include <imgui.h>
#include <qrencode.h>

#include <cmath>
#include <memory>
#include <string>

namespace embassy::ui {
namespace {

struct QrFree {
    void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

bool QrMatrix(std::string_view text, std::vector<std::uint8_t>& modules, int& width) {
    modules.clear();
    width = 0;
    if (text.empty() || text.size() > kQrMaxTextBytes) return false;
    std::unique_ptr<QRcode, QrFree> code;
    if (text.find('\0') == std::string_view::npos) {
        // encodeString picks numeric/alphanumeric/8-bit segments itself; case-sensitive so
        // lower-case letters stay 8-bit instead of being upper-cased.
        const std::string z(text);
        code.reset(QRcode_encodeString(z.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    } else {
        code.reset(QRcode_encodeData(static_cast<int>(text.size()),
                                     reinterpret_cast<const unsigned char*>(text.data()), 0,
                                     QR_ECLEVEL_M));
    }
    if (!code || code->width <= 0) return false;
    const auto n = static_cast<std::size_t>(code->width);
    modules.resize(n * n);
    for (std::size_t i = 0; i < n * n; ++i) modules[i] = static_cast<std::uint8_t>(code->data[i] & 1u);
    width = code->width;
    return true;
}

void QrView(const char* id, std::string_view text, float size_px) {
    ImGui::PushID(id);
    std::vector<std::uint8_t> modules;
    int width = 0;
    const bool ok = QrMatrix(text, modules, width);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float side = std::floor(size_px);
    ImGui::Dummy(ImVec2(side, side));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(origin, ImVec2(origin.x + side, origin.y + side), IM_COL32_WHITE);
    if (ok) {
        const int total = width + 2 * kQrQuietZone;
        float cell = side / static_cast<float>(total);
        if (cell >= 2.0f) cell = std::floor(cell);   // whole pixels: sharp edges for phone cameras
        const float offset = std::floor((side - cell * static_cast<float>(total)) * 0.5f) +
                             cell * static_cast<float>(kQrQuietZone);
        const ImU32 dark = IM_COL32_BLACK;
        for (int y = 0; y < width; ++y) {
            // Merge horizontal runs of dark modules into one rectangle: fewer vertices.
            int x = 0;
            while (x < width) {
                if (modules[static_cast<std::size_t>(y * width + x)] == 0) {
                    ++x;
                    continue;
                }
                int run_end = x;
                while (run_end < width && modules[static_cast<std::size_t>(y * width + run_end)] != 0) ++run_end;
                const ImVec2 a(origin.x + offset + cell * static_cast<float>(x),
                               origin.y + offset + cell * static_cast<float>(y));
                const ImVec2 b(origin.x + offset + cell * static_cast<float>(run_end), a.y + cell);
                dl->AddRectFilled(a, b, dark);
                x = run_end;
            }
        }
    } else {
        dl->AddRect(origin, ImVec2(origin.x + side, origin.y + side),
                    ImGui::GetColorU32(colors::Danger()), 0.0f, 0, 2.0f);
    }
    ImGui::PopID();
}

}  // namespace embassy::ui
