// --ui-map: a text picture of the frame just drawn, for the e2e tests. The click helpers
// (tests/e2e/kiosk_common.sh) read "<id> <cx> <cy>"; the layout test (tests/e2e/kiosk_layout.py)
// reads the rest. One line each, space-separated, coordinates in window pixels:
//
//   screen <Name>                     first line, always (the e2e scripts wait on it)
//   lang <tag>                        the language the screen is drawn in
//   textsize <percent>                the volunteer's text-size setting
//   viewport <w> <h>
//   focus <id>                        the field the on-screen keyboard types into, when shown
//   <id> <cx> <cy> <x0> <y0> <x1> <y1> <window>
//                                     a widget at least partly visible: the centre of its visible
//                                     part (where a click lands), then its whole rect and the
//                                     window (scroll region) it lies in
//   hidden <id> <x0> <y0> <x1> <y1> <window>
//                                     a widget scrolled or clipped wholly out of sight
//   region <window> <x0> <y0> <x1> <y1> <scroll_y> <scroll_max_y> <scrollbar 0|1> <parent>
//                                     every window drawn this frame: its inner rect (without the
//                                     scrollbar), how far it is scrolled and can scroll, whether a
//                                     scrollbar shows it can, and the window it is a child of ("-")
//
// Ids are message keys, language tags, field names and country codes, never typed text.
#include "app.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace embassy::app {
namespace {

std::string WindowName(const ImGuiWindow* w) {
    std::string n = w != nullptr ? w->Name : "-";
    std::replace(n.begin(), n.end(), ' ', '_');   // one token per field
    return n;
}

std::string Num(float v) { return std::to_string(static_cast<int>(std::lround(v))); }

}  // namespace

void UiMap::Add(const std::string& id) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    const ImRect clip = win->ClipRect;
    Item it;
    it.rect = {a.x, a.y, b.x, b.y};
    it.window = WindowName(win);
    // Only what is really visible is clickable: clipped rows of a scrolled list are not.
    it.shown = b.y > clip.Min.y && a.y < clip.Max.y && b.x > clip.Min.x && a.x < clip.Max.x;
    it.visible = {std::max(a.x, clip.Min.x), std::max(a.y, clip.Min.y), std::min(b.x, clip.Max.x),
                  std::min(b.y, clip.Max.y)};
    items[id] = it;
}

std::string UiMap::Text(const char* screen, const std::string& lang, float text_scale) const {
    std::string t = std::string("screen ") + screen + "\n";
    t += "lang " + lang + "\n";
    t += "textsize " + Num(text_scale * 100.0f) + "\n";
    const ImVec2 vp = ImGui::GetMainViewport()->Size;
    t += "viewport " + Num(vp.x) + " " + Num(vp.y) + "\n";
    if (!focus.empty()) t += "focus " + focus + "\n";
    for (const auto& [id, it] : items) {
        const auto& r = it.rect;
        const std::string rect = Num(r[0]) + " " + Num(r[1]) + " " + Num(r[2]) + " " + Num(r[3]);
        if (it.shown)
            t += id + " " + Num((it.visible[0] + it.visible[2]) * 0.5f) + " " +
                 Num((it.visible[1] + it.visible[3]) * 0.5f) + " " + rect + " " + it.window + "\n";
        else
            t += "hidden " + id + " " + rect + " " + it.window + "\n";
    }
    for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
        if (!w->Active || w->Hidden || std::string_view(w->Name).rfind("Debug##", 0) == 0) continue;
        const ImRect& r = w->InnerRect;
        const bool child = (w->Flags & ImGuiWindowFlags_ChildWindow) != 0;
        t += "region " + WindowName(w) + " " + Num(r.Min.x) + " " + Num(r.Min.y) + " " + Num(r.Max.x) + " " +
             Num(r.Max.y) + " " + Num(w->Scroll.y) + " " + Num(w->ScrollMax.y) + " " + (w->ScrollbarY ? "1" : "0") +
             " " + (child ? WindowName(w->ParentWindow) : std::string("-")) + "\n";
    }
    return t;
}

std::string App::UiMapText() const {
    return uimap_.Text(kiosk::screen_name(flow_.screen), flow_.ui_lang(), flow_.settings.font_scale);
}

}  // namespace embassy::app
