// The coordinator's public identity file: format and strict parser (format in identity.hpp).
#include "embassy/registry/identity.hpp"

#include "embassy/registry/text.hpp"  // is_valid_utf8

#include <algorithm>
#include <vector>

namespace embassy::registry {

namespace {

constexpr std::string_view header_line = "embassy-coordinator-identity v1";
constexpr std::size_t max_file = 4096;
constexpr std::size_t max_name = 200;

Error line_error(std::size_t line, const std::string& what) {
    return make_error("identity file: line " + std::to_string(line) + ": " + what);
}

bool all_zero(std::span<const std::uint8_t> b) {
    return std::all_of(b.begin(), b.end(), [](std::uint8_t v) { return v == 0; });
}

bool is_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

// "box: <hex>" → the 32-byte key, with the line number in every error.
Result<std::array<std::uint8_t, 32>> parse_key_line(std::string_view line, std::size_t n, std::string_view label) {
    const std::string prefix = std::string(label) + ": ";
    if (line.substr(0, prefix.size()) != prefix)
        return line_error(n, "expected '" + prefix + "' followed by 64 hex digits");
    const auto hex = line.substr(prefix.size());
    if (hex.size() != 64 || !is_hex(hex))
        return line_error(n, std::string(label) + " key must be exactly 64 hex digits (got " +
                                 std::to_string(hex.size()) + " characters)");
    auto key = from_hex_fixed<32>(hex);
    if (!key) return line_error(n, std::string(label) + " key: " + key.message());
    if (all_zero(*key)) return line_error(n, std::string(label) + " key is all zeros");
    return key;
}

}  // namespace

std::string PublicIdentity::fingerprint() const { return embassy::fingerprint(sign_key); }

Hash PublicIdentity::key_id() const { return hash_of("embassy-coordinator-key-id-v1", {box_key, sign_key}); }

std::string format_public_identity(const PublicIdentity& id) {
    std::string s;
    s += header_line;
    s += "\nname: " + id.name;
    s += "\nbox: " + to_hex(id.box_key);
    s += "\nsign: " + to_hex(id.sign_key);
    s += "\nfingerprint: " + id.fingerprint();
    s += "\n";
    return s;
}

Result<PublicIdentity> parse_public_identity(std::string_view text) {
    if (text.size() > max_file)
        return make_error("identity file: larger than 4 KiB (" + std::to_string(text.size()) + " bytes)");
    if (text.find('\0') != std::string_view::npos) return make_error("identity file: contains a NUL byte");

    // Split into lines; a final newline is optional, one CR before each LF is tolerated (mail clients).
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    if (lines.empty()) return make_error("identity file: empty");
    if (lines[0] != header_line)
        return line_error(1, "expected '" + std::string(header_line) + "'");
    if (lines.size() > 5) return line_error(6, "unexpected extra line");
    // Lines are checked in order, so the first thing wrong is what gets reported.
    const auto ends_early = [&] {
        return line_error(lines.size() + 1, "file ends early; expected name, box and sign lines");
    };

    PublicIdentity id;
    if (lines.size() < 2) return ends_early();
    const auto name_line = lines[1];
    if (name_line.substr(0, 6) != "name: ") return line_error(2, "expected 'name: ' followed by the coordinator's name");
    const auto name = name_line.substr(6);
    if (auto ok = check_label(name, "name", max_name); !ok) return line_error(2, ok.message());
    id.name = std::string(name);

    if (lines.size() < 3) return ends_early();
    auto box = parse_key_line(lines[2], 3, "box");
    if (!box) return box.error();
    id.box_key = *box;
    if (lines.size() < 4) return ends_early();
    auto sign = parse_key_line(lines[3], 4, "sign");
    if (!sign) return sign.error();
    id.sign_key = *sign;

    if (lines.size() == 5) {
        const auto fp_line = lines[4];
        if (fp_line.substr(0, 13) != "fingerprint: ") return line_error(5, "expected 'fingerprint: ' or end of file");
        if (fp_line.substr(13) != id.fingerprint())
            return line_error(5, "fingerprint does not match the sign key (expected " + id.fingerprint() + ")");
    }
    return id;
}

}  // namespace embassy::registry
