// The guest i915 driver model; see guest.h. Facts from i915 (i915_vgpu.c, i915_irq.c / gt/gen8 irq,
// gt/intel_ggtt.c, gt/intel_execlists_submission.c) and i915_pvinfo.h; the code is ours.
#include "harness/guest.h"

#include <array>

#include "spec/gen8/registers.h"
#include "spec/gen8/skus.h"
#include "vgpu/cfg_space.h"
#include "vgpu/ggtt.h"
#include "vgpu/pvinfo.h"

namespace gvtsim::harness {

using namespace spec::gen8;
namespace pcicfg = vgpu::pcicfg;
namespace pv = vgpu::pv;

namespace {
constexpr uint16_t kIntelVendor = 0x8086;
constexpr uint32_t kMasterEnable = uint32_t(reg::GEN8_MASTER_IRQ::MASTER_IRQ_CONTROL.mask());
constexpr uint32_t kVgtDrvDisplayReady = 1;   // i915_pvinfo.h VGT_DRV_DISPLAY_READY
// Each engine's GT interrupt register and the shift of its half (gen8_gt_irq_postinstall).
struct EngineIrq {
  Engine engine;
  uint32_t iir;
  unsigned shift;
};
constexpr std::array<EngineIrq, 5> kEngineIrqs = {{
    {Engine::RCS, reg::GEN8_GT_IIR0::offset, reg::GEN8_GT_IIR0::RCS_USER_INTERRUPT.lo},
    {Engine::BCS, reg::GEN8_GT_IIR0::offset, reg::GEN8_GT_IIR0::BCS_USER_INTERRUPT.lo},
    {Engine::VCS, reg::GEN8_GT_IIR1::offset, reg::GEN8_GT_IIR1::VCS1_USER_INTERRUPT.lo},
    {Engine::VCS2, reg::GEN8_GT_IIR1::offset, reg::GEN8_GT_IIR1::VCS2_USER_INTERRUPT.lo},
    {Engine::VECS, reg::GEN8_GT_IIR3::offset, reg::GEN8_GT_IIR3::VECS_USER_INTERRUPT.lo},
}};
// GT_RENDER_USER_INTERRUPT | GT_CONTEXT_SWITCH_INTERRUPT of one engine, at bit 0 of its half.
constexpr uint32_t kEngineIrqBits =
    uint32_t(reg::GEN8_GT_IIR0::RCS_USER_INTERRUPT.mask() | reg::GEN8_GT_IIR0::RCS_CONTEXT_SWITCH.mask());
// The GT groups' registers, as gen8_irq_reset and gen8_gt_irq_postinstall walk them.
struct GtGroup {
  uint32_t imr, iir, ier;
};
constexpr std::array<GtGroup, 4> kGtGroups = {{
    {reg::GEN8_GT_IMR0::offset, reg::GEN8_GT_IIR0::offset, reg::GEN8_GT_IER0::offset},
    {reg::GEN8_GT_IMR1::offset, reg::GEN8_GT_IIR1::offset, reg::GEN8_GT_IER1::offset},
    {reg::GEN8_GT_IMR2::offset, reg::GEN8_GT_IIR2::offset, reg::GEN8_GT_IER2::offset},
    {reg::GEN8_GT_IMR3::offset, reg::GEN8_GT_IIR3::offset, reg::GEN8_GT_IER3::offset},
}};
const GtGroup& gt_group(uint32_t iir) {
  for (const GtGroup& g : kGtGroups)
    if (g.iir == iir) return g;
  GVT_ASSERT(false, "no GT group with IIR {:#x}", iir);
  return kGtGroups[0];
}
}  // namespace

GuestI915::GuestI915(InProcessHypervisor& hyp, vgpu::VgpuId id, GuestConfig config)
    : m_hyp(hyp), m_id(id), m_cfg(config) {
  m_hyp.set_interrupt_sink(m_id, [this](uint32_t, uint16_t) { on_msi(); });
}

Result<uint32_t> GuestI915::cfg_read(uint32_t offset, unsigned size) { return m_hyp.guest_cfg_read(m_id, offset, size); }
Status GuestI915::cfg_write(uint32_t offset, unsigned size, uint32_t value) {
  return m_hyp.guest_cfg_write(m_id, offset, size, value);
}

Result<uint64_t> GuestI915::mmio_read(uint32_t offset, unsigned size) {
  return m_hyp.guest_mmio_read(m_id, m_cfg.bar0_gpa + offset, size);
}
Status GuestI915::mmio_write(uint32_t offset, unsigned size, uint64_t value) {
  return m_hyp.guest_mmio_write(m_id, m_cfg.bar0_gpa + offset, size, value);
}
Result<uint32_t> GuestI915::read32(uint32_t offset) {
  Result<uint64_t> r = mmio_read(offset, 4);
  if (!r) return r.status();
  return uint32_t(*r);
}

Status GuestI915::write_pte(uint64_t gma, uint64_t pte) {
  return mmio_write(vgpu::ggtt::entry_offset(gma), 8, pte);
}
Status GuestI915::flush_ggtt() { return write32(vgpu::ggtt::kGfxFlshCntl, vgpu::ggtt::kGfxFlshCntlEn); }

Status GuestI915::map_page(uint64_t gma, uint64_t gpa) {
  // gen8_pte_encode: the page address | _PAGE_PRESENT (PAT/cache bits 0: uncached is fine here).
  GVT_TRY(write_pte(gma, (gpa & vgpu::ggtt::kAddrMask) | vgpu::ggtt::kPresent));
  GVT_TRY(flush_ggtt());
  m_objects.push_back({gma, gpa});
  return Status::ok();
}

Status GuestI915::aperture_write(uint64_t gma, std::span<const uint8_t> data) {
  return m_hyp.guest_aperture_write(m_id, m_cfg.bar2_gpa + gma, data);
}
Status GuestI915::aperture_read(uint64_t gma, std::span<uint8_t> out) {
  return m_hyp.guest_aperture_read(m_id, m_cfg.bar2_gpa + gma, out);
}

uint64_t GuestI915::alloc_page() {
  const uint64_t p = m_next_page;
  m_next_page += vgpu::kPageSize;
  return p;
}

uint64_t GuestI915::hwsp_gma(Engine e) const {
  auto it = m_hwsp.find(e);
  return it == m_hwsp.end() ? 0 : it->second;
}

Status GuestI915::boot() {
  GVT_TRY(probe_pci());
  GVT_TRY(detect_vgpu());
  GVT_TRY(do_balloon());
  if (m_cfg.clear_ggtt) GVT_TRY(clear_ggtt());
  GVT_TRY(map_boot_objects());
  GVT_TRY(irq_install());
  GVT_TRY(engines_resume());
  GVT_TRY(mmio_write(vgpu::kPvInfoBase + pv::kDisplayReady, 4, kVgtDrvDisplayReady));
  m_booted = true;
  return Status::ok();
}

Status GuestI915::probe_pci() {
  Result<uint32_t> id = cfg_read(0x00);
  if (!id) return id.status();
  if ((*id & 0xFFFF) != kIntelVendor) return Status::guest_error("guest{}: vendor {:#06x} is not Intel", m_id, *id & 0xFFFF);
  const Sku* sku = find_sku(uint16_t(*id >> 16));
  if (!sku) return Status::guest_error("guest{}: device {:#06x} is not a Broadwell i915 knows", m_id, *id >> 16);
  m_engines = sku->engines;
  // BAR sizing (the PCI core's __pci_read_base): all-ones, read back, restore; for both 64-bit BARs.
  for (uint32_t bar : {pcicfg::kBar0, pcicfg::kBar2}) {
    for (uint32_t dw : {bar, bar + 4}) {
      Result<uint32_t> old = cfg_read(dw);
      if (!old) return old.status();
      GVT_TRY(cfg_write(dw, 4, 0xFFFF'FFFF));
      Result<uint32_t> mask = cfg_read(dw);
      if (!mask) return mask.status();
      GVT_TRY(cfg_write(dw, 4, *old));
    }
  }
  // Placement (the guest firmware's job): BAR0 and BAR2 at the configured addresses.
  for (auto [bar, gpa] : {std::pair{pcicfg::kBar0, m_cfg.bar0_gpa}, std::pair{pcicfg::kBar2, m_cfg.bar2_gpa}}) {
    GVT_TRY(cfg_write(bar, 4, uint32_t(gpa)));
    GVT_TRY(cfg_write(bar + 4, 4, uint32_t(gpa >> 32)));
  }
  // pci_enable_device + pci_set_master.
  Result<uint32_t> cmd = cfg_read(pcicfg::kCommand, 2);
  if (!cmd) return cmd.status();
  GVT_TRY(cfg_write(pcicfg::kCommand, 2, *cmd | pcicfg::kCommandMemory | pcicfg::kCommandMaster));
  // pci_enable_msi: walk the capability list to MSI; address, data, then enable.
  Result<uint32_t> ptr = cfg_read(pcicfg::kCapPtr, 1);
  if (!ptr) return ptr.status();
  for (unsigned hops = 0; *ptr && hops < 48; ++hops) {
    Result<uint32_t> cap = cfg_read(*ptr, 2);
    if (!cap) return cap.status();
    if ((*cap & 0xFF) == pcicfg::kCapIdMsi) {
      GVT_TRY(cfg_write(*ptr + pcicfg::kMsiAddress, 4, m_cfg.msi_address));
      GVT_TRY(cfg_write(*ptr + pcicfg::kMsiData, 2, m_cfg.msi_data));
      Result<uint32_t> ctl = cfg_read(*ptr + pcicfg::kMsiControl, 2);
      if (!ctl) return ctl.status();
      return cfg_write(*ptr + pcicfg::kMsiControl, 2, *ctl | pcicfg::kMsiEnable);
    }
    ptr = Result<uint32_t>((*cap >> 8) & 0xFF);
  }
  return Status::guest_error("guest{}: the device has no MSI capability", m_id);
}

Status GuestI915::detect_vgpu() {
  // intel_vgpu_detect: magic, then the version (1.0 expected), then the capabilities.
  Result<uint64_t> magic = mmio_read(vgpu::kPvInfoBase + pv::kMagic, 8);
  if (!magic) return magic.status();
  if (*magic != vgpu::kVgtMagic) return Status::guest_error("guest{}: no vGPU (PVINFO magic {:#x})", m_id, *magic);
  Result<uint64_t> major = mmio_read(vgpu::kPvInfoBase + pv::kVersionMajor, 2);
  Result<uint64_t> minor = mmio_read(vgpu::kPvInfoBase + pv::kVersionMinor, 2);
  if (!major || !minor) return (!major ? major : minor).status();
  if (*major != vgpu::kVgtVersionMajor)
    return Status::guest_error("guest{}: PVINFO version {}.{} is not supported", m_id, *major, *minor);
  Result<uint32_t> caps = read32(vgpu::kPvInfoBase + pv::kVgtCaps);
  if (!caps) return caps.status();
  m_caps = *caps;
  return Status::ok();
}

Status GuestI915::do_balloon() {
  // intel_vgt_balloon: the slices this vGPU may use; everything else gets reserved.
  uint32_t v[5];
  const uint32_t offs[5] = {pv::kApertureBase, pv::kApertureSize, pv::kHiddenBase, pv::kHiddenSize, pv::kFenceNum};
  for (int i = 0; i < 5; ++i) {
    Result<uint32_t> r = read32(vgpu::kPvInfoBase + offs[i]);
    if (!r) return r.status();
    v[i] = *r;
  }
  m_balloon = {{v[0], v[1]}, {v[2], v[3]}, v[4]};
  if (m_balloon.aperture.size < m_cfg.min_aperture) {
    // The host is told through PVINFO rsv5 (GVT-g: failsafe INSUFFICIENT_RESOURCE).
    GVT_TRY(mmio_write(vgpu::kPvInfoBase + pv::kRsv5, 4, 1));
    return Status::guest_error("guest{}: balloon failed: {} of mappable GM, {} needed", m_id,
                               vgpu::format_size(m_balloon.aperture.size), vgpu::format_size(m_cfg.min_aperture));
  }
  m_next_gma = m_balloon.aperture.base;
  return Status::ok();
}

Status GuestI915::clear_ggtt() {
  // init_ggtt: the holes left after ballooning are the slices; each entry gets the scratch PTE.
  if (!m_scratch_gpa) m_scratch_gpa = alloc_page();
  const uint64_t pte = (m_scratch_gpa & vgpu::ggtt::kAddrMask) | vgpu::ggtt::kPresent;
  for (const vgpu::GmSlice& s : {m_balloon.aperture, m_balloon.hidden})
    for (uint64_t gma = s.base; gma < s.end(); gma += vgpu::kPageSize) GVT_TRY(write_pte(gma, pte));
  return flush_ggtt();
}

Status GuestI915::map_boot_objects() {
  for (std::size_t e = 0; e < kEngineCount; ++e) {
    if (!(m_engines & engine_bit(Engine(e)))) continue;
    const uint64_t gma = m_next_gma;
    m_next_gma += vgpu::kPageSize;
    GVT_TRY(map_page(gma, alloc_page()));
    m_hwsp[Engine(e)] = gma;
  }
  for (unsigned i = 0; i < m_cfg.buffer_pages; ++i) {
    const uint64_t gma = m_next_gma;
    m_next_gma += vgpu::kPageSize;
    GVT_TRY(map_page(gma, alloc_page()));
  }
  return Status::ok();
}

Status GuestI915::irq_install() {
  // gen8_irq_reset: master off; every GT group masked, disabled, IIR cleared (twice, as i915 does
  // for the double-buffered IIR).
  GVT_TRY(write32(reg::GEN8_MASTER_IRQ::offset, 0));
  for (const GtGroup& g : kGtGroups) {
    GVT_TRY(write32(g.imr, 0xFFFF'FFFF));
    GVT_TRY(write32(g.ier, 0));
    GVT_TRY(write32(g.iir, 0xFFFF'FFFF));
    GVT_TRY(write32(g.iir, 0xFFFF'FFFF));
  }
  // gen8_gt_irq_postinstall: user interrupt and context switch of each engine present.
  std::map<uint32_t, uint32_t> enable;
  for (const EngineIrq& e : kEngineIrqs)
    if (m_engines & engine_bit(e.engine)) enable[e.iir] |= kEngineIrqBits << e.shift;
  for (auto [iir, bits] : enable) {
    GVT_TRY(write32(gt_group(iir).ier, bits));
    GVT_TRY(write32(gt_group(iir).imr, ~bits));
  }
  return write32(reg::GEN8_MASTER_IRQ::offset, kMasterEnable);
}

Status GuestI915::engines_resume() {
  for (auto [engine, gma] : m_hwsp) {
    GVT_TRY(write32(reg::RING_HWS_PGA::at(engine), uint32_t(gma)));
    // reset_csb_pointers: read = write = 5 (masked), so the first entry is 0.
    GVT_TRY(write32(reg::RING_CONTEXT_STATUS_PTR::at(engine), 0xFFFF'0505));
    GVT_TRY(write32(reg::GFX_MODE::at(engine), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1)));
  }
  return Status::ok();
}

void GuestI915::on_msi() {
  // gen8_irq_handler: master off, service what the master says is pending, master on.
  ++m_interrupts;
  Result<uint32_t> master = read32(reg::GEN8_MASTER_IRQ::offset);
  if (!master || !(*master & ~kMasterEnable)) return;
  (void)write32(reg::GEN8_MASTER_IRQ::offset, 0);
  for (const GtGroup& g : kGtGroups) {
    Result<uint32_t> v = read32(g.iir);
    if (!v || !*v) continue;
    m_iir_seen[g.iir] |= *v;
    (void)write32(g.iir, *v);
  }
  (void)write32(reg::GEN8_MASTER_IRQ::offset, kMasterEnable);
}

}  // namespace gvtsim::harness
