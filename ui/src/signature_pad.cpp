// Signature pad: pointer samples -> normalised vector strokes, drawn as smoothed paths.
//
// Per-pad state lives in the window's ImGuiStorage (so it belongs to the ImGui context):
//   mode  Idle: button up; Drawing: a stroke is being captured; Blocked: the button went down
//         somewhere we must not draw (outside the pad, behind a popup, before the pad appeared)
//         and everything is ignored until it is released.
//   frame the frame the pad was last drawn; a gap means the samples waiting in the queue belong
//         to another screen (e.g. the click on "Next" that brought us here) and are discarded.
#include "embassy/ui/signature_pad.hpp"

#include "embassy/ui/theme.hpp"

#include <imgui_internal.h>   // FindRenderedTextEnd

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <cstring>

namespace embassy::ui {

// [SECTION] PointerQueue

void PointerQueue::Push(float x, float y, bool down) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t tail = (head_ + count_) % kCapacity;
    ring_[tail] = PointerSample{x, y, down};
    if (count_ < kCapacity) {
        ++count_;
    } else {
        head_ = (head_ + 1) % kCapacity;   // full: the oldest sample is overwritten
        ++dropped_;
    }
}

std::size_t PointerQueue::Drain(std::vector<PointerSample>& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t n = count_;
    out.reserve(out.size() + n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(ring_[(head_ + i) % kCapacity]);
    head_ = 0;
    count_ = 0;
    return n;
}

void PointerQueue::OnCursor(float x, float y) {
    bool down = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cursor_x_ = x;
        cursor_y_ = y;
        down = button_down_;
    }
    Push(x, y, down);
}

void PointerQueue::OnButton(bool down) {
    float x = 0, y = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        button_down_ = down;
        x = cursor_x_;
        y = cursor_y_;
    }
    Push(x, y, down);
}

void PointerQueue::SetCursor(float x, float y) {
    std::lock_guard<std::mutex> lock(mutex_);
    cursor_x_ = x;
    cursor_y_ = y;
}

void PointerQueue::Clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    head_ = 0;
    count_ = 0;
}

std::size_t PointerQueue::Dropped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return dropped_;
}

// [SECTION] Stroke helpers

namespace {

enum PadMode : int { kIdle = 0, kDrawing = 1, kBlocked = 2 };

void ZeroStroke(PadStroke& s) {
    if (!s.empty()) std::memset(static_cast<void*>(s.data()), 0, s.size() * sizeof(PadPoint));
    s.clear();
}

// The largest 5:2 rectangle inside `want` (x <= 0: available width; y <= 0: unlimited).
ImVec2 PadSize(ImVec2 want) {
    float w = want.x > 0.0f ? want.x : ImGui::GetContentRegionAvail().x;
    w = std::max(w, 50.0f);
    float h = w / kPadAspect;
    if (want.y > 0.0f && h > want.y) {
        h = want.y;
        w = h * kPadAspect;
    }
    return ImVec2(std::floor(w), std::floor(w / kPadAspect));
}

ImVec2 ToScreen(const PadPoint& p, const ImVec2& min, const ImVec2& size) {
    return ImVec2(min.x + p.x * size.x, min.y + p.y * size.y);
}

PadRect g_last_rect;   // the kiosk shows one pad at a time

ImVec2 Lerp3(const ImVec2& a, float wa, const ImVec2& b, float wb, const ImVec2& c, float wc, float div) {
    return ImVec2((a.x * wa + b.x * wb + c.x * wc) / div, (a.y * wa + b.y * wb + c.y * wc) / div);
}

void DrawStroke(ImDrawList* dl, const PadStroke& s, const ImVec2& min, const ImVec2& size,
                ImU32 col, float thickness) {
    if (s.empty()) return;
    static thread_local std::vector<ImVec2> px, path;   // reused: no allocation per frame
    px.clear();
    path.clear();
    ImVec2 lo(FLT_MAX, FLT_MAX), hi(-FLT_MAX, -FLT_MAX);
    for (const PadPoint& p : s) {
        px.push_back(ToScreen(p, min, size));
        lo = ImVec2(std::min(lo.x, px.back().x), std::min(lo.y, px.back().y));
        hi = ImVec2(std::max(hi.x, px.back().x), std::max(hi.y, px.back().y));
    }
    const float r = thickness * 0.5f;
    // A tap (or a stroke shorter than the ink is wide) is a round dot of the ink's width: as a
    // line it would be a 1 px sliver, because thick polylines in Dear ImGui have square, flat ends.
    if (std::max(hi.x - lo.x, hi.y - lo.y) < thickness) {
        dl->AddCircleFilled(ImVec2((lo.x + hi.x) * 0.5f, (lo.y + hi.y) * 0.5f), r, col, 16);
        return;
    }
    PadSmoothPath(px.data(), px.size(), path);
    dl->AddPolyline(path.data(), static_cast<int>(path.size()), col, 0, thickness);
    dl->AddCircleFilled(path.front(), r, col, 12);   // round caps: the ends look like a pen's
    dl->AddCircleFilled(path.back(), r, col, 12);
}

}  // namespace

