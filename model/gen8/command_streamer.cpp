#include "model/gen8/command_streamer.h"

#include <algorithm>
#include <cstring>

#include "base/log.h"
#include "model/gen8/gpu.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {

using namespace spec::gen8;

namespace {

// Context descriptor (gvt-reference §2.4, §2.6; i915 gt/intel_lrc.h GEN8_CTX_*).
constexpr uint64_t kDescValid = 1u << 0;
constexpr uint64_t kDescForceRestore = 1u << 2;  // GEN8_CTX_FORCE_RESTORE: no lite restore
constexpr unsigned kDescModeShift = 3;  // addressing mode 4:3: 1 = 32-bit legacy, 3 = 48-bit legacy
constexpr uint64_t kDescLrcaMask = 0xFFFFF000u;
// Interrupt bits within an engine's 16-bit half of a GT IIR: the RCS half's fields of the table
// (gvt-reference §2.11; every engine's half has the same layout).
constexpr unsigned kIrqUser = reg::GEN8_GT_IIR0::RCS_USER_INTERRUPT.lo;
constexpr unsigned kIrqMasterError = reg::GEN8_GT_IIR0::RCS_CS_MASTER_ERROR.lo;
constexpr unsigned kIrqNotify = reg::GEN8_GT_IIR0::RCS_PIPE_CONTROL_NOTIFY.lo;
constexpr unsigned kIrqContextSwitch = reg::GEN8_GT_IIR0::RCS_CONTEXT_SWITCH.lo;
// HWSP dwords of the CSB mirror (i915 I915_HWS_CSB_BUF0_INDEX 0x10, I915_HWS_CSB_WRITE_INDEX 0x1F).
constexpr uint32_t kHwspCsbBase = 0x10, kHwspCsbWrite = 0x1F;
constexpr unsigned kCsbEntries = 6;
constexpr uint32_t kLriOpcode = 0x22, kBbeOpcode = 0x0A;  // MI opcodes (gt/intel_gpu_commands.h)

uint64_t canonical48(uint64_t a) { return a & ((1ull << 48) - 1); }

}  // namespace

const char* to_string(EngineState s) {
  switch (s) {
    case EngineState::idle: return "idle";
    case EngineState::switching: return "switching";
    case EngineState::running: return "running";
    case EngineState::waiting: return "waiting";
    case EngineState::hung: return "hung";
  }
  return "?";
}

CommandStreamer::CommandStreamer(Engine id, Gen8Gpu& gpu, EventSource& events, const CostTable& costs, StatGroup stats)
    : m_id(id),
      m_gpu(gpu),
      m_events(events),
      m_costs(costs),
      m_commands(stats.counter("commands", Unit::commands, "commands executed")),
      m_switches(stats.counter("context_switches", Unit::events, "contexts switched in")),
      m_privilege_violations(stats.counter("privilege_violations", Unit::events,
                                           "privileged commands or registers dropped in non-privileged batches (D8)")),
      m_hangs(stats.counter("hangs", Unit::events, "engine hangs (unknown instruction, fault, bad descriptor)")),
      m_busy(stats.counter("busy_ps", Unit::ps, "simulated time spent executing or switching contexts")),
      m_unimplemented(stats.counter("unimplemented.commands", Unit::commands,
                                    "commands decoded but not executed by this engine (their cost is charged)")),
      m_context_run(stats.histogram("context_run_ps", Unit::ps, "run time of each context between switch-in and switch-out")) {
  stats.formula("idle_ps", Unit::ps, "simulated time the engine was not busy",
                [this] { return double(m_events.now() - std::min<Time>(m_events.now(), m_busy.value())); });
  for (std::size_t c = 0; c < kCmdCostNames.size(); ++c)
    m_by_class[c] = &stats.counter("commands_by_class." + std::string(kCmdCostNames[c]), Unit::commands,
                                   "commands executed of this cost class");
  update_status();
}

// --- submission and scheduling ------------------------------------------------------------------

void CommandStreamer::submit(uint64_t desc0, uint64_t desc1) {
  if (m_state == EngineState::hung) return;  // a hung engine takes nothing until reset
  unsigned slot = m_write_ptr;
  m_slots[slot] = Slot{{Element{desc0}, Element{desc1}}, true};
  m_write_ptr ^= 1;
  if (m_state == EngineState::idle) {
    start_slot(slot, true);
  } else {
    m_preempt = true;  // taken at the next arbitration point
    if (m_state == EngineState::waiting) {  // a wait is an arbitration point
      m_events.cancel(m_next);
      schedule_step(0);
    }
  }
  update_status();
}

void CommandStreamer::schedule_step(Duration delay) {
  m_events.cancel(m_next);
  m_next = m_events.after(delay, [this] { step(); });
}

void CommandStreamer::start_slot(unsigned slot, bool from_idle) {
  m_current = slot;
  m_element = 0;
  if (!m_slots[slot].el[0].valid()) return hang("ELSP element 0 is not valid", uint32_t(m_slots[slot].el[0].desc));
  if (from_idle) write_csb(csb::kIdleToActive, 0);  // idle-to-active carries no context id (gvt execlist.c)
  switch_in(m_slots[slot].el[0]);
}

