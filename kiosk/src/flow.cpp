// The kiosk's screen flow. See flow.hpp for the contract with the app.
//
// Index of this file
// [SECTION] Names and predicates
// [SECTION] Validation
// [SECTION] Construction and queries
// [SECTION] Transitions that wipe
// [SECTION] Timers
// [SECTION] handle(): common events
// [SECTION] Setup
// [SECTION] Unlock and re-authentication
// [SECTION] Public: the registrant's path
// [SECTION] Volunteer

#include "embassy/kiosk/flow.hpp"

#include "embassy/kiosk/auth.hpp"
#include "embassy/registry/countries.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/validate.hpp"

#include <algorithm>
#include <cassert>
#include <type_traits>

namespace embassy::kiosk {

using registry::Purpose;

//-----------------------------------------------------------------------------
// [SECTION] Names and predicates
//-----------------------------------------------------------------------------

Mode mode_of(Screen s) {
    switch (s) {
        case Screen::SetupPassphrase:
        case Screen::SetupIdentity:
        case Screen::SetupPack:
        case Screen::SetupEvent:
        case Screen::SetupAppeals: return Mode::Setup;
        case Screen::Unlock: return Mode::Locked;
        case Screen::VolunteerHome:
        case Screen::VolunteerSettings: return Mode::Volunteer;
        default: return Mode::Public;
    }
}

const char* screen_name(Screen s) {
    switch (s) {
        case Screen::SetupPassphrase: return "SetupPassphrase";
        case Screen::SetupIdentity: return "SetupIdentity";
        case Screen::SetupPack: return "SetupPack";
        case Screen::SetupEvent: return "SetupEvent";
        case Screen::SetupAppeals: return "SetupAppeals";
        case Screen::Unlock: return "Unlock";
        case Screen::Welcome: return "Welcome";
        case Screen::ChooseAppeal: return "ChooseAppeal";
        case Screen::ReadAppeal: return "ReadAppeal";
        case Screen::Details: return "Details";
        case Screen::Sign: return "Sign";
        case Screen::Review: return "Review";
        case Screen::Submitting: return "Submitting";
        case Screen::Receipt: return "Receipt";
        case Screen::VolunteerAuth: return "VolunteerAuth";
        case Screen::VolunteerHome: return "VolunteerHome";
        case Screen::VolunteerSettings: return "VolunteerSettings";
    }
    return "?";
}

bool is_input_screen(Screen s) {
    return s == Screen::ChooseAppeal || s == Screen::ReadAppeal || s == Screen::Details ||
           s == Screen::Sign || s == Screen::Review;
}

namespace {

template <class T> inline constexpr bool is_outcome = false;
template <> inline constexpr bool is_outcome<ev::PassphraseAccepted> = true;
template <> inline constexpr bool is_outcome<ev::PassphraseRejected> = true;
template <> inline constexpr bool is_outcome<ev::IdentityLoaded> = true;
template <> inline constexpr bool is_outcome<ev::KioskCreated> = true;
template <> inline constexpr bool is_outcome<ev::PackLoaded> = true;
template <> inline constexpr bool is_outcome<ev::EventCreated> = true;
template <> inline constexpr bool is_outcome<ev::SubmitSucceeded> = true;
template <> inline constexpr bool is_outcome<ev::SubmitFailed> = true;
template <> inline constexpr bool is_outcome<ev::ExportFinished> = true;
template <> inline constexpr bool is_outcome<ev::AckInspected> = true;
template <> inline constexpr bool is_outcome<ev::AckApplied> = true;
template <> inline constexpr bool is_outcome<ev::OperationFailed> = true;

template <class T>
const T* as(const Event& e) { return std::get_if<T>(&e); }

Notice make_notice(std::string key, std::vector<std::pair<std::string, std::string>> args = {},
                   std::string detail = {}) {
    Notice n;
    n.key = std::move(key);
    n.args = std::move(args);
    n.detail = std::move(detail);
    return n;
}

std::string trim(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

bool pack_has(const registry::AppealPack& pack, std::string_view id) {
    return std::any_of(pack.appeals.begin(), pack.appeals.end(),
                       [&](const registry::Appeal& a) { return a.id == id; });
}

// Tick or untick an appeal; ids the pack does not have are ignored.
void toggle_appeal(std::vector<std::string>& active, const registry::AppealPack& pack, const std::string& id) {
    if (auto it = std::find(active.begin(), active.end(), id); it != active.end()) active.erase(it);
    else if (pack_has(pack, id)) active.push_back(id);
}

bool required(Field f) {
    return f != Field::email && f != Field::phone;
}

}  // namespace

bool is_user_input(const Event& e) {
    return std::visit([](const auto& x) { return !is_outcome<std::decay_t<decltype(x)>>; }, e);
}

//-----------------------------------------------------------------------------
// [SECTION] Validation
//-----------------------------------------------------------------------------

std::string check_settings(const Settings& s) {
    using std::chrono::seconds;
    if (s.input_idle < seconds{20} || s.input_idle > seconds{900}) return "settings.error.input_idle";
    if (s.idle_warning < seconds{5} || s.idle_warning > seconds{120}) return "settings.error.idle_warning";
    if (s.receipt_idle < seconds{10} || s.receipt_idle > seconds{300}) return "settings.error.receipt_idle";
    if (s.volunteer_idle < seconds{30} || s.volunteer_idle > seconds{3600}) return "settings.error.volunteer_idle";
    if (!registry::is_supported_language(s.default_lang)) return "settings.error.language";
    if (s.font_scale < 0.75f || s.font_scale > 2.5f) return "settings.error.font_scale";
    return {};
}

FieldCheck basic_validator(Field f, std::string_view raw) {
    FieldCheck r{trim(raw), {}};
    auto err = [&](const char* what) { return FieldCheck{{}, std::string("error.") + field_key(f) + "." + what}; };
    if (r.value.size() > 200) return err("too_long");
    for (char c : r.value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return err("invalid");
    switch (f) {
        case Field::country:
            if (!registry::is_country_code(r.value)) return err("invalid");
            break;
        case Field::email: {
            auto at = r.value.find('@');
            if (at == 0 || at == std::string::npos || r.value.find('.', at) == std::string::npos ||
                r.value.find(' ') != std::string::npos)
                return err("invalid");
            break;
        }
        case Field::phone: {
            int digits = 0;
            for (char c : r.value) {
                if (c >= '0' && c <= '9') ++digits;
                else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')') return err("invalid");
            }
            if (digits < 6) return err("invalid");
            break;
        }
        default: break;
    }
    return r;
}

std::string registry_signature_check(const registry::Strokes& strokes) {
    registry::StrokesProblem problem{};
    if (registry::validate_strokes(strokes, &problem)) return {};
    // Too little ink the registrant can fix by signing fully; the limits (strokes, points, size,
    // canvas) only by starting again.
    return problem == registry::StrokesProblem::too_short ? "error.signature.too_short" : "error.signature.invalid";
}

//-----------------------------------------------------------------------------
// [SECTION] Construction and queries
//-----------------------------------------------------------------------------

namespace {
Flow starting_at(Screen screen, Settings s, TimePoint now) {
    Flow f;
    f.settings = std::move(s);
    f.screen = screen;
    f.last_input = now;
    return f;
}
}  // namespace

Flow Flow::first_run(Settings s, TimePoint now) { return starting_at(Screen::SetupPassphrase, std::move(s), now); }

Flow Flow::locked(Settings s, TimePoint now) { return starting_at(Screen::Unlock, std::move(s), now); }

const registry::LangTag& Flow::ui_lang() const {
    return form.lang.empty() ? settings.default_lang : form.lang;
}

namespace {
// Seconds until `deadline`, rounded up, never negative: a countdown shows 15 … 1, never 0 too early.
int ceil_seconds(TimePoint now, TimePoint deadline) {
    if (now >= deadline) return 0;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    return static_cast<int>((ms + 999) / 1000);
}
}  // namespace

int Flow::idle_seconds_left(TimePoint now) const {
    if (!idle_warning) return 0;
    return ceil_seconds(now, last_input + settings.input_idle + settings.idle_warning);
}

int Flow::retry_seconds_left(TimePoint now) const { return ceil_seconds(now, retry_at); }

Notice Flow::notice_at(TimePoint now) const {
    Notice n = notice;
    if (!n.until) return n;
    const std::string left = std::to_string(ceil_seconds(now, *n.until));
    bool set = false;
    for (auto& [k, v] : n.args)
        if (k == "seconds") v = left, set = true;
    if (!set) n.args.emplace_back("seconds", left);
    return n;
}

std::vector<const registry::Appeal*> Flow::active_appeals() const {
    std::vector<const registry::Appeal*> out;
    for (const auto& id : content.active)
        for (const auto& a : content.pack.appeals)
            if (a.id == id) out.push_back(&a);
    return out;
}

const registry::Appeal* Flow::appeal() const {
    for (const auto* a : active_appeals())
        if (a->id == form.appeal_id) return a;
    return nullptr;
}

// The screens show exactly the text these return (the registry's language fallback, model.hpp),
// and its hash is what gets signed.
const registry::AppealText* Flow::appeal_text() const {
    const auto* a = appeal();
    return a ? a->text_for(ui_lang()) : nullptr;
}

const registry::ConsentText* Flow::consent_text(Purpose p) const {
    const auto* text = appeal_text();
    // Consents are shown in the language of the appeal text, so one person reads one language.
    std::string_view lang = text ? std::string_view(text->lang) : std::string_view(ui_lang());
    return content.pack.consent_for(p, lang);
}

const registry::ReceiptInfo* Flow::receipt_info() const {
    return content.pack.receipt_for(ui_lang());
}

std::string Flow::receipt_qr_text() const {
    if (receipt_code.empty()) return {};
    if (const auto* r = receipt_info()) return registry::receipt_check_url(*r, receipt_code);
    return receipt_code;
}

registry::Submission Flow::snapshot() const {
    registry::Submission s;
    s.registrant.given_name = form[Field::given_name];
    s.registrant.family_name = form[Field::family_name];
    s.registrant.country = form[Field::country];
    s.registrant.city = form[Field::city];
    s.registrant.email = form[Field::email];
    s.registrant.phone = form[Field::phone];
    s.registrant.lang = ui_lang();
    for (std::size_t i = 0; i < purpose_count; ++i) {
        if (!form.consents[i]) continue;
        if (const auto* c = consent_text(purpose_at(i)))
            s.consents.push_back({purpose_at(i), c->hash, c->lang});
    }
    if (const auto* a = appeal()) {
        s.appeal_id = a->id;
        s.appeal_version = a->version;
    }
    if (const auto* t = appeal_text()) s.appeal_lang = t->lang;
    if (form.cannot_sign) s.typed_name = form[Field::typed_name];
    else s.strokes = form.strokes;
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] Transitions that wipe
//-----------------------------------------------------------------------------

void Flow::go(Screen s) {
    screen = s;
    ++screen_entries;
    notice = {};
    focus.target = FocusTarget::none;  // the serial stays: a later request is always new
    confirm = {};
    idle_warning = false;
    busy = false;
    corner_down_since.reset();
}

void Flow::start_operation(Effect op, Effects& fx) {
    busy = true;
    notice = {};  // the last outcome's message no longer applies
    fx.push_back(std::move(op));
}

void Flow::wipe_to(Screen s, Effects& fx) {
    form.wipe();
    wipe(receipt_code);
    auth.wipe();
    go(s);
    fx.emplace_back(fx::WipeUiInputState{});
}

void Flow::reset_public(Effects& fx) { wipe_to(Screen::Welcome, fx); }

void Flow::lock(Effects& fx) {
    fx.emplace_back(fx::LockStore{});  // before WipeUiInputState, as the app has always run them
    wipe_to(Screen::Unlock, fx);
}

void Flow::open_auth(Effects& fx) {
    // The volunteer must not see the registrant's half-filled form, and the registrant must not
    // come back to it after the volunteer leaves: wipe it now.
    wipe_to(Screen::VolunteerAuth, fx);
}

//-----------------------------------------------------------------------------
// [SECTION] Timers
//-----------------------------------------------------------------------------

Effects Flow::tick(TimePoint now) {
    Effects fx;
    timers(now, fx);
    return fx;
}

bool Flow::timers(TimePoint now, Effects& fx) {
    const auto quiet = now - last_input;
    if (notice.until && now >= *notice.until) {
        // The countdown is over: its sentence ("try again in 3 s") no longer applies.
        std::string next = std::move(notice.after_key);
        notice = {};
        notice.key = std::move(next);
    }
    if (corner_down_since && mode() == Mode::Public && screen != Screen::Submitting &&
        screen != Screen::VolunteerAuth && now - *corner_down_since >= settings.corner_hold) {
        open_auth(fx);
        last_input = now;  // the hold was input; the prompt gets its full time
        return true;
    }
    if (is_input_screen(screen)) {
        if (quiet >= settings.input_idle + settings.idle_warning) {
            reset_public(fx);
            return true;
        }
        idle_warning = quiet >= settings.input_idle;
    } else if (screen == Screen::Receipt && quiet >= settings.receipt_idle) {
        reset_public(fx);
        return true;
    } else if (screen == Screen::VolunteerAuth && quiet >= settings.auth_idle && !busy) {
        reset_public(fx);
        return true;
    } else if (mode() == Mode::Volunteer && quiet >= settings.volunteer_idle && !busy) {
        lock(fx);  // an export in progress holds the lock off; it ends with an outcome event
        return true;
    } else if (screen == Screen::Unlock && quiet >= settings.input_idle && !auth.passphrase.empty() && !busy) {
        auth.wipe();  // a half-typed passphrase left behind
        fx.emplace_back(fx::WipeUiInputState{});
    }
    return false;
}

//-----------------------------------------------------------------------------
// [SECTION] handle(): common events
//-----------------------------------------------------------------------------

Effects Flow::handle(const Event& e, TimePoint now) {
    Effects fx;
    const bool input = is_user_input(e);
    // Timeouts due before this event come first. Input aimed at a screen that just timed out is
    // dropped: the tap was meant for a form that no longer exists.
    if (timers(now, fx) && input) return fx;
    if (input) {
        last_input = now;
        idle_warning = false;
    }

    // Kiosk guards: in public and locked modes closing is not possible; a volunteer may quit.
    // The Quit button sits beside Lock: in volunteer mode it asks first. A close request from the
    // system (window manager, Alt+F4) is honoured at once.
    if (as<ev::CloseRequested>(e) || as<ev::AltF4>(e) || as<ev::Quit>(e)) {
        if (as<ev::Quit>(e) && mode() == Mode::Volunteer) confirm = {Ask::quit, 0, {}};
        else if (mode() == Mode::Volunteer || mode() == Mode::Setup) fx.emplace_back(fx::Quit{});
        return fx;
    }
    if (as<ev::EscapePressed>(e)) {
        if (screen == Screen::VolunteerSettings) go(Screen::VolunteerHome);
        return fx;
    }

    // Hidden gesture, from anywhere in public mode except while a signature is being committed.
    if (mode() == Mode::Public && screen != Screen::Submitting && screen != Screen::VolunteerAuth) {
        if (const auto* c = as<ev::CornerHold>(e)) {
            if (c->down) corner_down_since = now;
            else corner_down_since.reset();
            return fx;
        }
        if (as<ev::VolunteerShortcut>(e)) {
            open_auth(fx);
            return fx;
        }
    }

    if (as<ev::OperationFailed>(e)) {
        const auto& m = as<ev::OperationFailed>(e)->message;
        busy = false;
        wipe(confirm.path);
        confirm = {};
        notice = make_notice("error.operation", {}, m);
        return fx;
    }

    switch (mode()) {
        case Mode::Setup: on_setup(e, fx); break;
        case Mode::Locked: on_passphrase_screen(e, now, fx); break;
        case Mode::Public:
            if (screen == Screen::VolunteerAuth) on_passphrase_screen(e, now, fx);
            else on_public(e, now, fx);
            break;
        case Mode::Volunteer: on_volunteer(e, fx); break;
    }
    return fx;
}

//-----------------------------------------------------------------------------
// [SECTION] Setup
//-----------------------------------------------------------------------------

void Flow::on_setup(const Event& e, Effects& fx) {
    const bool next = as<ev::Next>(e) != nullptr;
    const bool back = as<ev::Back>(e) != nullptr;
    switch (screen) {
        case Screen::SetupPassphrase:
            if (next) {
                if (!passphrase_acceptable(auth.passphrase)) notice = make_notice("setup.passphrase.too_weak");
                else if (auth.passphrase != auth.confirm) notice = make_notice("setup.passphrase.mismatch");
                else go(Screen::SetupIdentity);
            }
            break;
        case Screen::SetupIdentity:
            if (const auto* f = as<ev::FileChosen>(e); f && !busy) {
                busy = true;
                fx.emplace_back(fx::LoadIdentity{f->path});
            } else if (const auto* id = as<ev::IdentityLoaded>(e)) {
                busy = false;
                setup.identity_fingerprint = id->fingerprint;
                notice = make_notice("setup.identity.loaded", {{"fingerprint", id->fingerprint}});
            } else if (next && !busy) {
                if (setup.identity_fingerprint.empty()) {
                    notice = make_notice("setup.identity.missing");
                } else {
                    busy = true;
                    fx.emplace_back(fx::CreateKiosk{});
                }
            } else if (as<ev::KioskCreated>(e)) {
                auth.wipe();  // the app has derived and wrapped; the typed passphrase is not needed again
                go(Screen::SetupPack);
                fx.emplace_back(fx::WipeUiInputState{});
            } else if (back && !busy) {
                go(Screen::SetupPassphrase);
            }
            break;
        case Screen::SetupPack:
            if (const auto* f = as<ev::FileChosen>(e); f && !busy) {
                busy = true;
                fx.emplace_back(fx::LoadPack{f->path});
            } else if (auto* p = as<ev::PackLoaded>(e)) {
                busy = false;
                content.pack = p->pack;
                content.active.clear();
                setup.pack_loaded = true;
                notice = make_notice("setup.pack.loaded", {{"count", std::to_string(p->pack.appeals.size())}});
            } else if (next) {
                if (!setup.pack_loaded) notice = make_notice("setup.pack.missing");
                else go(Screen::SetupEvent);
            }
            break;  // no Back: the kiosk exists now, its passphrase cannot be chosen again here
        case Screen::SetupEvent:
            if (next && !busy) {
                const auto& ev = setup.event;
                if (trim(ev.name).empty()) notice = make_notice("setup.event.name_required");
                else if (trim(ev.city).empty()) notice = make_notice("setup.event.city_required");
                // The rules create_event applies (validate.hpp), so Next never leads to a refusal there.
                else if (!registry::is_country_code(ev.country)) notice = make_notice("setup.event.country_invalid");
                else if (!registry::is_calendar_date(ev.date)) notice = make_notice("setup.event.date_invalid");
                else {
                    busy = true;
                    fx.emplace_back(fx::CreateEvent{setup.event});
                }
            } else if (const auto* c = as<ev::EventCreated>(e)) {
                setup.event.id = c->id;
                go(Screen::SetupAppeals);
            } else if (back && !busy) {
                go(Screen::SetupPack);
            }
            break;
        case Screen::SetupAppeals:
            if (const auto* t = as<ev::ToggleAppeal>(e)) {
                toggle_appeal(content.active, content.pack, t->appeal_id);
            } else if (next) {
                if (content.active.empty()) {
                    notice = make_notice("setup.appeals.none");
                } else {
                    fx.emplace_back(fx::SetActiveAppeals{content.active});
                    go(Screen::VolunteerHome);
                }
            } else if (back) {
                go(Screen::SetupEvent);
            }
            break;
        default: assert(false && "on_setup: not a setup screen");
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Unlock and re-authentication
//-----------------------------------------------------------------------------

void Flow::on_passphrase_screen(const Event& e, TimePoint now, Effects& fx) {
    const bool unlock = screen == Screen::Unlock;
    if (as<ev::SubmitPassphrase>(e)) {
        if (busy || auth.passphrase.empty()) return;
        if (now < retry_at) {
            notice = make_notice("unlock.wait", {{"seconds", std::to_string(retry_seconds_left(now))}});
            notice.until = retry_at;  // counts down on screen, then goes
            return;
        }
        start_operation(fx::CheckPassphrase{unlock}, fx);
    } else if (as<ev::PassphraseAccepted>(e) && busy) {
        passphrase_outcome(true, now, fx);
    } else if (as<ev::PassphraseRejected>(e) && busy) {
        passphrase_outcome(false, now, fx);
    } else if (!unlock && !busy && (as<ev::Cancel>(e) || as<ev::Back>(e))) {
        reset_public(fx);
    }
}

void Flow::passphrase_outcome(bool accepted, TimePoint now, Effects& fx) {
    busy = false;
    auth.wipe();
    fx.emplace_back(fx::WipeUiInputState{});
    if (accepted) {
        failed_attempts = 0;
        retry_at = {};
        go(Screen::VolunteerHome);
        last_input = now;
        return;
    }
    ++failed_attempts;
    auto delay = unlock_delay(failed_attempts, settings.unlock_delay_cap);
    retry_at = now + delay;
    notice = make_notice("unlock.wrong", {{"seconds", std::to_string(delay.count())}});
    notice.until = retry_at;
    notice.after_key = "unlock.wrong_try_again";
}

//-----------------------------------------------------------------------------
// [SECTION] Public: the registrant's path
//-----------------------------------------------------------------------------

void Flow::set_field(Field f, std::string_view value) {
    auto& s = form[f];
    zero_in_place(s);  // assigning a shorter value would leave the old tail in the buffer
    s.assign(value);
}

namespace {
// The fields of the Details screen, in screen order (form.hpp).
constexpr Field details_fields[] = {Field::given_name, Field::family_name, Field::country, Field::city,
                                    Field::email, Field::phone};

// The consents' message key for the form as it is, or empty.
const char* consent_problem(const Form& form) {
    if (!form.consent(Purpose::sign_appeal)) return "error.consent.sign_required";
    if (form.consent(Purpose::be_contacted) && trim(form[Field::email]).empty() && trim(form[Field::phone]).empty())
        return "error.consent.contact_needs_email_or_phone";
    return "";
}
}  // namespace

void Flow::request_focus(FocusTarget t, Field f) {
    focus.target = t;
    focus.field = f;
    ++focus.serial;
}

// Run after every input on Details and Sign: a message shown under a field goes as soon as that
// field would pass, without normalizing the buffer the person is still typing into. Messages
// appear only on Next (check_details, check_signature), never while typing.
void Flow::recheck_errors() {
    auto passes = [&](Field f) {
        if (trim(form[f]).empty()) return !required(f);
        FieldCheck r = validator.field(f, form[f]);
        wipe(r.value);
        return r.error_key.empty();
    };
    for (std::size_t i = 0; i < field_count; ++i) {
        const auto f = static_cast<Field>(i);
        if (!form.error(f).empty() && passes(f)) wipe(form.error(f));
    }
    // A consent message already shown says what is wrong now (or goes): not "tick to sign" once
    // the remaining problem is a missing email or phone.
    if (!form.consent_error.empty() && form.consent_error != consent_problem(form)) {
        wipe(form.consent_error);
        form.consent_error = consent_problem(form);
    }
    if (!form.signature_error.empty()) {
        const bool fixed = form.cannot_sign ? form.typed_name_confirmed
                                            : !form.strokes.empty() && validator.signature(form.strokes).empty();
        if (fixed) wipe(form.signature_error);
    }
}

bool Flow::check_details() {
    bool ok = true;
    for (Field f : details_fields) {
        auto& err = form.error(f);
        wipe(err);
        if (trim(form[f]).empty()) {
            if (required(f)) {
                err = std::string("error.") + field_key(f) + ".required";
                ok = false;
            } else {
                set_field(f, "");
            }
            continue;
        }
        FieldCheck r = validator.field(f, form[f]);
        if (!r.error_key.empty()) {
            err = r.error_key;
            ok = false;
        } else {
            set_field(f, r.value);
        }
        wipe(r.value);
    }
    wipe(form.consent_error);
    if (const char* c = consent_problem(form); *c != '\0') {
        form.consent_error = c;
        ok = false;
    }
    if (!ok) {
        // The message next to the first problem is where the eye must go: the screen scrolls there.
        for (Field f : details_fields)
            if (!form.error(f).empty()) {
                request_focus(FocusTarget::field, f);
                return false;
            }
        request_focus(FocusTarget::consents);
    }
    return ok;
}

bool Flow::check_signature() {
    wipe(form.signature_error);
    wipe(form.error(Field::typed_name));
    if (!form.cannot_sign) {
        if (form.strokes.empty()) form.signature_error = "error.signature.required";
        else form.signature_error = validator.signature(form.strokes);
        if (!form.signature_error.empty()) request_focus(FocusTarget::signature);
        return form.signature_error.empty();
    }
    bool ok = true;
    auto& name = form[Field::typed_name];
    if (trim(name).empty()) {
        form.error(Field::typed_name) = "error.typed_name.required";
        ok = false;
    } else {
        FieldCheck r = validator.field(Field::typed_name, name);
        if (!r.error_key.empty()) {
            form.error(Field::typed_name) = r.error_key;
            ok = false;
        } else {
            set_field(Field::typed_name, r.value);
        }
        wipe(r.value);
    }
    if (!form.typed_name_confirmed) {
        form.signature_error = "error.typed_name.confirm_required";
        ok = false;
    }
    if (!form.error(Field::typed_name).empty()) request_focus(FocusTarget::field, Field::typed_name);
    else if (!ok) request_focus(FocusTarget::signature);
    return ok;
}

void Flow::on_public(const Event& e, TimePoint now, Effects& fx) {
    (void)now;
    const bool next = as<ev::Next>(e) != nullptr;
    const bool back = as<ev::Back>(e) != nullptr;
    const bool cancel = as<ev::Cancel>(e) != nullptr;
    if (cancel && is_input_screen(screen)) {
        reset_public(fx);
        return;
    }
    const bool several = active_appeals().size() > 1;
    switch (screen) {
        case Screen::Welcome:
            if (const auto* l = as<ev::ChooseLanguage>(e); l && registry::is_supported_language(l->lang)) {
                auto active = active_appeals();
                if (active.empty()) {
                    notice = make_notice("welcome.not_ready");
                    return;
                }
                form.lang = l->lang;
                if (active.size() == 1) {
                    form.appeal_id = active.front()->id;
                    go(Screen::ReadAppeal);
                } else {
                    go(Screen::ChooseAppeal);
                }
            }
            break;
        case Screen::ChooseAppeal:
            if (const auto* c = as<ev::ChooseAppeal>(e)) {
                form.appeal_id = c->appeal_id;
                if (appeal()) go(Screen::ReadAppeal);
                else wipe(form.appeal_id);  // not an active appeal: stay
            } else if (back) {
                reset_public(fx);  // only the language was chosen; Welcome starts clean
            }
            break;
        case Screen::ReadAppeal:
            if (next) go(Screen::Details);
            else if (back) {
                if (several) {
                    wipe(form.appeal_id);
                    go(Screen::ChooseAppeal);
                } else {
                    reset_public(fx);
                }
            }
            break;
        case Screen::Details:
            if (const auto* ed = as<ev::Edit>(e); ed && ed->field != Field::typed_name) {
                set_field(ed->field, ed->value);
            } else if (const auto* c = as<ev::SetConsent>(e)) {
                form.consent(c->purpose) = c->on;
            } else if (next) {
                if (check_details()) go(Screen::Sign);
            } else if (back) {
                go(Screen::ReadAppeal);  // keeps what was typed: Back is not Cancel
            }
            if (screen == Screen::Details && !next) recheck_errors();
            break;
        case Screen::Sign:
            if (const auto* s = as<ev::StrokeAdded>(e); s && !form.cannot_sign && !s->stroke.empty()) {
                form.strokes.push_back(s->stroke);
            } else if (as<ev::UndoStroke>(e) && !form.strokes.empty()) {
                wipe(form.strokes.back());
                form.strokes.pop_back();
            } else if (as<ev::ClearStrokes>(e)) {
                wipe(form.strokes);
            } else if (const auto* c = as<ev::SetCannotSign>(e)) {
                if (c->on != form.cannot_sign) {
                    // Only one way of signing is kept: switching drops the other.
                    wipe(form.strokes);
                    wipe(form[Field::typed_name]);
                    form.typed_name_confirmed = false;
                    form.cannot_sign = c->on;
                    wipe(form.signature_error);
                    wipe(form.error(Field::typed_name));
                }
            } else if (const auto* ed = as<ev::Edit>(e); ed && ed->field == Field::typed_name && form.cannot_sign) {
                set_field(Field::typed_name, ed->value);
            } else if (const auto* t = as<ev::SetTypedNameConfirmed>(e); t && form.cannot_sign) {
                form.typed_name_confirmed = t->on;
            } else if (next) {
                if (check_signature()) go(Screen::Review);
            } else if (back) {
                go(Screen::Details);
            }
            if (screen == Screen::Sign && !next) recheck_errors();
            break;
        case Screen::Review:
            if (next) {
                go(Screen::Submitting);
                busy = true;
                fx.emplace_back(fx::Submit{snapshot()});
            } else if (back) {
                go(Screen::Sign);
            }
            break;
        case Screen::Submitting:
            // No Back, no Cancel: the store is committing. Only the outcome moves on.
            if (const auto* ok = as<ev::SubmitSucceeded>(e)) {
                // The personal data goes now, right after COMMIT; the language stays until the
                // receipt screen is left, so the receipt speaks the signer's language.
                form.wipe_entries();
                go(Screen::Receipt);
                receipt_code = ok->receipt_code;  // shown only now, after COMMIT
                fx.emplace_back(fx::WipeUiInputState{});
            } else if (const auto* bad = as<ev::SubmitFailed>(e)) {
                go(Screen::Review);
                notice = make_notice("review.submit_failed", {}, bad->message);
            }
            break;
        case Screen::Receipt:
            if (next) reset_public(fx);
            break;
        default: break;
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Volunteer
//-----------------------------------------------------------------------------

void Flow::on_volunteer(const Event& e, Effects& fx) {
    if (as<ev::Lock>(e)) {
        lock(fx);
        return;
    }
    if (screen == Screen::VolunteerSettings) {
        if (const auto* s = as<ev::SaveSettings>(e)) {
            if (auto err = check_settings(s->settings); !err.empty()) {
                notice = make_notice(err);
                return;
            }
            settings = s->settings;
            fx.emplace_back(fx::SaveSettings{settings});
            go(Screen::VolunteerHome);
            notice = make_notice("settings.saved");
        } else if (as<ev::Back>(e) || as<ev::Cancel>(e)) {
            go(Screen::VolunteerHome);
        }
        return;
    }
    if (as<ev::StartPublic>(e)) {
        if (active_appeals().empty()) {
            notice = make_notice("volunteer.no_active_appeals");
            return;
        }
        reset_public(fx);
    } else if (as<ev::OpenSettings>(e)) {
        settings_draft = settings;
        go(Screen::VolunteerSettings);
    } else if (const auto* x = as<ev::ExportRequested>(e); x && !busy) {
        start_operation(fx::ExportBatch{x->dir}, fx);
    } else if (const auto* done = as<ev::ExportFinished>(e)) {
        busy = false;
        // Nothing new: no file was written, and the volunteer must not carry an empty stick away.
        notice = done->wrote ? make_notice("volunteer.export.done", {{"count", std::to_string(done->count)}, {"path", done->path}})
                             : make_notice("volunteer.export.nothing", {});
    } else if (const auto* a = as<ev::ApplyAckRequested>(e); a && !busy) {
        // Verify and count first: the volunteer sees how many people's data will be removed.
        confirm = {Ask::none, 0, a->path};
        start_operation(fx::InspectAck{a->path}, fx);
    } else if (const auto* seen = as<ev::AckInspected>(e); seen && busy && !confirm.path.empty()) {
        busy = false;
        confirm.ask = Ask::apply_ack;
        confirm.count = seen->count;
    } else if (const auto* answer = as<ev::Confirm>(e); answer && confirm.ask != Ask::none) {
        Confirmation c = std::move(confirm);
        confirm = {};
        if (answer->yes && c.ask == Ask::quit) fx.emplace_back(fx::Quit{});
        else if (answer->yes && c.ask == Ask::apply_ack) start_operation(fx::ApplyAck{c.path}, fx);
    } else if (const auto* ack = as<ev::AckApplied>(e)) {
        busy = false;
        notice = make_notice("volunteer.ack.done", {{"count", std::to_string(ack->count)}});
    } else if (const auto* p = as<ev::LoadPackRequested>(e); p && !busy) {
        busy = true;
        fx.emplace_back(fx::LoadPack{p->path});
    } else if (const auto* pack = as<ev::PackLoaded>(e)) {
        busy = false;
        content.pack = pack->pack;
        // Keep only the active appeals the new pack still has.
        std::erase_if(content.active, [&](const std::string& id) { return !pack_has(content.pack, id); });
        fx.emplace_back(fx::SetActiveAppeals{content.active});
        notice = make_notice("volunteer.pack.loaded", {{"count", std::to_string(content.pack.appeals.size())}});
    } else if (const auto* t = as<ev::ToggleAppeal>(e)) {
        toggle_appeal(content.active, content.pack, t->appeal_id);
        fx.emplace_back(fx::SetActiveAppeals{content.active});
    }
}

}  // namespace embassy::kiosk
