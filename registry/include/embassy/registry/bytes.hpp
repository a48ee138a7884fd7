// Byte helpers shared by every module: hashes, hex, fingerprints, little-endian fields.
#pragma once

#include "embassy/result.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embassy {

using Bytes = std::vector<std::uint8_t>;
using Hash = std::array<std::uint8_t, 32>;        // BLAKE2b-256 (crypto_generichash)
using SignPublicKey = std::array<std::uint8_t, 32>;  // Ed25519
using BoxPublicKey = std::array<std::uint8_t, 32>;   // X25519

// BLAKE2b-256 of the concatenation of the parts, with a domain-separation label hashed first
// (length-prefixed) so hashes of different kinds of object can never collide.
Hash hash_of(std::string_view domain, std::initializer_list<std::span<const std::uint8_t>> parts);
inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};  // NOLINT
}

std::string to_hex(std::span<const std::uint8_t> bytes);          // lowercase
Result<Bytes> from_hex(std::string_view hex);
template <std::size_t N>
Result<std::array<std::uint8_t, N>> from_hex_fixed(std::string_view hex) {
    auto b = from_hex(hex);
    if (!b) return b.error();
    if (b->size() != N) return make_error("expected " + std::to_string(N) + " bytes of hex");
    std::array<std::uint8_t, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = (*b)[i];
    return out;
}

// Printable fingerprint of a public key: 20 uppercase hex digits of BLAKE2b(key) in groups of four,
// "3F2A 9C01 77D4 0B1E 5A60": short enough to compare by eye, long enough not to collide by chance.
std::string fingerprint(std::span<const std::uint8_t> public_key);
// The same without spaces, for file names and command-line arguments.
std::string fingerprint_compact(std::span<const std::uint8_t> public_key);

// Little-endian fixed-width encoding.
void put_u16(Bytes& out, std::uint16_t v);
void put_u32(Bytes& out, std::uint32_t v);
void put_u64(Bytes& out, std::uint64_t v);
std::uint16_t get_u16(const std::uint8_t* p);
std::uint32_t get_u32(const std::uint8_t* p);
std::uint64_t get_u64(const std::uint8_t* p);

// The one bounded reader of little-endian fields in bytes that came from outside (batch records,
// manifests, acknowledgements, receipts files). Every read first compares its size with what is
// left; the first one that does not fit marks the reader failed, and from then on every read
// returns zeros (or an empty span) and moves nothing, so a parser reads its fields in order and
// checks ok() once. Nothing is allocated here: a caller compares a declared length with its limit
// and with remaining() before it allocates.
class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> bytes, std::size_t offset = 0)
        : b_(bytes), pos_(offset), ok_(offset <= bytes.size()) {
        if (!ok_) pos_ = b_.size();
    }
    bool ok() const { return ok_; }
    std::size_t pos() const { return pos_; }
    std::size_t remaining() const { return b_.size() - pos_; }
    bool at_end() const { return pos_ == b_.size(); }

    // The next n bytes (empty, and the reader failed, if fewer are left).
    std::span<const std::uint8_t> bytes(std::size_t n) {
        if (!ok_ || remaining() < n) {
            ok_ = false;
            return {};
        }
        pos_ += n;
        return b_.subspan(pos_ - n, n);
    }
    std::uint8_t u8() { const auto s = bytes(1); return s.empty() ? 0 : s[0]; }
    std::uint16_t u16() { const auto s = bytes(2); return s.empty() ? 0 : get_u16(s.data()); }
    std::uint32_t u32() { const auto s = bytes(4); return s.empty() ? 0 : get_u32(s.data()); }
    std::uint64_t u64() { const auto s = bytes(8); return s.empty() ? 0 : get_u64(s.data()); }
    template <std::size_t N>
    std::array<std::uint8_t, N> array() {
        std::array<std::uint8_t, N> out{};
        const auto s = bytes(N);
        for (std::size_t i = 0; i < s.size(); ++i) out[i] = s[i];
        return out;
    }

private:
    std::span<const std::uint8_t> b_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

// Read a whole (small) file.
Result<Bytes> read_file(const std::string& path, std::size_t max_size);

// The one way this project replaces a file: written as a stream into a temp file beside the target
// and put in its place only when complete, so a reader (or the next start after a crash or a full
// disk) sees the old file or the new one, never a part.
//  - create(): a fresh temp name in the target's directory, "<target>.<12 hex digits>.tmp", opened
//    O_EXCL | O_CLOEXEC with the caller's mode (less the umask): two writers of one target never
//    share, truncate or rename each other's temp file, and a name planted there in advance is
//    never followed or reused.
//  - write(): appends; nothing is buffered here (the caller picks the chunk size, and no copy of
//    the content is kept).
//  - commit(): fsync the file, rename it over the target, fsync the directory (the rename itself is
//    then durable).
//  - Any failure, abort() or destruction before commit() removes the temp file; the target is left
//    as it was. After a failed write() the file is closed, and write() and commit() fail.
// Messages name the target's path as the caller gave it and the system's reason, never content.
class AtomicFile {
public:
    static Result<AtomicFile> create(const std::string& path, unsigned mode = 0600);
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&& other) noexcept;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    Status write(std::span<const std::uint8_t> data);
    Status write(std::string_view text) { return write(as_bytes(text)); }
    Status commit();
    void abort();                                   // remove the temp file; idempotent
    bool is_open() const { return fd_ >= 0; }       // false once committed, aborted or failed
    const std::string& path() const { return path_; }
    const std::string& temp_path() const { return temp_; }

private:
    AtomicFile(std::string path, std::string temp, int fd);
    Error fail(const std::string& what, int err);   // abort(), then "<path>: <what>: <reason>"
    std::string path_, temp_;
    int fd_ = -1;
};

// A whole buffer through one AtomicFile (mode 0600).
Status write_file_atomic(const std::string& path, std::span<const std::uint8_t> data);
// A copy of a file of any size, streamed through one AtomicFile (0600 whatever the source's mode).
Status copy_file_atomic(const std::string& from, const std::string& to);
// The same from a descriptor open for reading (read from where it is to its end; not closed), for a
// file whose type the caller checked on that descriptor (sync's open_regular_file).
Status copy_file_atomic(int from_fd, const std::string& to);

}  // namespace embassy