void CommandStreamer::switch_in(const Element& e) {
  m_state = EngineState::switching;
  m_ctx = Context{};
  m_ctx.desc = e.desc;
  m_ctx.lrca = e.desc & kDescLrcaMask;
  m_ctx.id = uint32_t(e.desc >> 32);
  ++m_switches;
  update_status();
  Status s = restore_context(m_ctx);
  if (!s) return hang(s.message(), uint32_t(e.desc));
  m_ctx.started = m_events.now();
  Duration cost = m_costs.cycles_to_time(m_costs.context_switch_cycles) + m_mem_cost;
  m_mem_cost = 0;
  m_busy += cost;
  schedule_step(cost);
}

void CommandStreamer::reset() {
  m_events.cancel(m_next);
  m_state = EngineState::idle;
  m_slots = {};
  m_preempt = false;
  m_arbitration = true;
  m_hang_reason.clear();
  m_ctx = Context{};
  update_status();
}

void CommandStreamer::hang(std::string why, uint32_t bad_dword) {
  m_events.cancel(m_next);
  m_state = EngineState::hung;
  m_hang_reason = std::move(why);
  ++m_hangs;
  RegFile& regs = m_gpu.regs();
  regs.set(RegId::RING_EIR, regs.get(RegId::RING_EIR, m_id) | reg::RING_EIR::INSTRUCTION_ERROR.mask(), m_id);
  regs.set(RegId::RING_IPEHR, bad_dword, m_id);
  log::warn(log::Channel::engine, "{} hung: {}", engine_name(m_id), m_hang_reason);
  raise(kIrqMasterError);
  update_status();
}

// --- CSB, status, interrupts -----------------------------------------------------------------------

void CommandStreamer::raise(unsigned bit) {
  // Engine halves of the GT interrupt registers (gvt-reference §2.11).
  IrqGroup group = IrqGroup::gt0;
  unsigned shift = 0;
  switch (m_id) {
    case Engine::RCS: break;
    case Engine::BCS: shift = 16; break;
    case Engine::VCS: group = IrqGroup::gt1; break;
    case Engine::VCS2: group = IrqGroup::gt1, shift = 16; break;
    case Engine::VECS: group = IrqGroup::gt3; break;
  }
  m_gpu.irq().raise(group, shift + bit);
}

void CommandStreamer::write_csb(uint32_t status, uint32_t ctx_id) {
  RegFile& regs = m_gpu.regs();
  uint32_t ptr = uint32_t(regs.get(RegId::RING_CONTEXT_STATUS_PTR, m_id));
  // The write pointer names the last entry written; its reset value 7 means "none yet", so the first
  // entry goes to 0 (i915 reset_csb_pointers; docs/execlists.md).
  uint32_t last = uint32_t(reg::RING_CONTEXT_STATUS_PTR::WRITE_PTR.get(ptr));
  uint32_t wp = last >= kCsbEntries ? 0 : (last + 1) % kCsbEntries;
  regs.set(RegId::RING_CONTEXT_STATUS_BUF_LO, status, m_id, uint16_t(wp));
  regs.set(RegId::RING_CONTEXT_STATUS_BUF_HI, ctx_id, m_id, uint16_t(wp));
  regs.set(RegId::RING_CONTEXT_STATUS_PTR, reg::RING_CONTEXT_STATUS_PTR::WRITE_PTR.set(ptr, wp), m_id);
  // The mirror in the engine's hardware status page (an engine-internal access, D4).
  uint64_t hws = regs.get(RegId::RING_HWS_PGA, m_id) & 0xFFFFF000;
  auto t = m_gpu.ggtt().translate(hws);
  if (hws && t.present) {
    uint32_t entry[2] = {status, ctx_id};
    m_gpu.memory().write(t.pa + 4 * (kHwspCsbBase + 2 * wp), entry, 8, AccessTag::engine());
    m_gpu.memory().write(t.pa + 4 * kHwspCsbWrite, &wp, 4, AccessTag::engine());
  }
  m_last_reason = status & 0x1FF;
  m_csb_log.push_back({m_events.now(), status, ctx_id});
  raise(kIrqContextSwitch);
}

void CommandStreamer::update_status() {
  // EXECLIST_STATUS (gvt-reference §2.11): current pointer 0, write pointer 1, queue full 2,
  // execlist 1/0 valid 3/4, last switch reason 13:5, active element 15:14, arbitration 16,
  // execlist 1/0 active 17/18; context id in the high dword.
  namespace st = reg::RING_EXECLIST_STATUS_LO;
  bool active = m_state == EngineState::running || m_state == EngineState::switching || m_state == EngineState::waiting;
  uint64_t lo = st::CURRENT_POINTER.make(m_current) | st::WRITE_POINTER.make(m_write_ptr) |
                st::QUEUE_FULL.make(m_slots[0].valid && m_slots[1].valid) | st::EL1_VALID.make(m_slots[1].valid) |
                st::EL0_VALID.make(m_slots[0].valid) | st::LAST_SWITCH_REASON.make(m_last_reason) |
                st::ACTIVE_ELEMENT.make(active ? m_element : 0) | st::ARB_ENABLE.make(m_arbitration);
  if (active) lo |= (m_current ? st::EL1_ACTIVE : st::EL0_ACTIVE).mask();
  m_gpu.regs().set(RegId::RING_EXECLIST_STATUS_LO, lo, m_id);
  m_gpu.regs().set(RegId::RING_EXECLIST_STATUS_HI, active ? m_ctx.id : 0, m_id);
}

// --- context image ---------------------------------------------------------------------------------

