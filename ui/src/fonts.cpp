// Font atlas: the glyph ranges our languages need, loaded from fonts/ without ImGui's
// file-loading path (which asserts on a missing file instead of failing softly).
#include "embassy/ui/fonts.hpp"

#include <imgui.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace embassy::ui {
namespace {

// Zero-terminated [first, last] pairs. Keep in sync with fonts/README.md.
const ImWchar kRanges[] = {
    0x0020, 0x00FF,   // Basic Latin + Latin-1 (German ä ö ü ß, « »)
    0x0100, 0x017F,   // Latin Extended-A (Polish, Lithuanian, Łacinka ć č ł ń ś š ŭ ź ž)
    0x0218, 0x021B,   // Latin Extended-B: Ș ș Ț ț (Romanian names of registrants)
    0x02BC, 0x02BC,   // modifier letter apostrophe (Ukrainian/Belarusian ʼ)
    0x0300, 0x0301,   // combining grave/acute (stress marks in Cyrillic text)
    0x0400, 0x052F,   // Cyrillic + Cyrillic Supplement (ў і ґ є ї ё)
    0x2010, 0x205E,   // General Punctuation (– — ‘ ’ “ ” „ … • ‹ ›)
    0x20AC, 0x20AC,   // €
    0x2116, 0x2116,   // №
    // No arrows (U+2190..) or check marks: Noto Sans has none; widgets draw those as shapes.
    0,
};

Fonts g_fonts;
ImFontAtlas* g_atlas = nullptr;   // the atlas g_fonts points into

// Reads a whole file into memory allocated with IM_ALLOC, because the atlas takes ownership and
// frees it with IM_FREE. Returns null when the file is missing, empty or implausibly large.
void* ReadFontFile(const std::string& path, int& size) {
    constexpr long kMaxFontBytes = 32L * 1024 * 1024;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return nullptr;
    void* data = nullptr;
    long len = -1;
    if (std::fseek(f, 0, SEEK_END) == 0) len = std::ftell(f);
    if (len > 12 && len <= kMaxFontBytes && std::fseek(f, 0, SEEK_SET) == 0) {
        data = IM_ALLOC(static_cast<size_t>(len));
        if (std::fread(data, 1, static_cast<size_t>(len), f) != static_cast<size_t>(len)) {
            IM_FREE(data);
            data = nullptr;
        }
    }
    std::fclose(f);
    if (data == nullptr) return nullptr;
    // A TrueType/OpenType file starts with 0x00010000, 'true' or 'OTTO'; anything else would make
    // stb_truetype assert inside the atlas build.
    const auto* b = static_cast<const unsigned char*>(data);
    const bool sfnt = (b[0] == 0 && b[1] == 1 && b[2] == 0 && b[3] == 0) ||
                      std::memcmp(b, "true", 4) == 0 || std::memcmp(b, "OTTO", 4) == 0;
    if (!sfnt) {
        IM_FREE(data);
        return nullptr;
    }
    size = static_cast<int>(len);
    return data;
}

ImFont* AddFace(ImFontAtlas* atlas, const std::vector<unsigned char>& bytes, float px) {
    // Each face gets its own copy: the atlas frees every font's data on Clear().
    void* copy = IM_ALLOC(bytes.size());
    std::memcpy(copy, bytes.data(), bytes.size());
    ImFontConfig cfg;
    cfg.OversampleH = 2;   // crisp enough at kiosk sizes while keeping the texture small
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    return atlas->AddFontFromMemoryTTF(copy, static_cast<int>(bytes.size()), px, &cfg, kRanges);
}

std::vector<unsigned char> TakeBytes(void* data, int size) {
    std::vector<unsigned char> v(static_cast<const unsigned char*>(data),
                                 static_cast<const unsigned char*>(data) + size);
    IM_FREE(data);
    return v;
}

}  // namespace

const unsigned short* GlyphRanges() { return kRanges; }

const Fonts& GetFonts() {
    // The faces belong to one context's atlas: after that context is destroyed (tests create
    // many) the pointers would dangle, so they are handed out only while they are in the current atlas.
    static const Fonts kNone{};
    if (ImGui::GetCurrentContext() == nullptr || ImGui::GetIO().Fonts != g_atlas) return kNone;
    for (ImFont* f : {g_fonts.regular, g_fonts.bold, g_fonts.large, g_fonts.heading}) {
        if (f == nullptr || !g_atlas->Fonts.contains(f)) return kNone;
    }
    return g_fonts;
}

bool LoadFonts(float pixel_size, const char* font_dir) {
    if (font_dir == nullptr || pixel_size < 6.0f || pixel_size > 200.0f) return false;
    const std::string dir(font_dir);
    int regular_size = 0;
    void* regular_data = ReadFontFile(dir + "/NotoSans-Regular.ttf", regular_size);
    if (regular_data == nullptr) return false;   // atlas untouched: the app keeps ImGui's default font
    const std::vector<unsigned char> regular = TakeBytes(regular_data, regular_size);
    int bold_size = 0;
    void* bold_data = ReadFontFile(dir + "/NotoSans-Bold.ttf", bold_size);
    const std::vector<unsigned char> bold =
        bold_data != nullptr ? TakeBytes(bold_data, bold_size) : regular;

    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    atlas->Clear();
    g_fonts = Fonts{};
    Fonts f;
    f.regular = AddFace(atlas, regular, pixel_size);   // first face = ImGui's default font
    f.bold = AddFace(atlas, bold, pixel_size);
    f.large = AddFace(atlas, regular, pixel_size * 1.3f);
    f.heading = AddFace(atlas, bold, pixel_size * 1.6f);
    if (f.regular == nullptr || f.bold == nullptr || f.large == nullptr || f.heading == nullptr ||
        !atlas->Build()) {
        atlas->Clear();
        atlas->AddFontDefault();   // never leave the app without a font
        return false;
    }
    g_fonts = f;
    g_atlas = atlas;
    return true;
}

bool CanShow(unsigned int c, const ImFont* font) {
    if (c < 0x20 || c == 0x7F) return true;   // control keys are ImGui's to handle (Tab, Enter)
    if (c > 0xFFFF || c == 0xFFFD) return false;   // beyond the 16-bit ImWchar, or its stand-in
    if (font == nullptr) {
        const ImGuiIO& io = ImGui::GetIO();
        if (io.Fonts == nullptr || io.Fonts->Fonts.empty()) return true;
        font = io.Fonts->Fonts[0];
    }
    return font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr;
}

int DropUnshowableInput(ImGuiIO& io, const ImFont* font) {
    int dropped = 0;
    ImVector<ImWchar>& q = io.InputQueueCharacters;
    for (int i = 0; i < q.Size;) {
        if (CanShow(q[i], font)) {
            ++i;
            continue;
        }
        q.erase(q.Data + i);
        ++dropped;
    }
    return dropped;
}

}  // namespace embassy::ui
