#include "support/imgui_harness.hpp"

#include "embassy/ui/signature_pad.hpp"

#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using Catch::Approx;
using embassy::ui::PadStrokes;
using embassy::ui::PointerQueue;
using embassy::ui::test::ImGuiHarness;

namespace {

// Draws a 500x200 pad (5:2) at the window's cursor and records where it landed.
struct PadScene {
    ImGuiHarness h;
    PadStrokes strokes;
    PointerQueue queue;
    ImVec2 origin{-1, -1};
    float width = 500.0f;
    bool use_queue = false;
    bool show = true;
    int changed_frames = 0;

    void Frame() {
        h.Frame([&] {
            ImGui::TextUnformatted("Sign below");
            if (!show) return;
            origin = ImGui::GetCursorScreenPos();
            if (embassy::ui::SignaturePad("Sign here##pad", strokes, ImVec2(width, 0), use_queue ? &queue : nullptr)) {
                ++changed_frames;
            }
        });
    }
    // Screen position of a point given in pad pixels.
    ImVec2 At(float px, float py) const { return ImVec2(origin.x + px, origin.y + py); }
};

}  // namespace

TEST_CASE("a mouse drag sampled once per frame becomes one stroke", "[ui][pad]") {
    PadScene s;
    s.h.Mouse(5, 5, false);
    s.Frame();   // first frame: layout, nothing pressed
    REQUIRE(s.origin.x > 0);
    REQUIRE(s.strokes.strokes.empty());

    // Press at (50,100) px and drag right 10 px per frame for 20 frames.
    for (int i = 0; i <= 20; ++i) {
        const ImVec2 p = s.At(50.0f + 10.0f * static_cast<float>(i), 100.0f);
        s.h.Mouse(p.x, p.y, true);
        s.Frame();
    }
    const ImVec2 end = s.At(250, 100);
    s.h.Mouse(end.x, end.y, false);   // release where the last sample was: no extra point
    s.Frame();

    REQUIRE(s.strokes.strokes.size() == 1);
    const auto& stroke = s.strokes.strokes[0];
    REQUIRE(stroke.size() == 21);
    CHECK(stroke.front().x == Approx(0.1f));
    CHECK(stroke.front().y == Approx(0.5f));
    CHECK(stroke.back().x == Approx(0.5f));
    CHECK(stroke.back().y == Approx(0.5f));
    CHECK(s.changed_frames == 21);
    CHECK(embassy::ui::PadInkLength(s.strokes) == Approx(0.4f).margin(1e-4));

    SECTION("a second drag adds a second stroke, undo removes it, clear removes all") {
        const ImVec2 a = s.At(100, 40), b = s.At(100, 160);
        s.h.Mouse(a.x, a.y, true);
        s.Frame();
        s.h.Mouse(b.x, b.y, true);
        s.Frame();
        s.h.Mouse(b.x, b.y, false);
        s.Frame();
        REQUIRE(s.strokes.strokes.size() == 2);
        CHECK(s.strokes.strokes[1].size() == 2);
        CHECK(s.strokes.strokes[1][0].y == Approx(0.2f));
        CHECK(s.strokes.strokes[1][1].y == Approx(0.8f));
        // 120 px of height on a 500 px wide pad = 0.24 width units.
        CHECK(embassy::ui::PadInkLength(s.strokes) == Approx(0.4f + 0.24f).margin(1e-4));

        embassy::ui::PadUndo(s.strokes);
        REQUIRE(s.strokes.strokes.size() == 1);
        CHECK(s.strokes.strokes[0].size() == 21);
        embassy::ui::PadClear(s.strokes);
        CHECK(s.strokes.strokes.empty());
        CHECK(embassy::ui::PadInkLength(s.strokes) == 0.0f);
        embassy::ui::PadUndo(s.strokes);   // undo on empty is harmless
        CHECK(s.strokes.strokes.empty());
    }
}

