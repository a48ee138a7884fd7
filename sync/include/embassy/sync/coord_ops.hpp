// What a coordinator does with the registry once batches are in: reports, the signatories list for
// an appeal's addressee, acknowledgements for kiosks, published receipts, withdrawal.
//
// "Counted" everywhere means: not a duplicate (dedupe.hpp) and not withdrawn.
#pragma once

#include "embassy/registry/identity.hpp"
#include "embassy/sync/ack.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/kiosks.hpp"
#include "embassy/sync/merkle.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace embassy::sync {

// [SECTION] Report (no names: appeals, events, countries, kiosks, days)
struct Tally {
    std::string key;                  // appeal id, event label, country code, kiosk fingerprint, YYYY-MM-DD
    std::string appeal;               // "" in the all-appeals sections
    std::int64_t received = 0;        // signature records imported
    std::int64_t counted = 0;
    std::int64_t duplicates = 0;      // not counted: the same member signed this appeal before
    std::int64_t withdrawn = 0;
};

// Batch numbers first..last (first == last: one batch).
struct SeqRange {
    std::uint64_t first = 0, last = 0;
};

struct KioskSummary {
    std::string fingerprint, name;
    std::int64_t batches = 0, signatures = 0, quarantined = 0;
    std::uint64_t last_seq = 0;
    // Batches not received while later ones wait: one range per gap, so the work and the text are
    // bounded by the quarantined batches, not by the numbers missing.
    std::vector<SeqRange> gaps;
    std::string missing;              // the same as text: "4..6, 9"
};

// "4..6, 9"
std::string seq_ranges_text(const std::vector<SeqRange>& ranges);

// A batch file held, not imported: waiting for an earlier batch of an enrolled kiosk (the
// `quarantine` table), or of a kiosk not enrolled (name empty; `coord enroll` imports it).
struct HeldBatch {
    std::string fingerprint, name;    // name "" = kiosk not enrolled
    std::uint64_t seq = 0;
    std::string reason;
    std::int64_t since_unix = 0;
};

// One alarm row (one per kiosk, batch number and kind), with how often it came.
struct ReportAlarm {
    std::string kind, kiosk;          // kiosk fingerprint, "?" if the kiosk row is gone
    std::uint64_t seq = 0;
    std::string detail;
    std::int64_t raised_unix = 0, last_seen_unix = 0, repeats = 1;
};

struct CoordReport {
    std::string coordinator_name, coordinator_fingerprint;
    std::int64_t generated_unix = 0;
    std::int64_t members = 0, registry_joins = 0;
    std::vector<Tally> appeals;       // key = appeal id
    std::vector<Tally> events;        // key = "date name (city, country)", appeal set
    std::vector<Tally> countries;     // key = country of residence, all appeals
    std::vector<Tally> days;          // key = UTC date signed, all appeals
    std::vector<Tally> kiosk_tallies; // key = kiosk fingerprint, appeal set
    std::vector<KioskSummary> kiosks;
    std::vector<HeldBatch> held;      // by kiosk, then batch number
    // Kiosks whose batches are kept but counted nowhere (kiosks.hpp): not enrolled yet (held), or
    // revoked (their batches after the revocation); each with its held batch count and first seen.
    std::vector<KioskRow> held_kiosks;
    std::vector<std::string> alarms;  // one line each: one alarm per (kiosk, seq, kind), with how often it came
    std::vector<ReportAlarm> alarm_rows;  // the same alarms, field by field (CSV, JSON)
};

Result<CoordReport> build_report(Coordinator& c, std::int64_t now_unix);
// The kiosk's name as the report shows it beside a fingerprint ("" if not enrolled).
std::string report_kiosk_name(const CoordReport& r, std::string_view fingerprint);
// Sections: totals, per appeal, per event, per country, per day, per kiosk, kiosks (batches,
// gaps), held batches, alarms. Every string from the registry through terminal_safe.
std::string report_text(const CoordReport& r);
// RFC 4180, CRLF line ends, header "section,key,label,appeal,received,counted,duplicates,withdrawn,detail".
// Tally sections (total, appeal, event, country, day, kiosk) fill the four figures; the sections
// gap (key kiosk, detail "4..6"), held (key kiosk, detail "batch N: reason") and alarm (key
// kiosk, detail) leave them empty: a batch number is never in a figure column.
std::string report_csv(const CoordReport& r);
// (`coord report --json` is built from this struct in the CLI: sync/src/cli/cmd_coordinator.cpp.)
// One self-contained page (inline CSS and SVG charts: signatures per day and per country) that
// prints on A4: values written beside the bars, a continuous date axis, kiosk names beside
// fingerprints.
std::string report_html(const CoordReport& r);

