// The coordinator's secret identity directory (coordinator.hpp).
#include "embassy/sync/coordinator.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cstring>
#include <system_error>

namespace embassy::sync {

namespace fs = std::filesystem;
using registry::SecretBytes;

namespace {

constexpr std::size_t box_secret_size = crypto_box_SECRETKEYBYTES;    // 32
constexpr std::size_t sign_secret_size = crypto_sign_SECRETKEYBYTES;  // 64

}  // namespace

Status coordinator_init(const fs::path& dir, std::string_view passphrase, std::string_view name,
                        registry::KdfParams params) {
    registry::crypto_init();
    static_assert(crypto_box_PUBLICKEYBYTES == 32 && crypto_sign_PUBLICKEYBYTES == 32);
    const fs::path key_path = dir / coordinator_key_file;
    const fs::path pub_path = dir / coordinator_identity_file;

    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        if (!fs::create_directories(dir, ec) || ec)
            return make_error("coordinator init: cannot create directory " + dir.string() + ": " + ec.message());
        ::chmod(dir.c_str(), 0700);  // the directory holds the secret key file; nobody else lists it
    } else if (!fs::is_directory(dir, ec)) {
        return make_error("coordinator init: " + dir.string() + " is not a directory");
    }
    if (fs::exists(key_path, ec) || fs::exists(pub_path, ec))
        return make_error("coordinator init: " + dir.string() +
                          " already holds a coordinator identity; refusing to overwrite it");
    if (passphrase.empty()) return make_error("coordinator init: the passphrase is empty");

    // Keys are generated straight into guarded memory; the secret blob is box || sign.
    registry::PublicIdentity id;
    id.name = std::string(name);
    SecretBytes secrets(box_secret_size + sign_secret_size);
    crypto_box_keypair(id.box_key.data(), secrets.data());
    crypto_sign_keypair(id.sign_key.data(), secrets.data() + box_secret_size);

    // Validate the name by the same rules a kiosk applies when it reads the file.
    const std::string pub_text = format_public_identity(id);
    if (auto check = registry::parse_public_identity(pub_text); !check)
        return make_error("coordinator init: unusable name (" + check.message() + ")");

    if (auto st = registry::keyfile_create(key_path, registry::KeyFileKind::coordinator_secrets, passphrase, secrets,
                                           params);
        !st)
        return make_error("coordinator init: " + st.message());
    if (auto st = write_file_atomic(pub_path.string(), as_bytes(pub_text)); !st) {
        fs::remove(key_path, ec);  // leave nothing half-made behind
        return make_error("coordinator init: " + st.message());
    }
    return {};
}

Result<registry::PublicIdentity> coordinator_public(const fs::path& dir) {
    const fs::path pub_path = dir / coordinator_identity_file;
    auto bytes = read_file(pub_path.string(), 4096);
    if (!bytes) return make_error("coordinator identity: " + bytes.message());   // read_file's message names the path
    const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());  // NOLINT
    auto id = registry::parse_public_identity(text);
    if (!id) return make_error("coordinator: " + pub_path.string() + ": " + id.message());
    return id;
}

Result<CoordinatorKeys> coordinator_unlock(const fs::path& dir, std::string_view passphrase) {
    registry::crypto_init();
    auto id = coordinator_public(dir);
    if (!id) return id.error();
    auto secrets = registry::keyfile_unlock(dir / coordinator_key_file, registry::KeyFileKind::coordinator_secrets,
                                            passphrase);
    if (!secrets) return make_error("coordinator unlock: " + secrets.message());
    if (secrets->size() != box_secret_size + sign_secret_size)
        return make_error("coordinator unlock: coordinator.key holds " + std::to_string(secrets->size()) +
                          " secret bytes, expected 96");

    CoordinatorKeys keys;
    keys.identity = std::move(id).value();
    keys.box_secret = SecretBytes(secrets->data(), box_secret_size);
    keys.sign_secret = SecretBytes(secrets->data() + box_secret_size, sign_secret_size);
    secrets->wipe();

    // The secrets must belong to identity.pub: recompute both public keys from the secret halves.
    BoxPublicKey box_pk{};
    if (crypto_scalarmult_base(box_pk.data(), keys.box_secret.data()) != 0 ||
        sodium_memcmp(box_pk.data(), keys.identity.box_key.data(), box_pk.size()) != 0)
        return make_error("coordinator unlock: identity.pub does not match coordinator.key (box key differs)");
    SignPublicKey sign_pk{};
    SecretBytes regenerated(sign_secret_size);
    crypto_sign_seed_keypair(sign_pk.data(), regenerated.data(), keys.sign_secret.data());  // seed = first 32
    if (sodium_memcmp(sign_pk.data(), keys.identity.sign_key.data(), sign_pk.size()) != 0 ||
        sodium_memcmp(regenerated.data(), keys.sign_secret.data(), sign_secret_size) != 0)
        return make_error("coordinator unlock: identity.pub does not match coordinator.key (sign key differs)");
    return keys;
}

}  // namespace embassy::sync
