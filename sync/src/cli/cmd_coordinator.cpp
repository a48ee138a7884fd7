// embassy-sync coord enroll/import/report/check/export-signatories/ack/publish-receipts/withdraw,
// and the top-level verify-receipt and simulate-batches. Output names files, kiosks and counts —
// never a person's data (the signatories CSV is the one place names go, and only into the file).
#include "cli.hpp"

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/registry/receipt.hpp"
#include "embassy/sync/audit.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_ops.hpp"
#include "embassy/sync/import.hpp"
#include "embassy/sync/simulate.hpp"

#include <unistd.h>

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
    bool json = false, quiet = false;
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

void print_outcome(const sync::ImportOutcome& o) {
    // A file name on a stick is anyone's to choose (a<ESC>[8m.embatch): every string is escaped.
    std::cout << terminal_safe(o.file) << ": " << sync::import_status_name(o.status);
    if (o.from_quarantine) std::cout << " (from quarantine)";
    if (!o.kiosk.empty() && o.status != sync::ImportStatus::rejected) std::cout << " — kiosk " << terminal_safe(o.kiosk) << " batch " << o.seq;
    if (!o.reason.empty()) std::cout << ": " << terminal_safe(o.reason);
    std::cout << std::endl;
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
    put_text(j, "reason", o.reason);
    return j;
}

