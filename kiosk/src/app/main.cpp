// embassy-kiosk: the registrant-facing kiosk. Reads like a Dear ImGui example on purpose:
// set up the window, set up the context, run the loop, clean up in reverse order.
//
//   embassy-kiosk [--windowed] [--data-dir DIR] [--demo]
//                 [--frame-stats FILE] [--ui-map FILE]
//                 [--tour (--screenshot-dir DIR | --ui-map-dir DIR) [--text-size 100,130]]
//                 [--input-idle S] [--idle-warning S] [--receipt-idle S] [--volunteer-idle S]
//
// EMBASSY_SCREENSHOT=path.png: on SIGUSR1 the next frame is saved there (for tests).
// EMBASSY_TEST_MEMSCAN=FILE: after every Lock, and on SIGUSR2, the kiosk scans its own memory for
// the canaries in FILE and prints the hit count to stderr (registry/memscan.hpp; for tests).

#include "app.hpp"
#include "x11_guard.hpp"

#include "embassy/data_dir.hpp"
#include "embassy/registry/bytes.hpp"
#include "embassy/registry/memscan.hpp"
#include "embassy/registry/secure.hpp"
#include "embassy/registry/wiped_memory.hpp"
#include "embassy/ui/fonts.hpp"
#include "embassy/ui/theme.hpp"
#include "embassy/ui/widgets.hpp"

#include <imgui.h>
#include <imgui_internal.h>   // the windows' scroll state for --ui-map
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace {

using embassy::app::App;
using embassy::app::Options;
using Ms = std::chrono::duration<double, std::milli>;

App* g_app = nullptr;
volatile std::sig_atomic_t g_screenshot_requested = 0;
volatile std::sig_atomic_t g_memscan_requested = 0;
unsigned g_events = 0;   // bumped by every input callback: the loop draws after each
bool g_geometry_changed = false;   // the window was moved or resized (by us, or by another X client)

// [SECTION] GLFW callbacks. Installed before the ImGui backend, which chains to them.
// The pointer queue stamps a press with the last cursor event's position (signature_pad.hpp):
// never glfwGetCursorPos here, which is where the pointer is after moves still queued behind it.
void OnCursor(GLFWwindow*, double x, double y) {
    ++g_events;
    g_app->Pointer().OnCursor(static_cast<float>(x), static_cast<float>(y));
    g_app->OnInput();
}
void OnButton(GLFWwindow*, int button, int action, int) {
    ++g_events;
    g_app->OnInput();
    if (button != GLFW_MOUSE_BUTTON_LEFT) return;
    g_app->Pointer().OnButton(action == GLFW_PRESS);
}
void OnKey(GLFWwindow*, int key, int, int action, int mods) {
    ++g_events;
    g_app->OnInput();
    if (action == GLFW_REPEAT) return;   // Dear ImGui repeats keys itself; the flow wants the press
    g_app->OnKey(key, mods, action == GLFW_PRESS);
}
void OnChar(GLFWwindow*, unsigned int c) { ++g_events; g_app->OnInput(); g_app->OnChar(c); }
void OnScroll(GLFWwindow*, double, double) { ++g_events; g_app->OnInput(); }
void OnClose(GLFWwindow* w) {
    // Kiosk mode: a close request never closes by itself; the flow decides (volunteer mode may quit).
    glfwSetWindowShouldClose(w, GLFW_FALSE);
    ++g_events;
    g_app->OnCloseRequest();
}
void OnGeometry(GLFWwindow*, int, int) { g_geometry_changed = true; ++g_events; }
void OnGlfwError(int code, const char* text) { std::fprintf(stderr, "embassy-kiosk: GLFW error %d: %s\n", code, text); }
void OnUsr1(int) { g_screenshot_requested = 1; }
void OnUsr2(int) { g_memscan_requested = 1; }

bool SavePng(const std::string& path, int w, int h) {
    std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
    stbi_flip_vertically_on_write(1);
    return stbi_write_png(path.c_str(), w, h, 3, px.data(), w * 3) != 0;
}

void Usage() {
    std::cerr << "usage: embassy-kiosk [--windowed] [--data-dir DIR] [--demo] [--frame-stats FILE]\n"
                 "                     [--ui-map FILE] [--size WxH]\n"
                 "                     [--tour (--screenshot-dir DIR | --ui-map-dir DIR) [--text-size 100,130]]\n"
                 "                     [--input-idle S] [--idle-warning S] [--receipt-idle S] [--volunteer-idle S]\n";
}

bool ParseArgs(int argc, char** argv, Options& o) {
    o.data_dir = embassy::app::default_data_dir();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        auto seconds = [&](std::optional<int>& out) {
            const char* v = value();
            if (!v) return false;
            out = std::atoi(v);
            return *out > 0;
        };
        if (a == "--windowed") o.windowed = true;
        else if (a == "--demo") o.demo = true;
        else if (a == "--tour") o.tour = true;
        else if (a == "--data-dir") { const char* v = value(); if (!v) return false; o.data_dir = v; }
        else if (a == "--frame-stats") { const char* v = value(); if (!v) return false; o.frame_stats = v; }
        else if (a == "--ui-map") { const char* v = value(); if (!v) return false; o.ui_map = v; }
        else if (a == "--screenshot-dir") { const char* v = value(); if (!v) return false; o.screenshot_dir = v; }
        else if (a == "--ui-map-dir") { const char* v = value(); if (!v) return false; o.ui_map_dir = v; }
        else if (a == "--text-size") {   // percentages, comma-separated: 100,130
            const char* v = value();
            if (!v) return false;
            for (const char* p = v; *p != '\0';) {
                char* end = nullptr;
                const long pct = std::strtol(p, &end, 10);
                if (end == p || pct < 50 || pct > 250) return false;
                o.text_sizes.push_back(static_cast<float>(pct) / 100.0f);
                p = *end == ',' ? end + 1 : end;
                if (*end != ',' && *end != '\0') return false;
            }
        }
        else if (a == "--size") {
            const char* v = value();
            if (!v || std::sscanf(v, "%dx%d", &o.width, &o.height) != 2) return false;
        }
        else if (a == "--input-idle") { if (!seconds(o.input_idle)) return false; }
        else if (a == "--idle-warning") { if (!seconds(o.idle_warning)) return false; }
        else if (a == "--receipt-idle") { if (!seconds(o.receipt_idle)) return false; }
        else if (a == "--volunteer-idle") { if (!seconds(o.volunteer_idle)) return false; }
        else return false;
    }
    if (o.tour && o.screenshot_dir.empty() && o.ui_map_dir.empty()) return false;
    return true;
}

