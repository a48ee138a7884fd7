// Key file: see docs/key-file.md for the layout. The header (everything before the ciphertext) is
// the additional data of the AEAD, so changing a parameter, the kind or the version breaks the tag.
#include "embassy/registry/keyfile.hpp"

#include "embassy/registry/bytes.hpp"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace embassy::registry {
namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'K', 'E', 'Y', 'F', '\n'};
constexpr std::uint16_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8 + 2 + 2 + 2 + 2 + 8 + 8 + crypto_pwhash_SALTBYTES +
                                    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 4;
constexpr std::size_t kMaxSecret = 256;
constexpr std::uint64_t kMaxOps = 64;                         // refuse files built to stall us
constexpr std::uint64_t kMaxMem = 1ull * 1024 * 1024 * 1024;  // 1 GiB: calibration never raises memory

std::size_t secret_size(KeyFileKind kind) {
    switch (kind) {
        case KeyFileKind::kiosk_database: return 32;
        case KeyFileKind::coordinator_secrets: return crypto_box_SECRETKEYBYTES + crypto_sign_SECRETKEYBYTES;
    }
    return 0;
}

Result<SecretBytes> derive_here(std::string_view passphrase, const std::uint8_t* salt, KdfParams p) {
    SecretBytes key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt, p.opslimit,
                      static_cast<std::size_t>(p.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
        return make_error("key derivation failed: not enough memory for Argon2id (" +
                          std::to_string(p.memlimit >> 20) + " MiB)");
    return key;
}

bool read_exact(int fd, std::uint8_t* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        ssize_t r = ::read(fd, out + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += static_cast<std::size_t>(r);
    }
    return true;
}

// Argon2id needs 256 MiB or more for about a second. It runs in a short-lived child process: the
// memory (which holds passphrase-derived state) goes back to the system when the child exits and
// never counts against the long-running kiosk's footprint. Only the 32-byte result crosses the pipe.
Result<SecretBytes> derive(std::string_view passphrase, const std::uint8_t* salt, KdfParams p) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return derive_here(passphrase, salt, p);
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return derive_here(passphrase, salt, p);
    }
    if (pid == 0) {  // child: derive, write status + key, leave without running any destructor
        ::close(fds[0]);
        std::uint8_t out[1 + crypto_aead_xchacha20poly1305_ietf_KEYBYTES] = {};
        out[0] = crypto_pwhash(out + 1, sizeof out - 1, passphrase.data(), passphrase.size(), salt, p.opslimit,
                               static_cast<std::size_t>(p.memlimit), crypto_pwhash_ALG_ARGON2ID13) == 0 ? 1 : 0;
        std::size_t done = 0;
        while (done < sizeof out) {
            ssize_t w = ::write(fds[1], out + done, sizeof out - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            done += static_cast<std::size_t>(w);
        }
        sodium_memzero(out, sizeof out);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::uint8_t ok = 0;
    SecretBytes key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    bool got = read_exact(fds[0], &ok, 1) && ok == 1 && read_exact(fds[0], key.data(), key.size());
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!got) {
        if (ok == 0 && WIFEXITED(status)) return derive_here(passphrase, salt, p);  // report the real reason
        return make_error("key derivation failed: the helper process ended unexpectedly");
    }
    return key;
}

struct Parsed {
    KeyFileKind kind{};
    KdfParams params{};
    const std::uint8_t* salt = nullptr;
    const std::uint8_t* nonce = nullptr;
    std::span<const std::uint8_t> header;
    std::span<const std::uint8_t> ciphertext;
};

