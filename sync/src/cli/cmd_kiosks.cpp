// embassy-sync coord kiosks, coord kiosk rename|revoke (kiosks.hpp), and kiosk public-key (the
// kiosk's public identity file, for enrollment before its first batch). Output names kiosks by
// fingerprint and name, never a person.
#include "cli.hpp"

#include "embassy/registry/bytes.hpp"
#include "embassy/registry/store.hpp"
#include "embassy/sync/audit.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/kiosks.hpp"

#include <ctime>
#include <iostream>

namespace embassy::cli {
using sync::KioskRow;
using sync::KioskState;

namespace {

struct Opts {
    std::string dir, passphrase_file, data_dir, out, fingerprint, name, reason;
    bool json = false;
};

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// "2026-12-01 10:00 UTC"; "-" for 0 (never).
std::string when(std::int64_t unix_seconds) {
    if (unix_seconds == 0) return "-";
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    char buf[32] = "?";
    if (gmtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

Json time_json(std::int64_t unix_seconds) { return unix_seconds == 0 ? Json(nullptr) : Json(unix_seconds); }

// [SECTION] coord kiosks

int coord_kiosks(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto rows = sync::list_kiosks(**c);
    if (!rows) return fail(rows.message());
    if (a.json) {
        Json j;
        j["kiosks"] = Json::array();
        for (const auto& k : *rows) {
            Json e;
            e["state"] = sync::kiosk_state_name(k.state);
            e["fingerprint"] = k.fingerprint;
            put_text(e, "name", k.name);
            e["batches"] = k.batches;
            e["last_seq"] = k.last_seq;
            e["held_batches"] = k.held_batches;
            e["enrolled_at"] = time_json(k.enrolled_at);
            e["first_seen"] = time_json(k.first_seen);
            e["last_seen"] = time_json(k.last_seen);
            e["revoked_at"] = time_json(k.revoked_at);
            put_text(e, "revoked_reason", k.revoked_reason);
            j["kiosks"].push_back(std::move(e));
        }
        print_json(j);
        return exit_ok;
    }
    auto section = [&](KioskState state, const char* title) {
        std::int64_t n = 0;
        for (const auto& k : *rows) n += k.state == state ? 1 : 0;
        std::cout << title << (n == 0 ? ": none\n" : ":\n");
        for (const auto& k : *rows) {
            if (k.state != state) continue;
            std::cout << "  " << k.fingerprint;
            if (!k.name.empty()) std::cout << "  " << terminal_safe(k.name);
            if (state == KioskState::held) {
                std::cout << "  " << plural(k.held_batches, "batch", "batches") << " held, first seen " << when(k.first_seen)
                          << ", last seen " << when(k.last_seen) << "\n";
                continue;
            }
            std::cout << "  " << plural(k.batches, "batch", "batches") << " imported (last " << k.last_seq << "), first seen "
                      << when(k.first_seen) << ", last seen " << when(k.last_seen) << "\n";
            if (state == KioskState::revoked)
                std::cout << "    revoked " << when(k.revoked_at)
                          << (k.revoked_reason.empty() ? std::string() : ": " + terminal_safe(k.revoked_reason)) << "; "
                          << plural(k.held_batches, "later batch", "later batches") << " held, not counted\n";
        }
    };
    section(KioskState::enrolled, "enrolled");
    section(KioskState::held, "held (batches of kiosks not enrolled; enroll with: coord enroll --kiosk-key FINGERPRINT)");
    section(KioskState::revoked, "revoked");
    return exit_ok;
}

// [SECTION] coord kiosk rename, revoke

int coord_kiosk_rename(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    auto before = (*c)->kiosk_by_fingerprint(a.fingerprint);
    if (!before) return fail("kiosk rename: no enrolled kiosk " + sync::normalize_fingerprint(a.fingerprint) + " (coord kiosks lists them)",
                             sync::normalize_fingerprint(a.fingerprint).empty() ? exit_usage : exit_not_found);
    auto k = sync::rename_kiosk(**c, a.fingerprint, a.name);
    if (!k) return fail(k.message());
    if (a.json) {
        Json j;
        j["fingerprint"] = k->fingerprint;
        put_text(j, "name", k->name);
        put_text(j, "previous_name", before->name);
        print_json(j);
    } else {
        std::cout << "kiosk " << k->fingerprint << " renamed: " << terminal_safe(before->name) << " → " << terminal_safe(k->name) << "\n";
    }
    // The audit log keeps fingerprints and counts only (audit.hpp): the names are in the registry.
    if (auto s = sync::audit_append((*c)->db(), "rename", now(), {}, k->fingerprint); !s)
        return fail("done, but not written to the audit log: " + s.message());
    return exit_ok;
}

int coord_kiosk_revoke(const Opts& a) {
    auto c = open_coordinator(a.dir, a.passphrase_file);
    if (!c) return fail(c.message());
    const std::string fp = sync::normalize_fingerprint(a.fingerprint);
    auto before = (*c)->kiosk_by_fingerprint(a.fingerprint);
    if (!before) return fail("kiosk revoke: no enrolled kiosk " + fp + " (coord kiosks lists them)", fp.empty() ? exit_usage : exit_not_found);
    if (before->revoked_at != 0) {
        std::cout << "kiosk " << before->fingerprint << " was already revoked " << when(before->revoked_at) << "; nothing changed\n";
        return exit_already;
    }
    auto k = sync::revoke_kiosk(**c, a.fingerprint, a.reason, now());
    if (!k) return fail(k.message());
    if (a.json) {
        Json j;
        j["fingerprint"] = k->fingerprint;
        put_text(j, "name", k->name);
        j["revoked_at"] = k->revoked_at;
        put_text(j, "reason", k->revoked_reason);
        j["batches_counted"] = k->last_seq;
        print_json(j);
    } else {
        std::cout << "kiosk " << k->fingerprint << " (" << terminal_safe(k->name) << ") revoked.\n"
                  << "Its " << plural(static_cast<std::int64_t>(k->last_seq), "batch", "batches")
                  << " imported so far stay counted (withdraw a signature with: coord withdraw CODE).\n"
                  << "Every later batch of it will be held, not imported and not counted; imports report each one.\n";
    }
    if (auto s = sync::audit_append((*c)->db(), "revoke", now(), {{"batches_counted", static_cast<std::int64_t>(k->last_seq)}},
                                    k->fingerprint);
        !s)
        return fail("done, but not written to the audit log: " + s.message());
    return exit_ok;
}

// [SECTION] kiosk public-key

int kiosk_public_key(const Opts& a) {
    if (!registry::KioskStore::exists(a.data_dir)) return fail(a.data_dir + ": no kiosk here (run 'embassy-sync kiosk init' first)");
    auto pass = read_passphrase(a.passphrase_file, "Kiosk passphrase: ");
    if (!pass) return fail(pass.message());
    auto store = registry::KioskStore::open(a.data_dir, pass->view());
    if (!store) return fail(store.message());
    const registry::KioskInfo info = (*store)->info();
    // The format `coord enroll --kiosk-key FILE` reads (sync::parse_kiosk_key): 64 hex digits.
    if (auto s = write_file_atomic(a.out, as_bytes(to_hex(info.public_key) + "\n")); !s) return fail(s.message());
    if (a.json) {
        Json j;
        j["fingerprint"] = info.fingerprint;
        j["public_key"] = to_hex(info.public_key);
        put_text(j, "out", a.out);
        print_json(j);
        return exit_ok;
    }
    std::cout << "kiosk public key written to " << terminal_safe(a.out) << "\n"
              << "kiosk fingerprint: " << info.fingerprint << "\n"
              << "The coordinator enrolls it with: embassy-sync coord enroll --kiosk-key FILE --name NAME\n"
              << "(compare the fingerprint it prints with the one on the kiosk's volunteer screen)\n";
    return exit_ok;
}

}  // namespace

void add_kiosks_commands(Tree& t) {
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "kiosks", "list enrolled, held (batches before enrollment) and revoked kiosks",
                              [o] { return coord_kiosks(*o); });
        add_coord_dir(c, o->dir);
        add_passphrase_file(c, o->passphrase_file);
        add_json_flag(c, o->json);
    }
    CLI::App* kiosk = t.coord.add_subcommand("kiosk", "rename or revoke an enrolled kiosk");
    kiosk->footer(t.coord.get_footer());
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(*kiosk, "rename", "give an enrolled kiosk another name (shown in reports)",
                              [o] { return coord_kiosk_rename(*o); }, "  3  no enrolled kiosk has this fingerprint\n");
        add_coord_dir(c, o->dir);
        add_passphrase_file(c, o->passphrase_file);
        add_json_flag(c, o->json);
        c.add_option("fingerprint", o->fingerprint, "the kiosk's fingerprint (any spacing or case)")->type_name("FP")->required();
        c.add_option("name", o->name, "its new name (printable, at most 200 bytes)")->type_name("NAME")->required();
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(*kiosk, "revoke",
                              "stop using a kiosk (after a fork alarm, a lost laptop): its later batches are held, not "
                              "counted; what it sent before stays counted",
                              [o] { return coord_kiosk_revoke(*o); },
                              "  3  no enrolled kiosk has this fingerprint\n  4  it was already revoked (nothing changed)\n");
        add_coord_dir(c, o->dir);
        add_passphrase_file(c, o->passphrase_file);
        add_json_flag(c, o->json);
        c.add_option("fingerprint", o->fingerprint, "the kiosk's fingerprint (any spacing or case)")->type_name("FP")->required();
        c.add_option("--reason", o->reason, "why, shown in reports and imports (printable, at most 200 bytes)")->type_name("TEXT");
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.kiosk, "public-key",
                              "write the kiosk's public key file for the coordinator (enrollment before the first batch)",
                              [o] { return kiosk_public_key(*o); });
        add_kiosk_dir(c, o->data_dir);
        add_passphrase_file(c, o->passphrase_file);
        add_json_flag(c, o->json);
        c.add_option("--out", o->out, "the file to write (64 hex digits)")->type_name("FILE")->required();
    }
}

}  // namespace embassy::cli
