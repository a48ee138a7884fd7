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

// The options of every kiosk command; each command binds the ones it has.
struct Opts {
    std::string data_dir, passphrase_file, new_passphrase_file, coordinator, name = "kiosk", file, out, names_file, codes_file;
    bool json = false, quiet = false, stats = false, skip_log = false;
    std::uint64_t count = 1, seed = 0, again = 0;
    CLI::Option* seed_option = nullptr;
    CLI::Option* again_option = nullptr;
};

Result<std::unique_ptr<KioskStore>> open_store(const Opts& a) {
    if (!KioskStore::exists(a.data_dir)) return make_error(a.data_dir + ": no kiosk here (run 'embassy-sync kiosk init' first)");
    auto pass = read_passphrase(a.passphrase_file, "Kiosk passphrase: ");
    if (!pass) return pass.error();
    return KioskStore::open(a.data_dir, pass->view());
}

int kiosk_init(const Opts& a) {
    const std::string* dir = &a.data_dir;
    const std::string* coord = &a.coordinator;
    auto text = read_file(*coord, 4096);
    if (!text) return fail(text.message());
    auto id = registry::parse_public_identity(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));  // NOLINT
    if (!id) return fail(*coord + ": " + id.message());
    auto pass = read_new_passphrase(a.passphrase_file, "New kiosk passphrase: ");
    if (!pass) return fail(pass.message());
    auto store = KioskStore::create(*dir, pass->view(), *id, a.name, new_kdf_params());
    if (!store) return fail(store.message());
    auto info = (*store)->info();
    std::cout << "kiosk created in " << *dir << "\n"
              << "kiosk fingerprint:       " << info.fingerprint << "\n"
              << "coordinator fingerprint: " << id->fingerprint() << " (compare with the coordinator)\n";
    return 0;
}

int kiosk_load_pack(const Opts& a) {
    auto pack = read_file(a.file, 16 * 1024 * 1024);
    if (!pack) return fail(pack.message());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    if (auto s = (*store)->load_pack(*pack); !s) return fail(a.file + ": " + s.message());
    auto cur = (*store)->current_pack();
    if (!cur) return fail(cur.message());
    std::cout << "loaded appeal pack '" << terminal_safe(cur->pack_id) << "' with "
              << plural(static_cast<std::int64_t>(cur->appeals.size()), "appeal", "appeals") << "\n";
    // First pack on a kiosk: make all its appeals active so the kiosk is usable straight away.
    if ((*store)->active_appeals().empty()) {
        std::vector<std::string> ids;
        for (const auto& ap : cur->appeals) ids.push_back(ap.id);
        (void)(*store)->set_active_appeals(ids);
    }
    return 0;
}