TEST_CASE("the pad consumes every queued sample of a frame, not one per frame", "[ui][pad]") {
    PadScene s;
    s.use_queue = true;
    s.h.Mouse(5, 5, false);
    s.Frame();

    // A fast curve: 300 samples between two frames, as a GLFW cursor callback delivers them.
    constexpr int kSamples = 300;
    ImVec2 first{}, last{};
    for (int i = 0; i < kSamples; ++i) {
        const float t = static_cast<float>(i) / (kSamples - 1);
        const ImVec2 p = s.At(20.0f + 460.0f * t, 100.0f + 60.0f * std::sin(t * 6.2831853f));
        if (i == 0) first = p;
        last = p;
        s.queue.Push(p.x, p.y, true);
    }
    s.queue.Push(last.x, last.y, false);
    s.h.Mouse(last.x, last.y, false);   // where ImGui sees the pointer at frame time
    s.Frame();

    REQUIRE(s.strokes.strokes.size() == 1);
    const auto& stroke = s.strokes.strokes[0];
    CHECK(stroke.size() == kSamples);
    CHECK(stroke.front().x == Approx((first.x - s.origin.x) / 500.0f));
    CHECK(stroke.front().y == Approx((first.y - s.origin.y) / 200.0f));
    CHECK(stroke.back().x == Approx((last.x - s.origin.x) / 500.0f));
    CHECK(stroke.back().y == Approx((last.y - s.origin.y) / 200.0f));
    CHECK(s.changed_frames == 1);

    SECTION("samples closer than half a pixel are dropped") {
        const ImVec2 a = s.At(100, 50);
        for (int i = 0; i < 5; ++i) s.queue.Push(a.x + 0.3f * static_cast<float>(i), a.y, true);
        s.queue.Push(a.x + 5.0f, a.y, true);
        s.queue.Push(a.x + 5.0f, a.y, false);   // release on the last point: dropped too
        s.Frame();
        REQUIRE(s.strokes.strokes.size() == 2);
        // Kept: +0, +0.6, +1.2 and +5; +0.3 and +0.9 are 0.3 px from a kept point.
        CHECK(s.strokes.strokes[1].size() == 4);
    }

    SECTION("points are clamped to the pad while dragging outside it") {
        const ImVec2 a = s.At(400, 100);
        s.queue.Push(a.x, a.y, true);
        s.queue.Push(a.x + 300.0f, a.y - 400.0f, true);
        s.queue.Push(a.x + 300.0f, a.y - 400.0f, false);
        s.Frame();
        REQUIRE(s.strokes.strokes.size() == 2);
        CHECK(s.strokes.strokes[1].back().x == 1.0f);
        CHECK(s.strokes.strokes[1].back().y == 0.0f);
    }
}

TEST_CASE("the pad ignores presses that did not start on it", "[ui][pad]") {
    PadScene s;
    s.use_queue = true;
    s.h.Mouse(5, 5, false);
    s.Frame();

    SECTION("a press outside dragged into the pad draws nothing") {
        const ImVec2 out = s.At(250, -30), in = s.At(250, 100);
        s.queue.Push(out.x, out.y, true);
        s.queue.Push(in.x, in.y, true);
        s.queue.Push(in.x + 50, in.y, true);
        s.queue.Push(in.x + 50, in.y, false);
        s.h.Mouse(in.x, in.y, false);
        s.Frame();
        CHECK(s.strokes.strokes.empty());
        CHECK(s.changed_frames == 0);
    }

    SECTION("samples queued while the pad was not shown are discarded") {
        s.show = false;   // e.g. the click on "Next" on the previous screen
        s.Frame();
        const ImVec2 in = s.At(250, 100);
        s.queue.Push(in.x, in.y, true);
        s.queue.Push(in.x + 40, in.y, true);
        s.queue.Push(in.x + 40, in.y, false);
        s.Frame();
        s.show = true;
        s.h.Mouse(in.x, in.y, false);
        s.Frame();
        CHECK(s.strokes.strokes.empty());
        // The next real stroke is captured normally.
        s.queue.Push(in.x, in.y, true);
        s.queue.Push(in.x + 40, in.y, false);
        s.Frame();
        CHECK(s.strokes.strokes.size() == 1);
    }
}

