// Large touch widgets, the passphrase meter and the privacy helpers (input-state wipe,
// clipboard off).
#include "embassy/ui/widgets.hpp"

#include "embassy/ui/fonts.hpp"
#include "embassy/ui/theme.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>   // malloc_usable_size
#include <string.h>   // explicit_bzero (glibc): a wipe the optimiser may not drop

namespace embassy::ui {

// [SECTION] Buttons and checkboxes

bool BigButton(const char* label, ImVec2 size, bool primary) {
    ImFont* font = primary ? GetFonts().bold : GetFonts().regular;
    if (font != nullptr) ImGui::PushFont(font);
    if (primary) {
        ImGui::PushStyleColor(ImGuiCol_Button, colors::Primary());
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, colors::PrimaryHovered());
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, colors::PrimaryActive());
        ImGui::PushStyleColor(ImGuiCol_Text, colors::OnPrimary());
        ImGui::PushStyleColor(ImGuiCol_Border, colors::PrimaryActive());
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const float min_side = TouchTarget();
    if (size.x == 0.0f) {
        const float text_w = ImGui::CalcTextSize(label, nullptr, true).x;
        size.x = std::max(min_side * 2.0f, text_w + style.FramePadding.x * 4.0f);
    } else if (size.x > 0.0f) {
        size.x = std::max(size.x, min_side);
    }   // negative: ImGui's "align to the right edge" meaning, left as given
    size.y = std::max(size.y, std::max(min_side, ImGui::GetTextLineHeight() + style.FramePadding.y * 2.0f));
    const bool pressed = ImGui::Button(label, size);
    if (primary) ImGui::PopStyleColor(5);
    if (font != nullptr) ImGui::PopFont();
    return pressed;
}

bool CheckboxLarge(const char* label, bool* value) {
    ImGui::PushID(label);
    const ImGuiStyle& style = ImGui::GetStyle();
    const float box = std::round(TouchTarget() * 0.75f);
    const float gap = style.ItemInnerSpacing.x * 1.5f;
    const float width = std::max(ImGui::GetContentRegionAvail().x, box + gap + 50.0f);
    const float wrap = width - box - gap;
    const char* label_end = ImGui::FindRenderedTextEnd(label);
    const ImVec2 text = ImGui::CalcTextSize(label, label_end, false, wrap);
    const float height = std::max(TouchTarget(), text.y + style.FramePadding.y);
    const ImVec2 pos = ImGui::GetCursorScreenPos();

    // The whole row (box and text) is the hit area: people tap the words, not the square.
    const bool pressed = ImGui::InvisibleButton("check", ImVec2(width, height));
    if (pressed) *value = !*value;
    const bool hovered = ImGui::IsItemHovered();

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float top = pos.y + std::floor((std::min(height, TouchTarget()) - box) * 0.5f);
    const ImVec2 b0(pos.x, top), b1(pos.x + box, top + box);
    const float rounding = 6.0f * ThemeScale();
    if (*value) {
        dl->AddRectFilled(b0, b1, ImGui::GetColorU32(hovered ? colors::PrimaryHovered() : colors::Primary()), rounding);
        // Check mark: two strokes, thick enough to read from a step away.
        const float t = box * 0.12f;
        const ImVec2 p1(b0.x + box * 0.22f, b0.y + box * 0.52f);
        const ImVec2 p2(b0.x + box * 0.42f, b0.y + box * 0.72f);
        const ImVec2 p3(b0.x + box * 0.78f, b0.y + box * 0.30f);
        const ImU32 white = ImGui::GetColorU32(colors::OnPrimary());
        dl->AddLine(p1, p2, white, t);
        dl->AddLine(p2, p3, white, t);
    } else {
        dl->AddRectFilled(b0, b1, ImGui::GetColorU32(colors::Paper()), rounding);
        dl->AddRect(b0, b1, ImGui::GetColorU32(hovered ? colors::Text() : colors::Border()), rounding, 0,
                    2.0f * ThemeScale());
    }
    const float text_top = pos.y + std::max(0.0f, (std::min(height, TouchTarget()) - ImGui::GetTextLineHeight()) * 0.5f);
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(b1.x + gap, text.y > ImGui::GetTextLineHeight() * 1.5f ? pos.y : text_top),
                ImGui::GetColorU32(ImGuiCol_Text), label, label_end, wrap);
    ImGui::PopID();
    return pressed;
}

