// The kiosk flow as a state machine, driven under a fake clock.
#include "flow_harness.hpp"

#include "embassy/registry/strokes.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/generators/catch_generators_range.hpp>

using namespace embassy::kiosk;
using namespace embassy::kiosk::test;
using embassy::registry::Purpose;

namespace {
constexpr Screen input_screens[] = {Screen::ChooseAppeal, Screen::ReadAppeal, Screen::Details, Screen::Sign,
                                    Screen::Review};
}

TEST_CASE("first-run setup goes from passphrase to the volunteer screen", "[kiosk][flow][setup]") {
    Harness h(Flow::first_run({}, TimePoint{}));
    REQUIRE(h.flow.mode() == Mode::Setup);
    REQUIRE(h.screen() == Screen::SetupPassphrase);

    h.flow.auth.passphrase = "short";
    h.flow.auth.confirm = "short";
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::SetupPassphrase);
    CHECK(h.flow.notice.key == "setup.passphrase.too_weak");

    h.flow.auth.passphrase = "copper meadow violin harbor";
    h.flow.auth.confirm = "copper meadow violin harboR";
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::SetupPassphrase);
    CHECK(h.flow.notice.key == "setup.passphrase.mismatch");

    h.flow.auth.confirm = "copper meadow violin harbor";
    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::SetupIdentity);

    h.send(ev::Next{});  // no identity yet
    CHECK(h.flow.notice.key == "setup.identity.missing");
    CHECK(h.fx.empty());

    auto& fx = h.send(ev::FileChosen{"/media/usb/coordinator.pub"});
    REQUIRE(find<fx::LoadIdentity>(fx));
    CHECK(find<fx::LoadIdentity>(fx)->path == "/media/usb/coordinator.pub");
    h.send(ev::IdentityLoaded{"3F2A 9C01 77D4 0B1E 5A60"});
    CHECK(h.flow.setup.identity_fingerprint == "3F2A 9C01 77D4 0B1E 5A60");
    CHECK(has<fx::CreateKiosk>(h.send(ev::Next{})));
    CHECK(h.flow.busy);
    CHECK(h.flow.auth.passphrase == "copper meadow violin harbor");  // the app reads it now
    h.send(ev::KioskCreated{});
    REQUIRE(h.screen() == Screen::SetupPack);
    CHECK(h.flow.auth.passphrase.empty());
    CHECK(h.flow.auth.confirm.empty());
    CHECK(has<fx::WipeUiInputState>(h.fx));

    h.send(ev::Next{});
    CHECK(h.flow.notice.key == "setup.pack.missing");
    CHECK(has<fx::LoadPack>(h.send(ev::FileChosen{"pack.bin"})));
    h.send(ev::PackLoaded{demo_pack(2)});
    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::SetupEvent);

    h.flow.setup.event = {0, "Rally", "Vilnius", "LT", "2024-13-01"};
    h.send(ev::Next{});
    CHECK(h.flow.notice.key == "setup.event.date_invalid");
    h.flow.setup.event.date = "2024-08-09";
    h.flow.setup.event.country = "lt";
    h.send(ev::Next{});
    CHECK(h.flow.notice.key == "setup.event.country_invalid");
    h.flow.setup.event.country = "LT";
    auto& created = h.send(ev::Next{});
    REQUIRE(find<fx::CreateEvent>(created));
    CHECK(find<fx::CreateEvent>(created)->event.city == "Vilnius");
    h.send(ev::EventCreated{7});
    REQUIRE(h.screen() == Screen::SetupAppeals);
    CHECK(h.flow.setup.event.id == 7);

    h.send(ev::Next{});
    CHECK(h.flow.notice.key == "setup.appeals.none");
    h.send(ev::ToggleAppeal{"a2"});
    h.send(ev::ToggleAppeal{"not-in-pack"});
    auto& done = h.send(ev::Next{});
    REQUIRE(find<fx::SetActiveAppeals>(done));
    CHECK(find<fx::SetActiveAppeals>(done)->appeal_ids == std::vector<std::string>{"a2"});
    CHECK(h.screen() == Screen::VolunteerHome);
    CHECK(h.flow.mode() == Mode::Volunteer);
}

TEST_CASE("setup screens go back where it is safe", "[kiosk][flow][setup]") {
    Harness h(Flow::first_run({}, TimePoint{}));
    h.flow.auth.passphrase = h.flow.auth.confirm = "copper meadow violin harbor";
    h.send(ev::Next{});
    h.send(ev::Back{});
    CHECK(h.screen() == Screen::SetupPassphrase);
    h.send(ev::Next{});
    h.send(ev::FileChosen{"id"});
    h.send(ev::IdentityLoaded{"FP"});
    h.send(ev::Next{});
    h.send(ev::KioskCreated{});
    h.send(ev::Back{});
    CHECK(h.screen() == Screen::SetupPack);  // the kiosk exists: no way back to choose a passphrase
    h.send(ev::FileChosen{"p"});
    h.send(ev::PackLoaded{demo_pack(1)});
    h.send(ev::Next{});
    h.send(ev::Back{});
    CHECK(h.screen() == Screen::SetupPack);
    h.send(ev::Next{});
    h.flow.setup.event = {0, "Rally", "Vilnius", "LT", "2024-08-09"};
    h.send(ev::Next{});
    h.send(ev::EventCreated{1});
    h.send(ev::Back{});
    CHECK(h.screen() == Screen::SetupEvent);
}

TEST_CASE("a failed operation shows its message and ends the busy state", "[kiosk][flow][setup]") {
    Harness h(Flow::first_run({}, TimePoint{}));
    h.flow.auth.passphrase = h.flow.auth.confirm = "copper meadow violin harbor";
    h.send(ev::Next{});
    h.send(ev::FileChosen{"id"});
    REQUIRE(h.flow.busy);
    h.send(ev::OperationFailed{"identity: file is not a coordinator identity"});
    CHECK_FALSE(h.flow.busy);
    CHECK(h.flow.notice.key == "error.operation");
    CHECK(h.flow.notice.detail == "identity: file is not a coordinator identity");
    CHECK(h.screen() == Screen::SetupIdentity);
}

