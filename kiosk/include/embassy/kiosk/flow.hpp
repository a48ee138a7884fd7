// The kiosk's screen flow as a pure state machine: no Dear ImGui, no GLFW, no store calls.
//
// The app feeds it Events (what the person did, or what an operation it asked for returned) together
// with the current steady-clock time, and executes the Effects it returns, in order, before the next
// event. Screens read the plain members (screen, form, notice, ...) and may bind widgets to the form
// buffers directly, sending ev::Activity for such input so the idle timers see it. Call tick(now)
// every frame (or at least every second while a timer is running) so timeouts fire without input.
//
// Index of this file
// [SECTION] Clock, modes and screens
// [SECTION] Settings, notices, content, validation
// [SECTION] Events (ev::)
// [SECTION] Effects (fx::)
// [SECTION] Flow
#pragma once

#include "embassy/kiosk/form.hpp"
#include "embassy/registry/model.hpp"
#include "embassy/registry/validate.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace embassy::kiosk {

//-----------------------------------------------------------------------------
// [SECTION] Clock, modes and screens
//-----------------------------------------------------------------------------

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Seconds = std::chrono::seconds;

enum class Mode : std::uint8_t { Setup, Locked, Public, Volunteer };

enum class Screen : std::uint8_t {
    // Setup (first run on an empty data directory)
    SetupPassphrase,   // choose + confirm, strength meter
    SetupIdentity,     // load the coordinator identity file; Next creates the kiosk
    SetupPack,         // load an appeal pack
    SetupEvent,        // name, city, country, date
    SetupAppeals,      // tick the active appeals
    // Locked
    Unlock,
    // Public: the registrant's path
    Welcome, ChooseAppeal, ReadAppeal, Details, Sign, Review, Submitting, Receipt,
    VolunteerAuth,     // passphrase prompt after the hidden gesture; still Public until accepted
    // Volunteer
    VolunteerHome, VolunteerSettings,
};

Mode mode_of(Screen s);
const char* screen_name(Screen s);     // "Welcome", ... (for logs and test names)
bool is_input_screen(Screen s);        // ChooseAppeal … Review: the 90 s + 15 s idle reset applies

// The kiosk's languages in the order Welcome offers them: the registry's one list (validate.hpp).
using registry::Language;
inline const std::span<const Language> languages = registry::supported_languages();

//-----------------------------------------------------------------------------
// [SECTION] Settings, notices, content, validation
//-----------------------------------------------------------------------------

struct Settings {
    Seconds input_idle{90};        // quiet time on an input screen before "Are you still there?"
    Seconds idle_warning{15};      // length of that countdown, then wipe → Welcome
    Seconds receipt_idle{30};      // Receipt → Welcome
    Seconds auth_idle{60};         // volunteer passphrase prompt → Welcome
    Seconds volunteer_idle{300};   // Volunteer mode → Locked
    Seconds unlock_delay_cap{60};  // longest wait after wrong passphrases
    Seconds corner_hold{3};        // hidden gesture: hold the top-left corner this long
    registry::LangTag default_lang = "be";
    float font_scale = 1.0f;
    bool on_screen_keyboard = false;
    bool operator==(const Settings&) const = default;
};
// Empty when the settings are usable, else a message key ("settings.error.idle_range", ...).
std::string check_settings(const Settings& s);

// One message for the current screen: a catalog key, its {placeholder} values, and optionally the
// untranslated one-line message of a failed operation (never personal data, see result.hpp).
//
// A notice with a deadline counts down: its {seconds} is the time left until `until`, filled in by
// Flow::notice_at(now) each frame, and when the deadline passes the flow replaces it with
// `after_key` (or clears it when that is empty).
struct Notice {
    std::string key;
    std::vector<std::pair<std::string, std::string>> args;
    std::string detail;
    std::optional<TimePoint> until{};
    std::string after_key{};
    bool empty() const { return key.empty(); }
};

// Where the screen scrolls to and puts the keyboard focus after a refused Next: the first invalid
// input in screen order. A new request has a new serial; the screen acts once per serial.
enum class FocusTarget : std::uint8_t { none, field, consents, signature };
struct FocusRequest {
    FocusTarget target = FocusTarget::none;
    Field field = Field::given_name;  // when target == field
    std::uint32_t serial = 0;
    bool is(Field f) const { return target == FocusTarget::field && field == f; }
};

