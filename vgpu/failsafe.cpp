#include "vgpu/failsafe.h"

#include "base/log.h"

namespace gvtsim::vgpu {

const char* to_string(FailsafeReason r) {
  switch (r) {
    case FailsafeReason::unsupported_guest: return "unsupported_guest";
    case FailsafeReason::insufficient_resource: return "insufficient_resource";
    case FailsafeReason::guest_err: return "guest_err";
  }
  return "?";
}

std::optional<FailsafeReason> Failsafe::reason() const {
  if (!m_active || m_history.empty()) return std::nullopt;
  return m_history.front().reason;
}

void Failsafe::enter(uint16_t vgpu_id, FailsafeReason reason, Time now, std::string why) {
  // The kernel prints one line per entry (pr_err); a guest can repeat the cause at will, so only the
  // first entry since the last reset is a warning and later ones are debug lines.
  if (!m_active)
    log::warn(log::Channel::vgpu, "vgpu{}: enters failsafe mode ({}): {}", vgpu_id, to_string(reason), why);
  else
    log::debug(log::Channel::vgpu, "vgpu{}: failsafe again ({}): {}", vgpu_id, to_string(reason), why);
  m_active = true;
  ++m_entries;
  if (m_history.size() < kHistory) m_history.push_back({reason, now, std::move(why)});
}

void Failsafe::clear() {
  m_active = false;
  m_entries = 0;
  m_history.clear();
}

}  // namespace gvtsim::vgpu
