// Demo coordinator and demo pack (demo.hpp).
#include "embassy/sync/demo.hpp"

#include "embassy/registry/pack.hpp"
#include "embassy/sync/coord_packs.hpp"
#include "embassy/sync/pack_compile.hpp"

namespace embassy::sync {

Status make_demo_coordinator(const std::filesystem::path& dir, std::string_view passphrase) {
    return coordinator_init(dir, passphrase, demo_coordinator_name, registry::kdf_minimum());
}

Result<Bytes> make_demo_pack(const CoordinatorKeys& keys, const std::filesystem::path& toml_path) {
    auto text = read_file(toml_path.string(), 4 * 1024 * 1024);
    if (!text) return make_error("demo pack: " + text.message());   // read_file's message names the path
    const std::string_view sv(reinterpret_cast<const char*>(text->data()), text->size());  // NOLINT
    auto pack = pack_from_toml(sv, toml_path.filename().string());
    if (!pack) return pack.error();
    return registry::pack_write(*pack, keys.sign_secret);
}

Status record_demo_pack(const std::filesystem::path& dir, std::string_view passphrase, std::span<const std::uint8_t> pack_file) {
    auto c = Coordinator::open(dir, passphrase, registry::kdf_minimum());
    if (!c) return c.error();
    auto r = record_pack(**c, pack_file);
    if (!r) return r.error();
    return {};
}

}  // namespace embassy::sync