// A volunteer action that waits for "Yes" in a modal (ev::Confirm).
enum class Ask : std::uint8_t {
    none,
    quit,       // the Quit button
    apply_ack,  // apply the acknowledgement at `path`: `count` registrants' personal data will be removed
};
struct Confirmation {
    Ask ask = Ask::none;
    std::int64_t count = 0;
    std::string path;
};

// What the kiosk may show: the verified pack and the ids of the appeals active for this event.
// Public texts only, no personal data.
struct Content {
    registry::AppealPack pack;
    std::vector<std::string> active;
};

// Setup-only buffers (no personal data: event details and file status).
struct SetupForm {
    std::string identity_fingerprint;  // set by ev::IdentityLoaded
    bool pack_loaded = false;
    registry::Event event;             // the screen binds to name, city, country, date
};

// The validator seam: what the registrant entered, checked by the rules KioskStore::submit applies,
// answered with message keys.
//
// `field` checks one field and returns its normalized value, or a message key:
// "error.<field>.invalid" or "error.<field>.too_long" (field_key() gives <field>). The flow itself
// reports "error.<field>.required" for an empty required field and never calls it for an empty
// optional one. The app plugs in registry::normalize_name, normalize_city, normalize_email,
// normalize_phone and is_country_code.
//
// `signature` checks a drawn signature (never empty, the flow reports "error.signature.required")
// and returns a message key or empty. The default is registry::validate_strokes, the rule submit and
// the importer apply, so a signature the Sign screen accepts is never refused at submit.
struct FieldCheck {
    std::string value;
    std::string error_key;  // empty = valid
};
using FieldValidator = std::function<FieldCheck(Field, std::string_view raw)>;
using SignatureValidator = std::function<std::string(const registry::Strokes&)>;
FieldCheck basic_validator(Field f, std::string_view raw);  // trims and does plain checks (tests, fallback)
// registry::validate_strokes as a message key: "error.signature.too_short" or "error.signature.invalid".
std::string registry_signature_check(const registry::Strokes& strokes);

struct Validator {
    FieldValidator field = basic_validator;
    SignatureValidator signature = registry_signature_check;

    // The app assigns its field rules alone; signatures keep the registry's rule.
    Validator& operator=(FieldValidator f) {
        field = std::move(f);
        return *this;
    }
};

//-----------------------------------------------------------------------------
// [SECTION] Events (ev::)
//-----------------------------------------------------------------------------

namespace ev {
// Input from the person at the screen. Each one restarts the idle timer and dismisses the countdown.
struct Activity {};                                  // any other input (typing into a bound field, a tap)
struct ChooseLanguage { registry::LangTag lang; };   // Welcome
struct ChooseAppeal { std::string appeal_id; };      // ChooseAppeal
struct Next {};                                      // Next / Continue / Submit / Done, per screen
struct Back {};
struct Cancel {};                                    // wipe → Welcome (Public); leave a sub-screen otherwise
struct Edit { Field field; std::string value; };     // Details, Sign (typed name)
struct SetConsent { registry::Purpose purpose; bool on; };
struct StrokeAdded { registry::Stroke stroke; };     // Sign
struct UndoStroke {};
struct ClearStrokes {};
struct SetCannotSign { bool on; };                   // "I cannot sign on screen"
struct SetTypedNameConfirmed { bool on; };
struct CornerHold { bool down; };                    // hidden gesture: top-left corner pressed / released
struct VolunteerShortcut {};                         // Ctrl+Shift+V
struct CloseRequested {};                            // window close button / WM close
struct EscapePressed {};
struct AltF4 {};
struct SubmitPassphrase {};                          // Unlock, VolunteerAuth: check flow.auth.passphrase
struct FileChosen { std::string path; };             // SetupIdentity, SetupPack
struct ToggleAppeal { std::string appeal_id; };      // SetupAppeals, VolunteerHome
struct StartPublic {};                               // VolunteerHome → Welcome
struct Lock {};
struct Quit {};
struct OpenSettings {};
struct SaveSettings { Settings settings; };          // VolunteerSettings
struct ExportRequested { std::string dir; };
struct ApplyAckRequested { std::string path; };  // checks first, then asks (Confirmation), then applies
struct Confirm { bool yes = false; };                // answer to flow.confirm
struct LoadPackRequested { std::string path; };

// Outcomes of effects, fed back by the app. They never count as the person's input.
struct PassphraseAccepted {};
struct PassphraseRejected {};
struct IdentityLoaded { std::string fingerprint; };
struct KioskCreated {};
struct PackLoaded { registry::AppealPack pack; };
struct EventCreated { std::int64_t id = 0; };
struct SubmitSucceeded { std::string receipt_code; };
struct SubmitFailed { std::string message; };
struct ExportFinished { std::int64_t count = 0; std::string path; bool wrote = true; };  // wrote: a batch file was written
struct AckInspected { std::int64_t count = 0; };     // fx::InspectAck: how many would be purged
struct AckApplied { std::int64_t count = 0; };
struct OperationFailed { std::string message; };
}  // namespace ev