std::string WriteUiMap(App& app, const std::string& path, const std::string& last) {
    std::string text = app.UiMapText();
    // Scroll regions, for the swipe test: "scroll:<name> <scroll y> <max>", the name being a child
    // window's own ("##screen/##list_residence_1A2B3C4D" -> list_residence).
    for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
        if (!w->Active || w->ScrollMax.y <= 0.0f || (w->Flags & ImGuiWindowFlags_NoScrollbar)) continue;
        std::string name = w->Name;
        if (const auto slash = name.rfind('/'); slash != std::string::npos) {
            name = name.substr(slash + 1);
            if (const auto id = name.rfind('_'); id != std::string::npos) name.resize(id);
        }
        while (!name.empty() && name.front() == '#') name.erase(0, 1);
        text += "scroll:" + name + " " + std::to_string(static_cast<int>(w->Scroll.y)) + " " +
                std::to_string(static_cast<int>(w->ScrollMax.y)) + "\n";
    }
    // Whether a text field has the focus, and whether a residence country is chosen (yes/no only).
    text += std::string("input_focus ") + (ImGui::GetIO().WantTextInput ? "1" : "0") + "\n";
    text += std::string("country_chosen ") +
            (app.flow().form[embassy::kiosk::Field::country].empty() ? "0" : "1") + "\n";
    if (text == last) return last;
    // Read by the e2e scripts while the kiosk runs: replaced whole, never seen half-written.
    if (!embassy::write_file_atomic(path, embassy::as_bytes(text))) return last;
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    embassy::registry::harden_process();   // first: no core dumps, no ptrace, umask 077
    if (!embassy::registry::memscan::arm_from_env()) return 2;
    Options opts;
    if (!ParseArgs(argc, argv, opts)) {
        Usage();
        return 2;
    }
    if (auto data = embassy::data_dir(); !data) {   // fonts, catalogs: the screens need them
        std::cerr << "embassy-kiosk: " << data.message() << "\n";
        return 1;
    }
    const std::string font_dir = embassy::app::shared_data("fonts").string();
    const auto t_start = std::chrono::steady_clock::now();
    App app(opts);
    g_app = &app;
    std::string error;
    if (!app.Prepare(error)) {
        std::cerr << "embassy-kiosk: " << error << "\n";
        return 1;
    }
    if (opts.demo)
        std::cout << "embassy-kiosk: demo data directory " << opts.data_dir.string() << ", passphrase \""
                  << embassy::app::kDemoPassphrase << "\"\n" << std::flush;
    const auto t_prepared = std::chrono::steady_clock::now();

    // [SECTION] Setup window
    glfwSetErrorCallback(OnGlfwError);
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWmonitor* monitor = opts.windowed ? nullptr : glfwGetPrimaryMonitor();
    int win_w = opts.width, win_h = opts.height;
    if (monitor) {
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        win_w = mode->width;
        win_h = mode->height;
        glfwWindowHint(GLFW_RED_BITS, mode->redBits);
        glfwWindowHint(GLFW_GREEN_BITS, mode->greenBits);
        glfwWindowHint(GLFW_BLUE_BITS, mode->blueBits);
        glfwWindowHint(GLFW_REFRESH_RATE, mode->refreshRate);
    }
    GLFWwindow* window = glfwCreateWindow(win_w, win_h, "People's Embassy kiosk", monitor, nullptr);
    if (!window) {
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    app.AttachWindow(window);
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(window, &sx, &sy);
    app.SetContentScale(std::max(1.0f, sy));

    double cursor_x = -1, cursor_y = -1;   // where a press lands if it comes before any move
    glfwGetCursorPos(window, &cursor_x, &cursor_y);
    app.Pointer().SetCursor(static_cast<float>(cursor_x), static_cast<float>(cursor_y));
    glfwSetCursorPosCallback(window, OnCursor);
    glfwSetMouseButtonCallback(window, OnButton);
    glfwSetKeyCallback(window, OnKey);
    glfwSetCharCallback(window, OnChar);
    glfwSetScrollCallback(window, OnScroll);
    glfwSetWindowCloseCallback(window, OnClose);
    glfwSetWindowPosCallback(window, OnGeometry);
    glfwSetWindowSizeCallback(window, OnGeometry);
    embassy::app::GuardX11(window);   // X errors are logged, not fatal (x11_guard.hpp)

    // [SECTION] Setup Dear ImGui context
    embassy::ui::InstallWipingAllocator();
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // no imgui.ini: nothing written next to the kiosk
    io.LogFilename = nullptr;
    if (!embassy::ui::LoadFonts(app.FontPixels(), font_dir.c_str()))   // ImGui's own font has no Cyrillic
        std::cerr << "embassy-kiosk: fonts not loaded from " << font_dir << "\n";
    embassy::ui::ApplyTheme(app.FontPixels() / 24.0f);
    app.FontsRebuilt();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    embassy::ui::DisableClipboard();

    if (const char* shot = std::getenv("EMBASSY_SCREENSHOT"); shot && *shot) std::signal(SIGUSR1, OnUsr1);
    if (embassy::registry::memscan::armed()) std::signal(SIGUSR2, OnUsr2);
    std::FILE* stats = opts.frame_stats.empty() ? nullptr : std::fopen(opts.frame_stats.c_str(), "w");
    if (stats) std::fprintf(stats, "# frame_ms imgui_cpu_ms screen\n");

    // [SECTION] Main loop
    int redraw = 3;            // frames to draw after something happened (ImGui settles in 2-3)
    bool first_frame = true;
    std::string last_map;
    unsigned seen_events = 0;
    while (!app.WantsQuit()) {
        // Render on events only: sleep until input or the next timer tick (WaitTimeout), then
        // draw a few frames so ImGui settles (hover, popups, layout take 2-3 frames).
        embassy::app::GuardX11(window);   // again: GLFW 3.3 resets the handler to Xlib's fatal default
        if (redraw > 0 || opts.tour) glfwPollEvents();
        else glfwWaitEventsTimeout(app.WaitTimeout());
        // Full screen is the kiosk's: another client that moved or resized the window is undone.
        if (monitor && std::exchange(g_geometry_changed, false)) {
            int x = 0, y = 0, w = 0, h = 0, mx = 0, my = 0;
            glfwGetWindowPos(window, &x, &y);
            glfwGetWindowSize(window, &w, &h);
            glfwGetMonitorPos(monitor, &mx, &my);
            const GLFWvidmode* mode = glfwGetVideoMode(monitor);
            if (mode && (x != mx || y != my || w != mode->width || h != mode->height)) {
                std::fprintf(stderr, "embassy-kiosk: window moved or resized to %dx%d+%d+%d; full screen restored\n", w, h, x, y);
                embassy::app::ReassertX11Geometry(window, mx, my, mode->width, mode->height);
            }
        }
        // Locked since the last frame: everything the frames below this one held goes (the store
        // and the form are wiped already; freed blocks were wiped as they were freed).
        if (app.TakeLocked()) {
            embassy::registry::wiped_memory::scrub_stack();
            embassy::registry::memscan::report("lock");
        }
        if (g_memscan_requested) {
            g_memscan_requested = 0;
            embassy::registry::memscan::report("request");
        }
        if (g_events != seen_events) {
            seen_events = g_events;
            redraw = 3;
        }
        bool changed = app.Update();
        if (app.FontsDirty()) {
            embassy::ui::LoadFonts(app.FontPixels(), font_dir.c_str());
            embassy::ui::ApplyTheme(app.FontPixels() / 24.0f);
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
            app.FontsRebuilt();
            changed = true;
        }
        if (changed) redraw = std::max(redraw, 2);
        const auto t0 = std::chrono::steady_clock::now();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        app.BeginInput();   // touch rules on io.MouseDown/MousePos, once for every screen
        ImGui::NewFrame();
        app.Frame();
        app.DrawInputHints();
        ImGui::Render();
        const auto t1 = std::chrono::steady_clock::now();
        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(window, &fb_w, &fb_h);
        // A tour that only writes ui-maps (the layout test) needs the layout, not the pixels:
        // software GL at 2560x1440 would be most of its time.
        const bool draw = !opts.tour || !opts.screenshot_dir.empty();
        glViewport(0, 0, fb_w, fb_h);
        const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        if (draw) glClear(GL_COLOR_BUFFER_BIT);
        if (draw) ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (opts.tour) {
            const bool more = app.TourStep([&](const std::string& name) {
                const std::string path = opts.screenshot_dir + "/" + name + ".png";
                if (!opts.screenshot_dir.empty() && !SavePng(path, fb_w, fb_h))
                    std::cerr << "embassy-kiosk: cannot write " << path << "\n";
                const std::string map = opts.ui_map_dir + "/" + name + ".map";
                if (!opts.ui_map_dir.empty() && !embassy::write_file_atomic(map, embassy::as_bytes(app.UiMapText())))
                    std::cerr << "embassy-kiosk: cannot write " << map << "\n";
            });
            if (!more) break;
        }
        if (g_screenshot_requested) {
            g_screenshot_requested = 0;
            SavePng(std::getenv("EMBASSY_SCREENSHOT"), fb_w, fb_h);
        }
        if (draw) glfwSwapBuffers(window);
        const auto t2 = std::chrono::steady_clock::now();
        if (first_frame) {
            first_frame = false;
            std::fprintf(stderr, "embassy-kiosk: first frame %.0f ms after start (%.0f ms of it before the window)\n",
                         Ms(t2 - t_start).count(), Ms(t_prepared - t_start).count());
        }
        if (stats) {
            std::fprintf(stats, "%.3f %.3f %s\n", Ms(t2 - t0).count(), Ms(t1 - t0).count(),
                         embassy::kiosk::screen_name(app.flow().screen));
            std::fflush(stats);   // the benchmark reads it while the kiosk runs
        }
        if (!opts.ui_map.empty()) last_map = WriteUiMap(app, opts.ui_map, last_map);
        if (redraw > 0) --redraw;
    }

    // [SECTION] Cleanup, in reverse
    if (stats) std::fclose(stats);
    embassy::ui::WipeInputState();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    g_app = nullptr;
    return 0;
}
