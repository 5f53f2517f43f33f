// PVINFO: the page of BAR0 at 0x78000 where host and guest meet (gvt-reference §2.2; i915
// i915_pvinfo.h struct vgt_if, gvt/vgpu.c populate_pvinfo_page, gvt/handlers.c pvinfo_mmio_read /
// pvinfo_mmio_write / handle_g2v_notification). On bare metal it reads 0; a guest that finds the magic
// and a major version ≥ 1 knows it runs on a vGPU (i915_vgpu.c), reads its resources and balloons.
//
//   offset        field                                 written by
//   0x000 (u64)   magic 0x4776544776544776 ("vGTvGTvG")  host
//   0x008 (u16)   version_major = 1, 0x00A minor = 0     host
//   0x00C         vgt_id (the vGPU id)                   host
//   0x010         vgt_caps: bit 2 FULL_PPGTT (named FULL_48BIT_PPGTT in older i915_pvinfo.h),
//                 bit 3 HWSP_EMULATION, bit 4 HUGE_GTT — populate_pvinfo_page sets all three, on BDW
//                 as on every platform                                                    host
//   0x040/0x044   aperture (mappable GM) base / size     host — the balloon info
//   0x048/0x04C   hidden (non-mappable GM) base / size   host
//   0x050         fence_num                              host
//   0x804         display_ready                          guest (the host sends a uevent)
//   0x808–0x817   rsv5: a guest write means ballooning failed → failsafe INSUFFICIENT_RESOURCE
//   0x818         g2v_notify                             guest
//   0x830/0x834   cursor hot x / y (host sets ~0)        guest
//   0x838–0x857   pdp[0..3] lo/hi (PPGTT roots for g2v)  guest
//   0x858/0x85C   execlist context descriptor lo / hi    guest
//
// Reads (pvinfo_mmio_read) return the page and set `pv_notified` whatever the offset — reads outside
// the documented host fields are logged as invalid but still answered. `pv_notified` is what tells a
// PVINFO-aware guest from one that is not (execlist/PPGTT enable before it → failsafe).
// Writes (pvinfo_mmio_write) dispatch on the access's first byte, as the kernel's switch does:
//   display_ready → stored, the host told; g2v_notify → decoded, stored; cursor, pdp, descriptor →
//   stored; rsv5 (a start offset 0x808–0x814, the kernel's case range of dword starts) → failsafe
//   INSUFFICIENT_RESOURCE, not stored; anything else (the host's read-only fields, padding) → logged
//   and ignored, the page unchanged.
// g2v codes: 2/3 create/destroy a 3-level PPGTT, 4/5 a 4-level one (roots taken from pdp[]); 6/7
// (execlist context create/destroy) and 1 (a stale code i915 once sent) are ignored; others are
// logged as invalid. The PPGTT shadows they manage come with a later part: the notification goes to
// the vGPU's hook.
// Accesses are 1, 2, 4 or 8 bytes, naturally aligned, inside the 4 KB page (gvt/mmio.c: at most 8
// bytes, aligned unless F_UNALIGN, which PVINFO is not); anything else is a guest error.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "base/log.h"
#include "base/status.h"
#include "vgpu/common.h"

