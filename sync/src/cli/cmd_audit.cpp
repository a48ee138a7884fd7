// embassy-sync coord log, coord passwd: the audit log and the coordinator's passphrase.
#include "cli.hpp"

#include "embassy/sync/audit.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_passwd.hpp"

#include <ctime>
#include <filesystem>
#include <iostream>

namespace embassy::cli {
namespace {

struct Opts {
    std::string dir, passphrase_file, new_passphrase_file;
    bool json = false;
    std::int64_t since = 0;
    std::size_t last = 0;
};

std::string utc_time(std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int coord_log(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto entries = sync::audit_read((*c)->db(), a.since, a.last);
    if (!entries) return fail(entries.message());
    if (a.json) {
        Json j = Json::array();
        for (const auto& e : *entries) {
            Json ej;
            ej["id"] = e.id;
            ej["time_unix"] = e.time_unix;
            ej["time"] = utc_time(e.time_unix);
            ej["kind"] = e.kind;
            ej["kiosk"] = e.kiosk;
            Json counts = Json::object();
            for (const auto& n : e.counts) counts[n.key] = n.value;
            ej["counts"] = std::move(counts);
            put_text(ej, "detail", e.detail);
            j.push_back(std::move(ej));
        }
        print_json({{"entries", std::move(j)}});
        return exit_ok;
    }
    if (entries->empty()) std::cout << "the audit log is empty\n";
    // The stored strings passed audit_append's checks (ASCII words, fingerprints); escaped anyway.
    for (const auto& e : *entries) {
        std::cout << utc_time(e.time_unix) << "  " << terminal_safe(e.kind);
        if (!e.kiosk.empty()) std::cout << "  kiosk " << terminal_safe(e.kiosk);
        if (!e.counts.empty()) std::cout << "  " << terminal_safe(sync::audit_counts_text(e.counts));
        if (!e.detail.empty()) std::cout << "  " << terminal_safe(e.detail);
        std::cout << "\n";
    }
    return exit_ok;
}

int coord_passwd(const Opts& a) {
    if (!std::filesystem::exists(std::filesystem::path(a.dir) / sync::coordinator_key_file))
        return fail(a.dir + ": no coordinator identity here (run 'embassy-sync coord init' first, or give --dir)");
    auto old_pass = read_passphrase(a.passphrase_file, "Current coordinator passphrase: ");
    if (!old_pass) return fail(old_pass.message());
    auto new_pass = read_new_passphrase(a.new_passphrase_file, "New coordinator passphrase: ");
    if (!new_pass) return fail(new_pass.message());
    if (auto s = sync::change_coordinator_passphrase(a.dir, old_pass->view(), new_pass->view(), new_kdf_params()); !s)
        return fail(s.message());
    // Opening with the new passphrase proves it works, and records the change.
    auto c = sync::Coordinator::open(a.dir, new_pass->view(), new_kdf_params());
    if (!c) return fail("passphrase changed, but the registry does not open with it: " + c.message());
    if (auto s = sync::audit_append((*c)->db(), "passwd", static_cast<std::int64_t>(std::time(nullptr)), {}); !s)
        return fail("passphrase changed, but not written to the audit log: " + s.message());
    std::cout << "passphrase changed. The keys were re-wrapped, not changed: an old copy of coordinator.key or\n"
                 "registry.key still opens with the old passphrase, so destroy any backup of the old key files.\n";
    return exit_ok;
}

}  // namespace

void add_audit_commands(Tree& t) {
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "log", "the audit log: imports, enrollments, acks, withdrawals, … (times, counts, fingerprints)",
                              [o] { return coord_log(*o); });
        add_coord_dir(c, o->dir);
        add_passphrase_file(c, o->passphrase_file);
        c.add_option("--since", o->since, "only entries at or after this time (unix seconds)");
        c.add_option("--last", o->last, "only the last N entries (0: all)")->check(non_negative())->type_name("N");
        add_json_flag(c, o->json);
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "passwd", "change the coordinator passphrase (both key files re-wrapped; safe against a kill)",
                              [o] { return coord_passwd(*o); }, "  1  the current passphrase is wrong, or the new one too short\n");
        add_coord_dir(c, o->dir);
        add_passphrase_file(c, o->passphrase_file)->description("file whose first line is the current passphrase (default: ask)");
        add_passphrase_file(c, o->new_passphrase_file, "--new-passphrase-file")
            ->description("file whose first line is the new passphrase (default: ask twice)");
    }
}

}  // namespace embassy::cli