using Event = std::variant<
    ev::Activity, ev::ChooseLanguage, ev::ChooseAppeal, ev::Next, ev::Back, ev::Cancel, ev::Edit,
    ev::SetConsent, ev::StrokeAdded, ev::UndoStroke, ev::ClearStrokes, ev::SetCannotSign,
    ev::SetTypedNameConfirmed, ev::CornerHold, ev::VolunteerShortcut, ev::CloseRequested,
    ev::EscapePressed, ev::AltF4, ev::SubmitPassphrase, ev::FileChosen, ev::ToggleAppeal,
    ev::StartPublic, ev::Lock, ev::Quit, ev::OpenSettings, ev::SaveSettings, ev::ExportRequested,
    ev::ApplyAckRequested, ev::LoadPackRequested, ev::Confirm,
    ev::PassphraseAccepted, ev::PassphraseRejected, ev::IdentityLoaded, ev::KioskCreated,
    ev::PackLoaded, ev::EventCreated, ev::SubmitSucceeded, ev::SubmitFailed, ev::ExportFinished,
    ev::AckInspected, ev::AckApplied, ev::OperationFailed>;

bool is_user_input(const Event& e);  // false for the outcomes fed back by the app

//-----------------------------------------------------------------------------
// [SECTION] Effects (fx::)
//-----------------------------------------------------------------------------

namespace fx {
struct WipeUiInputState {};   // clear Dear ImGui's own text-edit buffers (ImGui::ClearActiveID etc.)
// Run the KDF on flow.auth.passphrase (copy it into SecretBytes at once, it is wiped on the outcome).
// unlock = true: KioskStore::open (Locked); false: verify against the open kiosk (re-auth).
// Answer with ev::PassphraseAccepted or ev::PassphraseRejected.
struct CheckPassphrase { bool unlock = true; };
struct CreateKiosk {};        // KioskStore::create with flow.auth.passphrase → ev::KioskCreated
struct LoadIdentity { std::string path; };   // → ev::IdentityLoaded
struct LoadPack { std::string path; };       // → ev::PackLoaded
struct CreateEvent { registry::Event event; };  // create + set_active_event → ev::EventCreated
struct SetActiveAppeals { std::vector<std::string> appeal_ids; };
// KioskStore::submit → ev::SubmitSucceeded / ev::SubmitFailed. The app wipes its copy afterwards
// with kiosk::wipe(Submission&).
struct Submit { registry::Submission submission; };
struct LockStore {};          // KioskStore::lock(): close the database, wipe keys
struct Quit {};
struct ExportBatch { std::string dir; };     // → ev::ExportFinished
// Verify the acknowledgement and count the registrants it would purge, changing nothing → ev::AckInspected.
struct InspectAck { std::string path; };
struct ApplyAck { std::string path; };       // → ev::AckApplied
struct SaveSettings { Settings settings; };  // persist (KioskStore::set_setting) and apply (fonts, keyboard)
// Every operation may also answer ev::OperationFailed{message}.
}  // namespace fx

using Effect = std::variant<fx::WipeUiInputState, fx::CheckPassphrase, fx::CreateKiosk, fx::LoadIdentity,
                            fx::LoadPack, fx::CreateEvent, fx::SetActiveAppeals, fx::Submit,
                            fx::LockStore, fx::Quit, fx::ExportBatch, fx::InspectAck, fx::ApplyAck,
                            fx::SaveSettings>;
