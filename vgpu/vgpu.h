// One vGPU (i915 gvt/gvt.h struct intel_vgpu): what a guest's virtual GPU is made of and its guest
// entry points — configuration space, BAR0 (the 2 MB register window with PVINFO, and the GGTT at
// 8 MB), the BAR2 aperture check, the OpRegion — plus virtual interrupts, failsafe, GDRST and the
// device-model-level reset.
//
// A Vgpu is created and destroyed only by its Device (device.h), which owns the id. Creation follows
// the kernel's order (gvt/vgpu.c intel_gvt_create_vgpu; gvt-reference §2.10), each step undone in
// reverse if a later one fails:
//    1. id                                  (Device)
//    2. golden config space                 CfgSpace from the host's snapshot
//    3. golden vreg                         the MMIO trap path (mmio.h) over a copy of the Device's
//                                           golden MMIO snapshot, and the virtual interrupt tree on it
//    4. GM slices and fences                HostGpu::alloc_gm (low, then high), alloc_fences — after
//                                           checking the request against what is free, as
//                                           gvt/aperture_gm.c alloc_resource does
//    5. PVINFO                              populate_pvinfo_page
//    6. GTT and scratch pages               the GGTT scratch page, one per vGPU (D4: never shared —
//                                           the kernel shares one; a shared page is a covert channel
//                                           and would blind the isolation oracle), then the virtual
//                                           GGTT (ggtt.h), every host entry of the slices at scratch
//    7. OpRegion                            build_virtual_opregion
//    8. display, 9. shadow contexts, 10. scheduler, 11. debugfs/regions/whitelist: later parts; the
//                                           type's EDID resolution and the weight are recorded now
// Destruction runs the reverse (gvt/vgpu.c intel_gvt_destroy_vgpu): OpRegion, GGTT, scratch page, low
// and high GM, fences (cleared first), vreg — every resource back through HostGpu.
//
// BAR0 (gvt/mmio.c intel_vgpu_emulate_mmio_read/write): offsets below 2 MB go to the trap path,
// 8 MB..16 MB to the virtual GGTT (in failsafe, to its virtual entries only); anything else is a
// guest error. After each register write the vGPU acts on a GDRST request the trap path left
// (per-engine or full, §2.10); captured ELSP submissions stay in the trap path until taken.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/stats.h"
#include "base/status.h"
#include "vgpu/cfg_space.h"
#include "vgpu/clock.h"
#include "vgpu/common.h"
#include "vgpu/failsafe.h"
#include "vgpu/ggtt.h"
#include "vgpu/host_gpu.h"
#include "vgpu/hypervisor.h"
#include "vgpu/irq.h"
#include "vgpu/mmio.h"
#include "vgpu/opregion.h"
#include "vgpu/pvinfo.h"
#include "vgpu/types.h"

namespace gvtsim::vgpu {

inline constexpr uint32_t kMmioSize = kMmioWindow;  // gvt.c init_device_info: mmio_size, the vreg image

// The three interfaces the core reaches the world through (D10).
struct Services {
  Hypervisor& hypervisor;
  HostGpu& host;
  Clock& clock;
};

class Vgpu {
 public:
  ~Vgpu();
  Vgpu(const Vgpu&) = delete;
  Vgpu& operator=(const Vgpu&) = delete;

  VgpuId id() const { return m_id; }
  const VgpuType& type() const { return m_type; }
  unsigned weight() const { return m_weight; }
  EdidResolution edid() const { return m_type.edid; }
  const GmSlice& aperture() const { return m_aperture; }  // low (mappable) GM slice
  const GmSlice& hidden() const { return m_hidden; }      // high GM slice
  const std::vector<unsigned>& fences() const { return m_fences; }
  uint64_t scratch_page() const { return m_scratch_page; }  // host physical address
  std::size_t vreg_size() const { return m_mmio->vregs().size() * 4; }

  // --- configuration space (the hypervisor routes the guest's config cycles here) ---
  Result<uint32_t> cfg_read(uint32_t offset, unsigned size);
  Status cfg_write(uint32_t offset, unsigned size, uint32_t value);
  const CfgSpace& cfg() const { return *m_cfg; }
  bool d3_entered() const { return m_cfg->d3_entered(); }

  // --- BAR0: the guest's MMIO, by offset into the BAR (the hypervisor routes trapped accesses here)
  // A failed read answers the guest 0 (the caller's choice); failures are guest_error.
  Result<uint64_t> mmio_read(uint64_t offset, unsigned size);
  Status mmio_write(uint64_t offset, unsigned size, uint64_t value);
  const MmioEmulator& mmio() const { return *m_mmio; }
  const VirtualGgtt& ggtt() const { return *m_ggtt; }
  // BAR2: whether the guest may reach [offset, offset + len) of the aperture (its low slice only),
  // and where: the host aperture's physical address for it (KVMGT intel_vgpu_mmap maps BAR2 offset o
  // to gvt_aperture_pa_base + o — ballooning makes GM addresses mean the same to guest and host).
  bool aperture_access_allowed(uint64_t offset, uint64_t len) const { return m_ggtt->aperture_access_allowed(offset, len); }
  std::optional<uint64_t> aperture_hpa(uint64_t offset, uint64_t len) const {
    if (!aperture_access_allowed(offset, len)) return std::nullopt;
    return m_host.aperture_pa + offset;
  }
  // Fault injection (ggtt.h): the GGTT slice check skipped. For oracle negative controls only.
  void inject_fault_skip_ggtt_slice_check(bool on) { m_ggtt->inject_fault_skip_slice_check(on); }
  // ELSP submissions captured since the last call (execlist virtualization takes them). The trap
  // path holds them; a GDRST or a device-model reset drops those of the engines it resets.
  std::vector<ElspSubmission> take_elsp_submissions() { return m_mmio->take_submissions(); }
  // The last GDRST the guest asked for (observation).
  std::optional<ResetRequest> last_gdrst() const { return m_last_gdrst; }

