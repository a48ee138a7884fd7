#include "embassy/registry/secure.hpp"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace embassy::registry {

void crypto_init() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) std::abort();  // no randomness, no crypto: nothing sensible can continue
}

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
    crypto_init();
    if (size == 0) return;
    data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
    if (data_ == nullptr) throw std::bad_alloc();  // locked memory exhausted: a programmer/ops error
    sodium_memzero(data_, size);
}

SecretBytes::SecretBytes(const void* data, std::size_t size) : SecretBytes(size) {
    if (size != 0) std::memcpy(data_, data, size);
}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = other.data_;
        size_ = other.size_;
        other.data_ = nullptr;
        other.size_ = 0;
    }
    return *this;
}

void SecretBytes::wipe() {
    if (data_ != nullptr) sodium_free(data_);  // sodium_free zeroes before unmapping
    data_ = nullptr;
    size_ = 0;
}

void harden_process() {
    crypto_init();
    umask(077);
    struct rlimit none{0, 0};
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace embassy::registry
