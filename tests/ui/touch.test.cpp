#include "support/imgui_harness.hpp"

#include "embassy/ui/touch.hpp"

#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

using embassy::ui::PointerSample;
using embassy::ui::TouchInput;
using embassy::ui::test::ImGuiHarness;

namespace {

// A 400x300 scroll region holding 40 buttons 40 px tall, and a text field above it.
struct ScrollScene {
    ImGuiHarness h;
    TouchInput touch;
    std::vector<PointerSample> samples;
    int clicked = -1;
    bool field_active = false;
    float scroll = 0.0f;
    ImVec2 list_min{0, 0};
    std::string text;
    ImVec2 field_at{0, 0};

    ImVec2 pos{1, 1};   // the pointer as the GLFW backend would report it
    bool down = false;

    // One frame: what the backend puts in io (a press released within the frame still shows as
    // down, as ImGui_ImplGlfw's "just pressed" does), the touch rules on the frame's samples, the widgets.
    void Frame(bool screen_changed = false) {
        bool down_now = down;
        for (const PointerSample& p : samples) down_now = down_now || p.down;
        h.Mouse(pos.x, pos.y, down_now);
        touch.BeginFrame(samples, screen_changed, nullptr, 10.0f);
        samples.clear();
        h.Frame([&] {
            char buf[32] = {};
            ImGui::InputText("##field", buf, sizeof buf);
            field_at = ImVec2((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) * 0.5f,
                              (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) * 0.5f);
            field_active = ImGui::IsItemActive();
            ImGui::BeginChild("##list", ImVec2(400, 300), true);
            list_min = ImGui::GetWindowPos();
            for (int i = 0; i < 40; ++i) {
                if (ImGui::Button(("row " + std::to_string(i)).c_str(), ImVec2(300, 40))) clicked = i;
            }
            scroll = ImGui::GetScrollY();
            ImGui::EndChild();
        });
    }
    void Sample(float x, float y, bool is_down) {
        samples.push_back(PointerSample{x, y, is_down});
        pos = ImVec2(x, y);
        down = is_down;
    }
};

}  // namespace

TEST_CASE("a drag on a scroll region scrolls it and clicks nothing under the press", "[ui][touch]") {
    ScrollScene s;
    s.Frame();
    s.Frame();
    const float x = s.list_min.x + 100, y = s.list_min.y + 200;
    s.Sample(x, y, true);
    s.Frame();
    CHECK(s.touch.state() == TouchInput::State::Pending);
    for (int i = 1; i <= 10; ++i) {
        s.Sample(x, y - 15.0f * static_cast<float>(i), true);
        s.Frame();
    }
    CHECK(s.touch.state() == TouchInput::State::Scrolling);
    s.Sample(x, y - 150, false);
    s.Frame();
    s.Frame();
    CHECK(s.scroll > 140.0f);   // the content followed the finger (150 px, clamped by nothing here)
    CHECK(s.clicked == -1);
}

TEST_CASE("a tap on a scroll region still clicks the button under it", "[ui][touch]") {
    ScrollScene s;
    s.Frame();
    s.Frame();
    const float x = s.list_min.x + 100, y = s.list_min.y + 30;
    s.Sample(x, y, true);
    s.Sample(x + 3, y, false);   // press and lift within one frame, with a wobble below the threshold
    s.Frame();
    CHECK(s.touch.state() == TouchInput::State::TapDown);
    s.Frame();
    s.Frame();
    CHECK(s.clicked == 0);
    CHECK(s.scroll == 0.0f);
}

TEST_CASE("a press held into a new screen never clicks on it", "[ui][touch]") {
    ScrollScene s;
    s.Frame();
    s.Frame();
    const float x = s.list_min.x + 100, y = s.list_min.y + 30;
    // Pressed outside any scroll region (goes through at once), then the screen changes under it.
    s.Sample(2, 2, true);
    s.Frame();
    s.Sample(x, y, true);
    s.Frame(/*screen_changed=*/true);
    CHECK(s.touch.state() == TouchInput::State::Swallow);
    s.Sample(x, y, false);
    s.Frame();
    s.Frame();
    CHECK(s.clicked == -1);
    // The next press is a real one.
    s.Sample(x, y, true);
    s.Sample(x, y, false);
    s.Frame();
    s.Frame();
    CHECK(s.clicked == 0);
}

TEST_CASE("after a screen change the pointer is hidden until it moves", "[ui][touch]") {
    ScrollScene s;
    s.Frame();
    s.Frame(/*screen_changed=*/true);
    CHECK(s.touch.pointer_hidden());
    CHECK(ImGui::GetIO().MousePos.x < -1e30f);   // nothing hovered on the new screen
    s.Sample(50, 50, false);
    s.Frame();
    CHECK_FALSE(s.touch.pointer_hidden());
}

TEST_CASE("a press outside every scroll region goes through at once", "[ui][touch]") {
    ScrollScene s;
    s.Frame();
    s.Frame();
    // The field is outside the scroll region: the press reaches it in the same frame (no tap delay).
    s.Sample(s.field_at.x, s.field_at.y, true);
    s.Frame();
    CHECK(s.touch.state() == TouchInput::State::Through);
    CHECK(s.field_active);
    s.Sample(s.field_at.x, s.field_at.y, false);
    s.Frame();
}

TEST_CASE("Escape hidden from Dear ImGui leaves the field being typed as it is", "[ui][touch][escape]") {
    ImGuiHarness h;
    char buf[32] = {};
    ImVec2 centre(0, 0);
    bool active = false;
    auto body = [&] {
        ImGui::InputText("##f", buf, sizeof buf);
        centre = ImVec2((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) * 0.5f,
                        (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) * 0.5f);
        active = ImGui::IsItemActive();
    };
    h.Mouse(1, 1, false);
    h.Frame(body);
    h.ClickAt(centre.x, centre.y, body);   // focus the field
    REQUIRE(active);
    ImGuiIO& io = ImGui::GetIO();
    io.AddInputCharactersUTF8("Anna");
    h.Frame(body);
    REQUIRE(std::string(buf) == "Anna");
    SECTION("with SuppressEscape the text stays") {
        io.KeysDown[27] = true;
        embassy::ui::SuppressEscape(io);
        h.Frame(body);
        io.KeysDown[27] = false;
        h.Frame(body);
        CHECK(std::string(buf) == "Anna");
    }
    SECTION("without it Dear ImGui reverts the field (what public mode must not do)") {
        io.KeysDown[27] = true;
        h.Frame(body);
        io.KeysDown[27] = false;
        h.Frame(body);
        CHECK(std::string(buf).empty());
    }
}
