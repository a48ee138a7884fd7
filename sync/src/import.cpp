// Batch import at the coordinator (import.hpp states the rules). Index:
//   [SECTION] Helpers
//   [SECTION] Withdrawal
//   [SECTION] Importing the records of one batch
//   [SECTION] One file
//   [SECTION] Many files, quarantine retries
//   [SECTION] Held batches of unenrolled kiosks
#include "embassy/sync/import.hpp"

#include "embassy/registry/record.hpp"
#include "embassy/registry/validate.hpp"
#include "embassy/sync/batch.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/dedupe.hpp"
#include "embassy/sync/import_tree.hpp"
#include "embassy/sync/kiosk_export.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <map>
#include <optional>
#include <system_error>

namespace embassy::sync {
namespace fs = std::filesystem;
using registry::Database;

const char* import_status_name(ImportStatus s) {
    switch (s) {
        case ImportStatus::accepted: return "accepted";
        case ImportStatus::already_imported: return "already imported";
        case ImportStatus::quarantined: return "quarantined";
        case ImportStatus::rejected: return "rejected";
        case ImportStatus::skipped: return "skipped";
    }
    return "?";
}

// [SECTION] Helpers
namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// <dir>/quarantine/<first 32 hex digits of the batch hash>.embatch: neutral, and the same batch
// always lands on the same name.
fs::path held_path(const Coordinator& c, const Hash& batch_hash) {
    return c.dir() / coord_quarantine_dir / (to_hex(batch_hash).substr(0, 32) + kBatchExtension);
}

constexpr std::uint64_t kMaxSeqJump = import_max_seq_jump;

std::string utc_date(std::int64_t unix_time) {
    const auto t = static_cast<std::time_t>(unix_time);
    std::tm tm{};
    char buf[16] = "?";
    if (gmtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

// Held-for-enrollment files now in <dir>/quarantine/: the batch files there that no quarantine row
// names (those wait for a gap of an enrolled kiosk, bounded by kMaxSeqJump). Counted when a batch
// of an unknown kiosk arrives, so their number and size stay capped whoever sends them.
Result<std::pair<std::size_t, std::uint64_t>> held_for_enrollment(Coordinator& c) {
    std::vector<std::string> gap_files;
    auto st = c.db().prepare("SELECT stored_file FROM quarantine");
    if (!st) return st.error();
    while (true) {
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) break;
        gap_files.push_back(st->column_text(0));
    }
    std::sort(gap_files.begin(), gap_files.end());
    std::size_t files = 0;
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(c.dir() / coord_quarantine_dir, ec)) {
        if (!e.is_regular_file(ec) || e.path().extension() != kBatchExtension) continue;
        if (std::binary_search(gap_files.begin(), gap_files.end(), e.path().filename().string())) continue;
        ++files;
        bytes += e.file_size(ec);
    }
    return std::pair{files, bytes};
}

// A copy of `file` in <dir>/quarantine/, 0600 whatever the source's mode, written atomically (temp
// file, fsync, rename). `limits` given: a held-for-enrollment copy, refused beyond them.
Status hold_copy(Coordinator& c, const fs::path& file, const Hash& batch_hash, const ImportOptions* limits = nullptr) {
    std::error_code ec;
    fs::create_directories(c.dir() / coord_quarantine_dir, ec);
    const fs::path dst = held_path(c, batch_hash);
    if (fs::equivalent(file, dst, ec)) return {};
    if (fs::exists(dst, ec)) return {};
    // The file as verified came off a stick: copied from a descriptor whose type is checked, never
    // through a link swapped in since (import_tree.hpp).
    auto in = open_regular_file(file);
    if (!in) return make_error("cannot copy the batch to the quarantine directory: " + in.message());
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{*in};
    if (limits) {
        auto held = held_for_enrollment(c);
        if (!held) return held.error();
        struct stat st {};
        if (::fstat(*in, &st) != 0) return make_error("cannot read the batch file's size: " + std::string(std::strerror(errno)));
        const auto size = static_cast<std::uint64_t>(st.st_size);
        if (held->first + 1 > limits->max_held_files || held->second + size > limits->max_held_bytes)
            return make_error("not held: the quarantine already holds " + std::to_string(held->first) + " files (" +
                              std::to_string(held->second >> 20) + " MiB) of kiosks not enrolled, the limit is " +
                              std::to_string(limits->max_held_files) + " files and " +
                              std::to_string(limits->max_held_bytes >> 20) + " MiB");
    }
    if (auto s = copy_file_atomic(*in, dst.string()); !s)
        return make_error("cannot copy the batch to the quarantine directory: " + s.message());
    return {};
}

void drop_held_copy(const Coordinator& c, const Hash& batch_hash) {
    std::error_code ec;
    fs::remove(held_path(c, batch_hash), ec);
}

bool row_exists(Database& db, const std::string& sql, std::span<const std::uint8_t> blob) {
    auto st = db.prepare(sql);
    if (!st) return false;
    st->bind_blob(1, blob);
    auto row = st->step();
    return row && *row;
}

// One row per (kiosk, seq, kind) (coord_db.cpp, schema 6): a repeat counts and updates the time
// last seen, the first batch hash and detail stay as the evidence. So forged repeats of one batch
// number cannot bury another alarm under rows.
Status raise_alarm(Database& db, const char* kind, std::int64_t kiosk, std::uint64_t seq, const Hash& batch_hash,
                   const std::string& detail) {
    auto st = db.prepare("INSERT INTO alarms(kind, kiosk, seq, batch_hash, detail, raised_at, last_seen, repeats) "
                         "VALUES(?1,?2,?3,?4,?5,?6,?6,1) ON CONFLICT(kiosk, seq, kind) DO UPDATE "
                         "SET repeats = repeats + 1, last_seen = excluded.last_seen");
    if (!st) return make_error("alarm not recorded: " + st.message());
    st->bind(1, kind).bind(2, kiosk).bind(3, i64(seq)).bind_blob(4, batch_hash).bind(5, detail)
        .bind(6, static_cast<std::int64_t>(std::time(nullptr)));
    if (auto r = st->run(); !r) return make_error("alarm not recorded: " + r.message());
    return {};
}

Bytes pack_consents(const std::vector<ConsentRecord>& cs, std::int64_t& mask) {
    Bytes out;
    mask = 0;
    for (const auto& c : cs) {
        registry::append_consent(out, c.purpose, c.text_hash, c.lang);  // the kiosk's codec (model.hpp)
        if (c.purpose >= 1 && c.purpose <= 8) mask |= std::int64_t{1} << (c.purpose - 1);
    }
    return out;
}

}  // namespace

