// Deduplication at the coordinator: which registry member a registration belongs to, and whether a
// signature repeats one the same member already gave for the same appeal.
//
// It works by index lookups (members_by_name_key: every branch of the rule needs equal name keys),
// never by comparing registrations pairwise, so importing n registrations costs O(n log n) plus the
// members that share one exact name key.
//
// The rule. Keys: the name key (registry/matchkey.hpp: robust to case, diacritics, Cyrillic vs
// Latin spellings, field order), the country of residence, and the email and phone keys. An empty
// key never matches anything. A registration joins an existing member when
//   (a) the name keys are equal and the email keys are equal, or
//   (b) the name keys are equal and the phone keys are equal, or
//   (c) the name keys and countries are equal and neither email nor phone contradicts (a key
//       present on both sides with different values is a contradiction);
// when the registration has no name key at all, only (a)/(b) with an equal email or phone apply.
// Otherwise a new member is created. A member gains an email or phone key it did not have yet.
#pragma once

#include "embassy/registry/db.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace embassy::sync {

struct MemberKeys {
    std::string name_key;
    std::string country;
    std::string email_key;
    std::string phone_key;
};

MemberKeys member_keys(std::string_view given, std::string_view family, std::string_view country,
                       std::string_view email, std::string_view phone);

// The rule above for two registrations (tests, documentation). find_or_create_member applies the
// same rule through the indexes.
bool same_member(const MemberKeys& a, const MemberKeys& b);

struct MemberMatch {
    std::int64_t member = 0;
    bool created = false;
};

// Look the keys up; join the member found or create one. Runs inside the caller's transaction.
Result<MemberMatch> find_or_create_member(registry::Database& db, const MemberKeys& keys, bool joined_registry);

// The counted signature of this member for this appeal (not a duplicate, not withdrawn), or 0.
Result<std::int64_t> counted_signature_of(registry::Database& db, std::int64_t member, std::string_view appeal_id);

}  // namespace embassy::sync