  // --- PVINFO (BAR0 0x78000–0x78FFF, reached through mmio_read/mmio_write) ---
  const PvInfo& pvinfo() const { return m_pvinfo; }
  bool pv_notified() const { return m_pvinfo.pv_notified(); }
  // Where g2v PPGTT create/destroy notifications go (the PPGTT part installs itself here). Without a
  // handler they are counted and dropped.
  void set_g2v_handler(std::function<void(const G2vNotification&)> fn) { m_g2v_handler = std::move(fn); }
  uint64_t g2v_unhandled() const { return m_g2v_unhandled; }

  // --- OpRegion ---
  // The region's contents as GVT exports them (the VFIO OpRegion region, intel_gvt_set_opregion).
  const OpRegionImage& opregion() const { return m_opregion; }
  // Where the guest's copy lives (from its last ASLS write); nullopt before one.
  std::optional<uint64_t> opregion_gpa() const { return m_opregion_gpa; }
  // The firmware's step under KVMGT (QEMU's IGD OpRegion support): copy the region into guest RAM at
  // `gpa` (page aligned, below 4 GB) and program ASLS with it, through the config space.
  Status install_opregion(uint64_t gpa);

  // --- failsafe (failsafe.h) ---
  bool failsafe() const { return m_failsafe.active(); }
  const Failsafe& failsafe_state() const { return m_failsafe; }
  void enter_failsafe(FailsafeReason reason, std::string why);

  // --- interrupts ---
  // A virtual event (gvt/interrupt.c intel_vgpu_trigger_virtual_event): latched in the virtual IIR
  // unless masked, rolled up into the master, an MSI when it is enabled and something is pending.
  void trigger_event(IrqEvent e) { m_irq->trigger(e); }
  const VirtualIrq& irq() const { return *m_irq; }
  // Delivers one MSI with the address and data in the virtual MSI capability (gvt/interrupt.c
  // inject_virtual_interrupt): nothing when the guest has not enabled MSI; a guest error when it asked
  // for more than the single-message, 32-bit format GVT supports.
  Status inject_msi();

  // --- resets ---
  // The device-model-level reset (gvt/vgpu.c intel_gvt_reset_vgpu_locked with dmlr): every engine's
  // submission reset, the GGTT back to scratch, the fences cleared, the vreg and PVINFO as at
  // creation, config space as at creation, failsafe cleared, and pv_notified cleared — unless the
  // reset ends a D3 cycle, in which case d3_entered is cleared instead (a resuming guest keeps its
  // PVINFO handshake). PPGTT shadows and display follow with their parts.
  void device_model_reset();

 private:
  friend class Device;
  Vgpu(VgpuId id, const VgpuType& type, unsigned weight, Services services, std::span<const uint8_t> golden_cfg,
       std::shared_ptr<const std::vector<uint32_t>> golden_mmio, const HostResources& host, StatGroup stats);
  Status create();   // steps 2–11 (the id is the Device's)
  void destroy();    // the reverse
  Status alloc_resources();
  void free_resources();
  PvInfoResources pvinfo_resources() const;
  Status opregion_request(uint32_t swsci);
  Status note_guest_error(Status s, const char* where);  // counted by the caller; logged rate-limited
  void gdrst(const ResetRequest& r);
  void clear_fences();          // aperture_gm.c _clear_vgpu_fence: every host fence of the vGPU to 0

  VgpuId m_id;
  const VgpuType& m_type;
  unsigned m_weight;
  Services m_services;
  std::vector<uint8_t> m_golden_cfg;
  std::shared_ptr<const std::vector<uint32_t>> m_golden_mmio;
  HostResources m_host;
  bool m_created = false;

  std::unique_ptr<CfgSpace> m_cfg;
  std::unique_ptr<MmioEmulator> m_mmio;
  std::unique_ptr<VirtualIrq> m_irq;
  std::unique_ptr<VirtualGgtt> m_ggtt;
  std::optional<ResetRequest> m_last_gdrst;
  GmSlice m_aperture, m_hidden;
  std::vector<unsigned> m_fences;
  bool m_has_low = false, m_has_high = false;
  uint64_t m_scratch_page = 0;
  PvInfo m_pvinfo;
  OpRegionImage m_opregion{};
  std::optional<uint64_t> m_opregion_gpa;
  Failsafe m_failsafe;
  std::function<void(const G2vNotification&)> m_g2v_handler;
  uint64_t m_g2v_unhandled = 0;

  log::RateLimit m_log{20};
  Counter& m_cfg_accesses;
  Counter& m_cfg_guest_errors;
  Counter& m_mmio_accesses;
  Counter& m_mmio_guest_errors;
  Counter& m_ggtt_accesses;
  Counter& m_gdrst_full;
  Counter& m_gdrst_engine;
  Counter& m_failsafe_entries;
  Counter& m_msi_injected;
};

}  // namespace gvtsim::vgpu