namespace gvtsim::vgpu {

inline constexpr uint32_t kPvInfoBase = 0x78000;  // VGT_PVINFO_PAGE
inline constexpr uint32_t kPvInfoSize = 0x1000;   // VGT_PVINFO_SIZE
inline constexpr uint64_t kVgtMagic = 0x4776544776544776ull;
inline constexpr uint16_t kVgtVersionMajor = 1, kVgtVersionMinor = 0;

namespace pv {  // offsets inside the page (struct vgt_if)
inline constexpr uint32_t kMagic = 0x000, kVersionMajor = 0x008, kVersionMinor = 0x00A, kVgtId = 0x00C;
inline constexpr uint32_t kVgtCaps = 0x010;
inline constexpr uint32_t kApertureBase = 0x040, kApertureSize = 0x044;
inline constexpr uint32_t kHiddenBase = 0x048, kHiddenSize = 0x04C, kFenceNum = 0x050;
inline constexpr uint32_t kDisplayReady = 0x804;
inline constexpr uint32_t kRsv5 = 0x808, kRsv5Size = 16;
inline constexpr uint32_t kG2vNotify = 0x818;
inline constexpr uint32_t kCursorXHot = 0x830, kCursorYHot = 0x834;
inline constexpr uint32_t kPdp = 0x838;  // pdp[i].lo at kPdp + 8 i, .hi at + 4
inline constexpr uint32_t kDescriptorLo = 0x858, kDescriptorHi = 0x85C;
inline constexpr uint32_t kCapsFullPpgtt = 1u << 2, kCapsHwspEmulation = 1u << 3, kCapsHugeGtt = 1u << 4;
}  // namespace pv

// enum vgt_g2v_type.
enum class G2v : uint32_t {
  ppgtt_l3_create = 2,
  ppgtt_l3_destroy = 3,
  ppgtt_l4_create = 4,
  ppgtt_l4_destroy = 5,
  execlist_context_create = 6,
  execlist_context_destroy = 7,
};
const char* to_string(G2v g);

struct G2vNotification {
  G2v code;
  std::array<uint64_t, 4> pdps;  // pdp[0..3] at the time of the notification (pdp[0] = PML4 for L4)
};

// What populate_pvinfo_page publishes.
struct PvInfoResources {
  VgpuId id = 0;
  GmSlice aperture;  // the low (mappable) slice
  GmSlice hidden;    // the high slice
  unsigned fences = 0;
};

class PvInfo {
 public:
  struct Hooks {
    std::function<void(uint32_t offset)> on_balloon_failure = nullptr;  // rsv5 written (BAR0 offset)
    std::function<void(const G2vNotification&)> on_g2v = nullptr;      // codes 2–5
    std::function<void(bool ready)> on_display_ready = nullptr;
  };

  PvInfo() = default;
  void set_hooks(Hooks hooks) { m_hooks = std::move(hooks); }

  // populate_pvinfo_page: the host's fields (the guest's are left as they are; a fresh page is zero).
  void populate(const PvInfoResources& r);
  // A device-model-level reset: the page as at creation (zero, then populated). pv_notified is the
  // reset's to clear: it is the vGPU's state, not the page's.
  void reset(const PvInfoResources& r);

  // Guest accesses by BAR0 offset (0x78000–0x78FFF).
  Result<uint64_t> read(uint32_t offset, unsigned size);
  Status write(uint32_t offset, unsigned size, uint64_t value);

  bool pv_notified() const { return m_pv_notified; }
  void clear_pv_notified() { m_pv_notified = false; }

  // Fields, for the rest of the core and for tests.
  uint32_t dword(uint32_t page_offset) const;
  uint64_t qword(uint32_t page_offset) const;
  std::array<uint64_t, 4> pdps() const;
  uint64_t descriptor() const { return qword(pv::kDescriptorLo); }
  bool display_ready() const { return dword(pv::kDisplayReady) != 0; }
  const std::array<uint8_t, kPvInfoSize>& page() const { return m_page; }

  // Counts since creation.
  uint64_t reads() const { return m_reads; }
  uint64_t invalid_reads() const { return m_invalid_reads; }
  uint64_t ignored_writes() const { return m_ignored_writes; }
  uint64_t invalid_g2v() const { return m_invalid_g2v; }

 private:
  void put(uint32_t page_offset, unsigned size, uint64_t value);
  void handle_g2v(uint32_t code);

  std::array<uint8_t, kPvInfoSize> m_page{};
  VgpuId m_id = 0;
  bool m_pv_notified = false;
  Hooks m_hooks;
  log::RateLimit m_log{20};  // guest-repeatable conditions: logged a few times, then only counted
  uint64_t m_reads = 0, m_invalid_reads = 0, m_ignored_writes = 0, m_invalid_g2v = 0;
};

}  // namespace gvtsim::vgpu
