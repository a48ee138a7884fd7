// embassy-sync kiosk …: set up a kiosk data directory, load packs, inspect, simulate load.
#include "cli.hpp"

#include "embassy/registry/db.hpp"
#include "embassy/registry/identity.hpp"
#include "embassy/registry/pack.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/registry/strokes.hpp"
#include "embassy/sync/kiosk_export.hpp"
#include "embassy/sync/simulate.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace embassy::cli {
namespace fs = std::filesystem;
using registry::KioskStore;

namespace {

Result<std::unique_ptr<KioskStore>> open_store(const Args& a) {
    auto dir = a.require("data-dir");
    if (!dir) return dir.error();
    if (!KioskStore::exists(*dir)) return make_error(*dir + ": no kiosk here (run 'embassy-sync kiosk init' first)");
    auto pass = read_passphrase(a, "passphrase-file", "Kiosk passphrase: ");
    if (!pass) return pass.error();
    return KioskStore::open(*dir, pass->view());
}

int kiosk_init(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "coordinator", "name", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("data-dir");
    auto coord = a.require("coordinator");
    if (!dir) return fail(dir.message());
    if (!coord) return fail(coord.message());
    auto text = read_file(*coord, 4096);
    if (!text) return fail(text.message());
    auto id = registry::parse_public_identity(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));  // NOLINT
    if (!id) return fail(*coord + ": " + id.message());
    auto pass = read_new_passphrase(a, "passphrase-file", "New kiosk passphrase: ");
    if (!pass) return fail(pass.message());
    auto store = KioskStore::create(*dir, pass->view(), *id, a.get_or("name", "kiosk"), new_kdf_params());
    if (!store) return fail(store.message());
    auto info = (*store)->info();
    std::cout << "kiosk created in " << *dir << "\n"
              << "kiosk fingerprint:       " << info.fingerprint << "\n"
              << "coordinator fingerprint: " << id->fingerprint() << " (compare with the coordinator)\n";
    return 0;
}

int kiosk_load_pack(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    if (a.positional().size() != 1) return fail("usage: kiosk load-pack --data-dir DIR PACK");
    auto pack = read_file(a.positional()[0], 16 * 1024 * 1024);
    if (!pack) return fail(pack.message());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    if (auto s = (*store)->load_pack(*pack); !s) return fail(a.positional()[0] + ": " + s.message());
    auto cur = (*store)->current_pack();
    if (!cur) return fail(cur.message());
    std::cout << "loaded appeal pack '" << terminal_safe(cur->pack_id) << "' with " << cur->appeals.size() << " appeals\n";
    // First pack on a kiosk: make all its appeals active so the kiosk is usable straight away.
    if ((*store)->active_appeals().empty()) {
        std::vector<std::string> ids;
        for (const auto& ap : cur->appeals) ids.push_back(ap.id);
        (void)(*store)->set_active_appeals(ids);
    }
    return 0;
}