// [SECTION] Withdrawal
namespace {

// Whose signature a withdrawal may name. The coordinator's own `coord withdraw` may name any; a
// withdrawal record in a kiosk's batch only that kiosk's signature with the record seq it gives
// (threat model row 17: a kiosk affects only its own records).
struct WithdrawalScope {
    std::int64_t kiosk = 0;
    std::uint64_t signature_seq = 0;
};

enum class Withdrawal { withdrawn, already_withdrawn, not_found, not_this_kiosks };

// What became of the count, for `coord withdraw` to say (withdraw_signature_outcome).
struct WithdrawnDetail {
    std::string appeal_id;
    bool was_duplicate = false;
    std::int64_t counted_now = 0;   // the signature that counts for this person and appeal now; 0 if none
};

// Inside the caller's transaction; `counted` learns where the count went and keeps it pending
// until the caller commits or rolls back.
Result<Withdrawal> withdraw_in_tx(Database& db, CountedIndex& counted, ReceiptIndex& receipts, const Hash& commitment,
                                  std::int64_t when, const std::optional<WithdrawalScope>& scope,
                                  WithdrawnDetail* detail = nullptr) {
    // The commitment is found in memory (receipt_index.hpp), its signature row by id.
    auto found = receipts.find(db, commitment);
    if (!found) return found.error();
    if (*found == 0) return Withdrawal::not_found;
    auto st = db.prepare("SELECT id, member, appeal_id, duplicate_of, withdrawn_at IS NOT NULL, kiosk, record_seq "
                         "FROM signatures WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, *found);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return Withdrawal::not_found;
    const std::int64_t id = st->column_int(0), member = st->column_int(1);
    const std::string appeal = st->column_text(2);
    const bool was_counted = st->column_is_null(3);
    if (scope && (st->column_int(5) != scope->kiosk || st->column_int(6) != i64(scope->signature_seq)))
        return Withdrawal::not_this_kiosks;
    if (detail != nullptr) {
        detail->appeal_id = appeal;
        detail->was_duplicate = !was_counted;
        detail->counted_now = was_counted ? 0 : st->column_int(3);
    }
    if (st->column_int(4) != 0) return Withdrawal::already_withdrawn;
    st->reset();
    auto up = db.prepare("UPDATE signatures SET withdrawn_at = ?2 WHERE id = ?1");
    if (!up) return up.error();
    up->bind(1, id).bind(2, when);
    if (auto r = up->run(); !r) return r.error();
    std::int64_t heir = 0;
    if (was_counted) {
        // The member's next signature of this appeal (if any) is counted instead; the rest point to
        // it. The member's signatures are found in the narrow receipts table (no index: a scan).
        auto next = db.prepare("SELECT g.signature FROM receipts g JOIN signatures s ON s.id = g.signature "
                               "WHERE g.member = ?1 AND g.appeal_id = ?2 AND g.signature <> ?3 AND s.withdrawn_at IS NULL "
                               "ORDER BY g.signature LIMIT 1");
        if (!next) return next.error();
        next->bind(1, member).bind(2, appeal).bind(3, id);
        auto nr = next->step();
        if (!nr) return nr.error();
        if (*nr) {
            heir = next->column_int(0);
            next->reset();
            auto a = db.prepare("UPDATE signatures SET duplicate_of = ?2 WHERE duplicate_of = ?1 AND id <> ?2 AND id IN "
                                "(SELECT signature FROM receipts WHERE member = ?3 AND appeal_id = ?4)");
            if (!a) return a.error();
            a->bind(1, id).bind(2, heir).bind(3, member).bind(4, appeal);
            if (auto r = a->run(); !r) return r.error();
            auto b = db.prepare("UPDATE signatures SET duplicate_of = NULL WHERE id = ?1");
            if (!b) return b.error();
            b->bind(1, heir);
            if (auto r = b->run(); !r) return r.error();
        }
    }
    if (auto s = counted.note_withdrawal(member, appeal, was_counted, heir); !s) return s.error();
    if (detail != nullptr && was_counted) detail->counted_now = heir;
    return Withdrawal::withdrawn;
}

}  // namespace

Result<WithdrawOutcome> withdraw_signature_outcome(Coordinator& c, const Hash& commitment, std::int64_t when_unix) {
    CountedIndex& counted = c.counted_index();
    ReceiptIndex& receipts = c.receipt_index();
    registry::Transaction tx(c.db());
    if (!tx.begun()) return tx.begun().error();
    if (auto s = counted.sync(c.db()); !s) return s.error();
    if (auto s = receipts.sync(c.db()); !s) return s.error();
    WithdrawnDetail detail;
    auto r = withdraw_in_tx(c.db(), counted, receipts, commitment, when_unix, std::nullopt, &detail);
    WithdrawOutcome out;
    if (!r || *r != Withdrawal::withdrawn) {
        counted.rollback();   // nothing was written: the transaction ends unused
        if (!r) return r.error();
        out.status = *r == Withdrawal::already_withdrawn ? WithdrawOutcome::Status::already_withdrawn : WithdrawOutcome::Status::not_found;
    } else {
        out.status = WithdrawOutcome::Status::withdrawn;
    }
    out.appeal_id = detail.appeal_id;
    out.was_duplicate = detail.was_duplicate;
    if (detail.counted_now != 0) {
        // Where the count is now: a kiosk and a batch number, nothing of the person.
        auto st = c.db().prepare("SELECT k.fingerprint, b.seq, s.duplicate_of IS NULL AND s.withdrawn_at IS NULL FROM signatures s "
                                 "JOIN kiosks k ON k.id = s.kiosk JOIN batches b ON b.id = s.batch WHERE s.id = ?1");
        if (!st) return st.error();
        st->bind(1, detail.counted_now);
        auto row = st->step();
        if (!row) return row.error();
        if (*row && st->column_int(2) != 0) {
            out.counted_kiosk = st->column_text(0);
            out.counted_batch = static_cast<std::uint64_t>(st->column_int(1));
        }
    }
    if (out.status == WithdrawOutcome::Status::withdrawn) {
        if (auto s = tx.commit(); !s) {
            counted.rollback();
            return s.error();
        }
        counted.commit();
    }
    return out;
}

Result<bool> withdraw_signature(Coordinator& c, const Hash& commitment, std::int64_t when_unix) {
    auto r = withdraw_signature_outcome(c, commitment, when_unix);
    if (!r) return r.error();
    return r->status != WithdrawOutcome::Status::not_found;
}

// [SECTION] Importing the records of one batch
namespace {

constexpr std::size_t kMaxPendingRegistrants = 100000;

struct PendingRegistrant {
    RegistrantRecord reg;
    std::vector<ConsentRecord> consents;   // at most 4: purposes refuses a purpose given twice
    registry::ConsentPurposes purposes;
};

// A record that breaks one of the kiosk's rules (registry/validate.hpp) or names what no pack of
// this coordinator holds: the batch is rejected whole. The message names the record and the
// field, never the value.
Status refuse(const char* type, std::uint64_t seq, const std::string& why) {
    return make_error(std::string(type) + " record " + std::to_string(seq) + ": " + why);
}

Status check_content(const RegistrantRecord& r, std::int64_t now) {
    if (auto s = registry::check_registrant({r.given_name, r.family_name, r.country, r.city, r.email, r.phone, r.lang}); !s)
        return refuse("registrant", r.seq, s.message());
    if (auto s = registry::check_unix_minute(r.unix_minute, now); !s) return refuse("registrant", r.seq, s.message());
    return {};
}

Status check_content(const EventRecord& e) {
    if (auto s = registry::check_event({e.event_id, e.name, e.city, e.country, e.date}); !s) return refuse("event", e.seq, s.message());
    return {};
}

Status check_content(const AppealRefRecord& a, const SignedPacks& packs) {
    if (packs.packs.count(a.pack_hash) == 0) return refuse("appeal reference", a.seq, "pack_hash: not a pack this coordinator signed");
    if (packs.appeals.count({a.appeal_id, a.appeal_version, a.content_hash, a.pack_hash}) == 0)
        return refuse("appeal reference", a.seq, "appeal_id, appeal_version, content_hash: not an appeal of that pack");
    return {};
}

Status check_content(const ConsentRecord& c, PendingRegistrant& p, const SignedPacks& packs, std::int64_t now) {
    if (auto s = p.purposes.add(c.purpose); !s) return refuse("consent", c.seq, s.message());
    if (!registry::is_supported_language(c.lang)) return refuse("consent", c.seq, "lang: not one of the kiosk's languages");
    if (!packs.has_consent(c.purpose, c.lang, c.text_hash))
        return refuse("consent", c.seq, "text_hash: not a consent text of a pack this coordinator signed");
    if (auto s = registry::check_unix_minute(c.unix_minute, now); !s) return refuse("consent", c.seq, s.message());
    return {};
}

Status check_content(const SignatureRecord& s, const PendingRegistrant& p, const SignedPacks& packs, std::int64_t now) {
    if (s.mode == SignatureMode::strokes) {
        if (auto v = registry::check_encoded_strokes(s.strokes); !v) return refuse("signature", s.seq, v.message());
    } else if (auto v = registry::check_typed_name(s.typed_name); !v) {
        return refuse("signature", s.seq, v.message());
    }
    if (!registry::is_supported_language(s.lang)) return refuse("signature", s.seq, "lang: not one of the kiosk's languages");
    if (!packs.has_text(s.appeal_id, s.appeal_version, s.lang, s.appeal_text_hash))
        return refuse("signature", s.seq, "appeal_id, appeal_version, lang, appeal_text_hash: not an appeal text of a pack this coordinator signed");
    if (auto v = p.purposes.require_sign_appeal(); !v) return refuse("signature", s.seq, v.message());
    if (auto v = registry::check_unix_minute(s.unix_minute, now); !v) return refuse("signature", s.seq, v.message());
    return {};
}

struct Importer {
    Importer(Database& d, MemberIndex& m, CountedIndex& c, ReceiptIndex& r) : db(d), members(m), counted(c), receipts(r) {}
    Database& db;
    MemberIndex& members;
    CountedIndex& counted;
    ReceiptIndex& receipts;
    std::int64_t kiosk = 0;
    std::int64_t batch = 0;
    SignedPacks packs;                         // what this coordinator's packs allow (coord_packs.hpp)
    std::int64_t now = 0;                      // the importer's clock, for unix_minute bounds
    std::uint64_t log_size = 0;
    Hash log_head{};
    bool log_broken = false;                   // a log-chain failure (alarm), not a format one
    const char* alarm = nullptr;               // another failure that is an alarm: its kind
    std::map<std::int64_t, std::pair<std::int64_t, EventRecord>> events;  // kiosk event id → (row, record)
    std::map<std::uint64_t, PendingRegistrant> pending;                  // by registrant record seq
    std::uint64_t signatures = 0, duplicates = 0, new_members = 0;

