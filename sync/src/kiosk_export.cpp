// Kiosk export and purge. Index:
//   [SECTION] Mapping records
//   [SECTION] Export
//   [SECTION] Acknowledgement and purge
#include "embassy/sync/kiosk_export.hpp"

#include "embassy/registry/db.hpp"

#include <sodium.h>

#include <ctime>
#include <map>
#include <set>

namespace embassy::sync {
namespace fs = std::filesystem;
using registry::Database;

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
    r.registrant = registry::Registrant{registrant.given_name, registrant.family_name, registrant.country,
                                        registrant.city, registrant.email, registrant.phone, registrant.lang};
    r.joined_registry = registrant.join_registry;
    for (const auto& c : consents)
        r.consents.push_back({static_cast<registry::Purpose>(c.purpose), c.text_hash, c.lang});
    return r;
}

// [SECTION] Export

namespace {

struct BatchRow {
    std::uint64_t seq = 0;
    Hash hash{};
    std::uint64_t last_record = 0;
};

Result<BatchRow> last_batch(Database& db) {
    BatchRow b;
    auto st = db.prepare("SELECT seq, batch_hash, last_record FROM batches ORDER BY seq DESC LIMIT 1");
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    if (*row) {
        b.seq = static_cast<std::uint64_t>(st->column_int(0));
        Bytes h = st->column_blob(1);
        if (h.size() == 32) std::copy(h.begin(), h.end(), b.hash.begin());
        b.last_record = static_cast<std::uint64_t>(st->column_int(2));
    }
    return b;
}

}  // namespace

