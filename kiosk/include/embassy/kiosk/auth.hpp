// Pure helpers for the volunteer passphrase: how strong a new one is, and how long to wait after
// wrong ones. No KDF here; the app runs Argon2id and tells the flow the outcome.
#pragma once

#include <chrono>
#include <string_view>

namespace embassy::kiosk {

struct Strength {
    int score = 0;        // 0 very weak … 4 strong: the meter on the Setup screen
    double bits = 0;      // rough estimate of guessing entropy
    const char* hint = "";  // message key explaining the score, e.g. "setup.passphrase.hint.short"
};

inline constexpr int min_passphrase_score = 2;
inline constexpr std::size_t min_passphrase_chars = 10;   // code points

// A rough, conservative estimate: the larger of a character-pool estimate and a word estimate
// (about 11 bits per word of four letters or more), with common passwords scored 0.
Strength passphrase_strength(std::string_view passphrase);
bool passphrase_acceptable(std::string_view passphrase);

// Delay before the next attempt after `failures` wrong passphrases in a row:
// 0 → 0 s, 1 → 1 s, 2 → 2 s, 3 → 4 s, … doubling, never more than `cap`.
std::chrono::seconds unlock_delay(int failures, std::chrono::seconds cap);

}  // namespace embassy::kiosk