TEST_CASE("wrong passphrases on the unlock screen make the wait grow", "[kiosk][flow][unlock]") {
    Settings s;
    s.unlock_delay_cap = Seconds{8};
    Harness h(Flow::locked(s, TimePoint{}));
    REQUIRE(h.flow.mode() == Mode::Locked);

    const int expected[] = {1, 2, 4, 8, 8, 8};
    for (int want : expected) {
        h.flow.auth.passphrase = "wrong guess";
        auto& fx = h.send(ev::SubmitPassphrase{});
        REQUIRE(find<fx::CheckPassphrase>(fx));
        CHECK(find<fx::CheckPassphrase>(fx)->unlock);
        h.send(ev::PassphraseRejected{});
        CHECK(h.screen() == Screen::Unlock);
        CHECK(h.flow.auth.passphrase.empty());
        CHECK(h.flow.notice.key == "unlock.wrong");
        CHECK(h.flow.retry_seconds_left(h.now) == want);

        // Too early: no KDF runs, a "please wait" message with the seconds left.
        h.now += std::chrono::milliseconds(want * 1000 - 1);
        h.flow.auth.passphrase = "another guess";
        CHECK_FALSE(has<fx::CheckPassphrase>(h.send(ev::SubmitPassphrase{})));
        CHECK(h.flow.notice.key == "unlock.wait");
        CHECK(h.flow.notice.args.at(0).second == "1");
        h.now += 1ms;
    }

    h.flow.auth.passphrase = "the right one";
    REQUIRE(has<fx::CheckPassphrase>(h.send(ev::SubmitPassphrase{})));
    h.send(ev::SubmitPassphrase{});  // a second press while the KDF runs does nothing
    CHECK(h.fx.empty());
    h.send(ev::PassphraseAccepted{});
    CHECK(h.screen() == Screen::VolunteerHome);
    CHECK(h.flow.failed_attempts == 0);
    CHECK(h.flow.auth.passphrase.empty());
}

TEST_CASE("the registrant's path visits every screen in order", "[kiosk][flow][path]") {
    const int appeals = GENERATE(1, 2);
    auto h = at_welcome(appeals);
    REQUIRE(h.screen() == Screen::Welcome);
    REQUIRE(h.flow.mode() == Mode::Public);

    h.send(ev::ChooseLanguage{"xx"});  // not a kiosk language
    CHECK(h.screen() == Screen::Welcome);
    h.send(ev::ChooseLanguage{"be"});
    CHECK(h.flow.ui_lang() == "be");
    if (appeals == 1) {
        CHECK(h.screen() == Screen::ReadAppeal);  // ChooseAppeal skipped
        CHECK(h.flow.form.appeal_id == "a1");
    } else {
        REQUIRE(h.screen() == Screen::ChooseAppeal);
        h.send(ev::ChooseAppeal{"zz"});
        CHECK(h.screen() == Screen::ChooseAppeal);
        h.send(ev::ChooseAppeal{"a2"});
        CHECK(h.screen() == Screen::ReadAppeal);
    }
    REQUIRE(h.flow.appeal_text());
    CHECK(h.flow.appeal_text()->lang == "be");

    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::Details);
    fill_details(h);
    h.send(ev::Edit{Field::email, "alesia@example.org"});
    h.send(ev::SetConsent{Purpose::join_registry, true});
    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::Sign);
    CHECK(h.flow.form[Field::given_name] == "Alesia");  // normalized by the validator

    h.send(ev::StrokeAdded{long_stroke()});
    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::Review);

    auto& fx = h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::Submitting);
    const auto* submit = find<fx::Submit>(fx);
    REQUIRE(submit);
    const auto& s = submit->submission;
    CHECK(s.registrant.given_name == "Alesia");
    CHECK(s.registrant.family_name == "Kavalenka");
    CHECK(s.registrant.country == "PL");
    CHECK(s.registrant.email == "alesia@example.org");
    CHECK(s.registrant.lang == "be");
    CHECK(s.appeal_id == (appeals == 1 ? "a1" : "a2"));
    CHECK(s.appeal_version == 2);
    CHECK(s.appeal_lang == "be");
    REQUIRE(s.consents.size() == 2);
    CHECK(s.consents[0].purpose == Purpose::sign_appeal);
    CHECK(s.consents[0].text_hash == hash_byte(100));  // the be text of sign_appeal
    CHECK(s.consents[1].purpose == Purpose::join_registry);
    CHECK(s.strokes.size() == 1);
    CHECK(s.typed_name.empty());
    CHECK_FALSE(h.flow.receipt_code.size());  // no receipt before the commit

    h.send(ev::SubmitSucceeded{"7K3M-Q2ZD-0000-C"});
    REQUIRE(h.screen() == Screen::Receipt);
    CHECK(h.flow.receipt_code == "7K3M-Q2ZD-0000-C");
    CHECK(h.flow.form.empty());

    h.send(ev::Next{});
    CHECK(h.screen() == Screen::Welcome);
    CHECK(h.flow.receipt_code.empty());
    CHECK(h.flow.ui_lang() == "be");  // default language again (settings default: be)
}

TEST_CASE("Łacinka falls back to Cyrillic Belarusian texts of the pack", "[kiosk][flow][path]") {
    auto h = at_welcome(1);
    h.send(ev::ChooseLanguage{"be-Latn"});
    REQUIRE(h.flow.appeal_text());
    CHECK(h.flow.appeal_text()->lang == "be");
    REQUIRE(h.flow.consent_text(Purpose::sign_appeal));
    CHECK(h.flow.consent_text(Purpose::sign_appeal)->lang == "be");
    h.send(ev::Back{});
    h.send(ev::ChooseLanguage{"de"});  // no German text in the pack: English
    CHECK(h.flow.appeal_text()->lang == "en");
    CHECK(h.flow.consent_text(Purpose::be_contacted)->hash == hash_byte(105));
}

TEST_CASE("Back goes to the previous screen from every screen of the path", "[kiosk][flow][back]") {
    const int appeals = GENERATE(1, 2);
    struct Case { Screen from, to; };
    auto c = GENERATE(Case{Screen::ChooseAppeal, Screen::Welcome}, Case{Screen::ReadAppeal, Screen::ChooseAppeal},
                      Case{Screen::Details, Screen::ReadAppeal}, Case{Screen::Sign, Screen::Details},
                      Case{Screen::Review, Screen::Sign});
    if (appeals == 1 && c.from == Screen::ChooseAppeal) return;  // never shown with one appeal
    if (appeals == 1 && c.to == Screen::ChooseAppeal) c.to = Screen::Welcome;
    auto h = at_welcome(appeals);
    drive_to(h, c.from);
    REQUIRE(h.screen() == c.from);
    h.send(ev::Back{});
    CHECK(h.screen() == c.to);
    if (c.to == Screen::Welcome) CHECK(h.flow.form.lang.empty());
}

TEST_CASE("Back keeps what was typed, so going forward again needs no retyping", "[kiosk][flow][back]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Review);
    h.send(ev::Back{});
    h.send(ev::Back{});
    REQUIRE(h.screen() == Screen::Details);
    CHECK(h.flow.form[Field::city] == "Warszawa");
    CHECK(h.flow.form.strokes.size() == 1);
    h.send(ev::Next{});
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::Review);
}

