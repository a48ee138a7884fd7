// The embassy-kiosk application: owns the flow, the store and the catalogs, draws the screens and
// executes the flow's effects. Private to kiosk/src/app.
#pragma once

#include "embassy/kiosk/flow.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/registry/settings_keys.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/ui/i18n.hpp"
#include "embassy/ui/keyboard.hpp"
#include "embassy/ui/signature_pad.hpp"
#include "embassy/ui/touch.hpp"

#include "file_chooser.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct GLFWwindow;
struct ImGuiIO;

namespace embassy::app {

inline constexpr const char* kDemoPassphrase = "demo kiosk passphrase 2026";
inline constexpr const char* kDemoCoordinatorPassphrase = "demo coordinator passphrase 2026";

struct Options {
    bool windowed = false;
    bool demo = false;
    std::filesystem::path data_dir;
    std::string frame_stats;        // --frame-stats FILE
    std::string ui_map;             // --ui-map FILE: widget centres for scripted tests (no personal data)
    std::string screenshot_dir;     // --screenshot-dir DIR with --tour: every screen in every language
    bool tour = false;
    std::string ui_map_dir;         // --ui-map-dir DIR with --tour: the ui-map of every screen as DIR/<shot>.map
    std::vector<float> text_sizes;  // --text-size 100,130 with --tour: walk the screens at each text size
    int width = 1280, height = 800; // windowed size
    // Test overrides of the flow's timeouts (seconds), applied after the stored settings.
    std::optional<int> input_idle, idle_warning, receipt_idle, volunteer_idle;
};

// Recorded each frame for --ui-map: where a test can click to reach a named widget, and where every
// widget and scroll region lies, for the layout test (tests/e2e/kiosk_layout.py). Ids are message
// keys, language tags, field names, country codes: never what anyone typed. Format in ui_map.cpp.
struct UiMap {
    struct Item {
        std::array<float, 4> rect{};      // x0 y0 x1 y1 in window pixels, unclipped
        std::array<float, 4> visible{};   // the part inside the clip rect of its window
        bool shown = false;               // some of it is inside the clip rect
        std::string window;               // the ImGui window (scroll region) it was drawn in
    };
    std::map<std::string, Item> items;
    std::string focus;                    // the field the on-screen keyboard types into, if any
    void Add(const std::string& id);      // the last ImGui item
    void AddText() { Add("text:" + std::to_string(texts++)); }   // a paragraph or heading, by order
    void Clear() { items.clear(); focus.clear(); texts = 0; }
    int texts = 0;
    // The whole map as text, with the scroll regions of the frame just drawn (after ImGui::Render).
    std::string Text(const char* screen, const std::string& lang, float text_scale) const;
};

class App {
public:
    explicit App(Options opts);
    ~App();

    // Before the window: create the demo kiosk when asked; choose the first screen.
    bool Prepare(std::string& error);
    void AttachWindow(GLFWwindow* w) { window_ = w; }

    // Once per frame, between ImGui::NewFrame and ImGui::Render.
    void Frame();
    // Between frames: timers, finished jobs, font rebuilds. Returns true when the screen may change.
    bool Update();
    // How long the main loop may sleep waiting for input.
    double WaitTimeout() const;
    bool WantsQuit() const { return quit_; }
    // True once after the store was locked: main() then scrubs its stack (wiped_memory.hpp).
    bool TakeLocked() { return std::exchange(locked_, false); }
    bool RunningJob() const { return job_.valid(); }

    // Input routed from GLFW callbacks (main thread).
    void OnKey(int key, int mods, bool press);
    void OnCloseRequest();
    void OnInput() { input_seen_ = true; }

    ui::PointerQueue& Pointer() { return pointer_; }
    // Between the backend's NewFrame and ImGui::NewFrame: drains this frame's pointer samples and
    // applies the touch rules (drag to scroll, nothing carried into a new screen) once for all screens.
    void BeginInput();
    void LatchKeys(ImGuiIO& io);      // a key pressed and released within one poll is seen for a frame
    // A typed character (GLFW's char callback): remembered when the fonts cannot show it, so the
    // frame refuses it visibly (DrawInputHints) instead of storing a "?".
    void OnChar(unsigned int codepoint);
    // After Frame(), before Render: the "refused character" hint over the screen.
    void DrawInputHints();
    float FontPixels() const;
    // True when the fonts must be rebuilt: the text size changed, or the window did (FontPixels).
    bool FontsDirty() const;
    void FontsRebuilt();
    void SetContentScale(float s) { content_scale_ = s; }

