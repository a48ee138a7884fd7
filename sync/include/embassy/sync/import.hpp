// Batch import at the coordinator.
//
// For each file: open with the coordinator's box secret (the manifest must name this coordinator's
// key id), verify (chunks, counts, payload hash, the kiosk's signature), check the kiosk is
// enrolled, then its place in that kiosk's history:
//   - batch hash already imported                      → already imported (no-op, nothing written)
//   - seq ≤ last imported seq, other content           → rejected, fork alarm recorded
//   - seq > last + import_max_seq_jump                 → rejected, "seq jump" alarm recorded
//   - seq > last + 1, another batch waits with that seq → rejected, fork alarm recorded
//   - seq > last + 1                                   → quarantined: the file is copied to
//                                                        <dir>/quarantine/ and retried once the gap
//                                                        is filled; the gap is reported
//   - seq = last + 1 but previous hash ≠ last batch hash,
//     or the first record seq does not continue        → rejected, alarm recorded
//   - otherwise the records are imported in ONE transaction; the kiosk's hash-chained log is
//     recomputed from the signature records (registry/record.hpp) starting at the head the previous
//     batch ended at, and must end at the head the manifest states, else the transaction is rolled
//     back and a "log" alarm recorded (a record deleted or edited on the kiosk before export).
//     Inside that transaction, a kiosk can reach only its own records; these roll the batch back
//     whole and record an alarm:
//       - a signature whose receipt commitment the registry already holds (any kiosk's signature,
//         counted, duplicate or withdrawn, or earlier in the same batch)      → "receipt" alarm
//       - a withdrawal record that does not name this kiosk's own signature by its record seq
//         and commitment (another kiosk's, an unknown commitment, a seq that does not match)
//                                                                             → "scope" alarm
// A rejected file changes nothing in the registry except, for the alarm cases (which need a valid
// signature of an enrolled kiosk, so no outsider can cause them), one row in `alarms` per (kiosk,
// seq, kind): a repeat counts on that row. A batch of
// a kiosk that is not enrolled is rejected without touching the registry; its file is copied to
// <dir>/quarantine/ so `coord enroll` can find the kiosk by fingerprint (held_batches_of).
#pragma once

#include "embassy/sync/coord_db.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace embassy::sync {

// skipped: not a batch, left alone and counted (import_tree.hpp: AppleDouble, hidden, system
// folders, empty files, links other than *.embatch, FIFOs, devices); never a failure.
enum class ImportStatus { accepted, already_imported, quarantined, rejected, skipped };
const char* import_status_name(ImportStatus s);   // "accepted", "already imported", ...

struct ImportOutcome {
    std::string file;                 // file name, or its path below the folder given ("sub/x.embatch")
    ImportStatus status = ImportStatus::rejected;
    std::string reason;               // one line, no personal data
    std::string kiosk;                // fingerprint, once the manifest verified
    std::uint64_t seq = 0;
    std::uint64_t signatures = 0;     // signature records imported
    std::uint64_t duplicates = 0;     // of which marked duplicate
    std::uint64_t new_members = 0;
    bool alarm = false;               // an alarm was recorded
    bool from_quarantine = false;     // imported from <dir>/quarantine once its gap was filled
    bool held = false;                // rejected, its file kept in <dir>/quarantine: the kiosk is
                                      // not enrolled yet, or revoked (kiosks.hpp)
};

struct ImportOptions {
    // Records handed out so far / total records of the batch being imported.
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
    // Called for every outcome as soon as it is known (also for batches taken from quarantine).
    std::function<void(const ImportOutcome&)> on_outcome;
    // import_paths: batch files of this run done / all batch files it found (known before the first
    // is imported; skipped entries are not counted), after each one's outcome.
    std::function<void(std::size_t done, std::size_t total)> files_progress;
    // Batches of kiosks not enrolled yet are held in <dir>/quarantine/ for `coord enroll`; anyone
    // with coordinator.pub can make such batches, so at most this many files and bytes are held
    // (docs/coordinator-guide.md, "Limits"); beyond, a batch is refused and not copied.
    std::size_t max_held_files = 256;
    std::uint64_t max_held_bytes = std::uint64_t{256} << 20;
};

// A batch more than this many numbers beyond its kiosk's last imported one is rejected with a
// "seq jump" alarm instead of quarantined: a kiosk numbers its batches 1, 2, 3 …, and no volunteer
// loses 100,000 batches. It also bounds an enrolled kiosk's quarantine (one file per seq).
inline constexpr std::uint64_t import_max_seq_jump = 100000;

// Import one batch file (quarantining it on a gap). Retrying quarantined batches is not done here.
ImportOutcome import_batch(Coordinator& c, const std::filesystem::path& file, const ImportOptions& opts = {});

// Import files and directories, folders searched recursively as import_tree.hpp says (skipped and
// refused entries come first in the outcomes, then the batches). Batches that arrive before an
// earlier one of the same kiosk wait until the end of the run before they are quarantined; after
// each accepted batch, waiting and quarantined batches of that kiosk are retried.
std::vector<ImportOutcome> import_paths(Coordinator& c, const std::vector<std::filesystem::path>& paths,
                                        const ImportOptions& opts = {});

// Batch files held in <dir>/quarantine whose kiosk has this fingerprint (any spelling accepted
// by normalize_fingerprint), with that kiosk's public key. Files that do not verify are skipped.
struct HeldBatches {
    SignPublicKey kiosk_key{};
    std::vector<std::filesystem::path> files;
};
Result<HeldBatches> held_batches_of(Coordinator& c, std::string_view fingerprint);

// Every batch file in <dir>/quarantine that verifies (gap, held for enrollment or after a
// revocation), in name order, with its kiosk, its seq and when it was put there (the copy's mtime).
// Decrypts and checks each one: at most the held files' limits plus the gap quarantine.
struct HeldFile {
    std::filesystem::path file;
    SignPublicKey kiosk_key{};
    std::uint64_t seq = 0;
    std::int64_t held_at = 0;
};
std::vector<HeldFile> held_files(Coordinator& c);

// The coordinator's own withdrawal (`coord withdraw`), of any kiosk's signature: withdraw the
// signature with this receipt commitment from every count, export and later publication. If it was the
// counted one of its member for its appeal, the member's next signature of that appeal (if any)
// becomes the counted one. Returns false when no signature has this commitment.
Result<bool> withdraw_signature(Coordinator& c, const Hash& commitment, std::int64_t when_unix);

// The same, saying what happened and what became of the count (for `coord withdraw`; no personal
// data: an appeal id, a kiosk fingerprint and a batch number).
struct WithdrawOutcome {
    enum class Status { withdrawn, already_withdrawn, not_found } status = Status::not_found;
    std::string appeal_id;            // "" when not found
    // It was not counted: the same person had signed this appeal before. Their counted signature
    // (counted_kiosk, counted_batch) still counts, so the totals lose only a duplicate.
    bool was_duplicate = false;
    // Where the person's count for this appeal is now: for a duplicate, the counted signature;
    // for a counted one, their next signature of the appeal, counted instead ("" = none: one
    // signature fewer is counted).
    std::string counted_kiosk;
    std::uint64_t counted_batch = 0;
};
Result<WithdrawOutcome> withdraw_signature_outcome(Coordinator& c, const Hash& commitment, std::int64_t when_unix);

}  // namespace embassy::sync
