// An execlist command streamer (one per engine): takes ELSP submissions, switches contexts in and out
// of the engine through their images in memory, fetches and executes commands, and reports through
// the CSB, EXECLIST_STATUS and interrupts — as Broadwell does (gvt-reference §2.4, §2.6, §2.11;
// i915 gt/intel_execlists_submission.c, gt/intel_lrc.c; docs/execlists.md).
//
// Submission. The ELSP port's fourth dword loads an execlist of two elements into one of two
// execlist slots (the write pointer alternates per submission). With the engine idle the slot runs
// at once; with a context running, the new execlist preempts it at the next arbitration point (a
// command boundary in the ring, i.e. between batches — mid-batch preemption at MI_ARB_CHECK is not
// modelled yet: it needs the batch state saved in the image): resubmitting
// the running context is a lite restore (the new tail is taken from its image); another context is
// a preemption. Element 1 runs after element 0 completes.
//
// Per-context state lives in the context image only (decisions D14): at switch-in the engine runs
// the register-state page's LRI lists (LRCA + 4 KB: RING_HEAD/TAIL/START/CTL, BB state, PDPs,
// CONTEXT_CONTROL, ...) and restores the 3D state vector from pages 2..18 unless CONTEXT_CONTROL's
// restore-inhibit is set (then the engine's power-on defaults: a documented modelling choice, D14);
// at switch-out it writes the register values back into those LRI lists and saves the 3D state
// vector unless save-inhibit is set.
//
// Execution is event-driven with temporal decoupling: each step executes commands until the
// engine quantum of simulated time is used (CostTable), or until a cross-domain effect (an
// interrupt, a CSB write, a wait): those end the step and take effect at their exact time. Stores to
// memory happen when their command executes.
//
// Privilege (decisions D8): a batch started with the PPGTT bit is non-privileged: privileged
// commands and LRIs to registers not `user_writable` (nor whitelisted by FORCE_TO_NONPRIV) are
// dropped, set RING_EIR's CP_PRIV bit (i915 execlists comment: the hardware NOOPs them) and count
// `privilege_violations`; GFX_MODE's privilege-check-disable bit turns the check off.
//
// Errors. An unknown instruction, a fault fetching commands or an invalid descriptor hangs the
// engine: RING_EIR/IPEHR record it, the CS master-error interrupt bit is raised, the engine stops;
// a GDRST engine reset recovers it. Never a simulator crash.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/event_queue.h"
#include "base/stats.h"
#include "base/status.h"
#include "model/gen8/costs.h"
#include "model/gen8/mi_semantics.h"
#include "model/gen8/ppgtt.h"
#include "model/gen8/state3d.h"
#include "spec/gen8/command.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {

class Gen8Gpu;

// CSB status bits: the RING_CONTEXT_STATUS_BUF_LO fields of registers.toml (i915 gt/intel_lrc.h
// GEN8_CTX_STATUS_*; gvt-reference §2.11).
namespace csb {
namespace f = spec::gen8::reg::RING_CONTEXT_STATUS_BUF_LO;
inline constexpr uint32_t kIdleToActive = uint32_t(f::IDLE_TO_ACTIVE.mask());
inline constexpr uint32_t kPreempted = uint32_t(f::PREEMPTED.mask());
inline constexpr uint32_t kElementSwitch = uint32_t(f::ELEMENT_SWITCH.mask());
inline constexpr uint32_t kActiveToIdle = uint32_t(f::ACTIVE_TO_IDLE.mask());
inline constexpr uint32_t kComplete = uint32_t(f::CONTEXT_COMPLETE.mask());
inline constexpr uint32_t kLiteRestore = uint32_t(f::LITE_RESTORE.mask());
}  // namespace csb

struct CsbEvent {
  Time time;
  uint32_t status;
  uint32_t context_id;
  friend bool operator==(const CsbEvent&, const CsbEvent&) = default;
};

enum class EngineState : uint8_t { idle, switching, running, waiting, hung };
const char* to_string(EngineState s);

class CommandStreamer {
 public:
  CommandStreamer(spec::gen8::Engine id, Gen8Gpu& gpu, EventSource& events, const CostTable& costs, StatGroup stats);

  // The ELSP port: element 0 and element 1 descriptors.
  void submit(uint64_t desc0, uint64_t desc1);
  // GDRST: back to idle, execlists dropped, hang cleared.
  void reset();