// [SECTION] Signatories for an appeal's addressee
struct SignatoriesResult {
    std::int64_t written = 0;               // counted, with consent pass_name_to_addressee
    std::int64_t counted_without_consent = 0;
    std::int64_t duplicates = 0;
    std::int64_t withdrawn = 0;
};
// RFC 4180 CSV (UTF-8, CRLF, header given_name,family_name,country,city,signed_on), written to a
// temporary file and renamed. Cells that a spreadsheet would read as a formula get a leading '.
Result<SignatoriesResult> export_signatories(Coordinator& c, std::string_view appeal_id, const std::filesystem::path& csv);
struct SignatoriesOptions {
    // Refuse when the file exists (the CLI without --force): a names file is never replaced by
    // mistake. Checked before the export starts and again just before the rename.
    bool keep_existing = false;
    // Start with a UTF-8 byte order mark (EF BB BF): Excel then reads the file as UTF-8 instead of
    // the system's code page (Łacinka and Cyrillic names).
    bool excel_bom = false;
};
Result<SignatoriesResult> export_signatories(Coordinator& c, std::string_view appeal_id, const std::filesystem::path& csv,
                                             const SignatoriesOptions& opts);
std::string csv_cell(std::string_view s);

// [SECTION] Acknowledgement
// Signed acknowledgement of every batch imported from the kiosk (always 1..last: import keeps them
// contiguous). Error if nothing was imported from it yet.
Result<Bytes> make_ack(Coordinator& c, std::string_view kiosk_fingerprint, std::int64_t now_unix, Ack* out = nullptr);

// [SECTION] Published receipts
// Write receipts.root + receipts.leaves (merkle.hpp) of the receipt commitments of every signature
// received and not withdrawn (duplicates included: a receipt's presence never depends on anyone
// else's signature), and identity.pub, into out_dir. The three files are for a website: mode
// 0644, the folder 0755 (created if missing). out_dir is a folder of their own: never the
// coordinator's directory or any folder holding a coordinator key (coordinator_key_file).
Result<ReceiptsRoot> publish_receipts(Coordinator& c, const std::filesystem::path& out_dir, std::int64_t now_unix);
// Where `coord publish-receipts` writes without --out: <coordinator dir>/published.
inline constexpr const char* published_dir_name = "published";

struct ReceiptVerdict {
    bool counted = false;             // listed: received and not withdrawn
    std::string coordinator_fingerprint;
    std::uint64_t tree_size = 0;
    std::uint64_t timestamp_unix = 0;
};
// Who must have signed the list: the coordinator's public identity (coordinator.pub), or its
// fingerprint as the tools print it ("3F2A 9C01 77D4 0B1E 5A60", any spacing or case), which
// <dir>/identity.pub must then have.
using CoordinatorPin = std::variant<registry::PublicIdentity, std::string>;
// Offline check: verifies the root signature against the pinned coordinator, the leaves against the
// root, and the inclusion proof of the code's commitment. An identity.pub beside the list is never
// trusted by itself (anyone can sign a list of their own).
Result<ReceiptVerdict> verify_published_receipt(const std::filesystem::path& dir, std::string_view code,
                                                const CoordinatorPin& pin);

// Integrity of the coordinator registry (`coord check`; the import crash test runs it after every
// kill): SQLite's quick_check, every foreign key, one receipt row per signature, receipt commitments
// unique, each batch's and each kiosk's signature counts against the rows, and the deduplication
// (one counted signature per member and appeal among those not withdrawn, every duplicate pointing
// at one). The error names the check that failed, never a person.
struct RegistryCheck {
    std::int64_t batches = 0, signatures = 0, members = 0;
};
Result<RegistryCheck> check_registry(Coordinator& c);

}  // namespace embassy::sync