TEST_CASE("the pad caps points per stroke and the number of strokes", "[ui][pad]") {
    PadScene s;
    s.use_queue = true;
    s.h.Mouse(5, 5, false);
    s.Frame();

    // 2,500 samples 1 px apart along a zig-zag in one stroke.
    for (int i = 0; i < 2500; ++i) {
        const ImVec2 p = s.At(10.0f + static_cast<float>(i % 480), 20.0f + static_cast<float>(i / 480) * 20.0f);
        s.queue.Push(p.x, p.y, true);
    }
    s.queue.Push(0, 0, false);
    s.Frame();
    REQUIRE(s.strokes.strokes.size() == 1);
    CHECK(s.strokes.strokes[0].size() == embassy::ui::kPadMaxPointsPerStroke);

    embassy::ui::PadClear(s.strokes);
    s.Frame();
    for (int i = 0; i < 60; ++i) {   // 60 short strokes
        const ImVec2 p = s.At(10.0f + static_cast<float>(i) * 7.0f, 100.0f);
        s.queue.Push(p.x, p.y, true);
        s.queue.Push(p.x + 3.0f, p.y + 3.0f, true);
        s.queue.Push(p.x + 3.0f, p.y + 3.0f, false);
    }
    s.Frame();
    CHECK(s.strokes.strokes.size() == embassy::ui::kPadMaxStrokes);
}

TEST_CASE("the pointer queue keeps order and drops the oldest when full", "[ui][pad]") {
    PointerQueue q;
    for (int i = 0; i < 10; ++i) q.Push(static_cast<float>(i), 0, true);
    std::vector<embassy::ui::PointerSample> out;
    CHECK(q.Drain(out) == 10);
    CHECK(out.front().x == 0.0f);
    CHECK(out.back().x == 9.0f);
    out.clear();
    CHECK(q.Drain(out) == 0);

    const std::size_t n = PointerQueue::kCapacity + 5;
    for (std::size_t i = 0; i < n; ++i) q.Push(static_cast<float>(i), 0, true);
    CHECK(q.Drain(out) == PointerQueue::kCapacity);
    CHECK(out.front().x == 5.0f);
    CHECK(out.back().x == static_cast<float>(n - 1));
    CHECK(q.Dropped() == 5);
}

TEST_CASE("a press that arrives behind queued moves starts the stroke where it was pressed", "[ui][pad][queue]") {
    PadScene s;
    s.use_queue = true;
    s.h.Mouse(5, 5, false);
    s.Frame();
    // One frame's burst, as GLFW delivers it: the move to the press point, the press (no position
    // of its own), three moves, the release. The stroke's first point is the press point.
    const ImVec2 a = s.At(50, 100), b = s.At(150, 60), c = s.At(250, 100), d = s.At(350, 140);
    s.queue.OnCursor(a.x, a.y);
    s.queue.OnButton(true);
    s.queue.OnCursor(b.x, b.y);
    s.queue.OnCursor(c.x, c.y);
    s.queue.OnCursor(d.x, d.y);
    s.queue.OnButton(false);
    s.h.Mouse(d.x, d.y, true);   // what ImGui sees: the button pressed this frame, at the end point
    s.Frame();
    REQUIRE(s.strokes.strokes.size() == 1);
    const auto& st = s.strokes.strokes[0];
    REQUIRE(st.size() == 4);   // the release at d adds no point closer than kPadMinStepPx
    CHECK(st.front().x * 500.0f == Approx(50.0f).margin(0.01));
    CHECK(st.front().y * 200.0f == Approx(100.0f).margin(0.01));
    CHECK(st.back().x * 500.0f == Approx(350.0f).margin(0.01));
}

TEST_CASE("a press before any cursor event lands where the window said the pointer was", "[ui][pad][queue]") {
    PointerQueue q;
    q.SetCursor(12, 34);
    q.OnButton(true);
    q.OnButton(false);
    std::vector<embassy::ui::PointerSample> out;
    REQUIRE(q.Drain(out) == 2);
    CHECK(out[0].x == 12.0f);
    CHECK(out[0].y == 34.0f);
    CHECK(out[0].down);
    CHECK_FALSE(out[1].down);
}