TEST_CASE("there is no Back or Cancel after submitting", "[kiosk][flow][back]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Submitting);
    for (Event e : {Event{ev::Back{}}, Event{ev::Cancel{}}, Event{ev::Next{}}}) {
        h.send(e);
        CHECK(h.screen() == Screen::Submitting);
    }
    h.send(ev::SubmitSucceeded{"CODE"});
    for (Event e : {Event{ev::Back{}}, Event{ev::Cancel{}}}) {
        h.send(e);
        CHECK(h.screen() == Screen::Receipt);
        CHECK(h.flow.receipt_code == "CODE");
    }
}

TEST_CASE("Cancel from every input screen wipes the form and returns to Welcome", "[kiosk][flow][wipe]") {
    Settings s;
    s.default_lang = "pl";
    const Screen at = GENERATE(from_range(std::begin(input_screens), std::end(input_screens)));
    auto h = at_welcome(2, s);
    drive_to(h, at);
    REQUIRE(h.screen() == at);
    auto& fx = h.send(ev::Cancel{});
    CHECK(h.screen() == Screen::Welcome);
    CHECK(has<fx::WipeUiInputState>(fx));
    CHECK(h.flow.form.empty());
    CHECK(h.flow.form.lang.empty());
    CHECK(h.flow.ui_lang() == "pl");
}

TEST_CASE("idle on an input screen warns at 90 s and resets at 105 s", "[kiosk][flow][idle]") {
    const Screen at = GENERATE(from_range(std::begin(input_screens), std::end(input_screens)));
    auto h = at_welcome(2);
    drive_to(h, at);
    REQUIRE(h.screen() == at);

    h.after(89s);
    CHECK_FALSE(h.flow.idle_warning);
    h.after(1s);
    CHECK(h.flow.idle_warning);
    CHECK(h.flow.idle_seconds_left(h.now) == 15);
    CHECK(h.screen() == at);

    SECTION("any input dismisses the countdown") {
        h.after(5s);
        h.send(ev::Activity{});
        CHECK_FALSE(h.flow.idle_warning);
        CHECK(h.screen() == at);
        h.after(89s);
        CHECK_FALSE(h.flow.idle_warning);
        h.after(1s);
        CHECK(h.flow.idle_warning);
    }
    SECTION("the countdown runs out: wipe and Welcome") {
        h.after(14s);
        CHECK(h.flow.idle_seconds_left(h.now) == 1);
        CHECK(h.screen() == at);
        auto& fx = h.after(1s);
        CHECK(h.screen() == Screen::Welcome);
        CHECK(has<fx::WipeUiInputState>(fx));
        CHECK(h.flow.form.empty());
        CHECK(h.flow.ui_lang() == "be");
        CHECK_FALSE(h.flow.idle_warning);
    }
    SECTION("input that arrives after the deadline is dropped, not applied to Welcome") {
        h.now += 30s;
        h.send(ev::ChooseLanguage{"en"});
        CHECK(h.screen() == Screen::Welcome);
        CHECK(h.flow.form.lang.empty());
    }
}

TEST_CASE("idle timeouts are configurable", "[kiosk][flow][idle]") {
    Settings s;
    s.input_idle = 30s;
    s.idle_warning = 5s;
    auto h = at_welcome(1, s);
    drive_to(h, Screen::Details);
    h.after(30s);
    CHECK(h.flow.idle_warning);
    CHECK(h.flow.idle_seconds_left(h.now) == 5);
    h.after(5s);
    CHECK(h.screen() == Screen::Welcome);
}

TEST_CASE("the receipt goes away after 30 s", "[kiosk][flow][idle]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Receipt);
    REQUIRE(!h.flow.receipt_code.empty());
    h.after(29s);
    CHECK(h.screen() == Screen::Receipt);
    CHECK_FALSE(h.flow.idle_warning);  // no "Are you still there?" on the receipt
    h.after(1s);
    CHECK(h.screen() == Screen::Welcome);
    CHECK(h.flow.receipt_code.empty());
}

TEST_CASE("no idle reset while a submission is being committed", "[kiosk][flow][idle]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Submitting);
    h.after(1000s);
    CHECK(h.screen() == Screen::Submitting);
    SECTION("success shows the receipt") {
        h.send(ev::SubmitSucceeded{"CODE"});
        CHECK(h.screen() == Screen::Receipt);
    }
    SECTION("failure returns to Review with the form intact and a message") {
        h.send(ev::SubmitFailed{"submit: database is full"});
        CHECK(h.screen() == Screen::Review);
        CHECK(h.flow.notice.key == "review.submit_failed");
        CHECK(h.flow.notice.detail == "submit: database is full");
        CHECK(h.flow.receipt_code.empty());
        CHECK(h.flow.form[Field::family_name] == "Kavalenka");
    }
}

TEST_CASE("Welcome does not start without an active appeal", "[kiosk][flow][path]") {
    auto h = at_welcome(1);
    h.flow.content.active.clear();
    h.send(ev::ChooseLanguage{"en"});
    CHECK(h.screen() == Screen::Welcome);
    CHECK(h.flow.notice.key == "welcome.not_ready");
}

TEST_CASE("details need every required field and the signing consent", "[kiosk][flow][validation]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Details);
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::Details);
    CHECK(h.flow.form.error(Field::given_name) == "error.given_name.required");
    CHECK(h.flow.form.error(Field::family_name) == "error.family_name.required");
    CHECK(h.flow.form.error(Field::country) == "error.country.required");
    CHECK(h.flow.form.error(Field::city) == "error.city.required");
    CHECK(h.flow.form.error(Field::email).empty());  // optional
    CHECK(h.flow.form.error(Field::phone).empty());
    CHECK(h.flow.form.consent_error == "error.consent.sign_required");

    h.send(ev::Edit{Field::given_name, "A"});
    CHECK(h.flow.form.error(Field::given_name).empty());  // editing clears the field's message

    SECTION("the injected validator's message keys are shown per field") {
        h.flow.validator = [](Field f, std::string_view raw) {
            if (f == Field::city) return FieldCheck{{}, "error.city.invalid"};
            return basic_validator(f, raw);
        };
        fill_details(h);
        h.send(ev::Edit{Field::phone, "12ab"});
        h.send(ev::Next{});
        CHECK(h.screen() == Screen::Details);
        CHECK(h.flow.form.error(Field::city) == "error.city.invalid");
        CHECK(h.flow.form.error(Field::phone) == "error.phone.invalid");
        CHECK(h.flow.form.error(Field::given_name).empty());
        CHECK(h.flow.form.consent_error.empty());
    }
    SECTION("being contacted needs an email or a phone") {
        fill_details(h);
        h.send(ev::SetConsent{Purpose::be_contacted, true});
        h.send(ev::Next{});
        CHECK(h.flow.form.consent_error == "error.consent.contact_needs_email_or_phone");
        h.send(ev::Edit{Field::phone, "+48 600 100 200"});
        h.send(ev::Next{});
        CHECK(h.screen() == Screen::Sign);
    }
    SECTION("consents start unticked and the signing one is required") {
        for (bool c : h.flow.form.consents) CHECK_FALSE(c);
        fill_details(h);
        h.send(ev::SetConsent{Purpose::sign_appeal, false});
        h.send(ev::Next{});
        CHECK(h.flow.form.consent_error == "error.consent.sign_required");
        CHECK(h.screen() == Screen::Details);
    }
}