using Effects = std::vector<Effect>;

//-----------------------------------------------------------------------------
// [SECTION] Flow
//-----------------------------------------------------------------------------

struct Flow {
    // State the screens read (and the bound form buffers they write).
    Settings settings;
    Screen screen = Screen::Welcome;
    Form form;                 // the one registrant; empty outside the path
    AuthForm auth;             // passphrase buffers of Setup, Unlock, VolunteerAuth
    SetupForm setup;
    Content content;
    Settings settings_draft;   // VolunteerSettings edits this copy
    std::string receipt_code;  // only while screen == Receipt
    Notice notice;             // cleared on every screen change
    FocusRequest focus;        // set by a refused Next on Details and Sign
    Confirmation confirm;      // a volunteer action waiting for ev::Confirm; cleared on every screen change
    // Counts screen entries (every go(), also re-entering the same screen after a wipe): a screen
    // that sees a new value is drawn for the first time and resets its scroll position.
    std::uint64_t screen_entries = 0;
    bool idle_warning = false; // show "Are you still there?" with idle_seconds_left()
    bool busy = false;         // an operation is running (KDF, export…): show progress, disable buttons
    Validator validator;       // basic_validator and registry_signature_check until the app plugs in its own

    // Timers and counters.
    TimePoint last_input{};
    std::optional<TimePoint> corner_down_since;
    int failed_attempts = 0;
    TimePoint retry_at{};

    static Flow first_run(Settings s, TimePoint now);  // Setup, empty data directory
    static Flow locked(Settings s, TimePoint now);     // Unlock, existing kiosk

    Flow() = default;
    Flow(const Flow&) = delete;             // one registrant's data must exist once
    Flow& operator=(const Flow&) = delete;
    Flow(Flow&&) = default;
    Flow& operator=(Flow&&) = default;

    Mode mode() const { return mode_of(screen); }
    Effects handle(const Event& e, TimePoint now);
    Effects tick(TimePoint now);

    // Queries for the screens.
    const registry::LangTag& ui_lang() const;               // form.lang, else settings.default_lang
    int idle_seconds_left(TimePoint now) const;             // countdown value while idle_warning
    int retry_seconds_left(TimePoint now) const;            // wait after wrong passphrases, 0 = may try
    Notice notice_at(TimePoint now) const;                  // notice with a countdown's {seconds} filled in
    std::vector<const registry::Appeal*> active_appeals() const;
    const registry::Appeal* appeal() const;                 // the one being signed
    const registry::AppealText* appeal_text() const;        // exact text shown and signed
    const registry::ConsentText* consent_text(registry::Purpose p) const;  // exact consent text shown
    registry::Submission snapshot() const;                  // what Submit would carry now
    // The receipt's instructions in the registrant's language (null: the pack has none, ask the
    // volunteer), and what its QR encodes: registry::receipt_check_url, or the bare code without them.
    const registry::ReceiptInfo* receipt_info() const;
    std::string receipt_qr_text() const;

private:
    void go(Screen s);
    void wipe_to(Screen s, Effects& fx);  // wipe the registrant's data and every passphrase, then go(s)
    void start_operation(Effect op, Effects& fx);  // busy, notice cleared, op for the app to run
    void reset_public(Effects& fx);    // wipe everything of the registrant → Welcome, default language
    void lock(Effects& fx);
    void open_auth(Effects& fx);
    bool check_details();
    bool check_signature();
    void recheck_errors();             // clear each shown error whose input is now valid
    void request_focus(FocusTarget t, Field f = Field::given_name);
    void set_field(Field f, std::string_view value);
    void passphrase_outcome(bool accepted, TimePoint now, Effects& fx);
    bool timers(TimePoint now, Effects& fx);  // true when a timeout changed the screen
    void on_setup(const Event& e, Effects& fx);
    void on_public(const Event& e, TimePoint now, Effects& fx);
    void on_volunteer(const Event& e, Effects& fx);
    void on_passphrase_screen(const Event& e, TimePoint now, Effects& fx);
};

}  // namespace embassy::kiosk
