// Every screen of the kiosk, drawn from the flow's state. Screens never call the store: what they
// need (counts, pack texts) is cached by app.cpp, and every action goes through App::Send.
//
// Index of this file
// [SECTION] Building blocks
// [SECTION] Frame
// [SECTION] Setup
// [SECTION] Unlock and volunteer access
// [SECTION] The registrant's path
// [SECTION] Volunteer
// [SECTION] Overlays: idle, cancel, file chooser

#include "app.hpp"

#include "embassy/kiosk/auth.hpp"
#include "embassy/registry/countries.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/ui/fonts.hpp"
#include "embassy/ui/keyboard.hpp"
#include "embassy/ui/qr.hpp"
#include "embassy/ui/theme.hpp"
#include "embassy/ui/widgets.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace embassy::app {
namespace fs = std::filesystem;
using kiosk::Field;
using kiosk::Screen;
using registry::Purpose;
namespace ev = kiosk::ev;

namespace {
constexpr std::size_t kNameMax = 400;    // bytes; normalize_name allows 100 code points (≤ 400 bytes)
constexpr std::size_t kEmailMax = 254;
constexpr std::size_t kPhoneMax = 64;
constexpr std::size_t kPassMax = 512;

ImFont* Bold() { return ui::GetFonts().bold; }
ImFont* HeadingFont() { return ui::GetFonts().heading; }
ImFont* Large() { return ui::GetFonts().large; }
void PushFontOr(ImFont* f) { ImGui::PushFont(f ? f : ImGui::GetFont()); }

bool IsErrorKey(const std::string& k) {
    for (const char* w : {"error", "wrong", "wait", "too_weak", "mismatch", "missing", "required", "invalid",
                          ".none", "not_ready", "failed", "no_active"})
        if (k.find(w) != std::string::npos) return true;
    return false;
}

const Purpose kPurposes[] = {Purpose::sign_appeal, Purpose::join_registry, Purpose::be_contacted,
                             Purpose::pass_name_to_addressee};

float Scale() { return ui::ThemeScale(); }

// A number between a "-" and a "+" button: centred in a fixed width so the buttons line up.
void ValueBox(const char* text) {
    PushFontOr(ui::GetFonts().large);
    const float w = 130 * Scale();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 ts = ImGui::CalcTextSize(text);
    const float h = ui::TouchTarget();
    ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + (w - ts.x) * 0.5f, p.y + (h - ts.y) * 0.5f),
                                        ImGui::GetColorU32(ImGuiCol_Text), text);
    ImGui::Dummy(ImVec2(w, h));
    ImGui::PopFont();
}
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Building blocks
//-----------------------------------------------------------------------------

const char* App::T(const char* key) const { return catalogs_.tr(key); }

std::string App::F(const char* key,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> args) const {
    return ui::Format(T(key), args);
}

bool App::Button(const char* key, bool primary, float width, const char* label) {
    std::string l = std::string(label ? label : T(key)) + "##" + key;
    ImGui::BeginDisabled(flow_.busy && std::strcmp(key, "idle.continue") != 0);
    const bool r = ui::BigButton(l.c_str(), ImVec2(width, 0), primary);
    ImGui::EndDisabled();
    uimap_.Add(key);
    return r;
}

void App::Heading(const char* text) {
    PushFontOr(HeadingFont());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text);
    uimap_.AddText();
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
}

void App::Para(const char* text, bool muted) {
    if (muted) ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::TextMuted());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text);
    uimap_.AddText();
    ImGui::PopTextWrapPos();
    if (muted) ImGui::PopStyleColor();
}

void App::NoticeLine() {
    const auto n = flow_.notice_at(kiosk::Clock::now());  // a countdown's {seconds} as of this frame
    if (n.empty()) return;
    std::string text = T(n.key.c_str());
    for (const auto& [k, v] : n.args) text = ui::Format(text, {{k, v}});
    const bool bad = IsErrorKey(n.key);
    ImGui::PushStyleColor(ImGuiCol_Text, bad ? ui::colors::Danger() : ui::colors::Success());
    PushFontOr(Bold());
    Para(text.c_str());
    uimap_.Add("notice:" + n.key);   // tests read the outcome of an action from the map
    ImGui::PopFont();
    ImGui::PopStyleColor();
    if (!n.detail.empty()) Para(n.detail.c_str(), true);   // technical, English, never personal data
}

void App::BeginScreen() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollbar);
    // Header: who we are, in the registrant's language, with a thin rule under it.
    ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Primary());
    PushFontOr(Bold());
    ImGui::TextUnformatted(T("app.title"));
    ImGui::PopFont();
    ImGui::PopStyleColor();
    ImGui::Separator();
    ImGui::Dummy(ImVec2(0, 6 * Scale()));
    // The content column: centred, no wider than a comfortable reading width. Below it the
    // keyboard (when shown) and the bottom bar keep their measured heights, so the bar is never
    // pushed off the screen: the content scrolls instead (one scroll region per screen).
    const float sp = ImGui::GetStyle().ItemSpacing.y;
    if (bar_h_ <= 0.0f) bar_h_ = ui::TouchTarget() + sp * 2 + 4 * Scale();   // the first frame's guess
    const float room = ImGui::GetContentRegionAvail().y - bar_h_ - sp;
    float content = room;
    if (KeyboardShown()) {
        // The field being typed into needs its label, the input and an error line above the keys.
        const float field = ImGui::GetTextLineHeightWithSpacing() * 2 + ui::TouchTarget() * 1.4f + sp * 2;
        kb_max_ = std::max(ui::TouchTarget() * 2.0f, std::min(room * 0.62f, room - field));
        content -= std::min(kb_height_, kb_max_) + sp;
    }
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float col = std::min(avail_w, 1150.0f * Scale());
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail_w - col) * 0.5f);
    // Never 0 or less: ImGui reads that as "fill the window" and pushes the bar out of sight.
    ImGui::BeginChild("##content", ImVec2(col, std::max(content, ui::TouchTarget())), false,
                      ImGuiWindowFlags_NoBackground);
}

void App::EndScreen() {
    ImGui::EndChild();
    KeyboardFor(kb_target_);
    bar_top_ = ImGui::GetCursorScreenPos().y;
}

// Back (left), Cancel (left, when the registrant may abandon), Next (right, primary).
// Returns true when Next was pressed (already sent as ev::Next).
// The start of a screen with a title, a muted hint under it and a gap of `gap` (unscaled) pixels.
void App::OpenScreen(const char* title_key, const char* hint_key, int gap) {
    BeginScreen();
    Heading(T(title_key));
    Para(T(hint_key), true);
    ImGui::Dummy(ImVec2(0, static_cast<float>(gap) * Scale()));
}

// The end of a screen: its scrolling body, the bottom bar, the window.
void App::CloseScreen(const char* back_key, const char* next_key, bool cancel) {
    EndScreen();
    BottomBar(back_key, next_key, cancel);
    ImGui::End();
}

