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
#include "embassy/registry/countries.hpp"
#include "embassy/registry/keyfile.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/text.hpp"
#include "embassy/registry/wiped_memory.hpp"
#include "embassy/sync/demo.hpp"
#include "embassy/sync/kiosk_export.hpp"
#include "embassy/ui/widgets.hpp"

#include <GLFW/glfw3.h>

#include <chrono>
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

registry::KdfParams new_kdf_params() {
    double target = 1.0;
    if (const char* env = std::getenv("EMBASSY_KDF_SECONDS")) target = std::atof(env);
    if (target <= 0) return registry::kdf_minimum();
    return registry::calibrate_kdf(target);
}

namespace {
std::string today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}
std::string now_hm() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}
}  // namespace

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
        registry::Event event{0, "Demo rally", "Warszawa", "PL", today()};
        auto id = (*store)->create_event(event);
        if (!id) { error = id.message(); return false; }
        if (auto s = (*store)->set_active_event(*id); !s) { error = s.message(); return false; }
        // Ship a copy of the demo material so the volunteer screen's Load pack has a file to pick.
        std::ofstream(opts_.data_dir / "demo.pack", std::ios::binary)
            .write(reinterpret_cast<const char*>(pack->data()), static_cast<std::streamsize>(pack->size()));  // NOLINT
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
    for (auto& effect : effects) {
        if (std::get_if<fx::WipeUiInputState>(&effect)) {
            WipeRegistrantUi();
        } else if (auto* c = std::get_if<fx::CheckPassphrase>(&effect)) {
            auto pass = std::make_shared<registry::SecretBytes>(
                reinterpret_cast<const std::uint8_t*>(flow_.auth.passphrase.data()),  // NOLINT
                flow_.auth.passphrase.size());
            const fs::path dir = opts_.data_dir;
            if (c->unlock) {
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
        } else if (std::get_if<fx::CreateKiosk>(&effect)) {
            auto pass = std::make_shared<registry::SecretBytes>(
                reinterpret_cast<const std::uint8_t*>(flow_.auth.passphrase.data()),  // NOLINT
                flow_.auth.passphrase.size());
            const fs::path dir = opts_.data_dir;
            const registry::PublicIdentity id = *identity_;
            StartJob([this, pass, dir, id]() -> kiosk::Event {
                auto r = registry::KioskStore::create(dir, pass->view(), id, "kiosk", new_kdf_params());
                pass->wipe();
                if (!r) return ev::OperationFailed{r.message()};
                store_ = std::move(*r);
                return ev::KioskCreated{};
            });
        } else if (auto* li = std::get_if<fx::LoadIdentity>(&effect)) {
            std::string text = read_text_file(li->path, 4096);
            auto id = registry::parse_public_identity(text);
            if (!id) {
                Send(ev::OperationFailed{fs::path(li->path).filename().string() + ": " + id.message()});
            } else {
                identity_ = *id;
                Send(ev::IdentityLoaded{id->fingerprint()});
            }
        } else if (auto* lp = std::get_if<fx::LoadPack>(&effect)) {
            const std::string path = lp->path;
            StartJob([this, path]() -> kiosk::Event {
                auto bytes = embassy::read_file(path, 16 * 1024 * 1024);
                if (!bytes) return ev::OperationFailed{bytes.message()};
                if (auto s = store_->load_pack(*bytes); !s) return ev::OperationFailed{s.message()};
                auto cur = store_->current_pack();
                if (!cur) return ev::OperationFailed{cur.message()};
                return ev::PackLoaded{std::move(*cur)};
            });
        } else if (auto* ce = std::get_if<fx::CreateEvent>(&effect)) {
            auto id = store_->create_event(ce->event);
            if (!id) {
                Send(ev::OperationFailed{id.message()});
            } else if (auto s = store_->set_active_event(*id); !s) {
                Send(ev::OperationFailed{s.message()});
            } else {
                event_name_ = ce->event.name;
                Send(ev::EventCreated{*id});
            }
        } else if (auto* sa = std::get_if<fx::SetActiveAppeals>(&effect)) {
            if (store_) {
                if (auto s = store_->set_active_appeals(sa->appeal_ids); !s) Send(ev::OperationFailed{s.message()});
            }
        } else if (auto* sub = std::get_if<fx::Submit>(&effect)) {
            auto s = std::make_shared<registry::Submission>(std::move(sub->submission));
            kiosk::wipe(sub->submission);
            StartJob([this, s]() -> kiosk::Event { return DoSubmit(std::move(*s)); });
        } else if (std::get_if<fx::LockStore>(&effect)) {
            if (job_.valid()) job_.wait();
            if (store_) store_->lock();
            store_.reset();
            counts_.reset();
            locked_ = true;
        } else if (std::get_if<fx::Quit>(&effect)) {
            quit_ = true;
        } else if (auto* ex = std::get_if<fx::ExportBatch>(&effect)) {
            const fs::path dir = ex->dir;
            StartJob([this, dir]() -> kiosk::Event {
                auto r = sync::export_batch(*store_, dir, [this](std::uint64_t done, std::uint64_t total) {
                    progress_done_ = done;
                    progress_total_ = total;
                });
                if (!r) return ev::OperationFailed{r.message()};
                return ev::ExportFinished{static_cast<std::int64_t>(r->signatures),
                                          r->wrote ? r->path.string() : dir.string()};
            });
        } else if (auto* ack = std::get_if<fx::ApplyAck>(&effect)) {
            const std::string path = ack->path;
            StartJob([this, path]() -> kiosk::Event {
                auto bytes = embassy::read_file(path, 64 * 1024 * 1024);
                if (!bytes) return ev::OperationFailed{bytes.message()};
                auto r = sync::apply_ack(*store_, *bytes);
                if (!r) return ev::OperationFailed{r.message()};
                return ev::AckApplied{static_cast<std::int64_t>(r->purged)};
            });
        } else if (auto* ss = std::get_if<fx::SaveSettings>(&effect)) {
            const auto& st = ss->settings;
            if (store_) {
                (void)store_->set_setting("kiosk.input_idle", std::to_string(st.input_idle.count()));
                (void)store_->set_setting("kiosk.idle_warning", std::to_string(st.idle_warning.count()));
                (void)store_->set_setting("kiosk.receipt_idle", std::to_string(st.receipt_idle.count()));
                (void)store_->set_setting("kiosk.volunteer_idle", std::to_string(st.volunteer_idle.count()));
                (void)store_->set_setting("kiosk.default_lang", st.default_lang);
                (void)store_->set_setting("kiosk.font_scale", std::to_string(st.font_scale));
                (void)store_->set_setting("kiosk.on_screen_keyboard", st.on_screen_keyboard ? "1" : "0");
            }
            fonts_dirty_ = true;
            ApplyOverrides();
        }
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Settings
//-----------------------------------------------------------------------------

void App::LoadSettingsFromStore() {
    if (!store_) return;
    kiosk::Settings s = flow_.settings;
    auto num = [&](const char* key, kiosk::Seconds& out) {
        std::string v = store_->setting(key);
        if (!v.empty()) out = kiosk::Seconds(std::atoi(v.c_str()));
    };
    num("kiosk.input_idle", s.input_idle);
    num("kiosk.idle_warning", s.idle_warning);
    num("kiosk.receipt_idle", s.receipt_idle);
    num("kiosk.volunteer_idle", s.volunteer_idle);
    if (auto l = store_->setting("kiosk.default_lang"); !l.empty()) s.default_lang = l;
    if (auto f = store_->setting("kiosk.font_scale"); !f.empty()) s.font_scale = std::strtof(f.c_str(), nullptr);
    s.on_screen_keyboard = store_->setting("kiosk.on_screen_keyboard") == "1";
    if (!kiosk::check_settings(s).empty()) return;   // a damaged setting: keep the defaults
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
    last_export_ = store_->setting("kiosk.last_export");
    LoadSettingsFromStore();
    ApplyOverrides();
}

void App::RefreshCounts() {
    if (store_ && !job_.valid()) counts_ = store_->counts();
}

//-----------------------------------------------------------------------------
// [SECTION] Per-frame update
//-----------------------------------------------------------------------------

bool App::Update() {
    bool changed = false;
    if (job_.valid() && job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        kiosk::Event outcome = job_.get();
        const bool unlocked = std::get_if<ev::PassphraseAccepted>(&outcome) && flow_.screen == kiosk::Screen::Unlock;
        const bool exported = std::get_if<ev::ExportFinished>(&outcome) != nullptr;
        if (std::get_if<ev::KioskCreated>(&outcome)) LoadSettingsFromStore();
        Send(outcome);
        if (unlocked) AfterUnlock();
        if (exported && store_) {
            last_export_ = now_hm();
            (void)store_->set_setting("kiosk.last_export", last_export_);
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

double App::WaitTimeout() const {
    if (job_.valid()) return 0.05;                   // spinner / progress bar
    if (corner_down_) return 0.1;                    // hidden gesture in progress
    if (flow_.idle_warning || flow_.screen == kiosk::Screen::Receipt) return 0.25;  // countdown
    if (flow_.retry_seconds_left(kiosk::Clock::now()) > 0) return 0.25;
    return 1.0;                                      // timers are checked once a second
}

float App::FontPixels() const {
    return 28.0f * content_scale_ * flow_.settings.font_scale;
}

void App::OnKey(int key, int mods, bool press) {
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