// The register-state page: MI_NOOPs and LRI lists of (register, value) up to MI_BATCH_BUFFER_END
// (i915 intel_lrc.c set_offsets / the aub.md layout). Calls fn(dword index of the value, register,
// value) for each pair.
template <typename Fn>
static bool walk_state_page(MemoryPort& mem, uint64_t page_pa, AccessTag tag, Fn&& fn, Duration& cost) {
  uint32_t dw[1024];
  cost += mem.read(page_pa, dw, sizeof dw, tag);
  for (uint32_t i = 0; i < 1024;) {
    uint32_t op = dw[i] >> 23;
    if (dw[i] == 0) {
      ++i;
    } else if (op == kLriOpcode) {
      uint32_t pairs = ((dw[i] & 0xFF) + 1) / 2;
      for (uint32_t p = 0; p < pairs && i + 2 + 2 * p < 1024; ++p) fn(i + 2 + 2 * p, dw[i + 1 + 2 * p] & 0x7FFFFC, dw[i + 2 + 2 * p]);
      i += 1 + 2 * pairs;
    } else if (op == kBbeOpcode) {
      return true;
    } else {
      ++i;
    }
  }
  return true;
}

Status CommandStreamer::restore_context(Context& c) {
  auto page0 = m_gpu.ggtt().translate(c.lrca);
  auto page1 = m_gpu.ggtt().translate(c.lrca + 4096);
  if (!page0.present || !page1.present) return Status::guest_error("context image at GGTT {:#x} is not mapped", c.lrca);
  c.lrca_pa = page0.pa;
  for (unsigned p = 0; p < 19; ++p)  // 19 pages on BDW RCS (gvt-reference §2.6)
    if (auto t = m_gpu.ggtt().translate(c.lrca + 4096ull * p); t.present) m_context_pages.insert(t.pa >> 12);
  RegFile& regs = m_gpu.regs();
  Duration cost = 0;
  walk_state_page(m_gpu.memory(), page1.pa, tag(), [&](uint32_t, uint32_t offset, uint32_t value) {
    const RegInstance* r = find_reg(offset);
    if (!r || r->offset != (offset & ~3u)) return;  // registers the model does not hold
    if (r->row().masked) {
      uint32_t enable = value >> 16;
      value = (uint32_t(regs.get(*r)) & ~enable) | (value & enable & 0xFFFF);
    }
    regs.set(*r, value);
  }, cost);
  m_mem_cost += cost;
  auto get = [&](RegId id) { return uint32_t(regs.get(id, m_id)); };
  c.head = get(RegId::RING_HEAD) & 0x1FFFFC;
  c.tail = get(RegId::RING_TAIL) & 0x1FFFF8;
  c.ring_start = get(RegId::RING_START) & 0xFFFFF000;
  c.ring_size = uint32_t(reg::RING_CTL::BUFFER_LENGTH.get(get(RegId::RING_CTL)) + 1) * 4096;
  uint32_t ctl = get(RegId::RING_CONTEXT_CONTROL);
  c.restore_inhibit = reg::RING_CONTEXT_CONTROL::ENGINE_CTX_RESTORE_INHIBIT.test(ctl);
  c.save_inhibit = reg::RING_CONTEXT_CONTROL::ENGINE_CTX_SAVE_INHIBIT.test(ctl);
  unsigned mode = (c.desc >> kDescModeShift) & 3;
  if (mode != 1 && mode != 3) return Status::guest_error("descriptor {:#x}: addressing mode {} is not a legacy mode", c.desc, mode);
  c.root.mode = mode == 1 ? PpgttMode::legacy32 : PpgttMode::legacy48;
  for (unsigned i = 0; i < 4; ++i)
    c.root.pdp[i] = uint64_t(regs.get(RegId(unsigned(RegId::GEN8_RING_PDP0_UDW) + 2 * i), m_id)) << 32 |
                    regs.get(RegId(unsigned(RegId::GEN8_RING_PDP0_LDW) + 2 * i), m_id);
  m_gpu.ppgtt(m_id).invalidate_tlb();  // a new address space
  // Restore-inhibit: the engine's power-on defaults instead of the image's 3D state (D14).
  if (m_id != Engine::RCS) return Status::ok();
  if (c.restore_inhibit) {
    m_state3d.clear();
    return Status::ok();
  }
  return access_state3d(c, false);
}

void CommandStreamer::save_context(const Context& c) {
  auto page1 = m_gpu.ggtt().translate(c.lrca + 4096);
  if (!page1.present) return;
  RegFile& regs = m_gpu.regs();
  // CTX_TIMESTAMP accumulates the context's run time in timestamp ticks (80 ns) and is saved with it.
  Duration ran = m_events.now() - c.started;
  m_context_run.sample(ran);
  regs.set(RegId::RING_CTX_TIMESTAMP, uint32_t(regs.get(RegId::RING_CTX_TIMESTAMP, m_id) + ran / ns(80)), m_id);
  // The ring context: HEAD where the engine stopped, and every LRI value from the registers.
  regs.set(RegId::RING_HEAD, (regs.get(RegId::RING_HEAD, m_id) & ~0x1FFFFCull) | c.head, m_id);
  std::vector<std::pair<uint32_t, uint32_t>> updates;
  Duration cost = 0;
  walk_state_page(m_gpu.memory(), page1.pa, tag(), [&](uint32_t index, uint32_t offset, uint32_t) {
    const RegInstance* r = find_reg(offset);
    if (!r || r->offset != (offset & ~3u)) return;
    uint32_t v = uint32_t(regs.get(*r));
    if (r->row().masked) v |= 0xFFFF0000;  // masked registers are saved with their enables
    updates.push_back({index, v});
  }, cost);
  for (auto [index, v] : updates) m_gpu.memory().write(page1.pa + 4 * index, &v, 4, tag());
  // Save-inhibit keeps the image's engine state as it was (i915 CTX_CTRL_ENGINE_CTX_SAVE_INHIBIT).
  if (m_id == Engine::RCS && !c.save_inhibit) {
    if (Status st = access_state3d(c, true); !st)
      log::warn(log::Channel::engine, "{}: 3D state not saved: {}", engine_name(m_id), st.message());
  }
}