bool App::BottomBar(const char* back_key, const char* next_key, bool cancel, bool next_enabled) {
    ImGui::Separator();
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float col = std::min(avail_w, 1150.0f * Scale());
    const float x0 = ImGui::GetCursorPosX() + (avail_w - col) * 0.5f;
    ImGui::SetCursorPosX(x0);
    float bw = 220 * Scale();
    const float sx = ImGui::GetStyle().ItemSpacing.x;
    const char* next_label = next_key ? T(next_key) : "";
    float next_w = next_key ? std::max(bw * 1.3f, ImGui::CalcTextSize(next_label).x + 80 * Scale()) : 0.0f;
    const int left_buttons = (back_key ? 1 : 0) + (cancel ? 1 : 0);
    // A narrow window or a long label: the buttons share the width rather than run off the side.
    const float need = static_cast<float>(left_buttons) * (bw + sx) + next_w;
    if (need > col) {
        const float k = col / need;
        bw = std::floor(bw * k);
        next_w = std::floor(next_w * k);
    }
    if (back_key) {
        if (Button(back_key, false, bw)) Send(ev::Back{});
        ImGui::SameLine();
    }
    if (cancel) {
        if (Button("button.cancel", false, bw)) confirm_cancel_ = true;
        ImGui::SameLine();
    }
    bool pressed = false;
    if (next_key) {
        ImGui::SetCursorPosX(x0 + col - next_w);
        ImGui::BeginDisabled(!next_enabled);
        if (Button(next_key, true, next_w)) {
            Send(ev::Next{});
            pressed = true;
        }
        ImGui::EndDisabled();
    } else {
        ImGui::NewLine();
    }
    return pressed;
}

void App::TextField(Field f, const char* label_key, bool required, std::size_t max) {
    std::string label = T(label_key);
    label += required ? " *" : std::string("  ") + T("details.optional");
    label += "##";
    label += kiosk::field_key(f);
    auto& value = flow_.form[f];
    const ImGuiInputTextFlags flags = f == Field::email   ? ImGuiInputTextFlags_CharsNoBlank
                                      : f == Field::phone ? ImGuiInputTextFlags_CharsNoBlank
                                                          : 0;
    if (ui::InputTextLarge(label.c_str(), value, max, flags)) Send(ev::Activity{});
    if (FocusHere(flow_.focus.is(f))) ImGui::SetKeyboardFocusHere(-1);
    if (ImGui::IsItemActivated()) {
        kb_target_ = &value;
        kb_field_ = f;
    }
    const std::string id = std::string("field:") + kiosk::field_key(f);
    uimap_.Add(id);
    FocusMarks(value, id);
    if (const auto& err = flow_.form.error(f); !err.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Danger());
        Para(T(err.c_str()));
        ImGui::PopStyleColor();
    }
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
}

void App::CountryPicker(const char* id, std::string& code, std::string& query, bool registrant) {
    const std::string lang = flow_.ui_lang();
    // ICU collation over 249 names is too slow for every frame: search only when the query changes.
    static std::string last_query, last_lang;
    static std::vector<std::pair<std::string, std::string>> results;
    static bool fresh = false;
    if (!fresh || last_query != query || last_lang != lang) {
        results.clear();
        for (const auto& c : registry::search_countries(query, lang))
            results.emplace_back(c, registry::country_name(c, lang));
        ui::WipeString(last_query);
        last_query = query;
        last_lang = lang;
        fresh = true;
        // A country's full name in any kiosk language selects it: no need to find it in the list.
        if (auto exact = registry::country_by_exact_name(query); exact && *exact != code) {
            code = *exact;
            if (registrant) Send(ev::Activity{});
        }
    }
    std::string search_label = std::string(T("field.country.search")) + "##search_" + id;
    if (!code.empty()) {
        PushFontOr(Bold());
        ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Success());
        std::string chosen = "» " + registry::country_name(code, lang);
        ImGui::TextUnformatted(chosen.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    if (ui::InputTextLarge(search_label.c_str(), query, 64, 0, nullptr)) Send(ev::Activity{});
    if (registrant && FocusHere(flow_.focus.is(Field::country))) ImGui::SetKeyboardFocusHere(-1);
    if (ImGui::IsItemActivated()) {
        kb_target_ = &query;
        kb_field_ = Field::country;
    }
    const std::string search_id = std::string("search:") + id;
    uimap_.Add(search_id);
    FocusMarks(query, search_id);
    // The best matches as rows of the form itself, not a list scrolling inside the scrolling form
    // (a finger dragging one moved the other). Typing narrows them; the count says more exist.
    const float row = ui::TouchTarget();
    constexpr std::size_t kShown = 5;
    // No sideways spacing: a Selectable spreads half of it past the column's edges.
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0.0f, 6 * Scale()));
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.0f, 0.5f));   // centred in the row's height
    for (std::size_t i = 0; i < results.size() && i < kShown; ++i) {
        const auto& [c, name] = results[i];
        const bool selected = c == code;
        ImGui::PushID(c.c_str());
        const std::string label = "  " + name;   // off the frame's left edge
        if (ImGui::Selectable(label.c_str(), selected, 0, ImVec2(0, row))) {
            code = c;
            if (registrant) Send(ev::Activity{});
        }
        // A frame, so a row reads as something to tap and not as a line of text (1366x768 screenshot).
        ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                                            ImGui::GetColorU32(ui::colors::Border()), 6 * Scale());
        uimap_.Add("country:" + c);
        ImGui::PopID();
    }
    ImGui::PopStyleVar(2);
    if (results.size() > kShown) {
        const std::string more = "… +" + std::to_string(results.size() - kShown);
        Para(more.c_str(), true);
    }
}

bool App::KeyboardShown() const {
    return flow_.settings.on_screen_keyboard && kb_target_ != nullptr &&
           (flow_.screen == Screen::Details || (flow_.screen == Screen::Sign && flow_.form.cannot_sign));
}

ui::KeyboardLayout App::KeyboardLayoutFor(Field f) const {
    if (f == Field::email) return ui::KeyboardLayout::Email;
    if (f == Field::phone) return ui::KeyboardLayout::Phone;
    return kb_cyrillic_ ? ui::KeyboardLayout::Cyrillic : ui::KeyboardLayout::Latin;
}

// The field that receives input: a focus ring, and a caret at the end of its text while the
// on-screen keyboard types into it (ImGui draws its own caret only while the field is active).
// Scrolls the form so the whole field, label and error line included, stays above the keyboard.
void App::FocusMarks(const std::string& value, const std::string& map_id) {
    const bool target = kb_target_ == &value && KeyboardShown();
    if (!target && !ImGui::IsItemActive()) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float t = std::max(2.0f, 3.0f * Scale());
    const ImU32 ring = ImGui::GetColorU32(ImGui::GetStyle().Colors[ImGuiCol_NavHighlight]);
    dl->AddRect(ImVec2(a.x - t, a.y - t), ImVec2(b.x + t, b.y + t), ring, ImGui::GetStyle().FrameRounding + t, 0, t);
    if (!target) return;
    uimap_.focus = map_id;
    if (!ImGui::IsItemActive()) {
        ImFont* font = Large() ? Large() : ImGui::GetFont();
        const ImVec2 pad = ImGui::GetStyle().FramePadding;
        const float tw = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0.0f, value.c_str()).x;
        const float x = std::min(a.x + pad.x + tw + 1.0f, b.x - pad.x);
        dl->AddLine(ImVec2(x, a.y + pad.y * 0.6f), ImVec2(x, b.y - pad.y * 0.6f), ImGui::GetColorU32(ui::colors::Text()),
                    std::max(2.0f, 2.0f * Scale()));
    }
    const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
    const float label = ImGui::GetTextLineHeightWithSpacing();
    if (a.y - label < clip.Min.y || b.y + label > clip.Max.y) ImGui::SetScrollHereY(0.5f);
}

