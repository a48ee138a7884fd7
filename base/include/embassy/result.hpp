// Result<T>: the value of an operation that can fail in an expected way (wrong passphrase, bad
// file, full disk). The error is a one-line message that says what failed and where, and never
// contains personal data. Programmer errors are asserts, not Results.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace embassy {

struct Error {
    std::string message;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(v_); }
    const std::string& message() const { return error().message; }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { assert(failed_); return error_; }
    const std::string& message() const { return error().message; }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

// Propagate an error from an expression returning Result<...>.
#define EMBASSY_TRY(expr)                                   \
    do {                                                    \
        auto embassy_try_r_ = (expr);                       \
        if (!embassy_try_r_.ok()) return embassy_try_r_.error(); \
    } while (0)

}  // namespace embassy
