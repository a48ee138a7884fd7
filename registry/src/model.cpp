#include "embassy/registry/model.hpp"

namespace embassy::registry {

const char* purpose_name(Purpose p) {
    switch (p) {
        case Purpose::sign_appeal: return "sign_appeal";
        case Purpose::join_registry: return "join_registry";
        case Purpose::be_contacted: return "be_contacted";
        case Purpose::pass_name_to_addressee: return "pass_name_to_addressee";
    }
    return "unknown";
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

const ConsentText* AppealPack::consent(Purpose p, std::string_view lang) const {
    const ConsentText* best = nullptr;
    for (const auto& c : consents)
        if (c.purpose == p && c.lang == lang && (best == nullptr || c.version > best->version)) best = &c;
    return best;
}

}  // namespace embassy::registry