// Pages 2..18 of the render context image hold the 3D state vector (docs/context-image.md).
Status CommandStreamer::access_state3d(const Context& c, bool save) {
  std::vector<uint8_t> buf(kState3dImageBytes);
  std::vector<uint64_t> pas;
  for (std::size_t p = 0; p < kState3dPages; ++p) {
    auto t = m_gpu.ggtt().translate(c.lrca + kState3dImageOffset + p * kContextPageBytes);
    if (!t.present) return Status::guest_error("context image page {} at GGTT {:#x} is not mapped", kState3dFirstPage + p, c.lrca);
    pas.push_back(t.pa);
  }
  if (save) {
    if (Status st = m_state3d.save(buf); !st) return st;
    for (std::size_t p = 0; p < pas.size(); ++p)
      m_mem_cost += m_gpu.memory().write(pas[p], buf.data() + p * kContextPageBytes, kContextPageBytes, tag());
    return Status::ok();
  }
  for (std::size_t p = 0; p < pas.size(); ++p)
    m_mem_cost += m_gpu.memory().read(pas[p], buf.data() + p * kContextPageBytes, kContextPageBytes, tag());
  return m_state3d.restore(buf);
}

Gprs CommandStreamer::load_gprs() const {
  Gprs g;
  for (uint16_t i = 0; i < 16; ++i) g.r[i] = m_gpu.regs().get(RegId::CS_GPR, m_id, i);
  return g;
}

void CommandStreamer::store_gprs(const Gprs& g) {
  for (uint16_t i = 0; i < 16; ++i) m_gpu.regs().set(RegId::CS_GPR, g.r[i], m_id, i);
}

// --- memory ----------------------------------------------------------------------------------------

AccessTag CommandStreamer::tag() const { return AccessTag::of_context(m_ctx.lrca_pa); }

bool CommandStreamer::translate(uint64_t addr, bool ppgtt, uint64_t& pa) {
  if (ppgtt) {
    auto t = m_gpu.ppgtt(m_id).translate(m_ctx.root, addr, tag(), m_ctx.id);
    m_mem_cost += t.cost;
    pa = t.pa;
    return t.ok;
  }
  auto t = m_gpu.ggtt().translate(addr);
  pa = t.pa;
  return t.present;
}

bool CommandStreamer::read32(uint64_t addr, bool ppgtt, uint32_t& v) {
  uint64_t pa;
  if (!translate(addr, ppgtt, pa)) return false;
  m_mem_cost += m_gpu.memory().read(pa, &v, 4, tag());
  return true;
}

bool CommandStreamer::write_mem(uint64_t addr, bool ppgtt, const void* src, std::size_t len) {
  std::size_t done = 0;
  const auto* p = static_cast<const uint8_t*>(src);
  while (done < len) {
    uint64_t a = addr + done, pa;
    std::size_t n = std::min<std::size_t>(len - done, 4096 - (a & 0xFFF));
    if (!translate(a, ppgtt, pa)) return false;
    m_mem_cost += m_gpu.memory().write(pa, p + done, n, tag());
    done += n;
  }
  return true;
}

// --- execution -------------------------------------------------------------------------------------

void CommandStreamer::step() {
  if (m_state == EngineState::hung || m_state == EngineState::idle) return;
  if (m_state == EngineState::switching || m_state == EngineState::waiting) m_state = EngineState::running;
  update_status();
  Duration cost = 0;
  Flow flow = Flow::next;
  RegFile& regs = m_gpu.regs();
  while (flow == Flow::next && cost < m_costs.engine_quantum) {
    Context& c = m_ctx;
    bool in_ring = c.frames.empty();
    if (in_ring && m_preempt) {  // a ring command boundary is an arbitration point
      preempt_now();
      return;
    }
    uint64_t addr;
    bool ppgtt;
    if (in_ring) {
      if (c.head == c.tail) {
        flow = Flow::end_context;
        break;
      }
      addr = c.ring_start + c.head;
      ppgtt = false;
    } else {
      addr = c.frames.back().address;
      ppgtt = c.frames.back().ppgtt;
    }
    uint32_t dw0;
    if (!read32(addr, ppgtt, dw0)) return hang(fmt::format("fault fetching a command at {} {:#x}", ppgtt ? "PPGTT" : "GGTT", addr), 0);
    const CmdRow* row = decode_header(dw0, m_id);
    if (!row) return hang(fmt::format("unknown instruction {:#010x} at {:#x}", dw0, addr), dw0);
    uint32_t len = command_length(*row, dw0);
    m_fetch.assign(len, 0);
    m_fetch[0] = dw0;
    for (uint32_t i = 1; i < len; ++i)
      if (!read32(addr + 4 * i, ppgtt, m_fetch[i])) return hang(fmt::format("fault fetching {} at {:#x}", row->name, addr), dw0);
    // Advance first: a batch start pushes a frame that must resume after this command.
    if (in_ring) c.head = (c.head + 4 * len) % c.ring_size;
    else c.frames.back().address += 4ull * len;
    regs.set(RegId::RING_ACTHD, uint32_t(addr), m_id);
    regs.set(RegId::RING_HEAD, (regs.get(RegId::RING_HEAD, m_id) & ~0x1FFFFCull) | c.head, m_id);
    bool privileged = in_ring || !ppgtt_batch_of(c);
    flow = execute(row, m_fetch, addr, !privileged, cost);
    cost += m_mem_cost;  // fetch, walks and the command's own memory traffic
    m_mem_cost = 0;
    if (flow == Flow::wait) {  // re-executes this command after the poll interval
      if (in_ring) c.head = (c.head + c.ring_size - 4 * len) % c.ring_size;
      else c.frames.back().address -= 4ull * len;
    }
  }
  m_busy += cost;
  switch (flow) {
    case Flow::hang: return;
    case Flow::end_context:
      m_events.cancel(m_next);
      m_next = m_events.after(cost, [this] { context_done(); });
      return;
    case Flow::wait:
      m_state = EngineState::waiting;
      update_status();
      schedule_step(std::max<Duration>(cost, m_costs.semaphore_poll));
      return;
    default:
      schedule_step(cost);
  }
}

