#include "embassy/registry/bytes.hpp"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

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

// [SECTION] AtomicFile

AtomicFile::AtomicFile(std::string path, std::string temp, int fd)
    : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)), temp_(std::move(other.temp_)), fd_(std::exchange(other.fd_, -1)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
    if (this != &other) {
        abort();
        path_ = std::move(other.path_);
        temp_ = std::move(other.temp_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

AtomicFile::~AtomicFile() { abort(); }

Result<AtomicFile> AtomicFile::create(const std::string& path, unsigned mode) {
    // 48 random bits: a clash with a live writer is not expected, but a name that exists (a
    // planted or leftover file) is skipped, never opened.
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::uint8_t rnd[6];
        randombytes_buf(rnd, sizeof rnd);
        std::string temp = path + "." + to_hex(rnd) + ".tmp";
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
        if (fd >= 0) return AtomicFile(path, std::move(temp), fd);
        if (errno != EEXIST) return make_error(path + ": cannot create a temp file beside it: " + std::strerror(errno));
    }
    return make_error(path + ": cannot create a temp file beside it: every name tried exists");
}

Error AtomicFile::fail(const std::string& what, int err) {
    abort();
    return make_error(path_ + ": " + what + ": " + std::strerror(err));
}

void AtomicFile::abort() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_.c_str());
}

Status AtomicFile::write(std::span<const std::uint8_t> data) {
    if (fd_ < 0) return make_error(path_ + ": write after the file was closed");
    while (!data.empty()) {
        const ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("write failed", errno);
        if (n == 0) return fail("write failed", EIO);   // no progress and no reason: do not spin
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return {};
}

Status AtomicFile::commit() {
    if (fd_ < 0) return make_error(path_ + ": commit after the file was closed");
    if (::fsync(fd_) != 0) return fail("fsync failed", errno);
    // close() can report a deferred write error (NFS, some FUSE file systems): checked, not ignored.
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) {
        const int e = errno;
        ::unlink(temp_.c_str());
        return make_error(path_ + ": close failed: " + std::strerror(e));
    }
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
        const int e = errno;
        ::unlink(temp_.c_str());
        return make_error(path_ + ": rename failed: " + std::strerror(e));
    }
    const std::filesystem::path p(path_);
    const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return make_error(path_ + ": written, but its directory cannot be opened to make the rename durable: " + std::strerror(errno));
    const int rc = ::fsync(dfd);
    const int e = errno;
    ::close(dfd);
    if (rc != 0) return make_error(path_ + ": written, but the directory fsync failed: " + std::strerror(e));
    return {};
}

Status write_file_atomic(const std::string& path, std::span<const std::uint8_t> data) {
    auto f = AtomicFile::create(path);
    if (!f) return f.error();
    EMBASSY_TRY(f->write(data));
    return f->commit();
}

Status copy_file_atomic(const std::string& from, const std::string& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return make_error("cannot open the file to copy: " + std::string(std::strerror(errno)));
    Status s = copy_file_atomic(in, to);
    ::close(in);
    return s;
}

Status copy_file_atomic(int in, const std::string& to) {
    auto copy = [&]() -> Status {
        auto f = AtomicFile::create(to);
        if (!f) return f.error();
        std::uint8_t buf[1 << 16];
        while (true) {
            const ssize_t n = ::read(in, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return make_error(to + ": reading the source failed: " + std::strerror(errno));
            if (n == 0) return f->commit();
            EMBASSY_TRY(f->write({buf, static_cast<std::size_t>(n)}));
        }
    };
    return copy();
}

}  // namespace embassy
