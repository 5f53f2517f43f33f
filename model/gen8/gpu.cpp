#include "model/gen8/gpu.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "base/log.h"

namespace gvtsim::model::gen8 {

using namespace spec::gen8;

namespace {
const Sku& sku_of(uint16_t device_id) {
  const Sku* s = find_sku(device_id);
  GVT_ASSERT(s, "PCI device id {:#06x} is not in the SKU table", device_id);
  return *s;
}
}  // namespace

Gen8Gpu::Gen8Gpu(const GpuConfig& cfg, MemoryPort& memory, StatGroup stats, EventQueue& queue)
    : m_cfg(cfg),
      m_sku(&sku_of(cfg.device_id)),
      m_queue(queue),
      m_mem(&memory),
      m_stats(stats),
      m_pci(cfg.device_id, cfg.aperture_size),
      m_regs(stats.group("regs")),
      m_irq(m_regs, stats.group("irq")),
      m_ggtt(stats.group("ggtt")),
      m_msis(stats.counter("irq.msis", Unit::events, "MSI writes sent")),
      m_intx(stats.counter("unimplemented.intx", Unit::events, "interrupts with MSI disabled (legacy INTx is not modelled)")),
      m_bar0_hole(stats.counter("unimplemented.bar0_hole", Unit::count, "BAR0 accesses between 2 MB and 8 MB")),
      m_elsp_unimplemented(stats.counter("unimplemented.execlist_submission", Unit::count,
                                         "complete ELSP submissions with no execlist engine bound yet")),
      m_legacy_ring(stats.counter("unimplemented.legacy_ringbuffer", Unit::count,
                                  "ring-buffer mode use (TAIL/CTL with execlists off): out of scope for GVT-g on BDW")),
      m_aperture_faults(stats.counter("aperture.faults", Unit::events, "aperture accesses through non-present GGTT entries")) {
  m_regs.set_present_engines(m_sku->engines);
  const Time* now = queue.now_ptr();
  m_ggtt.set_time_source(now);
  for (std::size_t e = 0; e < kEngineCount; ++e)
    m_ppgtt[e] = std::make_unique<PpgttWalker>(memory, stats.group(std::string("ppgtt.") + std::string(engine_name(Engine(e)))),
                                               m_sku->ppgtt_1g_pages);
  for (auto& w : m_ppgtt) w->set_time_source(now);
  for (std::size_t e = 0; e < kEngineCount; ++e) {
    if (!engine_present(Engine(e))) continue;
    std::string name(engine_name(Engine(e)));
    for (auto& ch : name) ch = char(std::tolower(ch));
    m_engines[e] = std::make_unique<CommandStreamer>(Engine(e), *this, queue.source("gpu." + name, EventBand::hardware),
                                                     m_cfg.costs, stats.group("engine." + name));
  }
  m_irq.on_assert = [this] {
    if (m_pci.msi_enabled() && m_pci.bus_master()) {
      ++m_msis;
      if (on_msi) on_msi(m_pci.msi_address(), m_pci.msi_data());
    } else {
      ++m_intx;
    }
  };
  bind_effects();
}

void Gen8Gpu::set_memory_port(MemoryPort& port) {
  m_mem = &port;
  for (auto& w : m_ppgtt) w->set_memory(port);
}

void Gen8Gpu::reset() {
  m_pci.reset();
  m_regs.reset();
  m_ggtt.reset();
  for (auto& w : m_ppgtt) w->invalidate_tlb();
  m_elsp = {};
  m_irq.update();
}

uint8_t Gen8Gpu::ppat(unsigned i) const {
  uint32_t v = m_regs.peek(i < 4 ? reg::GEN8_PRIVATE_PAT_LO::offset : reg::GEN8_PRIVATE_PAT_HI::offset);
  return uint8_t(v >> (8 * (i & 3)));
}

// --- BARs -----------------------------------------------------------------------------------------

Result<uint64_t> Gen8Gpu::bar0_read(uint64_t offset, unsigned size) {
  if (!m_pci.memory_enabled()) return Status::guest_error("BAR0 read with memory decode disabled");
  if (offset < kMmioWindow) return m_regs.mmio_read(uint32_t(offset), size);
  if (offset >= kBar0GgttOffset && offset < kBar0Size) return m_ggtt.window_read(offset - kBar0GgttOffset, size);
  if (offset >= kBar0Size) return Status::guest_error("BAR0 read at {:#x}: beyond 16 MB", offset);
  ++m_bar0_hole;
  return uint64_t{0};
}

Status Gen8Gpu::bar0_write(uint64_t offset, unsigned size, uint64_t value) {
  if (!m_pci.memory_enabled()) return Status::guest_error("BAR0 write with memory decode disabled");
  if (offset < kMmioWindow) return m_regs.mmio_write(uint32_t(offset), size, value);
  if (offset >= kBar0GgttOffset && offset < kBar0Size) return m_ggtt.window_write(offset - kBar0GgttOffset, size, value);
  if (offset >= kBar0Size) return Status::guest_error("BAR0 write at {:#x}: beyond 16 MB", offset);
  ++m_bar0_hole;
  return Status::ok();
}

Result<Duration> Gen8Gpu::aperture(uint64_t offset, uint8_t* buf, std::size_t len, Owner owner, bool write) {
  if (!m_pci.memory_enabled()) return Status::guest_error("BAR2 access with memory decode disabled");
  if (offset > m_pci.aperture_size() || len > m_pci.aperture_size() - offset)
    return Status::guest_error("BAR2 access of {} bytes at {:#x}: beyond the {} MB aperture", len, offset, m_pci.aperture_size() >> 20);
  Duration cost = 0;
  std::size_t done = 0;
  while (done < len) {
    uint64_t gma = offset + done;  // the aperture maps graphics memory from address 0
    std::size_t n = std::min<std::size_t>(len - done, 4096 - (gma & 0xFFF));
    GgttTranslation t = m_ggtt.translate(gma);
    if (!t.present) {
      ++m_aperture_faults;  // reads see the scratch page (zeros); writes are dropped
      if (!write) std::fill(buf + done, buf + done + n, 0);
    } else if (write) {
      cost += m_mem->write(t.pa, buf + done, n, AccessTag::aperture(owner));
    } else {
      cost += m_mem->read(t.pa, buf + done, n, AccessTag::aperture(owner));
    }
    done += n;
  }
  return cost;
}

Result<Duration> Gen8Gpu::bar2_read(uint64_t offset, void* dst, std::size_t len, Owner owner) {
  return aperture(offset, static_cast<uint8_t*>(dst), len, owner, false);
}

Result<Duration> Gen8Gpu::bar2_write(uint64_t offset, const void* src, std::size_t len, Owner owner) {
  return aperture(offset, const_cast<uint8_t*>(static_cast<const uint8_t*>(src)), len, owner, true);
}

// --- register side effects --------------------------------------------------------------------------

void Gen8Gpu::engine_reset(Engine e) {
  // The engine's submission state goes back to power-on: its ring registers, execlist status, CSB
  // pointer and ELSP latch (i915 intel_engine_reset; the engine is re-initialised by the driver).
  for (RegId id : {RegId::RING_TAIL, RegId::RING_HEAD, RegId::RING_START, RegId::RING_CTL, RegId::RING_EXECLIST_STATUS_LO,
                   RegId::RING_EXECLIST_STATUS_HI, RegId::RING_CONTEXT_STATUS_PTR, RegId::RING_MI_MODE, RegId::RING_RESET_CTL})
    if (const RegInstance* r = find_reg(id, e)) m_regs.set(*r, r->row().reset);
  m_elsp[std::size_t(e)].count = 0;
  m_ppgtt[std::size_t(e)]->invalidate_tlb();
  if (CommandStreamer* cs = engine(e)) cs->reset();
  ++m_resets[std::size_t(e)];
}

void Gen8Gpu::bind_effects() {
  using Hooks = RegFile::Hooks;
  auto execlists_on = [this](Engine e) { return reg::GFX_MODE::EXECLIST_ENABLE.test(m_regs.get(RegId::GFX_MODE, e)); };

  // Ring-buffer submission (TAIL / CTL writes with execlists off): not part of GVT-g on BDW.
  m_regs.bind(RegEffect::ring_tail, Hooks{nullptr, [this, execlists_on](const RegInstance& r, unsigned, uint32_t, uint32_t, uint32_t) {
                if (!execlists_on(r.engine) && reg::RING_CTL::RING_VALID.test(m_regs.get(RegId::RING_CTL, r.engine))) ++m_legacy_ring;
              }});
  m_regs.bind(RegEffect::ring_ctl, Hooks{nullptr, [this, execlists_on](const RegInstance& r, unsigned, uint32_t before, uint32_t now, uint32_t) {
                if (!execlists_on(r.engine) && reg::RING_CTL::RING_VALID.test(now) && !reg::RING_CTL::RING_VALID.test(before)) ++m_legacy_ring;
              }});
  m_regs.bind(RegEffect::gfx_mode, Hooks{nullptr, [](const RegInstance& r, unsigned, uint32_t before, uint32_t now, uint32_t) {
                if (reg::GFX_MODE::EXECLIST_ENABLE.test(before ^ now))
                  log::debug(log::Channel::engine, "{}: execlists {}", engine_name(r.engine),
                             reg::GFX_MODE::EXECLIST_ENABLE.test(now) ? "enabled" : "disabled");
              }});
  // ELSP: a write-only port (reads 0) latching four dwords; the fourth submits.
  m_regs.bind(RegEffect::elsp_submit,
              Hooks{[](const RegInstance&, unsigned, uint32_t) { return 0u; },
                    [this](const RegInstance& r, unsigned, uint32_t, uint32_t, uint32_t written) {
                      ElspLatch& l = m_elsp[std::size_t(r.engine)];
                      l.dwords[l.count++] = written;
                      if (l.count < 4) return;
                      l.count = 0;
                      ++l.submissions;
                      l.last = {uint64_t(l.dwords[2]) << 32 | l.dwords[3], uint64_t(l.dwords[0]) << 32 | l.dwords[1]};
                      if (on_elsp_submit) on_elsp_submit(r.engine, l.last[0], l.last[1]);
                      else if (CommandStreamer* cs = engine(r.engine)) cs->submit(l.last[0], l.last[1]);
                      else ++m_elsp_unimplemented;
                    }});
  // MI_MODE: the engine is idle whenever it is asked to stop (no command streamer runs here yet).
  m_regs.bind(RegEffect::mi_mode, Hooks{nullptr, [this](const RegInstance& r, unsigned, uint32_t, uint32_t now, uint32_t) {
                uint64_t v = reg::RING_MI_MODE::MODE_IDLE.set(now, reg::RING_MI_MODE::STOP_RING.get(now));
                m_regs.set(r, v);
              }});
  // RESET_CTL: READY_TO_RESET follows REQUEST_RESET once the engine has quiesced (at once when idle).
  m_regs.bind(RegEffect::reset_ctl, Hooks{nullptr, [this](const RegInstance& r, unsigned, uint32_t, uint32_t now, uint32_t) {
                m_regs.set(r, reg::RING_RESET_CTL::READY_TO_RESET.set(now, reg::RING_RESET_CTL::REQUEST_RESET.get(now)));
              }});
  // Timestamps: RING_TIMESTAMP(_UDW) read the free-running 12.5 MHz counter; CTX_TIMESTAMP is the
  // context's accumulated run time, kept by the engine.
  m_regs.bind(RegEffect::timestamp, Hooks{[this](const RegInstance& r, unsigned, uint32_t stored) -> uint32_t {
                if (r.id == RegId::RING_TIMESTAMP) return uint32_t(timestamp());
                if (r.id == RegId::RING_TIMESTAMP_UDW) return uint32_t(timestamp() >> 32);
                return stored;
              }, nullptr});
  m_regs.bind(RegEffect::ppat, Hooks{nullptr, [](const RegInstance&, unsigned, uint32_t, uint32_t, uint32_t) {
                // The PAT index only selects cache attributes; function does not depend on them.
              }});
  // TLB invalidation: RTCR (RCS), M1TCR (VCS), M2TCR (VCS2), BTCR (BCS), VTCR (VECS); bit 0 clears
  // when done — at once here (i915 gen8 mmio_invalidate_full polls it back to 0).
  m_regs.bind(RegEffect::tlb_invalidate, Hooks{nullptr, [this](const RegInstance& r, unsigned, uint32_t, uint32_t now, uint32_t) {
                if (!(now & 1)) return;
                Engine e = r.id == RegId::GEN8_RTCR ? Engine::RCS : r.id == RegId::GEN8_M1TCR ? Engine::VCS
                         : r.id == RegId::GEN8_M2TCR ? Engine::VCS2 : r.id == RegId::GEN8_BTCR ? Engine::BCS : Engine::VECS;
                m_ppgtt[std::size_t(e)]->invalidate_tlb();
                m_regs.set(r, now & ~1u);
              }});
  m_regs.bind(RegEffect::fence, Hooks{nullptr, [](const RegInstance&, unsigned, uint32_t, uint32_t, uint32_t) {
                // Fences detile CPU accesses through the aperture; tiling is not modelled (accesses are
                // linear). The values are kept for inspection and for the mediation core.
              }});
  // GDRST: reset the selected engines; the request bits read 0 once done (at once here).
  m_regs.bind(RegEffect::gdrst, Hooks{nullptr, [this](const RegInstance& r, unsigned, uint32_t, uint32_t now, uint32_t) {
                bool full = reg::GEN6_GDRST::GRDOM_FULL.test(now);
                const std::pair<spec::gen8::Field, Engine> domains[] = {
                    {reg::GEN6_GDRST::GRDOM_RENDER, Engine::RCS}, {reg::GEN6_GDRST::GRDOM_MEDIA, Engine::VCS},
                    {reg::GEN6_GDRST::GRDOM_BLT, Engine::BCS},    {reg::GEN6_GDRST::GRDOM_VECS, Engine::VECS},
                    {reg::GEN6_GDRST::GRDOM_MEDIA2, Engine::VCS2}};
                for (auto [f, e] : domains)
                  if ((full || f.test(now)) && engine_present(e)) engine_reset(e);
                m_regs.set(r, 0);
              }});
  // FORCEWAKE_MT: the ack register mirrors the request bits (the GT wakes at once).
  m_regs.bind(RegEffect::forcewake, Hooks{nullptr, [this](const RegInstance&, unsigned, uint32_t, uint32_t now, uint32_t) {
                m_regs.set(RegId::FORCEWAKE_ACK_HSW, now & 0xFFFF);
              }});
  m_regs.bind(RegEffect::gfx_flush, Hooks{nullptr, [this](const RegInstance&, unsigned, uint32_t, uint32_t, uint32_t) { m_ggtt.flush(); }});
  m_regs.bind(RegEffect::power_well, Hooks{nullptr, [this](const RegInstance& r, unsigned, uint32_t, uint32_t now, uint32_t) {
                m_regs.set(r, reg::HSW_PWR_WELL_CTL1::STATE.set(now, reg::HSW_PWR_WELL_CTL1::REQUEST.get(now)));
              }});
  // PCODE mailbox: a command with READY set completes at once; PCODE clears READY, DATA unchanged.
  m_regs.bind(RegEffect::pcode_mailbox, Hooks{nullptr, [this](const RegInstance& r, unsigned, uint32_t, uint32_t now, uint32_t) {
                if (reg::GEN6_PCODE_MAILBOX::READY.test(now)) m_regs.set(r, reg::GEN6_PCODE_MAILBOX::READY.set(now, 0));
              }});
  // PVINFO: nothing behind it on bare metal.
  m_regs.bind(RegEffect::pvinfo, Hooks{[](const RegInstance&, unsigned, uint32_t) { return 0u; }, nullptr});

  for (std::size_t e = 1; e < kRegEffectCount; ++e)
    GVT_ASSERT(m_regs.bound(RegEffect(e)), "register effect '{}' has no behaviour in the GPU core", kRegEffectNames[e]);
}

}  // namespace gvtsim::model::gen8
