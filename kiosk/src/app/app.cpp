// The app's engine room: executes the flow's effects against the store (slow ones on a worker
// thread, one at a time), keeps the volunteer counts, creates the --demo kiosk.
//
// Index of this file
// [SECTION] Helpers
// [SECTION] Construction and demo kiosk
// [SECTION] Events and effects
// [SECTION] Settings
// [SECTION] Per-frame update

#include "app.hpp"

#include "embassy/data_dir.hpp"
#include "embassy/kiosk/form.hpp"
#include "embassy/registry/bytes.hpp"
#include "embassy/registry/countries.hpp"
#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/registry/wiped_memory.hpp"
#include "embassy/sync/demo.hpp"
#include "embassy/sync/kiosk_export.hpp"
#include "embassy/ui/fonts.hpp"
#include "embassy/ui/theme.hpp"
#include "embassy/ui/widgets.hpp"

#include <GLFW/glfw3.h>

#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace embassy::app {
namespace fs = std::filesystem;
using kiosk::Field;
namespace ev = kiosk::ev;
namespace fx = kiosk::fx;

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

std::string read_text_file(const fs::path& p, std::size_t max) {
    auto r = embassy::read_file(p.string(), max);
    if (!r) return {};
    return std::string(reinterpret_cast<const char*>(r->data()), r->size());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

fs::path default_data_dir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "embassy-kiosk";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local/share/embassy-kiosk";
    return fs::path("embassy-kiosk-data");
}

fs::path demo_toml_path() {
    if (const char* e = std::getenv("EMBASSY_DEMO_PACK"); e && *e) return e;
    return shared_data("demo") / "appeals.toml";
}

fs::path shared_data(const char* sub) {
    auto dir = embassy::data_dir();
    return dir ? *dir / sub : fs::path(sub);   // main() does not start without the data directory
}

std::string local_time(const char* format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] Construction and demo kiosk
//-----------------------------------------------------------------------------

// Real validation: the registry's normalisers (the same rules submit() applies).
kiosk::FieldCheck registry_validator(Field f, std::string_view raw) {
    auto key = [&](const char* what) { return std::string("error.") + kiosk::field_key(f) + "." + what; };
    Result<std::string> r = make_error("");
    switch (f) {
        case Field::given_name:
        case Field::family_name:
        case Field::typed_name: r = registry::normalize_name(raw, kiosk::field_key(f)); break;
        case Field::city: r = registry::normalize_city(raw); break;
        case Field::email: r = registry::normalize_email(raw); break;
        case Field::phone: r = registry::normalize_phone(raw); break;
        case Field::country:
            if (registry::is_country_code(raw)) r = std::string(raw);
            break;
        default: break;
    }
    if (r) return {std::move(*r), {}};
    const bool long_input = raw.size() > registry::kMaxNameBytes || registry::utf8_length(raw) > registry::kMaxNameChars;
    return {{}, key(long_input ? "too_long" : "invalid")};
}

App::App(Options opts) : opts_(std::move(opts)) {
    std::vector<std::string> errors;
    catalogs_.LoadDirectory(shared_data("i18n").string(), &errors);
    for (const auto& e : errors) std::cerr << "embassy-kiosk: " << e << "\n";
}

App::~App() {
    if (job_.valid()) job_.wait();
    flow_.form.wipe();
    flow_.auth.wipe();
    ui::PadClear(pad_);
    if (store_) store_->lock();
}