// The on-screen keyboard, docked between the content and the bottom bar so it never scrolls away.
// Its layout follows the field: names get letters, email an address pad, phone a number pad.
void App::KeyboardFor(std::string* target) {
    if (!KeyboardShown() || target == nullptr) return;
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float col = std::min(avail_w, 1150.0f * Scale());
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail_w - col) * 0.5f);
    ImGui::BeginChild("##keyboard", ImVec2(col, std::min(kb_height_, kb_max_)), false, ImGuiWindowFlags_NoScrollbar);
    const float y0 = ImGui::GetCursorPosY();
    const ui::KeyboardLayout layout = KeyboardLayoutFor(kb_field_);
    const bool names = layout == ui::KeyboardLayout::Cyrillic || layout == ui::KeyboardLayout::Latin;
    ui::KeyboardOptions o;
    o.max_height = kb_max_;
    o.on_key = [this](const std::string& key) { uimap_.Add("key:" + key); };
    // Switch layout (names only) and hide share the bottom row with space and backspace.
    o.trailing_count = names ? 2 : 1;
    o.trailing_span = 2.5f;
    o.trailing = [this, names](ImVec2 size) {
        if (names) {
            // The other script's first letters say what the key does in any language.
            if (ui::BigButton(kb_cyrillic_ ? "ABC##kb_switch" : "АБВ##kb_switch", size)) kb_cyrillic_ = !kb_cyrillic_;
            uimap_.Add("keyboard.switch_layout");
            ImGui::SameLine();
        }
        if (ui::BigButton((std::string(T("keyboard.hide")) + "##kb_hide").c_str(), size)) kb_target_ = nullptr;
        uimap_.Add("keyboard.hide");
    };
    const std::size_t max = kb_field_ == Field::email ? kEmailMax : kb_field_ == Field::phone ? kPhoneMax : kNameMax;
    if (ui::OnScreenKeyboard("##osk", layout, *target, max, o)) Send(ev::Activity{});
    const float used = ImGui::GetCursorPosY() - y0;
    ImGui::EndChild();
    if (std::abs(used - kb_height_) > 1.0f) kb_height_ = used;   // exact from the next frame on
}

void App::DrawStrokesPreview(const registry::Strokes& strokes, float width) {
    const float h = width / ui::kPadAspect;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, ImVec2(p0.x + width, p0.y + h), ImGui::GetColorU32(ui::colors::Paper()), 6 * Scale());
    dl->AddRect(p0, ImVec2(p0.x + width, p0.y + h), ImGui::GetColorU32(ui::colors::Border()), 6 * Scale());
    const ImU32 ink = ImGui::GetColorU32(ui::colors::Text());
    std::vector<ImVec2> pts;
    for (const auto& s : strokes) {
        pts.clear();
        for (const auto& p : s)
            pts.emplace_back(p0.x + static_cast<float>(p.x) / static_cast<float>(registry::kCanvasWidth - 1) * width,
                             p0.y + static_cast<float>(p.y) / static_cast<float>(registry::kCanvasHeight - 1) * h);
        if (pts.size() == 1) dl->AddCircleFilled(pts[0], 1.5f * Scale(), ink);
        else dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), ink, 0, 2.0f * Scale());
    }
    ImGui::Dummy(ImVec2(width, h));
}

//-----------------------------------------------------------------------------
// [SECTION] Frame
//-----------------------------------------------------------------------------

void App::Frame() {
    uimap_.Clear();
    ImGuiIO& io = ImGui::GetIO();
    const auto mode = flow_.mode();

    // Hidden volunteer gesture: press and hold the top-left corner.
    if (mode == kiosk::Mode::Public) {
        const float corner = 72.0f * Scale();
        const bool in_corner = io.MouseDown[0] && io.MousePos.x >= 0 && io.MousePos.x < corner &&
                               io.MousePos.y >= 0 && io.MousePos.y < corner;
        if (in_corner != corner_down_) {
            corner_down_ = in_corner;
            Send(ev::CornerHold{in_corner});
        }
    } else {
        corner_down_ = false;
    }
    // Typing into a bound buffer is no flow event by itself: tell the idle timers (the Unlock screen
    // wipes a passphrase that was left half-typed, so typing it must count as presence).
    if (input_seen_ && flow_.screen != Screen::Welcome && flow_.screen != Screen::Submitting)
        Send(ev::Activity{});
    input_seen_ = false;

    entered_ = flow_.screen_entries != entries_seen_;
    entries_seen_ = flow_.screen_entries;
    if (chooser_.open) {
        OverlayChooser();
        return;
    }
    switch (flow_.screen) {
        case Screen::SetupPassphrase: ScreenSetupPassphrase(); break;
        case Screen::SetupIdentity: ScreenSetupIdentity(); break;
        case Screen::SetupPack: ScreenSetupPack(); break;
        case Screen::SetupEvent: ScreenSetupEvent(); break;
        case Screen::SetupAppeals: ScreenSetupAppeals(); break;
        case Screen::Unlock: ScreenUnlock(false); break;
        case Screen::VolunteerAuth: ScreenUnlock(true); break;
        case Screen::Welcome: ScreenWelcome(); break;
        case Screen::ChooseAppeal: ScreenChooseAppeal(); break;
        case Screen::ReadAppeal: ScreenReadAppeal(); break;
        case Screen::Details: ScreenDetails(); break;
        case Screen::Sign: ScreenSign(); break;
        case Screen::Review: ScreenReview(); break;
        case Screen::Submitting: ScreenSubmitting(); break;
        case Screen::Receipt: ScreenReceipt(); break;
        case Screen::VolunteerHome: ScreenVolunteerHome(); break;
        case Screen::VolunteerSettings: ScreenVolunteerSettings(); break;
    }
    // The bottom bar as drawn this frame: BeginScreen leaves exactly that much room next frame.
    if (const ImGuiWindow* w = ImGui::FindWindowByName("##screen"); w != nullptr && bar_top_ > 0.0f) {
        const float h = w->DC.CursorMaxPos.y - bar_top_;
        if (h > 0.0f && std::abs(h - bar_h_) > 0.5f) bar_h_ = h;
    }
    OverlayIdle();
    OverlayCancel();
    OverlayConfirm();
}

//-----------------------------------------------------------------------------
// [SECTION] Setup
//-----------------------------------------------------------------------------

namespace {
void StepLine(const App&, const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::TextMuted());
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
}
}  // namespace

// The frame of every setup step: "Step n of 5", the step's title and introduction (catalog keys
// <prefix>.title and <prefix>.intro), and at the end the notice line and the bottom bar.
void App::BeginSetupStep(int step, const char* prefix) {
    BeginScreen();
    StepLine(*this, F("setup.step", {{"step", std::to_string(step)}, {"total", "5"}}).c_str());
    Heading(T((std::string(prefix) + ".title").c_str()));
    Para(T((std::string(prefix) + ".intro").c_str()));
}

void App::EndSetupStep(const char* back_key, const char* next_key) {
    NoticeLine();
    CloseScreen(back_key, next_key, false);
}

