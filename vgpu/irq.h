// The virtual interrupt tree of one vGPU (gvt-reference §2.8, §2.11; i915 gvt/interrupt.c). It is
// the kernel's emulation, not the hardware's (model/gen8/interrupts.h is that): all state lives in the
// vGPU's vreg image, and the rules are the kernel's, quirks included.
//
//   trigger(event) -> IIR bit set unless IMR masks it (ISR untouched)            propagate_event
//   IIR & IER of a group -> its master status bit(s), set or cleared             update_upstream_irq
//   master bit 31 set and any of bits 30:0 set -> one MSI, on *every* check        gen8_check_pending_irq
//
// Groups (ISR/IMR/IIR/IER at base + 0/4/8/C) and their master bits (gen8_irq_map): GT0 15:0 -> 0,
// GT0 31:16 -> 1, GT1 15:0 -> 2, GT1 31:16 -> 3, GT2 15:0 -> 4, GT3 15:0 -> 6, DE pipe A/B/C -> 16/17/18,
// DE port -> 20, DE misc -> 22, PCH (SDE) -> 23, PCU -> 30.
//
// What each guest write does (the kernel's handlers):
//   IMR    store, check pending                 intel_vgpu_reg_imr_handler (masking never clears IIR)
//   IER    store, update upstream, check        intel_vgpu_reg_ier_handler
//   IIR    write 1 to clear, update upstream    intel_vgpu_reg_iir_handler (no check: clearing never
//                                               raises an MSI)
//   master bit 31 only, check pending           intel_vgpu_reg_master_irq_handler
// check_pending does nothing while master bit 31 is clear, so an event that latches then leaves the
// master status stale until the next IMR/IER/master write or event; the MSI count is what the guest
// would receive, not a count of edges.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "spec/gen8/engines.h"
#include "vgpu/common.h"

namespace gvtsim::vgpu {

// The events a BDW vGPU can receive: the subset of the kernel's enum intel_gvt_event_type that
// gen8_init_irq maps to a (group, bit) on Broadwell, kernel spelling. Anything else the kernel has
// (faults, CRC, audio, ...) is never delivered to a guest on BDW.
enum class IrqEvent : uint8_t {
  RCS_MI_USER_INTERRUPT, RCS_PIPE_CONTROL, RCS_AS_CONTEXT_SWITCH,
  BCS_MI_USER_INTERRUPT, BCS_MI_FLUSH_DW, BCS_AS_CONTEXT_SWITCH,
  VCS_MI_USER_INTERRUPT, VCS_MI_FLUSH_DW, VCS_AS_CONTEXT_SWITCH,
  VCS2_MI_USER_INTERRUPT, VCS2_MI_FLUSH_DW, VCS2_AS_CONTEXT_SWITCH,
  VECS_MI_USER_INTERRUPT, VECS_MI_FLUSH_DW, VECS_AS_CONTEXT_SWITCH,
  PIPE_A_VBLANK, PIPE_B_VBLANK, PIPE_C_VBLANK,
  PRIMARY_A_FLIP_DONE, PRIMARY_B_FLIP_DONE, PRIMARY_C_FLIP_DONE,
  SPRITE_A_FLIP_DONE, SPRITE_B_FLIP_DONE, SPRITE_C_FLIP_DONE,
  AUX_CHANNEL_A, DP_A_HOTPLUG, GSE,
  GMBUS, CRT_HOTPLUG, DP_B_HOTPLUG, DP_C_HOTPLUG, DP_D_HOTPLUG, AUX_CHANNEL_B, AUX_CHANNEL_C, AUX_CHANNEL_D,
  PCU_THERMAL, PCU_PCODE2DRIVER_MAILBOX,
};
inline constexpr std::size_t kIrqEventCount = 37;
const char* to_string(IrqEvent e);

// An engine's MI_USER_INTERRUPT event (gvt/cmd_parser.c cmd_interrupt_events[].mi_user_interrupt,
// raised when the workload completes) and its context-switch event (gvt/execlist.c
// context_switch_events[], raised with each emulated CSB entry).
IrqEvent user_interrupt_event(spec::gen8::Engine e);
IrqEvent context_switch_event(spec::gen8::Engine e);

class VirtualIrq {
 public:
  // vreg: the vGPU's register image of the 2 MB window, dword-indexed (offset / 4), owned by the
  // MmioEmulator and long enough to hold every group (asserted). inject: delivers one MSI
  // (Vgpu::inject_msi); may be empty. id: for log lines only.
  VirtualIrq(std::span<uint32_t> vreg, std::function<void()> inject, VgpuId id = 0);

  // The trap path's handlers (GvtHandler imr / ier / iir / master_irq). dw is the register's byte
  // offset (dword-aligned, as MmioEmulator passes it); value the guest's value after ro masking.
  // A dw that is not an IMR/IER/IIR of a group (RING_IMR also uses the IMR handler) is stored
  // (IMR, IER) or cleared (IIR) and counted in Counts::non_group_writes; out of the window it is
  // dropped and counted.
  void write_imr(uint32_t dw, uint32_t value);
  void write_ier(uint32_t dw, uint32_t value);
  void write_iir(uint32_t dw, uint32_t value);
  void write_master(uint32_t value);

  // intel_vgpu_trigger_virtual_event: latch the event's IIR bit unless IMR masks it, then check
  // pending.
  void trigger(IrqEvent e);

  // --- observation, for tests and stats ---
  struct Counts {
    uint64_t events = 0;            // trigger() calls
    uint64_t masked_events = 0;     // events IMR kept out of IIR
    uint64_t msis = 0;              // inject calls
    uint64_t non_group_writes = 0;  // write_imr/ier/iir at a dw that is no group's register
  };
  const Counts& counts() const { return m_counts; }
  uint64_t msis() const { return m_counts.msis; }
  uint32_t master_status() const;  // bits 30:0 of the master's vreg
  bool master_enabled() const;     // bit 31

 private:
  uint32_t& vreg(uint32_t offset) { return m_vreg[offset / 4]; }
  uint32_t vreg(uint32_t offset) const { return m_vreg[offset / 4]; }
  bool in_window(uint32_t dw) const { return dw / 4 < m_vreg.size(); }
  void update_upstream(std::size_t group);
  void check_pending();

  std::span<uint32_t> m_vreg;
  std::function<void()> m_inject;
  VgpuId m_id;
  Counts m_counts;
};

}  // namespace gvtsim::vgpu
