// On-screen keyboard for touch-only laptops: big keys, UTF-8 output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace embassy::ui {

enum class KeyboardLayout {
    Cyrillic,   // Belarusian, Russian, Ukrainian (і ў ґ є ї ё ъ щ и э …)
    Latin,      // QWERTY plus Polish, Lithuanian, German and Łacinka letters
};

// Draws the keyboard at the cursor, using the available width. A key press edits target:
// letters (shift is one-shot: it capitalises the next letter), space, hyphen, apostrophe, and
// backspace, which removes one whole UTF-8 code point. Insertions that would make target longer
// than max_bytes are ignored. Returns true when target changed.
bool OnScreenKeyboard(const char* id, KeyboardLayout layout, std::string& target, std::size_t max_bytes);

// The editing primitives behind the keys, for tests and for apps that drive them differently.
// Both return true when target changed.
bool KeyboardAppend(std::string& target, std::string_view utf8, std::size_t max_bytes);
bool KeyboardBackspace(std::string& target);

}  // namespace embassy::ui