int kiosk_info(const Opts& a) {
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
    if (a.json) {
        Json j;
        j["fingerprint"] = info.fingerprint;
        j["public_key"] = to_hex(info.public_key);
        put_text(j, "name", info.name);
        j["schema_version"] = info.schema_version;
        j["registrants"] = counts.registrants;
        j["signatures"] = counts.signatures;
        j["registry_joins"] = counts.registry_joins;
        j["log_size"] = head.size;
        j["log_head"] = to_hex(head.head);
        j["coordinator_fingerprint"] = info.coordinator.fingerprint();
        if (pack)
            put_text(j, "pack", pack->pack_id);
        else
            j["pack"] = nullptr;
        j["active_event"] = ev ? Json(ev->id) : Json(nullptr);
        // Appeal ids are checked when a pack is loaded (pack.hpp: [a-z0-9-]), so they are safe keys.
        Json appeals = Json::object();
        for (const auto& c : counts.per_appeal)
            appeals[terminal_safe(c.appeal_id)] = {{"total", c.all_total}, {"today", c.all_today}, {"event_total", c.event_total}};
        j["appeals"] = std::move(appeals);
        print_json(j);
        return exit_ok;
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

int kiosk_passwd(const Opts& a) {
    const std::string* dir = &a.data_dir;
    auto old_pass = read_passphrase(a.passphrase_file, "Current kiosk passphrase: ");
    if (!old_pass) return fail(old_pass.message());
    auto new_pass = read_new_passphrase(a.new_passphrase_file, "New kiosk passphrase: ");
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

int kiosk_simulate(const Opts& a) {
    const auto count = static_cast<long long>(a.count);
    std::mt19937_64 rng(a.seed_option->count() ? a.seed : static_cast<std::uint64_t>(std::time(nullptr)));
    std::vector<std::pair<std::string, std::string>> names;
    if (!a.names_file.empty()) {
        const std::string* f = &a.names_file;
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
    if (a.stats) {
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
        if (!a.quiet) std::cout << *code << std::endl;
    }
    if (a.stats) {
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

int kiosk_verify_receipt(const Opts& a) {
    auto store = open_store(a);
    if (!store) return fail(store.message());
    auto found = (*store)->verify_receipt(a.file);
    if (!found) return fail(found.message());
    if (a.json) {
        print_json({{"found", *found}});
        return *found ? exit_ok : exit_not_found;
    }
    std::cout << (*found ? "found: this receipt belongs to a signature taken on this kiosk\n"
                         : "not found: no signature on this kiosk has this receipt\n");
    return *found ? exit_ok : exit_not_found;
}

// Integrity check for the crash tests and for volunteers: quick_check, the log chain, and optionally
// that every receipt code listed in a file (one per line, as printed by simulate) is present.
int kiosk_check(const Opts& a) {
    auto store = open_store(a);
    if (!store) return fail(store.message());
    if (auto s = (*store)->quick_check(); !s) return fail(s.message());
    // The log walk re-hashes every record; --skip-log leaves it out for quick repeated checks.
    std::optional<registry::LogCheck> log;
    if (!a.skip_log) {
        auto s = (*store)->verify_log();
        if (!s) return fail(s.message());
        log = *s;
    }
    long long checked = 0, missing = 0;
    if (!a.codes_file.empty()) {
        const std::string* f = &a.codes_file;
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
    if (a.json) {
        Json j;
        j["quick_check"] = "ok";
        if (log) {
            j["log_entries"] = log->entries;
            j["log_unexported"] = log->unexported;
        } else {
            j["log_entries"] = nullptr;
        }
        j["receipts_checked"] = checked;
        j["receipts_missing"] = missing;
        print_json(j);
    } else if (log)
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

int kiosk_export(const Opts& a) {
    const std::string* out = &a.out;
    auto store = open_store(a);
    if (!store) return fail(store.message());
    bool tty = isatty(2) != 0 && !a.quiet;
    auto progress = [tty](std::uint64_t done, std::uint64_t total) {
        if (!tty) return;
        int width = 40, filled = static_cast<int>(width * done / std::max<std::uint64_t>(total, 1));
        std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#') << std::string(static_cast<std::size_t>(width - filled), ' ')
                  << "] " << done << "/" << total << std::flush;
    };
    auto r = a.again_option->count() ? sync::export_batch_again(**store, a.again, *out, progress) : sync::export_batch(**store, *out, progress);
    if (tty) std::cerr << "\n";
    if (!r) return fail(r.message());
    if (a.json) {
        Json j;
        j["wrote"] = r->wrote;
        j["recovered"] = r->recovered;
        if (r->wrote) {
            j["seq"] = r->seq;
            j["signatures"] = r->signatures;
            put_text(j, "file", r->path.string());
            j["bytes"] = r->bytes;
        }
        print_json(j);
        return exit_ok;
    }
    if (r->recovered) std::cout << "a batch interrupted earlier was written again first\n";
    if (!r->wrote) {
        std::cout << "nothing new to export; no file written\n";
        return 0;
    }
    std::cout << "batch " << r->seq << ": " << plural(static_cast<std::int64_t>(r->signatures), "signature", "signatures") << " written to " << r->path.string() << " ("
              << r->bytes << " bytes)\n";
    return 0;
}

int kiosk_apply_ack(const Opts& a) {
    auto ack = read_file(a.file, 64 * 1024);
    if (!ack) return fail(ack.message());
    auto store = open_store(a);
    if (!store) return fail(store.message());
    auto r = sync::apply_ack(**store, *ack);
    if (!r) return fail(a.file + ": " + r.message());
    if (a.json) {
        print_json({{"batches", r->batches}, {"purged", r->purged}});
        return exit_ok;
    }
    std::cout << "acknowledgement covers batches 1.." << r->batches << "; personal data of "
              << plural(static_cast<std::int64_t>(r->purged), "registrant", "registrants") << " removed from this kiosk\n";
    return exit_ok;
}

// Each command's options live as long as the command tree: the run function holds them.
std::shared_ptr<Opts> kiosk_command(CLI::App& group, const std::string& name, const std::string& summary, int (*run)(const Opts&),
                                    CLI::App** out, const std::string& exit_notes = "") {
    auto o = std::make_shared<Opts>();
    *out = &add_command(group, name, summary, [o, run] { return run(*o); }, exit_notes);
    add_kiosk_dir(**out, o->data_dir);
    return o;
}

}  // namespace

void add_kiosk_commands(Tree& t) {
    CLI::App* c = nullptr;
    {
        auto o = kiosk_command(t.kiosk, "init", "create a kiosk data directory bound to a coordinator identity", kiosk_init, &c);
        c->add_option("--coordinator", o->coordinator, "the coordinator's public identity file")->type_name("FILE")->required();
        c->add_option("--name", o->name, "the kiosk's name");
        add_passphrase_file(*c, o->passphrase_file);
    }
    {
        auto o = kiosk_command(t.kiosk, "load-pack", "verify and load a signed appeal pack", kiosk_load_pack, &c);
        add_passphrase_file(*c, o->passphrase_file);
        c->add_option("pack", o->file, "the signed pack file")->type_name("PACK")->required();
    }
    {
        auto o = kiosk_command(t.kiosk, "info", "fingerprint, schema version and counts (no personal data)", kiosk_info, &c);
        add_passphrase_file(*c, o->passphrase_file);
        add_json_flag(*c, o->json);
    }
    {
        auto o = kiosk_command(t.kiosk, "passwd", "change the kiosk passphrase", kiosk_passwd, &c);
        add_passphrase_file(*c, o->passphrase_file);
        add_passphrase_file(*c, o->new_passphrase_file, "--new-passphrase-file")->description("file whose first line is the new passphrase (default: ask twice)");
    }
    {
        auto o = kiosk_command(t.kiosk, "simulate", "submit N synthetic signatures through the kiosk's submit path, printing each receipt",
                               kiosk_simulate, &c);
        add_passphrase_file(*c, o->passphrase_file);
        c->add_option("--count", o->count, "how many submissions")->check(non_negative());
        o->seed_option = c->add_option("--seed", o->seed, "random seed (default: the current time)")->check(non_negative())->default_str("");
        c->add_option("--names-file", o->names_file, "'given<TAB>family' lines to use instead of generated names")->type_name("FILE");
        c->add_flag("--quiet", o->quiet, "do not print the receipt codes");
        c->add_flag("--stats", o->stats, "print timing and peak memory on stderr");
    }
    {
        auto o = kiosk_command(t.kiosk, "verify-receipt", "does this receipt code belong to a signature on this kiosk?", kiosk_verify_receipt, &c,
                               "  0  found\n  3  not found\n");
        add_passphrase_file(*c, o->passphrase_file);
        add_json_flag(*c, o->json);
        c->add_option("code", o->file, "the receipt code")->type_name("CODE")->required();
    }
    {
        auto o = kiosk_command(t.kiosk, "check", "integrity check: quick_check, the log chain, and listed receipt codes", kiosk_check, &c,
                               "  1  a check failed, or a listed receipt code is missing\n");
        add_passphrase_file(*c, o->passphrase_file);
        c->add_option("--codes-file", o->codes_file, "receipt codes, one a line, that must be present")->type_name("FILE");
        c->add_flag("--skip-log", o->skip_log, "do not re-hash the log chain");
        add_json_flag(*c, o->json);
    }
    {
        auto o = kiosk_command(t.kiosk, "export", "write everything not yet exported into the next signed, encrypted batch", kiosk_export, &c);
        add_passphrase_file(*c, o->passphrase_file);
        c->add_option("--out", o->out, "the folder to write the batch into (the USB stick)")->type_name("DIR")->required();
        o->again_option = c->add_option("--again", o->again, "write batch SEQ again (a lost stick)")->check(non_negative())->default_str("")->type_name("SEQ");
        add_quiet_flag(*c, o->quiet);
        add_json_flag(*c, o->json);
    }
    {
        auto o = kiosk_command(t.kiosk, "apply-ack", "verify the coordinator's acknowledgement and purge the personal data it covers",
                               kiosk_apply_ack, &c);
        add_passphrase_file(*c, o->passphrase_file);
        add_json_flag(*c, o->json);
        c->add_option("ack", o->file, "the acknowledgement file")->type_name("ACK")->required();
    }
}

}  // namespace embassy::cli
