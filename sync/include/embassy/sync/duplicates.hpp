// Possible duplicates for a person to decide, and the decisions: the part of deduplication the
// rule (dedupe.hpp) leaves to the coordinator.
//
//   rebuild_match_keys  on open: stored name keys made by an earlier rule are made again
//   review_duplicates   `coord duplicates --review`: groups of members that may be one person
//   merge_members       `coord merge KEEP OTHER`: OTHER's signatures and registrations join KEEP
//   unmerge_member      `coord unmerge OTHER`: exactly what that merge moved goes back
//   keep_apart          `coord keep-apart A B`: two members are different people; the review stops
//                       listing them together
//
// Why a rebuilt key never merges by itself. After a rule change two members may share a key
// that the rule would join today. They are listed (kind same_key, rule_joins) and left apart:
// a report, a delivered appeal or a published total already counted them as two, and a program
// upgrade must not change a count that nobody decided on. The decision costs one command per
// group, and it is in the audit log with who and when, so the totals that move can be explained.
// New registrations that match either member join the lowest id, as the importer's rule says.
//
// Nothing here prints or returns a name unless asked (with_names): the review identifies
// members by id, kiosk, event, country and dates, and compares contact keys without showing them.
#pragma once

#include "embassy/registry/db.hpp"
#include "embassy/result.hpp"
#include "embassy/sync/coord_db.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace embassy::sync {

// [SECTION] Stored keys made by an earlier rule
// If the registry's match_key_version differs from registry::name_match_key_version: every member's
// name key is computed again from the names of the registration that created it (its earliest;
// for a merged member, the earliest of those its merge moved), and the version is stored — all in
// one transaction, so a process killed half-way leaves the old keys and the old version, and the
// next open starts again. Members whose key changes keep their signatures: nothing is merged or
// split here (see above). Coordinator::open runs it.
Result<MatchKeyRebuild> rebuild_match_keys(registry::Database& db);

// [SECTION] Review
struct ReviewMember {
    std::int64_t id = 0;
    char name = 'A';                   // members of a group with the same letter have the same name key
    char email = '-', phone = '-';     // same letter: same contact key; '-': none. Never the value.
    std::string country;
    std::int64_t signatures = 0, counted = 0, registrations = 0;  // registrations without a signature
    std::vector<std::string> kiosks;   // "FINGERPRINT (name)", as enrolled
    std::vector<std::string> events;   // "date name (city, country)"
    std::string first_day, last_day;   // UTC dates of its signatures and registrations
    std::string given, family;         // only with with_names: the names its earliest registration gave
};

struct ReviewGroup {
    enum class Kind { same_key, similar };
    Kind kind = Kind::similar;         // same_key: one name key; similar: one loose key (name_loose_key)
    bool rule_joins = false;           // two of them the importer's rule joins today (a rebuilt key)
    std::int64_t shared_appeals = 0;   // counted signatures that merging all would turn into duplicates
    std::vector<ReviewMember> members; // by id
    std::vector<std::pair<std::int64_t, std::int64_t>> kept_apart;  // pairs already decided apart
};

// Groups of two or more members not merged into another that share a loose key (or, for a name
// with no consonant, a name key), in order of their lowest member id. A group whose every pair was
// kept apart is left out. Reads the narrow members table once and the rows of the listed members.
Result<std::vector<ReviewGroup>> review_duplicates(Coordinator& c, bool with_names);

// [SECTION] Decisions
struct MergeOutcome {
    enum class Result { done, no_such_member, already_merged, same_member, not_merged };
    Result result = Result::done;
    std::int64_t kept = 0, absorbed = 0, merge_id = 0;
    std::int64_t signatures_moved = 0, registrations_moved = 0;
    std::int64_t counted_before = 0, counted_after = 0;  // counted signatures of the members involved
};

// `keep` takes over `absorb`'s signatures and registrations, and the contact keys it lacks; the
// counted signature of each appeal becomes the lowest id not withdrawn among all of them (the
// importer's rule), the others duplicates of it. One transaction; the indexes reload.
Result<MergeOutcome> merge_members(Coordinator& c, std::int64_t keep, std::int64_t absorb, std::int64_t now_unix);
// Undo the merge that absorbed `absorbed`: the rows that merge moved go back (also if a later
// merge moved them on), the kept member's contact keys are restored if nothing changed them since,
// and both members' counted signatures follow. Registrations imported after the merge stay with
// the member they joined.
Result<MergeOutcome> unmerge_member(Coordinator& c, std::int64_t absorbed, std::int64_t now_unix);
// Record that a and b are different people (either order).
Result<MergeOutcome> keep_apart(Coordinator& c, std::int64_t a, std::int64_t b, std::int64_t now_unix);

}  // namespace embassy::sync
