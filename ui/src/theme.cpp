// The kiosk theme. Colours were picked for contrast on a laptop in daylight: near-black text on
// warm off-white (contrast > 15:1), primary actions in the deep red of the white-red-white flag
// with white text (about 8:1), secondary buttons light grey with a visible border.
#include "embassy/ui/theme.hpp"

#include <imgui.h>

#include <algorithm>

namespace embassy::ui {
namespace {

float g_scale = 1.0f;

ImVec4 Rgb(int r, int g, int b, float a = 1.0f) {
    return ImVec4(static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f,
                  static_cast<float>(b) / 255.0f, a);
}

}  // namespace

namespace colors {
ImVec4 Primary() { return Rgb(0x9E, 0x1B, 0x1B); }
ImVec4 PrimaryHovered() { return Rgb(0xB4, 0x26, 0x26); }
ImVec4 PrimaryActive() { return Rgb(0x7E, 0x12, 0x12); }
ImVec4 OnPrimary() { return Rgb(0xFF, 0xFF, 0xFF); }
ImVec4 Text() { return Rgb(0x1B, 0x1B, 0x1B); }
ImVec4 TextMuted() { return Rgb(0x5C, 0x5C, 0x58); }
ImVec4 Paper() { return Rgb(0xFF, 0xFF, 0xFF); }
ImVec4 Border() { return Rgb(0x8A, 0x8A, 0x84); }
ImVec4 Danger() { return Rgb(0xB0, 0x20, 0x20); }
ImVec4 Warning() { return Rgb(0xC2, 0x6A, 0x00); }
ImVec4 Success() { return Rgb(0x1E, 0x7A, 0x3C); }
}  // namespace colors

float ThemeScale() { return g_scale; }

float FontPixelsFor(float width, float height, float content_scale, float text_scale) {
    const float cs = std::clamp(content_scale, 0.5f, 4.0f);
    const float logical = std::min(height / 36.0f, width / 56.0f) / cs;
    return std::clamp(logical, 18.0f, 36.0f) * cs * std::clamp(text_scale, 0.5f, 3.0f);
}
float TouchTarget() { return 48.0f * g_scale; }

void ApplyTheme(float scale) {
    g_scale = std::clamp(scale, 0.5f, 4.0f);
    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();   // start fresh so repeated calls do not compound the scale
    ImGui::StyleColorsLight(&style);

    // Sizes at scale 1; ScaleAllSizes() below multiplies them.
    style.WindowPadding = ImVec2(32, 24);
    style.FramePadding = ImVec2(16, 12);   // with a 24 px font: 48 px frames
    style.CellPadding = ImVec2(8, 6);
    style.ItemSpacing = ImVec2(16, 14);
    style.ItemInnerSpacing = ImVec2(12, 8);
    style.TouchExtraPadding = ImVec2(4, 4);   // fingers are wider than the cursor
    style.IndentSpacing = 28;
    style.ScrollbarSize = 28;                 // draggable with a finger
    style.GrabMinSize = 36;
    style.WindowRounding = 0;                 // the kiosk window is the screen
    style.ChildRounding = 8;
    style.FrameRounding = 7;
    style.PopupRounding = 8;
    style.ScrollbarRounding = 8;
    style.GrabRounding = 7;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 1;
    style.PopupBorderSize = 1;
    style.FrameBorderSize = 1;                // inputs visible without relying on shade alone
    style.WindowTitleAlign = ImVec2(0.5f, 0.5f);
    style.ButtonTextAlign = ImVec2(0.5f, 0.5f);
    style.AntiAliasedLines = true;
    style.AntiAliasedFill = true;

    ImVec4* c = style.Colors;
    const ImVec4 background = Rgb(0xF6, 0xF5, 0xF1);
    const ImVec4 surface = Rgb(0xFF, 0xFF, 0xFF);
    const ImVec4 neutral = Rgb(0xE6, 0xE5, 0xE0);
    const ImVec4 neutral_hover = Rgb(0xD9, 0xD8, 0xD2);
    const ImVec4 neutral_active = Rgb(0xC8, 0xC7, 0xC0);
    c[ImGuiCol_Text] = colors::Text();
    c[ImGuiCol_TextDisabled] = colors::TextMuted();
    c[ImGuiCol_WindowBg] = background;
    c[ImGuiCol_ChildBg] = Rgb(0, 0, 0, 0.0f);
    c[ImGuiCol_PopupBg] = surface;
    c[ImGuiCol_Border] = colors::Border();
    c[ImGuiCol_BorderShadow] = Rgb(0, 0, 0, 0.0f);
    const ImVec4 clear = Rgb(0, 0, 0, 0.0f);
    // Widgets drawn in an idle, a hovered and an active (pressed or selected) state.
    struct States { ImGuiCol idle, hovered, active; ImVec4 idle_col, hovered_col, active_col; };
    const States states[] = {
        {ImGuiCol_FrameBg, ImGuiCol_FrameBgHovered, ImGuiCol_FrameBgActive, surface, Rgb(0xFB, 0xFA, 0xF6), surface},
        {ImGuiCol_TitleBg, ImGuiCol_TitleBgActive, ImGuiCol_TitleBgCollapsed, neutral, neutral, neutral},
        {ImGuiCol_ScrollbarGrab, ImGuiCol_ScrollbarGrabHovered, ImGuiCol_ScrollbarGrabActive, Rgb(0xA8, 0xA7, 0xA0),
         Rgb(0x8E, 0x8D, 0x86), Rgb(0x74, 0x73, 0x6C)},
        {ImGuiCol_Button, ImGuiCol_ButtonHovered, ImGuiCol_ButtonActive, neutral, neutral_hover, neutral_active},
        {ImGuiCol_Header, ImGuiCol_HeaderHovered, ImGuiCol_HeaderActive, neutral, neutral_hover, neutral_active},
        {ImGuiCol_Separator, ImGuiCol_SeparatorHovered, ImGuiCol_SeparatorActive, Rgb(0xC4, 0xC3, 0xBC),
         colors::Border(), colors::Text()},
        {ImGuiCol_ResizeGrip, ImGuiCol_ResizeGripHovered, ImGuiCol_ResizeGripActive, clear, clear, clear},
        {ImGuiCol_Tab, ImGuiCol_TabHovered, ImGuiCol_TabActive, neutral, neutral_hover, surface},
    };
    for (const States& st : states) {
        c[st.idle] = st.idle_col;
        c[st.hovered] = st.hovered_col;
        c[st.active] = st.active_col;
    }
    c[ImGuiCol_MenuBarBg] = neutral;
    c[ImGuiCol_ScrollbarBg] = Rgb(0xEC, 0xEB, 0xE6);
    c[ImGuiCol_CheckMark] = colors::Primary();
    c[ImGuiCol_SliderGrab] = colors::Primary();
    c[ImGuiCol_SliderGrabActive] = colors::PrimaryActive();
    c[ImGuiCol_TabUnfocused] = neutral;
    c[ImGuiCol_TabUnfocusedActive] = surface;
    c[ImGuiCol_PlotHistogram] = colors::Primary();
    c[ImGuiCol_TableHeaderBg] = neutral;
    c[ImGuiCol_TableBorderStrong] = colors::Border();
    c[ImGuiCol_TableBorderLight] = Rgb(0xD4, 0xD3, 0xCC);
    c[ImGuiCol_TableRowBg] = Rgb(0, 0, 0, 0.0f);
    c[ImGuiCol_TableRowBgAlt] = Rgb(0, 0, 0, 0.03f);
    c[ImGuiCol_TextSelectedBg] = Rgb(0x9E, 0x1B, 0x1B, 0.25f);
    c[ImGuiCol_NavHighlight] = Rgb(0x1F, 0x4E, 0x99);   // keyboard focus ring: blue, not the red
    c[ImGuiCol_ModalWindowDimBg] = Rgb(0x20, 0x20, 0x20, 0.45f);

    style.ScaleAllSizes(g_scale);
}

}  // namespace embassy::ui
