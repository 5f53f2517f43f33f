#include "vgpu/vgpu.h"

#include <algorithm>
#include <array>

namespace gvtsim::vgpu {

Vgpu::Vgpu(VgpuId id, const VgpuType& type, unsigned weight, Services services, std::span<const uint8_t> golden_cfg,
           std::shared_ptr<const std::vector<uint32_t>> golden_mmio, const HostResources& host, StatGroup stats)
    : m_id(id),
      m_type(type),
      m_weight(weight),
      m_services(services),
      m_golden_cfg(golden_cfg.begin(), golden_cfg.end()),
      m_golden_mmio(std::move(golden_mmio)),
      m_host(host),
      m_cfg_accesses(stats.counter("cfg.accesses", Unit::count, "guest configuration-space reads and writes")),
      m_cfg_guest_errors(stats.counter("cfg.guest_errors", Unit::count, "malformed or refused configuration accesses")),
      m_mmio_accesses(stats.counter("mmio.accesses", Unit::count, "guest BAR0 reads and writes (registers and GGTT)")),
      m_mmio_guest_errors(stats.counter("mmio.guest_errors", Unit::count, "malformed or refused BAR0 accesses")),
      m_ggtt_accesses(stats.counter("ggtt.accesses", Unit::count, "guest reads and writes of the GGTT window")),
      m_gdrst_full(stats.counter("gdrst.full", Unit::count, "full GDRST resets the guest asked for")),
      m_gdrst_engine(stats.counter("gdrst.engine", Unit::count, "per-engine GDRST resets the guest asked for")),
      m_failsafe_entries(stats.counter("failsafe.entries", Unit::count, "times the vGPU entered failsafe mode")),
      m_msi_injected(stats.counter("irq.msi_injected", Unit::count, "MSIs delivered to the guest")) {}

Vgpu::~Vgpu() { GVT_ASSERT(!m_created, "vgpu{} dropped without destroy(): its resources would leak", m_id); }

Status Vgpu::create() {
  GVT_ASSERT(!m_created, "vgpu{} created twice", m_id);
  // 2. Golden configuration space.
  m_cfg = std::make_unique<CfgSpace>(m_golden_cfg, m_host.aperture_size, m_host.aperture_pa);
  m_cfg->set_hooks({
      .on_swsci = [this](uint32_t swsci) { return opregion_request(swsci); },
      .on_asls =
          [this](uint32_t gpa) {
            // intel_vgpu_opregion_base_write_handler: the two gfns of the guest's copy.
            m_opregion_gpa = uint64_t(gpa) & ~(kPageSize - 1);
            log::debug(log::Channel::vgpu, "vgpu{}: OpRegion at {:#x}", m_id, gpa);
            return Status::ok();
          },
      .on_trap = {},
  });
  // 3. Golden vreg: the trap path over a copy of the golden MMIO snapshot, and the virtual interrupt
  //    tree that lives in it.
  m_mmio = std::make_unique<MmioEmulator>(
      MmioEmulator::Deps{
          .id = m_id,
          .host = m_services.host,
          .clock = m_services.clock,
          .pvinfo = m_pvinfo,
          .failsafe = m_failsafe,
          .fences = {},
          .in_gm = [this](uint64_t gma, uint64_t size) {
            // intel_gvt_ggtt_validate_range: the whole range inside the low or the high slice.
            auto inside = [&](const GmSlice& s) { return s.contains(gma) && size <= s.end() - gma; };
            return inside(m_aperture) || inside(m_hidden);
          },
          .sku_engines = m_host.engines,
      },
      *m_golden_mmio);
  m_irq = std::make_unique<VirtualIrq>(m_mmio->vreg_image(), [this] { (void)inject_msi(); }, m_id);
  m_mmio->set_irq(m_irq.get());
  auto undo_vreg = [this] {
    m_mmio->set_irq(nullptr);
    m_irq.reset();
    m_mmio.reset();
    m_cfg.reset();
  };
  // 4. GM slices and fences.
  if (Status s = alloc_resources(); !s) {
    undo_vreg();
    return s;
  }
  m_mmio->set_fences(m_fences);
  // 5. PVINFO.
  m_pvinfo.set_hooks({
      .on_balloon_failure =
          [this](uint32_t offset) {
            enter_failsafe(FailsafeReason::insufficient_resource,
                           fmt::format("PVINFO rsv5 write at {:#x}: the guest could not balloon", offset));
          },
      .on_g2v =
          [this](const G2vNotification& n) {
            if (m_g2v_handler)
              m_g2v_handler(n);
            else
              ++m_g2v_unhandled;
          },
      .on_display_ready =
          [this](bool ready) { log::debug(log::Channel::dpy, "vgpu{}: display_ready = {}", m_id, ready); },
  });
  m_pvinfo.populate(pvinfo_resources());
  // 6. GTT and scratch pages: the vGPU's own GGTT scratch page (D4).
  Result<uint64_t> scratch = m_services.host.alloc_page(m_id, PageUse::scratch);
  if (!scratch) {
    free_resources();
    undo_vreg();
    return scratch.status();
  }
  m_scratch_page = *scratch;
  m_ggtt = std::make_unique<VirtualGgtt>(m_id, m_aperture, m_hidden, m_services.hypervisor, m_services.host,
                                         m_scratch_page);
  // 7. OpRegion.
  m_opregion = build_virtual_opregion();
  // 8–11 come with their parts; the type's EDID resolution and the weight are already recorded.
  m_created = true;
  log::info(log::Channel::vgpu, "vgpu{}: created {} (low GM {:#x}+{}, high GM {:#x}+{}, {} fences, weight {})", m_id,
            m_type.name, m_aperture.base, format_size(m_aperture.size), m_hidden.base, format_size(m_hidden.size),
            m_fences.size(), m_weight);
  return Status::ok();
}

void Vgpu::destroy() {
  GVT_ASSERT(m_created, "vgpu{} destroyed but not created", m_id);
  // The reverse of create(): OpRegion, GTT/scratch, resources, vreg, config space.
  m_opregion.fill(0);
  m_opregion_gpa.reset();
  m_ggtt.reset();  // unmaps the guest's frames from the host GGTT before the scratch page goes
  m_services.host.free_page(m_id, m_scratch_page);
  m_scratch_page = 0;
  free_resources();
  m_mmio->set_irq(nullptr);
  m_irq.reset();
  m_mmio.reset();
  m_cfg.reset();
  m_created = false;
  log::info(log::Channel::vgpu, "vgpu{}: destroyed", m_id);
}

Status Vgpu::alloc_resources() {
  // gvt/aperture_gm.c alloc_resource: check each request against what is left, then take it.
  const HostResources now = m_services.host.resources();
  struct Need {
    const char* item;
    uint64_t request, avail, max;
  };
  const Need needs[] = {
      {"low GM space", m_type.low_gm, now.aperture_free, now.aperture_size - std::min(now.aperture_size, kHostLowGm)},
      {"high GM space", m_type.high_gm, now.hidden_free, now.hidden_size - std::min(now.hidden_size, kHostHighGm)},
      {"fence", m_type.fences, now.fences_free, now.fence_count - std::min(now.fence_count, kHostFences)},
  };
  for (const Need& n : needs) {
    if (n.request <= n.avail) continue;
    const bool fence = n.item[0] == 'f';
    auto amount = [&](uint64_t v) { return fence ? std::to_string(v) : format_size(v); };
    return Status::guest_error("vgpu{}: not enough {} for {}: requested {}, available {} (max {}, taken {})", m_id,
                               n.item, m_type.name, amount(n.request), amount(n.avail), amount(n.max),
                               amount(n.max - std::min(n.max, n.avail)));
  }
  Result<GmSlice> low = m_services.host.alloc_gm(m_id, GmKind::low, m_type.low_gm);
  if (!low) return low.status();
  m_aperture = *low;
  m_has_low = true;
  Result<GmSlice> high = m_services.host.alloc_gm(m_id, GmKind::high, m_type.high_gm);
  if (!high) {
    free_resources();
    return high.status();
  }
  m_hidden = *high;
  m_has_high = true;
  Result<std::vector<unsigned>> fences = m_services.host.alloc_fences(m_id, m_type.fences);
  if (!fences) {
    free_resources();
    return fences.status();
  }
  m_fences = std::move(fences).value();
  return Status::ok();
}

void Vgpu::clear_fences() {
  // _clear_vgpu_fence → intel_vgpu_write_fence(vgpu, i, 0): the host fence's registers to 0.
  for (unsigned f : m_fences) {
    (void)m_services.host.mmio_write(spec::gen8::reg::FENCE_REG_GEN6::at(f), 4, 0);
    (void)m_services.host.mmio_write(spec::gen8::reg::FENCE_REG_GEN6::at(f) + 4, 4, 0);
  }
}

void Vgpu::free_resources() {
  // gvt/aperture_gm.c intel_vgpu_free_resource: free_vgpu_gm (low, high), then free_vgpu_fence
  // (which clears each fence before giving it back).
  if (m_has_low) m_services.host.free_gm(m_id, m_aperture);
  if (m_has_high) m_services.host.free_gm(m_id, m_hidden);
  if (!m_fences.empty()) {
    clear_fences();
    m_services.host.free_fences(m_id, m_fences);
  }
  m_has_low = m_has_high = false;
  m_aperture = m_hidden = {};
  m_fences.clear();
}

PvInfoResources Vgpu::pvinfo_resources() const {
  return {.id = m_id, .aperture = m_aperture, .hidden = m_hidden, .fences = unsigned(m_fences.size())};
}

Status Vgpu::note_guest_error(Status s, const char* where) {
  if (m_log.allow()) log::info(log::Channel::vgpu, "vgpu{}: {}: {}", m_id, where, s.message());
  return s;
}

Result<uint32_t> Vgpu::cfg_read(uint32_t offset, unsigned size) {
  ++m_cfg_accesses;
  Result<uint32_t> r = m_cfg->read(offset, size);
  if (!r) {
    ++m_cfg_guest_errors;
    return note_guest_error(r.status(), "config read");
  }
  return r;
}

Status Vgpu::cfg_write(uint32_t offset, unsigned size, uint32_t value) {
  ++m_cfg_accesses;
  Status s = m_cfg->write(offset, size, value);
  if (!s && s.kind() == StatusKind::guest_error) {
    ++m_cfg_guest_errors;
    return note_guest_error(std::move(s), "config write");
  }
  return s;
}

static bool in_ggtt(uint64_t offset) { return offset >= ggtt::kWindowOffset && offset - ggtt::kWindowOffset < ggtt::kWindowSize; }

Result<uint64_t> Vgpu::mmio_read(uint64_t offset, unsigned size) {
  ++m_mmio_accesses;
  auto route = [&]() -> Result<uint64_t> {
    if (offset < kMmioSize) return m_mmio->read(uint32_t(offset), size);
    if (in_ggtt(offset)) {
      ++m_ggtt_accesses;
      return m_ggtt->read(offset - ggtt::kWindowOffset, size);  // the virtual GGTT, in failsafe too
    }
    return Status::guest_error("BAR0 read at {:#x}: neither the register window nor the GGTT", offset);
  };
  Result<uint64_t> r = route();
  if (!r) {
    ++m_mmio_guest_errors;
    return note_guest_error(r.status(), "MMIO read");
  }
  return r;
}

Status Vgpu::mmio_write(uint64_t offset, unsigned size, uint64_t value) {
  ++m_mmio_accesses;
  auto route = [&]() -> Status {
    if (offset < kMmioSize) {
      Status st = m_mmio->write(uint32_t(offset), size, value);
      if (std::optional<ResetRequest> r = m_mmio->take_reset_request()) gdrst(*r);
      return st;
    }
    if (in_ggtt(offset)) {
      ++m_ggtt_accesses;
      return m_failsafe.active() ? m_ggtt->write_virtual(offset - ggtt::kWindowOffset, size, value)
                                 : m_ggtt->write(offset - ggtt::kWindowOffset, size, value);
    }
    return Status::guest_error("BAR0 write at {:#x}: neither the register window nor the GGTT", offset);
  };
  Status s = route();
  if (!s && s.kind() == StatusKind::guest_error) {
    ++m_mmio_guest_errors;
    return note_guest_error(std::move(s), "MMIO write");
  }
  return s;
}

void Vgpu::gdrst(const ResetRequest& r) {
  // gdrst_mmio_write → intel_gvt_reset_vgpu_locked(vgpu, false, engine_mask).
  m_last_gdrst = r;
  if (!r.full) {
    ++m_gdrst_engine;
    m_mmio->reset_engines(r.engines);  // intel_vgpu_reset_submission of those engines only
    log::info(log::Channel::vgpu, "vgpu{}: GDRST of engines {:#x}", m_id, r.engines);
    return;
  }
  // ALL_ENGINES: submission back to none, the vregs below 0x44200 restored, PVINFO repopulated; the
  // fences and the GGTT are left alone ("fence will not be reset during virtual reset").
  ++m_gdrst_full;
  m_mmio->full_reset();
  m_pvinfo.populate(pvinfo_resources());
  log::info(log::Channel::vgpu, "vgpu{}: full GDRST", m_id);
}

void Vgpu::enter_failsafe(FailsafeReason reason, std::string why) {
  ++m_failsafe_entries;
  m_failsafe.enter(m_id, reason, m_services.clock.now(), std::move(why));
}

Status Vgpu::install_opregion(uint64_t gpa) {
  if (gpa % kPageSize || gpa + kOpRegionSize > (1ull << 32))
    return Status::guest_error("vgpu{}: OpRegion at {:#x}: ASLS takes a page-aligned address below 4 GB", m_id, gpa);
  if (Status s = m_services.hypervisor.write_gpa(m_id, gpa, m_opregion); !s) return s;
  return cfg_write(pcicfg::kAsls, 4, uint32_t(gpa));
}

Status Vgpu::opregion_request(uint32_t swsci) {
  // gvt/opregion.c intel_vgpu_emulate_opregion_request: SCIC and PARM live in the guest's copy (the
  // first page of the OpRegion whose address ASLS gave); they are read before anything is decided.
  const uint64_t base = m_opregion_gpa.value_or(0);
  const uint64_t scic_pa = base + opregion::kScic, parm_pa = base + opregion::kParm;
  auto read32 = [&](uint64_t gpa) -> Result<uint32_t> {
    std::array<uint8_t, 4> b{};
    if (Status s = m_services.hypervisor.read_gpa(m_id, gpa, b); !s) return s;
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  };
  Result<uint32_t> scic = read32(scic_pa);
  if (!scic) return scic.status();
  Result<uint32_t> parm = read32(parm_pa);
  if (!parm) return parm.status();
  if (!(swsci & opregion::kSwsciSciSelect)) {
    if (m_log.allow()) log::info(log::Channel::vgpu, "vgpu{}: SWSCI requests SMI service: ignored", m_id);
    return Status::ok();
  }
  // Only a 0→1 transition of the trigger runs the request. The register is never written by SWSCI
  // writes, so this compares against the golden value (as the kernel does).
  if ((m_cfg->bytes()[pcicfg::kSwsci] & opregion::kSwsciSciTrigger) || !(swsci & opregion::kSwsciSciTrigger))
    return Status::ok();
  const ScicReply reply = emulate_scic(*scic, *parm);
  if (!reply.supported && m_log.allow())
    log::info(log::Channel::vgpu, "vgpu{}: OpRegion runtime service (SCIC {:#x}) refused", m_id, *scic);
  auto write32 = [&](uint64_t gpa, uint32_t v) {
    const std::array<uint8_t, 4> b = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    return m_services.hypervisor.write_gpa(m_id, gpa, b);
  };
  if (Status s = write32(scic_pa, reply.scic); !s) return s;
  return write32(parm_pa, reply.parm);
}

Status Vgpu::inject_msi() {
  const MsiState msi = m_cfg->msi();
  if (!msi.enabled) return Status::ok();  // "Do not generate MSI if MSIEN is disabled"
  if (msi.control & 0xFFFE)
    return note_guest_error(Status::guest_error("MSI control {:#x}: only the single-message 32-bit format is supported",
                                           msi.control),
                       "MSI");
  if (Status s = m_services.hypervisor.inject_msi(m_id, msi.address, msi.data); !s) return s;
  ++m_msi_injected;
  return Status::ok();
}

void Vgpu::device_model_reset() {
  // intel_gvt_reset_vgpu_locked(dmlr): intel_vgpu_reset_mmio (the vreg from the golden snapshot),
  // populate_pvinfo_page, intel_vgpu_reset_cfg_space, failsafe cleared, then d3_entered / pv_notified.
  // Also (dmlr): every engine's submission, intel_vgpu_reset_ggtt(vgpu, true) and
  // intel_vgpu_reset_resource (the fences cleared).
  const bool resuming = m_cfg->d3_entered();
  m_last_gdrst.reset();
  m_ggtt->reset();
  clear_fences();
  m_mmio->reset();
  m_pvinfo.reset(pvinfo_resources());
  m_cfg->reset();
  m_failsafe.clear();
  if (resuming)
    m_cfg->clear_d3_entered();
  else
    m_pvinfo.clear_pv_notified();
  log::info(log::Channel::vgpu, "vgpu{}: device-model reset{}", m_id, resuming ? " (resume from D3)" : "");
}

}  // namespace gvtsim::vgpu
