// The appeal packs this coordinator signed, kept in its registry (schema 5, coord_db.cpp).
//
// A signature counts only for an appeal text that the coordinator published: the importer accepts
// a signature's (appeal id, version, language, text hash), a consent's (purpose, language, text
// hash) and an appeal reference's (appeal id, version, content hash, pack hash) only if a pack
// recorded here holds them. `coord pack` records the pack it signs; `coord add-pack` records a
// pack file signed earlier (after verifying it against this coordinator's own key).
#pragma once

#include "embassy/registry/model.hpp"
#include "embassy/sync/coord_db.hpp"

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <tuple>

namespace embassy::sync {

// Verify `pack_file` with this coordinator's signing key (pack_read), then record it and what it
// allows. Recording a pack twice changes nothing. Returns the pack as read.
Result<registry::AppealPack> record_pack(Coordinator& c, std::span<const std::uint8_t> pack_file);

// What the recorded packs allow, read once per batch (a few hundred rows; the importer's lookups
// are then in memory).
struct SignedPacks {
    std::set<Hash> packs;
    std::set<std::tuple<std::string, std::uint32_t, Hash, Hash>> appeals;       // id, version, content hash, pack hash
    std::set<std::tuple<std::string, std::uint32_t, std::string, Hash>> texts;  // id, version, lang, text hash
    std::set<std::tuple<std::uint8_t, std::string, Hash>> consents;             // purpose, lang, text hash

    bool has_text(const std::string& appeal, std::uint32_t version, const std::string& lang, const Hash& h) const {
        return texts.count({appeal, version, lang, h}) != 0;
    }
    bool has_consent(std::uint8_t purpose, const std::string& lang, const Hash& h) const {
        return consents.count({purpose, lang, h}) != 0;
    }
};
Result<SignedPacks> load_signed_packs(registry::Database& db);

}  // namespace embassy::sync