Result<Parsed> parse(const std::string& where, const Bytes& file) {
    if (file.size() < kHeaderSize || std::memcmp(file.data(), kMagic, 8) != 0)
        return make_error(where + ": not a key file");
    const std::uint8_t* p = file.data() + 8;
    if (get_u16(p) != kVersion) return make_error(where + ": unsupported key file version " + std::to_string(get_u16(p)));
    Parsed out;
    out.kind = static_cast<KeyFileKind>(get_u16(p + 2));
    if (get_u16(p + 4) != crypto_pwhash_ALG_ARGON2ID13) return make_error(where + ": unsupported key derivation algorithm");
    out.params.opslimit = get_u64(p + 8);
    out.params.memlimit = get_u64(p + 16);
    KdfParams floor = kdf_minimum();
    if (out.params.opslimit < floor.opslimit || out.params.memlimit < floor.memlimit)
        return make_error(where + ": key derivation parameters below the minimum (libsodium MODERATE); refusing");
    if (out.params.opslimit > kMaxOps || out.params.memlimit > kMaxMem)
        return make_error(where + ": key derivation parameters out of range");
    out.salt = p + 24;
    out.nonce = out.salt + crypto_pwhash_SALTBYTES;
    std::uint32_t ct_len = get_u32(out.nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    if (ct_len > kMaxSecret + crypto_aead_xchacha20poly1305_ietf_ABYTES || file.size() != kHeaderSize + ct_len)
        return make_error(where + ": key file is truncated or has trailing data");
    out.header = std::span<const std::uint8_t>(file.data(), kHeaderSize);
    out.ciphertext = std::span<const std::uint8_t>(file.data() + kHeaderSize, ct_len);
    return out;
}

Result<Bytes> build(KeyFileKind kind, std::string_view passphrase, const SecretBytes& secret, KdfParams params) {
    Bytes file(kMagic, kMagic + 8);
    put_u16(file, kVersion);
    put_u16(file, static_cast<std::uint16_t>(kind));
    put_u16(file, static_cast<std::uint16_t>(crypto_pwhash_ALG_ARGON2ID13));
    put_u16(file, 0);
    put_u64(file, params.opslimit);
    put_u64(file, params.memlimit);
    std::uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    file.insert(file.end(), salt, salt + sizeof salt);
    file.insert(file.end(), nonce, nonce + sizeof nonce);
    put_u32(file, static_cast<std::uint32_t>(secret.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES));
    auto key = derive(passphrase, salt, params);
    if (!key) return key.error();
    std::size_t header = file.size();
    file.resize(header + secret.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(file.data() + header, &clen, secret.data(), secret.size(),
                                               file.data(), header, nullptr, nonce, key->data());
    return file;
}

}  // namespace

KdfParams kdf_minimum() {
    return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

KdfParams calibrate_kdf(double target_seconds) {
    crypto_init();
    KdfParams p = kdf_minimum();
    SecretBytes out(32);
    std::uint8_t salt[crypto_pwhash_SALTBYTES] = {};
    auto t0 = std::chrono::steady_clock::now();
    if (crypto_pwhash(out.data(), out.size(), "calibrate", 9, salt, p.opslimit, static_cast<std::size_t>(p.memlimit),
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return p;
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (took > 0 && took < target_seconds) {
        // Time grows linearly with the number of passes; memory stays at the floor so old laptops cope.
        double ops = std::floor(static_cast<double>(p.opslimit) * target_seconds / took);
        p.opslimit = std::min<std::uint64_t>(kMaxOps, std::max<std::uint64_t>(p.opslimit, static_cast<std::uint64_t>(ops)));
    }
    return p;
}

KdfParams new_kdf_params() {
    double target = 1.0;
    if (const char* env = std::getenv("EMBASSY_KDF_SECONDS")) target = std::atof(env);
    if (target <= 0) return kdf_minimum();
    return calibrate_kdf(target);
}

Status keyfile_create(const std::filesystem::path& path, KeyFileKind kind, std::string_view passphrase,
                      const SecretBytes& secret, KdfParams params) {
    crypto_init();
    KdfParams floor = kdf_minimum();
    if (params.opslimit < floor.opslimit || params.memlimit < floor.memlimit)
        return make_error("key file: parameters below the minimum (libsodium MODERATE)");
    if (secret.size() != secret_size(kind)) return make_error("key file: wrong secret size for its kind");
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return make_error(path.string() + ": already exists; refusing to overwrite");
    auto file = build(kind, passphrase, secret, params);
    if (!file) return file.error();
    return write_file_atomic(path.string(), *file);
}

Result<SecretBytes> keyfile_unlock(const std::filesystem::path& path, KeyFileKind kind, std::string_view passphrase) {
    crypto_init();
    const std::string where = path.string();
    auto file = read_file(where, 4096);
    if (!file) return file.error();
    auto parsed = parse(where, *file);
    if (!parsed) return parsed.error();
    if (parsed->kind != kind) return make_error(where + ": key file is for another purpose");
    if (parsed->ciphertext.size() != secret_size(kind) + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return make_error(where + ": key file has the wrong secret size");
    auto key = derive(passphrase, parsed->salt, parsed->params);
    if (!key) return key.error();
    SecretBytes secret(parsed->ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(secret.data(), &mlen, nullptr, parsed->ciphertext.data(),
                                                   parsed->ciphertext.size(), parsed->header.data(),
                                                   parsed->header.size(), parsed->nonce, key->data()) != 0)
        return make_error("wrong passphrase, or the key file " + where + " is damaged");
    return secret;
}

Status keyfile_rewrap(const std::filesystem::path& path, KeyFileKind kind, std::string_view old_passphrase,
                      std::string_view new_passphrase, KdfParams params) {
    auto secret = keyfile_unlock(path, kind, old_passphrase);
    if (!secret) return secret.error();
    KdfParams floor = kdf_minimum();
    if (params.opslimit < floor.opslimit || params.memlimit < floor.memlimit)
        return make_error("key file: parameters below the minimum (libsodium MODERATE)");
    auto file = build(kind, new_passphrase, *secret, params);
    if (!file) return file.error();
    return write_file_atomic(path.string(), *file);  // old file stays intact until the rename
}

Result<KdfParams> keyfile_params(const std::filesystem::path& path) {
    auto file = read_file(path.string(), 4096);
    if (!file) return file.error();
    auto parsed = parse(path.string(), *file);
    if (!parsed) return parsed.error();
    return parsed->params;
}

}  // namespace embassy::registry
