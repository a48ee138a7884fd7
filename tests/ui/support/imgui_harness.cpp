#include "imgui_harness.hpp"

#include "embassy/ui/fonts.hpp"
#include "embassy/ui/theme.hpp"

namespace embassy::ui::test {

ImGuiHarness::ImGuiHarness(bool real_fonts, ImVec2 display) {
    ctx_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(ctx_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // tests must not write imgui.ini
    io.LogFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60.0f;
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;   // big stroke meshes need > 64k vertices
    io.KeyMap[ImGuiKey_Backspace] = 8;
    io.KeyMap[ImGuiKey_A] = 'A';
    io.KeyMap[ImGuiKey_Enter] = 13;
    io.KeyMap[ImGuiKey_Escape] = 27;
    if (real_fonts) fonts_loaded_ = LoadFonts(24.0f, EMBASSY_SOURCE_DIR "/fonts");
    if (!fonts_loaded_) io.Fonts->AddFontDefault();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ApplyTheme(1.0f);
}

ImGuiHarness::~ImGuiHarness() { ImGui::DestroyContext(ctx_); }

void ImGuiHarness::Mouse(float x, float y, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = down;
}

void ImGuiHarness::Frame(const std::function<void()>& body) {
    ImGui::SetCurrentContext(ctx_);
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("test", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    if (body) body();
    ImGui::End();
    ImGui::Render();
}

void ImGuiHarness::ClickAt(float x, float y, const std::function<void()>& body) {
    Mouse(x, y, false);
    Frame(body);
    Mouse(x, y, true);
    Frame(body);
    Mouse(x, y, false);
    Frame(body);
}

}  // namespace embassy::ui::test
