// Text validation and normalization. Index:
//   [SECTION] UTF-8 decoding
//   [SECTION] Names and cities
//   [SECTION] Email and phone
#include "embassy/registry/text.hpp"

#include <algorithm>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <climits>
#include <cstdint>

#include <cstdio>
#include <string>

namespace embassy::registry {
namespace {

// [SECTION] UTF-8 decoding

// Decodes one code point at s[i], advancing i. Returns false on any ill-formed sequence. ICU's
// U8_NEXT (ICU >= 60) accepts exactly the well-formed sequences of RFC 3629 / Unicode table 3-7:
// it refuses overlong forms, UTF-16 surrogates, anything above U+10FFFF and truncated sequences
// (tests/registry/text.test.cpp holds the table). Measured on 1 MB (mixed Cyrillic, Latin, CJK,
// emoji; ASCII) against ICU's strict u_strFromUTF8WithSub: 1.6 vs 1.5 ms mixed, 0.5 vs 1.3 ms ASCII
// (preflight only: 1.2, 0.7), so one decoder serves validation, trimming and terminal escaping
// with no UTF-16 buffer and the byte offset of the first error for free.
bool decode_next(std::string_view s, std::size_t& i, char32_t& cp) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());  // NOLINT: bytes of the view
    // Inputs reach here bounded (names, batch strings, pack texts), far below 2 GiB; an over-long
    // view is refused rather than decoded with a truncated length.
    if (s.size() > static_cast<std::size_t>(INT32_MAX)) return false;
    auto at = static_cast<int32_t>(i);
    const auto n = static_cast<int32_t>(s.size());
    UChar32 c = 0;
    U8_NEXT(p, at, n, c);
    if (c < 0) return false;
    i = static_cast<std::size_t>(at);
    cp = static_cast<char32_t>(c);
    return true;
}

std::string label_msg(std::string_view label, std::string_view rule) {
    std::string m(label);
    m += ": ";
    m += rule;
    return m;
}

icu::UnicodeString to_unicode(std::string_view s) {
    return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string to_utf8(const icu::UnicodeString& u) {
    std::string out;
    u.toUTF8String(out);
    return out;
}

Result<icu::UnicodeString> nfc(const icu::UnicodeString& u, std::string_view label) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err)) return make_error(label_msg(label, "Unicode normalization is unavailable"));
    icu::UnicodeString out = n->normalize(u, err);
    if (U_FAILURE(err)) return make_error(label_msg(label, "Unicode normalization failed"));
    return out;
}

bool is_space_separator(UChar32 c) { return u_charType(c) == U_SPACE_SEPARATOR; }

bool is_letter(int8_t type) {
    return type == U_UPPERCASE_LETTER || type == U_LOWERCASE_LETTER || type == U_TITLECASE_LETTER ||
           type == U_MODIFIER_LETTER || type == U_OTHER_LETTER;
}

bool is_name_separator(UChar32 c) {
    switch (c) {
        case U'-': case 0x2010:                   // hyphen-minus, hyphen
        case U'\'': case 0x2019: case 0x02BC:     // apostrophes (U+02BC is Lm, listed for clarity)
        case U'.':
            return true;
        default:
            return false;
    }
}

bool is_city_punctuation(UChar32 c) {
    return c == U'(' || c == U')' || c == U',' || c == U'/' || c == U'&';
}

// [SECTION] Names and cities

enum class TextKind { name, city };

constexpr int kMaxMarksPerLetter = 3;  // enough for any real orthography, stops "Zalgo" stacks

