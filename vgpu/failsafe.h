// Failsafe mode (gvt-reference §2.10; i915 gvt/handlers.c enter_failsafe_mode, gvt/gvt.h
// GVT_FAILSAFE_*). A vGPU whose guest cannot be served safely stops touching the hardware: from then
// on its MMIO and GTT accesses only change virtual state and write protection is dropped (the paths
// that honour the flag come with the MMIO trap path and the GTT). Only a device-model-level reset
// leaves it (gvt/vgpu.c intel_gvt_reset_vgpu_locked: "only reset the failsafe mode when dmlr reset").
//
// The three reasons, in the kernel's order:
//   unsupported_guest     — the guest is not PVINFO-aware: PPGTT or execlists enabled before any
//                           PVINFO read, GFX_MODE privilege-check disable (bit 0), a fence index out of
//                           range while PVINFO was never read (CSFE_CHICKEN1 only on SKL+);
//   insufficient_resource — ballooning failed: the guest wrote PVINFO rsv5;
//   guest_err             — bad commands (the scanner's -EBADRQC / -EFAULT).
// The kernel keeps only a flag and prints why; gvtsim also records when and why, every time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"

namespace gvtsim::vgpu {

enum class FailsafeReason : uint8_t { unsupported_guest, insufficient_resource, guest_err };
const char* to_string(FailsafeReason r);

struct FailsafeEntry {
  FailsafeReason reason;
  Time time;
  std::string why;  // what the guest did, e.g. "PVINFO rsv5 write at 0x78808"
};

class Failsafe {
 public:
  bool active() const { return m_active; }
  // The reason of the entry that put the vGPU into failsafe (nullopt when not in failsafe).
  std::optional<FailsafeReason> reason() const;
  // Enters (or re-enters: the kernel sets the flag again and logs again) failsafe mode.
  void enter(uint16_t vgpu_id, FailsafeReason reason, Time now, std::string why);
  // Device-model-level reset.
  void clear();
  // Every entry since the last reset, oldest first (the first kHistory; `entries()` counts all).
  const std::vector<FailsafeEntry>& history() const { return m_history; }
  uint64_t entries() const { return m_entries; }

  static constexpr std::size_t kHistory = 32;

 private:
  bool m_active = false;
  uint64_t m_entries = 0;
  std::vector<FailsafeEntry> m_history;
};

}  // namespace gvtsim::vgpu
