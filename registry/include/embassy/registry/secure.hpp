// Secret memory and process hardening.
//
// SecretBytes owns a buffer from sodium_malloc (guard pages, mlock'd, canary) that is wiped by
// sodium_free when it goes away or when wipe() is called. Keys and passphrases live only there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace embassy::registry {

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size);               // zero-filled
    SecretBytes(const void* data, std::size_t size);
    static SecretBytes from_string(std::string_view s) { return SecretBytes(s.data(), s.size()); }
    ~SecretBytes();
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;

    std::uint8_t* data() { return data_; }
    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::span<const std::uint8_t> span() const { return {data_, size_}; }
    std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }  // NOLINT
    void wipe();                                          // zero and free now

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// Initialise libsodium (idempotent; aborts if it cannot).
void crypto_init();

// Disable core dumps and ptrace attach by other users' processes: PR_SET_DUMPABLE=0, RLIMIT_CORE=0,
// umask 077. Every executable calls this first thing in main().
void harden_process();

}  // namespace embassy::registry
