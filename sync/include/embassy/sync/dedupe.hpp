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
#include <functional>
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
    Result<MemberMatch> find_or_create(registry::Database& db, const MemberKeys& keys);
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
Result<MemberMatch> find_or_create_member(registry::Database& db, const MemberKeys& keys);

// Counted signatures by member and appeal, in memory: which signature of a member counts for an
// appeal (the others are duplicates pointing at it). 16 bytes a counted signature.
//
// The counted one is always the lowest-id signature of that member and appeal that is not
// withdrawn: import counts the first and marks later ones duplicates of it; a withdrawal hands the
// count to the next. So the index is rebuilt by one scan of the narrow, append-only `receipts`
// table (signature, commitment, member, appeal) skipping withdrawn signatures, and caught up by id
// at each batch.
// Why not a database index: as for members, its keys arrive in random order and each batch's
// commit rewrote most of its pages (coord_db.cpp, schema 3).
class CountedIndex {
public:
    // Catch up with the tables: a full load the first time, and again when the number of
    // withdrawn signatures differs from what this index has seen (another process withdrew one);
    // otherwise only signatures above the highest id seen.
    Status sync(registry::Database& db);
    // The counted signature of this member for this appeal, or 0 if none.
    std::int64_t find(std::int64_t member, std::string_view appeal_id) const;
    // A signature was written in the open transaction; it counts if find() gave 0 for it.
    Status note_signature(std::int64_t member, std::string_view appeal_id, std::int64_t signature);
    // A signature was withdrawn in the open transaction. If it was the counted one, the count of
    // this member and appeal moved to `heir` (0: none left). Either way the index notes one more
    // withdrawal, which is how sync() tells its own from another process's.
    Status note_withdrawal(std::int64_t member, std::string_view appeal_id, bool was_counted, std::int64_t heir);
    void commit();
    void rollback();
    std::size_t size() const { return sorted_.size(); }

private:
    std::uint64_t key_if_known(std::int64_t member, std::string_view appeal_id) const;  // 0: appeal not seen yet
    Result<std::uint64_t> key(std::int64_t member, std::string_view appeal_id);          // gives a new appeal a code
    Status load_all(registry::Database& db, std::int64_t withdrawn);
    Status catch_up(registry::Database& db);

    std::vector<std::pair<std::uint64_t, std::int64_t>> sorted_;  // (member·appeal key, counted id), committed
    std::unordered_map<std::uint64_t, std::int64_t> pending_;     // changes in the open transaction (0: none counted)
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    // appeal id → small number (this process only)
    std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> appeal_codes_;
    std::int64_t max_id_ = 0, pending_max_id_ = 0;
    std::int64_t withdrawn_ = 0, pending_withdrawn_ = 0;
    bool loaded_ = false;
};

}  // namespace embassy::sync