Result<ExportResult> export_batch(registry::KioskStore& store, const fs::path& out_dir, const Progress& progress) {
    Database& db = store.db();
    ExportResult result;
    std::error_code ec;
    if (!fs::is_directory(out_dir, ec)) return make_error("export: " + out_dir.string() + " is not a directory");
    (void)remove_stale_batch_temps(out_dir);

    auto pending = db.query_int("SELECT count(*) FROM signatures WHERE batch_seq IS NULL");
    if (!pending) return pending.error();
    if (*pending == 0) return result;  // nothing new: no file
    const auto total = static_cast<std::uint64_t>(*pending);

    auto prev = last_batch(db);
    if (!prev) return prev.error();
    const std::uint64_t seq = prev->seq + 1;
    registry::KioskInfo info = store.info();

    // Which signatures: all unexported, by log position. Collected first (ids only) so the set is
    // fixed even if a submit happens meanwhile on another connection.
    std::vector<std::int64_t> seqs;
    {
        auto st = db.prepare("SELECT seq FROM signatures WHERE batch_seq IS NULL ORDER BY seq");
        if (!st) return st.error();
        while (true) {
            auto row = st->step();
            if (!row) return row.error();
            if (!*row) break;
            seqs.push_back(st->column_int(0));
        }
    }

    fs::path final_path = out_dir / random_batch_file_name();
    auto writer = BatchWriter::open(final_path, info.coordinator.box_key);
    if (!writer) return writer.error();

    std::uint64_t rseq = prev->last_record;
    const std::uint64_t first_record = rseq + 1;
    std::set<std::int64_t> events_sent;
    std::set<std::pair<std::string, std::uint32_t>> appeals_sent;
    std::uint64_t done = 0;
    for (std::int64_t s : seqs) {
        bool purged = false;
        auto rec = registry::load_record(db, s, purged);
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
            auto st = db.cached("SELECT a.content_hash, p.pack_hash FROM appeals a JOIN packs p ON p.id = a.pack "
                                "WHERE a.appeal_id = ?1 AND a.version = ?2");
            if (!st) return st.error();
            st->bind(1, rec->appeal_id).bind(2, std::int64_t{rec->appeal_version});
            auto row = st->step();
            if (!row) return row.error();
            if (*row) {
                Bytes ch = st->column_blob(0), ph = st->column_blob(1);
                if (ch.size() == 32) std::copy(ch.begin(), ch.end(), a.content_hash.begin());
                if (ph.size() == 32) std::copy(ph.begin(), ph.end(), a.pack_hash.begin());
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
        if (auto r = writer->add(sig); !r) return r.error();
        ++done;
        if (progress && (done % 256 == 0 || done == total)) progress(done, total);
    }

    ManifestFields fields;
    fields.kiosk_public_key = info.public_key;
    fields.coordinator_key_id = info.coordinator.key_id();
    fields.seq = seq;
    fields.previous_batch_hash = prev->hash;
    // The log head as of the last exported record (later submits are not in this batch).
    {
        auto st = db.prepare("SELECT entry_hash FROM log WHERE pos = ?1");
        if (!st) return st.error();
        st->bind(1, seqs.back());
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return make_error("export: log entry " + std::to_string(seqs.back()) + " is missing");
        Bytes h = st->column_blob(0);
        fields.log.size = static_cast<std::uint64_t>(seqs.back());
        if (h.size() == 32) std::copy(h.begin(), h.end(), fields.log.hash.begin());
    }
    auto signer = [&store](std::span<const std::uint8_t> m) { return store.sign(m); };
    auto batch = writer->finish(fields, signer);  // fsync, rename, fsync dir
    if (!batch) return batch.error();

    // Only now, with the file durable under its final name, mark the records exported.
    registry::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    {
        auto st = db.prepare("INSERT INTO batches(seq, batch_id, batch_hash, first_record, last_record, records, created_at, file_name) "
                             "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
        if (!st) return st.error();
        st->bind(1, static_cast<std::int64_t>(seq)).bind_blob(2, batch->batch_id).bind_blob(3, batch->batch_hash)
            .bind(4, static_cast<std::int64_t>(first_record)).bind(5, static_cast<std::int64_t>(rseq))
            .bind(6, static_cast<std::int64_t>(seqs.size())).bind(7, static_cast<std::int64_t>(std::time(nullptr)))
            .bind(8, final_path.filename().string());
        if (auto r = st->run(); !r) return r.error();
        auto up = db.prepare("UPDATE signatures SET batch_seq = ?1 WHERE batch_seq IS NULL AND seq <= ?2");
        if (!up) return up.error();
        up->bind(1, static_cast<std::int64_t>(seq)).bind(2, seqs.back());
        if (auto r = up->run(); !r) return r.error();
    }
    if (auto c = tx.commit(); !c) return c.error();
    result.wrote = true;
    result.path = final_path;
    result.seq = seq;
    result.signatures = seqs.size();
    result.bytes = batch->file_size;
    return result;
}

// [SECTION] Acknowledgement and purge

Result<PurgeResult> apply_ack(registry::KioskStore& store, std::span<const std::uint8_t> ack_file) {
    registry::KioskInfo info = store.info();
    auto ack = ack_read(ack_file, info.coordinator.sign_key);
    if (!ack) return ack.error();
    if (ack->kiosk_public_key != info.public_key)
        return make_error("acknowledgement is for another kiosk (" + fingerprint(ack->kiosk_public_key) + ")");
    Database& db = store.db();
    // The acknowledged last batch must be one this kiosk wrote, with the same hash.
    {
        auto st = db.prepare("SELECT batch_hash FROM batches WHERE seq = ?1");
        if (!st) return st.error();
        st->bind(1, static_cast<std::int64_t>(ack->last_seq));
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return make_error("acknowledgement names batch " + std::to_string(ack->last_seq) + ", which this kiosk never wrote");
        Bytes h = st->column_blob(0);
        if (h.size() != 32 || !std::equal(h.begin(), h.end(), ack->last_batch_hash.begin()))
            return make_error("acknowledgement: batch " + std::to_string(ack->last_seq) + " has another hash here; refusing to purge");
    }
    PurgeResult out;
    out.batches = ack->last_seq;
    {
        registry::Transaction tx(db);
        if (!tx.begun()) return tx.begun().error();
        auto n = db.query_int("SELECT count(*) FROM registrants r JOIN signatures s ON s.seq = r.seq WHERE r.purged = 0 AND s.batch_seq <= " +
                              std::to_string(ack->last_seq));
        if (!n) return n.error();
        out.purged = static_cast<std::uint64_t>(*n);
        // secure_delete=ON overwrites the freed content; the log keeps record hashes only.
        const std::string upto = std::to_string(ack->last_seq);
        for (const std::string& sql : {
                 "UPDATE registrants SET given_name = NULL, family_name = NULL, country = NULL, city = NULL, email = NULL, "
                 "phone = NULL, lang = NULL, purged = 1 WHERE purged = 0 AND seq IN (SELECT seq FROM signatures WHERE batch_seq <= " + upto + ")",
                 "UPDATE signatures SET strokes = NULL, typed_name = NULL WHERE batch_seq <= " + upto,
             }) {
            if (auto s = db.exec(sql); !s) return s.error();
        }
        auto st = db.prepare("INSERT INTO acks(up_to_batch, up_to_record, applied_at) VALUES(?1, ?2, ?3)");
        if (!st) return st.error();
        st->bind(1, static_cast<std::int64_t>(ack->last_seq)).bind(2, static_cast<std::int64_t>(ack->last_record_seq))
            .bind(3, static_cast<std::int64_t>(std::time(nullptr)));
        if (auto r = st->run(); !r) return r.error();
        if (auto c = tx.commit(); !c) return c.error();
    }
    // Old page images with the names may still sit in the WAL: fold it in and truncate it.
    if (auto s = db.checkpoint_truncate(); !s) return s.error();
    if (auto s = db.exec("VACUUM"); !s) return s.error();
    if (auto s = db.checkpoint_truncate(); !s) return s.error();
    return out;
}

}  // namespace embassy::sync