bool App::Prepare(std::string& error) {
    const auto now = kiosk::Clock::now();
    std::error_code ec;
    if (opts_.demo && !registry::KioskStore::exists(opts_.data_dir)) {
        // A demo coordinator beside the kiosk, the demo pack signed by it, an event for today.
        const fs::path coord = opts_.data_dir / "demo-coordinator";
        std::cout << "embassy-kiosk: creating a demo kiosk in " << opts_.data_dir.string() << "\n" << std::flush;
        fs::create_directories(opts_.data_dir, ec);
        if (!fs::exists(coord / sync::coordinator_key_file, ec)) {
            if (auto s = sync::make_demo_coordinator(coord, kDemoCoordinatorPassphrase); !s) {
                error = s.message();
                return false;
            }
        }
        auto keys = sync::coordinator_unlock(coord, kDemoCoordinatorPassphrase);
        if (!keys) { error = keys.message(); return false; }
        auto pack = sync::make_demo_pack(*keys, demo_toml_path());
        if (!pack) { error = pack.message(); return false; }
        if (auto s = sync::record_demo_pack(coord, kDemoCoordinatorPassphrase, *pack); !s) { error = s.message(); return false; }
        auto store = registry::KioskStore::create(opts_.data_dir, kDemoPassphrase, keys->identity, "demo kiosk",
                                                  new_kdf_params());
        if (!store) { error = store.message(); return false; }
        if (auto s = (*store)->load_pack(*pack); !s) { error = s.message(); return false; }
        auto cur = (*store)->current_pack();
        if (!cur) { error = cur.message(); return false; }
        std::vector<std::string> ids;
        for (const auto& a : cur->appeals) ids.push_back(a.id);
        if (auto s = (*store)->set_active_appeals(ids); !s) { error = s.message(); return false; }
        registry::Event event{0, "Demo rally", "Warszawa", "PL", local_time("%Y-%m-%d")};
        auto id = (*store)->create_event(event);
        if (!id) { error = id.message(); return false; }
        if (auto s = (*store)->set_active_event(*id); !s) { error = s.message(); return false; }
        // Ship a copy of the demo material so the volunteer screen's Load pack has a file to pick.
        if (auto s = write_file_atomic((opts_.data_dir / "demo.pack").string(), *pack); !s) { error = s.message(); return false; }
        (*store)->lock();
    }
    kiosk::Settings s;
    if (registry::KioskStore::exists(opts_.data_dir)) flow_ = kiosk::Flow::locked(s, now);
    else flow_ = kiosk::Flow::first_run(s, now);
    flow_.validator = registry_validator;
    ApplyOverrides();
    catalogs_.SetCurrent(flow_.ui_lang());
    return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Events and effects
//-----------------------------------------------------------------------------

void App::Send(const kiosk::Event& e) {
    Execute(flow_.handle(e, kiosk::Clock::now()));
}

void App::StartJob(std::function<kiosk::Event()> job) {
    progress_done_ = 0;
    progress_total_ = 0;
    job_ = std::async(std::launch::async, [job = std::move(job)]() {
        kiosk::Event e = job();
        registry::wiped_memory::scrub_stack();   // the job's frames held what it submitted or decoded
        return e;
    });
}

void App::WipeRegistrantUi() {
    ui::PadClear(pad_);
    pad_sent_ = 0;
    ui::WipeString(country_query_);
    kb_target_ = nullptr;
    confirm_cancel_ = false;
    show_pass_ = false;
    ui::WipeInputState();
    pointer_.Clear();
}

kiosk::Event App::DoSubmit(registry::Submission s) {
    auto r = store_->submit(s);
    kiosk::wipe(s);
    if (!r) return ev::SubmitFailed{r.message()};
    return ev::SubmitSucceeded{std::move(*r)};
}

void App::Execute(kiosk::Effects effects) {
    for (auto& effect : effects) std::visit([this](auto& e) { Run(e); }, effect);
}

std::shared_ptr<registry::SecretBytes> App::PassphraseCopy() const {
    return std::make_shared<registry::SecretBytes>(
        reinterpret_cast<const std::uint8_t*>(flow_.auth.passphrase.data()),  // NOLINT
        flow_.auth.passphrase.size());
}

void App::Run(fx::WipeUiInputState&) { WipeRegistrantUi(); }

void App::Run(fx::CheckPassphrase& c) {
    auto pass = PassphraseCopy();
    const fs::path dir = opts_.data_dir;
    if (c.unlock) {
        StartJob([this, pass, dir]() -> kiosk::Event {
            auto r = registry::KioskStore::open(dir, pass->view());
            pass->wipe();
            if (!r) return ev::PassphraseRejected{};
            store_ = std::move(*r);
            return ev::PassphraseAccepted{};
        });
    } else {
        StartJob([pass, dir]() -> kiosk::Event {
            auto r = registry::keyfile_unlock(dir / registry::KioskStore::key_file_name,
                                              registry::KeyFileKind::kiosk_database, pass->view());
            pass->wipe();
            return r ? kiosk::Event(ev::PassphraseAccepted{}) : kiosk::Event(ev::PassphraseRejected{});
        });
    }
}

void App::Run(fx::CreateKiosk&) {
    auto pass = PassphraseCopy();
    const fs::path dir = opts_.data_dir;
    const registry::PublicIdentity id = *identity_;
    StartJob([this, pass, dir, id]() -> kiosk::Event {
        auto r = registry::KioskStore::create(dir, pass->view(), id, "kiosk", new_kdf_params());
        pass->wipe();
        if (!r) return ev::OperationFailed{r.message()};
        store_ = std::move(*r);
        return ev::KioskCreated{};
    });
}

void App::Run(fx::LoadIdentity& li) {
    std::string text = read_text_file(li.path, 4096);
    auto id = registry::parse_public_identity(text);
    if (!id) {
        Send(ev::OperationFailed{fs::path(li.path).filename().string() + ": " + id.message()});
    } else {
        identity_ = *id;
        Send(ev::IdentityLoaded{id->fingerprint()});
    }
}

void App::Run(fx::LoadPack& lp) {
    const std::string path = lp.path;
    StartJob([this, path]() -> kiosk::Event {
        auto bytes = embassy::read_file(path, 16 * 1024 * 1024);
        if (!bytes) return ev::OperationFailed{bytes.message()};
        if (auto s = store_->load_pack(*bytes); !s) return ev::OperationFailed{s.message()};
        auto cur = store_->current_pack();
        if (!cur) return ev::OperationFailed{cur.message()};
        return ev::PackLoaded{std::move(*cur)};
    });
}

void App::Run(fx::CreateEvent& ce) {
    auto id = store_->create_event(ce.event);
    if (!id) {
        Send(ev::OperationFailed{id.message()});
    } else if (auto s = store_->set_active_event(*id); !s) {
        Send(ev::OperationFailed{s.message()});
    } else {
        event_name_ = ce.event.name;
        Send(ev::EventCreated{*id});
    }
}

void App::Run(fx::SetActiveAppeals& sa) {
    if (!store_) return;
    if (auto s = store_->set_active_appeals(sa.appeal_ids); !s) Send(ev::OperationFailed{s.message()});
}

void App::Run(fx::Submit& sub) {
    auto s = std::make_shared<registry::Submission>(std::move(sub.submission));
    kiosk::wipe(sub.submission);
    StartJob([this, s]() -> kiosk::Event { return DoSubmit(std::move(*s)); });
}

void App::Run(fx::LockStore&) {
    if (job_.valid()) job_.wait();
    if (store_) store_->lock();
    store_.reset();
    counts_.reset();
    locked_ = true;
}

void App::Run(fx::Quit&) { quit_ = true; }

void App::Run(fx::ExportBatch& ex) {
    const fs::path dir = ex.dir;
    StartJob([this, dir]() -> kiosk::Event {
        auto r = sync::export_batch(*store_, dir, [this](std::uint64_t done, std::uint64_t total) {
            progress_done_ = done;
            progress_total_ = total;
        });
        if (!r) return ev::OperationFailed{r.message()};
        return ev::ExportFinished{static_cast<std::int64_t>(r->signatures),
                                  r->wrote ? r->path.string() : dir.string(), r->wrote};
    });
}

void App::Run(fx::InspectAck& ack) {
    const std::string path = ack.path;
    StartJob([this, path]() -> kiosk::Event {
        auto bytes = embassy::read_file(path, 64 * 1024 * 1024);
        if (!bytes) return ev::OperationFailed{bytes.message()};
        auto r = sync::check_ack(*store_, *bytes);
        if (!r) return ev::OperationFailed{r.message()};
        return ev::AckInspected{static_cast<std::int64_t>(r->purged)};
    });
}

void App::Run(fx::ApplyAck& ack) {
    const std::string path = ack.path;
    StartJob([this, path]() -> kiosk::Event {
        auto bytes = embassy::read_file(path, 64 * 1024 * 1024);
        if (!bytes) return ev::OperationFailed{bytes.message()};
        auto r = sync::apply_ack(*store_, *bytes);
        if (!r) return ev::OperationFailed{r.message()};
        return ev::AckApplied{static_cast<std::int64_t>(r->purged)};
    });
}

void App::Run(fx::SaveSettings& ss) {
    if (store_) {
        if (auto st = SaveSettingsToStore(ss.settings); !st) {
            // The flow already said "saved" and applied them: show what the store really holds and
            // tell the volunteer, so a restart does not surprise them with the old timeouts.
            LoadSettingsFromStore();
            flow_.notice = kiosk::Notice{"settings.not_saved", {}, st.message()};
        }
    }
    fonts_dirty_ = true;
    ApplyOverrides();
}

//-----------------------------------------------------------------------------
// [SECTION] Settings
//-----------------------------------------------------------------------------

Result<std::string> App::StoredSetting(const registry::settings::Key& key) const {
    return store_->setting(key.name, key.default_value);
}

Status App::StoreSetting(const registry::settings::Key& key, std::string_view value) {
    return store_->set_setting(key.name, value);
}

Status App::SaveSettingsToStore(const kiosk::Settings& st) {
    namespace k = registry::settings;
    const std::pair<const k::Key&, std::string> rows[] = {
        {k::input_idle, std::to_string(st.input_idle.count())},
        {k::idle_warning, std::to_string(st.idle_warning.count())},
        {k::receipt_idle, std::to_string(st.receipt_idle.count())},
        {k::volunteer_idle, std::to_string(st.volunteer_idle.count())},
        {k::default_lang, st.default_lang},
        {k::font_scale, std::to_string(st.font_scale)},
        {k::on_screen_keyboard, st.on_screen_keyboard ? "1" : "0"},
    };
    for (const auto& [key, value] : rows)
        if (auto s = StoreSetting(key, value); !s) return s;
    return {};
}

void App::LoadSettingsFromStore() {
    if (!store_) return;
    namespace k = registry::settings;
    kiosk::Settings s = flow_.settings;
    bool unreadable = false;  // the database failed: keep the settings in use, as for a damaged one
    auto get = [&](const k::Key& key) {
        auto v = StoredSetting(key);
        if (!v) unreadable = true;
        return v ? *v : std::string(key.default_value);
    };
    auto num = [&](const k::Key& key, kiosk::Seconds& out) { out = kiosk::Seconds(std::atoi(get(key).c_str())); };
    num(k::input_idle, s.input_idle);
    num(k::idle_warning, s.idle_warning);
    num(k::receipt_idle, s.receipt_idle);
    num(k::volunteer_idle, s.volunteer_idle);
    s.default_lang = get(k::default_lang);
    s.font_scale = std::strtof(get(k::font_scale).c_str(), nullptr);
    s.on_screen_keyboard = get(k::on_screen_keyboard) == "1";
    if (unreadable || !kiosk::check_settings(s).empty()) return;   // unreadable or damaged: keep the settings in use
    if (s.font_scale != flow_.settings.font_scale) fonts_dirty_ = true;
    flow_.settings = s;
}

void App::ApplyOverrides() {
    auto& s = flow_.settings;
    if (opts_.input_idle) s.input_idle = kiosk::Seconds(*opts_.input_idle);
    if (opts_.idle_warning) s.idle_warning = kiosk::Seconds(*opts_.idle_warning);
    if (opts_.receipt_idle) s.receipt_idle = kiosk::Seconds(*opts_.receipt_idle);
    if (opts_.volunteer_idle) s.volunteer_idle = kiosk::Seconds(*opts_.volunteer_idle);
}

void App::AfterUnlock() {
    if (!store_) return;
    if (auto pack = store_->current_pack()) flow_.content.pack = std::move(*pack);
    flow_.content.active = store_->active_appeals();
    if (auto e = store_->active_event()) event_name_ = e->name;
    if (auto v = StoredSetting(registry::settings::last_export)) last_export_ = *v;
    LoadSettingsFromStore();
    ApplyOverrides();
}

void App::RefreshCounts() {
    if (!store_ || job_.valid()) return;
    if (auto c = store_->counts()) counts_ = std::move(*c);
    else counts_.reset();  // the screen shows no counts rather than zeros
}

//-----------------------------------------------------------------------------
// [SECTION] Per-frame update
//-----------------------------------------------------------------------------

bool App::Update() {
    bool changed = false;
    if (job_.valid() && job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        kiosk::Event outcome = job_.get();
        const bool unlocked = std::get_if<ev::PassphraseAccepted>(&outcome) && flow_.screen == kiosk::Screen::Unlock;
        const auto* finished = std::get_if<ev::ExportFinished>(&outcome);
        const bool exported = finished != nullptr && finished->wrote;   // "last export" only when a file was written
        if (std::get_if<ev::KioskCreated>(&outcome)) LoadSettingsFromStore();
        Send(outcome);
        if (unlocked) AfterUnlock();
        if (exported && store_) {
            // The batch is written either way; only the "last export" line would be stale.
            const std::string when = local_time("%Y-%m-%d %H:%M");
            if (auto s = StoreSetting(registry::settings::last_export, when); !s)
                flow_.notice = kiosk::Notice{"volunteer.export.time_not_saved", flow_.notice.args, s.message()};
            else last_export_ = when;
        }
        if (flow_.mode() == kiosk::Mode::Volunteer) RefreshCounts();
        changed = true;
    }
    Execute(flow_.tick(kiosk::Clock::now()));
    if (flow_.screen != last_screen_) {
        if (flow_.screen == kiosk::Screen::VolunteerHome) RefreshCounts();
        if (flow_.screen == kiosk::Screen::Details && last_screen_ == kiosk::Screen::ReadAppeal) {
            const auto& l = flow_.ui_lang();
            kb_cyrillic_ = l == "be" || l == "ru" || l == "uk";
        }
        last_screen_ = flow_.screen;
        changed = true;
        settle_frames_ = 3;
    }
    if (catalogs_.Current() != flow_.ui_lang()) {
        catalogs_.SetCurrent(flow_.ui_lang());
        changed = true;
    }
    return changed;
}

void App::BeginInput() {
    LatchKeys(ImGui::GetIO());
    pointer_frame_.clear();
    pointer_.Drain(pointer_frame_);
    // The file chooser covers the screen like one: opening or closing it counts as a change.
    const int screen = static_cast<int>(flow_.screen) * 2 + (chooser_.open ? 1 : 0);
    const bool changed = input_screen_ != -1 && screen != input_screen_;
    input_screen_ = screen;
    // The pad as drawn in the last frame (GetFrameCount is still that frame's number here).
    const ui::PadRect pad = ui::LastPadRect();
    const ImRect pad_rect(pad.min, pad.max);
    const bool pad_shown = pad.frame == ImGui::GetFrameCount() && flow_.screen == kiosk::Screen::Sign;
    // A drag shorter than a fifth of a touch target is a tap that wobbled.
    touch_.BeginFrame(pointer_frame_, changed, pad_shown ? &pad_rect : nullptr, ui::TouchTarget() * 0.2f);
    ImGuiIO& io = ImGui::GetIO();
    // Escape never erases what the registrant typed (ImGui's revert); the flow still sees the key.
    if (flow_.mode() != kiosk::Mode::Volunteer) ui::SuppressEscape(io);
    // A character the fonts cannot show is refused here, not stored and drawn as "?".
    if (ui::DropUnshowableInput(io) > 0 && rejected_char_ == 0) {   // not seen by OnChar: still say so
        rejected_char_ = 0xFFFD;
        rejected_at_ = std::chrono::steady_clock::now();
    }
}

// Dear ImGui 1.86 reads keys as state (io.KeysDown), sampled once per frame: a press and its release
// handled in one event poll — xdotool's `key Return`, a quick tap on a slow frame — leave the key up
// when the frame looks, and Enter, Backspace or Tab is lost. A key pressed since the last frame is
// shown down for one frame and let up at the next if it was released meanwhile.
void App::LatchKeys(ImGuiIO& io) {
    for (int key : keys_latched_)
        if (!keys_held_[static_cast<std::size_t>(key)]) io.KeysDown[key] = false;
    keys_latched_.clear();
    for (int key : keys_pressed_)
        if (!io.KeysDown[key]) {
            io.KeysDown[key] = true;
            keys_latched_.push_back(key);
        }
    keys_pressed_.clear();
}

void App::OnChar(unsigned int codepoint) {
    if (ui::CanShow(codepoint)) return;
    rejected_char_ = codepoint;
    rejected_at_ = std::chrono::steady_clock::now();
}

void App::DrawInputHints() {
    if (rejected_char_ == 0) return;
    const auto shown = std::chrono::steady_clock::now() - rejected_at_;
    if (shown > std::chrono::seconds(3)) {
        rejected_char_ = 0;
        return;
    }
    // Language-neutral: a crossed-out code point ("× U+1F600") in the danger colour at the top of
    // the screen, where it covers no field. The registrant sees the key did nothing on purpose.
    char text[32];
    std::snprintf(text, sizeof text, "\xC3\x97  U+%04X", rejected_char_);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 ts = ImGui::CalcTextSize(text);
    const float pad = ImGui::GetStyle().FramePadding.y * 2;
    const ImVec2 a(vp->WorkPos.x + (vp->WorkSize.x - ts.x) * 0.5f - pad, vp->WorkPos.y + pad);
    const ImVec2 b(a.x + ts.x + pad * 2, a.y + ts.y + pad * 2);
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    dl->AddRectFilled(a, b, ImGui::GetColorU32(ui::colors::Danger()), pad);
    dl->AddText(ImVec2(a.x + pad, a.y + pad), IM_COL32(255, 255, 255, 255), text);
    UiMap::Item hint;                                       // for tests: the hint is showing
    hint.rect = hint.visible = {a.x, a.y, b.x, b.y};
    hint.shown = true;
    uimap_.items["char_rejected"] = hint;
}

double App::WaitTimeout() const {
    if (!keys_latched_.empty()) return 0.0;          // let a latched key up in the next frame
    if (job_.valid()) return 0.05;                   // spinner / progress bar
    if (corner_down_) return 0.1;                    // hidden gesture in progress
    if (flow_.idle_warning || flow_.screen == kiosk::Screen::Receipt) return 0.25;  // countdown
    if (flow_.retry_seconds_left(kiosk::Clock::now()) > 0) return 0.25;
    return 1.0;                                      // timers are checked once a second
}

float App::FontPixels() const {
    // From the window, so a 1366x768 laptop gets text that leaves room for the screen (theme.hpp).
    int w = 1920, h = 1080;
    if (window_ != nullptr) glfwGetFramebufferSize(window_, &w, &h);
    if (w <= 0 || h <= 0) return loaded_px_ > 0.0f ? loaded_px_ : 24.0f;   // minimised: keep the size
    return ui::FontPixelsFor(static_cast<float>(w), static_cast<float>(h), content_scale_, flow_.settings.font_scale);
}

bool App::FontsDirty() const {
    return fonts_dirty_ || std::abs(FontPixels() - loaded_px_) > 0.25f;
}

void App::FontsRebuilt() {
    fonts_dirty_ = false;
    loaded_px_ = FontPixels();
}

void App::OnKey(int key, int mods, bool press) {
    if (key >= 0 && key < static_cast<int>(keys_held_.size())) {
        keys_held_[static_cast<std::size_t>(key)] = press;
        if (press) keys_pressed_.push_back(key);
    }
    if (!press) return;
    if (key == GLFW_KEY_ESCAPE) Send(ev::EscapePressed{});
    else if (key == GLFW_KEY_F4 && (mods & GLFW_MOD_ALT)) Send(ev::AltF4{});
    else if (key == GLFW_KEY_V && (mods & GLFW_MOD_CONTROL) && (mods & GLFW_MOD_SHIFT)) Send(ev::VolunteerShortcut{});
    else if (key == GLFW_KEY_Q && (mods & GLFW_MOD_CONTROL)) Send(ev::Quit{});
}

void App::OnCloseRequest() {
    Send(ev::CloseRequested{});
}

}  // namespace embassy::app
