// The keys of the kiosk database's settings table (KioskStore::setting / set_setting), in one table:
// every reader and writer names a key through these constants, never through a string literal, so
// a renamed or mistyped key is a compile error instead of a setting that silently stops loading.
// Values are text. None of them is personal data.
#pragma once

#include <array>
#include <string_view>

namespace embassy::registry::settings {

struct Key {
    std::string_view name;           // the row's key in the settings table
    std::string_view meaning;        // what the value is, for docs and reviewers
    std::string_view default_value;  // what a kiosk uses while the row is absent ("" = none)
};

// Volunteer settings (kiosk::Settings; the Settings screen saves them, unlock loads them). The
// defaults are kiosk::Settings' own; tests/kiosk/settings_keys.test.cpp checks they agree.
inline constexpr Key input_idle{"kiosk.input_idle", "seconds of quiet on an input screen before the idle warning", "90"};
inline constexpr Key idle_warning{"kiosk.idle_warning", "seconds the idle warning counts down before the form is wiped", "15"};
inline constexpr Key receipt_idle{"kiosk.receipt_idle", "seconds the receipt stays on screen", "30"};
inline constexpr Key volunteer_idle{"kiosk.volunteer_idle", "seconds of quiet in volunteer mode before the kiosk locks", "300"};
inline constexpr Key default_lang{"kiosk.default_lang", "language tag the Welcome screen starts in", "be"};
inline constexpr Key font_scale{"kiosk.font_scale", "text size factor, 0.75 to 2.5", "1"};
inline constexpr Key on_screen_keyboard{"kiosk.on_screen_keyboard", "\"1\" shows the on-screen keyboard, \"0\" hides it", "0"};
// Written by the app after an export, shown on the volunteer home screen.
inline constexpr Key last_export{"kiosk.last_export", "local time of the last batch export, YYYY-MM-DD HH:MM", ""};
// Written and read by KioskStore itself.
inline constexpr Key active_event{"active_event", "id of the event new signatures belong to", ""};
inline constexpr Key active_appeals{"active_appeals", "comma-separated ids of the appeals on offer", ""};

inline constexpr std::array<const Key*, 10> all = {&input_idle,   &idle_warning,       &receipt_idle, &volunteer_idle,
                                                    &default_lang, &font_scale,         &on_screen_keyboard,
                                                    &last_export,  &active_event,       &active_appeals};

}  // namespace embassy::registry::settings