// "Choose file…" opening the chooser on files ending in `ext`, for `what`.
void App::ChooseFileButton(const char* ext, ChooserFor what) {
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    if (Button("button.choose_file")) {
        chooser_.Open(FileChooser::Kind::File, ext, opts_.data_dir.parent_path());
        chooser_for_ = what;
    }
}

void App::ScreenSetupPassphrase() {
    BeginSetupStep(1, "setup.passphrase");
    ImGui::Dummy(ImVec2(0, 6 * Scale()));
    Para(T("setup.passphrase.suggest"), true);
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    const ImGuiInputTextFlags pw = show_pass_ ? 0 : ImGuiInputTextFlags_Password;
    std::string l1 = std::string(T("setup.passphrase.field")) + "##pass";
    ui::InputTextLarge(l1.c_str(), flow_.auth.passphrase, kPassMax, pw);
    uimap_.Add("field:passphrase");
    std::string l2 = std::string(T("setup.passphrase.confirm")) + "##confirm";
    ui::InputTextLarge(l2.c_str(), flow_.auth.confirm, kPassMax, pw);
    uimap_.Add("field:confirm");
    ui::CheckboxLarge(T("setup.passphrase.show"), &show_pass_);
    uimap_.Add("setup.passphrase.show");
    const auto st = kiosk::passphrase_strength(flow_.auth.passphrase);
    ImGui::TextUnformatted(T("setup.passphrase.meter"));
    ImGui::SameLine();
    std::string score_key = "setup.passphrase.score." + std::to_string(st.score);
    ImGui::TextUnformatted(T(score_key.c_str()));
    ui::PassphraseMeter(flow_.auth.passphrase.empty() ? -1 : st.score);
    uimap_.Add("meter");
    if (*st.hint) Para(T(st.hint), true);
    EndSetupStep(nullptr, "button.next");
}

void App::ScreenSetupIdentity() {
    BeginSetupStep(2, "setup.identity");
    ChooseFileButton(".pub", ChooserFor::Identity);
    if (flow_.busy) Para(T("setup.creating"), true);
    EndSetupStep("button.back", "button.next");
}

void App::ScreenSetupPack() {
    BeginSetupStep(3, "setup.pack");
    ChooseFileButton(".pack", ChooserFor::Pack);
    EndSetupStep(nullptr, "button.next");
}

void App::ScreenSetupEvent() {
    BeginSetupStep(4, "setup.event");
    auto& e = flow_.setup.event;
    std::string l = std::string(T("setup.event.name")) + "##ev_name";
    ui::InputTextLarge(l.c_str(), e.name, 200);
    uimap_.Add("field:event_name");
    l = std::string(T("setup.event.city")) + "##ev_city";
    ui::InputTextLarge(l.c_str(), e.city, 200);
    uimap_.Add("field:event_city");
    if (e.date.empty()) e.date = local_time("%Y-%m-%d");
    l = std::string(T("setup.event.date")) + "##ev_date";
    ui::InputTextLarge(l.c_str(), e.date, 10);
    uimap_.Add("field:event_date");
    ImGui::TextUnformatted(T("setup.event.country"));
    CountryPicker("event", e.country, setup_country_query_, false);
    EndSetupStep("button.back", "button.next");
}

void App::ScreenSetupAppeals() {
    BeginSetupStep(5, "setup.appeals");
    for (const auto& a : flow_.content.pack.appeals) {
        bool on = std::find(flow_.content.active.begin(), flow_.content.active.end(), a.id) != flow_.content.active.end();
        const auto* t = a.text_for(flow_.ui_lang());
        std::string label = (t ? t->title : a.id) + "##" + a.id;
        if (ui::CheckboxLarge(label.c_str(), &on)) Send(ev::ToggleAppeal{a.id});
        uimap_.Add("appeal:" + a.id);
    }
    EndSetupStep("button.back", "setup.finish");
}

//-----------------------------------------------------------------------------
// [SECTION] Unlock and volunteer access
//-----------------------------------------------------------------------------

void App::ScreenUnlock(bool volunteer_auth) {
    BeginScreen();
    ImGui::Dummy(ImVec2(0, 40 * Scale()));
    Heading(T(volunteer_auth ? "volunteer_auth.title" : "unlock.title"));
    if (!volunteer_auth) Para(T("unlock.public_hint"), true);
    Para(T(volunteer_auth ? "volunteer_auth.hint" : "unlock.hint"));
    ImGui::Dummy(ImVec2(0, 12 * Scale()));
    const int wait = flow_.retry_seconds_left(kiosk::Clock::now());
    std::string l = std::string(T("unlock.passphrase")) + "##unlock";
    ImGui::BeginDisabled(flow_.busy);
    if (ImGui::IsWindowAppearing() || (!flow_.busy && !ImGui::IsAnyItemActive() && !chooser_.open && wait == 0 &&
                                       !ImGui::IsMouseDown(0)))
        ImGui::SetKeyboardFocusHere();
    const bool enter = ui::InputTextLarge(l.c_str(), flow_.auth.passphrase, kPassMax,
                                          ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    uimap_.Add("field:passphrase");
    ImGui::EndDisabled();
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    ImGui::BeginDisabled(wait > 0);
    const bool click = Button("unlock.button", true, 300 * Scale());
    ImGui::EndDisabled();
    if ((enter || click) && wait == 0) Send(ev::SubmitPassphrase{});
    if (flow_.busy) Para(T("unlock.checking"), true);
    if (wait > 0 && flow_.notice.empty()) Para(F("unlock.wait", {{"seconds", std::to_string(wait)}}).c_str());
    NoticeLine();
    CloseScreen(volunteer_auth ? "button.back" : nullptr, nullptr, false);
}

//-----------------------------------------------------------------------------
// [SECTION] The registrant's path
//-----------------------------------------------------------------------------

void App::ScreenWelcome() {
    BeginScreen();
    if (entered_) ImGui::SetScrollY(0.0f);  // the previous person's scroll position is not the next one's
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    Heading(T("welcome.title"));
    Para(T("welcome.intro"));
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    PushFontOr(Bold());
    Para(T("welcome.choose_language"));
    ImGui::PopFont();
    // The eight languages must all show without scrolling, each in its own name and script: two
    // columns of tall buttons where the screen has the room, lower buttons or four columns where
    // it has not (1366x768 at 130 % showed four of eight with no hint of the rest).
    const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
    const float sp = ImGui::GetStyle().ItemSpacing.y;
    const float avail_x = ImGui::GetContentRegionAvail().x;
    const float avail_y = ImGui::GetContentRegionAvail().y;
    const int n = static_cast<int>(std::size(kiosk::languages));
    float widest = 0.0f;
    PushFontOr(Large());
    for (const auto& lang : kiosk::languages) widest = std::max(widest, ImGui::CalcTextSize(lang.endonym).x);
    ImGui::PopFont();
    widest += ImGui::GetStyle().FramePadding.x * 4;
    int cols = 2;
    auto fit_h = [&](int c) {
        const int rows = (n + c - 1) / c;
        return std::floor((avail_y - sp * static_cast<float>(rows - 1)) / static_cast<float>(rows));
    };
    float h = std::min(ui::TouchTarget() * 1.5f, fit_h(2));
    if (h < ui::TouchTarget() * 1.1f && (avail_x - gap * 3) / 4 >= widest) {
        cols = 4;
        h = std::min(ui::TouchTarget() * 1.5f, fit_h(4));
    }
    h = std::max(h, ui::TouchTarget());
    const float w = std::floor((avail_x - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols));
    int i = 0;
    for (const auto& lang : kiosk::languages) {
        if (i % cols != 0) ImGui::SameLine(0, gap);
        PushFontOr(Large());
        std::string label = std::string(lang.endonym) + "##lang_" + lang.tag;
        if (ui::BigButton(label.c_str(), ImVec2(w, h), false)) Send(ev::ChooseLanguage{lang.tag});
        ImGui::PopFont();
        uimap_.Add(std::string("lang:") + lang.tag);
        ++i;
    }
    ImGui::Dummy(ImVec2(0, 12 * Scale()));
    Para(T("welcome.privacy"), true);
    NoticeLine();
    CloseScreen(nullptr, nullptr, false);
}

void App::ScreenChooseAppeal() {
    OpenScreen("choose_appeal.title", "choose_appeal.hint", 12);
    for (const auto* a : flow_.active_appeals()) {
        const auto* t = a->text_for(flow_.ui_lang());
        std::string label = (t ? t->title : a->id) + "##appeal_" + a->id;
        PushFontOr(Large());
        ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
        if (ui::BigButton(label.c_str(), ImVec2(-FLT_MIN, ui::TouchTarget() * 1.6f))) Send(ev::ChooseAppeal{a->id});
        ImGui::PopStyleVar();
        ImGui::PopFont();
        uimap_.Add("appeal:" + a->id);
        ImGui::Dummy(ImVec2(0, 6 * Scale()));
    }
    NoticeLine();
    CloseScreen("button.back", nullptr, false);
}

void App::ScreenReadAppeal() {
    BeginScreen();
    const auto* a = flow_.appeal();
    const auto* t = flow_.appeal_text();
    Heading(T("read_appeal.title"));
    if (a && t) {
        const char* endonym = t->lang.c_str();
        for (const auto& l : kiosk::languages)
            if (t->lang == l.tag) endonym = l.endonym;
        Para(F("read_appeal.version", {{"version", std::to_string(a->version)}, {"language", endonym}}).c_str(), true);
        ImGui::BeginChild("##appeal_text", ImVec2(0, 0), true);
        PushFontOr(HeadingFont());
        Para(t->title.c_str());
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(0, 8 * Scale()));
        PushFontOr(Large());
        Para(t->body.c_str());
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(0, 8 * Scale()));
        const std::string& addressee = t->addressee.empty() ? a->addressee : t->addressee;  // in the text's language
        if (!addressee.empty()) Para(F("read_appeal.addressee", {{"addressee", addressee}}).c_str(), true);
        ImGui::EndChild();
    }
    CloseScreen("button.back", "read_appeal.next", true);
}

