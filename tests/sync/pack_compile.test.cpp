// The TOML appeal pack compiler (sync/src/pack_compile.cpp) and the demo pack source.
#include "embassy/sync/pack_compile.hpp"

#include "embassy/registry/pack.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>

#include <set>
#include <string>

using namespace embassy;
using namespace embassy::registry;
using Catch::Matchers::ContainsSubstring;

namespace {

const std::string demo_path = std::string(EMBASSY_SOURCE_DIR) + "/demo/appeals.toml";

std::string demo_text() {
    auto b = read_file(demo_path, 4 * 1024 * 1024);
    REQUIRE(b.ok());
    return std::string(b->begin(), b->end());
}

// A small valid source; tests break one thing at a time. Line numbers matter to the tests below.
const std::string minimal =
    "[pack]\n"                                          // 1
    "id = \"t-1\"\n"                                    // 2
    "created = 2026-01-15T12:00:00Z\n"                  // 3
    "languages = [\"en\", \"lt\"]\n"                    // 4
    "\n"                                                // 5
    "[[appeals]]\n"                                     // 6
    "id = \"political-prisoners\"\n"                    // 7
    "addressee = \"PACE\"\n"                            // 8
    "[appeals.text.en]\n"                               // 9
    "title = \"Release\"\n"                             // 10
    "body = \"\"\"\nText.\n\nMore.\n\"\"\"\n"           // 11-15
    "[appeals.text.lt]\n"                               // 16
    "title = \"Išlaisvinti\"\n"                         // 17
    "body = \"Tekstas.\"\n"                             // 18
    "\n"                                                // 19
    "[consents.sign_appeal.text]\n"                     // 20
    "en = \"I sign.\"\n"                                // 21
    "lt = \"Pasirašau.\"\n";                            // 22

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return s;
}

}  // namespace

TEST_CASE("the minimal source compiles to the expected pack", "[sync][pack_compile]") {
    auto p = sync::pack_from_toml(minimal);
    REQUIRE(p.ok());
    CHECK(p->pack_id == "t-1");
    CHECK(p->created_unix == 1768478400);  // 2026-01-15T12:00:00Z
    CHECK(p->languages == std::vector<LangTag>{"en", "lt"});
    REQUIRE(p->appeals.size() == 1);
    CHECK(p->appeals[0].version == 1);
    REQUIRE(p->appeals[0].text("en") != nullptr);
    CHECK(p->appeals[0].text("en")->body == "Text.\n\nMore.");  // first and trailing newlines dropped
    CHECK(p->appeals[0].text("lt")->title == "Išlaisvinti");
    CHECK(p->appeals[0].text("en")->hash == appeal_text_hash(p->appeals[0], *p->appeals[0].text("en")));
    REQUIRE(p->consent(Purpose::sign_appeal, "lt") != nullptr);
    CHECK(p->consent(Purpose::sign_appeal, "lt")->text == "Pasirašau.");
}

TEST_CASE("created accepts a date and offsets; it defaults to now", "[sync][pack_compile]") {
    auto d = sync::pack_from_toml(replace(minimal, "2026-01-15T12:00:00Z", "2026-01-15"));
    REQUIRE(d.ok());
    CHECK(d->created_unix == 1768435200);
    auto o = sync::pack_from_toml(replace(minimal, "2026-01-15T12:00:00Z", "2026-01-15T14:00:00+02:00"));
    REQUIRE(o.ok());
    CHECK(o->created_unix == 1768478400);
    auto n = sync::pack_from_toml(replace(minimal, "created = 2026-01-15T12:00:00Z\n", ""));
    REQUIRE(n.ok());
    CHECK(n->created_unix > 1768478400);
}

