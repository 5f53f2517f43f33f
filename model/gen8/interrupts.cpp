#include "model/gen8/interrupts.h"

namespace gvtsim::model::gen8 {

using namespace spec::gen8;

namespace {
// Which bits of a group's IIR & IER roll up into which master bit (i915 i915_reg.h GEN8_*_IRQ).
struct Rollup {
  uint32_t mask;
  unsigned master_bit;
};
struct GroupDesc {
  RegId isr, imr, iir, ier;
  Rollup rollup[2];
};
constexpr GroupDesc kGroups[kIrqGroupCount] = {
    {RegId::GEN8_GT_ISR0, RegId::GEN8_GT_IMR0, RegId::GEN8_GT_IIR0, RegId::GEN8_GT_IER0, {{0x0000FFFF, 0}, {0xFFFF0000, 1}}},
    {RegId::GEN8_GT_ISR1, RegId::GEN8_GT_IMR1, RegId::GEN8_GT_IIR1, RegId::GEN8_GT_IER1, {{0x0000FFFF, 2}, {0xFFFF0000, 3}}},
    {RegId::GEN8_GT_ISR2, RegId::GEN8_GT_IMR2, RegId::GEN8_GT_IIR2, RegId::GEN8_GT_IER2, {{0x0000FFFF, 4}, {0, 0}}},
    {RegId::GEN8_GT_ISR3, RegId::GEN8_GT_IMR3, RegId::GEN8_GT_IIR3, RegId::GEN8_GT_IER3, {{0x0000FFFF, 6}, {0, 0}}},
    {RegId::GEN8_DE_PIPE_ISR_A, RegId::GEN8_DE_PIPE_IMR_A, RegId::GEN8_DE_PIPE_IIR_A, RegId::GEN8_DE_PIPE_IER_A, {{~0u, 16}, {0, 0}}},
    {RegId::GEN8_DE_PIPE_ISR_B, RegId::GEN8_DE_PIPE_IMR_B, RegId::GEN8_DE_PIPE_IIR_B, RegId::GEN8_DE_PIPE_IER_B, {{~0u, 17}, {0, 0}}},
    {RegId::GEN8_DE_PIPE_ISR_C, RegId::GEN8_DE_PIPE_IMR_C, RegId::GEN8_DE_PIPE_IIR_C, RegId::GEN8_DE_PIPE_IER_C, {{~0u, 18}, {0, 0}}},
    {RegId::GEN8_DE_PORT_ISR, RegId::GEN8_DE_PORT_IMR, RegId::GEN8_DE_PORT_IIR, RegId::GEN8_DE_PORT_IER, {{~0u, 20}, {0, 0}}},
    {RegId::GEN8_DE_MISC_ISR, RegId::GEN8_DE_MISC_IMR, RegId::GEN8_DE_MISC_IIR, RegId::GEN8_DE_MISC_IER, {{~0u, 22}, {0, 0}}},
    {RegId::GEN8_PCU_ISR, RegId::GEN8_PCU_IMR, RegId::GEN8_PCU_IIR, RegId::GEN8_PCU_IER, {{~0u, 30}, {0, 0}}},
    {RegId::SDEISR, RegId::SDEIMR, RegId::SDEIIR, RegId::SDEIER, {{~0u, 23}, {0, 0}}},
};
constexpr uint32_t kMasterEnable = 1u << 31;  // GEN8_MASTER_IRQ_CONTROL
}  // namespace

const char* to_string(IrqGroup g) {
  static constexpr const char* kNames[] = {"gt0", "gt1", "gt2", "gt3", "pipe_a", "pipe_b", "pipe_c", "de_port", "de_misc", "pcu", "pch"};
  return kNames[std::size_t(g)];
}

Interrupts::Interrupts(RegFile& regs, StatGroup stats)
    : m_regs(regs),
      m_master(find_reg(RegId::GEN8_MASTER_IRQ, Engine::RCS)),
      m_events(stats.counter("events", Unit::events, "interrupt events raised")),
      m_masked(stats.counter("masked_events", Unit::events, "events IMR kept out of IIR")),
      m_asserts(stats.counter("asserts", Unit::events, "rising edges of the interrupt output (MSIs)")) {
  for (std::size_t i = 0; i < kIrqGroupCount; ++i) {
    const GroupDesc& d = kGroups[i];
    m_groups[i] = {find_reg(d.isr, Engine::RCS), find_reg(d.imr, Engine::RCS), find_reg(d.iir, Engine::RCS),
                   find_reg(d.ier, Engine::RCS)};
  }
  auto reevaluate = [this](const RegInstance&, unsigned, uint32_t, uint32_t, uint32_t) { update(); };
  regs.bind(RegEffect::irq_imr, {nullptr, reevaluate});
  regs.bind(RegEffect::irq_ier, {nullptr, reevaluate});
  regs.bind(RegEffect::irq_iir, {nullptr, reevaluate});
  regs.bind(RegEffect::irq_master, {nullptr, reevaluate});
}

void Interrupts::raise(IrqGroup g, unsigned bit) {
  const GroupRegs& r = m_groups[std::size_t(g)];
  ++m_events;
  uint32_t b = 1u << bit;
  if (uint32_t(m_regs.get(*r.imr)) & b) {
    ++m_masked;
    return;
  }
  m_regs.set(*r.iir, m_regs.get(*r.iir) | b);
  update();
}

void Interrupts::set_level(IrqGroup g, unsigned bit, bool on) {
  const GroupRegs& r = m_groups[std::size_t(g)];
  uint32_t b = 1u << bit;
  uint32_t isr = uint32_t(m_regs.get(*r.isr));
  bool was = isr & b;
  m_regs.set(*r.isr, on ? (isr | b) : (isr & ~b));
  if (on && !was) raise(g, bit);
}

uint32_t Interrupts::master_status() const { return uint32_t(m_regs.get(*m_master)) & ~kMasterEnable; }

void Interrupts::update() {
  uint32_t status = 0;
  for (std::size_t i = 0; i < kIrqGroupCount; ++i) {
    uint32_t pending = uint32_t(m_regs.get(*m_groups[i].iir)) & uint32_t(m_regs.get(*m_groups[i].ier));
    for (const Rollup& ru : kGroups[i].rollup)
      if (ru.mask && (pending & ru.mask)) status |= 1u << ru.master_bit;
  }
  uint32_t master = uint32_t(m_regs.get(*m_master));
  m_regs.set(*m_master, (master & kMasterEnable) | status);
  bool out = (master & kMasterEnable) && status;
  if (out && !m_output) {
    ++m_asserts;
    m_output = true;
    if (on_assert) on_assert();
    return;
  }
  m_output = out;
}

}  // namespace gvtsim::model::gen8
