// Owners (decisions D4): every host page, trace event and log line belongs to nobody, the host, or
// one vGPU. vGPU ids are GVT-g's (1..7; id 0 is the idle vGPU and owns nothing).
#pragma once

#include <cstdint>
#include <string>

namespace gvtsim {

class Owner {
 public:
  constexpr Owner() = default;  // unowned
  static constexpr Owner none() { return Owner(kNone); }
  static constexpr Owner host() { return Owner(kHost); }
  static constexpr Owner vgpu(uint16_t id) { return Owner(id); }

  constexpr bool is_none() const { return m_v == kNone; }
  constexpr bool is_host() const { return m_v == kHost; }
  constexpr bool is_vgpu() const { return m_v < kHost; }
  constexpr uint16_t vgpu_id() const { return m_v; }
  constexpr uint16_t raw() const { return m_v; }
  static constexpr Owner from_raw(uint16_t v) { return Owner(v); }
  friend constexpr bool operator==(Owner, Owner) = default;
  // "none", "host", "vgpu3"
  std::string to_string() const {
    if (is_none()) return "none";
    if (is_host()) return "host";
    return "vgpu" + std::to_string(m_v);
  }

 private:
  static constexpr uint16_t kNone = 0xFFFF;
  static constexpr uint16_t kHost = 0xFFFE;
  constexpr explicit Owner(uint16_t v) : m_v(v) {}
  uint16_t m_v = kNone;
};

}  // namespace gvtsim
