// The kiosks a coordinator knows of (`coord kiosks`, `coord kiosk rename|revoke`, the report):
//
//   enrolled  its batches are imported and counted (coord enroll)
//   held      not enrolled, but batches of it arrived: they are kept, verified, in <dir>/quarantine
//             (import.hpp) and counted nowhere until `coord enroll --kiosk-key FINGERPRINT`
//   revoked   enrolled, then revoked (a fork alarm, a stolen laptop): what was imported before the
//             revocation stays counted unless the coordinator withdraws it; every later batch
//             (a seq beyond the last imported one) is held, not imported, not counted, and each
//             such import says so and fails (exit 1), with the revocation's reason
//
// A revoked kiosk's later batch is kept like a held one (same file limits, import.hpp) with a row in
// `revoked_batches` (coord_db.cpp, schema 7): one per (kiosk, seq), a repeat counted. Revocation is
// not undone by this tool; the batches stay on disk as evidence.
//
// Names and reasons are labels (registry::check_label): printed on terminals, in CSV and HTML.
// Nothing here holds personal data.
#pragma once

#include "embassy/sync/coord_db.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embassy::sync {

enum class KioskState { enrolled, held, revoked };
const char* kiosk_state_name(KioskState s);   // "enrolled", "held", "revoked"

struct KioskRow {
    KioskState state = KioskState::enrolled;
    std::string fingerprint;           // "3F2A 9C01 …"
    std::string name;                  // "" for a held kiosk (never enrolled)
    std::int64_t batches = 0;          // imported
    std::uint64_t last_seq = 0;        // last imported batch (0: none)
    std::int64_t enrolled_at = 0;      // unix; 0 for a held kiosk
    // First and last time a batch of it arrived (imported or held), unix; 0: none yet.
    std::int64_t first_seen = 0, last_seen = 0;
    // Batches kept and not counted: before enrollment (held) or after revocation (revoked).
    std::int64_t held_batches = 0;
    std::int64_t revoked_at = 0;       // unix; 0 unless revoked
    std::string revoked_reason;
};

// Enrolled and revoked kiosks in enrollment order, then held ones by first seen. Verifies each
// held file in <dir>/quarantine (at most ImportOptions::max_held_bytes of them) to learn its kiosk;
// one that does not verify is not listed.
Result<std::vector<KioskRow>> list_kiosks(Coordinator& c);

// The held and revoked rows of list_kiosks: what the report shows beside the counts.
Result<std::vector<KioskRow>> held_kiosks(Coordinator& c);

// `fingerprint` in any spelling normalize_fingerprint accepts. Errors name the fingerprint, never
// the name or reason given.
Result<EnrolledKiosk> rename_kiosk(Coordinator& c, std::string_view fingerprint, std::string_view name);
// Revoking a revoked kiosk again changes nothing and returns it as it is.
Result<EnrolledKiosk> revoke_kiosk(Coordinator& c, std::string_view fingerprint, std::string_view reason,
                                   std::int64_t now_unix);

}  // namespace embassy::sync
