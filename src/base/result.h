// Result<T>: a value or an Error. GCC 12 has no std::expected; this is the small subset we use.
#pragma once

#include <cassert>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.h"

namespace dk {

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(checked_value()); }
    const T& value() const& { return std::get<0>(checked_value()); }
    T&& value() && { return std::get<0>(std::move(checked_value())); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    [[nodiscard]] const Error& error() const {
        if (ok()) std::abort();  // our bug: asked for the error of a success
        return std::get<1>(state_);
    }

    template <typename U>
    T value_or(U&& fallback) const& {
        return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }

  private:
    std::variant<T, Error>& checked_value() {
        if (!ok()) std::abort();  // our bug: used a failed result's value
        return state_;
    }
    const std::variant<T, Error>& checked_value() const {
        if (!ok()) std::abort();
        return state_;
    }
    std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

    [[nodiscard]] bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const Error& error() const {
        if (!failed_) std::abort();
        return error_;
    }

  private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

}  // namespace dk

// Propagate a failure: DK_TRY(auto x, expr); or DK_TRY_STATUS(expr);
#define DK_CONCAT_INNER(a, b) a##b
#define DK_CONCAT(a, b) DK_CONCAT_INNER(a, b)
#define DK_TRY_IMPL(tmp, decl, expr)   \
    auto tmp = (expr);                 \
    if (!tmp.ok()) return tmp.error(); \
    decl = std::move(tmp).value()
#define DK_TRY(decl, expr) DK_TRY_IMPL(DK_CONCAT(dk_try_, __LINE__), decl, expr)
#define DK_TRY_STATUS(expr)                              \
    do {                                                 \
        auto dk_status_ = (expr);                        \
        if (!dk_status_.ok()) return dk_status_.error(); \
    } while (false)