float PadInkWidth(float pad_width) { return std::max(1.5f, pad_width * 0.0045f); }

PadRect LastPadRect() { return g_last_rect; }

void PadSmoothPath(const ImVec2* p, std::size_t n, std::vector<ImVec2>& out) {
    if (n == 0) return;
    out.push_back(p[0]);
    if (n == 1) return;
    auto dist = [](const ImVec2& a, const ImVec2& b) { return std::hypot(a.x - b.x, a.y - b.y); };
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const ImVec2& p1 = p[i];
        const ImVec2& p2 = p[i + 1];
        // The ends are extended by reflection, so the first and last spans leave and reach their
        // samples along the chord.
        const ImVec2 p0 = i > 0 ? p[i - 1] : ImVec2(2 * p1.x - p2.x, 2 * p1.y - p2.y);
        const ImVec2 p3 = i + 2 < n ? p[i + 2] : ImVec2(2 * p2.x - p1.x, 2 * p2.y - p1.y);
        const float len = dist(p1, p2);
        if (len < 1e-3f) continue;
        // Centripetal parameterisation (alpha = 0.5): no cusps or loops where sample spacing jumps,
        // which a fast stroke's samples always do. Converted to one cubic Bezier per span.
        const float d1 = std::sqrt(std::max(dist(p0, p1), 1e-3f));
        const float d2 = std::sqrt(len);
        const float d3 = std::sqrt(std::max(dist(p2, p3), 1e-3f));
        const ImVec2 b1 = Lerp3(p2, d1 * d1, p0, -d2 * d2, p1, 2 * d1 * d1 + 3 * d1 * d2 + d2 * d2,
                                3 * d1 * (d1 + d2));
        const ImVec2 b2 = Lerp3(p1, d3 * d3, p3, -d2 * d2, p2, 2 * d3 * d3 + 3 * d3 * d2 + d2 * d2,
                                3 * d3 * (d3 + d2));
        const int segments = std::clamp(static_cast<int>(len / 3.0f), 1, 16);   // ~3 px per segment
        for (int k = 1; k <= segments; ++k) {
            const float t = static_cast<float>(k) / static_cast<float>(segments);
            const float u = 1.0f - t;
            const float w0 = u * u * u, w1 = 3 * u * u * t, w2 = 3 * u * t * t, w3 = t * t * t;
            out.emplace_back(w0 * p1.x + w1 * b1.x + w2 * b2.x + w3 * p2.x,
                             w0 * p1.y + w1 * b1.y + w2 * b2.y + w3 * p2.y);
        }
    }
}

void PadUndo(PadStrokes& strokes) {
    if (strokes.strokes.empty()) return;
    ZeroStroke(strokes.strokes.back());
    strokes.strokes.pop_back();
}

void PadClear(PadStrokes& strokes) {
    for (PadStroke& s : strokes.strokes) ZeroStroke(s);
    strokes.strokes.clear();
}

float PadInkLength(const PadStrokes& strokes) {
    double total = 0.0;
    for (const PadStroke& s : strokes.strokes) {
        for (std::size_t i = 1; i < s.size(); ++i) {
            const double dx = s[i].x - s[i - 1].x;
            const double dy = (s[i].y - s[i - 1].y) / kPadAspect;   // y units -> width units
            total += std::sqrt(dx * dx + dy * dy);
        }
    }
    return static_cast<float>(total);
}

std::size_t PadPointCount(const PadStrokes& strokes) {
    std::size_t n = 0;
    for (const PadStroke& s : strokes.strokes) n += s.size();
    return n;
}

// [SECTION] SignaturePad

bool SignaturePad(const char* id, PadStrokes& strokes, ImVec2 size, PointerQueue* queue) {
    if (queue == nullptr) return SignaturePad(id, strokes, size, static_cast<const std::vector<PointerSample>*>(nullptr));
    static thread_local std::vector<PointerSample> drained;   // reused: no allocation per frame
    drained.clear();
    queue->Drain(drained);
    return SignaturePad(id, strokes, size, &drained);
}