    Result<std::pair<std::int64_t, EventRecord>> event(std::int64_t kiosk_event_id) {
        if (auto it = events.find(kiosk_event_id); it != events.end()) return it->second;
        // Sent in an earlier batch of this kiosk.
        auto st = db.cached("SELECT id, name, city, country, date FROM events WHERE kiosk = ?1 AND kiosk_event_id = ?2");
        if (!st) return st.error();
        st->bind(1, kiosk).bind(2, kiosk_event_id);
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return make_error("a signature names event " + std::to_string(kiosk_event_id) + ", which no record describes");
        EventRecord e{0, kiosk_event_id, st->column_text(1), st->column_text(2), st->column_text(3), st->column_text(4)};
        std::pair<std::int64_t, EventRecord> v{st->column_int(0), e};
        st->reset();
        events.emplace(kiosk_event_id, v);
        return v;
    }

    Status on_event(const EventRecord& e) {
        if (auto c = check_content(e); !c) return c;
        auto ins = db.cached("INSERT INTO events(kiosk, kiosk_event_id, name, city, country, date) VALUES(?1,?2,?3,?4,?5,?6) "
                             "ON CONFLICT(kiosk, kiosk_event_id) DO NOTHING");
        if (!ins) return ins.error();
        ins->bind(1, kiosk).bind(2, e.event_id).bind(3, e.name).bind(4, e.city).bind(5, e.country).bind(6, e.date);
        if (auto r = ins->run(); !r) return r.error();
        auto st = db.cached("SELECT id, name, city, country, date FROM events WHERE kiosk = ?1 AND kiosk_event_id = ?2");
        if (!st) return st.error();
        st->bind(1, kiosk).bind(2, e.event_id);
        auto row = st->step();
        if (!row) return row.error();
        if (!*row) return make_error("event " + std::to_string(e.event_id) + " not stored");
        // A kiosk's event is immutable once created; a batch that redescribes it differently is
        // inconsistent (the log hash would not match either, but say so plainly).
        if (st->column_text(1) != e.name || st->column_text(2) != e.city || st->column_text(3) != e.country ||
            st->column_text(4) != e.date) {
            st->reset();
            return make_error("event " + std::to_string(e.event_id) + " differs from the one an earlier batch described");
        }
        std::int64_t id = st->column_int(0);
        st->reset();
        events[e.event_id] = {id, e};
        return {};
    }

    Status on_appeal(const AppealRefRecord& a) {
        if (auto c = check_content(a, packs); !c) return c;
        auto ins = db.cached("INSERT INTO appeals(appeal_id, version, content_hash, pack_hash) VALUES(?1,?2,?3,?4) "
                             "ON CONFLICT(appeal_id, version) DO NOTHING");
        if (!ins) return ins.error();
        ins->bind(1, a.appeal_id).bind(2, std::int64_t{a.appeal_version}).bind_blob(3, a.content_hash).bind_blob(4, a.pack_hash);
        return ins->run();
    }

