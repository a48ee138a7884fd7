// Deduplication at the coordinator: which registry member a registration belongs to, and whether a
// signature repeats one the same member already gave for the same appeal.
//
// It works by index lookups (MemberIndex below: every branch of the rule needs equal name keys),
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
#include <unordered_map>
#include <utility>
#include <vector>

namespace embassy::sync {

struct MemberKeys {
    std::string name_key;
    std::string country;
    std::string email_key;
    std::string phone_key;
};

MemberKeys member_keys(std::string_view given, std::string_view family, std::string_view country,
                       std::string_view email, std::string_view phone);

// The rule above for two registrations (tests, documentation). MemberIndex::find_or_create applies
// the same rule through its index.
bool same_member(const MemberKeys& a, const MemberKeys& b);

struct MemberMatch {
    std::int64_t member = 0;
    bool created = false;
};

// Members by name key, in memory: a 64-bit hash of each member's name key beside its id, sorted,
// 16 bytes a member. Every branch of the rule needs equal name keys, so the hash finds all the
// candidates; their rows are read by id (lowest first) and the rule picks among them.
//
// Why not a database index: its keys arrive in random order, so each batch's commit rewrites most
// of its pages, encrypted — at a million signatures that was 40% of the pages an import wrote
// (docs/coordinator-guide.md, "Import speed"). The table itself grows in id order.
class MemberIndex {
public:
    // Catch up with the table: a full scan the first time, then only members above the highest id
    // seen (members are never deleted and ids only grow, so this also picks up another process's).
    Status sync(registry::Database& db);
    // Look the keys up; join the member found or create one, inside the caller's transaction. A
    // member created here stays pending until commit() keeps it or rollback() forgets it, as the
    // transaction does.
    Result<MemberMatch> find_or_create(registry::Database& db, const MemberKeys& keys, bool joined_registry);
    void commit();
    void rollback();
    std::size_t size() const { return sorted_.size() + pending_.size(); }

private:
    std::vector<std::pair<std::uint64_t, std::int64_t>> sorted_;   // (hash, id), committed
    std::vector<std::pair<std::uint64_t, std::int64_t>> pending_;  // created in the open transaction
    std::unordered_multimap<std::uint64_t, std::int64_t> pending_by_hash_;
    std::int64_t max_id_ = 0;
    bool loaded_ = false;
};

// One lookup with a freshly loaded index (tests, one-off use: the load scans every member).
Result<MemberMatch> find_or_create_member(registry::Database& db, const MemberKeys& keys, bool joined_registry);

// The counted signature of this member for this appeal (not a duplicate, not withdrawn), or 0.
Result<std::int64_t> counted_signature_of(registry::Database& db, std::int64_t member, std::string_view appeal_id);

}  // namespace embassy::sync