// The totals of a run of outcomes, for the summary line, --json and the audit log.
struct ImportTotals {
    std::int64_t by_status[4] = {0, 0, 0, 0};
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
    std::vector<sync::AuditCount> audit() const {
        return {{"accepted", accepted()},     {"already_imported", already()}, {"quarantined", quarantined()},
                {"rejected", rejected()},     {"signatures", signatures},      {"duplicates", duplicates},
                {"alarms", alarms}};
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
        if (!a.json) opts.on_outcome = [](const sync::ImportOutcome& o) { print_outcome(o); };
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
    opts.progress = [tty](std::uint64_t done, std::uint64_t total) {
        if (!tty) return;
        const int width = 40;
        const int filled = static_cast<int>(width * done / std::max<std::uint64_t>(total, 1));
        std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                  << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << done << "/" << total << " records"
                  << std::flush;
    };
    opts.on_outcome = [tty, json](const sync::ImportOutcome& o) {
        if (tty) std::cerr << "\r" << std::string(72, ' ') << "\r" << std::flush;
        if (!json) print_outcome(o);
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
        j["signatures"] = n.signatures;
        j["duplicates"] = n.duplicates;
        j["alarms"] = n.alarms;
        j["batches"] = Json::array();
        for (const auto& o : outcomes) j["batches"].push_back(outcome_json(o));
        print_json(j);
    } else {
        std::cout << n.accepted() << " accepted, " << n.already() << " already imported, " << n.quarantined() << " quarantined, "
                  << n.rejected() << " rejected; " << plural(n.signatures, "signature", "signatures") << " ("
                  << plural(n.duplicates, "duplicate", "duplicates") << ")" << (n.alarms ? "; ALARMS raised: see coord report" : "")
                  << "\n";
    }
    return audit_or_fail(**c, "import", n.audit(), "", "", n.rejected() > 0 ? exit_failure : exit_ok);
}

// [SECTION] report

Json tallies_json(const std::vector<sync::Tally>& ts) {
    Json a = Json::array();
    for (const auto& t : ts) {
        Json j;
        put_text(j, "key", t.key);
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
    j["members"] = r.members;
    j["registry_joins"] = r.registry_joins;
    j["appeals"] = tallies_json(r.appeals);
    j["events"] = tallies_json(r.events);
    j["countries"] = tallies_json(r.countries);
    j["days"] = tallies_json(r.days);
    j["kiosk_tallies"] = tallies_json(r.kiosk_tallies);
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
    j["alarms"] = Json::array();
    for (const auto& line : r.alarms) {
        Json aj;
        put_text(aj, "text", line);
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
    if (!a.csv.empty()) std::cout << "CSV report written to " << a.csv << "\n";
    if (!a.html.empty()) std::cout << "HTML report written to " << a.html << "\n";
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
    auto r = sync::export_signatories(**c, a.appeal, a.csv);
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
    auto root = sync::publish_receipts(**c, a.out, now());
    if (!root) return fail(root.message());
    if (a.json) {
        print_json({{"tree_size", root->tree_size},
                    {"root", to_hex(root->root)},
                    {"timestamp_unix", root->timestamp_unix},
                    {"coordinator_fingerprint", (*c)->keys().identity.fingerprint()}});
        return exit_ok;
    }
    std::cout << plural(static_cast<std::int64_t>(root->tree_size), "receipt commitment", "receipt commitments") << " published in " << a.out
              << " (root " << to_hex(root->root).substr(0, 16) << "…, signed by " << (*c)->keys().identity.fingerprint() << ")\n";
    return exit_ok;
}

int coord_withdraw(const Opts& a) {
    auto code = registry::receipt_parse(a.code);
    if (!code) return fail(code.message(), exit_usage);
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto r = sync::withdraw_signature(**c, registry::receipt_commitment(*code), now());
    if (!r) return fail(r.message());
    const char* outcome = *r ? "withdrawn" : "not_found";
    if (a.json)
        print_json({{"outcome", outcome}});
    else if (!*r)
        std::cout << "not found: no imported signature has this receipt\n";
    else
        std::cout << "withdrawn: this signature no longer counts and is left out of every export\n";
    return audit_or_fail(**c, "withdraw", {{"withdrawn", *r ? 1 : 0}}, "", outcome, *r ? exit_ok : exit_not_found);
}

int verify_receipt(const Opts& a) {
    // Anyone can sign a list and put their own identity.pub beside it: the answer means something
    // only against the coordinator the signer was told about.
    if (a.coordinator.empty())
        return fail("verify-receipt needs --coordinator: the coordinator's public identity file, or its fingerprint "
                    "(\"3F2A 9C01 77D4 0B1E 5A60\", from the volunteers or the coordinator's website)",
                    exit_usage);
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
    if (a.json) {
        print_json({{"counted", v->counted},
                    {"coordinator_fingerprint", v->coordinator_fingerprint},
                    {"tree_size", v->tree_size},
                    {"timestamp_unix", v->timestamp_unix}});
    } else {
        std::cout << "published list signed by coordinator " << v->coordinator_fingerprint << ", "
                  << plural(static_cast<std::int64_t>(v->tree_size), "signature", "signatures") << "\n"
                  << (v->counted ? "counted\n" : "not found\n");
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
        auto o = coord_command(t.coord, "import", "verify and import batch files or directories", coord_import, &c,
                               "  1  at least one file was rejected (the others were imported)\n");
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
        auto o = coord_command(t.coord, "report", "totals per appeal, event, country, kiosk and day; gaps; alarms (no names)", coord_report, &c);
        c->add_option("--csv", o->csv, "also write the report as CSV")->type_name("FILE");
        c->add_option("--html", o->html, "also write the report as a printable HTML page")->type_name("FILE");
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "export-signatories", "CSV of counted signatories who agreed to their name being passed on",
                               coord_export_signatories, &c);
        c->add_option("--appeal", o->appeal, "the appeal's id")->type_name("ID")->required();
        c->add_option("--csv", o->csv, "the CSV file to write (it holds names: keep it safe)")->type_name("FILE")->required();
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
        c->add_option("--out", o->out, "the folder to publish into")->type_name("DIR")->required();
        add_json_flag(*c, o->json);
    }
    {
        auto o = coord_command(t.coord, "withdraw", "withdraw the signature with this receipt code from every count and export", coord_withdraw, &c,
                               "  3  no imported signature has this receipt\n");
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