    // A registration that came without a signature (signatures carry their own).
    Result<std::int64_t> store_registration(const PendingRegistrant& p, std::int64_t member) {
        std::int64_t event_row = 0;
        if (auto ev = events.find(p.reg.event_id); ev != events.end()) event_row = ev->second.first;
        std::int64_t mask = 0;
        Bytes consents = pack_consents(p.consents, mask);
        auto ins = db.cached("INSERT INTO registrations(member, kiosk, batch, record_seq, event, unix_minute, given_name, family_name, "
                             "country, city, email, phone, lang, join_registry, consent_mask, consents) "
                             "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
        if (!ins) return ins.error();
        ins->bind(1, member).bind(2, kiosk).bind(3, batch).bind(4, i64(p.reg.seq));
        if (event_row != 0) ins->bind(5, event_row);
        else ins->bind_null(5);
        ins->bind(6, i64(p.reg.unix_minute)).bind(7, p.reg.given_name).bind(8, p.reg.family_name).bind(9, p.reg.country)
            .bind(10, p.reg.city).bind(11, p.reg.email).bind(12, p.reg.phone).bind(13, p.reg.lang)
            .bind(14, std::int64_t{p.reg.join_registry ? 1 : 0}).bind(15, mask).bind_blob(16, consents);
        if (auto r = ins->run(); !r) return make_error("registration record " + std::to_string(p.reg.seq) + ": " + r.message());
        return db.last_insert_rowid();
    }

    Result<MemberMatch> member_for(const RegistrantRecord& r) {
        auto m = members.find_or_create(db, member_keys(r.given_name, r.family_name, r.country, r.email, r.phone));
        if (m && m->created) ++new_members;
        return m;
    }

    // Which imported signature this is, for an alarm: kiosk and batch, never a person.
    std::string holder_of(std::int64_t signature) {
        auto st = db.cached("SELECT k.fingerprint, b.seq, s.batch FROM signatures s JOIN kiosks k ON k.id = s.kiosk "
                            "JOIN batches b ON b.id = s.batch WHERE s.id = ?1");
        if (!st) return "an imported signature";
        st->bind(1, signature);
        auto row = st->step();
        std::string out = "an imported signature";
        if (row && *row)
            out = st->column_int(2) == batch ? "an earlier signature of this batch"
                                             : "a signature of kiosk " + st->column_text(0) + " batch " + std::to_string(st->column_int(1));
        st->reset();
        return out;
    }

    Status on_signature(const SignatureRecord& s) {
        auto it = pending.find(s.registrant_seq);
        if (it == pending.end())
            return make_error("signature record " + std::to_string(s.seq) + " names registrant record " +
                              std::to_string(s.registrant_seq) + ", which this batch does not hold");
        if (auto c = check_content(s, it->second, packs, now); !c) return c;
        auto ev = event(s.event_id);
        if (!ev) return make_error("signature record " + std::to_string(s.seq) + ": " + ev.message());
        // The kiosk's log: every signature is one entry, positions 1, 2, 3 … without a gap.
        if (s.log_position != log_size + 1) {
            log_broken = true;
            return make_error("log position " + std::to_string(s.log_position) + " does not follow " + std::to_string(log_size) +
                              " (a record is missing)");
        }
        registry::SignatureRecord canon = log_record_from(ev->second, it->second.reg, it->second.consents, s);
        log_head = registry::log_chain_next(log_head, i64(s.log_position), registry::log_record_hash(canon));
        log_size = s.log_position;

        // Crash tests widen the window in which a kill lands inside a batch's transaction
        // (EMBASSY_TEST_IMPORT_DELAY_US per signature; tests/e2e/crash_import.sh).
        static const useconds_t test_delay_us = [] {
            const char* v = std::getenv("EMBASSY_TEST_IMPORT_DELAY_US");
            return v ? static_cast<useconds_t>(std::strtoul(v, nullptr, 10)) : 0u;
        }();
        if (test_delay_us != 0) ::usleep(test_delay_us);
        // A receipt commitment is unique registry-wide, counted or withdrawn (threat model row 17): a
        // copy could neither be told apart by its signer nor published, and a withdrawn one copied
        // would read "counted" again.
        auto same = receipts.find(db, s.receipt_commitment);
        if (!same) return same.error();
        if (*same != 0) {
            alarm = "receipt";
            return make_error("signature record " + std::to_string(s.seq) + " carries a receipt commitment that " +
                              holder_of(*same) + " already carries");
        }
        const PendingRegistrant& p = it->second;
        auto member = member_for(p.reg);
        if (!member) return member.error();
        // A member created just now has signed nothing before.
        const std::int64_t counted_as = member->created ? 0 : counted.find(member->member, s.appeal_id);

        // The signature row carries its registration (one registrant record per signature): one
        // row and one statement instead of two (coord_db.cpp, schema 2).
        std::int64_t reg_event = 0;
        if (auto e = events.find(p.reg.event_id); e != events.end()) reg_event = e->second.first;
        std::int64_t mask = 0;
        const Bytes consents = pack_consents(p.consents, mask);
        auto ins = db.cached("INSERT INTO signatures(kiosk, batch, record_seq, log_position, member, event, appeal_id, "
                             "appeal_version, text_hash, lang, unix_minute, mode, strokes, typed_name, duplicate_of, "
                             "reg_seq, reg_event, reg_minute, given_name, family_name, country, city, email, phone, reg_lang, "
                             "join_registry, consent_mask, consents) "
                             "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,"
                             "?26,?27,?28)");
        if (!ins) return ins.error();
        ins->bind(1, kiosk).bind(2, batch).bind(3, i64(s.seq)).bind(4, i64(s.log_position)).bind(5, member->member)
            .bind(6, ev->first).bind(7, s.appeal_id).bind(8, std::int64_t{s.appeal_version}).bind_blob(9, s.appeal_text_hash)
            .bind(10, s.lang).bind(11, i64(s.unix_minute)).bind(12, std::int64_t{static_cast<std::uint8_t>(s.mode)})
            .bind_blob(13, s.strokes).bind(14, s.typed_name);
        if (counted_as != 0) ins->bind(15, counted_as);
        else ins->bind_null(15);
        ins->bind(16, i64(p.reg.seq));
        if (reg_event != 0) ins->bind(17, reg_event);
        else ins->bind_null(17);
        ins->bind(18, i64(p.reg.unix_minute)).bind(19, p.reg.given_name).bind(20, p.reg.family_name).bind(21, p.reg.country)
            .bind(22, p.reg.city).bind(23, p.reg.email).bind(24, p.reg.phone).bind(25, p.reg.lang)
            .bind(26, std::int64_t{p.reg.join_registry ? 1 : 0}).bind(27, mask).bind_blob(28, consents);
        auto ran = ins->run();
        pending.erase(it);
        if (!ran) return make_error("signature record " + std::to_string(s.seq) + ": " + ran.message());
        const std::int64_t id = db.last_insert_rowid();
        // Beside the commitment, who signed what: CountedIndex is rebuilt from this table (dedupe.hpp).
        auto rc = db.cached("INSERT INTO receipts(signature, commitment, member, appeal_id) VALUES(?1, ?2, ?3, ?4)");
        if (!rc) return rc.error();
        rc->bind(1, id).bind_blob(2, s.receipt_commitment).bind(3, member->member).bind(4, s.appeal_id);
        if (auto r = rc->run(); !r) return make_error("signature record " + std::to_string(s.seq) + ": " + r.message());
        receipts.note(s.receipt_commitment, id);
        if (auto x = counted.note_signature(member->member, s.appeal_id, id); !x) return x;
        ++signatures;
        if (counted_as != 0) ++duplicates;
        return {};
    }

    Status on_record(const Record& r) {
        return std::visit(
            [&](const auto& rec) -> Status {
                using T = std::decay_t<decltype(rec)>;
                if constexpr (std::is_same_v<T, EventRecord>) {
                    return on_event(rec);
                } else if constexpr (std::is_same_v<T, AppealRefRecord>) {
                    return on_appeal(rec);
                } else if constexpr (std::is_same_v<T, RegistrantRecord>) {
                    // A kiosk writes each registrant right before its signature; a batch that piles
                    // up registrants without signatures is refused before it can fill memory.
                    if (pending.size() >= kMaxPendingRegistrants)
                        return make_error("more than " + std::to_string(kMaxPendingRegistrants) +
                                          " registrant records without a signature");
                    if (auto c = check_content(rec, now); !c) return c;
                    pending[rec.seq] = PendingRegistrant{rec, {}, {}};
                    return {};
                } else if constexpr (std::is_same_v<T, ConsentRecord>) {
                    auto it = pending.find(rec.registrant_seq);
                    if (it == pending.end())
                        return make_error("consent record " + std::to_string(rec.seq) + " names registrant record " +
                                          std::to_string(rec.registrant_seq) + ", which this batch does not hold");
                    if (auto c = check_content(rec, it->second, packs, now); !c) return c;
                    it->second.consents.push_back(rec);
                    return {};
                } else if constexpr (std::is_same_v<T, SignatureRecord>) {
                    return on_signature(rec);
                } else if constexpr (std::is_same_v<T, ReceiptCommitmentRecord>) {
                    return {};  // the signature record carries its commitment
                } else {
                    static_assert(std::is_same_v<T, WithdrawalRecord>);
                    // Honest kiosks write none; a withdrawal record may name only this kiosk's own
                    // signature (its record seq and commitment), else the batch is an alarm.
                    auto w = withdraw_in_tx(db, counted, receipts, rec.commitment, static_cast<std::int64_t>(rec.unix_minute) * 60,
                                            WithdrawalScope{kiosk, rec.signature_seq});
                    if (!w) return w.error();
                    if (*w == Withdrawal::not_found || *w == Withdrawal::not_this_kiosks) {
                        alarm = "scope";
                        return make_error("withdrawal record " + std::to_string(rec.seq) + " names " +
                                          (*w == Withdrawal::not_found ? std::string("a receipt commitment the registry does not hold")
                                                                       : "a signature other than this kiosk's record " +
                                                                             std::to_string(rec.signature_seq)));
                    }
                    return {};
                }
            },
            r);
    }

    // Registrations that came without a signature (the format allows them): members all the same.
    Status flush_pending() {
        for (auto& [seq, p] : pending) {
            auto member = member_for(p.reg);
            if (!member) return member.error();
            auto reg = store_registration(p, member->member);
            if (!reg) return reg.error();
        }
        pending.clear();
        return {};
    }
};

}  // namespace

// [SECTION] One file
namespace {

// Foreign keys are not enforced row by row during an import run: every id an import writes comes
// from rows it read or inserted itself (kiosk, batch, event, member, signature), and probing five
// parent rows per signature was 6% of an import (bench_import). Tests and the benchmark run
// foreign_key_check after importing; other writers keep enforcement. Switched once per run, not per
// batch: changing the setting makes SQLite prepare every cached statement again.
class ForeignKeysOffDuringImport {
public:
    explicit ForeignKeysOffDuringImport(Database& db) : db_(db) {
        auto on = db_.query_int("PRAGMA foreign_keys");
        was_on_ = !on || *on != 0;
        if (was_on_) (void)db_.exec("PRAGMA foreign_keys = OFF");
    }
    ~ForeignKeysOffDuringImport() {
        if (was_on_) (void)db_.exec("PRAGMA foreign_keys = ON");
    }
    ForeignKeysOffDuringImport(const ForeignKeysOffDuringImport&) = delete;
    ForeignKeysOffDuringImport& operator=(const ForeignKeysOffDuringImport&) = delete;

private:
    Database& db_;
    bool was_on_ = true;
};

enum class GapMode { quarantine, report };

// Pass 1 of a file (decrypt, check the chunks, records, counts, payload hash and the kiosk's
// signature): no registry access, so import_paths runs it for the next file on another thread
// while this one's records go into the registry.
struct Verified {
    fs::path file;
    std::unique_ptr<BatchReader> reader;
    std::optional<VerifiedManifest> vm;
    std::string error;  // why the file could not be opened or verified
};

// The reader's messages start "batch <file name>: "; the outcome names its file itself, so the
// reason says the name no second time.
std::string without_file_label(const std::string& message, const fs::path& file) {
    const std::string label = "batch " + file.filename().string() + ": ";
    return message.starts_with(label) ? message.substr(label.size()) : message;
}

Verified verify_file(const CoordinatorKeys& keys, const fs::path& file) {
    Verified v;
    v.file = file;
    auto reader = BatchReader::open(file, keys.box_secret, keys.identity.box_key, keys.identity.key_id());
    if (!reader) {
        v.error = without_file_label(reader.message(), file);
        return v;
    }
    auto vm = reader->verify();
    if (!vm) {
        v.error = without_file_label(vm.message(), file);
        return v;
    }
    v.reader = std::make_unique<BatchReader>(std::move(*reader));
    v.vm = std::move(*vm);
    return v;
}

// `v` is left as it was if the outcome is a gap in GapMode::report (the caller may keep it for
// when the missing batch has arrived); otherwise it is used up.
ImportOutcome import_verified(Coordinator& c, Verified& v, const ImportOptions& opts, GapMode gap_mode) {
    ImportOutcome out;
    const fs::path& file = v.file;
    out.file = file.filename().string();
    auto reject = [&](std::string reason) {
        out.status = ImportStatus::rejected;
        out.reason = std::move(reason);
        return out;
    };
    // A rejection with an alarm; if the alarm cannot be written, the outcome says so (no "alarm
    // recorded" for an alarm that is not in the registry).
    auto alarm = [&](const char* kind, std::int64_t kiosk_id, std::uint64_t seq, const std::string& detail, std::string reason) {
        if (auto s = raise_alarm(c.db(), kind, kiosk_id, seq, v.vm->batch_hash, detail); !s)
            return reject(std::move(reason) + " (" + s.message() + ")");
        out.alarm = true;
        return reject(std::move(reason));
    };
    if (!v.error.empty()) return reject(v.error);
    BatchReader* reader = v.reader.get();
    const VerifiedManifest* vm = &*v.vm;
    const Manifest& m = vm->manifest;
    const ManifestFields& f = m.fields;
    out.kiosk = fingerprint(f.kiosk_public_key);
    out.seq = f.seq;
    Database& db = c.db();

    auto kiosk = c.kiosk_by_key(f.kiosk_public_key);
    if (!kiosk) {
        // Kept (encrypted, outside the registry) so the kiosk can be enrolled by its fingerprint.
        const Status h = hold_copy(c, file, vm->batch_hash, &opts);
        out.held = h.ok();
        const std::string held = h ? "; held for enrollment" : "; " + h.message();
        return reject("kiosk " + out.kiosk + " is not enrolled" + held + " (coord enroll --kiosk-key " +
                      fingerprint_compact(f.kiosk_public_key) + ", then import again)");
    }
    if (row_exists(db, "SELECT 1 FROM batches WHERE batch_hash = ?1", vm->batch_hash)) {
        out.status = ImportStatus::already_imported;
        out.reason = "batch " + std::to_string(f.seq) + " of this kiosk was imported before";
        return out;
    }
    if (f.seq <= kiosk->last_seq)
        return alarm("fork", kiosk->id, f.seq, "kiosk " + out.kiosk + " signed two different batches with seq " + std::to_string(f.seq),
                     "FORK ALARM: batch " + std::to_string(f.seq) + " of kiosk " + out.kiosk + " was already imported with other content");
    // A kiosk numbers its batches 1, 2, 3 …: a number this far ahead is no gap to wait for, and
    // quarantining it would make every later report list what is "missing" (issue 9). Recorded at
    // the next expected seq, so jumps to ever other numbers stay one alarm row.
    if (f.seq - kiosk->last_seq > kMaxSeqJump)
        return alarm("seq jump", kiosk->id, kiosk->last_seq + 1,
                     "kiosk " + out.kiosk + " signed a batch with seq " + std::to_string(f.seq) + ", more than " +
                         std::to_string(kMaxSeqJump) + " beyond its last imported batch " + std::to_string(kiosk->last_seq),
                     "ALARM: batch " + std::to_string(f.seq) + " of kiosk " + out.kiosk + " is more than " +
                         std::to_string(kMaxSeqJump) + " batches beyond its last imported one (" +
                         std::to_string(kiosk->last_seq) + "); not quarantined");
    // A revoked kiosk (kiosks.hpp): nothing beyond what it sent before the revocation is imported.
    // The batch is kept as evidence and the coordinator told, on every import that meets it.
    if (kiosk->revoked_at != 0) {
        const Status h = hold_copy(c, file, vm->batch_hash, &opts);
        out.held = h.ok();
        auto st = db.prepare("INSERT INTO revoked_batches(kiosk, seq, batch_hash, stored_file, first_seen, last_seen) "
                             "VALUES(?1,?2,?3,?4,?5,?5) ON CONFLICT(kiosk, seq) DO UPDATE "
                             "SET repeats = repeats + 1, last_seen = excluded.last_seen");
        if (!st) return reject(st.message());
        st->bind(1, kiosk->id).bind(2, i64(f.seq)).bind_blob(3, vm->batch_hash)
            .bind(4, h ? held_path(c, vm->batch_hash).filename().string() : std::string())
            .bind(5, static_cast<std::int64_t>(std::time(nullptr)));
        if (auto r = st->run(); !r) return reject(r.message());
        return reject("kiosk " + out.kiosk + " was revoked on " + utc_date(kiosk->revoked_at) +
                      (kiosk->revoked_reason.empty() ? "" : " (" + kiosk->revoked_reason + ")") + ": batch " +
                      std::to_string(f.seq) + (h ? " held" : " not held (" + h.message() + ")") +
                      ", not imported, not counted");
    }
    if (f.seq > kiosk->last_seq + 1) {
        std::string missing = kiosk->last_seq + 1 == f.seq - 1 ? std::to_string(f.seq - 1)
                                                               : std::to_string(kiosk->last_seq + 1) + ".." + std::to_string(f.seq - 1);
        out.status = ImportStatus::quarantined;
        out.reason = "gap: batch " + missing + " of kiosk " + out.kiosk + " not imported yet";
        if (gap_mode == GapMode::report) return out;
        if (row_exists(db, "SELECT 1 FROM quarantine WHERE batch_hash = ?1", vm->batch_hash)) {
            out.reason += " (already quarantined)";
            return out;
        }
        // One waiting batch per seq: another content for a seq already waiting is a fork, so the
        // quarantine of an enrolled kiosk holds at most kMaxSeqJump files.
        {
            auto st = db.prepare("SELECT 1 FROM quarantine WHERE kiosk = ?1 AND seq = ?2");
            if (!st) return reject(st.message());
            st->bind(1, kiosk->id).bind(2, i64(f.seq));
            auto row = st->step();
            if (!row) return reject(row.message());
            if (*row) {
                st->reset();
                return alarm("fork", kiosk->id, f.seq,
                             "kiosk " + out.kiosk + " signed two different batches with seq " + std::to_string(f.seq),
                             "FORK ALARM: batch " + std::to_string(f.seq) + " of kiosk " + out.kiosk +
                                 " already waits in quarantine with other content");
            }
        }
        if (auto s = hold_copy(c, file, vm->batch_hash); !s) return reject(s.message());
        auto st = db.prepare("INSERT INTO quarantine(kiosk, seq, batch_hash, file_hash, stored_file, reason, added_at) "
                             "VALUES(?1,?2,?3,?4,?5,?6,?7)");
        if (!st) return reject(st.message());
        st->bind(1, kiosk->id).bind(2, i64(f.seq)).bind_blob(3, vm->batch_hash).bind_blob(4, vm->file_hash)
            .bind(5, held_path(c, vm->batch_hash).filename().string()).bind(6, out.reason)
            .bind(7, static_cast<std::int64_t>(std::time(nullptr)));
        if (auto r = st->run(); !r) return reject(r.message());
        return out;
    }
    if (f.previous_batch_hash != kiosk->last_batch_hash)
        return alarm("chain", kiosk->id, f.seq,
                     "batch " + std::to_string(f.seq) + " does not chain to the imported batch " + std::to_string(kiosk->last_seq),
                     "ALARM: batch " + std::to_string(f.seq) + " does not chain to batch " + std::to_string(kiosk->last_seq) +
                         " as imported (previous batch hash differs)");
    if (m.record_count() > 0 && m.first_record_seq != kiosk->last_record_seq + 1)
        return alarm("chain", kiosk->id, f.seq, "record sequence does not continue",
                     "ALARM: batch " + std::to_string(f.seq) + " starts at record " + std::to_string(m.first_record_seq) +
                         ", expected " + std::to_string(kiosk->last_record_seq + 1));

    // Everything from here is one transaction: any failure rolls it all back.
    Importer imp(db, c.member_index(), c.counted_index(), c.receipt_index());
    // What this transaction added to the in-memory indexes is kept only if it commits.
    struct IndexGuard {
        MemberIndex& members;
        CountedIndex& counted;
        ReceiptIndex& receipts;
        bool committed = false;
        ~IndexGuard() {
            if (committed) {
                members.commit();
                counted.commit();
                receipts.commit();
            } else {
                members.rollback();
                counted.rollback();
                receipts.rollback();
            }
        }
    } index_guard{c.member_index(), c.counted_index(), c.receipt_index()};
    imp.kiosk = kiosk->id;
    if (auto p = load_signed_packs(db); p) imp.packs = std::move(*p);
    else return reject(p.message());
    imp.now = static_cast<std::int64_t>(std::time(nullptr));
    imp.log_size = kiosk->log_size;
    imp.log_head = kiosk->log_head;
    std::string failure;
    {
        registry::Transaction tx(db);
        if (!tx.begun()) return reject(tx.begun().message());
        if (auto x = c.member_index().sync(db); !x) return reject(x.message());
        if (auto x = c.counted_index().sync(db); !x) return reject(x.message());
        if (auto x = c.receipt_index().sync(db); !x) return reject(x.message());
        auto st = db.prepare("INSERT INTO batches(kiosk, seq, batch_id, batch_hash, file_hash, file_size, imported_at, first_record, "
                             "last_record, signatures, log_size, log_head) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,0,?10,?11)");
        if (!st) return reject(st.message());
        st->bind(1, kiosk->id).bind(2, i64(f.seq)).bind_blob(3, m.batch_id).bind_blob(4, vm->batch_hash).bind_blob(5, vm->file_hash)
            .bind(6, i64(vm->file_size)).bind(7, static_cast<std::int64_t>(std::time(nullptr)))
            .bind(8, i64(m.first_record_seq)).bind(9, i64(m.last_record_seq)).bind(10, i64(f.log.size)).bind_blob(11, f.log.hash);
        if (auto r = st->run(); !r) return reject(r.message());
        imp.batch = db.last_insert_rowid();

        const std::uint64_t total = m.record_count();
        std::uint64_t done = 0;
        Status s = reader->for_each_record([&](const Record& r) -> Status {
            if (auto x = imp.on_record(r); !x) return x;
            ++done;
            if (opts.progress && (done % 1024 == 0 || done == total)) opts.progress(done, total);
            return {};
        });
        if (s) s = imp.flush_pending();
        if (s && (imp.log_size != f.log.size || imp.log_head != f.log.hash)) {
            imp.log_broken = true;
            s = make_error("log chain mismatch: the records give head " + std::to_string(imp.log_size) + "/" +
                           to_hex(imp.log_head).substr(0, 16) + ", the manifest states " + std::to_string(f.log.size) + "/" +
                           to_hex(f.log.hash).substr(0, 16) + " (a record was deleted or edited before export)");
        }
        if (s) {
            auto up = db.prepare("UPDATE kiosks SET last_seq = ?2, last_batch_hash = ?3, log_size = ?4, log_head = ?5, "
                                 "last_record_seq = ?6 WHERE id = ?1");
            if (!up) return reject(up.message());
            up->bind(1, kiosk->id).bind(2, i64(f.seq)).bind_blob(3, vm->batch_hash).bind(4, i64(imp.log_size)).bind_blob(5, imp.log_head)
                .bind(6, i64(m.record_count() > 0 ? m.last_record_seq : kiosk->last_record_seq));
            s = up->run();
        }
        if (s) {
            auto up = db.prepare("UPDATE batches SET signatures = ?2 WHERE id = ?1");
            if (!up) return reject(up.message());
            up->bind(1, imp.batch).bind(2, i64(imp.signatures));
            s = up->run();
        }
        if (s) {
            auto del = db.prepare("DELETE FROM quarantine WHERE batch_hash = ?1");
            if (!del) return reject(del.message());
            del->bind_blob(1, vm->batch_hash);
            s = del->run();
        }
        if (s) s = tx.commit();
        if (!s) failure = s.message();
        else index_guard.committed = true;
    }  // rolled back here unless committed
    if (!failure.empty()) {
        if (imp.log_broken)
            return alarm("log", kiosk->id, f.seq, failure,
                         "ALARM: batch " + std::to_string(f.seq) + ": " + failure);
        if (imp.alarm != nullptr)
            // A kiosk key holder reached beyond its own records: the batch is refused whole, the
            // registry keeps only this row.
            return alarm(imp.alarm, kiosk->id, f.seq, failure,  // the alarm row names kiosk and batch itself
                         "ALARM: batch " + std::to_string(f.seq) + " of kiosk " + out.kiosk + ": " + failure);
        return reject("batch " + std::to_string(f.seq) + ": " + failure);
    }
    drop_held_copy(c, vm->batch_hash);
    out.status = ImportStatus::accepted;
    out.signatures = imp.signatures;
    out.duplicates = imp.duplicates;
    out.new_members = imp.new_members;
    out.reason = std::to_string(imp.signatures) + " signatures, " + std::to_string(imp.duplicates) + " duplicates";
    return out;
}

ImportOutcome import_one(Coordinator& c, const fs::path& file, const ImportOptions& opts, GapMode gap_mode) {
    Verified v = verify_file(c.keys(), file);
    return import_verified(c, v, opts, gap_mode);
}

}  // namespace

ImportOutcome import_batch(Coordinator& c, const fs::path& file, const ImportOptions& opts) {
    ForeignKeysOffDuringImport fk_off(c.db());
    return import_one(c, file, opts, GapMode::quarantine);
}

// [SECTION] Many files, quarantine retries
namespace {

// Verifies files[0], files[1], … in order on one thread of its own, at most two files ahead of
// the caller, who takes them in the same order. One long-lived thread: a thread started per file
// (std::async) gained nothing measurable in bench_import, this one a few percent on the 2-core
// test machine, where both threads also compete for memory bandwidth. If no thread can be
// started, take() verifies on the caller's thread.
class Prefetcher {
public:
    Prefetcher(const CoordinatorKeys& keys, const std::vector<fs::path>& files) : keys_(keys), files_(files) {
        if (files_.size() < 2) return;
        try {
            worker_ = std::thread([this] { run(); });
        } catch (const std::system_error&) {
        }
    }
    ~Prefetcher() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        if (worker_.joinable()) worker_.join();
    }
    Prefetcher(const Prefetcher&) = delete;
    Prefetcher& operator=(const Prefetcher&) = delete;

