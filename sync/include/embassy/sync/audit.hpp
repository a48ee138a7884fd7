// The coordinator's audit log (`coord log`): what was done to the registry and when, as counts and
// fingerprints. Coordinator migration 6 (coord_db.cpp) adds its table:
//
//   audit(id INTEGER PRIMARY KEY, at INTEGER  unix seconds, kind TEXT, kiosk TEXT  fingerprint or '',
//         counts TEXT  "key=value key=value", detail TEXT  short ASCII note)
//
// Never personal data: no names, emails, phones, typed names, receipt codes or file names (a file
// name on a stick is anyone's to choose). The rules below are checked on every append, so a caller
// that tries to log a string of its own gets an error, not a leak: kind and count keys are
// [a-z_]{1,32}, kiosk is empty or a fingerprint, detail is printable ASCII without '=' tricks, at
// most 200 bytes.
//
// Kinds written so far: import, enroll, ack, withdraw, passwd (cli); revoke, rename (usb helper's
// kiosks commands); merge, unmerge, keep_apart, match_keys (dedupe: duplicates.hpp). A new kind
// needs no schema change.
#pragma once

#include "embassy/registry/db.hpp"
#include "embassy/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embassy::sync {

struct AuditCount {
    std::string key;          // "accepted", "rejected", "signatures", …
    std::int64_t value = 0;
};

struct AuditEntry {
    std::int64_t id = 0;      // set by audit_read; ignored by audit_append
    std::int64_t time_unix = 0;
    std::string kind;
    std::string kiosk;        // "3F2A 9C01 77D4 0B1E 5A60" (any spacing or case on append), or ""
    std::vector<AuditCount> counts;  // in the order given
    std::string detail;       // an outcome word, a batch range ("batches 1..4"); never personal data
};

// Append one entry (in the caller's transaction, if one is open).
Status audit_append(registry::Database& db, const AuditEntry& entry);
// The same, spelled at the call site: audit_append(db, "import", now, {{"accepted", 3}}, fp).
Status audit_append(registry::Database& db, std::string_view kind, std::int64_t time_unix,
                    std::vector<AuditCount> counts, std::string_view kiosk = {}, std::string_view detail = {});

// Entries in the order they were written; only those at or after since_unix; the last `limit`
// of them when limit > 0.
Result<std::vector<AuditEntry>> audit_read(registry::Database& db, std::int64_t since_unix = 0, std::size_t limit = 0);

// "accepted=3 rejected=1" — the stored and printed form of counts.
std::string audit_counts_text(const std::vector<AuditCount>& counts);

}  // namespace embassy::sync
