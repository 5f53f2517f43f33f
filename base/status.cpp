#include "base/status.h"

namespace gvtsim {

const char* to_string(StatusKind k) {
  switch (k) {
    case StatusKind::ok: return "ok";
    case StatusKind::guest_error: return "guest_error";
    case StatusKind::unimplemented: return "unimplemented";
  }
  return "?";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return fmt::format("{}: {}", gvtsim::to_string(m_kind), m_message);
}

void assert_fail(const char* expr, const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "gvtsim: internal invariant broken: %s at %s:%d%s%s\n", expr, file, line,
               msg.empty() ? "" : ": ", msg.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace gvtsim
