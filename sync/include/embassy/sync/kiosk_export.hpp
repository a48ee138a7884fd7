// The kiosk side of batches: export what is not yet exported, apply the coordinator's
// acknowledgement (purge), and the mapping between batch records and the kiosk's log records.
#pragma once

#include "embassy/registry/record.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/sync/ack.hpp"
#include "embassy/sync/batch.hpp"

#include <filesystem>
#include <functional>
#include <vector>

namespace embassy::sync {

struct ExportResult {
    bool wrote = false;               // false: nothing new, no file written
    std::filesystem::path path;
    std::uint64_t seq = 0;            // batch sequence number
    std::uint64_t signatures = 0;
    std::uint64_t bytes = 0;
    bool recovered = false;           // a batch left pending by a crash was written again first
};

using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Everything not yet exported goes into the next batch in out_dir: written to a temp file, fsynced,
// renamed, directory fsynced. A crash leaves either no batch file or a complete valid one, and the
// next export neither skips nor repeats a record: a batch interrupted by a crash is written again,
// byte-identical inside (same batch id, records, manifest, batch hash), before anything new.
Result<ExportResult> export_batch(registry::KioskStore& store, const std::filesystem::path& out_dir,
                                  const Progress& progress = {});

// Write an already written batch again (e.g. the USB stick with it was lost). The result is the same
// batch — same manifest and batch hash — so a coordinator that already has it sees "already imported".
Result<ExportResult> export_batch_again(registry::KioskStore& store, std::uint64_t seq,
                                        const std::filesystem::path& out_dir, const Progress& progress = {});

struct PurgeResult {
    std::uint64_t batches = 0;        // batches the acknowledgement covers
    std::uint64_t purged = 0;         // registrants whose personal data was removed now
};

// Verify the coordinator's signature (against the identity the kiosk was initialised with) and
// that it names this kiosk and batches this kiosk wrote, then purge the personal data of those
// records (keeping counts, receipt commitments and the log) and truncate the WAL.
Result<PurgeResult> apply_ack(registry::KioskStore& store, std::span<const std::uint8_t> ack_file);
// The same checks, and how many registrants apply_ack would purge now, changing nothing (the
// volunteer confirms that number first).
Result<PurgeResult> check_ack(registry::KioskStore& store, std::span<const std::uint8_t> ack_file);

// One submission as the batch carries it, back into the canonical record the kiosk's log hashed.
registry::SignatureRecord log_record_from(const EventRecord& event, const RegistrantRecord& registrant,
                                          const std::vector<ConsentRecord>& consents, const SignatureRecord& signature);

}  // namespace embassy::sync