namespace {
// The bounding box of the vertices drawn in the ink colour (with their anti-aliasing fringe).
ImVec4 InkBounds() {
    const ImU32 ink = ImGui::GetColorU32(ImVec4(0.08f, 0.12f, 0.32f, 1.0f)) & ~IM_COL32_A_MASK;
    ImVec4 box(1e9f, 1e9f, -1e9f, -1e9f);
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int n = 0; n < dd->CmdListsCount; ++n) {
        const ImDrawList* dl = dd->CmdLists[n];
        for (const ImDrawVert& v : dl->VtxBuffer) {
            if ((v.col & ~IM_COL32_A_MASK) != ink) continue;
            box = ImVec4(std::min(box.x, v.pos.x), std::min(box.y, v.pos.y), std::max(box.z, v.pos.x), std::max(box.w, v.pos.y));
        }
    }
    return box;
}
}  // namespace

TEST_CASE("a tap is drawn as a round dot as wide as the ink, not a sliver", "[ui][pad][dot]") {
    PadScene s;
    s.width = 1200.0f;   // a kiosk-sized pad: the ink is 5.4 px wide
    s.use_queue = true;
    s.h.Mouse(5, 5, false);
    s.Frame();
    // A finger's tap: press, a 1 px wobble, release.
    const ImVec2 a = s.At(200, 100);
    s.queue.OnCursor(a.x, a.y);
    s.queue.OnButton(true);
    s.queue.OnCursor(a.x + 1, a.y);
    s.queue.OnButton(false);
    s.Frame();
    REQUIRE(s.strokes.strokes.size() == 1);
    s.Frame();   // drawn with the stroke in place
    const float ink = embassy::ui::PadInkWidth(1200.0f);
    const ImVec4 box = InkBounds();
    INFO("ink width " << ink << ", dot " << box.z - box.x << " x " << box.w - box.y);
    CHECK(box.z - box.x >= ink * 0.9f);
    CHECK(box.w - box.y >= ink * 0.9f);
}

TEST_CASE("a sparse fast circle is drawn round: the path passes through every sample", "[ui][pad][smooth]") {
    // Eight samples per turn on a circle of radius 100 px: what a quick loop gives at 60 Hz. One
    // sample more at each end, so the turn measured below is all interior spans.
    constexpr float kPi = 3.14159265f;
    std::vector<ImVec2> samples;
    for (int i = -1; i <= 9; ++i) {
        const float t = static_cast<float>(i) * kPi / 4.0f;
        samples.emplace_back(300.0f + 100.0f * std::cos(t), 300.0f + 100.0f * std::sin(t));
    }
    std::vector<ImVec2> path;
    embassy::ui::PadSmoothPath(samples.data(), samples.size(), path);
    REQUIRE(path.size() > samples.size() * 4);
    // The path from the second sample to the one before last: one full turn.
    // (samples[1] and samples[9] are the same point: the first match for one, the last for the other)
    auto index_of = [&](const ImVec2& p, bool from_end) {
        std::size_t found = path.size();
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (std::hypot(p.x - path[i].x, p.y - path[i].y) >= 0.01f) continue;
            found = i;
            if (!from_end) break;
        }
        return found;
    };
    const std::size_t first = index_of(samples[1], false), last = index_of(samples[samples.size() - 2], true);
    REQUIRE(first < last);
    REQUIRE(last < path.size());
    float lo = 1e9f, hi = 0.0f;
    for (std::size_t i = first; i <= last; ++i) {
        const float r = std::hypot(path[i].x - 300.0f, path[i].y - 300.0f);
        lo = std::min(lo, r);
        hi = std::max(hi, r);
    }
    INFO("drawn radius " << lo << " .. " << hi);
    // Chord midpoints lie at 92.4 px: a path cut to them (the old quadratic-through-midpoints)
    // sags to 92-96; a spline through the samples stays within 2%.
    CHECK(lo >= 98.0f);
    CHECK(hi <= 102.0f);
    for (const ImVec2& p : samples) {
        bool hit = false;
        for (const ImVec2& q : path) hit = hit || std::hypot(p.x - q.x, p.y - q.y) < 0.01f;
        CHECK(hit);
    }
}
