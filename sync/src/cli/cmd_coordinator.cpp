// embassy-sync coord enroll/import/report/export-signatories/ack/publish-receipts/withdraw, and the
// top-level verify-receipt and simulate-batches. Output names files, kiosks and counts — never a
// person's data (the signatories CSV is the one place names go, and only into the file).
#include "cli.hpp"

#include "embassy/registry/identity.hpp"
#include "embassy/registry/receipt.hpp"
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

Result<std::unique_ptr<Coordinator>> open_coordinator(const Args& a) {
    auto dir = a.require("dir");
    if (!dir) return dir.error();
    if (!fs::exists(fs::path(*dir) / sync::coordinator_key_file))
        return make_error(*dir + ": no coordinator identity here (run 'embassy-sync coord init' first)");
    auto pass = read_passphrase(a, "passphrase-file", "Coordinator passphrase: ");
    if (!pass) return pass.error();
    return Coordinator::open(*dir, pass->view(), new_kdf_params());
}

std::string text_of(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }  // NOLINT

void print_outcome(const sync::ImportOutcome& o, bool json) {
    if (json) return;
    // A file name on a stick is anyone's to choose (a<ESC>[8m.embatch): every string is escaped.
    std::cout << terminal_safe(o.file) << ": " << sync::import_status_name(o.status);
    if (o.from_quarantine) std::cout << " (from quarantine)";
    if (!o.kiosk.empty() && o.status != sync::ImportStatus::rejected) std::cout << " — kiosk " << terminal_safe(o.kiosk) << " batch " << o.seq;
    if (!o.reason.empty()) std::cout << ": " << terminal_safe(o.reason);
    std::cout << std::endl;
}

// [SECTION] enroll

int coord_enroll(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "kiosk-key", "name", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto key_arg = a.require("kiosk-key");
    if (!key_arg) return fail(key_arg.message());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    std::optional<SignPublicKey> key;
    std::vector<fs::path> held;
    std::error_code ec;
    if (fs::is_regular_file(*key_arg, ec)) {
        auto text = read_file(*key_arg, 4096);
        if (!text) return fail(text.message());
        auto k = sync::parse_kiosk_key(text_of(*text));
        if (!k) return fail(*key_arg + ": " + k.message());
        key = *k;
    } else if (!sync::normalize_fingerprint(*key_arg).empty()) {
        auto h = sync::held_batches_of(**c, *key_arg);
        if (!h) return fail(h.message());
        key = h->kiosk_key;
        held = h->files;
    } else {
        return fail(*key_arg + ": neither a key file nor a 20-hex-digit kiosk fingerprint");
    }
    const std::string name = a.get_or("name", "kiosk " + fingerprint_compact(*key).substr(0, 8));
    auto k = (*c)->enroll(*key, name);
    if (!k) return fail(k.message());
    std::cout << "enrolled kiosk " << k->fingerprint << " (" << terminal_safe(k->name) << ")\n";
    if (!held.empty()) {
        // Its batches that arrived before enrollment: import them now.
        sync::ImportOptions opts;
        opts.on_outcome = [](const sync::ImportOutcome& o) { print_outcome(o, false); };
        auto outcomes = sync::import_paths(**c, held, opts);
        for (const auto& o : outcomes)
            if (o.status == sync::ImportStatus::rejected) return 1;
    }
    return 0;
}

// [SECTION] import

