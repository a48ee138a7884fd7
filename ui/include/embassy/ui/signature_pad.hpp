// Signature pad: captures pointer strokes as vectors (points only: no timestamps, no pressure,
// so the stored signature is not biometric data) and draws them smoothed.
//
// Pointer samples: Dear ImGui only sees one mouse position per frame, which turns a fast
// signature into a polygon. The app therefore feeds every GLFW cursor/button event into a
// PointerQueue, drains it once per frame and hands the samples to the pad:
//
//     static embassy::ui::PointerQueue g_pointer;
//     void on_cursor(GLFWwindow*, double x, double y) { g_pointer.OnCursor(float(x), float(y)); }
//     void on_button(GLFWwindow*, int button, int action, int) {
//         if (button == GLFW_MOUSE_BUTTON_LEFT) g_pointer.OnButton(action == GLFW_PRESS);
//     }
//     // Install both before ImGui_ImplGlfw_InitForOpenGL(window, true): the 1.86 backend saves
//     // and chains to a previously installed mouse-button callback; it installs no cursor-pos
//     // callback of its own (it polls the cursor every frame).
//
// GLFW's button event carries no position. OnButton stamps the press/release with the position of
// the last cursor event before it, in arrival order; reading glfwGetCursorPos at button time would
// ask the X server where the pointer is *now*, after the moves still queued behind the press, and
// the stroke would lose its start (a straight bogus segment from the end back to the first move).
//
// Coordinates are window coordinates, the same units as io.MousePos. Touch screens reach GLFW
// 3.3 as emulated mouse input, so they need nothing more. The queue must be drained every frame;
// samples drained while no pad is visible are simply not given to one.
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
    bool down;    // left button / touch held (a press is the first sample with down after one without)
};

// A small ring buffer of pointer samples between two frames. Push() may be called from GLFW
// callbacks (main thread) or another thread; it never allocates. When more than kCapacity samples
// arrive before a drain, the oldest are overwritten and counted in Dropped().
class PointerQueue {
public:
    static constexpr std::size_t kCapacity = 4096;

    void Push(float x, float y, bool down);
    // The GLFW feed (see the top of this file): a cursor event is a sample with the current button
    // state; a button event is a sample at the last cursor position with the new state.
    void OnCursor(float x, float y);
    void OnButton(bool down);
    // Where the pointer is before the first cursor event (the window's creation); no sample.
    void SetCursor(float x, float y);
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
    float cursor_x_ = -1.0f, cursor_y_ = -1.0f;   // the last cursor event's position
    bool button_down_ = false;
};

// Draws the pad at the cursor position and captures strokes made with the left button held
// inside it. `id` follows ImGui label rules: the part before "##" is the faint hint shown while
// the pad is empty ("Sign here##pad"). size.x <= 0 means the available width; the pad is the
// largest 5:2 rectangle that fits in size (size.y <= 0 means no height limit). `samples` are this
// frame's pointer samples in arrival order (PointerQueue::Drain once per frame); with null the pad
// samples io.MousePos/io.MouseDown[0] once per frame. Returns true when strokes changed.
bool SignaturePad(const char* id, PadStrokes& strokes, ImVec2 size, const std::vector<PointerSample>* samples);
// The same, draining `queue` itself (null: io.MousePos, as above).
bool SignaturePad(const char* id, PadStrokes& strokes, ImVec2 size, PointerQueue* queue);
// The screen rectangle the pad with this id covered in the last frame it was drawn (min, max), and
// that frame's number; {-1} when it was never drawn. The app keeps touch scrolling off it.
struct PadRect {
    ImVec2 min, max;
    int frame = -1;
};
PadRect LastPadRect();

// Ink width in pixels for a pad `pad_width` pixels wide: strokes and dots are drawn this wide.
float PadInkWidth(float pad_width);
// The smoothed path drawn for a stroke (samples in pixels, appended to out): a centripetal
// Catmull-Rom spline through every sample, so a sparse fast curve stays round instead of being cut
// to the midpoints of its chords. The stored stroke keeps the real samples; this is drawing only.
void PadSmoothPath(const ImVec2* samples, std::size_t n, std::vector<ImVec2>& out);

void PadUndo(PadStrokes& strokes);   // removes the last stroke
void PadClear(PadStrokes& strokes);  // removes all strokes (and zeroes their memory)
// Total ink length in pad-width units (a stroke across the whole pad is 1.0).
float PadInkLength(const PadStrokes& strokes);
std::size_t PadPointCount(const PadStrokes& strokes);

}  // namespace embassy::ui