void App::ScreenDetails() {
    OpenScreen("details.title", "details.required_hint", 6);
    // Two columns where two fields belong together; the country list gets the full width.
    auto pair = [&](const char* id, auto&& left, auto&& right) {
        if (ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_PadOuterX)) {
            ImGui::TableNextColumn();
            left();
            ImGui::TableNextColumn();
            right();
            ImGui::EndTable();
        }
    };
    pair("##names", [&] { TextField(Field::given_name, "field.given_name", true, kNameMax); },
         [&] { TextField(Field::family_name, "field.family_name", true, kNameMax); });
    pair("##place",
         [&] {
             TextField(Field::city, "field.city", true, kNameMax);
             TextField(Field::email, "field.email", false, kEmailMax);
             TextField(Field::phone, "field.phone", false, kPhoneMax);
         },
         [&] {
             ImGui::TextUnformatted((std::string(T("field.country")) + " *").c_str());
             CountryPicker("residence", flow_.form[Field::country], country_query_, true);
             if (const auto& err = flow_.form.error(Field::country); !err.empty()) {
                 ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Danger());
                 Para(T(err.c_str()));
                 ImGui::PopStyleColor();
             }
         });
    ImGui::Dummy(ImVec2(0, 12 * Scale()));
    Heading(T("details.consents.title"));
    FocusHere(flow_.focus.target == kiosk::FocusTarget::consents);
    Para(T("details.consents.hint"), true);
    Para(T("details.join_hint"), true);
    ImGui::Dummy(ImVec2(0, 6 * Scale()));
    for (Purpose p : kPurposes) {
        const auto* c = flow_.consent_text(p);
        if (!c) continue;
        std::string head = std::string("consent.label.") + registry::purpose_name(p);
        PushFontOr(Bold());
        Para(T(head.c_str()));
        ImGui::PopFont();
        bool on = flow_.form.consent(p);
        // The exact text from the signed pack is the label: that is what the registrant agrees to.
        std::string label = c->text + "##consent_" + registry::purpose_name(p);
        if (ui::CheckboxLarge(label.c_str(), &on)) Send(ev::SetConsent{p, on});
        uimap_.Add(std::string("consent:") + registry::purpose_name(p));
        ImGui::Dummy(ImVec2(0, 8 * Scale()));
    }
    if (!flow_.form.consent_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Danger());
        PushFontOr(Bold());
        Para(T(flow_.form.consent_error.c_str()));
        ImGui::PopFont();
        ImGui::PopStyleColor();
    }
    NoticeLine();
    CloseScreen("button.back", "button.next", true);
}

void App::ScreenSign() {
    BeginScreen();
    Heading(T("sign.title"));
    auto& form = flow_.form;
    if (!form.cannot_sign) {
        Para(T("sign.hint"), true);
        ImGui::Dummy(ImVec2(0, 6 * Scale()));
        // The largest 5:2 pad that leaves room for the buttons under it, centred in the column
        // (1366x768 had a 458x182 pad hugging the left edge).
        const float room = ImGui::GetContentRegionAvail().y - ui::TouchTarget() * 2.6f;
        const float avail_w = ImGui::GetContentRegionAvail().x;
        const float pad_w = std::floor(std::min(avail_w, std::max(room, 120.0f) * ui::kPadAspect));
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::floor((avail_w - pad_w) * 0.5f));
        std::string id = std::string(T("sign.title")) + "##pad";
        ui::SignaturePad(id.c_str(), pad_, ImVec2(pad_w, pad_w / ui::kPadAspect), &pointer_frame_);
        uimap_.Add("pad");
        FocusHere(flow_.focus.target == kiosk::FocusTarget::signature);
        // A stroke belongs to the flow once the finger is lifted.
        if (!ImGui::GetIO().MouseDown[0]) {
            while (pad_sent_ < pad_.strokes.size()) {
                registry::Stroke s;
                s.reserve(pad_.strokes[pad_sent_].size());
                for (const auto& p : pad_.strokes[pad_sent_])
                    s.push_back({static_cast<std::uint16_t>(std::lround(std::clamp(p.x, 0.0f, 1.0f) * static_cast<float>(registry::kCanvasWidth - 1))),
                                 static_cast<std::uint16_t>(std::lround(std::clamp(p.y, 0.0f, 1.0f) * static_cast<float>(registry::kCanvasHeight - 1)))});
                Send(ev::StrokeAdded{std::move(s)});
                ++pad_sent_;
            }
        }
        if (!form.signature_error.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Danger());
            PushFontOr(Bold());
            Para(T(form.signature_error.c_str()));
            ImGui::PopFont();
            ImGui::PopStyleColor();
        }
        if (Button("button.undo")) {
            ui::PadUndo(pad_);
            if (pad_sent_ > pad_.strokes.size()) pad_sent_ = pad_.strokes.size();
            Send(ev::UndoStroke{});
        }
        ImGui::SameLine();
        if (Button("button.clear")) {
            ui::PadClear(pad_);
            pad_sent_ = 0;
            Send(ev::ClearStrokes{});
        }
        ImGui::SameLine();
        const char* alt = T("sign.cannot_sign");
        ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(alt).x -
                             ImGui::GetStyle().FramePadding.x * 4);
        if (Button("sign.cannot_sign")) {
            ui::PadClear(pad_);
            pad_sent_ = 0;
            Send(ev::SetCannotSign{true});
        }
    } else {
        Para(T("sign.typed.hint"));
        ImGui::Dummy(ImVec2(0, 6 * Scale()));
        TextField(Field::typed_name, "field.typed_name", true, kNameMax);
        bool confirmed = form.typed_name_confirmed;
        if (ui::CheckboxLarge((std::string(T("sign.typed.confirm")) + "##typed_confirm").c_str(), &confirmed))
            Send(ev::SetTypedNameConfirmed{confirmed});
        uimap_.Add("typed_confirm");
        if (!form.signature_error.empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Danger());
            Para(T(form.signature_error.c_str()));
            ImGui::PopStyleColor();
        }
        ImGui::Dummy(ImVec2(0, 10 * Scale()));
        if (Button("sign.can_sign")) Send(ev::SetCannotSign{false});
    }
    NoticeLine();
    CloseScreen("button.back", "button.next", true);
}

