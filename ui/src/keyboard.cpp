// On-screen keyboard. Rows are written as space-separated UTF-8 keys, lower and upper case side
// by side, so a translator or volunteer can read and fix a layout without decoding tables.
#include "embassy/ui/keyboard.hpp"

#include "embassy/ui/fonts.hpp"
#include "embassy/ui/theme.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace embassy::ui {
namespace {

struct Row {
    const char* lower;
    const char* upper;
};

// Belarusian, Russian and Ukrainian on one ЙЦУКЕН-based layout; the letters that only some of the
// three use (ё ъ щ и э / і ў / ґ є ї) sit at the row ends.
const Row kCyrillic[] = {
    {"й ц у к е н г ш щ з х ъ ё", "Й Ц У К Е Н Г Ш Щ З Х Ъ Ё"},
    {"ф ы в а п р о л д ж э є", "Ф Ы В А П Р О Л Д Ж Э Є"},
    {"я ч с м и і т ь б ю ў ї ґ", "Я Ч С М И І Т Ь Б Ю Ў Ї Ґ"},
};

// QWERTY plus German (ü ß ö ä), Polish (ą ć ę ł ń ó ś ź ż), Lithuanian (ą č ę ė į š ų ū ž) and
// Belarusian Łacinka (ć č ł ń ś š ŭ ź ž). ß has no upper-case key: the capital ẞ is not in our font ranges.
const Row kLatin[] = {
    {"q w e r t y u i o p ü ß", "Q W E R T Y U I O P Ü ß"},
    {"a s d f g h j k l ö ä", "A S D F G H J K L Ö Ä"},
    {"z x c v b n m ł ń ó ŭ", "Z X C V B N M Ł Ń Ó Ŭ"},
    {"ą ć č ę ė į ś š ų ū ź ž ż", "Ą Ć Č Ę Ė Į Ś Š Ų Ū Ź Ž Ż"},
};

// Addresses are written in lower case (domains are case-blind, and almost every mailbox is too),
// so the email layout has no shift: one tap fewer per letter.
const Row kEmail[] = {
    {"1 2 3 4 5 6 7 8 9 0", "1 2 3 4 5 6 7 8 9 0"},
    {"q w e r t y u i o p", "q w e r t y u i o p"},
    {"a s d f g h j k l", "a s d f g h j k l"},
    {"z x c v b n m", "z x c v b n m"},
};

const Row kPhone[] = {
    {"1 2 3 4 5 6 7 8 9 0", "1 2 3 4 5 6 7 8 9 0"},
};

// The bottom row: special keys and punctuation, each `span` keys wide.
enum class Kind { Text, Shift, Space, Backspace };
struct BottomKey {
    Kind kind;
    const char* text;   // inserted text (Kind::Text)
    float span;
};
const BottomKey kNameBottom[] = {{Kind::Shift, "", 1}, {Kind::Text, "'", 1}, {Kind::Text, "-", 1},
                                 {Kind::Space, " ", 4}, {Kind::Backspace, "", 1}};
const BottomKey kEmailBottom[] = {{Kind::Text, "@", 1}, {Kind::Text, ".", 1}, {Kind::Text, "-", 1},
                                  {Kind::Text, "_", 1}, {Kind::Text, "+", 1}, {Kind::Backspace, "", 1.5f}};
const BottomKey kPhoneBottom[] = {{Kind::Text, "+", 1}, {Kind::Space, " ", 3}, {Kind::Backspace, "", 1.5f}};

struct LayoutDef {
    const Row* rows;
    std::size_t row_count;
    const BottomKey* bottom;
    std::size_t bottom_count;
};

LayoutDef Def(KeyboardLayout layout) {
    switch (layout) {
        case KeyboardLayout::Cyrillic: return {kCyrillic, std::size(kCyrillic), kNameBottom, std::size(kNameBottom)};
        case KeyboardLayout::Latin: return {kLatin, std::size(kLatin), kNameBottom, std::size(kNameBottom)};
        case KeyboardLayout::Email: return {kEmail, std::size(kEmail), kEmailBottom, std::size(kEmailBottom)};
        case KeyboardLayout::Phone: return {kPhone, std::size(kPhone), kPhoneBottom, std::size(kPhoneBottom)};
    }
    return {kLatin, std::size(kLatin), kNameBottom, std::size(kNameBottom)};
}

std::vector<std::string> SplitKeys(const char* row) {
    std::vector<std::string> keys;
    std::string cur;
    for (const char* p = row; *p != '\0'; ++p) {
        if (*p == ' ') {
            if (!cur.empty()) keys.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(*p);
        }
    }
    if (!cur.empty()) keys.push_back(cur);
    return keys;
}

// Noto Sans has no arrow glyphs, so the shift and backspace keys get drawn icons.
enum class Icon { Shift, Backspace };

void DrawKeyIcon(Icon icon, ImU32 col) {
    const ImVec2 a = ImGui::GetItemRectMin();
    const ImVec2 b = ImGui::GetItemRectMax();
    const ImVec2 c((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    const float s = std::min(b.x - a.x, b.y - a.y) * 0.26f;
    const float t = std::max(1.5f, 2.0f * ThemeScale());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (icon == Icon::Shift) {   // hollow upward arrow
        const ImVec2 pts[] = {{c.x, c.y - s},          {c.x + s, c.y},          {c.x + s * 0.45f, c.y},
                              {c.x + s * 0.45f, c.y + s}, {c.x - s * 0.45f, c.y + s}, {c.x - s * 0.45f, c.y},
                              {c.x - s, c.y}};
        dl->AddPolyline(pts, static_cast<int>(std::size(pts)), col, ImDrawFlags_Closed, t);
    } else {   // a key cap pointing left with a cross in it
        const ImVec2 pts[] = {{c.x - s * 1.3f, c.y},         {c.x - s * 0.55f, c.y - s * 0.75f},
                              {c.x + s * 1.1f, c.y - s * 0.75f}, {c.x + s * 1.1f, c.y + s * 0.75f},
                              {c.x - s * 0.55f, c.y + s * 0.75f}};
        dl->AddPolyline(pts, static_cast<int>(std::size(pts)), col, ImDrawFlags_Closed, t);
        const float x = c.x + s * 0.3f, r = s * 0.32f;
        dl->AddLine(ImVec2(x - r, c.y - r), ImVec2(x + r, c.y + r), col, t);
        dl->AddLine(ImVec2(x - r, c.y + r), ImVec2(x + r, c.y - r), col, t);
    }
}

}  // namespace

bool KeyboardAppend(std::string& target, std::string_view utf8, std::size_t max_bytes) {
    if (utf8.empty() || target.size() + utf8.size() > max_bytes) return false;
    target.append(utf8);
    return true;
}

bool KeyboardBackspace(std::string& target) {
    if (target.empty()) return false;
    std::size_t n = target.size();
    // Step back over UTF-8 continuation bytes (10xxxxxx) to the lead byte of the last code point.
    while (n > 0 && (static_cast<unsigned char>(target[n - 1]) & 0xC0u) == 0x80u) --n;
    if (n > 0) --n;
    target.erase(n);
    return true;
}

int KeyboardRows(KeyboardLayout layout) { return static_cast<int>(Def(layout).row_count) + 1; }

std::string KeyboardCharacters(KeyboardLayout layout) {
    const LayoutDef def = Def(layout);
    std::string all;
    for (std::size_t r = 0; r < def.row_count; ++r)
        for (const char* row : {def.rows[r].lower, def.rows[r].upper})
            for (const auto& k : SplitKeys(row)) all += k;
    for (std::size_t i = 0; i < def.bottom_count; ++i)
        if (def.bottom[i].kind == Kind::Text || def.bottom[i].kind == Kind::Space) all += def.bottom[i].text;
    return all;
}

bool OnScreenKeyboard(const char* id, KeyboardLayout layout, std::string& target, std::size_t max_bytes,
                      const KeyboardOptions& options) {
    const LayoutDef def = Def(layout);

    ImGui::PushID(id);
    ImGuiStorage* store = ImGui::GetStateStorage();
    const ImGuiID key_shift = ImGui::GetID("shift");
    bool shift = store->GetBool(key_shift, false);

    std::vector<std::vector<std::string>> lower(def.row_count), upper(def.row_count);
    float bottom_span = static_cast<float>(options.trailing_count) * options.trailing_span;
    for (std::size_t i = 0; i < def.bottom_count; ++i) bottom_span += def.bottom[i].span;
    float columns = std::ceil(bottom_span);   // at least as wide as the bottom row
    for (std::size_t r = 0; r < def.row_count; ++r) {
        lower[r] = SplitKeys(def.rows[r].lower);
        upper[r] = SplitKeys(def.rows[r].upper);
        columns = std::max(columns, static_cast<float>(lower[r].size()));
    }

    const ImGuiStyle& style = ImGui::GetStyle();
    const float gap = std::max(4.0f, style.ItemSpacing.x * 0.5f);
    const float avail = ImGui::GetContentRegionAvail().x;
    // Keys no wider than 1.6 touch targets: a phone pad of 10 keys across a 1080p screen would
    // otherwise be a row of planks.
    float key_w = std::max(TouchTarget() * 0.75f, std::floor((avail - gap * (columns - 1.0f)) / columns));
    key_w = std::min(key_w, std::floor(TouchTarget() * 1.9f));
    float key_h = std::clamp(key_w, TouchTarget(), TouchTarget() * 1.3f);
    if (options.max_height > 0.0f) {
        const float rows = static_cast<float>(def.row_count + 1);
        const float fit = std::floor((options.max_height - gap * (rows - 1.0f)) / rows);
        key_h = std::max(std::min(key_h, fit), TouchTarget());   // never below a finger's size
    }
    const float left = ImGui::GetCursorPosX();
    auto span_w = [&](float span) { return std::floor(key_w * span + gap * (span - 1.0f)); };

    if (GetFonts().large != nullptr) ImGui::PushFont(GetFonts().large);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(style.FramePadding.x, 0.0f));   // low keys keep their letter
    ImGui::PushStyleColor(ImGuiCol_Button, colors::Paper());

    bool changed = false;
    for (std::size_t r = 0; r < def.row_count; ++r) {
        const auto& keys = shift ? upper[r] : lower[r];
        const float row_w = static_cast<float>(keys.size()) * (key_w + gap) - gap;
        ImGui::SetCursorPosX(left + std::max(0.0f, (avail - row_w) * 0.5f));   // centred rows
        for (std::size_t k = 0; k < keys.size(); ++k) {
            if (k > 0) ImGui::SameLine();
            ImGui::PushID(static_cast<int>(r * 100 + k));
            if (ImGui::Button(keys[k].c_str(), ImVec2(key_w, key_h))) {
                if (KeyboardAppend(target, keys[k], max_bytes)) {
                    changed = true;
                    shift = false;   // one-shot: capitalises the next letter only
                }
            }
            ImGui::PopID();
            if (options.on_key) options.on_key(lower[r][k]);
        }
    }

    // Bottom row: the layout's special keys, then the caller's buttons. Backspace repeats when held.
    float bottom_w = -gap;
    for (std::size_t i = 0; i < def.bottom_count; ++i) bottom_w += span_w(def.bottom[i].span) + gap;
    const float trailing_w = span_w(options.trailing_span);
    bottom_w += static_cast<float>(options.trailing_count) * (trailing_w + gap);
    ImGui::SetCursorPosX(left + std::max(0.0f, (avail - bottom_w) * 0.5f));
    for (std::size_t i = 0; i < def.bottom_count; ++i) {
        const BottomKey& bk = def.bottom[i];
        if (i > 0) ImGui::SameLine();
        const ImVec2 size(span_w(bk.span), key_h);
        ImGui::PushID(static_cast<int>(1000 + i));
        switch (bk.kind) {
            case Kind::Shift: {
                if (shift) ImGui::PushStyleColor(ImGuiCol_Button, colors::Primary());
                if (shift) ImGui::PushStyleColor(ImGuiCol_Text, colors::OnPrimary());
                const bool clicked = ImGui::Button("##shift", size);
                DrawKeyIcon(Icon::Shift, ImGui::GetColorU32(ImGuiCol_Text));
                if (shift) ImGui::PopStyleColor(2);
                if (clicked) shift = !shift;
                if (options.on_key) options.on_key("shift");
                break;
            }
            case Kind::Text:
                if (ImGui::Button(bk.text, size)) changed |= KeyboardAppend(target, bk.text, max_bytes);
                if (options.on_key) options.on_key(bk.text);
                break;
            case Kind::Space:
                if (ImGui::Button("##space", size)) changed |= KeyboardAppend(target, " ", max_bytes);
                if (options.on_key) options.on_key("space");
                break;
            case Kind::Backspace:
                ImGui::PushButtonRepeat(true);
                if (ImGui::Button("##backspace", size)) changed |= KeyboardBackspace(target);
                DrawKeyIcon(Icon::Backspace, ImGui::GetColorU32(ImGuiCol_Text));
                ImGui::PopButtonRepeat();
                if (options.on_key) options.on_key("backspace");
                break;
        }
        ImGui::PopID();
    }
    ImGui::PopStyleColor();
    ImGui::PopStyleVar();   // frame padding: the caller's buttons have their own
    if (GetFonts().large != nullptr) ImGui::PopFont();
    if (options.trailing_count > 0 && options.trailing) {
        ImGui::SameLine();   // at the keys' spacing, which stays pushed for the caller's SameLine
        options.trailing(ImVec2(trailing_w, key_h));
    }
    ImGui::PopStyleVar();
    store->SetBool(key_shift, shift);
    ImGui::PopID();
    return changed;
}

}  // namespace embassy::ui
