// On-screen keyboard for touch-only laptops: big keys, UTF-8 output, one layout per kind of field.
#pragma once

#include <imgui.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace embassy::ui {

enum class KeyboardLayout {
    Cyrillic,   // names: Belarusian, Russian, Ukrainian (і ў ґ є ї ё ъ щ и э …), ' - space
    Latin,      // names: QWERTY plus Polish, Lithuanian, German and Łacinka letters, ' - space
    Email,      // digits, lower-case Latin, @ . - _ +   (no space: an address has none)
    Phone,      // digits, + and space
};

struct KeyboardOptions {
    // The most height the keyboard may take (0: no limit). Keys get lower to fit, so the field
    // being typed into and the action bar below keep their place on a 720-pixel screen.
    float max_height = 0.0f;
    // Called right after each key is drawn, with a stable id: the key's lower-case text ("a", "ў",
    // "@"), or "shift", "space", "backspace". The caller can read the key's rect (ui-map).
    std::function<void(const std::string& key_id)> on_key;
    // Buttons the caller draws at the right end of the bottom row (switch layout, hide), each
    // `trailing_span` keys wide; `trailing` is called once with the size of one such button.
    int trailing_count = 0;
    float trailing_span = 2.0f;
    std::function<void(ImVec2 button)> trailing;
};

// Draws the keyboard at the cursor, using the available width. A key press edits target:
// letters (shift is one-shot: it capitalises the next letter), the layout's punctuation and
// space, and backspace, which removes one whole UTF-8 code point. Insertions that would make
// target longer than max_bytes are ignored. Returns true when target changed.
bool OnScreenKeyboard(const char* id, KeyboardLayout layout, std::string& target, std::size_t max_bytes,
                      const KeyboardOptions& options = {});

// How many rows of keys the layout has, the bottom row included, so a caller can plan the space.
int KeyboardRows(KeyboardLayout layout);

// Every text a key of the layout can insert (both cases), for tests and for the field's filter.
std::string KeyboardCharacters(KeyboardLayout layout);

// The editing primitives behind the keys, for tests and for apps that drive them differently.
// Both return true when target changed.
bool KeyboardAppend(std::string& target, std::string_view utf8, std::size_t max_bytes);
bool KeyboardBackspace(std::string& target);

}  // namespace embassy::ui
