// The kiosk's content rules (registry/validate.hpp), which the coordinator's importer applies too
// (tests/sync/import_content.test.cpp runs them through signed batches).
#include "kiosk_fixture.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/registry/validate.hpp"

#include <catch2/catch_test_macros.hpp>

#include <ctime>

using namespace embassy;
using namespace embassy::registry;

TEST_CASE("calendar dates: real days only", "[registry][validate]") {
    CHECK(is_calendar_date("2024-02-29"));
    CHECK(is_calendar_date("2026-12-31"));
    CHECK_FALSE(is_calendar_date("2026-02-29"));
    CHECK_FALSE(is_calendar_date("2026-02-31"));
    CHECK_FALSE(is_calendar_date("2026-04-31"));
    CHECK_FALSE(is_calendar_date("2026-13-01"));
    CHECK_FALSE(is_calendar_date("2026-00-10"));
    CHECK_FALSE(is_calendar_date("2026-1-01"));
    CHECK_FALSE(is_calendar_date("2026-01-0a"));
    CHECK_FALSE(is_calendar_date("1999-01-01"));
}

TEST_CASE("the kiosk refuses an event on 2026-02-31, as the importer does", "[registry][validate]") {
    auto k = test::make_test_kiosk();
    auto r = k->store->create_event({0, "Rally", "Warszawa", "PL", "2026-02-31"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().rfind("date:", 0) == 0);
    CHECK(k->store->create_event({0, "Rally", "Warszawa", "PL", "2026-02-28"}).ok());
}

TEST_CASE("the importer's form of a rule: a value must already be in the kiosk's normal form", "[registry][validate]") {
    RegistrantView ok{"Alena", "Kavalenka", "PL", "Warszawa", "", "", "en"};
    CHECK(check_registrant(ok).ok());
    auto with = [&](auto change) {
        RegistrantView v = ok;
        change(v);
        return check_registrant(v);
    };
    CHECK(with([](RegistrantView& v) { v.family_name = "Rene\xCC\x81"; }).message() == "family name: not in the kiosk's normal form");
    CHECK(with([](RegistrantView& v) { v.given_name = " Alena"; }).message() == "given name: not in the kiosk's normal form");
    CHECK_FALSE(with([](RegistrantView& v) { v.given_name = "Al\x1b" "ena"; }).ok());
    CHECK_FALSE(with([](RegistrantView& v) { v.city = ""; }).ok());
    CHECK_FALSE(with([](RegistrantView& v) { v.country = "XX"; }).ok());
    CHECK_FALSE(with([](RegistrantView& v) { v.lang = "zz"; }).ok());
    CHECK_FALSE(with([](RegistrantView& v) { v.email = "A@EXAMPLE.ORG"; }).ok());
    CHECK(with([](RegistrantView& v) { v.email = "A@example.org"; }).ok());
    CHECK(with([](RegistrantView& v) { v.phone = "+48600000000"; }).ok());
    CHECK_FALSE(with([](RegistrantView& v) { v.phone = "+48 600 000 000"; }).ok());
}

TEST_CASE("one consent per purpose, sign_appeal required", "[registry][validate]") {
    ConsentPurposes p;
    CHECK_FALSE(p.require_sign_appeal().ok());
    CHECK_FALSE(p.add(0).ok());
    CHECK_FALSE(p.add(5).ok());
    for (std::uint8_t i = 1; i <= kMaxConsentsPerRegistrant; ++i) CHECK(p.add(i).ok());
    CHECK(p.add(2).message() == "consent 'join_registry' given twice");
    CHECK(p.require_sign_appeal().ok());
}

TEST_CASE("unix minutes: from 2020 to 400 days ahead of the clock", "[registry][validate]") {
    const std::int64_t now = std::time(nullptr);
    const auto minute = static_cast<std::uint64_t>(now) / 60;
    CHECK(check_unix_minute(minute, now).ok());
    CHECK(check_unix_minute(kMinUnixMinute, now).ok());
    CHECK_FALSE(check_unix_minute(kMinUnixMinute - 1, now).ok());
    CHECK(check_unix_minute(minute + kFutureMarginMinutes, now).ok());
    CHECK_FALSE(check_unix_minute(minute + kFutureMarginMinutes + 1, now).ok());
    CHECK_FALSE(check_unix_minute(std::uint64_t{1} << 62, now).ok());
}

TEST_CASE("strokes and typed names: the kiosk's signature rules on stored bytes", "[registry][validate]") {
    Stroke st;
    for (int i = 0; i < 60; ++i) st.push_back({static_cast<std::uint16_t>(200 + i * 40), 800});
    CHECK(check_encoded_strokes(encode_strokes({st})).ok());
    CHECK_FALSE(check_encoded_strokes(encode_strokes({{{10, 10}, {12, 12}}})).ok());
    CHECK_FALSE(check_encoded_strokes(Bytes{9, 9, 9}).ok());
    CHECK(check_typed_name("Alena Kavalenka").ok());
    CHECK_FALSE(check_typed_name("Alena  Kavalenka").ok());
    CHECK_FALSE(check_typed_name("Alena\xE2\x80\xAE").ok());
}

TEST_CASE("one list of languages: packs may declare exactly the kiosk's", "[registry][validate]") {
    CHECK(supported_languages().size() == 8);
    for (auto l : supported_languages()) CHECK(pack_lang_allowed(l.tag));
    CHECK_FALSE(is_supported_language("zz"));
    CHECK_FALSE(pack_lang_allowed("zz"));
    CHECK(supported_languages_text() == "be, be-Latn, ru, en, pl, lt, uk, de");
    for (auto l : supported_languages()) CHECK(std::string_view(l.endonym).size() > 0);
}
