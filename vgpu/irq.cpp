// The virtual interrupt tree (vgpu/irq.h; i915 gvt/interrupt.c). Bit numbers come from the generated
// register fields (spec/gen8/registers.toml), the one exception being GSE (see kEvents).
#include "vgpu/irq.h"

#include <array>
#include <optional>

#include "base/log.h"
#include "base/status.h"
#include "spec/gen8/registers.h"

namespace gvtsim::vgpu {

namespace reg = spec::gen8::reg;
using spec::gen8::Engine;
using spec::gen8::Field;

namespace {

// Register offsets inside a group (regbase_to_isr/imr/iir/ier).
constexpr uint32_t kImr = 0x4, kIir = 0x8, kIer = 0xC;
constexpr uint32_t kMasterControl = uint32_t(reg::GEN8_MASTER_IRQ::MASTER_IRQ_CONTROL.mask());

// A one-bit field's bit number; a wider field does not compile.
consteval uint8_t bit(Field f) {
  if (f.hi != f.lo) throw "an interrupt event is one bit";
  return f.lo;
}

// One row of gen8_irq_map: the group bits in `mask` roll up into master bit `master_bit`.
struct Rollup {
  uint32_t mask = 0;  // 0: unused
  uint8_t master_bit = 0;
};
struct Group {
  const char* name;
  uint32_t base;  // the ISR's offset
  std::array<Rollup, 2> up;
};
enum G : uint8_t { gt0, gt1, gt2, gt3, pipe_a, pipe_b, pipe_c, de_port, de_misc, pcu, pch, kGroupCount };

namespace m = reg::GEN8_MASTER_IRQ;
constexpr std::array<Group, kGroupCount> kGroups = {{
    {"gt0", reg::GEN8_GT_ISR0::offset, {{{0x0000FFFF, bit(m::GT_RCS)}, {0xFFFF0000, bit(m::GT_BCS)}}}},
    {"gt1", reg::GEN8_GT_ISR1::offset, {{{0x0000FFFF, bit(m::GT_VCS1)}, {0xFFFF0000, bit(m::GT_VCS2)}}}},
    {"gt2", reg::GEN8_GT_ISR2::offset, {{{0x0000FFFF, bit(m::GT_PM)}, {}}}},
    {"gt3", reg::GEN8_GT_ISR3::offset, {{{0x0000FFFF, bit(m::GT_VECS)}, {}}}},
    {"pipe_a", reg::GEN8_DE_PIPE_ISR_A::offset, {{{~0u, bit(m::DE_PIPE_A)}, {}}}},
    {"pipe_b", reg::GEN8_DE_PIPE_ISR_B::offset, {{{~0u, bit(m::DE_PIPE_B)}, {}}}},
    {"pipe_c", reg::GEN8_DE_PIPE_ISR_C::offset, {{{~0u, bit(m::DE_PIPE_C)}, {}}}},
    {"de_port", reg::GEN8_DE_PORT_ISR::offset, {{{~0u, bit(m::DE_PORT)}, {}}}},
    {"de_misc", reg::GEN8_DE_MISC_ISR::offset, {{{~0u, bit(m::DE_MISC)}, {}}}},
    {"pcu", reg::GEN8_PCU_ISR::offset, {{{~0u, bit(m::PCU)}, {}}}},
    {"pch", reg::SDEISR::offset, {{{~0u, bit(m::DE_PCH)}, {}}}},
}};

// The group whose register at `reg_offset` (kImr, kIir or kIer) is at dw (regbase_to_irq_info).
std::optional<std::size_t> group_at(uint32_t dw, uint32_t reg_offset) {
  for (std::size_t g = 0; g < kGroups.size(); ++g)
    if (kGroups[g].base + reg_offset == dw) return g;
  return std::nullopt;
}

// gen8_init_irq's SET_BIT_INFO rows for Broadwell, in IrqEvent order.
struct EventInfo {
  IrqEvent event;
  const char* name;
  G group;
  uint8_t bit;
};
using E = IrqEvent;
namespace gt0f = reg::GEN8_GT_IIR0;
namespace gt1f = reg::GEN8_GT_IIR1;
namespace gt3f = reg::GEN8_GT_IIR3;
namespace pa = reg::GEN8_DE_PIPE_IIR_A;
namespace pb = reg::GEN8_DE_PIPE_IIR_B;
namespace pc = reg::GEN8_DE_PIPE_IIR_C;
namespace port = reg::GEN8_DE_PORT_IIR;
namespace sde = reg::SDEIIR;
namespace pcuf = reg::GEN8_PCU_IIR;

// GSE: gen8_init_irq maps it to DE misc bit 0, while i915's GEN8_DE_MISC_GSE (our field
// GEN8_DE_MISC_IIR::GSE) is bit 27. GVT delivers what its table says, so the virtual event uses bit 0;
// a guest i915 waiting on bit 27 never sees it (no BDW guest enables GSE).
constexpr uint8_t kGseKernelBit = 0;
static_assert(bit(reg::GEN8_DE_MISC_IIR::GSE) == 27, "the kernel quirk above no longer matches the table");

constexpr std::array<EventInfo, kIrqEventCount> kEvents = {{
    {E::RCS_MI_USER_INTERRUPT, "RCS_MI_USER_INTERRUPT", gt0, bit(gt0f::RCS_USER_INTERRUPT)},
    {E::RCS_PIPE_CONTROL, "RCS_PIPE_CONTROL", gt0, bit(gt0f::RCS_PIPE_CONTROL_NOTIFY)},
    {E::RCS_AS_CONTEXT_SWITCH, "RCS_AS_CONTEXT_SWITCH", gt0, bit(gt0f::RCS_CONTEXT_SWITCH)},
    {E::BCS_MI_USER_INTERRUPT, "BCS_MI_USER_INTERRUPT", gt0, bit(gt0f::BCS_USER_INTERRUPT)},
    {E::BCS_MI_FLUSH_DW, "BCS_MI_FLUSH_DW", gt0, bit(gt0f::BCS_FLUSH_DW_NOTIFY)},
    {E::BCS_AS_CONTEXT_SWITCH, "BCS_AS_CONTEXT_SWITCH", gt0, bit(gt0f::BCS_CONTEXT_SWITCH)},
    {E::VCS_MI_USER_INTERRUPT, "VCS_MI_USER_INTERRUPT", gt1, bit(gt1f::VCS1_USER_INTERRUPT)},
    {E::VCS_MI_FLUSH_DW, "VCS_MI_FLUSH_DW", gt1, bit(gt1f::VCS1_FLUSH_DW_NOTIFY)},
    {E::VCS_AS_CONTEXT_SWITCH, "VCS_AS_CONTEXT_SWITCH", gt1, bit(gt1f::VCS1_CONTEXT_SWITCH)},
    // The kernel maps VCS2 only when the host has the engine (HAS_ENGINE(VCS1)); gvtsim always
    // does, and the scheduler never raises it for an engine the SKU lacks.
    {E::VCS2_MI_USER_INTERRUPT, "VCS2_MI_USER_INTERRUPT", gt1, bit(gt1f::VCS2_USER_INTERRUPT)},
    {E::VCS2_MI_FLUSH_DW, "VCS2_MI_FLUSH_DW", gt1, bit(gt1f::VCS2_FLUSH_DW_NOTIFY)},
    {E::VCS2_AS_CONTEXT_SWITCH, "VCS2_AS_CONTEXT_SWITCH", gt1, bit(gt1f::VCS2_CONTEXT_SWITCH)},
    {E::VECS_MI_USER_INTERRUPT, "VECS_MI_USER_INTERRUPT", gt3, bit(gt3f::VECS_USER_INTERRUPT)},
    {E::VECS_MI_FLUSH_DW, "VECS_MI_FLUSH_DW", gt3, bit(gt3f::VECS_FLUSH_DW_NOTIFY)},
    {E::VECS_AS_CONTEXT_SWITCH, "VECS_AS_CONTEXT_SWITCH", gt3, bit(gt3f::VECS_CONTEXT_SWITCH)},
    {E::PIPE_A_VBLANK, "PIPE_A_VBLANK", pipe_a, bit(pa::VBLANK)},
    {E::PIPE_B_VBLANK, "PIPE_B_VBLANK", pipe_b, bit(pb::VBLANK)},
    {E::PIPE_C_VBLANK, "PIPE_C_VBLANK", pipe_c, bit(pc::VBLANK)},
    {E::PRIMARY_A_FLIP_DONE, "PRIMARY_A_FLIP_DONE", pipe_a, bit(pa::PRIMARY_FLIP_DONE)},
    {E::PRIMARY_B_FLIP_DONE, "PRIMARY_B_FLIP_DONE", pipe_b, bit(pb::PRIMARY_FLIP_DONE)},
    {E::PRIMARY_C_FLIP_DONE, "PRIMARY_C_FLIP_DONE", pipe_c, bit(pc::PRIMARY_FLIP_DONE)},
    {E::SPRITE_A_FLIP_DONE, "SPRITE_A_FLIP_DONE", pipe_a, bit(pa::SPRITE_FLIP_DONE)},
    {E::SPRITE_B_FLIP_DONE, "SPRITE_B_FLIP_DONE", pipe_b, bit(pb::SPRITE_FLIP_DONE)},
    {E::SPRITE_C_FLIP_DONE, "SPRITE_C_FLIP_DONE", pipe_c, bit(pc::SPRITE_FLIP_DONE)},
    {E::AUX_CHANNEL_A, "AUX_CHANNEL_A", de_port, bit(port::AUX_CHANNEL_A)},
    {E::DP_A_HOTPLUG, "DP_A_HOTPLUG", de_port, bit(port::PORT_DP_A_HOTPLUG)},
    {E::GSE, "GSE", de_misc, kGseKernelBit},
    {E::GMBUS, "GMBUS", pch, bit(sde::GMBUS)},
    {E::CRT_HOTPLUG, "CRT_HOTPLUG", pch, bit(sde::CRT_HOTPLUG)},
    {E::DP_B_HOTPLUG, "DP_B_HOTPLUG", pch, bit(sde::PORTB_HOTPLUG)},
    {E::DP_C_HOTPLUG, "DP_C_HOTPLUG", pch, bit(sde::PORTC_HOTPLUG)},
    {E::DP_D_HOTPLUG, "DP_D_HOTPLUG", pch, bit(sde::PORTD_HOTPLUG)},
    {E::AUX_CHANNEL_B, "AUX_CHANNEL_B", pch, bit(sde::AUX_B)},
    {E::AUX_CHANNEL_C, "AUX_CHANNEL_C", pch, bit(sde::AUX_C)},
    {E::AUX_CHANNEL_D, "AUX_CHANNEL_D", pch, bit(sde::AUX_D)},
    {E::PCU_THERMAL, "PCU_THERMAL", pcu, bit(pcuf::PCU_THERMAL)},
    {E::PCU_PCODE2DRIVER_MAILBOX, "PCU_PCODE2DRIVER_MAILBOX", pcu, bit(pcuf::PCU_PCODE2DRIVER_MAILBOX)},
}};

constexpr bool events_in_order() {
  for (std::size_t i = 0; i < kEvents.size(); ++i)
    if (std::size_t(kEvents[i].event) != i) return false;
  return std::size_t(E::PCU_PCODE2DRIVER_MAILBOX) + 1 == kIrqEventCount;
}
static_assert(events_in_order(), "kEvents must list every IrqEvent, in enum order");

const EventInfo& info(IrqEvent e) {
  GVT_ASSERT(std::size_t(e) < kEvents.size(), "IrqEvent {} out of range", unsigned(e));
  return kEvents[std::size_t(e)];
}

constexpr uint32_t kMaster = reg::GEN8_MASTER_IRQ::offset;
// The highest dword the tree touches: the PCH's IER.
constexpr uint32_t kLastDword = (reg::SDEISR::offset + kIer) / 4;

}  // namespace

const char* to_string(IrqEvent e) {
  return std::size_t(e) < kEvents.size() ? kEvents[std::size_t(e)].name : "?";
}

IrqEvent user_interrupt_event(Engine e) {
  switch (e) {
    case Engine::RCS: return E::RCS_MI_USER_INTERRUPT;
    case Engine::BCS: return E::BCS_MI_USER_INTERRUPT;
    case Engine::VCS: return E::VCS_MI_USER_INTERRUPT;
    case Engine::VCS2: return E::VCS2_MI_USER_INTERRUPT;
    case Engine::VECS: return E::VECS_MI_USER_INTERRUPT;
  }
  GVT_ASSERT(false, "engine {} has no user interrupt", unsigned(e));
  return E::RCS_MI_USER_INTERRUPT;
}

IrqEvent context_switch_event(Engine e) {
  switch (e) {
    case Engine::RCS: return E::RCS_AS_CONTEXT_SWITCH;
    case Engine::BCS: return E::BCS_AS_CONTEXT_SWITCH;
    case Engine::VCS: return E::VCS_AS_CONTEXT_SWITCH;
    case Engine::VCS2: return E::VCS2_AS_CONTEXT_SWITCH;
    case Engine::VECS: return E::VECS_AS_CONTEXT_SWITCH;
  }
  GVT_ASSERT(false, "engine {} has no context switch event", unsigned(e));
  return E::RCS_AS_CONTEXT_SWITCH;
}

VirtualIrq::VirtualIrq(std::span<uint32_t> vreg, std::function<void()> inject, VgpuId id)
    : m_vreg(vreg), m_inject(std::move(inject)), m_id(id) {
  GVT_ASSERT(m_vreg.size() > kLastDword, "vgpu{}: vreg of {} dwords does not reach the PCH interrupt group", id,
             m_vreg.size());
}

uint32_t VirtualIrq::master_status() const { return vreg(kMaster) & ~kMasterControl; }
bool VirtualIrq::master_enabled() const { return vreg(kMaster) & kMasterControl; }

// intel_vgpu_reg_imr_handler: the kernel does not look the group up; it stores and re-checks, so
// RING_IMR (which shares the handler) behaves the same. Unmasking a bit does not latch anything:
// events that arrived while masked are lost (propagate_event never saw them).
void VirtualIrq::write_imr(uint32_t dw, uint32_t value) {
  if (!in_window(dw)) {
    ++m_counts.non_group_writes;
    return;
  }
  if (!group_at(dw, kImr)) ++m_counts.non_group_writes;
  vreg(dw) = value;
  check_pending();
}

// intel_vgpu_reg_ier_handler. For a dw that is no group's IER the kernel stores, WARNs and returns
// -EINVAL before re-checking; we store and count.
void VirtualIrq::write_ier(uint32_t dw, uint32_t value) {
  if (!in_window(dw)) {
    ++m_counts.non_group_writes;
    return;
  }
  vreg(dw) = value;
  const std::optional<std::size_t> g = group_at(dw, kIer);
  if (!g) {
    ++m_counts.non_group_writes;
    return;
  }
  update_upstream(*g);
  check_pending();
}

// intel_vgpu_reg_iir_handler: write 1 to clear, then re-derive the master bits (which may clear them)
// without check_pending. For a dw that is no group's IIR the kernel WARNs and changes nothing; we
// still clear (the register is write-1-to-clear whatever the tree thinks) and count.
void VirtualIrq::write_iir(uint32_t dw, uint32_t value) {
  if (!in_window(dw)) {
    ++m_counts.non_group_writes;
    return;
  }
  vreg(dw) &= ~value;
  const std::optional<std::size_t> g = group_at(dw, kIir);
  if (!g) {
    ++m_counts.non_group_writes;
    return;
  }
  update_upstream(*g);
}

// intel_vgpu_reg_master_irq_handler: bit 31 is the only guest-writable bit; bits 30:0 are status.
void VirtualIrq::write_master(uint32_t value) {
  uint32_t& master = vreg(kMaster);
  master = (master & ~kMasterControl) | (value & kMasterControl);
  check_pending();
}

// intel_vgpu_trigger_virtual_event -> handle_default_event_virt -> propagate_event, then
// check_pending. ISR is left alone, as the kernel does.
void VirtualIrq::trigger(IrqEvent e) {
  const EventInfo& ev = info(e);
  const Group& g = kGroups[ev.group];
  const uint32_t b = 1u << ev.bit;
  ++m_counts.events;
  if (vreg(g.base + kImr) & b) {
    ++m_counts.masked_events;
    log::debug(log::Channel::irq, "vgpu{}: {} masked ({} bit {})", m_id, ev.name, g.name, ev.bit);
  } else {
    vreg(g.base + kIir) |= b;
    log::debug(log::Channel::irq, "vgpu{}: {} latched ({} bit {})", m_id, ev.name, g.name, ev.bit);
  }
  check_pending();
}

// update_upstream_irq: each master bit fed by the group follows (IIR & IER & its mask) != 0. The
// master has no upstream, so the walk ends there.
void VirtualIrq::update_upstream(std::size_t group) {
  const Group& g = kGroups[group];
  const uint32_t pending = vreg(g.base + kIir) & vreg(g.base + kIer);
  uint32_t& master = vreg(kMaster);
  for (const Rollup& r : g.up) {
    if (!r.mask) continue;
    if (pending & r.mask)
      master |= 1u << r.master_bit;
    else
      master &= ~(1u << r.master_bit);
  }
}

// gen8_check_pending_irq: nothing at all while the master is disabled; else re-derive the master bits
// of every group with something pending (groups with nothing pending are not cleared here) and inject
// one MSI whenever any status bit is set — the kernel does not detect edges.
void VirtualIrq::check_pending() {
  if (!master_enabled()) return;
  for (std::size_t g = 0; g < kGroups.size(); ++g)
    if (vreg(kGroups[g].base + kIir) & vreg(kGroups[g].base + kIer)) update_upstream(g);
  if (master_status() == 0) return;
  ++m_counts.msis;
  log::debug(log::Channel::irq, "vgpu{}: MSI (master status {:#x})", m_id, master_status());
  if (m_inject) m_inject();
}

}  // namespace gvtsim::vgpu