TEST_CASE("the signature screen: undo, clear, minimum ink, typed name", "[kiosk][flow][sign]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Sign);
    h.send(ev::Next{});
    CHECK(h.flow.form.signature_error == "error.signature.required");
    h.send(ev::StrokeAdded{{{10, 10}, {20, 10}}});
    h.send(ev::Next{});
    CHECK(h.flow.form.signature_error == "error.signature.too_short");
    h.send(ev::StrokeAdded{long_stroke()});
    CHECK(h.flow.form.strokes.size() == 2);
    h.send(ev::UndoStroke{});
    REQUIRE(h.flow.form.strokes.size() == 1);
    CHECK(h.flow.form.strokes[0].size() == 2);  // undo removed the last stroke only
    h.send(ev::ClearStrokes{});
    CHECK(h.flow.form.strokes.empty());
    h.send(ev::UndoStroke{});  // nothing to undo: harmless
    CHECK(h.screen() == Screen::Sign);

    SECTION("drawn signature goes on") {
        h.send(ev::StrokeAdded{long_stroke()});
        h.send(ev::Next{});
        CHECK(h.screen() == Screen::Review);
    }
    SECTION("I cannot sign on screen: typed name and confirmation") {
        h.send(ev::StrokeAdded{long_stroke()});
        h.send(ev::SetCannotSign{true});
        CHECK(h.flow.form.strokes.empty());  // only one way of signing is kept
        h.send(ev::StrokeAdded{long_stroke()});
        CHECK(h.flow.form.strokes.empty());
        h.send(ev::Next{});
        CHECK(h.flow.form.error(Field::typed_name) == "error.typed_name.required");
        CHECK(h.flow.form.signature_error == "error.typed_name.confirm_required");
        h.send(ev::Edit{Field::typed_name, " Alesia Kavalenka "});
        h.send(ev::Next{});
        CHECK(h.screen() == Screen::Sign);
        CHECK(h.flow.form.signature_error == "error.typed_name.confirm_required");
        h.send(ev::SetTypedNameConfirmed{true});
        h.send(ev::Next{});
        REQUIRE(h.screen() == Screen::Review);
        auto& fx = h.send(ev::Next{});
        REQUIRE(find<fx::Submit>(fx));
        CHECK(find<fx::Submit>(fx)->submission.typed_name == "Alesia Kavalenka");
        CHECK(find<fx::Submit>(fx)->submission.strokes.empty());
    }
    SECTION("switching back to drawing drops the typed name") {
        h.send(ev::SetCannotSign{true});
        h.send(ev::Edit{Field::typed_name, "Alesia Kavalenka"});
        h.send(ev::SetTypedNameConfirmed{true});
        h.send(ev::SetCannotSign{false});
        CHECK(h.flow.form[Field::typed_name].empty());
        CHECK_FALSE(h.flow.form.typed_name_confirmed);
    }
}

TEST_CASE("a 350-unit signature is refused at Sign with a message key", "[kiosk][flow][sign]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Sign);
    const auto short_sig = stroke_of_length(350);
    REQUIRE(embassy::registry::ink_length({short_sig}) == 350);
    h.send(ev::StrokeAdded{short_sig});
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::Sign);
    CHECK(h.flow.form.signature_error == "error.signature.too_short");
    h.send(ev::StrokeAdded{stroke_of_length(60)});  // together 410: enough
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::Review);
}

TEST_CASE("a signature Sign accepts is one submit accepts (registry::validate_strokes)", "[kiosk][flow][sign]") {
    using embassy::registry::kCanvasWidth;
    using embassy::registry::Strokes;
    struct Case {
        const char* what;
        Strokes strokes;
    };
    Strokes many;  // more strokes than kMaxStrokes, each with plenty of ink
    for (std::size_t i = 0; i <= embassy::registry::kMaxStrokes; ++i) many.push_back(stroke_of_length(400));
    Strokes outside{stroke_of_length(1000)};
    outside[0].push_back({kCanvasWidth, 800});  // one point just off the canvas
    Strokes dots{stroke_of_length(396)};
    for (std::uint16_t i = 0; i < 10; ++i) dots.push_back({{static_cast<std::uint16_t>(2000 + i * 20), 100}});
    auto c = GENERATE_COPY(values<Case>({{"399 units", {stroke_of_length(399)}},
                                         {"400 units", {stroke_of_length(400)}},
                                         {"1000 units", {stroke_of_length(1000)}},
                                         {"396 units and ten dots", dots},
                                         {"too many strokes", many},
                                         {"a point outside the canvas", outside}}));
    INFO(c.what);
    auto h = at_welcome(1);
    drive_to(h, Screen::Sign);
    for (const auto& st : c.strokes) h.send(ev::StrokeAdded{st});
    REQUIRE(h.flow.form.strokes.size() == c.strokes.size());
    h.send(ev::Next{});
    const bool registry_ok = embassy::registry::validate_strokes(c.strokes).ok();
    CHECK((h.screen() == Screen::Review) == registry_ok);
    if (!registry_ok) {
        CHECK(h.screen() == Screen::Sign);
        CHECK(h.flow.form.signature_error.rfind("error.signature.", 0) == 0);
    } else {
        const auto* submit = find<fx::Submit>(h.send(ev::Next{}));
        REQUIRE(submit);
        CHECK(embassy::registry::validate_strokes(submit->submission.strokes).ok());
    }
}

TEST_CASE("the signature check goes through the validator seam", "[kiosk][flow][sign]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Sign);
    int calls = 0;
    h.flow.validator.signature = [&](const embassy::registry::Strokes&) {
        ++calls;
        return std::string("error.signature.invalid");
    };
    h.send(ev::StrokeAdded{long_stroke()});
    h.send(ev::Next{});
    CHECK(calls == 1);
    CHECK(h.screen() == Screen::Sign);
    CHECK(h.flow.form.signature_error == "error.signature.invalid");
    h.flow.validator.signature = registry_signature_check;
    h.send(ev::Next{});
    CHECK(h.screen() == Screen::Review);

    // The app assigns its field rules alone (app.cpp); the signature rule stays the registry's.
    Validator fresh;
    fresh = basic_validator;
    REQUIRE(fresh.signature);
    CHECK(fresh.signature({stroke_of_length(350)}) == "error.signature.too_short");
}

