// embassy-sync coord …: the coordinator's identity and appeal packs.
#include "cli.hpp"
#include "embassy/data_dir.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/coordinator.hpp"
#include "embassy/sync/demo.hpp"
#include "embassy/sync/pack_compile.hpp"

#include <iostream>

namespace embassy::cli {
namespace {

int coord_init(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "name", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("dir");
    if (!dir) return fail(dir.message());
    auto pass = read_new_passphrase(a, "passphrase-file", "New coordinator passphrase: ");
    if (!pass) return fail(pass.message());
    if (auto s = sync::coordinator_init(*dir, pass->view(), a.get_or("name", "coordinator"), new_kdf_params()); !s)
        return fail(s.message());
    auto id = sync::coordinator_public(*dir);
    if (!id) return fail(id.message());
    std::cout << "coordinator identity created in " << *dir << "\nfingerprint: " << id->fingerprint() << "\n";
    return 0;
}

int coord_public_identity(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "out"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("dir");
    auto out = a.require("out");
    if (!dir) return fail(dir.message());
    if (!out) return fail(out.message());
    auto id = sync::coordinator_public(*dir);
    if (!id) return fail(id.message());
    std::string text = registry::format_public_identity(*id);
    if (auto s = write_file_atomic(*out, as_bytes(text)); !s) return fail(s.message());
    std::cout << "public identity written to " << *out << "\nfingerprint: " << id->fingerprint() << "\n";
    return 0;
}

int coord_pack(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "in", "out", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("dir"), in = a.require("in"), out = a.require("out");
    if (!dir) return fail(dir.message());
    if (!in) return fail(in.message());
    if (!out) return fail(out.message());
    auto text = read_file(*in, 4 * 1024 * 1024);
    if (!text) return fail(text.message());
    auto pack = sync::pack_from_toml(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()), *in);  // NOLINT
    if (!pack) return fail(pack.message());
    auto pass = read_passphrase(a, "passphrase-file", "Coordinator passphrase: ");
    if (!pass) return fail(pass.message());
    // The registry keeps every pack this coordinator signs: the importer accepts only their appeals.
    auto c = sync::Coordinator::open(*dir, pass->view(), new_kdf_params());
    if (!c) return fail(c.message());
    auto bytes = registry::pack_write(*pack, (*c)->keys().sign_secret);
    if (!bytes) return fail(bytes.message());
    if (auto s = write_file_atomic(*out, *bytes); !s) return fail(s.message());
    if (auto r = sync::record_pack(**c, *bytes); !r) return fail(*out + " written, but not recorded in the registry: " + r.message());
    std::cout << "appeal pack '" << terminal_safe(pack->pack_id) << "' (" << pack->appeals.size() << " appeals) signed, recorded and written to "
              << *out << "\n";
    return 0;
}

// A pack file this coordinator signed before its registry kept packs (or on another copy of the
// registry): verified against the coordinator's own key, then recorded.
int coord_add_pack(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    if (a.positional().size() != 1) return fail("usage: coord add-pack --dir DIR PACK");
    const std::string& file = a.positional()[0];
    auto dir = a.require("dir");
    if (!dir) return fail(dir.message());
    auto bytes = read_file(file, 16 * 1024 * 1024);
    if (!bytes) return fail(bytes.message());
    auto pass = read_passphrase(a, "passphrase-file", "Coordinator passphrase: ");
    if (!pass) return fail(pass.message());
    auto c = sync::Coordinator::open(*dir, pass->view(), new_kdf_params());
    if (!c) return fail(c.message());
    auto pack = sync::record_pack(**c, *bytes);
    if (!pack) return fail("pack not recorded: " + pack.message());
    std::cout << "appeal pack '" << pack->pack_id << "' (" << pack->appeals.size() << " appeals) recorded\n";
    return 0;
}

// A throwaway coordinator and the demo pack signed by it, for trying the kiosk out.
int coord_demo(const std::vector<std::string>& argv) {
    Args a(argv, {"dir", "pack-out", "passphrase-file"}, {});
    if (!a.error().empty()) return fail(a.error());
    auto dir = a.require("dir"), pack_out = a.require("pack-out");
    if (!dir) return fail(dir.message());
    if (!pack_out) return fail(pack_out.message());
    auto data = embassy::data_dir();   // before anything is created: the demo pack's source is in it
    if (!data) return fail(data.message());
    auto pass = read_new_passphrase(a, "passphrase-file", "New demo coordinator passphrase: ");
    if (!pass) return fail(pass.message());
    if (auto s = sync::make_demo_coordinator(*dir, pass->view()); !s) return fail(s.message());
    auto c = sync::Coordinator::open(*dir, pass->view(), registry::kdf_minimum());
    if (!c) return fail(c.message());
    auto pack = sync::make_demo_pack((*c)->keys(), *data / "demo" / "appeals.toml");
    if (!pack) return fail(pack.message());
    if (auto s = write_file_atomic(*pack_out, *pack); !s) return fail(s.message());
    if (auto r = sync::record_pack(**c, *pack); !r) return fail(r.message());
    std::cout << "demo coordinator in " << *dir << " (fingerprint " << (*c)->keys().identity.fingerprint() << "), identity "
              << (std::filesystem::path(*dir) / sync::coordinator_identity_file).string() << ", demo pack " << *pack_out << "\n";
    return 0;
}

}  // namespace

void add_coord_commands(std::vector<Command>& out) {
    out.push_back({"coord", "init", "--dir DIR [--name NAME] [--passphrase-file F]",
                   "create a coordinator identity (X25519 + Ed25519, secrets under a passphrase)", coord_init});
    out.push_back({"coord", "public-identity", "--dir DIR --out FILE",
                   "write the public identity file that kiosks are initialised with", coord_public_identity});
    out.push_back({"coord", "pack", "--dir DIR --in appeals.toml --out PACK [--passphrase-file F]",
                   "compile and sign an appeal pack (the registry keeps it: only its appeals are imported)", coord_pack});
    out.push_back({"coord", "add-pack", "--dir DIR [--passphrase-file F] PACK",
                   "record an appeal pack this coordinator signed earlier (its signature is checked first)", coord_add_pack});
    out.push_back({"coord", "demo", "--dir DIR --pack-out PACK [--passphrase-file F]",
                   "create a demo coordinator (not for real use) and the demo appeal pack signed by it", coord_demo});
}

}  // namespace embassy::cli
