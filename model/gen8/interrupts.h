// The Gen8 interrupt tree (gvt-reference §2.8, §2.11; i915 i915_irq.c gen8_*): groups of
// ISR/IMR/IIR/IER registers rolled up into the master register GEN8_MASTER_IRQ (0x44200), whose
// output is delivered as an MSI.
//
//   event -> ISR (live level) -> IIR latches it unless IMR masks it -> (IIR & IER) != 0 sets the
//   group's bit(s) in the master's status bits 30:0 -> output = master enable (bit 31) && any status
//   bit -> a rising edge of the output fires on_assert (the PCI function turns it into an MSI).
//
// IIR is write-1-to-clear; writes to IMR, IER, IIR and the master re-evaluate the tree, so a driver
// that disables the master, clears IIRs and re-enables it gets a new MSI for anything still pending
// (the i915 handler's pattern). The GT groups split in halves: GT0 15:0 -> master bit 0 (RCS),
// GT0 31:16 -> bit 1 (BCS), GT1 halves -> bits 2 (VCS1) and 3 (VCS2), GT2 15:0 -> bit 4 (PM),
// GT3 15:0 -> bit 6 (VECS); display pipes A/B/C -> 16/17/18, port -> 20, misc -> 22, PCH (SDE) -> 23,
// PCU -> 30.
// Not modelled: the IIR's second-event queue of real hardware (one latched event per bit).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "base/stats.h"
#include "model/gen8/regfile.h"

namespace gvtsim::model::gen8 {

enum class IrqGroup : uint8_t { gt0, gt1, gt2, gt3, pipe_a, pipe_b, pipe_c, de_port, de_misc, pcu, pch };
inline constexpr std::size_t kIrqGroupCount = 11;
const char* to_string(IrqGroup g);

class Interrupts {
 public:
  Interrupts(RegFile& regs, StatGroup stats);

  // An edge event (user interrupt, context switch, vblank, ...): latches into IIR unless masked.
  void raise(IrqGroup g, unsigned bit);
  // A level source (hot-plug live state): ISR follows it; a rising edge raises the event.
  void set_level(IrqGroup g, unsigned bit, bool on);

  bool output() const { return m_output; }
  uint32_t master_status() const;
  uint64_t asserts() const { return m_asserts.value(); }
  // Called on each rising edge of the output.
  std::function<void()> on_assert;

  // Re-evaluates the tree (after any write to IMR, IER, IIR or the master).
  void update();

 private:
  struct GroupRegs {
    const RegInstance* isr;
    const RegInstance* imr;
    const RegInstance* iir;
    const RegInstance* ier;
  };
  RegFile& m_regs;
  std::array<GroupRegs, kIrqGroupCount> m_groups{};
  const RegInstance* m_master;
  bool m_output = false;
  Counter& m_events;
  Counter& m_masked;
  Counter& m_asserts;
};

}  // namespace gvtsim::model::gen8
