// --tour: walks through every screen in every language and saves each as a PNG (scripts/screenshots).
// It drives the flow with the same events the screens send, on a --demo data directory, and feeds
// the outcomes of slow effects itself where running them would change the kiosk (setup, unlock).

#include "app.hpp"

#include "embassy/kiosk/form.hpp"
#include "embassy/registry/keyfile.hpp"
#include "embassy/ui/signature_pad.hpp"
#include "embassy/ui/widgets.hpp"

#include <cmath>
#include <iostream>

namespace embassy::app {
using kiosk::Field;
namespace ev = kiosk::ev;

namespace {
struct Sample {
    const char* given;
    const char* family;
    const char* city;
    const char* query;
};
Sample SampleFor(std::string_view lang) {
    if (lang == "be") return {"Алесь", "Семашкевіч", "Вільня", "Літ"};
    if (lang == "be-Latn") return {"Aleś", "Siamaškievič", "Vilnia", "Lit"};
    if (lang == "ru") return {"Татьяна", "Ковалёва", "Варшава", "Пол"};
    if (lang == "uk") return {"Ярослава", "Ґудзь", "Київ", "Укр"};
    if (lang == "pl") return {"Małgorzata", "Żółkiewska", "Białystok", "Pol"};
    if (lang == "lt") return {"Rūta", "Žemaitytė", "Kaunas", "Liet"};
    if (lang == "de") return {"Jürgen", "Weiß", "Köln", "Deu"};
    return {"Anna", "Smith", "London", "Uni"};
}
// A synthetic signature: a few loops across the pad.
ui::PadStroke SampleStroke() {
    ui::PadStroke st;
    for (int i = 0; i <= 120; ++i) {
        const float t = static_cast<float>(i) / 120.0f;
        st.push_back({0.12f + 0.7f * t + 0.05f * std::sin(t * 25.0f), 0.55f - 0.22f * std::sin(t * 12.0f) * (1.0f - t)});
    }
    return st;
}
}  // namespace

bool App::TourStep(const std::function<void(const std::string&)>& capture) {
    if (job_.valid()) return true;           // a submit is running: wait for its receipt
    if (settle_frames_ > 0) {
        --settle_frames_;
        return true;
    }
    if (tour_.empty() && tour_step_ == 0) {
        // Build the script once. The store is unlocked directly with the demo passphrase.
        auto r = registry::KioskStore::open(opts_.data_dir, kDemoPassphrase);
        if (!r) {
            std::cerr << "embassy-kiosk: --tour needs a --demo data directory: " << r.message() << "\n";
            return false;
        }
        store_ = std::move(*r);
        AfterUnlock();
        const auto stored = flow_.settings;
        // Every text size asked for (--text-size), or the stored one; shot names get "-t<percent>"
        // when sizes were asked for, so one run can cover 100 % and 130 %.
        std::vector<float> sizes = opts_.text_sizes;
        if (sizes.empty()) sizes.push_back(stored.font_scale);
        auto now = [] { return kiosk::Clock::now(); };
        auto feed = [this, now](const kiosk::Event& e) {
            // Only the harmless effects run; the tour answers the slow ones itself.
            for (auto& f : flow_.handle(e, now()))
                if (std::get_if<kiosk::fx::WipeUiInputState>(&f)) WipeRegistrantUi();
        };
        int n = 0;
        for (const float text_size : sizes)
        for (const auto& L : kiosk::languages) {
            const std::string lang = L.tag;
            auto base = stored;
            base.font_scale = text_size;
            const std::string suffix =
                opts_.text_sizes.empty() ? "" : "-t" + std::to_string(std::lround(text_size * 100.0f));
            auto name = [lang, suffix, &n](const char* screen) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "%02d", n++ % 100);
                return lang + "-" + buf + "-" + screen + suffix;
            };
            n = 0;
            auto shot = [this, capture](std::string file) {
                tour_.push_back([this, capture, file] {
                    capture(file);
                    tour_settled_ = true;   // a capture changes nothing: the next step needs no settling
                });
            };
            auto step = [this](std::function<void()> f) { tour_.push_back(std::move(f)); };
            step([this, base, lang, now] {
                auto s = base;
                s.default_lang = lang;
                flow_ = kiosk::Flow::first_run(s, now());
                flow_.validator = registry_validator;
                flow_.auth.passphrase = "copper meadow violin harbor";
                flow_.auth.confirm = "copper meadow violin harbor";
            });
            shot(name("setup-passphrase"));
            step([feed] {
                feed(ev::Next{});
                feed(ev::IdentityLoaded{"3F2A 9C01 77D4 0B1E 5A60"});
            });
            shot(name("setup-identity"));
            step([this, feed] {
                feed(ev::KioskCreated{});
                auto pack = store_->current_pack();
                if (pack) feed(ev::PackLoaded{*pack});
            });
            shot(name("setup-pack"));
            step([this, feed] {
                feed(ev::Next{});
                flow_.setup.event = {0, "Rally for political prisoners", "Warszawa", "PL", "2026-11-07"};
            });
            shot(name("setup-event"));
            step([this, feed] {
                feed(ev::EventCreated{1});
                for (const auto& a : flow_.content.pack.appeals) feed(ev::ToggleAppeal{a.id});
            });
            shot(name("setup-appeals"));
            step([this, base, lang, now] {
                auto s = base;
                s.default_lang = lang;
                flow_ = kiosk::Flow::locked(s, now());
                flow_.validator = registry_validator;
            });
            shot(name("unlock"));
            step([this, feed] {
                flow_.auth.passphrase = "wrong";
                feed(ev::SubmitPassphrase{});
                feed(ev::PassphraseRejected{});
            });
            shot(name("unlock-wrong"));
            step([this, feed, base, lang] {
                flow_.retry_at = {};
                flow_.auth.passphrase = "x";
                feed(ev::SubmitPassphrase{});
                feed(ev::PassphraseAccepted{});
                AfterUnlock();
                // AfterUnlock read the stored settings: the volunteer screens in this tour's
                // language and text size, not the demo kiosk's Belarusian at 100 %.
                flow_.settings.font_scale = base.font_scale;
                flow_.settings.default_lang = lang;
                RefreshCounts();
            });
            shot(name("volunteer"));
            step([feed] { feed(ev::OpenSettings{}); });
            shot(name("settings"));
            step([this, feed, base] {
                feed(ev::Back{});
                flow_.settings.font_scale = base.font_scale;   // Back applies nothing; the draft is dropped
                chooser_.Open(FileChooser::Kind::Directory, "", opts_.data_dir);
                chooser_for_ = ChooserFor::ExportDir;
            });
            shot(name("export-choose-dir"));
            step([this, feed, lang] {
                chooser_.open = false;
                chooser_for_ = ChooserFor::None;
                flow_.settings.default_lang = lang;
                feed(ev::StartPublic{});
            });
            shot(name("welcome"));
            step([feed, lang] { feed(ev::ChooseLanguage{lang}); });
            shot(name("choose-appeal"));
            step([this, feed] { feed(ev::ChooseAppeal{flow_.active_appeals().front()->id}); });
            shot(name("read-appeal"));
            step([feed] {
                feed(ev::Next{});
                feed(ev::Next{});   // empty form: every required field says what is missing
            });
            shot(name("details-errors"));
            step([this, feed, lang] {
                auto smp = SampleFor(lang);
                for (auto& e : flow_.form.errors) kiosk::wipe(e);
                kiosk::wipe(flow_.form.consent_error);
                flow_.form[Field::given_name] = smp.given;
                flow_.form[Field::family_name] = smp.family;
                flow_.form[Field::city] = smp.city;
                flow_.form[Field::email] = "a.person@example.org";
                country_query_ = smp.query;
                flow_.form[Field::country] = "LT";
                feed(ev::SetConsent{registry::Purpose::sign_appeal, true});
                feed(ev::SetConsent{registry::Purpose::join_registry, true});
            });
            shot(name("details"));
            step([this] {
                flow_.settings.on_screen_keyboard = true;
                kb_target_ = &flow_.form[Field::city];
                kb_field_ = Field::city;
            });
            shot(name("details-keyboard"));
            step([this] { kb_target_ = &flow_.form[Field::email]; kb_field_ = Field::email; });
            shot(name("details-keyboard-email"));
            step([this] { kb_target_ = &flow_.form[Field::phone]; kb_field_ = Field::phone; });
            shot(name("details-keyboard-phone"));
            step([this] {
                flow_.settings.on_screen_keyboard = false;
                kb_target_ = nullptr;
            });
            step([this, feed] {
                ui::WipeString(country_query_);
                feed(ev::Next{});
                ui::PadClear(pad_);
                pad_.strokes.push_back(SampleStroke());
                pad_sent_ = 0;
            });
            shot(name("sign"));
            step([feed] { feed(ev::SetCannotSign{true}); });
            shot(name("sign-typed"));
            step([this, feed] {
                feed(ev::SetCannotSign{false});
                pad_.strokes.push_back(SampleStroke());
                pad_sent_ = 0;
            });
            step([] {});   // one frame: the Sign screen hands the stroke to the flow
            step([feed] { feed(ev::Next{}); });
            shot(name("review"));
            step([this, now] {
                flow_.last_input = now() - flow_.settings.input_idle - std::chrono::seconds(3);
                Execute(flow_.tick(now()));
            });
            step([] {});   // the modal needs a frame to open
            shot(name("idle-warning"));
            step([this] {
                Send(ev::Activity{});
                Send(ev::Next{});   // a real submit on the demo kiosk: the receipt is genuine
            });
            shot(name("receipt"));
            step([this] { Send(ev::Next{}); });
        }
    }
    if (tour_step_ >= static_cast<int>(tour_.size())) return false;
    tour_settled_ = false;
    tour_[static_cast<std::size_t>(tour_step_++)]();
    settle_frames_ = tour_settled_ ? 0 : 2;
    return true;
}

}  // namespace embassy::app