int kiosk_info(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file"}, {"json"});
    if (!a.error().empty()) return fail(a.error());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    auto info = (*store)->info();
    auto counts_read = (*store)->counts();
    if (!counts_read) return fail(counts_read.message());
    auto head_read = (*store)->log_head();
    if (!head_read) return fail(head_read.message());
    const registry::Counts& counts = *counts_read;
    const registry::LogHead& head = *head_read;
    auto ev = (*store)->active_event();
    auto pack = (*store)->current_pack();
    if (a.flag("json")) {
        std::cout << "{\"fingerprint\":\"" << info.fingerprint << "\",\"public_key\":\"" << to_hex(info.public_key)
                  << "\",\"name\":\"" << json_escape(info.name)
                  << "\",\"schema_version\":" << info.schema_version << ",\"registrants\":" << counts.registrants
                  << ",\"signatures\":" << counts.signatures << ",\"registry_joins\":" << counts.registry_joins
                  << ",\"log_size\":" << head.size << ",\"log_head\":\"" << to_hex(head.head)
                  << "\",\"coordinator_fingerprint\":\"" << info.coordinator.fingerprint()
                  << "\",\"pack\":" << (pack ? "\"" + json_escape(pack->pack_id) + "\"" : std::string("null"))
                  << ",\"active_event\":" << (ev ? std::to_string(ev->id) : std::string("null")) << ",\"appeals\":{";
        bool first = true;
        for (const auto& c : counts.per_appeal) {
            std::cout << (first ? "" : ",") << "\"" << json_escape(c.appeal_id) << "\":{\"total\":" << c.all_total
                      << ",\"today\":" << c.all_today << ",\"event_total\":" << c.event_total << "}";
            first = false;
        }
        std::cout << "}}\n";
        return 0;
    }
    std::cout << "kiosk:           " << terminal_safe(info.name) << "\n"
              << "fingerprint:     " << info.fingerprint << "\n"
              << "coordinator:     " << info.coordinator.fingerprint() << "\n"
              << "schema version:  " << info.schema_version << "\n"
              << "appeal pack:     " << (pack ? terminal_safe(pack->pack_id) : std::string("(none)")) << "\n"
              << "registrants:     " << counts.registrants << " (personal data held)\n"
              << "signatures:      " << counts.signatures << "\n"
              << "log:             " << head.size << " entries, head " << to_hex(head.head).substr(0, 16) << "…\n";
    for (const auto& c : counts.per_appeal)
        std::cout << "  " << terminal_safe(c.appeal_id) << ": " << c.all_total << " total, " << c.all_today << " today\n";
    return 0;
}

int kiosk_passwd(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file", "new-passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("data-dir");
    if (!dir) return fail(dir.message());
    auto old_pass = read_passphrase(a, "passphrase-file", "Current kiosk passphrase: ");
    if (!old_pass) return fail(old_pass.message());
    auto new_pass = read_new_passphrase(a, "new-passphrase-file", "New kiosk passphrase: ");
    if (!new_pass) return fail(new_pass.message());
    if (auto s = registry::keyfile_rewrap(fs::path(*dir) / KioskStore::key_file_name, registry::KeyFileKind::kiosk_database,
                                          old_pass->view(), new_pass->view(), new_kdf_params());
        !s)
        return fail(s.message());
    std::cout << "passphrase changed. The database key was re-wrapped, not changed: an old copy of kiosk.key\n"
                 "still opens the database with the old passphrase, so destroy any backup of the old key file.\n";
    return 0;
}

// [SECTION] simulate: the load and crash-test driver. Same submit path as the kiosk UI.

long vm_hwm_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

