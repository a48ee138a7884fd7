// Validation and normalization of what a registrant types (THREAT-MODEL row 15, docs/threat-model.md).
//
// Every function checks a cheap byte-length bound first, then strict UTF-8, and only then hands
// the text to ICU, so a hostile 10 MB paste costs nothing. Messages name the field and the rule,
// never the input: the input is personal data.
#pragma once

#include "embassy/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace embassy::registry {

inline constexpr std::size_t kMaxNameChars = 100;    // code points after trimming and NFC
inline constexpr std::size_t kMaxNameBytes = 1024;   // raw input bound, checked before any ICU work
inline constexpr std::size_t kMaxEmailBytes = 254;   // RFC 5321 path limit minus the brackets
inline constexpr std::size_t kMaxPhoneBytes = 64;    // raw input bound for a phone number
inline constexpr std::size_t kMinPhoneDigits = 6;
inline constexpr std::size_t kMaxPhoneDigits = 15;   // E.164

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no truncation.
// The one UTF-8 check on hostile input: the kiosk's fields, appeal packs and identity files, and
// every string of a batch record (sync/src/batch_record.cpp) go through it. ICU-backed.
// The message gives the byte offset only.
Status validate_utf8(std::string_view s);
// The same rule as a yes/no, for callers that report the field themselves.
bool is_valid_utf8(std::string_view s);

// Number of code points in valid UTF-8 (counts lead bytes; meaningless for invalid input).
std::size_t utf8_length(std::string_view s);

// Any string that came from a file or a batch (a file name, a reason, a kiosk or event name), made
// safe to print on a terminal or write to a log (THREAT-MODEL row 18). The one escaping function:
// every C0 control and DEL as \xNN, every C1 control and the bidi and line controls (U+061C,
// U+200E, U+200F, U+2028, U+2029, U+202A..U+202E, U+2066..U+2069) as \u{NNNN}, each byte of
// invalid UTF-8 as \xNN, and the backslash itself as \\ (so an escape in the output is always
// ours). Everything else passes unchanged, so ordinary names read as typed.
std::string terminal_safe(std::string_view s);

// A label someone gives a thing (a coordinator's or a kiosk's name): 1 to max_bytes bytes of valid
// UTF-8 with nothing terminal_safe() would escape but a backslash (no control, bidi or line
// control), so it reads the same on a terminal, in a CSV cell and in the HTML report. The message
// names `what`, never the value.
Status check_label(std::string_view s, std::string_view what, std::size_t max_bytes = 200);

// A given or family name: valid UTF-8, NFC, trimmed (Unicode spaces too), inner whitespace runs
// collapsed to one U+0020, 1–100 code points. Allowed: letters of any script, combining marks
// directly after a letter (at most 3), and the separators a name needs: space, '-', U+2010,
// apostrophes ' U+2019 U+02BC, '.'. At least one letter. Everything else (controls, format
// characters such as bidi marks or ZWSP, digits, symbols, emoji, private use, unassigned) is
// refused with "<field_label>: ...".
Result<std::string> normalize_name(std::string_view raw, std::string_view field_label);

// A city: the same rules as a name, plus digits and ( ) , / & . Required (1–100 code points).
Result<std::string> normalize_city(std::string_view raw, std::string_view field_label = "city");

// Optional email, lenient but sane: trimmed; empty gives ""; at most 254 bytes; no spaces or
// controls; exactly one '@'; non-empty local part (≤ 64 bytes); a domain of non-empty labels with
// at least one dot; the domain is lowercased, the local part kept as typed (NFC).
Result<std::string> normalize_email(std::string_view raw, std::string_view field_label = "email");

// Optional phone: trimmed; empty gives "". Input may use a leading '+', digits, spaces, '-', '.',
// '(' and ')'; 6–15 digits. Stored as "+<digits>" or "<digits>".
Result<std::string> normalize_phone(std::string_view raw, std::string_view field_label = "phone");

}  // namespace embassy::registry