void App::ScreenReview() {
    OpenScreen("review.title", "review.hint", 8);
    const auto& form = flow_.form;
    const std::string lang = flow_.ui_lang();
    // Label | value rows, so the whole summary and the signature fit on one screen.
    if (!ImGui::BeginTable("##review", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
        EndScreen();
        ImGui::End();
        return;
    }
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 330 * Scale());
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    auto label = [&](const char* key) {
        ImGui::TableNextRow(0, ui::TouchTarget());
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::TextMuted());
        Para(T(key));
        ImGui::PopStyleColor();
        ImGui::TableNextColumn();
    };
    auto row = [&](const char* key, const std::string& value) {
        label(key);
        PushFontOr(Large());
        Para(value.c_str());
        ImGui::PopFont();
    };
    if (const auto* t = flow_.appeal_text()) row("review.appeal", t->title);
    row("review.name", form[Field::given_name] + " " + form[Field::family_name]);
    row("review.residence", form[Field::city] + ", " + registry::country_name(form[Field::country], lang));
    std::string contact;
    if (!form[Field::email].empty()) contact += form[Field::email];
    if (!form[Field::phone].empty()) contact += (contact.empty() ? "" : "   ") + form[Field::phone];
    row("review.contact", contact.empty() ? std::string(T("review.not_given")) : contact);
    std::string agreed;
    for (Purpose p : kPurposes)
        if (form.consent(p)) {
            std::string key = std::string("consent.label.") + registry::purpose_name(p);
            agreed += std::string("• ") + T(key.c_str()) + "\n";
        }
    if (!agreed.empty()) agreed.pop_back();
    label("review.consents");
    Para(agreed.c_str());
    label("review.signature");
    if (form.cannot_sign) {
        PushFontOr(Large());
        Para((form[Field::typed_name] + "  (" + T("review.typed_signature") + ")").c_str());
        ImGui::PopFont();
    } else {
        DrawStrokesPreview(form.strokes, std::min(520.0f * Scale(), ImGui::GetContentRegionAvail().x));
    }
    ImGui::EndTable();
    NoticeLine();
    CloseScreen("button.back", "button.submit", true);
}

void App::ScreenSubmitting() {
    BeginScreen();
    ImGui::Dummy(ImVec2(0, 80 * Scale()));
    Heading(T("submitting.title"));
    Para(T("submitting.hint"), true);
    CloseScreen(nullptr, nullptr, false);
}

void App::ScreenReceipt() {
    BeginScreen();
    PushFontOr(HeadingFont());
    ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::Success());
    Para(T("receipt.title"));
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    const float qr = std::min(380.0f * Scale(), ImGui::GetContentRegionAvail().y * 0.75f);
    ImGui::BeginGroup();
    ui::QrView("##receipt_qr", flow_.receipt_qr_text(), qr);  // <list_url>#<code>, or the code alone
    uimap_.Add("qr");
    ImGui::EndGroup();
    ImGui::SameLine(0, 32 * Scale());
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x);
    ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::TextMuted());
    ImGui::TextUnformatted(T("receipt.code_label"));
    ImGui::PopStyleColor();
    PushFontOr(HeadingFont());
    ImGui::TextUnformatted(flow_.receipt_code.c_str());
    ImGui::PopFont();
    uimap_.Add("code");
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    PushFontOr(Bold());
    ImGui::TextUnformatted(T("receipt.photograph"));
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(0, 6 * Scale()));
    ImGui::TextUnformatted(T("receipt.proves"));
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
    ImGui::TextUnformatted(T("receipt.no_personal_data"));
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
    // Where to check and whom to ask, from the signed pack in the signer's language; without them
    // the volunteer is the one who knows.
    if (const auto* info = flow_.receipt_info()) {
        ImGui::TextUnformatted(F("receipt.check_at", {{"url", info->list_url}}).c_str());
        ImGui::Dummy(ImVec2(0, 4 * Scale()));
        ImGui::TextUnformatted(F("receipt.withdraw_at", {{"contact", info->withdraw_contact}}).c_str());
    } else {
        ImGui::TextUnformatted(T("receipt.ask_volunteer"));
    }
    uimap_.Add("catalog:" + catalogs_.Current());  // the language the receipt was drawn in (e2e tests)
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    const auto left = flow_.settings.receipt_idle - std::chrono::duration_cast<kiosk::Seconds>(kiosk::Clock::now() - flow_.last_input);
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    Para(F("receipt.closes_in", {{"seconds", std::to_string(std::max<long>(0, static_cast<long>(left.count())))}}).c_str(), true);
    CloseScreen(nullptr, "button.done", false);
}

//-----------------------------------------------------------------------------
// [SECTION] Volunteer
//-----------------------------------------------------------------------------

