#include "embassy/registry/bytes.hpp"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace embassy {

Hash hash_of(std::string_view domain, std::initializer_list<std::span<const std::uint8_t>> parts) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 32);
    std::uint8_t len[8];
    auto put_len = [&](std::uint64_t n) {
        for (int i = 0; i < 8; ++i) len[i] = static_cast<std::uint8_t>(n >> (8 * i));
        crypto_generichash_update(&st, len, 8);
    };
    put_len(domain.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());  // NOLINT
    for (auto p : parts) {
        put_len(p.size());  // length-prefix every part: ("ab","c") and ("a","bc") differ
        crypto_generichash_update(&st, p.data(), p.size());
    }
    Hash h{};
    crypto_generichash_final(&st, h.data(), h.size());
    return h;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 15]);
    }
    return s;
}

Result<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return make_error("hex string has odd length");
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return make_error("not a hex digit");
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return out;
}

std::string fingerprint_compact(std::span<const std::uint8_t> public_key) {
    Hash h = hash_of("embassy-fingerprint-v1", {public_key});
    std::string hex = to_hex(std::span<const std::uint8_t>(h.data(), 10));
    for (auto& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return hex;
}

std::string fingerprint(std::span<const std::uint8_t> public_key) {
    std::string compact = fingerprint_compact(public_key), out;
    for (std::size_t i = 0; i < compact.size(); ++i) {
        if (i != 0 && i % 4 == 0) out.push_back(' ');
        out.push_back(compact[i]);
    }
    return out;
}

void put_u16(Bytes& out, std::uint16_t v) {
    for (int i = 0; i < 2; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u32(Bytes& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u64(Bytes& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint16_t get_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t get_u32(const std::uint8_t* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
std::uint64_t get_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

Result<Bytes> read_file(const std::string& path, std::size_t max_size) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(path + ": " + std::strerror(errno));
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(path + ": not a regular file");
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_size) {
        ::close(fd);
        return make_error(path + ": file too large (" + std::to_string(st.st_size) + " bytes, limit " +
                          std::to_string(max_size) + ")");
    }
    Bytes data(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < data.size()) {
        ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return make_error(path + ": read failed");
        }
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return data;
}

namespace {

// Temp file in the same directory (a fresh name, created exclusively, 0600: two writers never
// share or truncate one), filled by `fill`, fsync, rename, fsync the directory.
template <class Fill>
Status replace_file_atomic(const std::string& path, Fill&& fill) {
    std::filesystem::path p(path);
    std::uint8_t rnd[6];
    randombytes_buf(rnd, sizeof rnd);
    std::string tmp = path + "." + to_hex(rnd) + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return make_error(tmp + ": cannot create: " + std::strerror(errno));
    auto fail = [&](const std::string& what) {
        int e = errno;
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        return make_error(what + ": " + std::strerror(e));
    };
    if (auto s = fill(fd); !s) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        return make_error(tmp + ": " + s.message());
    }
    if (::fsync(fd) != 0) return fail(tmp + ": fsync failed");
    ::close(fd);
    fd = -1;
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(path + ": rename failed");
    std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return make_error(dir + ": cannot open directory to make the rename durable");
    int rc = ::fsync(dfd);
    ::close(dfd);
    if (rc != 0) return make_error(dir + ": directory fsync failed: " + std::strerror(errno));
    return {};
}

Status write_all_fd(int fd, const std::uint8_t* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(std::string("write failed: ") + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Status write_file_atomic(const std::string& path, std::span<const std::uint8_t> data) {
    return replace_file_atomic(path, [&](int fd) { return write_all_fd(fd, data.data(), data.size()); });
}

Status copy_file_atomic(const std::string& from, const std::string& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return make_error("cannot open the file to copy: " + std::string(std::strerror(errno)));
    Status s = replace_file_atomic(to, [&](int fd) -> Status {
        std::uint8_t buf[1 << 16];
        while (true) {
            const ssize_t n = ::read(in, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return make_error(std::string("read failed: ") + std::strerror(errno));
            if (n == 0) return {};
            if (auto w = write_all_fd(fd, buf, static_cast<std::size_t>(n)); !w) return w;
        }
    });
    ::close(in);
    return s;
}

}  // namespace embassy