    Verified take(std::size_t i) {
        if (!worker_.joinable()) return verify_file(keys_, files_[i]);
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return ready_.has_value() && ready_index_ == i; });
        Verified v = std::move(*ready_);
        ready_.reset();
        cv_.notify_all();
        return v;
    }

private:
    void run() {
        for (std::size_t i = 0; i < files_.size(); ++i) {
            Verified v = verify_file(keys_, files_[i]);
            std::unique_lock<std::mutex> lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !ready_.has_value(); });
            if (stop_) return;
            ready_ = std::move(v);
            ready_index_ = i;
            cv_.notify_all();
        }
    }

    const CoordinatorKeys& keys_;
    const std::vector<fs::path>& files_;
    std::thread worker_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::optional<Verified> ready_;
    std::size_t ready_index_ = 0;
    bool stop_ = false;
};

// A file that arrived before an earlier batch of its kiosk. It stays verified, so it is not
// decrypted and checked again when its turn comes (in a run over files in name order, which is
// random, most batches wait for one); its plaintext too while the waiting ones together hold at most
// kWaitingPlaintextBudget, otherwise the second pass reads the file.
struct Waiting {
    fs::path file;
    std::string shown;                // ImportOutcome::file
    std::string kiosk;
    std::uint64_t seq = 0;
    std::optional<Verified> verified;
};
constexpr std::size_t kWaitingPlaintextBudget = std::size_t{48} << 20;