TEST_CASE("the event's country and date follow the registry's rules", "[kiosk][flow][setup]") {
    auto h = at_setup_event();
    REQUIRE(h.screen() == Screen::SetupEvent);
    auto d = GENERATE(as<std::string>{}, "2026-02-31", "2025-02-29", "2026-04-31", "1999-01-01");
    h.flow.setup.event = {0, "Rally", "Vilnius", "LT", d};
    h.send(ev::Next{});
    CHECK(h.flow.notice.key == "setup.event.date_invalid");
    CHECK_FALSE(find<fx::CreateEvent>(h.fx));
    h.flow.setup.event.date = "2028-02-29";
    h.flow.setup.event.country = "XX";  // two capitals, but no country
    h.send(ev::Next{});
    CHECK(h.flow.notice.key == "setup.event.country_invalid");
    h.flow.setup.event.country = "LT";
    CHECK(find<fx::CreateEvent>(h.send(ev::Next{})));
}

TEST_CASE("the plain validator knows countries from the registry's list", "[kiosk][flow][validation]") {
    CHECK(basic_validator(Field::country, "PL").error_key.empty());
    CHECK(basic_validator(Field::country, "XX").error_key == "error.country.invalid");
}

TEST_CASE("the Welcome languages are the registry's one list", "[kiosk][flow]") {
    const auto reg = embassy::registry::supported_languages();
    REQUIRE(languages.size() == reg.size());
    for (std::size_t i = 0; i < reg.size(); ++i) CHECK(std::string_view(languages[i].tag) == reg[i].tag);
    auto h = at_welcome(1);
    h.send(ev::ChooseLanguage{"fr"});
    CHECK(h.screen() == Screen::Welcome);
}

TEST_CASE("window close, Alt+F4 and Escape do nothing in public mode", "[kiosk][flow][guard]") {
    const Screen at = GENERATE(Screen::Welcome, Screen::ChooseAppeal, Screen::ReadAppeal, Screen::Details,
                               Screen::Sign, Screen::Review, Screen::Submitting, Screen::Receipt);
    const Event guard = GENERATE(Event{ev::CloseRequested{}}, Event{ev::AltF4{}}, Event{ev::EscapePressed{}},
                                 Event{ev::Quit{}});
    auto h = at_welcome(2);
    drive_to(h, at);
    REQUIRE(h.screen() == at);
    auto& fx = h.send(guard);
    CHECK(fx.empty());
    CHECK(h.screen() == at);
}

TEST_CASE("a volunteer may quit; the locked screen may not", "[kiosk][flow][guard]") {
    // The Quit button asks first (below); a close request from the system does not.
    const Event quit = GENERATE(Event{ev::CloseRequested{}}, Event{ev::AltF4{}});
    auto h = at_welcome(1);
    h.send(ev::VolunteerShortcut{});
    h.flow.auth.passphrase = "pw";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    REQUIRE(h.flow.mode() == Mode::Volunteer);
    CHECK(has<fx::Quit>(h.send(quit)));
    h.send(ev::Lock{});
    REQUIRE(h.flow.mode() == Mode::Locked);
    CHECK(h.send(quit).empty());
    CHECK(h.send(ev::EscapePressed{}).empty());
}

TEST_CASE("the hidden gesture needs a 3 s hold and then the passphrase", "[kiosk][flow][volunteer]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Details);
    fill_details(h);

    h.send(ev::CornerHold{true});
    h.after(2900ms);
    h.send(ev::CornerHold{false});
    h.after(5s);
    CHECK(h.screen() == Screen::Details);  // too short: nothing happened
    CHECK(h.flow.form[Field::city] == "Warszawa");

    h.send(ev::CornerHold{true});
    h.after(3s);
    REQUIRE(h.screen() == Screen::VolunteerAuth);
    CHECK(h.flow.mode() == Mode::Public);  // not yet a volunteer
    CHECK(h.flow.form.empty());            // the registrant's form is gone before the prompt shows
    CHECK(has<fx::WipeUiInputState>(h.fx));

    h.flow.auth.passphrase = "wrong";
    auto& fx = h.send(ev::SubmitPassphrase{});
    REQUIRE(find<fx::CheckPassphrase>(fx));
    CHECK_FALSE(find<fx::CheckPassphrase>(fx)->unlock);  // verify, the store is open already
    h.send(ev::PassphraseRejected{});
    CHECK(h.screen() == Screen::VolunteerAuth);
    CHECK(h.flow.retry_seconds_left(h.now) == 1);
    h.now += 1s;
    h.flow.auth.passphrase = "right";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    CHECK(h.screen() == Screen::VolunteerHome);
    CHECK(h.flow.mode() == Mode::Volunteer);
}

TEST_CASE("Ctrl+Shift+V opens the prompt; Cancel or idle return to Welcome", "[kiosk][flow][volunteer]") {
    auto h = at_welcome(1);
    h.send(ev::VolunteerShortcut{});
    REQUIRE(h.screen() == Screen::VolunteerAuth);
    SECTION("cancel") {
        h.flow.auth.passphrase = "half";
        h.send(ev::Cancel{});
        CHECK(h.screen() == Screen::Welcome);
        CHECK(h.flow.auth.passphrase.empty());
    }
    SECTION("idle") {
        h.after(59s);
        CHECK(h.screen() == Screen::VolunteerAuth);
        h.after(1s);
        CHECK(h.screen() == Screen::Welcome);
    }
    SECTION("gesture events are ignored while the prompt is open") {
        h.send(ev::VolunteerShortcut{});
        h.send(ev::CornerHold{true});
        h.after(5s);
        CHECK(h.screen() == Screen::VolunteerAuth);
    }
}

TEST_CASE("the volunteer screen locks itself after its idle time", "[kiosk][flow][volunteer]") {
    Settings s;
    s.volunteer_idle = GENERATE(Seconds{60}, Seconds{300});
    auto h = at_welcome(1, s);
    h.send(ev::VolunteerShortcut{});
    h.flow.auth.passphrase = "pw";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    REQUIRE(h.screen() == Screen::VolunteerHome);
    h.after(s.volunteer_idle - 1s);
    CHECK(h.screen() == Screen::VolunteerHome);
    h.send(ev::OpenSettings{});  // input restarts the timer
    h.after(s.volunteer_idle - 1s);
    CHECK(h.screen() == Screen::VolunteerSettings);
    auto& fx = h.after(1s);
    CHECK(h.screen() == Screen::Unlock);
    CHECK(has<fx::LockStore>(fx));
    CHECK(has<fx::WipeUiInputState>(fx));
}

