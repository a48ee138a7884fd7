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

const ConsentText* AppealPack::consent(Purpose p, std::string_view lang) const {
    const ConsentText* best = nullptr;
    for (const auto& c : consents)
        if (c.purpose == p && c.lang == lang && (best == nullptr || c.version > best->version)) best = &c;
    return best;
}

}  // namespace embassy::registry
