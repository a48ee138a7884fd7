// Receipt codes. A code is 100 random bits written as 20 Crockford base32 digits in groups of four,
// followed by Crockford's mod-37 check symbol: "7K3M-Q2ZD-8WXA-J0PC-5RTE-Q". It carries no personal
// data and no appeal title. The kiosk stores and exports only a commitment to it (a domain-separated
// BLAKE2b hash); with 100 bits of entropy the commitment cannot be inverted by guessing.
#pragma once

#include "embassy/registry/bytes.hpp"

#include <string>

namespace embassy::registry {

constexpr std::size_t kReceiptBits = 100;

struct ReceiptCode {
    std::string digits;  // 20 canonical Crockford digits (0-9, A-Z without I L O U)
    std::string formatted() const;  // groups of four + check symbol
};

ReceiptCode receipt_generate();
// Accepts what a person types or a QR scanner reads: any case, dashes/spaces, I/L for 1, O for 0,
// and the receipt QR's URL (http(s)://…#CODE: the code after the last '#').
// Refuses a wrong length or a wrong check symbol ("receipt code: check character does not match").
Result<ReceiptCode> receipt_parse(std::string_view text);
Hash receipt_commitment(const ReceiptCode& code);
bool receipt_matches(const ReceiptCode& code, const Hash& commitment);

}  // namespace embassy::registry
