// Signature pad: captures pointer strokes as vectors (points only: no timestamps, no pressure,
// so the stored signature is not biometric data) and draws them smoothed.
//
// Pointer samples: Dear ImGui only sees one mouse position per frame, which turns a fast
// signature into a polygon. The app therefore pushes every GLFW cursor/button event into a
// PointerQueue and the pad consumes all of them each frame:
//
//     static embassy::ui::PointerQueue g_pointer;
//     void on_cursor(GLFWwindow* w, double x, double y) {
//         g_pointer.Push(float(x), float(y), glfwGetMouseButton(w, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS);
//     }
//     void on_button(GLFWwindow* w, int button, int action, int) {
//         if (button != GLFW_MOUSE_BUTTON_LEFT) return;
//         double x, y; glfwGetCursorPos(w, &x, &y);
//         g_pointer.Push(float(x), float(y), action == GLFW_PRESS);
//     }
//     // Install both before ImGui_ImplGlfw_InitForOpenGL(window, true): the 1.86 backend saves
//     // and chains to a previously installed mouse-button callback; it installs no cursor-pos
//     // callback of its own (it polls the cursor every frame).
//
// Coordinates are window coordinates, the same units as io.MousePos. Touch screens reach GLFW
// 3.3 as emulated mouse input, so they need nothing more. The queue must be drained every frame
// the pad is shown; samples that pile up while no pad is visible are discarded when it reappears.
#pragma once

#include <imgui.h>

#include <array>
#include <cstddef>
#include <mutex>
#include <vector>

namespace embassy::ui {

// A point normalised to the pad: x in [0,1] left to right, y in [0,1] top to bottom. The pad's
// aspect is always 5:2 (width:height), so one unit of y is 0.4 units of x.
struct PadPoint {
    float x, y;
};
using PadStroke = std::vector<PadPoint>;
struct PadStrokes {
    std::vector<PadStroke> strokes;
};

inline constexpr float kPadAspect = 2.5f;              // width / height
inline constexpr std::size_t kPadMaxPointsPerStroke = 2000;
inline constexpr std::size_t kPadMaxStrokes = 50;
inline constexpr float kPadMinStepPx = 0.5f;           // closer samples are dropped

struct PointerSample {
    float x, y;   // window coordinates (pixels)
    bool down;    // left button / touch held
};

// A small ring buffer of pointer samples between two frames. Push() may be called from GLFW
// callbacks (main thread) or another thread; it never allocates. When more than kCapacity samples
// arrive before a drain, the oldest are overwritten and counted in Dropped().
class PointerQueue {
public:
    static constexpr std::size_t kCapacity = 4096;

    void Push(float x, float y, bool down);
    // Appends every queued sample, oldest first, to out; returns how many.
    std::size_t Drain(std::vector<PointerSample>& out);
    void Clear();
    std::size_t Dropped() const;

private:
    mutable std::mutex mutex_;
    std::array<PointerSample, kCapacity> ring_{};
    std::size_t head_ = 0;    // index of the oldest sample
    std::size_t count_ = 0;
    std::size_t dropped_ = 0;
};

// Draws the pad at the cursor position and captures strokes made with the left button held
// inside it. `id` follows ImGui label rules: the part before "##" is the faint hint shown while
// the pad is empty ("Sign here##pad"). size.x <= 0 means the available width; the pad is the
// largest 5:2 rectangle that fits in size (size.y <= 0 means no height limit). With queue == null
// the pad samples io.MousePos/io.MouseDown[0] once per frame. Returns true when strokes changed.
bool SignaturePad(const char* id, PadStrokes& strokes, ImVec2 size, PointerQueue* queue);

void PadUndo(PadStrokes& strokes);   // removes the last stroke
void PadClear(PadStrokes& strokes);  // removes all strokes (and zeroes their memory)
// Total ink length in pad-width units (a stroke across the whole pad is 1.0).
float PadInkLength(const PadStrokes& strokes);
std::size_t PadPointCount(const PadStrokes& strokes);

}  // namespace embassy::ui