void emit(std::vector<ImportOutcome>& all, const ImportOptions& opts, ImportOutcome o) {
    if (opts.on_outcome) opts.on_outcome(o);
    all.push_back(std::move(o));
}

// The batch files of one run done so far, for ImportOptions::files_progress.
struct FileCount {
    const ImportOptions& opts;
    std::size_t done = 0, total = 0;
    void one_more() {
        ++done;
        if (opts.files_progress) opts.files_progress(done, total);
    }
};

// After `kiosk_fp` got a batch: import its waiting (this run) and quarantined (earlier runs)
// batches while one continues its history.
void retry_after(Coordinator& c, const std::string& kiosk_fp, std::vector<Waiting>& waiting, std::vector<ImportOutcome>& all,
                 const ImportOptions& opts, FileCount& count) {
    while (true) {
        auto k = c.kiosk_by_fingerprint(kiosk_fp);
        if (!k) return;
        const std::uint64_t next = k->last_seq + 1;
        std::optional<fs::path> candidate;
        std::optional<Verified> verified;
        std::string shown;
        bool from_quarantine = false;
        for (auto it = waiting.begin(); it != waiting.end(); ++it)
            if (it->kiosk == kiosk_fp && it->seq == next) {
                candidate = it->file;
                shown = it->shown;
                verified = std::move(it->verified);
                waiting.erase(it);
                break;
            }
        if (!candidate) {
            auto st = c.db().prepare("SELECT stored_file FROM quarantine WHERE kiosk = ?1 AND seq = ?2 ORDER BY id LIMIT 1");
            if (!st) return;
            st->bind(1, k->id).bind(2, static_cast<std::int64_t>(next));
            auto row = st->step();
            if (!row || !*row) return;
            candidate = c.dir() / coord_quarantine_dir / st->column_text(0);
            from_quarantine = true;
        }
        ImportOutcome o = verified ? import_verified(c, *verified, opts, GapMode::quarantine)
                                   : import_one(c, *candidate, opts, GapMode::quarantine);
        o.from_quarantine = from_quarantine;
        if (!from_quarantine) o.file = shown;
        const bool accepted = o.status == ImportStatus::accepted;
        if (from_quarantine && !accepted && o.status != ImportStatus::quarantined) {
            // A quarantined file that can no longer be imported (fork, broken chain, file damaged):
            // it leaves the quarantine with its rejection, so the loop cannot spin on it.
            auto del = c.db().prepare("DELETE FROM quarantine WHERE kiosk = ?1 AND seq = ?2");
            if (del) {
                del->bind(1, k->id).bind(2, static_cast<std::int64_t>(next));
                (void)del->run();
            }
        }
        emit(all, opts, std::move(o));
        if (!from_quarantine) count.one_more();
        if (!accepted) return;
    }
}

}  // namespace