int kiosk_simulate(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file", "count", "seed", "names-file"}, {"quiet", "stats"});
    if (!a.error().empty()) return fail(a.error());
    char* end = nullptr;
    const std::string count_text = a.get_or("count", "1");
    long long count = std::strtoll(count_text.c_str(), &end, 10);
    if (count_text.empty() || *end != '\0' || count < 0) return fail("--count must be a whole number ≥ 0");
    std::mt19937_64 rng(std::strtoull(a.get_or("seed", std::to_string(std::time(nullptr))).c_str(), nullptr, 10));
    std::vector<std::pair<std::string, std::string>> names;
    if (auto f = a.get("names-file")) {
        std::ifstream in(*f);
        if (!in) return fail(*f + ": cannot read names file");
        std::string line;
        while (std::getline(in, line)) {
            auto tab = line.find('\t');
            if (tab != std::string::npos) names.emplace_back(line.substr(0, tab), line.substr(tab + 1));
        }
        if (names.empty()) return fail(*f + ": no 'given<TAB>family' lines");
    }
    auto t_start = std::chrono::steady_clock::now();
    auto store_r = open_store(a);
    if (!store_r) return fail(store_r.message());
    KioskStore& store = **store_r;
    // With --stats, reset the kernel's peak-RSS mark after the unlock so the figure printed at the end
    // is the submit workload's own, reported beside the peak up to then.
    long hwm_with_kdf = 0;
    if (a.flag("stats")) {
        hwm_with_kdf = vm_hwm_kb();
        std::ofstream("/proc/self/clear_refs") << "5";
    }
    auto t_unlocked = std::chrono::steady_clock::now();
    auto pack = store.current_pack();
    if (!pack) return fail("no appeal pack loaded (run 'embassy-sync kiosk load-pack' first)");
    if (!store.active_event()) {
        std::time_t t = std::time(nullptr);
        char date[11];
        std::strftime(date, sizeof date, "%Y-%m-%d", std::localtime(&t));
        auto id = store.create_event({0, "Simulated event", "Warszawa", "PL", date});
        if (!id) return fail(id.message());
        if (auto s = store.set_active_event(*id); !s) return fail(s.message());
    }
    std::vector<std::string> appeals = store.active_appeals();
    if (appeals.empty())
        for (const auto& ap : pack->appeals) appeals.push_back(ap.id);
    // The same synthetic people and submissions as simulate-batches (sync/simulate.hpp).
    for (long long i = 0; i < count; ++i) {
        sync::SyntheticPerson who = sync::synthetic_person(rng());
        if (!names.empty()) {
            const auto& n = names[static_cast<std::size_t>(i) % names.size()];
            who.given = n.first;
            who.family = n.second;
        }
        auto sub = sync::synthetic_submission(rng, *pack, appeals, who);
        if (!sub) return fail(sub.message());
        registry::Submission& s = *sub;
        auto code = store.submit(s);
        if (!code) return fail("submission " + std::to_string(i + 1) + ": " + code.message());
        // Printed only after COMMIT returned: the crash test relies on this order.
        if (!a.flag("quiet")) std::cout << *code << std::endl;
    }
    if (a.flag("stats")) {
        auto t_end = std::chrono::steady_clock::now();
        double unlock_s = std::chrono::duration<double>(t_unlocked - t_start).count();
        double submit_s = std::chrono::duration<double>(t_end - t_unlocked).count();
        std::cerr << "simulate: " << count << " submits in " << submit_s << " s (" << (submit_s > 0 ? static_cast<double>(count) / submit_s : 0)
                  << " rows/s), unlock " << unlock_s << " s; peak RSS " << static_cast<double>(vm_hwm_kb()) / 1024.0
                  << " MB during the submits, " << static_cast<double>(hwm_with_kdf) / 1024.0
                  << " MB up to the end of the unlock (Argon2id itself runs in a child process)\n";
    }
    return 0;
}

int kiosk_verify_receipt(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    if (a.positional().size() != 1) return fail("usage: kiosk verify-receipt --data-dir DIR CODE");
    auto store = open_store(a);
    if (!store) return fail(store.message());
    auto found = (*store)->verify_receipt(a.positional()[0]);
    if (!found) return fail(found.message());
    std::cout << (*found ? "found: this receipt belongs to a signature taken on this kiosk\n"
                         : "not found: no signature on this kiosk has this receipt\n");
    return *found ? 0 : 3;
}

// Integrity check for the crash tests and for volunteers: quick_check, the log chain, and optionally
// that every receipt code listed in a file (one per line, as printed by simulate) is present.
int kiosk_check(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file", "codes-file"}, {"skip-log"});
    if (!a.error().empty()) return fail(a.error());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    if (auto s = (*store)->quick_check(); !s) return fail(s.message());
    // The log walk re-hashes every record; --skip-log leaves it out for quick repeated checks.
    std::optional<registry::LogCheck> log;
    if (!a.flag("skip-log")) {
        auto s = (*store)->verify_log();
        if (!s) return fail(s.message());
        log = *s;
    }
    long long checked = 0, missing = 0;
    if (auto f = a.get("codes-file")) {
        std::ifstream in(*f);
        if (!in) return fail(*f + ": cannot read");
        std::string line;
        while (std::getline(in, line)) {
            if (line.size() != 26) continue;  // a line cut by a kill was never fully printed
            auto found = (*store)->verify_receipt(line);
            ++checked;
            if (!found || !*found) ++missing;  // a code that does not even parse counts as missing
        }
    }
    // "Consistent", not "ok": the newest, unexported entries can be rewritten by anyone with the
    // passphrase without breaking the chain; only signers' receipts expose that (volunteer guide).
    if (log)
        std::cout << "quick_check ok, log chain consistent: " << log->entries << " entries, " << log->unexported
                  << " of them not yet exported — a passphrase holder can rewrite unexported history; receipts expose it"
                  << "; receipts checked " << checked << ", missing " << missing << "\n";
    else if (auto head = (*store)->log_head(); !head)
        return fail(head.message());
    else
        std::cout << "quick_check ok, log not checked (" << head->size << " entries), receipts checked "
                  << checked << ", missing " << missing << "\n";
    return missing == 0 ? 0 : 1;
}

