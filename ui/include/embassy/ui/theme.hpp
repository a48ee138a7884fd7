// A calm, high-contrast light theme for a public kiosk: large paddings, rounded corners and touch
// targets of at least 48 px, all multiplied by one scale factor (monitor DPI x font-size setting).
#pragma once

struct ImVec4;

namespace embassy::ui {

// Resets ImGui's style to the kiosk theme at the given scale (1.0 = 96 dpi, default text size).
// Safe to call again when the scale changes: it starts from a fresh ImGuiStyle every time.
void ApplyTheme(float scale);

// The scale passed to the last ApplyTheme() (1.0 before any call).
float ThemeScale();

// The body font size in physical pixels for a window of width x height physical pixels on a
// monitor with the given content scale (1.0 = 96 dpi), times the volunteer's text size (1.0 = 100%).
// The size follows the window: 1/36 of the logical height (20 px at 720, 30 px at 1080), no more
// than 1/56 of the logical width (narrow windows keep their line length), within 18..36 logical px
// so small screens stay legible and big ones do not turn into posters.
float FontPixelsFor(float width, float height, float content_scale, float text_scale);

// Minimum height/width of anything a finger must hit: 48 px x ThemeScale().
float TouchTarget();

// Theme colours the widgets share (RGBA, 0..1).
namespace colors {
ImVec4 Primary();         // buttons that move the registrant forward
ImVec4 PrimaryHovered();
ImVec4 PrimaryActive();
ImVec4 OnPrimary();       // text on primary
ImVec4 Text();
ImVec4 TextMuted();
ImVec4 Paper();           // white surfaces: signature pad, QR, inputs
ImVec4 Border();
ImVec4 Danger();
ImVec4 Warning();
ImVec4 Success();
}  // namespace colors

}  // namespace embassy::ui