bool SignaturePad(const char* id, PadStrokes& strokes, ImVec2 size, const std::vector<PointerSample>* frame_samples) {
    ImGuiIO& io = ImGui::GetIO();
    const ImVec2 pad = PadSize(size);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 max(min.x + pad.x, min.y + pad.y);

    ImGui::PushID(id);
    ImGuiStorage* store = ImGui::GetStateStorage();
    const ImGuiID key_mode = ImGui::GetID("mode");
    const ImGuiID key_frame = ImGui::GetID("frame");
    const ImGuiID key_count = ImGui::GetID("count");   // strokes.size() while drawing
    // The invisible button claims the area, so a drag on the pad never moves or scrolls the window.
    ImGui::InvisibleButton("pad", pad);
    const bool may_start =
        ImGui::IsWindowHovered(ImGuiHoveredFlags_RootAndChildWindows |
                               ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);

    static thread_local std::vector<PointerSample> samples;   // reused: no allocation per frame
    samples.clear();
    if (frame_samples != nullptr) {
        samples.insert(samples.end(), frame_samples->begin(), frame_samples->end());
    } else {
        samples.push_back(PointerSample{io.MousePos.x, io.MousePos.y, io.MouseDown[0]});
    }

    int mode = store->GetInt(key_mode, kIdle);
    const int frame = ImGui::GetFrameCount();
    if (store->GetInt(key_frame, -10) != frame - 1) {
        // The pad was not on screen last frame: whatever is queued happened elsewhere (e.g. the
        // press on "Next" that brought us here), so it is dropped and a held button is ignored.
        const bool down = samples.empty() ? io.MouseDown[0] : samples.back().down;
        mode = down ? kBlocked : kIdle;
        samples.clear();
    } else if (mode == kDrawing &&
               store->GetInt(key_count, -1) != static_cast<int>(strokes.strokes.size())) {
        mode = kBlocked;   // the app undid or cleared mid-stroke: do not extend another stroke
    }
    store->SetInt(key_frame, frame);
    g_last_rect = PadRect{min, max, frame};

    bool changed = false;
    const float min_step2 = kPadMinStepPx * kPadMinStepPx;
    for (const PointerSample& s : samples) {
        const bool inside = s.x >= min.x && s.x < max.x && s.y >= min.y && s.y < max.y;
        if (mode == kIdle && s.down) {
            if (inside && may_start && strokes.strokes.size() < kPadMaxStrokes) {
                strokes.strokes.emplace_back();
                strokes.strokes.back().reserve(256);
                mode = kDrawing;
            } else {
                mode = kBlocked;
                continue;
            }
        } else if (mode == kBlocked) {
            if (!s.down) mode = kIdle;
            continue;
        } else if (mode == kIdle) {
            continue;
        }
        // kDrawing: record this sample (the release sample too: it is where the finger lifted).
        PadStroke& stroke = strokes.strokes.back();
        const PadPoint p{std::clamp((s.x - min.x) / pad.x, 0.0f, 1.0f),
                         std::clamp((s.y - min.y) / pad.y, 0.0f, 1.0f)};
        bool keep = stroke.size() < kPadMaxPointsPerStroke;
        if (keep && !stroke.empty()) {
            const float dx = (p.x - stroke.back().x) * pad.x;
            const float dy = (p.y - stroke.back().y) * pad.y;
            keep = dx * dx + dy * dy >= min_step2;
        }
        if (keep) {
            stroke.push_back(p);
            changed = true;
        }
        if (!s.down) mode = kIdle;
    }
    store->SetInt(key_mode, mode);
    store->SetInt(key_count, static_cast<int>(strokes.strokes.size()));

    // Drawing: white paper, a baseline with a cross, the hint while empty, then the ink.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float scale = ThemeScale();
    dl->AddRectFilled(min, max, ImGui::GetColorU32(colors::Paper()), 8.0f * scale);
    dl->AddRect(min, max, ImGui::GetColorU32(colors::Border()), 8.0f * scale, 0, 1.5f * scale);
    const ImU32 guide = ImGui::GetColorU32(colors::TextMuted());
    const float base_y = std::floor(min.y + pad.y * 0.72f) + 0.5f;
    const float x0 = min.x + pad.x * 0.06f;
    const float x1 = min.x + pad.x * 0.94f;
    dl->AddLine(ImVec2(x0, base_y), ImVec2(x1, base_y), guide, 1.5f * scale);
    const float cross = pad.y * 0.05f;
    const ImVec2 cc(x0 + cross, base_y - cross * 2.0f);
    dl->AddLine(ImVec2(cc.x - cross, cc.y - cross), ImVec2(cc.x + cross, cc.y + cross), guide, 2.0f * scale);
    dl->AddLine(ImVec2(cc.x - cross, cc.y + cross), ImVec2(cc.x + cross, cc.y - cross), guide, 2.0f * scale);
    if (strokes.strokes.empty()) {
        const char* hint_end = ImGui::FindRenderedTextEnd(id);
        if (hint_end != id) {
            const ImVec2 ts = ImGui::CalcTextSize(id, hint_end);
            const ImVec2 at(min.x + (pad.x - ts.x) * 0.5f, base_y + (max.y - base_y - ts.y) * 0.5f);
            ImVec4 faint = colors::TextMuted();
            faint.w = 0.75f;
            dl->AddText(at, ImGui::GetColorU32(faint), id, hint_end);
        }
    }
    dl->PushClipRect(min, max, true);
    const float thickness = PadInkWidth(pad.x);
    const ImU32 ink = ImGui::GetColorU32(ImVec4(0.08f, 0.12f, 0.32f, 1.0f));   // dark blue ink
    for (const PadStroke& s : strokes.strokes) DrawStroke(dl, s, min, pad, ink, thickness);
    dl->PopClipRect();

    ImGui::PopID();
    return changed;
}

}  // namespace embassy::ui