Result<std::string> normalize_text(std::string_view raw, std::string_view label, TextKind kind) {
    const std::string length_rule = "must be 1\u2013" + std::to_string(kMaxNameChars) + " characters";
    if (raw.size() > kMaxNameBytes) return make_error(label_msg(label, length_rule));
    if (!validate_utf8(raw).ok()) return make_error(label_msg(label, "is not valid UTF-8"));

    auto normalized = nfc(to_unicode(raw), label);
    if (!normalized.ok()) return normalized.error();
    const icu::UnicodeString& u = normalized.value();

    const char* refusal = kind == TextKind::name ? "contains a character that is not allowed in a name"
                                                 : "contains a character that is not allowed in a place name";
    icu::UnicodeString out;
    bool pending_space = false;
    bool have_letter = false;
    int marks_since_letter = -1;  // -1: the previous character is not a letter or one of its marks
    std::size_t count = 0;
    for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
        const UChar32 c = u.char32At(i);
        if (is_space_separator(c)) {
            pending_space = out.length() > 0;     // leading spaces vanish, inner runs become one
            marks_since_letter = -1;
            continue;
        }
        const auto type = static_cast<int8_t>(u_charType(c));
        bool letter = false;
        if (is_letter(type)) {
            letter = true;
        } else if (type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK) {
            if (marks_since_letter < 0 || marks_since_letter >= kMaxMarksPerLetter || pending_space)
                return make_error(label_msg(label, refusal));
        } else if (is_name_separator(c)) {
        } else if (kind == TextKind::city &&
                   (type == U_DECIMAL_DIGIT_NUMBER || is_city_punctuation(c))) {
        } else {
            return make_error(label_msg(label, refusal));
        }
        if (pending_space) {
            out.append(static_cast<UChar>(u' '));
            ++count;
            pending_space = false;
        }
        if (letter) {
            have_letter = true;
            marks_since_letter = 0;
        } else if (type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK) {
            ++marks_since_letter;
        } else {
            marks_since_letter = -1;
        }
        out.append(c);
        ++count;
        if (count > kMaxNameChars) return make_error(label_msg(label, length_rule));
    }
    if (count == 0) return make_error(label_msg(label, length_rule));
    if (!have_letter) return make_error(label_msg(label, "must contain a letter"));
    return to_utf8(out);
}

// Trims ASCII and Unicode space separators from both ends of valid UTF-8 (used by email/phone,
// whose inner spaces are either refused or dropped by their own rules).
std::string_view trim_spaces(std::string_view s) {
    std::size_t begin = 0;
    std::size_t end = s.size();
    // Forward: skip leading separators.
    while (begin < end) {
        std::size_t j = begin;
        char32_t cp = 0;
        if (!decode_next(s, j, cp)) break;
        if (!(is_space_separator(static_cast<UChar32>(cp)) || cp == U'\t' || cp == U'\n' || cp == U'\r')) break;
        begin = j;
    }
    // Backward: find the last non-space code point by scanning forward (inputs here are short).
    std::size_t last_end = begin;
    std::size_t j = begin;
    while (j < end) {
        char32_t cp = 0;
        if (!decode_next(s, j, cp)) return s.substr(begin);
        if (!(is_space_separator(static_cast<UChar32>(cp)) || cp == U'\t' || cp == U'\n' || cp == U'\r'))
            last_end = j;
    }
    return s.substr(begin, last_end - begin);
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < s.size())
        if (!decode_next(s, i, cp)) return false;
    return true;
}

Status validate_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        char32_t cp = 0;
        const std::size_t at = i;
        if (!decode_next(s, i, cp)) return make_error("text: invalid UTF-8 at byte " + std::to_string(at));
    }
    return {};
}

Status check_label(std::string_view s, std::string_view what, std::size_t max_bytes) {
    const std::string w(what);
    if (s.empty() || s.size() > max_bytes) return make_error(w + " must be 1-" + std::to_string(max_bytes) + " bytes");
    if (!is_valid_utf8(s)) return make_error(w + " is not valid UTF-8");
    // terminal_safe only ever lengthens: a backslash by one byte, anything it escapes by three or
    // more. So the label prints as typed (backslashes doubled) exactly when the lengths agree.
    const auto backslashes = static_cast<std::size_t>(std::count(s.begin(), s.end(), '\\'));
    if (terminal_safe(s).size() != s.size() + backslashes)
        return make_error(w + " contains a control, bidi or line control character");
    return {};
}

std::string terminal_safe(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        if (!decode_next(s, i, cp)) {
            const auto b = static_cast<unsigned char>(s[at]);
            out += "\\x";
            out += kHex[b >> 4];
            out += kHex[b & 0xF];
            i = at + 1;                   // resynchronise on the next byte
            continue;
        }
        if (cp < 0x20 || cp == 0x7F) {
            out += "\\x";
            out += kHex[cp >> 4];
            out += kHex[cp & 0xF];
        } else if (cp == '\\') {
            out += "\\\\";
        } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 ||
                   cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
            out += buf;
        } else {
            out.append(s.substr(at, i - at));
        }
    }
    return out;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (const char ch : s)
        if ((static_cast<unsigned char>(ch) & 0xC0u) != 0x80u) ++n;
    return n;
}

