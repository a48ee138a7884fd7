// Test harness for the kiosk flow: a fake clock, a small appeal pack and helpers that drive the
// flow through its real events to a given screen.
#pragma once

#include "embassy/kiosk/flow.hpp"

#include <string>
#include <variant>

namespace embassy::kiosk::test {

using namespace std::chrono_literals;

inline embassy::Hash hash_byte(std::uint8_t b) {
    embassy::Hash h{};
    h.fill(b);
    return h;
}

// n appeals "a1".."an", texts in be and en; consents for all four purposes in be and en.
inline registry::AppealPack demo_pack(int n) {
    registry::AppealPack pack;
    pack.pack_id = "test-pack";
    for (int i = 1; i <= n; ++i) {
        registry::Appeal a;
        a.id = "a" + std::to_string(i);
        a.version = 2;
        for (const char* lang : {"be", "en"}) {
            registry::AppealText t;
            t.lang = lang;
            t.title = std::string("Title ") + lang;
            t.body = "Body";
            t.hash = hash_byte(static_cast<std::uint8_t>(i * 10 + (t.lang == "be" ? 1 : 2)));
            a.texts.push_back(t);
        }
        pack.appeals.push_back(a);
    }
    for (std::size_t p = 0; p < purpose_count; ++p)
        for (const char* lang : {"be", "en"}) {
            registry::ConsentText c;
            c.purpose = purpose_at(p);
            c.lang = lang;
            c.text = "I agree";
            c.hash = hash_byte(static_cast<std::uint8_t>(100 + p * 2 + (c.lang == "be" ? 0 : 1)));
            pack.consents.push_back(c);
        }
    return pack;
}

// A stroke long enough to pass the minimum-ink check.
inline registry::Stroke long_stroke() {
    registry::Stroke s;
    for (std::uint16_t x = 100; x <= 1100; x += 50) s.push_back({x, 800});
    return s;
}

// A straight horizontal stroke with exactly `ink` canvas units of pen travel.
inline registry::Stroke stroke_of_length(std::uint16_t ink) {
    registry::Stroke s;
    for (std::uint16_t x = 0; x < ink; x += 50) s.push_back({static_cast<std::uint16_t>(100 + x), 800});
    s.push_back({static_cast<std::uint16_t>(100 + ink), 800});
    return s;
}

template <class T>
bool has(const Effects& fx) {
    for (const auto& e : fx)
        if (std::holds_alternative<T>(e)) return true;
    return false;
}

template <class T>
const T* find(const Effects& fx) {
    for (const auto& e : fx)
        if (const auto* p = std::get_if<T>(&e)) return p;
    return nullptr;
}

struct Harness {
    TimePoint now{};   // the fake clock
    Flow flow;
    Effects fx;

    explicit Harness(Flow f) : flow(std::move(f)) {}
    Effects& send(const Event& e) { fx = flow.handle(e, now); return fx; }
    Effects& after(Clock::duration d) { now += d; fx = flow.tick(now); return fx; }
    Screen screen() const { return flow.screen; }
};

// First run up to the event screen: passphrase, identity, kiosk created, a pack of two appeals.
inline Harness at_setup_event() {
    Harness h(Flow::first_run({}, TimePoint{}));
    h.flow.auth.passphrase = "copper meadow violin harbor";
    h.flow.auth.confirm = "copper meadow violin harbor";
    h.send(ev::Next{});
    h.send(ev::FileChosen{"coordinator.pub"});
    h.send(ev::IdentityLoaded{"3F2A 9C01"});
    h.send(ev::Next{});
    h.send(ev::KioskCreated{});
    h.send(ev::FileChosen{"pack.bin"});
    h.send(ev::PackLoaded{demo_pack(2)});
    h.send(ev::Next{});
    return h;
}

// Unlock with a passphrase the fake app accepts, load `appeals` appeals, start public mode.
inline Harness at_welcome(int appeals, Settings s = {}) {
    Harness h(Flow::locked(std::move(s), TimePoint{}));
    h.flow.auth.passphrase = "correct horse battery staple";
    h.send(ev::SubmitPassphrase{});
    h.send(ev::PassphraseAccepted{});
    h.send(ev::LoadPackRequested{"pack.bin"});
    h.send(ev::PackLoaded{demo_pack(appeals)});
    for (int i = 1; i <= appeals; ++i) h.send(ev::ToggleAppeal{"a" + std::to_string(i)});
    h.send(ev::StartPublic{});
    return h;
}

inline void fill_details(Harness& h) {
    h.send(ev::Edit{Field::given_name, "  Alesia "});
    h.send(ev::Edit{Field::family_name, "Kavalenka"});
    h.send(ev::Edit{Field::country, "PL"});
    h.send(ev::Edit{Field::city, "Warszawa"});
    h.send(ev::SetConsent{registry::Purpose::sign_appeal, true});
}

// Drive the registrant's path forward with valid input until `target` is the current screen.
inline void drive_to(Harness& h, Screen target) {
    for (int steps = 0; h.screen() != target && steps < 20; ++steps) {
        switch (h.screen()) {
            case Screen::Welcome: h.send(ev::ChooseLanguage{"en"}); break;
            case Screen::ChooseAppeal: h.send(ev::ChooseAppeal{"a2"}); break;
            case Screen::ReadAppeal: h.send(ev::Next{}); break;
            case Screen::Details:
                fill_details(h);
                h.send(ev::Next{});
                break;
            case Screen::Sign:
                h.send(ev::StrokeAdded{long_stroke()});
                h.send(ev::Next{});
                break;
            case Screen::Review: h.send(ev::Next{}); break;
            case Screen::Submitting: h.send(ev::SubmitSucceeded{"7K3M-Q2ZD-0000-C"}); break;
            default: return;  // not on the path: the caller's check will fail
        }
    }
}

}  // namespace embassy::kiosk::test
