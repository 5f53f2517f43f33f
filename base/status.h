// Outcomes of an operation (house style, style.md "Errors"). Three kinds, never mixed and never
// OR-ed together:
//   - guest_error:   the guest, a trace or fuzz input did something illegal. The caller's policy
//                    decides what follows (ignore, failsafe, fail the workload).
//   - unimplemented: a gap in the model. Counted and logged once by the caller.
//   - a broken internal invariant is not a Status: GVT_ASSERT stops the process with context.
// Exceptions are used only for start-up configuration errors (ConfigError).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace gvtsim {

enum class StatusKind : uint8_t { ok, guest_error, unimplemented };

const char* to_string(StatusKind k);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status ok() { return {}; }
  template <typename... Args>
  static Status guest_error(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusKind::guest_error, fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status unimplemented(fmt::format_string<Args...> f, Args&&... args) {
    return Status(StatusKind::unimplemented, fmt::format(f, std::forward<Args>(args)...));
  }

  bool is_ok() const { return m_kind == StatusKind::ok; }
  explicit operator bool() const { return is_ok(); }
  StatusKind kind() const { return m_kind; }
  const std::string& message() const { return m_message; }
  // "guest_error: <message>"
  std::string to_string() const;

 private:
  Status(StatusKind k, std::string msg) : m_kind(k), m_message(std::move(msg)) {}
  StatusKind m_kind = StatusKind::ok;
  std::string m_message;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : m_v(std::move(s)) {       // NOLINT
    if (std::get<Status>(m_v).is_ok()) std::abort();  // a Result error must not be ok
  }
  bool is_ok() const { return std::holds_alternative<T>(m_v); }
  explicit operator bool() const { return is_ok(); }
  const T& value() const& { return std::get<T>(m_v); }
  T& value() & { return std::get<T>(m_v); }
  T&& value() && { return std::get<T>(std::move(m_v)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(m_v);
  }

 private:
  std::variant<T, Status> m_v;
};

// A configuration error found at start-up (bad option, scenario, SKU): the one place exceptions go.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void assert_fail(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace gvtsim

// A broken internal invariant: stops with the expression, the place and a formatted context.
// Returns the Status of `expr` from the enclosing function when it failed.
#define GVT_TRY(expr)   \
  do {                  \
    Status _s = (expr); \
    if (!_s) return _s; \
  } while (0)

#define GVT_ASSERT(cond, ...)                                                              \
  do {                                                                                     \
    if (!(cond)) [[unlikely]]                                                              \
      ::gvtsim::assert_fail(#cond, __FILE__, __LINE__, ::fmt::format("" __VA_ARGS__));     \
  } while (0)
