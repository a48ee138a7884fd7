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

TEST_CASE("strokes round-trip through the compact encoding", "[registry][strokes]") {
    Strokes s = {{{0, 0}, {4095, 1637}, {100, 200}}, {{5, 5}}, {}};
    Bytes enc = encode_strokes(s);
    auto back = decode_strokes(enc);
    REQUIRE(back.ok());
    CHECK(*back == s);
    SECTION("every truncation is refused") {
        for (std::size_t n = 0; n < enc.size(); ++n) CHECK_FALSE(decode_strokes(std::span(enc.data(), n)).ok());
    }
    SECTION("trailing bytes are refused") {
        enc.push_back(0);
        CHECK_FALSE(decode_strokes(enc).ok());
    }
    SECTION("points outside the canvas are refused") {
        Strokes out = {{{4096, 0}}};
        CHECK_FALSE(decode_strokes(encode_strokes(out)).ok());
    }
}

TEST_CASE("stroke validation asks for enough ink and bounds the size", "[registry][strokes]") {
    Stroke line;
    for (int i = 0; i < 100; ++i) line.push_back({static_cast<std::uint16_t>(100 + i * 10), 800});
    CHECK(validate_strokes({line}).ok());
    CHECK_FALSE(validate_strokes({}).ok());
    CHECK_FALSE(validate_strokes({{{1, 1}, {2, 2}}}).ok());
    Strokes many(kMaxStrokes + 1, line);
    CHECK_FALSE(validate_strokes(many).ok());
}

TEST_CASE("signature records round-trip and refuse damage", "[registry][record]") {
    SignatureRecord r;
    r.seq = 7;
    r.event_id = 2;
    r.event_name = "Rally";
    r.appeal_id = "free-elections";
    r.lang = "be";
    r.signed_minute = 29000000;
    r.strokes = encode_strokes({{{1, 2}, {3, 4}}});
    r.registrant = {"Аляксандр", "Новік", "PL", "Warszawa", "a@b.pl", "+48123456", "be"};
    r.joined_registry = true;
    r.consents.push_back({Purpose::sign_appeal, Hash{}, "be"});
    Bytes enc = encode_record(r);
    auto back = decode_record(enc);
    REQUIRE(back.ok());
    CHECK(encode_record(*back) == enc);
    CHECK(log_record_hash(*back) == log_record_hash(r));
    for (std::size_t n = 0; n < enc.size(); ++n) CHECK_FALSE(decode_record(std::span(enc.data(), n)).ok());
    r.registrant.family_name = "Novik";
    CHECK(log_record_hash(r) != log_record_hash(*back));
}

TEST_CASE("the largest signature that validates also encodes within every reader's limit", "[registry][strokes]") {
    // Worst case for the encoding: alternating corners, 4 bytes of deltas per point.
    Stroke zigzag;
    for (std::size_t i = 0; i < kMaxPoints; ++i)
        zigzag.push_back(i % 2 ? StrokePoint{4095, 1637} : StrokePoint{0, 0});
    Strokes s{zigzag};
    auto v = validate_strokes(s);
    if (v.ok()) {
        Bytes enc = encode_strokes(s);
        CHECK(enc.size() <= kMaxEncodedStrokes);
        CHECK(decode_strokes(enc).ok());
    } else {
        CHECK(v.message().find("too large") != std::string::npos);
    }
    // And a big but ordinary signature still validates and round-trips.
    Stroke smooth;
    for (std::size_t i = 0; i < 5000; ++i)
        smooth.push_back({static_cast<std::uint16_t>(100 + (i % 3000)), static_cast<std::uint16_t>(800 + (i % 50))});
    REQUIRE(validate_strokes({smooth}).ok());
    CHECK(decode_strokes(encode_strokes({smooth})).ok());
}

TEST_CASE("hostile stroke deltas are refused without overflow", "[registry][strokes]") {
    // version 1, one stroke, two points: (4000, 0) then dx = INT32_MAX (zigzag 0xFFFFFFFE), dy = 0.
    Bytes b = {1, 1, 2, 0xA0, 0x1F, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0};
    CHECK_FALSE(decode_strokes(b).ok());
}
