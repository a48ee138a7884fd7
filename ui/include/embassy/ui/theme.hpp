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