int coord_import(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file"}, {"json", "quiet"});
    if (!a.error().empty()) return fail(a.error());
    if (a.positional().empty()) return fail("usage: coord import --dir DIR [--json] PATH...");
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    const bool json = a.flag("json");
    const bool tty = isatty(2) != 0 && !a.flag("quiet");
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
        print_outcome(o, json);
    };
    std::vector<fs::path> paths(a.positional().begin(), a.positional().end());
    auto outcomes = sync::import_paths(**c, paths, opts);
    std::int64_t n[5] = {0, 0, 0, 0, 0}, sigs = 0, dups = 0, alarms = 0;
    for (const auto& o : outcomes) {
        ++n[static_cast<int>(o.status)];
        sigs += static_cast<std::int64_t>(o.signatures);
        dups += static_cast<std::int64_t>(o.duplicates);
        alarms += o.alarm ? 1 : 0;
    }
    if (json) {
        std::cout << "{\"accepted\":" << n[0] << ",\"already_imported\":" << n[1] << ",\"quarantined\":" << n[2]
                  << ",\"rejected\":" << n[3] << ",\"signatures\":" << sigs << ",\"duplicates\":" << dups << ",\"alarms\":" << alarms
                  << ",\"batches\":[";
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            const auto& o = outcomes[i];
            std::cout << (i ? "," : "") << "{\"file\":\"" << json_escape(o.file) << "\",\"status\":\""
                      << sync::import_status_name(o.status) << "\",\"kiosk\":\"" << json_escape(o.kiosk) << "\",\"seq\":" << o.seq
                      << ",\"signatures\":" << o.signatures << ",\"duplicates\":" << o.duplicates
                      << ",\"from_quarantine\":" << (o.from_quarantine ? "true" : "false") << ",\"reason\":\""
                      << json_escape(o.reason) << "\"}";
        }
        std::cout << "]}\n";
    } else {
        std::cout << n[0] << " accepted, " << n[1] << " already imported, " << n[2] << " quarantined, " << n[3] << " rejected; "
                  << sigs << " signatures (" << dups << " duplicates)" << (alarms ? "; ALARMS raised: see coord report" : "")
                  << "\n";
    }
    return n[3] > 0 ? 1 : 0;
}

// [SECTION] report

int coord_report(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file", "csv", "html"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    auto r = sync::build_report(**c, now());
    if (!r) return fail(r.message());
    std::cout << sync::report_text(*r);
    if (auto csv = a.get("csv")) {
        if (auto s = write_file_atomic(*csv, as_bytes(sync::report_csv(*r))); !s) return fail(s.message());
        std::cout << "CSV report written to " << *csv << "\n";
    }
    if (auto html = a.get("html")) {
        if (auto s = write_file_atomic(*html, as_bytes(sync::report_html(*r))); !s) return fail(s.message());
        std::cout << "HTML report written to " << *html << "\n";
    }
    return 0;
}

// [SECTION] check

int coord_check(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    auto r = sync::check_registry(**c);
    if (!r) return fail(r.message());
    std::cout << "registry ok: quick_check, foreign keys, receipts, batch and log counts, deduplication (" << r->batches
              << " batches, " << r->signatures << " signatures, " << r->members << " members)\n";
    return 0;
}

// [SECTION] export-signatories

int coord_export_signatories(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file", "appeal", "csv"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto appeal = a.require("appeal"), csv = a.require("csv");
    if (!appeal) return fail(appeal.message());
    if (!csv) return fail(csv.message());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    auto r = sync::export_signatories(**c, *appeal, *csv);
    if (!r) return fail(r.message());
    std::cout << r->written << " signatories who agreed to their name being passed on written to " << *csv << "\n"
              << r->counted_without_consent << " further counted signatures without that consent (counted only)\n"
              << r->duplicates << " duplicates and " << r->withdrawn << " withdrawn signatures left out\n";
    return 0;
}

// [SECTION] ack

int coord_ack(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file", "kiosk", "out"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto kiosk = a.require("kiosk"), out = a.require("out");
    if (!kiosk) return fail(kiosk.message());
    if (!out) return fail(out.message());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    sync::Ack ack;
    auto bytes = sync::make_ack(**c, *kiosk, now(), &ack);
    if (!bytes) return fail(bytes.message());
    if (auto s = write_file_atomic(*out, *bytes); !s) return fail(s.message());
    std::cout << "acknowledgement of batches " << ack.first_seq << ".." << ack.last_seq << " (records up to " << ack.last_record_seq
              << ") of kiosk " << fingerprint(ack.kiosk_public_key) << " written to " << *out << "\n";
    return 0;
}

