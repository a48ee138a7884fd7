// Touch gestures for the whole frame: see touch.hpp for the rules. Everything here runs before
// ImGui::NewFrame and works on the previous frame's windows (their rectangles and scroll limits
// are what the person saw when they pressed).
#include "embassy/ui/touch.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace embassy::ui {

ImGuiWindow* ScrollRegionAt(ImVec2 at) {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    // Dear ImGui 1.86's FindHoveredWindow (static there): g.Windows is back to front, a child after
    // its parent, so the first window from the end whose clipped rectangle holds the point is it.
    ImGuiWindow* hovered = nullptr;
    for (int i = g.Windows.Size - 1; i >= 0; --i) {
        ImGuiWindow* w = g.Windows[i];
        if (!w->Active || w->Hidden || (w->Flags & ImGuiWindowFlags_NoMouseInputs)) continue;
        if (!w->OuterRectClipped.Contains(at)) continue;
        hovered = w;
        break;
    }
    if (hovered == nullptr) return nullptr;
    if (ImGuiWindow* modal = ImGui::GetTopMostPopupModal(); modal && hovered->RootWindow != modal && !ImGui::IsWindowChildOf(hovered, modal, true))
        return nullptr;   // behind a modal: nothing there may move
    for (ImGuiWindow* w = hovered; w != nullptr; w = w->ParentWindow) {
        if (w->ScrollMax.y > 0.0f && !(w->Flags & (ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)))
            return w;
        if (w->Flags & ImGuiWindowFlags_Popup) break;   // a popup's drag never scrolls what is under it
    }
    return nullptr;
}

void SuppressEscape(ImGuiIO& io) {
    const int key = io.KeyMap[ImGuiKey_Escape];
    if (key >= 0 && key < IM_ARRAYSIZE(io.KeysDown)) io.KeysDown[key] = false;
}

void TouchInput::Press(ImVec2 at, const ImRect* no_drag) {
    press_ = at;
    hidden_ = false;
    ImGuiWindow* region = (no_drag && no_drag->Contains(at)) ? nullptr : ScrollRegionAt(at);
    if (region == nullptr) {
        state_ = State::Through;
        return;
    }
    state_ = State::Pending;
    target_ = region->ID;
    scroll_start_ = region->Scroll.y;
}

void TouchInput::BeginFrame(const std::vector<PointerSample>& samples, bool screen_changed, const ImRect* no_drag,
                            float drag_threshold) {
    ImGuiIO& io = ImGui::GetIO();
    if (state_ == State::TapDown) state_ = State::Idle;   // the replayed tap is released this frame
    bool release_now = false;
    if (screen_changed) {
        hidden_ = true;
        if (down_ || io.MouseDown[0]) state_ = State::Swallow;
        else if (state_ != State::Idle) state_ = State::Idle;
    }
    for (const PointerSample& s : samples) {
        const ImVec2 at(s.x, s.y);
        const bool press = s.down && !down_;
        const bool release = !s.down && down_;
        down_ = s.down;
        if (!s.down && !release) hidden_ = false;   // a plain move shows the pointer again
        if (press) {
            if (state_ != State::Swallow) Press(at, no_drag);
            continue;
        }
        if (release) {
            if (state_ == State::Pending) {
                state_ = State::TapDown;   // replay the press now, the release next frame
            } else {
                if (state_ == State::Scrolling || state_ == State::Swallow) release_now = true;
                state_ = State::Idle;
            }
            continue;
        }
        if (!s.down) continue;
        if (state_ == State::Pending &&
            std::hypot(at.x - press_.x, at.y - press_.y) > drag_threshold) state_ = State::Scrolling;
        if (state_ == State::Scrolling) {
            if (ImGuiWindow* w = ImGui::FindWindowByID(target_))
                ImGui::SetScrollY(w, std::clamp(scroll_start_ + (press_.y - at.y), 0.0f, w->ScrollMax.y));
        }
    }
    switch (state_) {
        case State::Pending:
        case State::Scrolling:
        case State::Swallow:
            io.MouseDown[0] = false;   // Dear ImGui never sees this press
            break;
        case State::TapDown:
            io.MouseDown[0] = true;
            io.MousePos = press_;
            break;
        case State::Idle:
            // A drag or a swallowed press ended this frame: the backend may still report the
            // button as just pressed (press and release in one frame); it was not a click.
            if (release_now) io.MouseDown[0] = false;
            break;
        case State::Through:
            break;
    }
    if (hidden_) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

}  // namespace embassy::ui