    // Scripted tour for scripts/screenshots: returns false when finished. Called between frames;
    // `capture` saves the framebuffer of the frame just drawn under the given name.
    bool TourStep(const std::function<void(const std::string&)>& capture);

    const Options& options() const { return opts_; }
    UiMap& uimap() { return uimap_; }
    // The --ui-map text of the frame just drawn (UiMap::Text with the screen, language, text size).
    std::string UiMapText() const;
    const kiosk::Flow& flow() const { return flow_; }

private:
    // [SECTION] effects and jobs (app.cpp)
    void Send(const kiosk::Event& e);
    void Execute(kiosk::Effects fx);
    // One handler per effect, called through std::visit in Execute. An effect added to
    // kiosk::Effect without a handler here picks the deleted template and fails to compile.
    template <class E> void Run(E&) = delete;
    // On the main thread:
    void Run(kiosk::fx::WipeUiInputState&); void Run(kiosk::fx::LockStore&); void Run(kiosk::fx::Quit&);
    void Run(kiosk::fx::LoadIdentity&); void Run(kiosk::fx::CreateEvent&); void Run(kiosk::fx::SetActiveAppeals&);
    void Run(kiosk::fx::SaveSettings&);
    // Started as the one worker job (StartJob):
    void Run(kiosk::fx::CheckPassphrase&); void Run(kiosk::fx::CreateKiosk&); void Run(kiosk::fx::LoadPack&);
    void Run(kiosk::fx::InspectAck&);
    void Run(kiosk::fx::Submit&); void Run(kiosk::fx::ExportBatch&); void Run(kiosk::fx::ApplyAck&);
    // A copy of the typed passphrase for a KDF job (the flow wipes its own on the outcome).
    std::shared_ptr<registry::SecretBytes> PassphraseCopy() const;
    // The app's only door to the store's settings table (registry/settings_keys.hpp): an absent row
    // reads as the key's default. Saving stops at the first failure and returns it.
    Result<std::string> StoredSetting(const registry::settings::Key& key) const;
    Status StoreSetting(const registry::settings::Key& key, std::string_view value);
    Status SaveSettingsToStore(const kiosk::Settings& s);
    void StartJob(std::function<kiosk::Event()> job);
    void AfterUnlock();
    void LoadSettingsFromStore();
    void ApplyOverrides();
    void RefreshCounts();
    void WipeRegistrantUi();
    kiosk::Event DoSubmit(registry::Submission s);

    // [SECTION] screens (screens.cpp)
    const char* T(const char* key) const;
    std::string F(const char* key, std::initializer_list<std::pair<std::string_view, std::string_view>> args) const;
    bool Button(const char* key, bool primary = false, float width = 0.0f, const char* label = nullptr);
    void Heading(const char* key);
    void Para(const char* text, bool muted = false);
    void NoticeLine();
    void BeginScreen();
    void EndScreen();
    bool BottomBar(const char* back_key, const char* next_key, bool cancel, bool next_enabled = true);
    void OpenScreen(const char* title_key, const char* hint_key, int gap);
    void CloseScreen(const char* back_key, const char* next_key, bool cancel);
    void CountryPicker(const char* id, std::string& code, std::string& query, bool registrant);
    void TextField(kiosk::Field f, const char* label_key, bool required, std::size_t max);
    void KeyboardFor(std::string* target);
    void FocusMarks(const std::string& value, const std::string& map_id);
    ui::KeyboardLayout KeyboardLayoutFor(kiosk::Field f) const;
    bool KeyboardShown() const;
    void DrawStrokesPreview(const registry::Strokes& s, float width);