std::vector<ImportOutcome> import_paths(Coordinator& c, const std::vector<fs::path>& paths, const ImportOptions& opts) {
    std::vector<ImportOutcome> all;
    std::vector<Waiting> waiting;
    // What is not a batch, or refused before reading, is reported first; the walk opens no file.
    ImportTree tree = walk_import_tree(paths);
    for (auto* list : {&tree.rejected, &tree.skipped})
        for (auto& e : *list) {
            ImportOutcome o;
            o.file = std::move(e.shown);
            o.status = list == &tree.rejected ? ImportStatus::rejected : ImportStatus::skipped;
            o.reason = std::move(e.reason);
            emit(all, opts, std::move(o));
        }
    std::vector<fs::path> files;
    files.reserve(tree.files.size());
    for (const auto& e : tree.files) files.push_back(e.path);
    FileCount count{opts, 0, files.size()};
    if (opts.files_progress) opts.files_progress(0, files.size());
    ForeignKeysOffDuringImport fk_off(c.db());
    // Two files in flight: pass 1 of the next on a second thread, the registry writes of this one
    // here. The next file's outcome does not depend on this one's until its registry checks, which
    // run here, in file order, after this one committed.
    Prefetcher ahead(c.keys(), files);
    std::size_t waiting_plaintext = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        Verified v = ahead.take(i);
        ImportOutcome o = import_verified(c, v, opts, GapMode::report);
        o.file = tree.files[i].shown;
        if (o.status == ImportStatus::quarantined) {   // in GapMode::report only a gap is quarantined
            if (v.reader) {
                const std::size_t n = v.reader->retained_plaintext_bytes();
                if (waiting_plaintext + n <= kWaitingPlaintextBudget) waiting_plaintext += n;
                else v.reader->drop_retained_plaintext();
            }
            waiting.push_back({files[i], tree.files[i].shown, o.kiosk, o.seq, std::move(v)});
            continue;
        }
        const bool accepted = o.status == ImportStatus::accepted;
        std::string fp = o.kiosk;
        emit(all, opts, std::move(o));
        count.one_more();
        if (accepted) {
            retry_after(c, fp, waiting, all, opts, count);
            waiting_plaintext = 0;  // what still waits, counted again
            for (const auto& w : waiting)
                if (w.verified && w.verified->reader) waiting_plaintext += w.verified->reader->retained_plaintext_bytes();
        }
    }
    // What still waits has a real gap: quarantine it (and report the gap).
    for (auto& w : waiting) {
        ImportOutcome o = w.verified ? import_verified(c, *w.verified, opts, GapMode::quarantine) : import_batch(c, w.file, opts);
        o.file = w.shown;
        emit(all, opts, std::move(o));
        count.one_more();
    }
    // Only if the registry is still in WAL mode (another connection kept it so when it was opened,
    // coord_db.cpp): empty the WAL so the import's pages are in the database file. A no-op otherwise.
    (void)c.db().checkpoint_truncate();
    return all;
}

