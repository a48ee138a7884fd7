// The domain model's lookups (registry/model.hpp), among them the one language fallback for pack
// texts that the kiosk's flow and every screen use.
#include "embassy/registry/model.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace embassy::registry;

namespace {
Appeal appeal_in(std::initializer_list<const char*> langs) {
    Appeal a;
    a.id = "a1";
    for (const char* l : langs) a.texts.push_back(AppealText{l, std::string("title ") + l, "body", {}});
    return a;
}
}  // namespace

TEST_CASE("pack texts fall back from Łacinka to Cyrillic Belarusian, then to English", "[registry][model]") {
    CHECK(fallback_languages("be-Latn") == std::vector<std::string_view>{"be-Latn", "be", "en"});
    CHECK(fallback_languages("pl") == std::vector<std::string_view>{"pl", "en"});
    CHECK(fallback_languages("en") == std::vector<std::string_view>{"en"});

    const auto a = appeal_in({"de", "en", "be"});
    CHECK(a.text_for("be-Latn")->lang == "be");
    CHECK(a.text_for("pl")->lang == "en");
    CHECK(a.text_for("de")->lang == "de");
    CHECK(a.text("pl") == nullptr);  // text() stays exact
    CHECK(appeal_in({"lt", "uk"}).text_for("pl")->lang == "lt");  // neither: the first text
    CHECK(appeal_in({}).text_for("be") == nullptr);
}

TEST_CASE("consent texts: the newest version in the first fallback language that has one", "[registry][model]") {
    AppealPack pack;
    pack.consents.push_back(ConsentText{Purpose::sign_appeal, 1, "en", "v1", {}});
    pack.consents.push_back(ConsentText{Purpose::sign_appeal, 3, "en", "v3", {}});
    pack.consents.push_back(ConsentText{Purpose::sign_appeal, 2, "be", "be v2", {}});
    CHECK(pack.consent_for(Purpose::sign_appeal, "be-Latn")->text == "be v2");
    CHECK(pack.consent_for(Purpose::sign_appeal, "pl")->text == "v3");
    CHECK(pack.consent_for(Purpose::join_registry, "pl") == nullptr);
}
