#include "embassy/registry/receipt.hpp"
#include "embassy/registry/record.hpp"
#include "embassy/registry/strokes.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <set>

using namespace embassy;
using namespace embassy::registry;

TEST_CASE("receipt codes are random, formatted in groups and carry a check character", "[registry][receipt]") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto c = receipt_generate();
        REQUIRE(c.digits.size() == 20);
        std::string f = c.formatted();
        REQUIRE(f.size() == 26);
        CHECK(f[4] == '-');
        CHECK(f[24] == '-');
        seen.insert(c.digits);
        auto back = receipt_parse(f);
        REQUIRE(back.ok());
        CHECK(back->digits == c.digits);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("receipt parsing forgives what people mistype and catches typos", "[registry][receipt]") {
    auto c = receipt_generate();
    std::string f = c.formatted();
    std::string lower;
    for (char ch : f) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    CHECK(receipt_parse(lower).ok());
    std::string spaced;
    for (char ch : f) spaced += (ch == '-') ? ' ' : ch;
    CHECK(receipt_parse(spaced).ok());
    // A single changed digit is caught by the check character.
    int caught = 0;
    for (std::size_t i = 0; i < 20; ++i) {
        std::string bad = c.digits;
        bad[i] = bad[i] == '7' ? '8' : '7';
        ReceiptCode b{bad};
        std::string g = b.formatted();
        g.back() = f.back();  // keep the original check character
        if (!receipt_parse(g).ok()) ++caught;
    }
    CHECK(caught == 20);
    CHECK_FALSE(receipt_parse("").ok());
    CHECK_FALSE(receipt_parse(std::string(1000, 'A')).ok());
    CHECK_FALSE(receipt_parse("ABCD-EFGH").ok());
}

TEST_CASE("a commitment matches its code only", "[registry][receipt]") {
    auto a = receipt_generate(), b = receipt_generate();
    auto ca = receipt_commitment(a);
    CHECK(receipt_matches(a, ca));
    CHECK_FALSE(receipt_matches(b, ca));
}

TEST_CASE("the receipt QR's URL gives its code; other text with '#' does not", "[registry][receipt]") {
    auto code = receipt_generate();
    auto url = receipt_parse("https://embassy.example/receipts/ru/#" + code.formatted());
    REQUIRE(url.ok());
    CHECK(url->digits == code.digits);
    CHECK(receipt_parse("http://x.example/#" + code.formatted()).ok());
    // Only a URL is cut at '#': a code with a stray '#' is still refused, and so is a URL with none.
    CHECK_FALSE(receipt_parse("#" + code.formatted()).ok());
    CHECK_FALSE(receipt_parse("https://embassy.example/receipts/" + code.formatted()).ok());
    CHECK_FALSE(receipt_parse("https://embassy.example/#" + std::string(700, 'A')).ok());
}
