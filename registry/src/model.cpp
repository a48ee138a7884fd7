#include "embassy/registry/model.hpp"

#include <algorithm>

namespace embassy::registry {

const char* purpose_name(Purpose p) {
    for (const auto& n : kPurposeNames)
        if (n.purpose == p) return n.name;
    return "unknown";
}

std::optional<Purpose> purpose_from_name(std::string_view name) {
    for (const auto& n : kPurposeNames)
        if (name == n.name) return n.purpose;
    return std::nullopt;
}

bool purpose_known(std::uint8_t value) {
    for (const auto& n : kPurposeNames)
        if (static_cast<std::uint8_t>(n.purpose) == value) return true;
    return false;
}

void append_consent(Bytes& out, std::uint8_t purpose, const Hash& text_hash, std::string_view lang) {
    const std::size_t n = std::min<std::size_t>(lang.size(), 255);
    out.push_back(purpose);
    out.insert(out.end(), text_hash.begin(), text_hash.end());
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), lang.begin(), lang.begin() + static_cast<std::ptrdiff_t>(n));
}

Bytes encode_consents(const std::vector<ConsentGiven>& consents) {
    Bytes out;
    for (const auto& c : consents) append_consent(out, static_cast<std::uint8_t>(c.purpose), c.text_hash, c.lang);
    return out;
}

Result<std::vector<ConsentGiven>> decode_consents(std::span<const std::uint8_t> b) {
    std::vector<ConsentGiven> out;
    std::size_t i = 0;
    while (i < b.size()) {
        if (b.size() - i < 34 || out.size() >= 8) return make_error("damaged consents");
        if (!purpose_known(b[i])) return make_error("damaged consents");
        ConsentGiven c;
        c.purpose = static_cast<Purpose>(b[i]);
        std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(i + 1), 32, c.text_hash.begin());
        std::size_t n = b[i + 33];
        i += 34;
        if (b.size() - i < n) return make_error("damaged consents");
        c.lang.assign(reinterpret_cast<const char*>(b.data() + i), n);  // NOLINT
        i += n;
        out.push_back(std::move(c));
    }
    return out;
}

const AppealText* Appeal::text(std::string_view lang) const {
    for (const auto& t : texts)
        if (t.lang == lang) return &t;
    return nullptr;
}

std::vector<std::string_view> fallback_languages(std::string_view lang) {
    std::vector<std::string_view> chain{lang};
    if (lang == "be-Latn") chain.push_back("be");
    if (lang != "en") chain.push_back("en");
    return chain;
}

const AppealText* Appeal::text_for(std::string_view lang) const {
    for (auto l : fallback_languages(lang))
        if (const auto* t = text(l)) return t;
    return texts.empty() ? nullptr : &texts.front();
}

const ConsentText* AppealPack::consent_for(Purpose p, std::string_view lang) const {
    for (auto l : fallback_languages(lang))
        if (const auto* c = consent(p, l)) return c;
    return nullptr;
}

const ReceiptInfo* AppealPack::receipt_for(std::string_view lang) const {
    for (auto l : fallback_languages(lang))
        for (const auto& r : receipts)
            if (r.lang == l) return &r;
    return nullptr;
}

const ConsentText* AppealPack::consent(Purpose p, std::string_view lang) const {
    const ConsentText* best = nullptr;
    for (const auto& c : consents)
        if (c.purpose == p && c.lang == lang && (best == nullptr || c.version > best->version)) best = &c;
    return best;
}

}  // namespace embassy::registry
