// Font atlas for the kiosk: Noto Sans from fonts/, with the glyph ranges our seven languages
// (and Łacinka) need. Call LoadFonts() before the renderer builds its font texture.
#pragma once

#include <imgui.h>

struct ImFont;

namespace embassy::ui {

// The faces LoadFonts() added. Pointers are owned by ImGui's font atlas; null until loaded.
struct Fonts {
    ImFont* regular = nullptr;   // body text (pixel_size)
    ImFont* bold = nullptr;      // primary buttons, labels (pixel_size)
    ImFont* large = nullptr;     // inputs and on-screen keyboard (1.3 x pixel_size)
    ImFont* heading = nullptr;   // screen titles, bold (1.6 x pixel_size)
};

// Clears ImGui's current font atlas and adds regular, bold, large and heading faces from
// <font_dir>/NotoSans-Regular.ttf and NotoSans-Bold.ttf (bold falls back to regular when its
// file is missing). Returns false, leaving the atlas untouched, when the regular file is missing,
// unreadable or not a font. Needs a current ImGui context. The renderer backend must (re)create
// its font texture afterwards (ImGui_ImplOpenGL3_CreateFontsTexture or the first NewFrame).
bool LoadFonts(float pixel_size, const char* font_dir);

// The faces added by the last successful LoadFonts(); all null before that, or when the current
// context's atlas is not the one they were added to.
const Fonts& GetFonts();

// The glyph ranges used for every face (zero-terminated pairs), exposed for tests.
const unsigned short* GlyphRanges();

// Whether the kiosk can show this code point (it is in the atlas of `font`, default: the first
// font). Characters it cannot show are refused at input, never drawn as "?" and stored.
bool CanShow(unsigned int codepoint, const ImFont* font = nullptr);
// Removes from io's typed-character queue every character CanShow refuses (and ImGui's
// U+FFFD, which stands for a code point above U+FFFF in a 16-bit ImWchar build); returns how many.
int DropUnshowableInput(ImGuiIO& io, const ImFont* font = nullptr);

}  // namespace embassy::ui