TEST_CASE("an export holds off the auto-lock until it finishes", "[kiosk][flow][volunteer]") {
    auto h = at_welcome(1);
    h.send(ev::VolunteerShortcut{});
    h.flow.auth.passphrase = "pw";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    auto& fx = h.send(ev::ExportRequested{"/media/usb"});
    REQUIRE(find<fx::ExportBatch>(fx));
    CHECK(find<fx::ExportBatch>(fx)->dir == "/media/usb");
    h.after(600s);
    CHECK(h.screen() == Screen::VolunteerHome);
    h.send(ev::ExportFinished{12, "/media/usb/batch-0007.embassy"});
    CHECK(h.flow.notice.key == "volunteer.export.done");
    CHECK(h.flow.notice.args.size() == 2);
    CHECK(h.screen() == Screen::VolunteerHome);
    h.after(1s);
    CHECK(h.screen() == Screen::Unlock);  // the quiet time had long passed
}

TEST_CASE("an export with nothing new says so and names no file", "[kiosk][flow][volunteer]") {
    auto h = at_welcome(1);
    h.send(ev::VolunteerShortcut{});
    h.flow.auth.passphrase = "pw";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    h.send(ev::ExportRequested{"/media/usb"});
    h.send(ev::ExportFinished{0, "/media/usb", false});
    // Not "exported 0 records to /media/usb": a volunteer would take an empty stick away.
    CHECK(h.flow.notice.key == "volunteer.export.nothing");
    CHECK(h.flow.notice.args.empty());
    CHECK_FALSE(h.flow.busy);
}

TEST_CASE("volunteer actions: acknowledgement, pack, appeals, settings", "[kiosk][flow][volunteer]") {
    auto h = at_welcome(2);
    h.send(ev::VolunteerShortcut{});
    h.flow.auth.passphrase = "pw";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});

    CHECK(find<fx::InspectAck>(h.send(ev::ApplyAckRequested{"/media/usb/ack"}))->path == "/media/usb/ack");
    h.send(ev::AckInspected{40});
    CHECK(find<fx::ApplyAck>(h.send(ev::Confirm{true}))->path == "/media/usb/ack");
    h.send(ev::AckApplied{40});
    CHECK(h.flow.notice.key == "volunteer.ack.done");

    h.send(ev::ToggleAppeal{"a1"});
    CHECK(h.flow.content.active == std::vector<std::string>{"a2"});
    h.send(ev::LoadPackRequested{"new.pack"});
    auto& fx = h.send(ev::PackLoaded{demo_pack(1)});  // a2 is no longer in the pack
    CHECK(h.flow.content.active.empty());
    CHECK(has<fx::SetActiveAppeals>(fx));
    h.send(ev::StartPublic{});
    CHECK(h.flow.notice.key == "volunteer.no_active_appeals");
    CHECK(h.screen() == Screen::VolunteerHome);

    h.send(ev::OpenSettings{});
    REQUIRE(h.screen() == Screen::VolunteerSettings);
    Settings bad = h.flow.settings_draft;
    bad.input_idle = 5s;
    h.send(ev::SaveSettings{bad});
    CHECK(h.flow.notice.key == "settings.error.input_idle");
    CHECK(h.screen() == Screen::VolunteerSettings);
    Settings good = h.flow.settings_draft;
    good.input_idle = 120s;
    good.default_lang = "lt";
    auto& saved = h.send(ev::SaveSettings{good});
    REQUIRE(find<fx::SaveSettings>(saved));
    CHECK(h.flow.settings.input_idle == 120s);
    CHECK(h.screen() == Screen::VolunteerHome);
    h.send(ev::OpenSettings{});
    h.send(ev::EscapePressed{});
    CHECK(h.screen() == Screen::VolunteerHome);
}

TEST_CASE("every exit path leaves no registrant data", "[kiosk][flow][wipe]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Sign);
    h.send(ev::StrokeAdded{long_stroke()});
    REQUIRE_FALSE(h.flow.form.empty());

    SECTION("submit success") {
        h.send(ev::Next{});
        h.send(ev::Next{});
        h.send(ev::SubmitSucceeded{"CODE"});
        CHECK(h.flow.form.empty());
        h.send(ev::Next{});
        CHECK(h.flow.receipt_code.empty());
    }
    SECTION("cancel") { h.send(ev::Cancel{}); }
    SECTION("idle") { h.after(105s); }
    SECTION("volunteer gesture, then lock") {
        h.send(ev::VolunteerShortcut{});
        CHECK(h.flow.form.empty());
        h.flow.auth.passphrase = "pw";
        h.send(ev::SubmitPassphrase{});
        h.send(ev::PassphraseAccepted{});
        auto& fx = h.send(ev::Lock{});
        CHECK(has<fx::LockStore>(fx));
        CHECK(h.screen() == Screen::Unlock);
    }
    CHECK(h.flow.form.empty());
    CHECK(h.flow.form.lang.empty());
    CHECK(h.flow.auth.passphrase.empty());
    for (const auto& e : h.flow.form.errors) CHECK(e.empty());
}

TEST_CASE("the next registrant starts from nothing", "[kiosk][flow][wipe]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Receipt);
    h.send(ev::Next{});
    h.send(ev::ChooseLanguage{"en"});
    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::Details);
    for (std::size_t i = 0; i < field_count; ++i) CHECK(h.flow.form.text[i].empty());
    for (bool c : h.flow.form.consents) CHECK_FALSE(c);
    CHECK(h.flow.form.strokes.empty());
    CHECK(h.flow.receipt_code.empty());
}

TEST_CASE("a half-typed passphrase on the unlock screen is wiped when left alone", "[kiosk][flow][unlock]") {
    Harness h(Flow::locked({}, TimePoint{}));
    h.flow.auth.passphrase = "half typ";
    h.send(ev::Activity{});
    h.after(89s);
    CHECK(h.flow.auth.passphrase == "half typ");
    h.after(1s);
    CHECK(h.flow.auth.passphrase.empty());
    CHECK(has<fx::WipeUiInputState>(h.fx));
}

TEST_CASE("outcomes fed back by the app are not the person's input", "[kiosk][flow]") {
    CHECK(is_user_input(Event{ev::Next{}}));
    CHECK(is_user_input(Event{ev::CornerHold{true}}));
    CHECK_FALSE(is_user_input(Event{ev::SubmitSucceeded{"x"}}));
    CHECK_FALSE(is_user_input(Event{ev::PassphraseRejected{}}));
    CHECK_FALSE(is_user_input(Event{ev::OperationFailed{"x"}}));
}

