// embassy-sync coord enroll/import/report/check/export-signatories/ack/publish-receipts/withdraw,
// and the top-level verify-receipt and simulate-batches. Output names files, kiosks and counts —
// never a person's data (the signatories CSV is the one place names go, and only into the file).
#include "cli.hpp"
#include "embassy/sync/kiosks.hpp"

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/sync/audit.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/import.hpp"
#include "embassy/sync/simulate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <iostream>

namespace embassy::cli {
namespace fs = std::filesystem;
using sync::Coordinator;

namespace {

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string text_of(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }  // NOLINT

// The options of every command in this file; each command binds the ones it has.
struct Opts {
    std::string dir, passphrase_file;
    bool json = false, quiet = false, force = false, excel = false;
    std::string kiosk_key, name, kiosk, out, csv, html, appeal, code, published, coordinator, pack;
    std::vector<std::string> paths;
};

// Each command's options live as long as the command tree: the run function holds them.
std::shared_ptr<Opts> coord_command(CLI::App& group, const std::string& name, const std::string& summary,
                                    int (*run)(const Opts&), CLI::App** out, const std::string& exit_notes = "") {
    auto o = std::make_shared<Opts>();
    *out = &add_command(group, name, summary, [o, run] { return run(*o); }, exit_notes);
    add_coord_dir(**out, o->dir);
    add_passphrase_file(**out, o->passphrase_file);
    return o;
}

// One line per file, the file named once; a rejection on stderr (with --json too), the rest on stdout.
void print_outcome(const sync::ImportOutcome& o, bool json = false) {
    const bool rejected = o.status == sync::ImportStatus::rejected;
    if (json && !rejected) return;
    std::ostream& out = rejected ? std::cerr : std::cout;
    // A file name on a stick is anyone's to choose (a<ESC>[8m.embatch): every string is escaped.
    out << terminal_safe(o.file) << ": " << sync::import_status_name(o.status);
    if (o.from_quarantine) out << " (from quarantine)";
    if (!o.kiosk.empty() && !rejected) out << " — kiosk " << terminal_safe(o.kiosk) << " batch " << o.seq;
    if (!o.reason.empty()) out << ": " << terminal_safe(o.reason);
    out << std::endl;
}

Json outcome_json(const sync::ImportOutcome& o) {
    Json j;
    put_text(j, "file", o.file);
    j["status"] = sync::import_status_name(o.status);
    put_text(j, "kiosk", o.kiosk);
    j["seq"] = o.seq;
    j["signatures"] = o.signatures;
    j["duplicates"] = o.duplicates;
    j["from_quarantine"] = o.from_quarantine;
    j["held"] = o.held;
    put_text(j, "reason", o.reason);
    return j;
}

// The totals of a run of outcomes, for the summary line, --json and the audit log.
struct ImportTotals {
    std::int64_t by_status[5] = {0, 0, 0, 0, 0};
    std::int64_t signatures = 0, duplicates = 0, alarms = 0;
    explicit ImportTotals(const std::vector<sync::ImportOutcome>& outcomes) {
        for (const auto& o : outcomes) {
            ++by_status[static_cast<int>(o.status)];
            signatures += static_cast<std::int64_t>(o.signatures);
            duplicates += static_cast<std::int64_t>(o.duplicates);
            alarms += o.alarm ? 1 : 0;
        }
    }
    std::int64_t accepted() const { return by_status[static_cast<int>(sync::ImportStatus::accepted)]; }
    std::int64_t already() const { return by_status[static_cast<int>(sync::ImportStatus::already_imported)]; }
    std::int64_t quarantined() const { return by_status[static_cast<int>(sync::ImportStatus::quarantined)]; }
    std::int64_t rejected() const { return by_status[static_cast<int>(sync::ImportStatus::rejected)]; }
    std::int64_t skipped() const { return by_status[static_cast<int>(sync::ImportStatus::skipped)]; }
    std::vector<sync::AuditCount> audit() const {
        return {{"accepted", accepted()},     {"already_imported", already()}, {"quarantined", quarantined()},
                {"rejected", rejected()},     {"skipped", skipped()},          {"signatures", signatures},
                {"duplicates", duplicates},   {"alarms", alarms}};
    }
};

// An audit entry that cannot be written does not undo what was done; it is said, and the exit is 1.
int audit_or_fail(Coordinator& c, std::string_view kind, std::vector<sync::AuditCount> counts, std::string_view kiosk,
                  std::string_view detail, int rc) {
    if (auto s = sync::audit_append(c.db(), kind, now(), std::move(counts), kiosk, detail); !s)
        return fail("done, but not written to the audit log: " + s.message());
    return rc;
}

// [SECTION] enroll

int coord_enroll(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    std::optional<SignPublicKey> key;
    std::vector<fs::path> held;
    std::error_code ec;
    if (fs::is_regular_file(a.kiosk_key, ec)) {
        auto text = read_file(a.kiosk_key, 4096);
        if (!text) return fail(text.message());
        auto k = sync::parse_kiosk_key(text_of(*text));
        if (!k) return fail(a.kiosk_key + ": " + k.message());
        key = *k;
    } else if (!sync::normalize_fingerprint(a.kiosk_key).empty()) {
        auto h = sync::held_batches_of(**c, a.kiosk_key);
        if (!h) return fail(h.message(), exit_not_found);
        key = h->kiosk_key;
        held = h->files;
    } else {
        return fail(a.kiosk_key + ": neither a key file nor a 20-hex-digit kiosk fingerprint");
    }
    const std::string name = a.name.empty() ? "kiosk " + fingerprint_compact(*key).substr(0, 8) : a.name;
    auto k = (*c)->enroll(*key, name);
    if (!k) return fail(k.message());
    if (!a.json) std::cout << "enrolled kiosk " << k->fingerprint << " (" << terminal_safe(k->name) << ")\n";
    // Its batches that arrived before enrollment: import them now.
    std::vector<sync::ImportOutcome> outcomes;
    if (!held.empty()) {
        sync::ImportOptions opts;
        opts.on_outcome = [json = a.json](const sync::ImportOutcome& o) { print_outcome(o, json); };
        outcomes = sync::import_paths(**c, held, opts);
    }
    const ImportTotals n(outcomes);
    if (a.json) {
        Json j;
        j["fingerprint"] = k->fingerprint;
        put_text(j, "name", k->name);
        j["held_imported"] = n.accepted();
        j["batches"] = Json::array();
        for (const auto& o : outcomes) j["batches"].push_back(outcome_json(o));
        print_json(j);
    }
    auto counts = n.audit();
    counts.insert(counts.begin(), {"held_batches", static_cast<std::int64_t>(held.size())});
    return audit_or_fail(**c, "enroll", std::move(counts), k->fingerprint, "", n.rejected() > 0 ? exit_failure : exit_ok);
}

// [SECTION] import

int coord_import(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    const bool tty = isatty(2) != 0 && !a.quiet;
    const bool json = a.json;
    sync::ImportOptions opts;
    // One line over the whole run: the bar is the files (their number known before the first
    // import), the batch being read shows its records beside it.
    struct Progress {
        std::size_t files_done = 0, files_total = 0;
        std::uint64_t records = 0, records_total = 0;
    };
    auto p = std::make_shared<Progress>();
    auto draw = [tty, p] {
        if (!tty || p->files_total == 0) return;
        const std::size_t width = 30;
        const std::size_t filled = width * p->files_done / p->files_total;
        std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << p->files_done << "/"
                  << p->files_total << " files";
        if (p->records_total > 0 && p->files_done < p->files_total) std::cerr << ", " << p->records << "/" << p->records_total << " records";
        std::cerr << "   " << std::flush;
    };
    opts.files_progress = [p, draw](std::size_t done, std::size_t total) {
        p->files_done = done;
        p->files_total = total;
        p->records = p->records_total = 0;
        draw();
    };
    opts.progress = [p, draw](std::uint64_t done, std::uint64_t total) {
        p->records = done;
        p->records_total = total;
        draw();
    };
    opts.on_outcome = [tty, json, draw](const sync::ImportOutcome& o) {
        if (tty) std::cerr << "\r" << std::string(72, ' ') << "\r" << std::flush;
        print_outcome(o, json);
        draw();
    };
    std::vector<fs::path> paths(a.paths.begin(), a.paths.end());
    auto outcomes = sync::import_paths(**c, paths, opts);
    const ImportTotals n(outcomes);
    if (json) {
        Json j;
        j["accepted"] = n.accepted();
        j["already_imported"] = n.already();
        j["quarantined"] = n.quarantined();
        j["rejected"] = n.rejected();
        j["skipped"] = n.skipped();
        j["signatures"] = n.signatures;
        j["duplicates"] = n.duplicates;
        j["alarms"] = n.alarms;
        j["batches"] = Json::array();
        for (const auto& o : outcomes) j["batches"].push_back(outcome_json(o));
        print_json(j);
    } else {
        if (tty) std::cerr << "\r" << std::string(72, ' ') << "\r" << std::flush;
        std::cout << n.accepted() << " accepted, " << n.already() << " already imported, " << n.quarantined() << " quarantined, "
                  << n.rejected() << " rejected, " << n.skipped() << " skipped (not batch files); "
                  << plural(n.signatures, "signature", "signatures") << " ("
                  << plural(n.duplicates, "duplicate", "duplicates") << ")" << (n.alarms ? "; ALARMS raised: see coord report" : "")
                  << "\n";
    }
    return audit_or_fail(**c, "import", n.audit(), "", "", n.rejected() > 0 ? exit_failure : exit_ok);
}

// [SECTION] report

// kiosk_names: the kiosk's name beside its fingerprint (the per-kiosk tallies).
Json tallies_json(const std::vector<sync::Tally>& ts, const sync::CoordReport* kiosk_names = nullptr) {
    Json a = Json::array();
    for (const auto& t : ts) {
        Json j;
        put_text(j, "key", t.key);
        if (kiosk_names != nullptr) put_text(j, "name", sync::report_kiosk_name(*kiosk_names, t.key));
        if (!t.appeal.empty()) put_text(j, "appeal", t.appeal);
        j["received"] = t.received;
        j["counted"] = t.counted;
        j["duplicates"] = t.duplicates;
        j["withdrawn"] = t.withdrawn;
        a.push_back(std::move(j));
    }
    return a;
}

Json report_json(const sync::CoordReport& r) {
    Json j;
    put_text(j, "coordinator_name", r.coordinator_name);
    j["coordinator_fingerprint"] = r.coordinator_fingerprint;
    j["generated_unix"] = r.generated_unix;
    sync::Tally all;
    for (const auto& t : r.appeals) all.received += t.received, all.counted += t.counted, all.duplicates += t.duplicates, all.withdrawn += t.withdrawn;
    j["totals"] = {{"received", all.received}, {"counted", all.counted}, {"duplicates", all.duplicates}, {"withdrawn", all.withdrawn}};
    j["members"] = r.members;
    j["registry_joins"] = r.registry_joins;
    j["appeals"] = tallies_json(r.appeals);
    j["events"] = tallies_json(r.events);
    j["countries"] = tallies_json(r.countries);
    j["days"] = tallies_json(r.days);
    j["kiosk_tallies"] = tallies_json(r.kiosk_tallies, &r);
    j["kiosks"] = Json::array();
    for (const auto& k : r.kiosks) {
        Json kj;
        kj["fingerprint"] = k.fingerprint;
        put_text(kj, "name", k.name);
        kj["batches"] = k.batches;
        kj["signatures"] = k.signatures;
        kj["quarantined"] = k.quarantined;
        kj["last_seq"] = k.last_seq;
        kj["gaps"] = Json::array();
        for (const auto& g : k.gaps) kj["gaps"].push_back({{"first", g.first}, {"last", g.last}});
        j["kiosks"].push_back(std::move(kj));
    }
    j["held"] = Json::array();
    for (const auto& h : r.held) {
        Json hj;
        hj["fingerprint"] = h.fingerprint;
        put_text(hj, "name", h.name);
        hj["enrolled"] = !h.name.empty();
        hj["seq"] = h.seq;
        put_text(hj, "reason", h.reason);
        hj["since_unix"] = h.since_unix;
        j["held"].push_back(std::move(hj));
    }
    j["kiosks_not_counted"] = Json::array();
    for (const auto& k : r.held_kiosks) {
        Json kj;
        kj["fingerprint"] = k.fingerprint;
        put_text(kj, "name", k.name);
        kj["state"] = sync::kiosk_state_name(k.state);
        kj["held_batches"] = k.held_batches;
        kj["first_seen_unix"] = k.first_seen;
        kj["revoked_unix"] = k.revoked_at;
        put_text(kj, "revoked_reason", k.revoked_reason);
        j["kiosks_not_counted"].push_back(std::move(kj));
    }
    j["alarms"] = Json::array();
    for (std::size_t i = 0; i < r.alarm_rows.size(); ++i) {
        const auto& a = r.alarm_rows[i];
        Json aj;
        put_text(aj, "kind", a.kind);
        aj["kiosk"] = a.kiosk;
        put_text(aj, "kiosk_name", sync::report_kiosk_name(r, a.kiosk));
        aj["seq"] = a.seq;
        put_text(aj, "detail", a.detail);
        aj["raised_unix"] = a.raised_unix;
        aj["last_seen_unix"] = a.last_seen_unix;
        aj["repeats"] = a.repeats;
        if (i < r.alarms.size()) put_text(aj, "text", r.alarms[i]);
        j["alarms"].push_back(std::move(aj));
    }
    return j;
}

int coord_report(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::build_report(**c, now());
    if (!r) return fail(r.message());
    if (!a.csv.empty())
        if (auto s = write_file_atomic(a.csv, as_bytes(sync::report_csv(*r))); !s) return fail(s.message());
    if (!a.html.empty())
        if (auto s = write_file_atomic(a.html, as_bytes(sync::report_html(*r))); !s) return fail(s.message());
    if (a.json) {
        print_json(report_json(*r));
        return exit_ok;
    }
    std::cout << sync::report_text(*r);
    if (!a.csv.empty()) std::cout << "CSV report written to " << terminal_safe(a.csv) << "\n";
    if (!a.html.empty()) std::cout << "HTML report written to " << terminal_safe(a.html) << "\n";
    return exit_ok;
}

// [SECTION] check

int coord_check(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::check_registry(**c);
    if (!r) return fail(r.message());
    if (a.json) {
        print_json({{"ok", true}, {"batches", r->batches}, {"signatures", r->signatures}, {"members", r->members}});
        return exit_ok;
    }
    std::cout << "registry ok: quick_check, foreign keys, receipts, batch and log counts, deduplication ("
              << plural(r->batches, "batch", "batches") << ", " << plural(r->signatures, "signature", "signatures") << ", "
              << plural(r->members, "member", "members") << ")\n";
    return exit_ok;
}

// [SECTION] export-signatories

int coord_export_signatories(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    sync::SignatoriesOptions opts;
    opts.keep_existing = !a.force;
    opts.excel_bom = a.excel;
    auto r = sync::export_signatories(**c, a.appeal, a.csv, opts);
    if (!r) return fail(r.message());
    if (a.json) {
        print_json({{"written", r->written},
                    {"counted_without_consent", r->counted_without_consent},
                    {"duplicates", r->duplicates},
                    {"withdrawn", r->withdrawn}});
        return exit_ok;
    }
    std::cout << plural(r->written, "signatory", "signatories") << " who agreed to their name being passed on written to " << a.csv << "\n"
              << plural(r->counted_without_consent, "further counted signature", "further counted signatures")
              << " without that consent (counted only)\n"
              << plural(r->duplicates, "duplicate", "duplicates") << " and " << plural(r->withdrawn, "withdrawn signature", "withdrawn signatures")
              << " left out\n";
    return exit_ok;
}

// [SECTION] ack

int coord_ack(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    sync::Ack ack;
    auto bytes = sync::make_ack(**c, a.kiosk, now(), &ack);
    if (!bytes) return fail(bytes.message());
    if (auto s = write_file_atomic(a.out, *bytes); !s) return fail(s.message());
    const std::string fp = fingerprint(ack.kiosk_public_key);
    if (a.json)
        print_json({{"kiosk", fp},
                    {"first_seq", ack.first_seq},
                    {"last_seq", ack.last_seq},
                    {"last_record_seq", ack.last_record_seq},
                    {"timestamp_unix", ack.timestamp_unix}});
    else
        std::cout << "acknowledgement of batches " << ack.first_seq << ".." << ack.last_seq << " (records up to " << ack.last_record_seq
                  << ") of kiosk " << fp << " written to " << a.out << "\n";
    return audit_or_fail(**c, "ack",
                         {{"first_seq", static_cast<std::int64_t>(ack.first_seq)},
                          {"last_seq", static_cast<std::int64_t>(ack.last_seq)},
                          {"last_record_seq", static_cast<std::int64_t>(ack.last_record_seq)}},
                         fp, "", exit_ok);
}

// [SECTION] publish-receipts, withdraw, verify-receipt

int coord_publish_receipts(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    const std::string out = a.out.empty() ? ((*c)->dir() / sync::published_dir_name).string() : a.out;
    auto root = sync::publish_receipts(**c, out, now());
    if (!root) return fail(root.message());
    if (a.json) {
        print_json({{"tree_size", root->tree_size},
                    {"root", to_hex(root->root)},
                    {"timestamp_unix", root->timestamp_unix},
                    {"coordinator_fingerprint", (*c)->keys().identity.fingerprint()},
                    {"folder", terminal_safe(out)}});
        return exit_ok;
    }
    std::cout << plural(static_cast<std::int64_t>(root->tree_size), "receipt commitment", "receipt commitments") << " published in " << terminal_safe(out)
              << " (files readable by all, for a website; root " << to_hex(root->root).substr(0, 16) << "…, signed by " << (*c)->keys().identity.fingerprint() << ")\n";
    return exit_ok;
}

// coord withdraw's own outcome beside the table's 0, 3 and 4 (docs/coordinator-guide.md, section 7).
constexpr int kExitWithdrewDuplicate = exit_done_duplicate;

int coord_withdraw(const Opts& a) {
    auto code = registry::receipt_parse(a.code);
    if (!code) return fail(code.message(), exit_usage);
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::withdraw_signature_outcome(**c, registry::receipt_commitment(*code), now());
    if (!r) return fail(r.message());
    using S = sync::WithdrawOutcome::Status;
    // What became of the person's count, said with an appeal id, a kiosk and a batch number only.
    const std::string appeal = terminal_safe(r->appeal_id);
    const std::string where =
        r->counted_kiosk.empty() ? std::string() : "kiosk " + terminal_safe(r->counted_kiosk) + ", batch " + std::to_string(r->counted_batch);
    const char* outcome = "withdrawn";
    int rc = exit_ok;
    std::string text;
    switch (r->status) {
        case S::not_found:
            outcome = "not_found", rc = exit_not_found;
            text = "not found: no imported signature has this receipt (nothing changed)";
            break;
        case S::already_withdrawn:
            outcome = "already_withdrawn", rc = exit_already;
            text = "already withdrawn: this signature of appeal " + appeal + " was withdrawn before (nothing changed)";
            break;
        case S::withdrawn:
            if (r->was_duplicate) {
                outcome = "withdrawn_duplicate", rc = kExitWithdrewDuplicate;
                text = "withdrawn, it was a duplicate: this signature of appeal " + appeal +
                       " was not counted (the same person had signed it before); " +
                       (where.empty() ? std::string("the counted total is unchanged")
                                      : "their counted signature (" + where + ") still counts; the counted total is unchanged");
            } else {
                text = "withdrawn: this signature of appeal " + appeal + " no longer counts and is left out of every export; " +
                       (where.empty() ? std::string("one signature fewer is counted")
                                      : "the same person's next signature of it (" + where + ") counts instead; the counted total is unchanged");
            }
            break;
    }
    if (a.json) {
        Json j{{"outcome", outcome}};
        if (!r->appeal_id.empty()) put_text(j, "appeal", r->appeal_id);
        j["was_duplicate"] = r->was_duplicate;
        if (!r->counted_kiosk.empty()) j["counted_now"] = {{"kiosk", r->counted_kiosk}, {"batch", r->counted_batch}};
        print_json(j);
    } else {
        std::cout << text << "\n";
    }
    if (r->status != S::withdrawn) return rc;   // nothing changed: no audit entry
    return audit_or_fail(**c, "withdraw", {{"withdrawn", 1}, {"was_duplicate", r->was_duplicate ? 1 : 0}}, "", outcome, rc);
}

std::string age_text(std::int64_t seconds) {
    if (seconds < 0) return "dated after this computer's clock";
    if (seconds < 3600) return std::to_string(seconds / 60) + " min ago";
    if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + " h ago";
    return std::to_string(seconds / 86400) + " days ago";
}

int verify_receipt(const Opts& a) {
    // Anyone can sign a list and put their own identity.pub beside it: the answer means something
    // only against the coordinator the signer was told about.
    if (a.coordinator.empty())
        return fail("verify-receipt needs --coordinator: the coordinator's public identity file, or its fingerprint "
                    "(\"3F2A 9C01 77D4 0B1E 5A60\", from the volunteers or the coordinator's website)",
                    exit_usage);
    // A code that is not a receipt code is a malformed value (exit 2), as in coord withdraw.
    if (auto code = registry::receipt_parse(a.code); !code) return fail(code.message(), exit_usage);
    sync::CoordinatorPin pin;
    std::error_code ec;
    if (fs::is_regular_file(a.coordinator, ec)) {
        auto text = read_file(a.coordinator, 4096);
        if (!text) return fail(text.message());
        auto id = registry::parse_public_identity(text_of(*text));
        if (!id) return fail(a.coordinator + ": " + id.message());
        pin = *id;
    } else if (!sync::normalize_fingerprint(a.coordinator).empty()) {
        pin = a.coordinator;
    } else {
        return fail("--coordinator: neither a public identity file nor a 20-hex-digit coordinator fingerprint", exit_usage);
    }
    auto v = sync::verify_published_receipt(a.published, a.code, pin);
    if (!v) return fail(v.message());
    const auto t = static_cast<std::int64_t>(std::min<std::uint64_t>(v->timestamp_unix, std::uint64_t{INT64_MAX}));
    char when[40] = "an unknown time";
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (gmtime_r(&tt, &tm) != nullptr) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    if (a.json) {
        print_json({{"counted", v->counted},
                    {"coordinator_fingerprint", v->coordinator_fingerprint},
                    {"tree_size", v->tree_size},
                    {"timestamp_unix", v->timestamp_unix},
                    {"published", when},
                    {"age_seconds", now() - t}});
    } else {
        // How old the list is: a signature made after it was published cannot be in it yet.
        std::cout << "published list signed by coordinator " << v->coordinator_fingerprint << "\n"
                  << "list of " << when << " (" << age_text(now() - t) << "), "
                  << plural(static_cast<std::int64_t>(v->tree_size), "signature", "signatures") << "\n"
                  << (v->counted ? "counted\n" : "not found (a signature made after the list's time is not in it yet)\n");
    }
    return v->counted ? exit_ok : exit_not_found;
}

// [SECTION] simulate-batches

struct SimOpts {
    int kiosks = 1;
    std::uint64_t records = 100, batches = 1, people = 0, seed = 0;
    std::string coordinator, pack, out;
    bool quiet = false, json = false;
    CLI::Option* seed_option = nullptr;
};

int simulate_batches(const SimOpts& a) {
    sync::SimulateOptions o;
    o.kiosks = a.kiosks;
    o.records_per_kiosk = a.records;
    o.batches_per_kiosk = a.batches;
    o.people = a.people;
    o.seed = a.seed_option->count() ? a.seed : static_cast<std::uint64_t>(std::time(nullptr));
    auto text = read_file(a.coordinator, 4096);
    if (!text) return fail(text.message());
    auto id = registry::parse_public_identity(text_of(*text));
    if (!id) return fail(a.coordinator + ": " + id.message());
    o.coordinator = *id;
    auto pack_bytes = read_file(a.pack, 16 * 1024 * 1024);
    if (!pack_bytes) return fail(pack_bytes.message());
    o.pack = *pack_bytes;
    o.out_dir = a.out;
    // Throwaway kiosks: the floor, not a calibrated second per key file.
    o.kdf = registry::kdf_minimum();
    const bool tty = isatty(2) != 0 && !a.quiet;
    o.progress = [tty, &o](int k, std::uint64_t done, std::uint64_t total) {
        if (tty) std::cerr << "\rkiosk " << k + 1 << "/" << o.kiosks << ": " << done << "/" << total << " submissions" << std::flush;
    };
    auto r = sync::simulate_batches(o);
    if (tty) std::cerr << "\n";
    if (!r) return fail(r.message());
    if (a.json) {
        Json j;
        j["seed"] = o.seed;
        j["kiosks"] = Json::array();
        for (const auto& k : *r) {
            Json kj;
            kj["fingerprint"] = k.fingerprint;
            put_text(kj, "key_file", k.key_file.string());
            kj["batches"] = Json::array();
            for (const auto& b : k.batches) {
                Json bj;
                put_text(bj, "file", b.string());
                kj["batches"].push_back(std::move(bj));
            }
            kj["receipts"] = k.receipts.size();
            j["kiosks"].push_back(std::move(kj));
        }
        print_json(j);
        return exit_ok;
    }
    // One fingerprint a line (for scripts); the key files for `coord enroll` are beside the batches.
    for (const auto& k : *r) std::cout << k.fingerprint << "\n";
    return exit_ok;
}

}  // namespace

void add_coordinator_commands(Tree& t) {
    CLI::App* c = nullptr;
    {
        auto o = coord_command(t.coord, "enroll", "enroll a kiosk (its public key file, or the fingerprint of a held batch)", coord_enroll, &c,
                               "  1  a held batch imported after enrollment was rejected\n"
                               "  3  no batch of a kiosk with that fingerprint is held\n");
        c->add_option("--kiosk-key", o->kiosk_key, "the kiosk's public key file, or its fingerprint")->type_name("FILE|FINGERPRINT")->required();
        c->add_option("--name", o->name, "a name for the kiosk (default: \"kiosk\" and its fingerprint's first digits)");
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "import",
                               "verify and import batch files or directories (searched recursively; AppleDouble, hidden and "
                               "system entries, empty files, FIFOs and links other than *.embatch skipped with a count; "
                               "links never followed)",
                               coord_import, &c,
                               "  0  also when entries were skipped\n"
                               "  1  at least one file was rejected (one line each on stderr; the others were imported)\n");
        add_json_flag(*c, o->json);
        add_quiet_flag(*c, o->quiet);
        c->add_option("paths", o->paths, "batch files, or directories holding them")->type_name("PATH...")->required();
    }
    {
        auto o = coord_command(t.coord, "check", "integrity check of the registry (after a crash, before a report)", coord_check, &c,
                               "  1  a check failed (the message names it)\n");
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "report", "totals per appeal, event, country, day and kiosk; kiosks, held batches, gaps, alarms (no names)",
                               coord_report, &c);
        c->add_option("--csv", o->csv, "also write the report as CSV")->type_name("FILE");
        c->add_option("--html", o->html, "also write the report as a printable HTML page")->type_name("FILE");
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "export-signatories", "CSV of counted signatories who agreed to their name being passed on",
                               coord_export_signatories, &c);
        c->add_option("--appeal", o->appeal, "the appeal's id")->type_name("ID")->required();
        c->add_option("--csv", o->csv, "the CSV file to write (it holds names: keep it safe)")->type_name("FILE")->required();
        c->add_flag("--force", o->force, "replace the CSV file if it exists (without it, an existing file is refused)");
        c->add_flag("--excel", o->excel, "start the file with a UTF-8 byte order mark, so Excel reads the names as UTF-8");
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "ack", "signed acknowledgement of a kiosk's imported batches (the kiosk then purges)", coord_ack, &c);
        c->add_option("--kiosk", o->kiosk, "the kiosk's fingerprint")->type_name("FINGERPRINT")->required();
        c->add_option("--out", o->out, "the acknowledgement file to write")->type_name("FILE")->required();
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "publish-receipts",
                               "publish the receipt commitments of every received, not withdrawn signature (signed Merkle root)",
                               coord_publish_receipts, &c);
        c->add_option("--out", o->out, "the folder to publish into, a folder of its own (default: DIR/published)")->type_name("DIR");
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "withdraw", "withdraw the signature with this receipt code from every count and export", coord_withdraw, &c,
                               "  0  withdrawn: it no longer counts (the person's next signature of the appeal, if any, counts instead)\n"
                               "  3  no imported signature has this receipt\n"
                               "  4  already withdrawn: nothing changed\n"
                               "  5  withdrawn; it was a duplicate, so the counted total is unchanged\n");
        add_json_flag(*c, o->json);
        c->add_option("code", o->code, "the receipt code (XXXX-XXXX-XXXX-XXXX-X)")->type_name("CODE")->required();
    }
    {
        auto o = std::make_shared<Opts>();
        auto& v = add_command(t.root, "verify-receipt", "offline: is this receipt in the published list (received, not withdrawn)?",
                              [o] { return verify_receipt(*o); }, "  0  counted\n  3  not in the list\n");
        v.add_option("--published", o->published, "the published folder (receipts.root, receipts.leaves)")->type_name("DIR")->required();
        v.add_option("--coordinator", o->coordinator,
                     "the coordinator's public identity file, or its fingerprint (\"3F2A 9C01 77D4 0B1E 5A60\", from the "
                     "volunteers or the coordinator's website): a list signed by anyone else is refused")
            ->type_name("FILE|FINGERPRINT");   // not required(): its absence gets the explanation below
        add_json_flag(v, o->json);
        v.add_option("code", o->code, "the receipt code")->type_name("CODE")->required();
    }
    {
        auto o = std::make_shared<SimOpts>();
        auto& s = add_command(t.root, "simulate-batches",
                              "make K temporary kiosks, submit N records EACH, export B batches each; print fingerprints",
                              [o] { return simulate_batches(*o); });
        s.add_option("--kiosks", o->kiosks, "how many kiosks")->check(CLI::Range(1, 1000));
        s.add_option("--records", o->records, "signature records per kiosk")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
        s.add_option("--batches", o->batches, "batches per kiosk")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
        s.add_option("--people", o->people, "size of the person pool (0: 200,000)")->check(non_negative());
        s.add_option("--coordinator", o->coordinator, "the coordinator's public identity file")->type_name("FILE")->required();
        s.add_option("--pack", o->pack, "an appeal pack signed by that coordinator (coord pack)")->type_name("PACK")->required();
        s.add_option("--out", o->out, "the folder for the batches and kiosk key files")->type_name("DIR")->required();
        o->seed_option = s.add_option("--seed", o->seed, "random seed (default: the current time)")->check(non_negative())->default_str("");
        add_quiet_flag(s, o->quiet);
        add_json_flag(s, o->json);
    }
}

}  // namespace embassy::cli
