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

bool OnScreenKeyboard(const char* id, KeyboardLayout layout, std::string& target, std::size_t max_bytes) {
    const Row* rows = layout == KeyboardLayout::Cyrillic ? kCyrillic : kLatin;
    const std::size_t row_count = layout == KeyboardLayout::Cyrillic ? std::size(kCyrillic) : std::size(kLatin);

    ImGui::PushID(id);
    ImGuiStorage* store = ImGui::GetStateStorage();
    const ImGuiID key_shift = ImGui::GetID("shift");
    bool shift = store->GetBool(key_shift, false);

    std::vector<std::vector<std::string>> lower(row_count), upper(row_count);
    std::size_t columns = 10;   // at least as wide as the bottom row (shift ' - space×5 backspace)
    for (std::size_t r = 0; r < row_count; ++r) {
        lower[r] = SplitKeys(rows[r].lower);
        upper[r] = SplitKeys(rows[r].upper);
        columns = std::max(columns, lower[r].size());
    }

    const ImGuiStyle& style = ImGui::GetStyle();
    const float gap = std::max(4.0f, style.ItemSpacing.x * 0.5f);
    const float avail = ImGui::GetContentRegionAvail().x;
    const float cols = static_cast<float>(columns);
    const float key_w = std::max(TouchTarget() * 0.75f, std::floor((avail - gap * (cols - 1.0f)) / cols));
    const float key_h = std::clamp(key_w, TouchTarget(), TouchTarget() * 1.3f);
    const float left = ImGui::GetCursorPosX();

    if (GetFonts().large != nullptr) ImGui::PushFont(GetFonts().large);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
    ImGui::PushStyleColor(ImGuiCol_Button, colors::Paper());

    bool changed = false;
    for (std::size_t r = 0; r < row_count; ++r) {
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
        }
    }

    // Bottom row: shift, apostrophe, hyphen, a wide space bar and backspace (repeats when held).
    const float wide = key_w * 5.0f + gap * 4.0f;
    const float bottom_w = key_w * 4.0f + wide + gap * 4.0f;
    ImGui::SetCursorPosX(left + std::max(0.0f, (avail - bottom_w) * 0.5f));
    if (shift) ImGui::PushStyleColor(ImGuiCol_Button, colors::Primary());
    if (shift) ImGui::PushStyleColor(ImGuiCol_Text, colors::OnPrimary());
    const bool shift_clicked = ImGui::Button("##shift", ImVec2(key_w, key_h));
    DrawKeyIcon(Icon::Shift, ImGui::GetColorU32(ImGuiCol_Text));
    if (shift) ImGui::PopStyleColor(2);
    if (shift_clicked) shift = !shift;
    ImGui::SameLine();
    if (ImGui::Button("'##apostrophe", ImVec2(key_w, key_h))) changed |= KeyboardAppend(target, "'", max_bytes);
    ImGui::SameLine();
    if (ImGui::Button("-##hyphen", ImVec2(key_w, key_h))) changed |= KeyboardAppend(target, "-", max_bytes);
    ImGui::SameLine();
    if (ImGui::Button("##space", ImVec2(wide, key_h))) changed |= KeyboardAppend(target, " ", max_bytes);
    ImGui::SameLine();
    ImGui::PushButtonRepeat(true);
    if (ImGui::Button("##backspace", ImVec2(key_w, key_h))) changed |= KeyboardBackspace(target);
    DrawKeyIcon(Icon::Backspace, ImGui::GetColorU32(ImGuiCol_Text));
    ImGui::PopButtonRepeat();

    ImGui::PopStyleColor();
    ImGui::PopStyleVar();
    if (GetFonts().large != nullptr) ImGui::PopFont();
    store->SetBool(key_shift, shift);
    ImGui::PopID();
    return changed;
}

}  // namespace embassy::ui