TEST_CASE("every screen belongs to one mode", "[kiosk][flow]") {
    CHECK(mode_of(Screen::SetupAppeals) == Mode::Setup);
    CHECK(mode_of(Screen::Unlock) == Mode::Locked);
    CHECK(mode_of(Screen::VolunteerAuth) == Mode::Public);
    CHECK(mode_of(Screen::Receipt) == Mode::Public);
    CHECK(mode_of(Screen::VolunteerSettings) == Mode::Volunteer);
    CHECK(std::string(screen_name(Screen::Review)) == "Review");
}

//-----------------------------------------------------------------------------
// Issue 11: the registrant's language to the end, errors where the eye is, the receipt's
// instructions, countdowns and confirmations.
//-----------------------------------------------------------------------------

TEST_CASE("the receipt is in the registrant's language until the receipt screen is left", "[kiosk][flow][receipt]") {
    const std::string lang = GENERATE("ru", "lt");
    const int how = GENERATE(0, 1, 2);  // Done, the receipt timeout, the volunteer shortcut
    auto h = at_welcome(1);
    h.send(ev::ChooseLanguage{lang});
    drive_to(h, Screen::Receipt);
    REQUIRE(h.screen() == Screen::Receipt);
    CHECK(h.flow.ui_lang() == lang);
    // The personal data is gone at once; only the language is left.
    CHECK(h.flow.form.empty());
    for (const auto& t : h.flow.form.text) CHECK(t.capacity() <= std::string().capacity());
    CHECK(h.flow.form.strokes.empty());
    CHECK(h.flow.form.appeal_id.empty());
    h.after(29s);
    CHECK(h.flow.ui_lang() == lang);  // still the receipt, still their language

    if (how == 0) h.send(ev::Next{});
    else if (how == 1) h.after(1s);
    else h.send(ev::VolunteerShortcut{});
    CHECK(h.screen() == (how == 2 ? Screen::VolunteerAuth : Screen::Welcome));
    CHECK(h.flow.form.lang.empty());
    CHECK(h.flow.ui_lang() == "be");
    CHECK(h.flow.receipt_code.empty());
}

TEST_CASE("a refused Next asks the screen to focus the first invalid input", "[kiosk][flow][validation]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Details);
    const auto serial0 = h.flow.focus.serial;
    h.send(ev::Next{});
    CHECK(h.flow.focus.is(Field::given_name));
    CHECK(h.flow.focus.serial != serial0);

    fill_details(h);
    h.send(ev::SetConsent{Purpose::sign_appeal, false});
    auto serial1 = h.flow.focus.serial;
    h.send(ev::Next{});
    CHECK(h.flow.focus.target == FocusTarget::consents);
    CHECK(h.flow.focus.serial != serial1);

    h.send(ev::SetConsent{Purpose::sign_appeal, true});
    h.flow.form[Field::country] = "";  // the picker's buffer, bound directly
    h.send(ev::Edit{Field::email, "not an address"});
    h.send(ev::Next{});
    CHECK(h.flow.focus.is(Field::country));  // screen order: country before email

    h.send(ev::Edit{Field::country, "PL"});
    h.send(ev::Edit{Field::email, ""});
    h.send(ev::Next{});
    REQUIRE(h.screen() == Screen::Sign);
    CHECK(h.flow.focus.target == FocusTarget::none);  // a new screen starts without a request

    h.send(ev::Next{});
    CHECK(h.flow.focus.target == FocusTarget::signature);
    h.send(ev::SetCannotSign{true});
    h.send(ev::Next{});
    CHECK(h.flow.focus.is(Field::typed_name));
}

TEST_CASE("an error goes as soon as its field is valid, and stays while it is not", "[kiosk][flow][validation]") {
    auto h = at_welcome(1);
    drive_to(h, Screen::Details);
    h.send(ev::Next{});
    REQUIRE(h.flow.form.error(Field::given_name) == "error.given_name.required");
    REQUIRE(h.flow.form.error(Field::city) == "error.city.required");

    // The screens bind the text fields to the form and send Activity while typing.
    h.flow.form[Field::given_name] = "   ";
    h.send(ev::Activity{});
    CHECK(h.flow.form.error(Field::given_name) == "error.given_name.required");
    h.flow.form[Field::given_name] = "Alesia";
    h.send(ev::Activity{});
    CHECK(h.flow.form.error(Field::given_name).empty());
    CHECK(h.flow.form[Field::given_name] == "Alesia");  // not normalized while typing
    CHECK(h.flow.form.error(Field::city) == "error.city.required");

    h.flow.form[Field::phone] = "12ab";
    h.send(ev::Next{});
    CHECK(h.flow.form.error(Field::phone) == "error.phone.invalid");
    h.send(ev::Edit{Field::phone, "12abc"});
    CHECK(h.flow.form.error(Field::phone) == "error.phone.invalid");
    h.flow.form[Field::phone] = "";  // an empty optional field is valid
    h.send(ev::Activity{});
    CHECK(h.flow.form.error(Field::phone).empty());

    CHECK(h.flow.form.consent_error == "error.consent.sign_required");
    h.send(ev::SetConsent{Purpose::be_contacted, true});
    CHECK(h.flow.form.consent_error == "error.consent.sign_required");  // still not ticked
    h.send(ev::SetConsent{Purpose::sign_appeal, true});
    // A message already shown names what is wrong now: no email or phone for being contacted.
    CHECK(h.flow.form.consent_error == "error.consent.contact_needs_email_or_phone");
    h.send(ev::SetConsent{Purpose::be_contacted, false});
    CHECK(h.flow.form.consent_error.empty());

    SECTION("the contact consent's message goes with an email") {
        fill_details(h);
        h.send(ev::SetConsent{Purpose::be_contacted, true});
        h.send(ev::Next{});
        REQUIRE(h.flow.form.consent_error == "error.consent.contact_needs_email_or_phone");
        h.flow.form[Field::email] = "a@b.org";
        h.send(ev::Activity{});
        CHECK(h.flow.form.consent_error.empty());
    }
    SECTION("a signature error goes with the ink") {
        fill_details(h);
        h.send(ev::Next{});
        REQUIRE(h.screen() == Screen::Sign);
        h.send(ev::Next{});
        CHECK(h.flow.form.signature_error == "error.signature.required");
        h.send(ev::SetCannotSign{true});
        h.send(ev::Next{});
        CHECK(h.flow.form.error(Field::typed_name) == "error.typed_name.required");
        h.flow.form[Field::typed_name] = "Alesia Kavalenka";
        h.send(ev::Activity{});
        CHECK(h.flow.form.error(Field::typed_name).empty());
    }
}