// [SECTION] Held batches of unenrolled kiosks

std::vector<HeldFile> held_files(Coordinator& c) {
    std::vector<HeldFile> out;
    std::error_code ec;
    const fs::path qdir = c.dir() / coord_quarantine_dir;
    if (!fs::is_directory(qdir, ec)) return out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(qdir, ec))
        if (e.is_regular_file() && e.path().extension() == kBatchExtension) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    const CoordinatorKeys& keys = c.keys();
    for (const auto& f : files) {
        auto reader = BatchReader::open(f, keys.box_secret, keys.identity.box_key, keys.identity.key_id());
        if (!reader) continue;
        auto vm = reader->verify();
        if (!vm) continue;
        struct stat st {};
        const std::int64_t held_at = ::stat(f.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_mtime) : 0;
        out.push_back({f, vm->manifest.fields.kiosk_public_key, vm->manifest.fields.seq, held_at});
    }
    return out;
}

Result<HeldBatches> held_batches_of(Coordinator& c, std::string_view fp) {
    const std::string want = normalize_fingerprint(fp);
    if (want.empty()) return make_error("a kiosk fingerprint is 20 hex digits");
    HeldBatches out;
    bool found = false;
    for (auto& h : held_files(c)) {
        if (fingerprint_compact(h.kiosk_key) != want) continue;
        out.kiosk_key = h.kiosk_key;
        out.files.push_back(std::move(h.file));
        found = true;
    }
    if (!found) return make_error("no held batch from kiosk " + want + " (import one of its batches first, or enroll with its key file)");
    return out;
}

}  // namespace embassy::sync