TEST_CASE("TOML errors name the file, the line and the key", "[sync][pack_compile]") {
    struct Case {
        const char* what;
        std::string text;
        std::string expect;
    };
    const auto c = GENERATE_COPY(
        Case{"missing language text", replace(minimal, "[appeals.text.lt]\ntitle = \"Išlaisvinti\"\nbody = \"Tekstas.\"\n", ""),
             "appeals.toml:6: appeal 'political-prisoners' has no text for language 'lt'"},
        Case{"misspelt key", replace(minimal, "addressee", "adressee"), "appeals.toml:8: unknown key 'appeals[0].adressee'"},
        Case{"missing addressee", replace(minimal, "addressee = \"PACE\"\n", ""), "missing key 'appeals[0].addressee'"},
        Case{"language not allowed", replace(minimal, "[\"en\", \"lt\"]", "[\"en\", \"lt\", \"fr\"]"),
             "appeals.toml:4: 'pack.languages': 'fr' is not one of"},
        Case{"language listed twice", replace(minimal, "[\"en\", \"lt\"]", "[\"en\", \"lt\", \"en\"]"), "listed twice"},
        Case{"text in an undeclared language", replace(minimal, "[appeals.text.lt]", "[appeals.text.de]"),
             "appeals.toml:16: appeal 'political-prisoners' has a text in 'de', which pack.languages does not declare"},
        Case{"consent missing a language", replace(minimal, "lt = \"Pasirašau.\"\n", ""),
             "consent sign_appeal has no text for language 'lt'"},
        Case{"no sign_appeal at all", replace(minimal, "sign_appeal", "join_registry"),
             "consent sign_appeal has no text for language 'en'"},
        Case{"unknown purpose", replace(minimal, "sign_appeal", "sign_everything"), "appeals.toml:20: unknown consent purpose 'consents.sign_everything'"},
        Case{"version not a number", replace(minimal, "addressee = \"PACE\"\n", "addressee = \"PACE\"\nversion = \"one\"\n"),
             "appeals.toml:9: 'appeals[0].version' must be a whole number"},
        Case{"bad appeal id", replace(minimal, "political-prisoners", "Political Prisoners"), "appeals.toml:7: 'appeals[0].id'"},
        Case{"bad pack id", replace(minimal, "\"t-1\"", "\"t_1\""), "appeals.toml:2: 'pack.id'"},
        Case{"title is not a string", replace(minimal, "title = \"Release\"", "title = 5"), "appeals.toml:10: 'appeals[0].text.en.title' must be a string"},
        Case{"syntax error", replace(minimal, "title = \"Release\"", "title = \"Release"), "appeals.toml:10: TOML syntax"},
        Case{"no [pack]", replace(minimal, "[pack]", "[pak]"), "unknown key 'pak'"},
        Case{"no appeals", minimal.substr(0, minimal.find("[[appeals]]")), "no [[appeals]]"},
        Case{"a control character in a body", replace(minimal, "Tekstas.", "Teks\\u001Btas."), "control character"},
        Case{"a line break in a title", replace(minimal, "title = \"Release\"", "title = \"Re\\nlease\""), "line break"},
        Case{"zone-less date-time", replace(minimal, "2026-01-15T12:00:00Z", "2026-01-15T12:00:00"), "appeals.toml:3: 'pack.created' needs a time zone"});
    INFO(c.what);
    REQUIRE(sync::pack_from_toml(minimal).ok());  // the base case is valid
    Result<AppealPack> r = make_error("not run");
    REQUIRE_NOTHROW(r = sync::pack_from_toml(c.text));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring(c.expect));
}

TEST_CASE("the source name given by the caller appears in messages", "[sync][pack_compile]") {
    auto r = sync::pack_from_toml(replace(minimal, "addressee", "adressee"), "my-pack.toml");
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().rfind("my-pack.toml:8: ", 0) == 0);
}

TEST_CASE("hostile TOML never throws", "[sync][pack_compile]") {
    const std::string inputs[] = {
        std::string("\xFF\xFE garbage"), std::string(100000, '['), "a = [" + std::string(5000, '[') + "",
        "[pack]\nid = 1\n", "appeals = 5\n", "[[appeals]]\n[[appeals]]\n", "consents = []\n",
        std::string(5 * 1024 * 1024, ' '), std::string("[pack]\0id = \"x\"", 16)};
    for (const auto& in : inputs) {
        Result<AppealPack> r = make_error("not run");
        REQUIRE_NOTHROW(r = sync::pack_from_toml(in));
        CHECK_FALSE(r.ok());
    }
}

