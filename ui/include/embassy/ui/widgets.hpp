// Large, touch-friendly widgets in the ImGui style: free functions that return true when
// something happened. Sizes follow ThemeScale() (see theme.hpp).
#pragma once

#include <imgui.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace embassy::ui {

// A button at least TouchTarget() tall; size {0,0} fits the label. Primary buttons use the
// primary colour and the bold face. Returns true when clicked.
bool BigButton(const char* label, ImVec2 size = {0, 0}, bool primary = false);

// A checkbox whose box and hit area are at least TouchTarget(); the label wraps to the available
// width (consent texts are long). Returns true when toggled.
bool CheckboxLarge(const char* label, bool* value);

// A single-line text input in the large face, as wide as the available width. value is the edit buffer; ImGui never stores more than max_bytes
// bytes, and cuts only on code point boundaries. The std::string keeps one allocation of
// max_bytes + 1 while edited so typing never reallocates (a reallocation would leave a copy of
// personal data in freed heap memory). hint may be null. Returns true when the text changed.
bool InputTextLarge(const char* label, std::string& value, std::size_t max_bytes,
                    ImGuiInputTextFlags flags = 0, const char* hint = nullptr);

// A countdown ring with the whole seconds left in its centre and the label beside it.
// Returns true once seconds_left has reached zero.
bool Countdown(const char* label, float seconds_left, float total);

// Draws a coloured bar of 4 segments for a passphrase score 0 (very weak) .. 4 (strong); any other
// value (-1 for an empty field) draws the bar unlit. It only draws: the score comes from the one
// estimator, kiosk::passphrase_strength, which also gates the Setup screen.
void PassphraseMeter(int score);

// Makes Dear ImGui forget every trace of typed text: deactivates the active widget, clears and
// zeroes the input-text state (edit buffers, the initial-text backup and the undo history), the
// queued input characters, ImGui's local clipboard copy and its formatting scratch buffer.
// Call when a registrant leaves (submit, cancel, idle timeout), between frames.
void WipeInputState();

// Replaces ImGui's clipboard callbacks with no-ops: nothing can be copied out of or pasted into
// an input in public mode. Call after the platform backend has installed its own callbacks.
void DisableClipboard();

// Makes ImGui zero every block it frees (edit buffers that grew, input queues), so typed text
// does not linger in freed heap memory. Call once before ImGui::CreateContext().
void InstallWipingAllocator();

// Zeroes the string's whole allocation and empties it (for form buffers holding personal data).
void WipeString(std::string& s);

}  // namespace embassy::ui
