// Headless Dear ImGui for widget tests: a context with a built font atlas and no renderer.
// Each Frame() runs NewFrame, one full-screen window, the body, End and Render.
#pragma once

#include <imgui.h>

#include <functional>

namespace embassy::ui::test {

class ImGuiHarness {
public:
    // real_fonts: build the Noto atlas from the source tree's fonts/ (else ImGui's default font).
    explicit ImGuiHarness(bool real_fonts = false, ImVec2 display = ImVec2(1280, 800));
    ~ImGuiHarness();
    ImGuiHarness(const ImGuiHarness&) = delete;
    ImGuiHarness& operator=(const ImGuiHarness&) = delete;

    void Frame(const std::function<void()>& body);
    // Sets the mouse for the next frame (pre-1.87 input API: io.MousePos / io.MouseDown).
    void Mouse(float x, float y, bool down);
    // Three frames: move there with the button up, press, release.
    void ClickAt(float x, float y, const std::function<void()>& body);

    ImGuiContext* context() const { return ctx_; }
    bool fonts_loaded() const { return fonts_loaded_; }

private:
    ImGuiContext* ctx_ = nullptr;
    bool fonts_loaded_ = false;
};

}  // namespace embassy::ui::test
