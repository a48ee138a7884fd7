// The signature rule (registry/strokes.hpp): the one the kiosk's Sign screen, KioskStore::submit
// and the coordinator's importer all apply.
#include "embassy/registry/strokes.hpp"

#include <catch2/catch_test_macros.hpp>

using namespace embassy;
using namespace embassy::registry;

namespace {
Stroke line(std::uint16_t from, std::uint16_t to, std::uint16_t y = 800) {
    Stroke s;
    for (std::uint16_t x = from; x < to; x += 10) s.push_back({x, y});
    s.push_back({to, y});
    return s;
}
}  // namespace

TEST_CASE("ink length adds up segment lengths; a lone dot adds none", "[registry][strokes]") {
    CHECK(ink_length(Strokes{}) == 0);
    CHECK(ink_length(Strokes{{{0, 0}, {3, 4}}}) == 5);
    CHECK(ink_length(Strokes{{{0, 0}, {3, 4}, {3, 14}}, {{100, 100}}}) == 15);
}

TEST_CASE("validate_strokes names the rule a signature breaks", "[registry][strokes]") {
    StrokesProblem problem = StrokesProblem::too_large;
    CHECK(validate_strokes({line(100, 100 + static_cast<std::uint16_t>(kMinInk))}, &problem).ok());
    CHECK(problem == StrokesProblem::none);

    CHECK_FALSE(validate_strokes({line(100, 450)}, &problem).ok());
    CHECK(problem == StrokesProblem::too_short);

    Strokes many(kMaxStrokes + 1, line(100, 600));
    CHECK_FALSE(validate_strokes(many, &problem).ok());
    CHECK(problem == StrokesProblem::too_many_strokes);

    Strokes off{line(100, 600)};
    off[0].push_back({100, kCanvasHeight});
    CHECK_FALSE(validate_strokes(off, &problem).ok());
    CHECK(problem == StrokesProblem::outside_canvas);

    Strokes dense;
    for (int i = 0; i < 3; ++i) dense.push_back(Stroke(kMaxPoints / 3 + 1, StrokePoint{200, 200}));
    CHECK_FALSE(validate_strokes(dense, &problem).ok());
    CHECK(problem == StrokesProblem::too_many_points);

    // Without the out-parameter the message alone.
    auto s = validate_strokes({line(100, 450)});
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("too short") != std::string::npos);
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