// [SECTION] publish-receipts, withdraw, verify-receipt

int coord_publish_receipts(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file", "out"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto out = a.require("out");
    if (!out) return fail(out.message());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    auto root = sync::publish_receipts(**c, *out, now());
    if (!root) return fail(root.message());
    std::cout << root->tree_size << " receipt commitments published in " << *out << " (root " << to_hex(root->root).substr(0, 16)
              << "…, signed by " << (*c)->keys().identity.fingerprint() << ")\n";
    return 0;
}

int coord_withdraw(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    if (a.positional().size() != 1) return fail("usage: coord withdraw --dir DIR CODE");
    auto code = registry::receipt_parse(a.positional()[0]);
    if (!code) return fail(code.message());
    auto c = open_coordinator(a);
    if (!c) return fail(c.message());
    auto r = sync::withdraw_signature(**c, registry::receipt_commitment(*code), now());
    if (!r) return fail(r.message());
    if (!*r) {
        std::cout << "not found: no imported signature has this receipt\n";
        return 3;
    }
    std::cout << "withdrawn: this signature no longer counts and is left out of every export\n";
    return 0;
}

int verify_receipt(const std::vector<std::string>& argv) {
    Args a(argv, {"published", "coordinator"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("published");
    if (!dir) return fail(dir.message());
    if (a.positional().size() != 1) return fail("usage: verify-receipt --published DIR --coordinator FILE|FINGERPRINT CODE");
    // Anyone can sign a list and put their own identity.pub beside it: the answer means something
    // only against the coordinator the signer was told about.
    auto who = a.get("coordinator");
    if (!who)
        return fail("verify-receipt needs --coordinator: the coordinator's public identity file, or its fingerprint "
                    "(\"3F2A 9C01 77D4 0B1E 5A60\", from the volunteers or the coordinator's website)");
    sync::CoordinatorPin pin;
    std::error_code ec;
    if (fs::is_regular_file(*who, ec)) {
        auto text = read_file(*who, 4096);
        if (!text) return fail(text.message());
        auto id = registry::parse_public_identity(text_of(*text));
        if (!id) return fail(*who + ": " + id.message());
        pin = *id;
    } else if (!sync::normalize_fingerprint(*who).empty()) {
        pin = *who;
    } else {
        return fail("--coordinator: neither a public identity file nor a 20-hex-digit coordinator fingerprint");
    }
    auto v = sync::verify_published_receipt(*dir, a.positional()[0], pin);
    if (!v) return fail(v.message());
    std::cout << "published list signed by coordinator " << v->coordinator_fingerprint << ", " << v->tree_size << " signatures\n"
              << (v->counted ? "counted\n" : "not found\n");
    return v->counted ? 0 : 3;
}

// [SECTION] simulate-batches

int simulate_batches(const std::vector<std::string>& argv) {
    Args a(argv, {"kiosks", "records", "batches", "people", "coordinator", "pack", "out", "seed"}, {"quiet"});
    if (!a.error().empty()) return fail(a.error());
    auto coord = a.require("coordinator"), pack = a.require("pack"), out = a.require("out");
    if (!coord) return fail(coord.message());
    if (!pack) return fail(pack.message() + " (an appeal pack signed by that coordinator: coord pack)");
    if (!out) return fail(out.message());
    sync::SimulateOptions o;
    o.kiosks = std::atoi(a.get_or("kiosks", "1").c_str());
    const long long records = std::atoll(a.get_or("records", "100").c_str());
    const long long batches = std::atoll(a.get_or("batches", "1").c_str());
    const long long people = std::atoll(a.get_or("people", "0").c_str());
    if (o.kiosks < 1 || o.kiosks > 1000) return fail("--kiosks must be 1..1000");
    if (records < 1) return fail("--records must be ≥ 1");
    if (batches < 1) return fail("--batches must be ≥ 1");
    if (people < 0) return fail("--people must be ≥ 0");
    o.records_per_kiosk = static_cast<std::uint64_t>(records);
    o.batches_per_kiosk = static_cast<std::uint64_t>(batches);
    o.people = static_cast<std::uint64_t>(people);
    o.seed = std::strtoull(a.get_or("seed", std::to_string(std::time(nullptr))).c_str(), nullptr, 10);
    auto text = read_file(*coord, 4096);
    if (!text) return fail(text.message());
    auto id = registry::parse_public_identity(text_of(*text));
    if (!id) return fail(*coord + ": " + id.message());
    o.coordinator = *id;
    auto pack_bytes = read_file(*pack, 16 * 1024 * 1024);
    if (!pack_bytes) return fail(pack_bytes.message());
    o.pack = *pack_bytes;
    o.out_dir = *out;
    // Throwaway kiosks: the floor, not a calibrated second per key file.
    o.kdf = registry::kdf_minimum();
    const bool tty = isatty(2) != 0 && !a.flag("quiet");
    o.progress = [tty, &o](int k, std::uint64_t done, std::uint64_t total) {
        if (tty) std::cerr << "\rkiosk " << k + 1 << "/" << o.kiosks << ": " << done << "/" << total << " submissions" << std::flush;
    };
    auto r = sync::simulate_batches(o);
    if (tty) std::cerr << "\n";
    if (!r) return fail(r.message());
    // One fingerprint a line (for scripts); the key files for `coord enroll` are beside the batches.
    for (const auto& k : *r) std::cout << k.fingerprint << "\n";
    return 0;
}

}  // namespace

void add_coordinator_commands(std::vector<Command>& out) {
    out.push_back({"coord", "enroll", "--dir DIR --kiosk-key FILE|FINGERPRINT [--name NAME] [--passphrase-file F]",
                   "enroll a kiosk (its public key file, or the fingerprint of a held batch)", coord_enroll});
    out.push_back({"coord", "import", "--dir DIR [--json] [--quiet] [--passphrase-file F] PATH...",
                   "verify and import batch files or directories (exit 1 if any was rejected)", coord_import});
    out.push_back({"coord", "check", "--dir DIR [--passphrase-file F]",
                   "integrity check of the registry (after a crash, before a report)", coord_check});
    out.push_back({"coord", "report", "--dir DIR [--csv FILE] [--html FILE] [--passphrase-file F]",
                   "totals per appeal, event, country, kiosk and day; gaps; alarms (no names)", coord_report});
    out.push_back({"coord", "export-signatories", "--dir DIR --appeal ID --csv FILE [--passphrase-file F]",
                   "CSV of counted signatories who agreed to their name being passed on", coord_export_signatories});
    out.push_back({"coord", "ack", "--dir DIR --kiosk FINGERPRINT --out FILE [--passphrase-file F]",
                   "signed acknowledgement of a kiosk's imported batches (the kiosk then purges)", coord_ack});
    out.push_back({"coord", "publish-receipts", "--dir DIR --out DIR2 [--passphrase-file F]",
                   "publish the receipt commitments of every received, not withdrawn signature (signed Merkle root)", coord_publish_receipts});
    out.push_back({"coord", "withdraw", "--dir DIR [--passphrase-file F] CODE",
                   "withdraw the signature with this receipt code from every count and export", coord_withdraw});
    out.push_back({"", "verify-receipt", "--published DIR --coordinator FILE|FINGERPRINT CODE",
                   "offline: is this receipt in the published list (received, not withdrawn)? (exit 0 counted, 3 not found)", verify_receipt});
    out.push_back({"", "simulate-batches",
                   "--kiosks K --records N --coordinator FILE --pack PACK --out DIR [--batches B] [--people P] [--seed S]",
                   "make K temporary kiosks, submit N records EACH, export B batches each; print fingerprints", simulate_batches});
}

}  // namespace embassy::cli