    void BeginSetupStep(int step, const char* prefix);
    void EndSetupStep(const char* back_key, const char* next_key);
    enum class ChooserFor { None, Identity, Pack, ExportDir, Ack, VolunteerPack };
    void ChooseFileButton(const char* ext, ChooserFor what);
    void ScreenSetupPassphrase();
    void ScreenSetupIdentity();
    void ScreenSetupPack();
    void ScreenSetupEvent();
    void ScreenSetupAppeals();
    void ScreenUnlock(bool volunteer_auth);
    void ScreenWelcome();
    void ScreenChooseAppeal();
    void ScreenReadAppeal();
    void ScreenDetails();
    void ScreenSign();
    void ScreenReview();
    void ScreenSubmitting();
    void ScreenReceipt();
    void ScreenVolunteerHome();
    void ScreenVolunteerSettings();
    bool BeginModal(const char* id, bool show);
    void OverlayIdle();
    void OverlayCancel();
    void OverlayConfirm();   // the flow's Confirmation (Quit, Apply acknowledgement)
    bool FocusHere(bool wanted);   // scroll to and focus the last item once per FocusRequest
    void OverlayChooser();

    Options opts_;
    kiosk::Flow flow_;
    ui::Catalogs catalogs_;
    std::unique_ptr<registry::KioskStore> store_;
    std::optional<registry::PublicIdentity> identity_;  // setup: loaded coordinator identity
    GLFWwindow* window_ = nullptr;

    std::future<kiosk::Event> job_;
    std::atomic<std::uint64_t> progress_done_{0}, progress_total_{0};

    ui::PointerQueue pointer_;
    std::vector<ui::PointerSample> pointer_frame_;   // this frame's samples (BeginInput), for the pad
    std::array<bool, 512> keys_held_{};             // GLFW key codes (< 512, ImGuiIO::KeysDown's size)
    std::vector<int> keys_pressed_, keys_latched_;  // pressed since the last frame; shown down by LatchKeys
    ui::TouchInput touch_;
    int input_screen_ = -1;
    unsigned int rejected_char_ = 0;     // the last refused code point (shown as U+XXXX, never logged)
    std::chrono::steady_clock::time_point rejected_at_{};              // the screen BeginInput saw last (a change resets the pointer)
    ui::PadStrokes pad_;                 // what the pad shows; mirrors flow_.form.strokes
    std::size_t pad_sent_ = 0;           // strokes already handed to the flow
    std::string country_query_;          // Details: search text (personal-ish: wiped with the form)
    std::string setup_country_query_;
    std::string* kb_target_ = nullptr;   // on-screen keyboard target
    kiosk::Field kb_field_ = kiosk::Field::given_name;   // what kb_target_ is: picks the layout
    bool kb_cyrillic_ = true;
    float kb_height_ = 400.0f;          // measured each frame the keyboard shows
    float kb_max_ = 0.0f;               // the most the keyboard may take this frame (BeginScreen)
    float bar_h_ = 0.0f;                // the bottom bar's height, measured the frame before
    float bar_top_ = 0.0f;              // where this frame's bottom bar starts (screen y)
    bool confirm_cancel_ = false;
    std::uint32_t focus_done_ = 0;       // the flow's last FocusRequest acted on
    std::uint64_t entries_seen_ = 0;     // flow_.screen_entries at the last frame
    bool entered_ = false;               // this frame is a screen's first since it was entered
    bool show_pass_ = false;
    FileChooser chooser_;
    ChooserFor chooser_for_ = ChooserFor::None;

    std::optional<registry::Counts> counts_;
    std::string last_export_;
    std::string event_name_;

    bool corner_down_ = false;
    bool input_seen_ = false;
    bool quit_ = false;
    bool locked_ = false;
    bool fonts_dirty_ = false;
    float content_scale_ = 1.0f;
    float loaded_px_ = 0.0f;             // the font size the atlas was last built at
    kiosk::Screen last_screen_ = kiosk::Screen::Unlock;
    int settle_frames_ = 3;
    int tour_step_ = 0;
    bool tour_settled_ = false;          // the tour step just run was a capture
    std::vector<std::function<void()>> tour_;
    UiMap uimap_;

};

// Helpers shared by the app's files.
std::string read_text_file(const std::filesystem::path& p, std::size_t max);
std::filesystem::path default_data_dir();
std::filesystem::path demo_toml_path();
using registry::new_kdf_params;  // keyfile.hpp
// The local date and time in strftime's format, e.g. "%Y-%m-%d".
std::string local_time(const char* format);
std::filesystem::path shared_data(const char* sub);   // fonts/, i18n/, demo/ in the data directory
kiosk::FieldCheck registry_validator(kiosk::Field f, std::string_view raw);

}  // namespace embassy::app
