// The wipe routines zero the very bytes that held personal data, before the allocator gets them back.
#include "embassy/kiosk/form.hpp"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include <algorithm>
#include <cstring>

using namespace embassy::kiosk;

namespace {
const std::string canary = "CANARY-Kastus-Kalinouski-" + std::string(200, 'Z');  // far beyond SSO size

// True when none of the `n` bytes at p is non-zero. Reads the old buffer through a pointer taken
// before the wipe: zero_in_place keeps the allocation, so the memory is still ours to read.
bool all_zero(const char* p, std::size_t n) {
    return std::all_of(p, p + n, [](char c) { return c == 0; });
}
}  // namespace

TEST_CASE("zero_in_place zeroes a string's whole buffer and keeps it", "[kiosk][wipe]") {
    std::string s = canary;
    SECTION("as typed") {}
    SECTION("after editing down to a shorter value, the old tail is zeroed too") { s.assign("ab"); }
    const char* p = s.data();
    const std::size_t cap = s.capacity();
    REQUIRE(cap >= canary.size());
    REQUIRE(std::memcmp(p + 3, canary.data() + 3, 10) == 0);  // the old tail is really there before

    zero_in_place(s);
    CHECK(s.empty());
    CHECK(s.data() == p);            // same allocation
    CHECK(all_zero(p, cap));
}

TEST_CASE("zero_in_place works on short (in-object) strings too", "[kiosk][wipe]") {
    std::string s = "Minsk";
    const char* p = s.data();
    const std::size_t cap = s.capacity();
    zero_in_place(s);
    CHECK(all_zero(p, cap));
}

TEST_CASE("wipe releases the buffer", "[kiosk][wipe]") {
    std::string s = canary;
    wipe(s);
    CHECK(s.empty());
    CHECK(s.capacity() < canary.size());
}

TEST_CASE("stroke points are zeroed in place", "[kiosk][wipe]") {
    embassy::registry::Strokes strokes(2);
    for (std::uint16_t i = 1; i <= 100; ++i) strokes[0].push_back({i, i});
    strokes[1] = {{4000, 1600}};
    auto* p0 = reinterpret_cast<const char*>(strokes[0].data());
    auto n0 = strokes[0].capacity() * sizeof(embassy::registry::StrokePoint);
    auto* p1 = reinterpret_cast<const char*>(strokes[1].data());
    zero_in_place(strokes);
    CHECK(all_zero(p0, n0));
    CHECK(all_zero(p1, sizeof(embassy::registry::StrokePoint)));
    wipe(strokes);
    CHECK(strokes.empty());
}

TEST_CASE("Form::zero_in_place reaches every buffer of the form", "[kiosk][wipe]") {
    Form f;
    f.lang = "be-Latn-" + canary;
    f.appeal_id = canary;
    for (auto& t : f.text) t = canary;
    for (auto& e : f.errors) e = canary;
    f.consent_error = canary;
    f.signature_error = canary;
    f.strokes = {{{1, 2}, {3, 4}}};
    f.consents = {true, true, true, true};
    f.cannot_sign = f.typed_name_confirmed = true;

    std::vector<std::pair<const char*, std::size_t>> buffers;
    auto keep = [&](const std::string& s) { buffers.emplace_back(s.data(), s.capacity()); };
    keep(f.lang);
    keep(f.appeal_id);
    for (auto& t : f.text) keep(t);
    for (auto& e : f.errors) keep(e);
    keep(f.consent_error);
    keep(f.signature_error);
    const auto* stroke = reinterpret_cast<const char*>(f.strokes[0].data());

    f.zero_in_place();
    for (auto [p, n] : buffers) CHECK(all_zero(p, n));
    CHECK(all_zero(stroke, 2 * sizeof(embassy::registry::StrokePoint)));

    f.wipe();
    CHECK(f.empty());
    CHECK(f.lang.empty());
    for (bool c : f.consents) CHECK_FALSE(c);
    CHECK_FALSE(f.cannot_sign);
    CHECK_FALSE(f.typed_name_confirmed);
}

TEST_CASE("a Submission copy can be wiped by the app", "[kiosk][wipe]") {
    embassy::registry::Submission s;
    s.registrant.given_name = canary;
    s.registrant.email = canary;
    s.typed_name = canary;
    s.strokes = {{{1, 1}}};
    s.consents.push_back({embassy::registry::Purpose::sign_appeal, {}, "be"});
    wipe(s);
    CHECK(s.registrant.given_name.empty());
    CHECK(s.registrant.email.empty());
    CHECK(s.typed_name.empty());
    CHECK(s.strokes.empty());
    CHECK(s.consents.empty());
}

TEST_CASE("purposes map to form indices and back", "[kiosk][form]") {
    auto p = GENERATE(embassy::registry::Purpose::sign_appeal, embassy::registry::Purpose::join_registry,
                      embassy::registry::Purpose::be_contacted, embassy::registry::Purpose::pass_name_to_addressee);
    CHECK(purpose_index(p) < purpose_count);
    CHECK(purpose_at(purpose_index(p)) == p);
}
