// Deduplication at the coordinator: which registry member a registration belongs to, and whether a
// signature repeats one the same member already gave for the same appeal.
//
// It works by index lookups (MemberIndex below: exact keys of each branch of the rule), never by
// comparing registrations pairwise, so importing n registrations costs O(n log n), also when many
// members share one name key.
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
// A member a coordinator merged into another (`coord merge`, duplicates.hpp) keeps its keys, and a
// registration that finds it joins the member it was merged into.
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

// Members in memory, found by exact lookups on the keys each branch of the rule compares, so one
// lookup costs a few hash probes and reads one member row (the one found, to confirm it) however
// many members share a name key. Six tables of (64-bit keyed hash, member id) pairs, sorted:
//   by_email   (name key, email key)    (a)   a member enters when it has or learns an email key
//   by_phone   (name key, phone key)    (b)   likewise for the phone
//   by_country (name key, country)      (c) for a registration with neither email nor phone
//   no_email (name key, country), only members without an email key: (c) with an email
//   no_phone (name key, country), only members without a phone key:  (c) with a phone
//   no_contact  both missing:                                          (c) with both
// Each answer is the lowest id in one bucket. The by_ tables only gain
// members; the three "no" tables lose the ones that learn a key, which a byte of flags per member
// tells, and a lookup skips those (each at most once: the first live id found is remembered, and
// the dead entries go at the next commit). (c) with a phone asks for members whose phone is empty
// or equal; an equal one was already found by (b), which comes first.
// The hash is keyed with a random key per index, so nobody can choose names that collide; a
// collision is still handled (the row read disagrees): that one lookup then scans the members with
// the name key in SQL, as the rule states it.
// About 16 bytes per table entry, 3 to 4 entries a member (docs/coordinator-guide.md, "Import speed").
//
// Why not a database index: its keys arrive in random order, so each batch's commit rewrites most
// of its pages, encrypted — at a million signatures that was 40% of the pages an import wrote
// (docs/coordinator-guide.md, "Import speed"). The table itself grows in id order.
class MemberIndex {
public:
    MemberIndex();
    // Catch up with the table: a full load the first time and whenever another connection wrote to
    // the registry since (PRAGMA data_version: it may have added members or taught them keys),
    // otherwise only members above the highest id seen.
    Status sync(registry::Database& db);
    // Look the keys up; join the member found or create one, inside the caller's transaction. A
    // member created or taught a key here stays pending until commit() keeps it or rollback()
    // forgets it, as the transaction does.
    Result<MemberMatch> find_or_create(registry::Database& db, const MemberKeys& keys);
    void commit();
    void rollback();
    // Forget everything loaded: the next sync() loads the table again (after a merge or unmerge,
    // which rewrite members and signatures outside the import path).
    void invalidate() { loaded_ = false; }
    std::size_t size() const { return members_ + pending_members_; }
    // Member rows read by find_or_create so far (tests measure the work of a lookup with it).
    std::uint64_t rows_read() const { return rows_read_; }
    // Lookups that fell back to the SQL scan because a bucket's lowest member did not match (a hash
    // collision; anything else is a bug the tests look for).
    std::uint64_t scans() const { return scans_; }

    enum Table : std::uint8_t { by_email, by_phone, by_country, no_email, no_phone, no_contact };

private:
    struct Row {
        std::int64_t id = 0;
        std::string name_key, country, email_key, phone_key;
        std::int64_t merged_into = 0;      // 0: not merged
    };
    struct Pending {                       // entries of one bucket added in the open transaction
        std::vector<std::int64_t> ids;     // ascending, except email/phone (a member learning a key)
        std::size_t head = 0;              // no_* tables: ids before it are known to have left
        std::int64_t lowest = 0;
    };
    static constexpr int kTables = 6;
    static constexpr std::uint8_t kHasEmail = 1, kHasPhone = 2, kKnown = 4;

    std::uint64_t hash(Table t, std::string_view a, std::string_view b) const;
    std::uint8_t flags(std::int64_t id) const;
    bool in_table(Table t, std::int64_t id) const;
    std::int64_t lowest(Table t, std::uint64_t h);  // 0: none
    void add(Table t, const Row& r, std::int64_t id, bool committed);
    void enter_all(const Row& r, bool committed);
    static std::uint8_t flags_of(const Row& r);
    Status load(registry::Database& db, bool full);
    Result<Row> read_row(registry::Database& db, std::int64_t id);
    Result<std::int64_t> scan(registry::Database& db, const MemberKeys& k, Row& found);

    unsigned char key_[16];
    std::vector<std::pair<std::uint64_t, std::int64_t>> sorted_[kTables];  // (hash, id), committed
    std::unordered_map<std::uint64_t, Pending> pending_[kTables];
    std::unordered_map<std::uint64_t, std::int64_t> skip_[kTables];  // lowest committed id not known to have left
    std::vector<std::uint8_t> flags_;                                  // by member id, committed
    std::unordered_map<std::int64_t, std::uint8_t> pending_flags_;
    std::size_t members_ = 0, pending_members_ = 0;
    bool left_ = false;                                                // a member learned a key in the open transaction
    std::int64_t max_id_ = 0, pending_max_id_ = 0;
    std::int64_t data_version_ = -1;
    std::uint64_t rows_read_ = 0, scans_ = 0;
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
    // withdrawn signatures or of merge decisions differs from what this index has seen (another
    // process withdrew one, or merged or unmerged members);
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
    void invalidate() { loaded_ = false; }
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
    std::int64_t decisions_ = -1;
    bool loaded_ = false;
};

}  // namespace embassy::sync