// [SECTION] Text input

void WipeString(std::string& s) {
    s.resize(s.capacity());   // never reallocates: the whole allocation becomes addressable
    if (!s.empty()) explicit_bzero(s.data(), s.size());
    s.clear();
}

bool InputTextLarge(const char* label, std::string& value, std::size_t max_bytes,
                    ImGuiInputTextFlags flags, const char* hint) {
    if (value.capacity() < max_bytes + 1) {
        // One allocation for the life of the field; the old, smaller buffer is wiped before it
        // goes back to the heap.
        std::string fresh;
        fresh.reserve(max_bytes + 1);
        fresh.assign(value, 0, std::min(value.size(), max_bytes));
        WipeString(value);
        value.swap(fresh);
    }
    if (value.size() > max_bytes) {
        // Cut before the code point that does not fit, never inside it.
        std::size_t cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0u) == 0x80u) --cut;
        value.resize(cut);
    }

    ImGui::PushID(label);
    const char* label_end = ImGui::FindRenderedTextEnd(label);
    if (label_end != label) ImGui::TextUnformatted(label, label_end);   // label above: room to wrap

    value.resize(max_bytes + 1, '\0');   // fixed buffer: ImGui stops at max_bytes on a code point boundary
    ImFont* font = GetFonts().large;
    if (font != nullptr) ImGui::PushFont(font);
    ImGui::SetNextItemWidth(-FLT_MIN);
    flags &= ~ImGuiInputTextFlags_CallbackResize;   // the buffer must never move
    const bool changed = ImGui::InputTextWithHint("##input", hint != nullptr ? hint : "", value.data(),
                                                  max_bytes + 1, flags);
    if (font != nullptr) ImGui::PopFont();
    value.resize(::strnlen(value.data(), max_bytes));
    ImGui::PopID();
    return changed;
}

// [SECTION] Countdown

bool Countdown(const char* label, float seconds_left, float total) {
    const float left = std::max(0.0f, seconds_left);
    const float fraction = total > 0.0f ? std::clamp(left / total, 0.0f, 1.0f) : 0.0f;
    const float side = std::round(TouchTarget() * 1.5f);
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(side, side));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 centre(pos.x + side * 0.5f, pos.y + side * 0.5f);
    const float thickness = side * 0.1f;
    const float radius = side * 0.5f - thickness;
    dl->AddCircle(centre, radius, ImGui::GetColorU32(ImVec4(0.85f, 0.84f, 0.80f, 1.0f)), 48, thickness);
    if (fraction > 0.0f) {
        constexpr float kTop = -IM_PI * 0.5f;   // start at 12 o'clock, shrink clockwise
        dl->PathArcTo(centre, radius, kTop, kTop + fraction * 2.0f * IM_PI, std::max(8, static_cast<int>(48 * fraction)));
        const ImVec4 col = fraction > 0.34f ? colors::Primary() : colors::Danger();
        dl->PathStroke(ImGui::GetColorU32(col), 0, thickness);
    }
    char digits[16];
    std::snprintf(digits, sizeof digits, "%d", static_cast<int>(std::ceil(left)));
    ImFont* font = GetFonts().heading != nullptr ? GetFonts().heading : ImGui::GetFont();
    const float font_size = font == GetFonts().heading ? font->FontSize : ImGui::GetFontSize();
    const ImVec2 ts = font->CalcTextSizeA(font_size, FLT_MAX, 0.0f, digits);
    dl->AddText(font, font_size, ImVec2(centre.x - ts.x * 0.5f, centre.y - ts.y * 0.5f),
                ImGui::GetColorU32(ImGuiCol_Text), digits);
    const char* label_end = ImGui::FindRenderedTextEnd(label);
    if (label_end != label) {
        ImGui::SameLine();
        ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x, centre.y - ImGui::GetTextLineHeight() * 0.5f));
        ImGui::TextUnformatted(label, label_end);
    }
    return left <= 0.0f;
}