void CommandStreamer::context_done() {
  Context done = m_ctx;
  save_context(done);  // the ring context is always saved; save-inhibit concerns the 3D state
  Slot& slot = m_slots[m_current];
  bool has_next_element = m_element == 0 && slot.el[1].valid();
  if (m_preempt) {  // a new execlist waited: it takes over
    preempt_now();
    return;
  }
  if (has_next_element) {
    write_csb(csb::kElementSwitch | csb::kComplete, done.id);
    m_element = 1;
    switch_in(slot.el[1]);
    return;
  }
  slot.valid = false;
  m_state = EngineState::idle;
  write_csb(csb::kActiveToIdle | csb::kComplete, done.id);
  update_status();
}

void CommandStreamer::preempt_now() {
  m_preempt = false;
  Context old = m_ctx;
  save_context(old);
  m_slots[m_current].valid = false;
  unsigned next = m_current ^ 1;
  if (!m_slots[next].valid) {  // nothing newer after all
    m_state = EngineState::idle;
    update_status();
    return;
  }
  const Element& e0 = m_slots[next].el[0];
  // Lite restore: the running context resubmitted (same LRCA and id, docs/execlists.md), unless the
  // descriptor forces a full restore.
  bool same = (e0.desc & kDescLrcaMask) == old.lrca && uint32_t(e0.desc >> 32) == old.id && !(e0.desc & kDescForceRestore);
  write_csb(same ? csb::kLiteRestore | csb::kPreempted : csb::kPreempted, old.id);
  m_current = next;
  m_element = 0;
  switch_in(e0);
}

bool CommandStreamer::ppgtt_batch_of(const Context& c) const {
  // The first-level batch decides privilege: a PPGTT batch is non-privileged (D8).
  return !c.frames.empty() && c.frames.front().ppgtt;
}

bool CommandStreamer::register_allowed(uint32_t offset) const {
  const RegInstance* r = find_reg(offset);
  if (r && r->row().user_writable) return true;
  // FORCE_TO_NONPRIV whitelist entries (RCS): register offsets in bits 22:2.
  if (m_id == Engine::RCS)
    for (uint16_t i = 0; i < reg::RING_FORCE_TO_NONPRIV::count; ++i)
      if (uint32_t(m_gpu.regs().get(RegId::RING_FORCE_TO_NONPRIV, Engine::RCS, i)) != 0 &&
          (uint32_t(m_gpu.regs().get(RegId::RING_FORCE_TO_NONPRIV, Engine::RCS, i)) & 0x7FFFFC) == offset)
        return true;
  return false;
}

CommandStreamer::Flow CommandStreamer::load_register(uint32_t offset, uint32_t value, bool nonpriv, Duration& cost) {
  bool check = !reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE.test(m_gpu.regs().get(RegId::GFX_MODE, m_id));
  if (nonpriv && check && !register_allowed(offset)) {
    ++m_privilege_violations;
    log::debug(log::Channel::engine, "{}: LRI to {:#x} dropped in a non-privileged batch", engine_name(m_id), offset);
    RegFile& regs = m_gpu.regs();
    regs.set(RegId::RING_EIR, regs.get(RegId::RING_EIR, m_id) | reg::RING_EIR::CP_PRIV.mask(), m_id);
    return Flow::next;
  }
  (void)m_gpu.regs().mmio_write(offset, 4, value);  // as a CPU write: masks and side effects apply
  cost += m_costs.cycles_to_time(2);
  return Flow::next;
}

void CommandStreamer::post_sync(unsigned op, bool ggtt, bool index, uint64_t address, uint64_t data, Duration& cost) {
  // Post-sync operation (PIPE_CONTROL DW1 15:14, MI_FLUSH_DW DW0 15:14): 1 write immediate,
  // 2 write depth count (PIPE_CONTROL) / reserved, 3 write timestamp. Store-data-index writes
  // relative to the global HWSP (D15).
  if (op == 0) return;
  uint64_t value = data;
  bool timed = false;
  if (op == 3) {
    value = m_gpu.timestamp() + (cost + 79999) / 80000;
    timed = true;
  } else if (op == 2) {
    value = 0;  // depth count: pixels are not rendered
  }
  uint64_t target = address;
  bool via_ppgtt = !ggtt;
  if (index) {
    target = (m_gpu.regs().get(RegId::RING_HWS_PGA, m_id) & 0xFFFFF000) + (address & 0xFFF);
    via_ppgtt = false;
  }
  std::size_t len = op == 1 ? 4 : 8;
  if (op == 1 && (data >> 32)) len = 8;
  uint64_t pa;
  if (translate(target, via_ppgtt, pa) && timed) {
    m_time_valued.insert(pa >> 2);
    m_time_valued.insert((pa >> 2) + 1);
  }
  write_mem(target, via_ppgtt, &value, len);
}