int kiosk_export(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file", "out", "again"}, {"quiet"});
    if (!a.error().empty()) return fail(a.error());
    auto out = a.require("out");
    if (!out) return fail(out.message());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    bool tty = isatty(2) != 0 && !a.flag("quiet");
    auto progress = [tty](std::uint64_t done, std::uint64_t total) {
        if (!tty) return;
        int width = 40, filled = static_cast<int>(width * done / std::max<std::uint64_t>(total, 1));
        std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#') << std::string(static_cast<std::size_t>(width - filled), ' ')
                  << "] " << done << "/" << total << std::flush;
    };
    auto r = a.get("again") ? sync::export_batch_again(**store, std::strtoull(a.get("again")->c_str(), nullptr, 10), *out, progress)
                            : sync::export_batch(**store, *out, progress);
    if (tty) std::cerr << "\n";
    if (!r) return fail(r.message());
    if (r->recovered) std::cout << "a batch interrupted earlier was written again first\n";
    if (!r->wrote) {
        std::cout << "nothing new to export; no file written\n";
        return 0;
    }
    std::cout << "batch " << r->seq << ": " << r->signatures << " signatures written to " << r->path.string() << " ("
              << r->bytes << " bytes)\n";
    return 0;
}

int kiosk_apply_ack(const std::vector<std::string>& argv) {
    Args a(argv, {"data-dir", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    if (a.positional().size() != 1) return fail("usage: kiosk apply-ack --data-dir DIR ACK");
    auto ack = read_file(a.positional()[0], 64 * 1024);
    if (!ack) return fail(ack.message());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    auto r = sync::apply_ack(**store, *ack);
    if (!r) return fail(a.positional()[0] + ": " + r.message());
    std::cout << "acknowledgement covers batches 1.." << r->batches << "; personal data of " << r->purged
              << " registrants removed from this kiosk\n";
    return 0;
}

}  // namespace

void add_kiosk_commands(std::vector<Command>& out) {
    out.push_back({"kiosk", "init", "--data-dir DIR --coordinator FILE [--name NAME] [--passphrase-file F]",
                   "create a kiosk data directory bound to a coordinator identity", kiosk_init});
    out.push_back({"kiosk", "load-pack", "--data-dir DIR [--passphrase-file F] PACK",
                   "verify and load a signed appeal pack", kiosk_load_pack});
    out.push_back({"kiosk", "info", "--data-dir DIR [--passphrase-file F] [--json]",
                   "fingerprint, schema version and counts (no personal data)", kiosk_info});
    out.push_back({"kiosk", "passwd", "--data-dir DIR [--passphrase-file F] [--new-passphrase-file F]",
                   "change the kiosk passphrase", kiosk_passwd});
    out.push_back({"kiosk", "simulate", "--data-dir DIR --count N [--seed S] [--names-file F] [--passphrase-file F]",
                   "submit N synthetic signatures through the kiosk's submit path, printing each receipt", kiosk_simulate});
    out.push_back({"kiosk", "verify-receipt", "--data-dir DIR [--passphrase-file F] CODE",
                   "does this receipt code belong to a signature on this kiosk? (exit 0 yes, 3 no)", kiosk_verify_receipt});
    out.push_back({"kiosk", "check", "--data-dir DIR [--passphrase-file F] [--codes-file F] [--skip-log]",
                   "integrity check: quick_check, the log chain, and listed receipt codes", kiosk_check});
    out.push_back({"kiosk", "export", "--data-dir DIR --out DIR2 [--again SEQ] [--passphrase-file F]",
                   "write everything not yet exported into the next signed, encrypted batch", kiosk_export});
    out.push_back({"kiosk", "apply-ack", "--data-dir DIR [--passphrase-file F] ACK",
                   "verify the coordinator's acknowledgement and purge the personal data it covers", kiosk_apply_ack});
}

}  // namespace embassy::cli