TEST_CASE("the demo pack compiles with two appeals and every consent in all eight languages", "[sync][pack_compile][demo]") {
    auto p = sync::pack_from_toml(demo_text());
    REQUIRE(p.ok());
    const std::vector<LangTag> langs = {"be", "be-Latn", "ru", "en", "pl", "lt", "uk", "de"};
    CHECK(p->languages == langs);
    REQUIRE(p->appeals.size() == 2);
    CHECK(p->appeals[0].id == "political-prisoners");
    CHECK(p->appeals[1].id == "free-elections");
    for (const auto& a : p->appeals) {
        CHECK_FALSE(a.addressee.empty());
        std::set<std::string> titles, bodies;
        for (const auto& l : langs) {
            INFO(a.id << " " << l);
            const AppealText* t = a.text(l);
            REQUIRE(t != nullptr);
            CHECK(t->title.size() > 10);
            CHECK(t->body.size() > 300);
            titles.insert(t->title);
            bodies.insert(t->body);
        }
        CHECK(titles.size() == langs.size());  // no language left as a copy of another
        CHECK(bodies.size() == langs.size());
    }
    for (Purpose purpose : {Purpose::sign_appeal, Purpose::join_registry, Purpose::be_contacted,
                            Purpose::pass_name_to_addressee}) {
        std::set<std::string> texts;
        for (const auto& l : langs) {
            INFO(purpose_name(purpose) << " " << l);
            const ConsentText* c = p->consent(purpose, l);
            REQUIRE(c != nullptr);
            CHECK(c->text.size() > 40);
            texts.insert(c->text);
        }
        CHECK(texts.size() == langs.size());
    }
    CHECK(p->consents.size() == 4 * langs.size());

    // Format 2: every text names the addressee in its language; receipts say where to check.
    for (const auto& a : p->appeals)
        for (const auto& l : langs) CHECK_FALSE(a.text(l)->addressee.empty());
    CHECK(p->appeals[0].text("ru")->addressee == "Парламентская ассамблея Совета Европы");
    REQUIRE(p->receipts.size() == langs.size());
    for (const auto& l : langs) {
        INFO(l);
        REQUIRE(p->receipt_for(l));
        CHECK(p->receipt_for(l)->lang == l);
        CHECK_THAT(p->receipt_for(l)->list_url, ContainsSubstring(".example/"));  // a reserved domain
    }

    // Łacinka really is Łacinka and Belarusian really is Cyrillic.
    CHECK_THAT(p->appeals[0].text("be-Latn")->title, ContainsSubstring("Biełarusi"));
    CHECK_THAT(p->appeals[0].text("be")->title, ContainsSubstring("Беларусі"));
}

TEST_CASE("the demo pack signs and verifies", "[sync][pack_compile][demo]") {
    crypto_init();
    SignPublicKey pk{};
    SecretBytes sk(64);
    crypto_sign_keypair(pk.data(), sk.data());
    auto p = sync::pack_from_toml(demo_text());
    REQUIRE(p.ok());
    auto file = pack_write(*p, sk);
    REQUIRE(file.ok());
    auto back = pack_read(*file, pk);
    REQUIRE(back.ok());
    REQUIRE(back->appeals.size() == 2);
    CHECK(back->appeals[1].content_hash == p->appeals[1].content_hash);
    CHECK(back->consents.back().hash == p->consents.back().hash);
}

TEST_CASE("per-language addressees and receipt instructions compile; gaps name the line", "[sync][pack_compile]") {
    const std::string receipts =
        "[receipt.en]\n"
        "list_url = \"https://example.org/r/en\"\n"
        "withdraw_contact = \"withdraw@example.org\"\n"
        "[receipt.lt]\n"
        "list_url = \"https://example.org/r/lt\"\n"
        "withdraw_contact = \"atsaukti@example.org\"\n";
    const std::string full = replace(minimal, "title = \"Išlaisvinti\"\n",
                                     "title = \"Išlaisvinti\"\naddressee = \"ET PA\"\n") + receipts;
    auto p = sync::pack_from_toml(full);
    REQUIRE(p.ok());
    CHECK(p->appeals[0].text("lt")->addressee == "ET PA");
    CHECK(p->appeals[0].text("en")->addressee.empty());
    REQUIRE(p->receipt_for("lt"));
    CHECK(p->receipt_for("lt")->withdraw_contact == "atsaukti@example.org");

    struct Case {
        const char* name;
        std::string text;
        const char* message;
    };
    const auto c = GENERATE_COPY(
        Case{"a language without instructions", minimal + receipts.substr(0, receipts.find("[receipt.lt]")),
             "appeals.toml:23: receipt instructions have no [receipt.lt] table"},
        Case{"an undeclared language", full + "[receipt.de]\nlist_url = \"https://x.org\"\nwithdraw_contact = \"x\"\n",
             "appeals.toml:30: receipt instructions in 'de', which pack.languages does not declare"},
        Case{"a misspelt key", replace(full, "withdraw_contact = \"withdraw", "withdraw = \"withdraw"),
             "appeals.toml:26: unknown key 'receipt.en.withdraw'"},
        Case{"a fragment in the URL", replace(full, "r/en", "r#en"), "must not hold '#'"});
    INFO(c.name);
    auto r = sync::pack_from_toml(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring(c.message));
}
