// QR codes for receipts, encoded with libqrencode (error correction level M).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace embassy::ui {

inline constexpr std::size_t kQrMaxTextBytes = 1024;
inline constexpr int kQrQuietZone = 4;   // modules of white around the symbol, per ISO/IEC 18004

// Encodes text (numeric/alphanumeric/8-bit segments chosen by libqrencode) and fills modules with
// width*width bytes, row-major, 1 = dark, 0 = light, without quiet zone. Returns false (and
// leaves modules empty, width 0) for empty or too long text or when the encoder fails.
bool QrMatrix(std::string_view text, std::vector<std::uint8_t>& modules, int& width);

// Draws the code at the cursor position as a white square of size_px including the quiet zone,
// modules snapped to whole pixels when they are at least 2 px, and advances the cursor.
void QrView(const char* id, std::string_view text, float size_px);

}  // namespace embassy::ui