TEST_CASE("the wrong-passphrase wait counts down on screen and ends", "[kiosk][flow][unlock]") {
    Settings s;
    s.unlock_delay_cap = Seconds{8};
    Harness h(Flow::locked(s, TimePoint{}));
    for (int i = 0; i < 3; ++i) {  // 1 s, 2 s, then a 4 s wait
        h.flow.auth.passphrase = "wrong guess";
        h.send(ev::SubmitPassphrase{});
        h.send(ev::PassphraseRejected{});
        if (i < 2) h.now += Seconds{8};
    }
    auto seconds = [&](const Notice& n) {
        for (const auto& [k, v] : n.args)
            if (k == "seconds") return v;
        return std::string("none");
    };
    REQUIRE(h.flow.notice.key == "unlock.wrong");
    CHECK(seconds(h.flow.notice_at(h.now)) == "4");
    h.after(1500ms);
    CHECK(seconds(h.flow.notice_at(h.now)) == "3");
    h.after(1500ms);
    CHECK(seconds(h.flow.notice_at(h.now)) == "1");
    CHECK(h.flow.notice.key == "unlock.wrong");
    h.after(1s);
    CHECK(h.flow.notice.key == "unlock.wrong_try_again");
    CHECK_FALSE(h.flow.notice.until);

    // Pressing Unlock too early: the "please wait" line counts down the same way.
    h.flow.auth.passphrase = "wrong guess";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseRejected{});  // 8 s now
    h.after(2s);
    h.flow.auth.passphrase = "another";
    h.send(ev::SubmitPassphrase{});
    REQUIRE(h.flow.notice.key == "unlock.wait");
    CHECK(seconds(h.flow.notice_at(h.now)) == "6");
    h.after(5s);
    CHECK(seconds(h.flow.notice_at(h.now)) == "1");
    h.after(1s);
    CHECK(h.flow.notice.empty());
}

namespace {
Harness at_volunteer_home() {
    auto h = at_welcome(1);
    h.send(ev::VolunteerShortcut{});
    h.flow.auth.passphrase = "pw";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    return h;
}
}  // namespace

TEST_CASE("Quit asks first; window close requests do not", "[kiosk][flow][volunteer]") {
    auto h = at_volunteer_home();
    REQUIRE(h.screen() == Screen::VolunteerHome);
    CHECK(h.send(ev::Quit{}).empty());
    CHECK(h.flow.confirm.ask == Ask::quit);
    h.send(ev::Confirm{false});
    CHECK(h.flow.confirm.ask == Ask::none);
    h.send(ev::Quit{});
    CHECK(has<fx::Quit>(h.send(ev::Confirm{true})));
    CHECK(h.flow.confirm.ask == Ask::none);
    // A Confirm with nothing asked does nothing.
    CHECK(h.send(ev::Confirm{true}).empty());
    // Locking (or the auto-lock) drops a pending question.
    h.send(ev::Quit{});
    h.send(ev::Lock{});
    CHECK(h.flow.confirm.ask == Ask::none);
}

TEST_CASE("applying an acknowledgement shows how many people's data goes, then asks", "[kiosk][flow][volunteer]") {
    auto h = at_volunteer_home();
    auto* inspect = find<fx::InspectAck>(h.send(ev::ApplyAckRequested{"/media/usb/kiosk.ack"}));
    REQUIRE(inspect);
    CHECK(inspect->path == "/media/usb/kiosk.ack");
    CHECK_FALSE(has<fx::ApplyAck>(h.fx));
    CHECK(h.flow.busy);
    h.send(ev::AckInspected{12});
    CHECK_FALSE(h.flow.busy);
    CHECK(h.flow.confirm.ask == Ask::apply_ack);
    CHECK(h.flow.confirm.count == 12);

    SECTION("no: nothing is purged") {
        CHECK(h.send(ev::Confirm{false}).empty());
        CHECK(h.flow.confirm.ask == Ask::none);
        CHECK(h.flow.confirm.path.empty());
    }
    SECTION("yes: the same file is applied") {
        auto* apply = find<fx::ApplyAck>(h.send(ev::Confirm{true}));
        REQUIRE(apply);
        CHECK(apply->path == "/media/usb/kiosk.ack");
        CHECK(h.flow.busy);
        h.send(ev::AckApplied{12});
        CHECK(h.flow.notice.key == "volunteer.ack.done");
    }
    SECTION("an acknowledgement that verifies not is refused before anything is asked") {
        h.send(ev::Confirm{false});
        h.send(ev::ApplyAckRequested{"/media/usb/other.ack"});
        h.send(ev::OperationFailed{"acknowledgement is for another kiosk"});
        CHECK(h.flow.confirm.ask == Ask::none);
        CHECK(h.flow.notice.key == "error.operation");
    }
}

TEST_CASE("every screen change counts as an entry, also Welcome after Welcome", "[kiosk][flow]") {
    auto h = at_welcome(1);
    auto n = h.flow.screen_entries;
    drive_to(h, Screen::Details);
    CHECK(h.flow.screen_entries > n);
    n = h.flow.screen_entries;
    h.send(ev::Cancel{});
    REQUIRE(h.screen() == Screen::Welcome);
    CHECK(h.flow.screen_entries == n + 1);
    h.send(ev::Activity{});
    CHECK(h.flow.screen_entries == n + 1);  // input alone is no entry
}

TEST_CASE("the receipt's QR holds the pack's list URL with the code, in the registrant's language", "[kiosk][flow][receipt]") {
    auto h = at_welcome(1);
    SECTION("without receipt instructions in the pack: the bare code, and no info") {
        drive_to(h, Screen::Receipt);
        CHECK(h.flow.receipt_info() == nullptr);
        CHECK(h.flow.receipt_qr_text() == "7K3M-Q2ZD-0000-C");
    }
    SECTION("with them") {
        auto pack = demo_pack(1);
        pack.receipts = {{"be", "https://example.org/r/be", "withdraw@example.org"},
                         {"en", "https://example.org/r/en", "+48 600 000 000"}};
        h.flow.content.pack = pack;
        h.send(ev::ChooseLanguage{"en"});
        drive_to(h, Screen::Receipt);
        REQUIRE(h.flow.receipt_info());
        CHECK(h.flow.receipt_info()->withdraw_contact == "+48 600 000 000");
        CHECK(h.flow.receipt_qr_text() == "https://example.org/r/en#7K3M-Q2ZD-0000-C");
        h.send(ev::Next{});
        CHECK(h.flow.receipt_qr_text().empty());  // no code outside the receipt
    }
}
