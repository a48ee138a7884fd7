// Kiosk export and purge. Index:
//   [SECTION] Mapping records
//   [SECTION] Export
//   [SECTION] Acknowledgement and purge
#include "embassy/sync/kiosk_export.hpp"

#include <sodium.h>

#include <unistd.h>

#include <cstdlib>
#include <set>

namespace embassy::sync {
namespace fs = std::filesystem;
using registry::KioskBatch;

// [SECTION] Mapping records

registry::SignatureRecord log_record_from(const EventRecord& event, const RegistrantRecord& registrant,
                                          const std::vector<ConsentRecord>& consents, const SignatureRecord& sig) {
    registry::SignatureRecord r;
    r.seq = static_cast<std::int64_t>(sig.log_position);
    r.event_id = sig.event_id;
    r.event_name = event.name;
    r.event_city = event.city;
    r.event_country = event.country;
    r.event_date = event.date;
    r.appeal_id = sig.appeal_id;
    r.appeal_version = sig.appeal_version;
    r.text_hash = sig.appeal_text_hash;
    r.lang = sig.lang;
    r.signed_minute = static_cast<std::int64_t>(sig.unix_minute);
    r.strokes = sig.strokes;
    r.typed_name = sig.typed_name;
    r.receipt_commitment = sig.receipt_commitment;
    r.log_salt = sig.log_salt;   // keys the log hash (zero: a record logged before schema 3, or a v1 batch)
    r.registrant = registry::Registrant{registrant.given_name, registrant.family_name, registrant.country,
                                        registrant.city, registrant.email, registrant.phone, registrant.lang};
    r.joined_registry = registrant.join_registry;
    for (const auto& c : consents)
        r.consents.push_back({static_cast<registry::Purpose>(c.purpose), c.text_hash, c.lang});
    return r;
}

// [SECTION] Export

// Export is a small redo log. (1) In one transaction the unexported signatures are assigned to batch
// k and a 'pending' row records k's id, first record seq and file name. (2) The file is written to a
// temp name, fsynced, renamed, the directory fsynced. (3) The row becomes 'written' with the batch
// hash. A kill before (1) changes nothing; between (1) and (3) the next export writes batch k again
// from the same rows with the same batch id — the manifest, and so the batch hash, come out
// identical — replacing any file a kill left behind. So there is never more than one version of k,
// and no record is skipped or sent twice. The rows are KioskStore's (store.hpp): (1) is open_batch,
// (3) mark_batch_written.
namespace {

// Write the file of batch `b` (its signatures are those with batch_seq = b.seq) and mark it written.
Result<ExportResult> write_batch(registry::KioskStore& store, const KioskBatch& b, const fs::path& out_dir,
                                 const Progress& progress) {
    registry::KioskInfo info = store.info();
    if (info.coordinator.box_key == BoxPublicKey{})
        return make_error("export: this kiosk's coordinator identity is missing or damaged; refusing to write a batch");
    Hash previous{};
    if (b.seq > 1) {
        auto prev = store.batch(b.seq - 1);
        if (!prev) return prev.error();
        if (!*prev || (*prev)->pending) return make_error("export: batch " + std::to_string(b.seq - 1) + " is not written");
        previous = (*prev)->hash.value_or(Hash{});
    }
    auto listed = store.batch_signatures(b.seq);
    if (!listed) return listed.error();
    const std::vector<std::int64_t>& seqs = *listed;
    if (seqs.empty()) return make_error("export: batch " + std::to_string(b.seq) + " has no records");
    const auto total = static_cast<std::uint64_t>(seqs.size());

    fs::path final_path = out_dir / b.file_name;
    std::error_code ec;
    fs::remove(final_path, ec);  // a complete copy of this same batch from before a crash: replaced below
    auto writer = BatchWriter::open(final_path, info.coordinator.box_key, b.id);
    if (!writer) return writer.error();

    // Crash tests widen the window in which a kill lands mid-write (EMBASSY_TEST_EXPORT_DELAY_US per record).
    static const useconds_t test_delay_us = [] {
        const char* v = std::getenv("EMBASSY_TEST_EXPORT_DELAY_US");
        return v ? static_cast<useconds_t>(std::strtoul(v, nullptr, 10)) : 0u;
    }();
    std::uint64_t rseq = b.first_record - 1;
    std::set<std::int64_t> events_sent;
    std::set<std::pair<std::string, std::uint32_t>> appeals_sent;
    std::uint64_t done = 0;
    for (std::int64_t s : seqs) {
        bool purged = false;
        auto rec = store.record_for_export(s, purged);
        if (!rec) return make_error("export: record " + std::to_string(s) + ": " + rec.message());
        if (purged) return make_error("export: record " + std::to_string(s) + " was purged before export");
        if (events_sent.insert(rec->event_id).second) {
            EventRecord e{++rseq, rec->event_id, rec->event_name, rec->event_city, rec->event_country, rec->event_date};
            if (auto a = writer->add(e); !a) return a.error();
        }
        if (appeals_sent.insert({rec->appeal_id, rec->appeal_version}).second) {
            AppealRefRecord a;
            a.seq = ++rseq;
            a.appeal_id = rec->appeal_id;
            a.appeal_version = rec->appeal_version;
            auto ref = store.appeal_ref(rec->appeal_id, rec->appeal_version);
            if (!ref) return ref.error();
            if (*ref) {
                a.content_hash = (*ref)->content_hash;
                a.pack_hash = (*ref)->pack_hash;
            }
            if (auto r = writer->add(a); !r) return r.error();
        }
        RegistrantRecord reg;
        reg.seq = ++rseq;
        reg.event_id = rec->event_id;
        reg.unix_minute = static_cast<std::uint64_t>(rec->signed_minute);
        reg.given_name = rec->registrant.given_name;
        reg.family_name = rec->registrant.family_name;
        reg.country = rec->registrant.country;
        reg.city = rec->registrant.city;
        reg.email = rec->registrant.email;
        reg.phone = rec->registrant.phone;
        reg.lang = rec->registrant.lang;
        reg.join_registry = rec->joined_registry;
        if (auto r = writer->add(reg); !r) return r.error();
        for (const auto& c : rec->consents) {
            ConsentRecord cr{++rseq, reg.seq, static_cast<std::uint8_t>(c.purpose), c.text_hash, c.lang,
                             static_cast<std::uint64_t>(rec->signed_minute)};
            if (auto r = writer->add(cr); !r) return r.error();
        }
        SignatureRecord sig;
        sig.seq = ++rseq;
        sig.registrant_seq = reg.seq;
        sig.appeal_id = rec->appeal_id;
        sig.appeal_version = rec->appeal_version;
        sig.appeal_text_hash = rec->text_hash;
        sig.lang = rec->lang;
        sig.event_id = rec->event_id;
        sig.unix_minute = static_cast<std::uint64_t>(rec->signed_minute);
        sig.mode = rec->strokes.empty() ? SignatureMode::typed_name : SignatureMode::strokes;
        sig.strokes = rec->strokes;
        sig.typed_name = rec->typed_name;
        sig.receipt_commitment = rec->receipt_commitment;
        sig.log_position = static_cast<std::uint64_t>(s);
        sig.log_salt = rec->log_salt;
        if (auto r = writer->add(sig); !r) return r.error();
        ++done;
        if (progress && (done % 256 == 0 || done == total)) progress(done, total);
        if (test_delay_us > 0) usleep(test_delay_us);
    }

    ManifestFields fields;
    fields.kiosk_public_key = info.public_key;
    fields.coordinator_key_id = info.coordinator.key_id();
    fields.seq = b.seq;
    fields.previous_batch_hash = previous;
    {   // the log head as of this batch's last record
        auto head = store.log_entry(seqs.back());
        if (!head) return head.error();
        if (!*head) return make_error("export: log entry " + std::to_string(seqs.back()) + " is missing");
        fields.log.size = static_cast<std::uint64_t>(seqs.back());
        fields.log.hash = **head;
    }
    auto signer = [&store](std::span<const std::uint8_t> m) { return store.sign(m); };
    auto batch = writer->finish(fields, signer);  // fsync, rename, fsync dir
    if (!batch) return batch.error();

    if (!b.pending) {
        // Sent again (a lost stick): it must be the very batch the coordinator may already hold.
        if (!b.hash || batch->batch_hash != *b.hash) {
            fs::remove(final_path, ec);
            return make_error("export: batch " + std::to_string(b.seq) + " no longer comes out identical (records changed?); not written");
        }
    } else if (auto r = store.mark_batch_written(b.seq, batch->batch_hash, rseq); !r) {
        return r.error();
    }
    ExportResult result;
    result.wrote = true;
    result.path = final_path;
    result.seq = b.seq;
    result.signatures = total;
    result.bytes = batch->file_size;
    return result;
}

}  // namespace

Result<ExportResult> export_batch(registry::KioskStore& store, const fs::path& out_dir, const Progress& progress) {
    std::error_code ec;
    if (!fs::is_directory(out_dir, ec)) return make_error("export: " + out_dir.string() + " is not a directory");
    (void)remove_stale_batch_temps(out_dir);

    ExportResult result;
    // 1. A batch left pending by a crash is written again first, identical to what it would have been.
    auto pending = store.pending_batch();
    if (!pending) return pending.error();
    if (*pending) {
        auto r = write_batch(store, **pending, out_dir, progress);
        if (!r) return r.error();
        result = *r;
        result.recovered = true;
    }
    // 2. Everything not yet assigned goes into the next batch (one transaction).
    BatchId id{};
    randombytes_buf(id.data(), id.size());
    auto opened = store.open_batch(id, random_batch_file_name());
    if (!opened) return opened.error();
    if (!*opened) return result;  // nothing new: no (further) file
    const KioskBatch& b = **opened;
    auto r = write_batch(store, b, out_dir, progress);
    if (!r) return r.error();
    bool recovered = result.recovered;
    result = *r;
    result.recovered = recovered;
    return result;
}

Result<ExportResult> export_batch_again(registry::KioskStore& store, std::uint64_t seq, const fs::path& out_dir,
                                        const Progress& progress) {
    std::error_code ec;
    if (!fs::is_directory(out_dir, ec)) return make_error("export: " + out_dir.string() + " is not a directory");
    auto row = store.batch(seq);
    if (!row) return row.error();
    if (!*row) return make_error("export: this kiosk never wrote batch " + std::to_string(seq));
    if ((*row)->pending) return make_error("export: batch " + std::to_string(seq) + " was interrupted; run a normal export");
    auto purged = store.batch_purged(seq);
    if (!purged) return purged.error();
    if (*purged) return make_error("export: batch " + std::to_string(seq) + " was acknowledged and purged; nothing to send again");
    return write_batch(store, **row, out_dir, progress);
}

// [SECTION] Acknowledgement and purge

namespace {
// Every check apply_ack makes before it purges, shared with check_ack so the count the volunteer is
// shown comes from the acknowledgement that would really be applied.
Result<Ack> verified_ack(registry::KioskStore& store, std::span<const std::uint8_t> ack_file) {
    registry::KioskInfo info = store.info();
    auto ack = ack_read(ack_file, info.coordinator.sign_key);
    if (!ack) return ack.error();
    if (ack->kiosk_public_key != info.public_key)
        return make_error("acknowledgement is for another kiosk (" + fingerprint(ack->kiosk_public_key) + ")");
    // The acknowledged last batch must be one this kiosk wrote, with the same hash.
    {
        auto b = store.batch(ack->last_seq);
        if (!b) return b.error();
        if (!*b || (*b)->pending)
            return make_error("acknowledgement names batch " + std::to_string(ack->last_seq) + ", which this kiosk never wrote");
        if (!(*b)->hash || *(*b)->hash != ack->last_batch_hash)
            return make_error("acknowledgement: batch " + std::to_string(ack->last_seq) + " has another hash here; refusing to purge");
    }
    return ack;
}
}  // namespace

Result<PurgeResult> check_ack(registry::KioskStore& store, std::span<const std::uint8_t> ack_file) {
    auto ack = verified_ack(store, ack_file);
    if (!ack) return ack.error();
    auto n = store.purgeable(ack->last_seq);
    if (!n) return n.error();
    return PurgeResult{ack->last_seq, *n};
}

Result<PurgeResult> apply_ack(registry::KioskStore& store, std::span<const std::uint8_t> ack_file) {
    auto ack = verified_ack(store, ack_file);
    if (!ack) return ack.error();
    PurgeResult out;
    out.batches = ack->last_seq;
    auto purged = store.purge_acknowledged(ack->last_seq, ack->last_record_seq);
    if (!purged) return purged.error();
    out.purged = *purged;
    return out;
}

}  // namespace embassy::sync