  spec::gen8::Engine id() const { return m_id; }
  EngineState state() const { return m_state; }
  bool idle() const { return m_state == EngineState::idle; }
  bool hung() const { return m_state == EngineState::hung; }
  const std::string& hang_reason() const { return m_hang_reason; }
  const std::vector<CsbEvent>& csb_log() const { return m_csb_log; }
  // Physical pages of every context this engine has run (their images: D5 excludes them from the
  // result hash) and dwords written with time values (hashed by location only).
  const std::set<uint64_t>& context_pages() const { return m_context_pages; }
  const std::set<uint64_t>& time_valued_dwords() const { return m_time_valued; }
  uint64_t commands_executed() const { return m_commands.value(); }
  Duration busy_time() const { return m_busy.value(); }

  // The running context's 3D / media / GPGPU state (render engine; saved in and restored from the
  // context image, pages 2..18).
  const State3d& state3d() const { return m_state3d; }

 private:
  struct Element {
    uint64_t desc = 0;
    bool valid() const { return desc & 1; }
  };
  struct Slot {
    std::array<Element, 2> el{};
    bool valid = false;
  };
  struct Frame {            // a batch being executed
    uint64_t address;       // next command
    bool ppgtt;
    unsigned level;         // 1 or 2
  };
  struct Context {          // the running context, as loaded from its image
    uint64_t desc = 0;
    uint64_t lrca = 0;      // graphics address (GGTT)
    uint64_t lrca_pa = 0;   // its page, for the oracle (D4)
    uint32_t id = 0;        // descriptor bits 63:32
    uint32_t ring_start = 0, ring_size = 0, head = 0, tail = 0;
    PpgttRoot root;
    bool restore_inhibit = false, save_inhibit = false;
    std::vector<Frame> frames;   // empty: fetching from the ring
    Duration started = 0;
  };
  enum class Flow : uint8_t { next, stop_step, wait, end_context, hang };

  // Scheduling.
  void schedule_step(Duration delay);
  void step();
  void start_slot(unsigned slot, bool from_idle);
  void switch_in(const Element& e);
  void context_done();       // the running context reached its tail
  void preempt_now();
  void write_csb(uint32_t status, uint32_t ctx_id);
  void update_status();
  void hang(std::string why, uint32_t bad_dword);

  // Context image.
  Status restore_context(Context& c);
  void save_context(const Context& c);
  Status access_state3d(const Context& c, bool save);
  Gprs load_gprs() const;
  void store_gprs(const Gprs& g);

  // Memory through the GTTs, as the executing context.
  AccessTag tag() const;
  bool translate(uint64_t addr, bool ppgtt, uint64_t& pa);
  bool read32(uint64_t addr, bool ppgtt, uint32_t& v);
  bool write_mem(uint64_t addr, bool ppgtt, const void* src, std::size_t len);
  bool ppgtt_batch_of(const Context& c) const;

  // Execution.
  Flow execute(const spec::gen8::CmdRow* row, std::span<const uint32_t> cmd, uint64_t address, bool ppgtt_batch,
               Duration& cost);
  Flow load_register(uint32_t offset, uint32_t value, bool privileged, Duration& cost);
  bool register_allowed(uint32_t offset) const;
  void post_sync(unsigned op, bool ggtt, bool index, uint64_t address, uint64_t data, Duration& cost);
  void raise(unsigned bit_in_half);

  spec::gen8::Engine m_id;
  Gen8Gpu& m_gpu;
  EventSource& m_events;
  const CostTable& m_costs;
  EngineState m_state = EngineState::idle;
  std::array<Slot, 2> m_slots{};
  unsigned m_write_ptr = 0;    // slot the next submission loads
  unsigned m_current = 0;      // slot running
  unsigned m_element = 0;      // element of the current slot
  bool m_preempt = false;      // a newer execlist waits for an arbitration point
  bool m_arbitration = true;   // MI_ARB_ON_OFF
  uint32_t m_last_reason = 0;  // EXECLIST_STATUS 13:5
  Context m_ctx;
  EventId m_next;
  std::string m_hang_reason;
  std::vector<CsbEvent> m_csb_log;
  std::set<uint64_t> m_context_pages;
  std::set<uint64_t> m_time_valued;
  State3d m_state3d;
  AluRegisters m_alu;             // the ALU's SRCA/SRCB/ACCU/ZF/CF between MI_MATH commands
  std::vector<uint32_t> m_fetch;  // scratch for one command's dwords
  Duration m_mem_cost = 0;        // memory cost of the accesses since the last command (charged to it)

  Counter& m_commands;
  Counter& m_switches;
  Counter& m_privilege_violations;
  Counter& m_hangs;
  Counter& m_busy;
  Counter& m_unimplemented;
  Histogram& m_context_run;
  std::array<Counter*, spec::gen8::kCmdCostNames.size()> m_by_class{};
};

}  // namespace gvtsim::model::gen8