void App::ScreenVolunteerHome() {
    BeginScreen();
    Heading(T("volunteer.title"));
    if (!event_name_.empty()) Para(F("volunteer.event", {{"event", event_name_}}).c_str(), true);
    ImGui::Dummy(ImVec2(0, 6 * Scale()));
    PushFontOr(Bold());
    ImGui::TextUnformatted(T("volunteer.counts.title"));
    ImGui::PopFont();
    if (counts_ && ImGui::BeginTable("##counts", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        // Number columns at least as wide as their header: cut to "This event,..." in be/ru/de, the
        // "today" column read like the "this event" one beside it.
        auto num_col = [&](const char* key, float min_w) {
            const float w = ImGui::CalcTextSize(T(key)).x + 2 * ImGui::GetStyle().CellPadding.x + 4 * Scale();
            ImGui::TableSetupColumn(T(key), ImGuiTableColumnFlags_WidthFixed, std::max(min_w * Scale(), w));
        };
        ImGui::TableSetupColumn(T("volunteer.counts.appeal"), ImGuiTableColumnFlags_WidthStretch);
        num_col("volunteer.counts.event_today", 200);
        num_col("volunteer.counts.event_total", 180);
        num_col("volunteer.counts.all_total", 180);
        ImGui::TableHeadersRow();
        for (const auto& a : flow_.content.pack.appeals) {
            registry::AppealCount c{a.id, 0, 0, 0, 0};
            for (const auto& x : counts_->per_appeal)
                if (x.appeal_id == a.id) c = x;
            const auto* t = a.text_for(flow_.ui_lang());
            ImGui::TableNextRow(0, ui::TouchTarget());
            ImGui::TableNextColumn();
            bool on = std::find(flow_.content.active.begin(), flow_.content.active.end(), a.id) != flow_.content.active.end();
            std::string label = (t ? t->title : a.id) + "##active_" + a.id;
            if (ui::CheckboxLarge(label.c_str(), &on)) Send(ev::ToggleAppeal{a.id});
            uimap_.Add("active:" + a.id);
            for (auto n : {c.event_today, c.event_total, c.all_total}) {
                ImGui::TableNextColumn();
                PushFontOr(Large());
                // Level with the appeal's checkbox, not stuck to the top of a two-line row.
                ImGui::SetCursorPosY(ImGui::GetCursorPosY() +
                                     std::max(0.0f, (ui::TouchTarget() - ImGui::GetTextLineHeight()) * 0.5f));
                ImGui::Text("%lld", static_cast<long long>(n));
                ImGui::PopFont();
            }
        }
        ImGui::EndTable();
        Para(F("volunteer.counts.registrants", {{"count", std::to_string(counts_->registrants)}}).c_str());
        Para(F("volunteer.counts.joins", {{"count", std::to_string(counts_->registry_joins)}}).c_str());
    }
    Para(last_export_.empty() ? T("volunteer.last_export.never")
                              : F("volunteer.last_export", {{"time", last_export_}}).c_str(), true);
    // The kiosk's own fingerprint, to compare with what `coord enroll` and `kiosk public-key` print.
    if (store_) Para(F("volunteer.fingerprint", {{"fingerprint", store_->info().fingerprint}}).c_str(), true);
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    if (Button("volunteer.export")) {
        chooser_.Open(FileChooser::Kind::Directory, "", opts_.data_dir.parent_path());
        chooser_for_ = ChooserFor::ExportDir;
    }
    ImGui::SameLine();
    if (Button("volunteer.ack")) {
        chooser_.Open(FileChooser::Kind::File, "", opts_.data_dir.parent_path());
        chooser_for_ = ChooserFor::Ack;
    }
    ImGui::SameLine();
    if (Button("volunteer.load_pack")) {
        chooser_.Open(FileChooser::Kind::File, ".pack", opts_.data_dir);
        chooser_for_ = ChooserFor::VolunteerPack;
    }
    if (flow_.busy) {
        const auto total = progress_total_.load();
        const float frac = total ? static_cast<float>(progress_done_.load()) / static_cast<float>(total) : 0.0f;
        std::string text = F("volunteer.export.progress", {{"percent", std::to_string(static_cast<int>(frac * 100))}});
        ImGui::ProgressBar(frac, ImVec2(-FLT_MIN, ui::TouchTarget() * 0.7f), text.c_str());
    }
    NoticeLine();
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    Para(F("volunteer.autolock", {{"minutes", std::to_string(flow_.settings.volunteer_idle.count() / 60)}}).c_str(), true);
    EndScreen();
    // Bottom: settings, lock, quit on the left; open to the public on the right.
    ImGui::Separator();
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float col = std::min(avail_w, 1150.0f * Scale());
    const float x0 = ImGui::GetCursorPosX() + (avail_w - col) * 0.5f;
    ImGui::SetCursorPosX(x0);
    if (Button("volunteer.settings")) Send(ev::OpenSettings{});
    ImGui::SameLine();
    if (Button("volunteer.lock")) Send(ev::Lock{});
    ImGui::SameLine();
    if (Button("volunteer.quit")) Send(ev::Quit{});
    ImGui::SameLine();
    const char* open = T("volunteer.start_public");
    const float w = ImGui::CalcTextSize(open).x + 80 * Scale();
    ImGui::SetCursorPosX(x0 + col - w);
    if (Button("volunteer.start_public", true, w)) Send(ev::StartPublic{});
    ImGui::End();
}

void App::ScreenVolunteerSettings() {
    BeginScreen();
    Heading(T("settings.title"));
    auto& d = flow_.settings_draft;
    auto stepper = [&](const char* key, kiosk::Seconds& v, int step) {
        ImGui::PushID(key);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(T(key));
        const float right = ImGui::GetContentRegionAvail().x;
        ImGui::SameLine(right - 360 * Scale());
        if (ui::BigButton("-", ImVec2(ui::TouchTarget() * 1.4f, 0))) v = kiosk::Seconds(std::max<long>(0, static_cast<long>(v.count()) - step));
        uimap_.Add(std::string(key) + ":-");
        ImGui::SameLine();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.count()));
        ValueBox(buf);
        ImGui::SameLine();
        if (ui::BigButton("+", ImVec2(ui::TouchTarget() * 1.4f, 0))) v += kiosk::Seconds(step);
        uimap_.Add(std::string(key) + ":+");
        ImGui::PopID();
    };
    stepper("settings.input_idle", d.input_idle, 10);
    stepper("settings.idle_warning", d.idle_warning, 5);
    stepper("settings.receipt_idle", d.receipt_idle, 5);
    stepper("settings.volunteer_idle", d.volunteer_idle, 60);
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    ImGui::TextUnformatted(T("settings.default_lang"));
    int i = 0;
    for (const auto& l : kiosk::languages) {
        if (i++ % 4 != 0) ImGui::SameLine();
        const bool sel = d.default_lang == l.tag;
        if (sel) ImGui::PushStyleColor(ImGuiCol_Button, ui::colors::PrimaryHovered());
        if (sel) ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::OnPrimary());
        std::string label = std::string(l.endonym) + "##deflang_" + l.tag;
        // Four to a row, narrower where the column is (1440x900 at 130 % ran off the side).
        const float lw = std::min(260 * Scale(), std::floor((ImGui::GetContentRegionMax().x - ImGui::GetStyle().ItemSpacing.x * 3) / 4));
        if (ui::BigButton(label.c_str(), ImVec2(lw, 0))) d.default_lang = l.tag;
        uimap_.Add(std::string("deflang:") + l.tag);
        if (sel) ImGui::PopStyleColor(2);
    }
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(T("settings.font_scale"));
    ImGui::SameLine(ImGui::GetContentRegionAvail().x - 360 * Scale());
    if (ui::BigButton("-##font", ImVec2(ui::TouchTarget() * 1.4f, 0))) d.font_scale = std::max(0.75f, d.font_scale - 0.1f);
    uimap_.Add("settings.font_scale:-");
    ImGui::SameLine();
    char pct[16];
    std::snprintf(pct, sizeof pct, "%d%%", static_cast<int>(std::lround(d.font_scale * 100)));
    ValueBox(pct);
    ImGui::SameLine();
    if (ui::BigButton("+##font", ImVec2(ui::TouchTarget() * 1.4f, 0))) d.font_scale = std::min(2.5f, d.font_scale + 0.1f);
    uimap_.Add("settings.font_scale:+");
    ImGui::Dummy(ImVec2(0, 8 * Scale()));
    ui::CheckboxLarge(T("settings.keyboard"), &d.on_screen_keyboard);
    uimap_.Add("settings.keyboard");
    NoticeLine();
    EndScreen();
    ImGui::Separator();
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
    const float avail_w = ImGui::GetContentRegionAvail().x;
    const float col = std::min(avail_w, 1150.0f * Scale());
    const float x0 = ImGui::GetCursorPosX() + (avail_w - col) * 0.5f;
    ImGui::SetCursorPosX(x0);
    if (Button("button.back", false, 220 * Scale())) Send(ev::Back{});
    ImGui::SameLine();
    const char* save = T("settings.save");
    const float w = ImGui::CalcTextSize(save).x + 80 * Scale();
    ImGui::SetCursorPosX(x0 + col - w);
    if (Button("settings.save", true, w)) Send(ev::SaveSettings{flow_.settings_draft});
    ImGui::End();
}

