// The settings-keys table (registry/settings_keys.hpp) agrees with kiosk::Settings' defaults, and
// its keys are distinct.
#include "embassy/kiosk/flow.hpp"
#include "embassy/registry/settings_keys.hpp"

#include <catch2/catch_test_macros.hpp>

#include <set>
#include <string>

namespace k = embassy::registry::settings;

TEST_CASE("the settings table's defaults are kiosk::Settings' defaults", "[kiosk][settings]") {
    const embassy::kiosk::Settings d;
    CHECK(k::input_idle.default_value == std::to_string(d.input_idle.count()));
    CHECK(k::idle_warning.default_value == std::to_string(d.idle_warning.count()));
    CHECK(k::receipt_idle.default_value == std::to_string(d.receipt_idle.count()));
    CHECK(k::volunteer_idle.default_value == std::to_string(d.volunteer_idle.count()));
    CHECK(k::default_lang.default_value == d.default_lang);
    CHECK(std::stof(std::string(k::font_scale.default_value)) == d.font_scale);
    CHECK(k::on_screen_keyboard.default_value == (d.on_screen_keyboard ? "1" : "0"));
}

TEST_CASE("every settings key is listed once and says what it means", "[kiosk][settings]") {
    std::set<std::string_view> names;
    for (const auto* key : k::all) {
        INFO(key->name);
        CHECK(names.insert(key->name).second);
        CHECK(!key->meaning.empty());
    }
    CHECK(names.size() == k::all.size());
}
