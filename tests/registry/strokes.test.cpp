// The signature rule (registry/strokes.hpp): the one the kiosk's Sign screen, KioskStore::submit
// and the coordinator's importer all apply.
#include "embassy/registry/strokes.hpp"

#include <catch2/catch_test_macros.hpp>

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
