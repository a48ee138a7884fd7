// embassy-sync coord …: the coordinator's identity and appeal packs.
#include "cli.hpp"
#include "embassy/data_dir.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/sync/coord_db.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/coordinator.hpp"
#include "embassy/sync/demo.hpp"
#include "embassy/sync/pack_compile.hpp"

#include <iostream>

namespace embassy::cli {
namespace {

struct Opts {
    std::string dir, name = "coordinator", passphrase_file, out, in, file;
    bool json = false;
};

int coord_init(const Opts& o) {
    auto pass = read_new_passphrase(o.passphrase_file, "New coordinator passphrase: ");
    if (!pass) return fail(pass.message());
    if (auto s = sync::coordinator_init(o.dir, pass->view(), o.name, new_kdf_params()); !s) return fail(s.message());
    auto id = sync::coordinator_public(o.dir);
    if (!id) return fail(id.message());
    std::cout << "coordinator identity created in " << o.dir << "\nfingerprint: " << id->fingerprint() << "\n";
    return exit_ok;
}

int coord_public_identity(const Opts& o) {
    auto id = sync::coordinator_public(o.dir);
    if (!id) return fail(id.message());
    std::string text = registry::format_public_identity(*id);
    if (auto s = write_file_atomic(o.out, as_bytes(text)); !s) return fail(s.message());
    std::cout << "public identity written to " << o.out << "\nfingerprint: " << id->fingerprint() << "\n";
    return exit_ok;
}

int coord_pack(const Opts& o) {
    auto text = read_file(o.in, 4 * 1024 * 1024);
    if (!text) return fail(text.message());
    auto pack = sync::pack_from_toml(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), o.in);  // NOLINT
    if (!pack) return fail(pack.message());
    // The registry keeps every pack this coordinator signs: the importer accepts only their appeals.
    auto c = open_coordinator(o.dir, o.passphrase_file);
    if (!c) return fail(c.message());
    auto bytes = registry::pack_write(*pack, (*c)->keys().sign_secret);
    if (!bytes) return fail(bytes.message());
    if (auto s = write_file_atomic(o.out, *bytes); !s) return fail(s.message());
    if (auto r = sync::record_pack(**c, *bytes); !r) return fail(o.out + " written, but not recorded in the registry: " + r.message());
    std::cout << "appeal pack '" << terminal_safe(pack->pack_id) << "' (" << plural(static_cast<std::int64_t>(pack->appeals.size()), "appeal", "appeals")
              << ") signed, recorded and written to " << o.out << "\n";
    return exit_ok;
}

// A pack file this coordinator signed before its registry kept packs (or on another copy of the
// registry): verified against the coordinator's own key, then recorded.
int coord_add_pack(const Opts& o) {
    auto bytes = read_file(o.file, 16 * 1024 * 1024);
    if (!bytes) return fail(bytes.message());
    auto c = open_coordinator(o.dir, o.passphrase_file);
    if (!c) return fail(c.message());
    auto pack = sync::record_pack(**c, *bytes);
    if (!pack) return fail("pack not recorded: " + pack.message());
    std::cout << "appeal pack '" << terminal_safe(pack->pack_id) << "' (" << plural(static_cast<std::int64_t>(pack->appeals.size()), "appeal", "appeals")
              << ") recorded\n";
    return exit_ok;
}

// A throwaway coordinator and the demo pack signed by it, for trying the kiosk out.
int coord_demo(const Opts& o) {
    auto data = embassy::data_dir();   // before anything is created: the demo pack's source is in it
    if (!data) return fail(data.message());
    auto pass = read_new_passphrase(o.passphrase_file, "New demo coordinator passphrase: ");
    if (!pass) return fail(pass.message());
    if (auto s = sync::make_demo_coordinator(o.dir, pass->view()); !s) return fail(s.message());
    auto c = sync::Coordinator::open(o.dir, pass->view(), registry::kdf_minimum());
    if (!c) return fail(c.message());
    auto pack = sync::make_demo_pack((*c)->keys(), *data / "demo" / "appeals.toml");
    if (!pack) return fail(pack.message());
    if (auto s = write_file_atomic(o.out, *pack); !s) return fail(s.message());
    if (auto r = sync::record_pack(**c, *pack); !r) return fail(r.message());
    std::cout << "demo coordinator in " << o.dir << " (fingerprint " << (*c)->keys().identity.fingerprint() << "), identity "
              << (std::filesystem::path(o.dir) / sync::coordinator_identity_file).string() << ", demo pack " << o.out << "\n";
    return exit_ok;
}

}  // namespace

void add_coord_commands(Tree& t) {
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "init", "create a coordinator identity (X25519 + Ed25519, secrets under a passphrase)",
                              [o] { return coord_init(*o); });
        add_coord_dir(c, o->dir);
        c.add_option("--name", o->name, "the coordinator's name, as kiosks show it");
        add_passphrase_file(c, o->passphrase_file);
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "public-identity", "write the public identity file that kiosks are initialised with",
                              [o] { return coord_public_identity(*o); });
        add_coord_dir(c, o->dir);
        c.add_option("--out", o->out, "where to write it")->type_name("FILE")->required();
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "pack", "compile and sign an appeal pack (the registry keeps it: only its appeals are imported)",
                              [o] { return coord_pack(*o); });
        add_coord_dir(c, o->dir);
        c.add_option("--in", o->in, "the pack's source (appeals.toml)")->type_name("FILE")->required();
        c.add_option("--out", o->out, "the signed pack to write")->type_name("PACK")->required();
        add_passphrase_file(c, o->passphrase_file);
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "add-pack", "record an appeal pack this coordinator signed earlier (its signature is checked first)",
                              [o] { return coord_add_pack(*o); });
        add_coord_dir(c, o->dir);
        add_passphrase_file(c, o->passphrase_file);
        c.add_option("pack", o->file, "the signed pack file")->type_name("PACK")->required();
    }
    {
        auto o = std::make_shared<Opts>();
        auto& c = add_command(t.coord, "demo", "create a demo coordinator (not for real use) and the demo appeal pack signed by it",
                              [o] { return coord_demo(*o); });
        add_coord_dir(c, o->dir)->required();   // never the default: a demo has no place beside a real registry
        c.add_option("--pack-out", o->out, "where to write the demo pack")->type_name("PACK")->required();
        add_passphrase_file(c, o->passphrase_file);
    }
}

}  // namespace embassy::cli
