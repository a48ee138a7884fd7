// The message catalogs are complete: every language has every key of the English reference with
// the same placeholders, and every key the flow can show exists.
#include "embassy/kiosk/auth.hpp"
#include "embassy/kiosk/flow.hpp"
#include "embassy/ui/i18n.hpp"

#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {
const std::string i18n_dir = std::string(EMBASSY_SOURCE_DIR) + "/ui/i18n";

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

TEST_CASE("every catalog has every key of en.po with the same placeholders", "[kiosk_ui][i18n]") {
    auto problems = embassy::ui::CheckCatalogs(i18n_dir, "en");
    for (const auto& p : problems) UNSCOPED_INFO(p);
    CHECK(problems.empty());
}

TEST_CASE("there is a catalog for every kiosk language", "[kiosk_ui][i18n]") {
    embassy::ui::Catalogs cats;
    std::vector<std::string> errors;
    cats.LoadDirectory(i18n_dir, &errors);
    CHECK(errors.empty());
    for (const auto& lang : embassy::kiosk::languages) {
        INFO(lang.tag);
        const auto* c = cats.Find(lang.tag);
        REQUIRE(c);
        CHECK(c->size() >= 200);
        CHECK(c->Language() == lang.tag);
    }
}

TEST_CASE("every message key used by the flow is in en.po", "[kiosk_ui][i18n]") {
    embassy::ui::Catalog en;
    REQUIRE(en.LoadFile(i18n_dir + "/en.po"));

    // Literal keys in the flow's sources.
    std::set<std::string> keys;
    const std::regex literal(R"re("((?:error|setup|unlock|welcome|review|volunteer|settings)\.[a-z_.]+)")re");
    for (const char* file : {"/kiosk/src/flow.cpp", "/kiosk/src/auth.cpp", "/kiosk/src/app/app.cpp"}) {
        const std::string src = read(std::string(EMBASSY_SOURCE_DIR) + file);
        REQUIRE(!src.empty());
        for (std::sregex_iterator it(src.begin(), src.end(), literal), end; it != end; ++it)
            keys.insert((*it)[1].str());
    }
    CHECK(keys.size() > 30);
    // Keys built from field names: "error.<field>.required|invalid|too_long".
    for (std::size_t i = 0; i < embassy::kiosk::field_count; ++i) {
        const std::string f = embassy::kiosk::field_key(static_cast<embassy::kiosk::Field>(i));
        for (const char* what : {"invalid", "too_long"}) keys.insert("error." + f + "." + what);
        if (f != "email" && f != "phone") keys.insert("error." + f + ".required");
    }
    for (int score = 0; score <= 4; ++score) keys.insert("setup.passphrase.score." + std::to_string(score));

    for (const auto& k : keys) {
        if (k.back() == '.') continue;  // a prefix being concatenated, e.g. "error."
        INFO(k);
        CHECK(en.Has(k));
    }
}

TEST_CASE("catalog messages the flow formats carry the placeholders it fills", "[kiosk_ui][i18n]") {
    embassy::ui::Catalog en;
    REQUIRE(en.LoadFile(i18n_dir + "/en.po"));
    using S = std::set<std::string>;
    CHECK(embassy::ui::Placeholders(en.tr("unlock.wrong")) == S{"seconds"});
    CHECK(embassy::ui::Placeholders(en.tr("unlock.wait")) == S{"seconds"});
    CHECK(embassy::ui::Placeholders(en.tr("idle.body")) == S{"seconds"});
    CHECK(embassy::ui::Placeholders(en.tr("volunteer.export.done")) == S{"count", "path"});
    CHECK(embassy::ui::Placeholders(en.tr("volunteer.ack.done")) == S{"count"});
    CHECK(embassy::ui::Placeholders(en.tr("setup.identity.loaded")) == S{"fingerprint"});
}

TEST_CASE("the Setup screen's example passphrase, copied from any catalog, does not pass the gate", "[kiosk_ui][i18n][passphrase]") {
    embassy::ui::Catalogs cats;
    std::vector<std::string> errors;
    cats.LoadDirectory(i18n_dir, &errors);
    REQUIRE(errors.empty());
    // The example sits between the catalog's opening and closing quotation marks.
    const std::regex quoted("(?:\xE2\x80\x9C|\xE2\x80\x9E|\xC2\xAB)([^\xE2\xC2]+)(?:\xE2\x80\x9D|\xE2\x80\x9C|\xC2\xBB)");
    for (const auto& lang : embassy::kiosk::languages) {
        INFO(lang.tag);
        const auto* c = cats.Find(lang.tag);
        REQUIRE(c);
        const std::string tip = c->tr("setup.passphrase.suggest");
        std::smatch m;
        REQUIRE(std::regex_search(tip, m, quoted));
        const std::string example = m[1].str();
        INFO(example);
        CHECK(embassy::kiosk::passphrase_strength(example).score < embassy::kiosk::min_passphrase_score);
        CHECK_FALSE(embassy::kiosk::passphrase_acceptable(example));
    }
}