// [SECTION] Passphrase meter

void PassphraseMeter(int score) {
    const ImVec4 palette[5] = {colors::Danger(), colors::Danger(), colors::Warning(),
                               ImVec4(0.45f, 0.60f, 0.10f, 1.0f), colors::Success()};
    const float width = ImGui::GetContentRegionAvail().x;
    const float height = std::round(12.0f * ThemeScale());
    const float gap = std::round(6.0f * ThemeScale());
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, height));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float seg = (width - gap * 3.0f) / 4.0f;
    const bool shown = score >= 0 && score <= 4;
    for (int i = 0; i < 4; ++i) {
        const float x = pos.x + static_cast<float>(i) * (seg + gap);
        const bool lit = shown && i < std::max(score, 1);   // score 0 still shows one red segment
        const ImVec4 col = lit ? palette[score] : ImVec4(0.86f, 0.85f, 0.81f, 1.0f);
        dl->AddRectFilled(ImVec2(x, pos.y), ImVec2(x + seg, pos.y + height), ImGui::GetColorU32(col), height * 0.5f);
    }
}

// [SECTION] Privacy helpers

namespace {

template <class T>
void ZeroVector(ImVector<T>& v) {
    if (v.Data != nullptr && v.Capacity > 0) {
        explicit_bzero(static_cast<void*>(v.Data), static_cast<std::size_t>(v.Capacity) * sizeof(T));
    }
    v.clear();   // frees the (now zeroed) allocation
}

void ZeroDrawList(ImDrawList* dl) {
    if (dl == nullptr) return;
    // Glyph quads are text too (their UVs name the letters). Sizes stay, so a stale draw list is
    // rendered as degenerate triangles rather than read out of freed memory.
    if (dl->VtxBuffer.Data != nullptr) {
        explicit_bzero(static_cast<void*>(dl->VtxBuffer.Data),
                       static_cast<std::size_t>(dl->VtxBuffer.Capacity) * sizeof(ImDrawVert));
    }
}

}  // namespace

void WipeInputState() {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (ctx == nullptr) return;
    ImGuiContext& g = *ctx;
    ImGui::ClearActiveID();   // an active InputText would otherwise re-fill its state next frame

    ImGuiInputTextState& st = g.InputTextState;
    ZeroVector(st.TextW);          // the edit buffer (UTF-16)
    ZeroVector(st.TextA);          // UTF-8 copy used for callbacks
    ZeroVector(st.InitialTextA);   // backup taken when the field was focused (for Escape)
    // stb_textedit's undo history holds deleted characters.
    std::memset(static_cast<void*>(&st.Stb), 0, sizeof(st.Stb));
    st.ID = 0;
    st.CurLenW = st.CurLenA = 0;
    st.TextAIsValid = false;
    st.BufCapacityA = 0;
    st.ScrollX = 0.0f;
    st.Edited = false;
    st.SelectedAllMouseLock = false;

    ZeroVector(g.IO.InputQueueCharacters);   // typed but not yet consumed
    ZeroVector(g.ClipboardHandlerData);      // ImGui's own clipboard when the platform has none
    explicit_bzero(g.TempBuffer, sizeof(g.TempBuffer));   // Text("%s", ...) formats into it
    for (ImGuiWindow* w : g.Windows) ZeroDrawList(w->DrawList);
}

void InstallWipingAllocator() {
    ImGui::SetAllocatorFunctions(
        [](std::size_t size, void*) -> void* { return std::malloc(size); },
        [](void* p, void*) {
            if (p == nullptr) return;
            explicit_bzero(p, malloc_usable_size(p));
            std::free(p);
        },
        nullptr);
}

void DisableClipboard() {
    ImGuiIO& io = ImGui::GetIO();
    io.SetClipboardTextFn = [](void*, const char*) {};
    io.GetClipboardTextFn = [](void*) -> const char* { return ""; };
    io.ClipboardUserData = nullptr;
    if (ImGuiContext* ctx = ImGui::GetCurrentContext()) ZeroVector(ctx->ClipboardHandlerData);
}

}  // namespace embassy::ui