//-----------------------------------------------------------------------------
// [SECTION] Overlays: idle, cancel, file chooser
//-----------------------------------------------------------------------------

// A centred modal popup `id` that is open while `show` holds. True while it is open and shown:
// the caller draws its body and calls ImGui::EndPopup().
bool App::BeginModal(const char* id, bool show) {
    if (show && !ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(vp->WorkSize.x * 0.9f, 900 * Scale()), 0));
    if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize)) return false;
    if (show) return true;
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return false;
}

void App::OverlayIdle() {
    if (!BeginModal("##idle", flow_.idle_warning && kiosk::is_input_screen(flow_.screen))) return;
    Heading(T("idle.title"));
    const int left = flow_.idle_seconds_left(kiosk::Clock::now());
    ui::Countdown(F("idle.body", {{"seconds", std::to_string(left)}}).c_str(), static_cast<float>(left),
                  static_cast<float>(flow_.settings.idle_warning.count()));
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    if (Button("idle.continue", true, -FLT_MIN)) Send(ev::Activity{});
    ImGui::EndPopup();
}

void App::OverlayCancel() {
    if (confirm_cancel_ && !kiosk::is_input_screen(flow_.screen)) confirm_cancel_ = false;
    if (!BeginModal("##cancel", confirm_cancel_)) return;
    Heading(T("cancel.confirm.title"));
    Para(T("cancel.confirm.body"));
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    if (Button("button.no_go_back")) {
        confirm_cancel_ = false;
        Send(ev::Activity{});
    }
    ImGui::SameLine();
    const char* yes = T("button.yes_start_over");
    ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(yes).x - 60 * Scale());
    ImGui::PushStyleColor(ImGuiCol_Button, ui::colors::Danger());
    ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::OnPrimary());
    if (Button("button.yes_start_over", false, ImGui::CalcTextSize(yes).x + 60 * Scale())) {
        confirm_cancel_ = false;
        Send(ev::Cancel{});
    }
    ImGui::PopStyleColor(2);
    ImGui::EndPopup();
}

// Once per refused Next (FocusRequest serial): scroll the screen so the last item, the first invalid
// input, sits in the upper third. The caller focuses it when it takes keyboard input.
bool App::FocusHere(bool wanted) {
    if (!wanted || flow_.focus.serial == focus_done_) return false;
    focus_done_ = flow_.focus.serial;
    ImGui::SetScrollHereY(0.3f);
    return true;
}

void App::OverlayConfirm() {
    const auto& c = flow_.confirm;
    if (!BeginModal("##confirm", c.ask != kiosk::Ask::none)) return;
    const bool quit = c.ask == kiosk::Ask::quit;
    Heading(T(quit ? "confirm.quit.title" : "confirm.ack.title"));
    Para(quit ? T("confirm.quit.body") : F("confirm.ack.body", {{"count", std::to_string(c.count)}}).c_str());
    uimap_.Add(quit ? "confirm:quit" : "confirm:ack:" + std::to_string(c.count));  // tests read the count here
    ImGui::Dummy(ImVec2(0, 10 * Scale()));
    if (Button("confirm.no")) Send(ev::Confirm{false});
    ImGui::SameLine();
    const char* yes_key = quit ? "confirm.quit.yes" : "confirm.ack.yes";
    const float w = ImGui::CalcTextSize(T(yes_key)).x + 60 * Scale();
    ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - w);
    ImGui::PushStyleColor(ImGuiCol_Button, ui::colors::Danger());
    ImGui::PushStyleColor(ImGuiCol_Text, ui::colors::OnPrimary());
    if (Button(yes_key, false, w)) Send(ev::Confirm{true});
    ImGui::PopStyleColor(2);
    ImGui::EndPopup();
}

void App::OverlayChooser() {
    BeginScreen();
    const bool dir_mode = chooser_.kind == FileChooser::Kind::Directory;
    Heading(T(dir_mode ? "file.dir_title" : "file.title"));
    if (chooser_for_ == ChooserFor::ExportDir) Para(T("volunteer.export.choose_dir"), true);
    // Shortcuts: USB sticks first.
    for (std::size_t i = 0; i < chooser_.roots.size(); ++i) {
        if (i) ImGui::SameLine();
        ImGui::PushID(static_cast<int>(i));
        std::string label = chooser_.roots[i].filename().string();
        if (label.empty()) label = chooser_.roots[i].string();
        if (ui::BigButton(label.c_str())) chooser_.Enter(chooser_.roots[i]);
        uimap_.Add("root:" + label);
        ImGui::PopID();
    }
    ImGui::Dummy(ImVec2(0, 4 * Scale()));
    PushFontOr(Bold());
    Para(chooser_.dir.string().c_str());
    ImGui::PopFont();
    if (Button("file.up")) chooser_.Up();
    std::optional<fs::path> chosen;
    if (dir_mode) {
        ImGui::SameLine();
        if (Button("file.select", true)) chosen = chooser_.dir;
    }
    ImGui::BeginChild("##entries", ImVec2(0, 0), true);
    const float row = ui::TouchTarget();
    std::optional<fs::path> enter;
    for (const auto& d : chooser_.dirs) {
        std::string label = "› " + d.filename().string() + "/";
        if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(0, row))) enter = d;
        uimap_.Add("dir:" + d.filename().string());
    }
    for (const auto& f : chooser_.files) {
        std::string label = "   " + f.filename().string();
        if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(0, row))) chosen = f;
        uimap_.Add("file:" + f.filename().string());
    }
    if (chooser_.dirs.empty() && chooser_.files.empty()) Para(T("file.empty"), true);
    ImGui::EndChild();
    EndScreen();
    ImGui::Separator();
    if (Button("button.cancel")) {
        chooser_.open = false;
        chooser_for_ = ChooserFor::None;
    }
    ImGui::End();
    if (enter) chooser_.Enter(*enter);
    if (chosen) {
        chooser_.open = false;
        const std::string p = chosen->string();
        switch (chooser_for_) {
            case ChooserFor::Identity:
            case ChooserFor::Pack: Send(ev::FileChosen{p}); break;
            case ChooserFor::ExportDir: Send(ev::ExportRequested{p}); break;
            case ChooserFor::Ack: Send(ev::ApplyAckRequested{p}); break;
            case ChooserFor::VolunteerPack: Send(ev::LoadPackRequested{p}); break;
            case ChooserFor::None: break;
        }
        chooser_for_ = ChooserFor::None;
    }
}

}  // namespace embassy::app
