// The coordinator's public identity file (registry/src/identity.cpp).
#include "embassy/registry/identity.hpp"
#include "embassy/registry/secure.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <sodium.h>

using namespace embassy;
using namespace embassy::registry;
using Catch::Matchers::ContainsSubstring;

namespace {

PublicIdentity fresh(std::string name = "Народная амбасада — Warszawa") {
    crypto_init();
    PublicIdentity id;
    id.name = std::move(name);
    SecretBytes box_sk(32), sign_sk(64);
    crypto_box_keypair(id.box_key.data(), box_sk.data());
    crypto_sign_keypair(id.sign_key.data(), sign_sk.data());
    return id;
}

std::string replace_line(const std::string& text, int line, const std::string& with) {
    std::string out;
    int n = 1;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        const std::string cur = text.substr(start, nl - start);
        out += (n == line ? with : cur) + "\n";
        ++n;
        start = nl + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("a public identity survives format and parse", "[registry][identity]") {
    const PublicIdentity id = fresh();
    const std::string text = format_public_identity(id);
    CHECK(text.rfind("embassy-coordinator-identity v1\n", 0) == 0);
    CHECK_THAT(text, ContainsSubstring("fingerprint: " + id.fingerprint() + "\n"));
    auto back = parse_public_identity(text);
    REQUIRE(back.ok());
    CHECK(back->name == id.name);
    CHECK(back->box_key == id.box_key);
    CHECK(back->sign_key == id.sign_key);
    CHECK(back->fingerprint() == fingerprint(id.sign_key));
    CHECK(back->key_id() == id.key_id());
}

TEST_CASE("the fingerprint line is optional, CRLF and a missing final newline are tolerated", "[registry][identity]") {
    const PublicIdentity id = fresh("Coordinator");
    std::string text = format_public_identity(id);
    const std::string without_fp = text.substr(0, text.find("fingerprint:"));
    CHECK(parse_public_identity(without_fp).ok());
    CHECK(parse_public_identity(without_fp.substr(0, without_fp.size() - 1)).ok());
    std::string crlf;
    for (char c : text) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
    auto r = parse_public_identity(crlf);
    REQUIRE(r.ok());
    CHECK(r->name == "Coordinator");
}

TEST_CASE("the key id depends on both keys", "[registry][identity]") {
    PublicIdentity a = fresh();
    PublicIdentity b = a;
    b.box_key[0] ^= 1;
    CHECK(a.key_id() != b.key_id());
    PublicIdentity c = a;
    c.sign_key[31] ^= 1;
    CHECK(a.key_id() != c.key_id());
    CHECK(a.key_id() != c.key_id());
}

TEST_CASE("malformed identity files are refused with the line at fault", "[registry][identity]") {
    const PublicIdentity id = fresh("Coordinator");
    const std::string good = format_public_identity(id);
    const std::string hex_sign = to_hex(id.sign_key);

    struct Case {
        const char* what;
        std::string text;
        std::string expect;
    };
    const auto c = GENERATE_COPY(
        Case{"wrong header", replace_line(good, 1, "embassy-coordinator-identity v2"), "line 1"},
        Case{"header with trailing space", replace_line(good, 1, "embassy-coordinator-identity v1 "), "line 1"},
        Case{"no name prefix", replace_line(good, 2, "Coordinator"), "line 2"},
        Case{"empty name", replace_line(good, 2, "name: "), "line 2"},
        Case{"name with a control character", replace_line(good, 2, "name: A\x07" "B"), "line 2: name contains a control"},
        Case{"name not UTF-8", replace_line(good, 2, "name: \xC3("), "line 2: name is not valid UTF-8"},
        Case{"name over 200 bytes", replace_line(good, 2, "name: " + std::string(201, 'x')), "line 2"},
        Case{"box key short", replace_line(good, 3, "box: " + to_hex(id.box_key).substr(2)), "line 3"},
        Case{"box key not hex", replace_line(good, 3, "box: " + std::string(64, 'g')), "line 3"},
        Case{"box key all zero", replace_line(good, 3, "box: " + std::string(64, '0')), "line 3: box key is all zeros"},
        Case{"sign label wrong", replace_line(good, 4, "sig: " + hex_sign), "line 4"},
        Case{"sign key long", replace_line(good, 4, "sign: " + hex_sign + "00"), "line 4"},
        Case{"fingerprint mismatch", replace_line(good, 5, "fingerprint: 0000 0000 0000 0000 0000"), "line 5: fingerprint does not match"},
        Case{"extra line", good + "comment: hello\n", "line 6"},
        Case{"lines missing", replace_line(good, 4, "") .substr(0, good.find("sign:")), "file ends early"},
        Case{"over 4 KiB", good + std::string(5000, '\n'), "larger than 4 KiB"},
        Case{"NUL byte", std::string("embassy-coordinator-identity v1\0\n", 33) + good.substr(32), "NUL"},
        Case{"empty", std::string(), "empty"});
    INFO(c.what);
    auto r = parse_public_identity(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.message(), ContainsSubstring("identity file"));
    CHECK_THAT(r.message(), ContainsSubstring(c.expect));
}