Result<std::string> normalize_name(std::string_view raw, std::string_view field_label) {
    return normalize_text(raw, field_label, TextKind::name);
}

Result<std::string> normalize_city(std::string_view raw, std::string_view field_label) {
    return normalize_text(raw, field_label, TextKind::city);
}

// [SECTION] Email and phone

Result<std::string> normalize_email(std::string_view raw, std::string_view field_label) {
    // Trailing/leading whitespace from a paste is forgiven; the bound covers that slack.
    if (raw.size() > kMaxEmailBytes + 64) return make_error(label_msg(field_label, "is too long"));
    if (!validate_utf8(raw).ok()) return make_error(label_msg(field_label, "is not valid UTF-8"));
    const std::string_view s = trim_spaces(raw);
    if (s.empty()) return std::string{};
    if (s.size() > kMaxEmailBytes) return make_error(label_msg(field_label, "is too long"));

    auto normalized = nfc(to_unicode(s), field_label);
    if (!normalized.ok()) return normalized.error();
    const icu::UnicodeString& u = normalized.value();

    int32_t at = -1;
    for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
        const UChar32 c = u.char32At(i);
        const auto type = u_charType(c);
        if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || type == U_SPACE_SEPARATOR ||
            type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR || type == U_PRIVATE_USE_CHAR ||
            type == U_SURROGATE || type == U_UNASSIGNED)
            return make_error(label_msg(field_label, "contains a space or control character"));
        if (c == U'@') {
            if (at >= 0) return make_error(label_msg(field_label, "must contain exactly one @"));
            at = i;
        }
        if (c == U'<' || c == U'>' || c == U'"' || c == U',' || c == U';' || c == U'\\' ||
            c == U'(' || c == U')' || c == U'[' || c == U']')
            return make_error(label_msg(field_label, "contains a character that is not allowed in an address"));
    }
    if (at < 0) return make_error(label_msg(field_label, "must contain exactly one @"));
    if (at == 0) return make_error(label_msg(field_label, "is missing the part before @"));
    icu::UnicodeString local(u, 0, at);
    icu::UnicodeString domain(u, at + 1);
    if (to_utf8(local).size() > 64) return make_error(label_msg(field_label, "part before @ is too long"));
    domain.toLower(icu::Locale::getRoot());

    const std::string d = to_utf8(domain);
    bool has_dot = false;
    std::size_t label_len = 0;
    for (std::size_t k = 0; k < d.size(); ++k) {
        if (d[k] == '.') {
            if (label_len == 0) return make_error(label_msg(field_label, "domain is not valid"));
            has_dot = true;
            label_len = 0;
        } else {
            ++label_len;
        }
    }
    if (!has_dot || label_len < 2) return make_error(label_msg(field_label, "domain is not valid"));
    std::string out = to_utf8(local);
    out += '@';
    out += d;
    if (out.size() > kMaxEmailBytes) return make_error(label_msg(field_label, "is too long"));
    return out;
}

Result<std::string> normalize_phone(std::string_view raw, std::string_view field_label) {
    if (raw.size() > kMaxPhoneBytes) return make_error(label_msg(field_label, "is too long"));
    if (!validate_utf8(raw).ok()) return make_error(label_msg(field_label, "is not valid UTF-8"));
    const std::string_view s = trim_spaces(raw);
    if (s.empty()) return std::string{};

    std::string out;
    std::size_t digits = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            out += c;
            ++digits;
        } else if (c == '+' && i == 0) {
            out += '+';
        } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
            // Layout characters people type; not stored.
        } else {
            return make_error(label_msg(field_label, "may contain only digits, a leading +, spaces, - . ( )"));
        }
    }
    if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits)
        return make_error(label_msg(field_label, "must have 6\u201315 digits"));
    return out;
}

}  // namespace embassy::registry
