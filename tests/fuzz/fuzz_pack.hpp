// The appeal pack the importer fuzz target's registry knows (fuzz_import.cpp), and the seeds
// that gen_corpus writes for it: hashes filled in, not signed.
#pragma once

#include "embassy/registry/pack.hpp"

namespace fuzz_keys {

inline embassy::registry::AppealPack fuzz_pack() {
    embassy::registry::AppealPack p;
    p.pack_id = "fuzz-pack";
    p.created_unix = 1700000000;
    p.languages = {"en", "be"};
    embassy::registry::Appeal a;
    a.id = "political-prisoners";
    a.addressee = "Fuzz addressee";
    a.texts.push_back({"en", "Title", "Body.", {}});
    a.texts.push_back({"be", "Загаловак", "Тэкст.", {}});
    p.appeals.push_back(a);
    for (int purpose = 1; purpose <= 4; ++purpose)
        for (const char* lang : {"en", "be"})
            p.consents.push_back({static_cast<embassy::registry::Purpose>(purpose), 1, lang, "Consent " + std::to_string(purpose), {}});
    embassy::registry::compute_pack_hashes(p);
    return p;
}

}  // namespace fuzz_keys
