#include "embassy/registry/receipt.hpp"

#include <sodium.h>

namespace embassy::registry {
namespace {

constexpr const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr const char* kCheckAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";  // Crockford mod 37

int digit_value(char c) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') return 0;
    if (c == 'I' || c == 'L') return 1;
    for (int i = 0; i < 32; ++i)
        if (kAlphabet[i] == c) return i;
    return -1;
}

char check_symbol(const std::string& digits) {
    unsigned v = 0;
    for (char c : digits) v = (v * 32 + static_cast<unsigned>(digit_value(c))) % 37;
    return kCheckAlphabet[v];
}

}  // namespace

std::string ReceiptCode::formatted() const {
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && i % 4 == 0) out.push_back('-');
        out.push_back(digits[i]);
    }
    out.push_back('-');
    out.push_back(check_symbol(digits));
    return out;
}

ReceiptCode receipt_generate() {
    std::uint8_t raw[20];
    randombytes_buf(raw, sizeof raw);
    ReceiptCode code;
    for (auto b : raw) code.digits.push_back(kAlphabet[b & 31]);  // 20 x 5 = 100 uniform bits
    sodium_memzero(raw, sizeof raw);
    return code;
}

Result<ReceiptCode> receipt_parse(std::string_view text) {
    // The receipt's QR holds the published list's address with the code after '#'
    // (receipt_check_url, pack.hpp): a scanned or pasted URL gives its code.
    if (text.size() <= 600 && (text.starts_with("https://") || text.starts_with("http://")))
        if (auto hash = text.rfind('#'); hash != std::string_view::npos) text = text.substr(hash + 1);
    if (text.size() > 64) return make_error("receipt code: too long");
    std::string digits;
    char check = 0;
    for (char c : text) {
        if (c == '-' || c == ' ') continue;
        if (digits.size() == 20) {
            if (check != 0) return make_error("receipt code: too long");
            check = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
            continue;
        }
        int v = digit_value(c);
        if (v < 0) return make_error("receipt code: contains a character that is not in a receipt code");
        digits.push_back(kAlphabet[v]);
    }
    if (digits.size() != 20 || check == 0) return make_error("receipt code: must have 20 characters and a check character");
    char expected = check_symbol(digits);
    if (expected != check) {
        // Accept the same confusable substitutions for the check symbol as for digits.
        int v = digit_value(check);
        if (v < 0 || kAlphabet[v] != expected) return make_error("receipt code: check character does not match (a typo?)");
    }
    return ReceiptCode{digits};
}

Hash receipt_commitment(const ReceiptCode& code) { return hash_of("embassy-receipt-commitment-v1", {as_bytes(code.digits)}); }

bool receipt_matches(const ReceiptCode& code, const Hash& commitment) {
    Hash h = receipt_commitment(code);
    return sodium_memcmp(h.data(), commitment.data(), h.size()) == 0;
}

}  // namespace embassy::registry
