// Touch gestures for the whole frame, applied ONCE between the backend's NewFrame (which fills
// io.MousePos / io.MouseDown from GLFW) and ImGui::NewFrame, so no screen handles them itself:
//
//  - drag to scroll: a press on a scroll region (a window that can scroll vertically and does not
//    say NoScrollbar / NoScrollWithMouse) is held back from Dear ImGui. If the finger then moves
//    more than `drag_threshold` pixels, it scrolls the region that was under the press and the
//    widget under it never sees the press (no focus, no click); if it lifts first, the press is
//    replayed at its own position for one frame and released the next (a tap; one frame late).
//    Presses on the signature pad (`no_drag`) and outside scroll regions go through at once.
//  - a new screen: the pointer is hidden from Dear ImGui until it moves or presses again (no
//    hover highlight carried over), and a press that began on the previous screen is swallowed
//    until it is released (it never clicks on the new one).
//
// Positions come from the frame's pointer samples in arrival order (PointerQueue), not from
// io.MousePos, which is only where the pointer was when the frame began.
#pragma once

#include "embassy/ui/signature_pad.hpp"

#include <imgui.h>
#include <imgui_internal.h>   // ImRect, ImGuiWindow

#include <vector>

namespace embassy::ui {

class TouchInput {
public:
    enum class State { Idle, Through, Pending, Scrolling, TapDown, Swallow };

    // Call between the backend's NewFrame and ImGui::NewFrame. `screen_changed`: the app shows
    // another screen than in the previous frame. `no_drag`: a rectangle where a drag must draw,
    // not scroll (the signature pad as drawn last frame), or null.
    void BeginFrame(const std::vector<PointerSample>& samples, bool screen_changed, const ImRect* no_drag,
                    float drag_threshold);

    State state() const { return state_; }
    bool pointer_hidden() const { return hidden_; }

private:
    void Press(ImVec2 at, const ImRect* no_drag);

    State state_ = State::Idle;
    bool down_ = false;           // the button as the samples last said
    bool hidden_ = false;
    ImVec2 press_{0, 0};
    ImGuiID target_ = 0;          // the scroll region under the press (window id)
    float scroll_start_ = 0.0f;
};

// Public mode: Dear ImGui's InputText reverts (erases) the field being typed on Escape; the kiosk
// hides the key from Dear ImGui (the flow still gets it from the key callback). Call before NewFrame.
void SuppressEscape(ImGuiIO& io);

// The window under `at` that a vertical drag there should scroll, from the last frame's windows
// (ImGui's own hover rule, then up through the parents to the first that can scroll); null if none
// or if a modal popup covers it.
ImGuiWindow* ScrollRegionAt(ImVec2 at);

}  // namespace embassy::ui