CommandStreamer::Flow CommandStreamer::execute(const CmdRow* row, std::span<const uint32_t> cmd, uint64_t address,
                                               bool nonpriv, Duration& cost) {
  ++m_commands;
  ++*m_by_class[std::size_t(row->cost)];
  cost += m_costs.command(row->cost);
  bool check = !reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE.test(m_gpu.regs().get(RegId::GFX_MODE, m_id));
  if (nonpriv && check && row->privilege == CmdPrivilege::privileged) {
    ++m_privilege_violations;  // the hardware NOOPs it (D8)
    m_gpu.regs().set(RegId::RING_EIR, m_gpu.regs().get(RegId::RING_EIR, m_id) | reg::RING_EIR::CP_PRIV.mask(), m_id);
    return Flow::next;
  }
  Context& c = m_ctx;
  switch (row->id) {
    case CmdId::MI_NOOP:
    case CmdId::MI_ARB_CHECK:  // preemption happens between batches (see the header)
      return Flow::next;
    case CmdId::MI_ARB_ON_OFF:
      m_arbitration = cmd::MI_ARB_ON_OFF::ARBITRATION_ENABLE.get(cmd);
      return Flow::next;
    case CmdId::MI_BATCH_BUFFER_START: {
      uint64_t target = canonical48(cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS.get(cmd));
      bool ppgtt = cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR.get(cmd);
      bool second = cmd::MI_BATCH_BUFFER_START::SECOND_LEVEL_BATCH_BUFFER.get(cmd);
      if (c.frames.empty()) c.frames.push_back({target, ppgtt, 1});
      else if (second && c.frames.back().level == 1) c.frames.push_back({target, ppgtt, 2});
      else c.frames.back() = {target, ppgtt, c.frames.back().level};  // chained
      return Flow::next;
    }
    case CmdId::MI_BATCH_BUFFER_END:
      if (!c.frames.empty()) c.frames.pop_back();  // in the ring it is a no-op
      return Flow::next;
    case CmdId::MI_LOAD_REGISTER_IMM: {
      unsigned n = cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET.groups(cmd.size());
      for (unsigned i = 0; i < n; ++i)
        load_register(uint32_t(cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET.get(cmd, i)),
                      uint32_t(cmd::MI_LOAD_REGISTER_IMM::DATA_DWORD.get(cmd, i)), nonpriv, cost);
      return Flow::next;
    }
    case CmdId::MI_STORE_DATA_IMM: {
      bool ggtt = cmd::MI_STORE_DATA_IMM::USE_GLOBAL_GTT.get(cmd);
      if (nonpriv && check && ggtt) {  // a GGTT store is privileged (commands.toml privilege "ggtt")
        ++m_privilege_violations;
        return Flow::next;
      }
      uint64_t a = canonical48(cmd::MI_STORE_DATA_IMM::ADDRESS.get(cmd));
      uint64_t data = cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA.get(cmd);
      std::size_t len = cmd::MI_STORE_DATA_IMM::STORE_QWORD.get(cmd) ? 8 : 4;
      if (!write_mem(a, !ggtt, &data, len)) return hang(fmt::format("MI_STORE_DATA_IMM to unmapped {:#x}", a), cmd[0]), Flow::hang;
      return Flow::next;
    }
    case CmdId::MI_STORE_DATA_INDEX: {
      // D15: the per-process HWSP (LRCA page 0) with DW0 bit 21, else the global HWSP.
      uint32_t offset = uint32_t(cmd::MI_STORE_DATA_INDEX::OFFSET.get(cmd)) << 2;
      bool per_process = cmd::MI_STORE_DATA_INDEX::USE_PER_PROCESS_HARDWARE_STATUS_PAGE.get(cmd);
      uint64_t page = per_process ? c.lrca : (m_gpu.regs().get(RegId::RING_HWS_PGA, m_id) & 0xFFFFF000);
      uint64_t data = cmd::MI_STORE_DATA_INDEX::DATA_DWORD_0.get(cmd);
      std::size_t len = 4;
      if (cmd.size() >= 4) data |= uint64_t(cmd::MI_STORE_DATA_INDEX::DATA_DWORD_1.get(cmd)) << 32, len = 8;
      if (offset + len > 4096) return hang("MI_STORE_DATA_INDEX offset beyond the status page", cmd[0]), Flow::hang;
      write_mem(page + offset, false, &data, len);
      return Flow::next;
    }
    case CmdId::MI_LOAD_REGISTER_MEM: {
      bool ggtt = cmd::MI_LOAD_REGISTER_MEM::USE_GLOBAL_GTT.get(cmd);
      uint32_t v;
      uint64_t a = canonical48(cmd::MI_LOAD_REGISTER_MEM::MEMORY_ADDRESS.get(cmd));
      if (!read32(a, !ggtt, v)) return hang(fmt::format("MI_LOAD_REGISTER_MEM from unmapped {:#x}", a), cmd[0]), Flow::hang;
      return load_register(uint32_t(cmd::MI_LOAD_REGISTER_MEM::REGISTER_ADDRESS.get(cmd)), v, nonpriv, cost);
    }
    case CmdId::MI_STORE_REGISTER_MEM: {
      bool ggtt = cmd::MI_STORE_REGISTER_MEM::USE_GLOBAL_GTT.get(cmd);
      uint32_t reg_off = uint32_t(cmd::MI_STORE_REGISTER_MEM::REGISTER_ADDRESS.get(cmd));
      uint64_t a = canonical48(cmd::MI_STORE_REGISTER_MEM::MEMORY_ADDRESS.get(cmd));
      auto v = m_gpu.regs().mmio_read(reg_off, 4);
      uint32_t value = v ? uint32_t(*v) : 0;
      const RegInstance* r = find_reg(reg_off);
      bool timed = r && (r->id == RegId::RING_TIMESTAMP || r->id == RegId::RING_TIMESTAMP_UDW || r->id == RegId::RING_CTX_TIMESTAMP);
      uint64_t pa;
      if (timed && translate(a, !ggtt, pa)) m_time_valued.insert(pa >> 2);
      if (!write_mem(a, !ggtt, &value, 4)) return hang(fmt::format("MI_STORE_REGISTER_MEM to unmapped {:#x}", a), cmd[0]), Flow::hang;
      return Flow::next;
    }
    case CmdId::MI_LOAD_REGISTER_REG: {
      auto v = m_gpu.regs().mmio_read(uint32_t(cmd::MI_LOAD_REGISTER_REG::SOURCE_REGISTER_ADDRESS.get(cmd)), 4);
      return load_register(uint32_t(cmd::MI_LOAD_REGISTER_REG::DESTINATION_REGISTER_ADDRESS.get(cmd)), v ? uint32_t(*v) : 0,
                           nonpriv, cost);
    }
    case CmdId::MI_USER_INTERRUPT:
      raise(kIrqUser);
      return Flow::stop_step;  // an interrupt is a cross-domain effect: sync
    case CmdId::MI_FLUSH_DW: {
      unsigned op = unsigned(cmd::MI_FLUSH_DW::POST_SYNC_OPERATION.get(cmd));
      post_sync(op, cmd::MI_FLUSH_DW::DESTINATION_ADDRESS_TYPE.get(cmd), cmd::MI_FLUSH_DW::STORE_DATA_INDEX.get(cmd),
                canonical48(cmd::MI_FLUSH_DW::ADDRESS.get(cmd)), cmd::MI_FLUSH_DW::IMMEDIATE_DATA.get(cmd), cost);
      if (cmd::MI_FLUSH_DW::NOTIFY_ENABLE.get(cmd)) {
        raise(kIrqNotify);
        return Flow::stop_step;
      }
      return Flow::next;
    }
    case CmdId::PIPE_CONTROL: {
      unsigned op = unsigned(cmd::PIPE_CONTROL::POST_SYNC_OPERATION.get(cmd));
      post_sync(op, cmd::PIPE_CONTROL::DESTINATION_ADDRESS_TYPE.get(cmd), cmd::PIPE_CONTROL::STORE_DATA_INDEX.get(cmd),
                canonical48(cmd::PIPE_CONTROL::ADDRESS.get(cmd)), cmd::PIPE_CONTROL::IMMEDIATE_DATA.get(cmd), cost);
      // LRI post-sync (DW1 bit 23): the immediate data's low dword is written to the register at
      // Address (gvt-reference §2.11; genxml PIPE_CONTROL "LRI Post Sync Operation").
      if (cmd::PIPE_CONTROL::LRI_POST_SYNC_OPERATION.get(cmd))
        load_register(uint32_t(cmd::PIPE_CONTROL::ADDRESS.get(cmd)) & 0x7FFFFC,
                      uint32_t(cmd::PIPE_CONTROL::IMMEDIATE_DATA.get(cmd)), nonpriv, cost);
      if (cmd::PIPE_CONTROL::COMMAND_STREAMER_STALL_ENABLE.get(cmd)) cost += m_costs.cycles_to_time(m_costs.cs_stall_cycles);
      if (cmd::PIPE_CONTROL::NOTIFY_ENABLE.get(cmd)) {
        raise(kIrqNotify);
        return Flow::stop_step;
      }
      return Flow::next;
    }
    case CmdId::_3DPRIMITIVE: {
      uint64_t vertices = cmd::_3DPRIMITIVE::VERTEX_COUNT_PER_INSTANCE.get(cmd);
      uint64_t instances = std::max<uint64_t>(1, cmd::_3DPRIMITIVE::INSTANCE_COUNT.get(cmd));
      cost += m_costs.cycles_to_time(vertices * instances * m_costs.primitive_vertex_cycles_num / m_costs.primitive_vertex_cycles_den);
      return Flow::next;
    }
    case CmdId::MI_MATH: {
      Gprs g = load_gprs();
      MathResult r = execute_mi_math(cmd.subspan(1), g, m_alu);
      if (!r.is_ok()) return hang("MI_MATH: " + r.status.message(), cmd[0]), Flow::hang;
      store_gprs(g);
      cost += m_costs.cycles_to_time(r.executed);
      return Flow::next;
    }
    case CmdId::MI_PREDICATE: {
      auto op = decode_mi_predicate(cmd[0]);
      if (!op) return hang("MI_PREDICATE: " + op.status().message(), cmd[0]), Flow::hang;
      RegFile& regs = m_gpu.regs();
      PredicateRegisters pr{regs.get(RegId::MI_PREDICATE_SRC0), regs.get(RegId::MI_PREDICATE_SRC1),
                            regs.get(RegId::MI_PREDICATE_DATA), regs.get(RegId::MI_PREDICATE_RESULT) != 0};
      pr = apply_mi_predicate(*op, pr);
      regs.set(RegId::MI_PREDICATE_DATA, pr.data);
      regs.set(RegId::MI_PREDICATE_RESULT, pr.result ? 1 : 0);
      return Flow::next;
    }
    case CmdId::MI_SEMAPHORE_WAIT: {
      auto op = decode_semaphore_compare(cmd[0]);
      if (!op) return hang("MI_SEMAPHORE_WAIT: " + op.status().message(), cmd[0]), Flow::hang;
      uint64_t a = canonical48(cmd::MI_SEMAPHORE_WAIT::SEMAPHORE_ADDRESS.get(cmd));
      bool ggtt = cmd::MI_SEMAPHORE_WAIT::MEMORY_TYPE.get(cmd);
      uint32_t v;
      if (!read32(a, !ggtt, v)) return hang(fmt::format("MI_SEMAPHORE_WAIT on unmapped {:#x}", a), cmd[0]), Flow::hang;
      if (semaphore_satisfied(*op, v, uint32_t(cmd::MI_SEMAPHORE_WAIT::SEMAPHORE_DATA_DWORD.get(cmd)))) return Flow::next;
      // Polling mode (and signal mode, which this model polls too): check again later; a wait is an
      // arbitration point.
      return Flow::wait;
    }
    case CmdId::MI_ATOMIC: {
      bool ggtt = cmd::MI_ATOMIC::MEMORY_TYPE.get(cmd);
      uint64_t a = canonical48(cmd::MI_ATOMIC::MEMORY_ADDRESS.get(cmd));
      unsigned size_code = unsigned(cmd::MI_ATOMIC::DATA_SIZE.get(cmd));
      unsigned bytes = size_code < 3 ? 4u << size_code : 4u;
      uint8_t old_bytes[16] = {};
      uint64_t pa;
      if (!translate(a, !ggtt, pa)) return hang(fmt::format("MI_ATOMIC on unmapped {:#x}", a), cmd[0]), Flow::hang;
      m_mem_cost += m_gpu.memory().read(pa, old_bytes, bytes, tag());
      Gprs g = load_gprs();
      AtomicOperands ops = cmd::MI_ATOMIC::INLINE_DATA.get(cmd) ? atomic_inline_operands(cmd) : atomic_gpr_operands(g);
      auto r = apply_atomic(uint32_t(cmd::MI_ATOMIC::ATOMIC_OPCODE.get(cmd)), size_code,
                            atomic_value_from_bytes(std::span<const uint8_t>(old_bytes, bytes)), ops);
      if (!r) return hang("MI_ATOMIC: " + r.status().message(), cmd[0]), Flow::hang;
      uint8_t new_bytes[16];
      atomic_value_to_bytes(r->new_value, std::span<uint8_t>(new_bytes, bytes));
      write_mem(a, !ggtt, new_bytes, bytes);
      if (cmd::MI_ATOMIC::RETURN_DATA_CONTROL.get(cmd)) {
        store_atomic_return(*r, g);
        store_gprs(g);
      }
      return Flow::next;
    }
    case CmdId::MI_CONDITIONAL_BATCH_BUFFER_END: {
      bool ggtt = cmd::MI_CONDITIONAL_BATCH_BUFFER_END::USE_GLOBAL_GTT.get(cmd);
      uint64_t a = canonical48(cmd::MI_CONDITIONAL_BATCH_BUFFER_END::COMPARE_ADDRESS.get(cmd));
      uint32_t v;
      if (!read32(a, !ggtt, v)) return hang(fmt::format("MI_CONDITIONAL_BATCH_BUFFER_END on unmapped {:#x}", a), cmd[0]), Flow::hang;
      if (conditional_bb_end(uint32_t(cmd::MI_CONDITIONAL_BATCH_BUFFER_END::COMPARE_DATA_DWORD.get(cmd)), v,
                             cmd::MI_CONDITIONAL_BATCH_BUFFER_END::COMPARE_SEMAPHORE.get(cmd))) {
        // Ends the batch; from a second-level batch it ends the first-level one too (mi_semantics.h).
        if (!c.frames.empty() && c.frames.back().level == 2) c.frames.pop_back();
        if (!c.frames.empty()) c.frames.pop_back();
      }
      return Flow::next;
    }
    case CmdId::GPGPU_WALKER: {
      uint64_t groups = std::max<uint64_t>(1, cmd::GPGPU_WALKER::THREAD_GROUP_ID_X_DIMENSION.get(cmd)) *
                        std::max<uint64_t>(1, cmd::GPGPU_WALKER::THREAD_GROUP_ID_Y_DIMENSION.get(cmd)) *
                        std::max<uint64_t>(1, cmd::GPGPU_WALKER::THREAD_GROUP_ID_Z_DIMENSION.get(cmd));
      cost += m_costs.cycles_to_time(groups * m_costs.walker_thread_group_cycles);
      return Flow::next;
    }
    default:
      break;
  }
  // 3D / media / GPGPU state: kept in the context's state vector (pixels are not rendered).
  if (m_id == Engine::RCS && m_state3d.record(*row, cmd)) return Flow::next;
  ++m_unimplemented;  // decoded and charged, not executed: blits, MFX, VEBOX, media objects
  log::debug(log::Channel::engine, "{}: {} at {:#x} not executed", engine_name(m_id), row->name, address);
  return Flow::next;
}

}  // namespace gvtsim::model::gen8
