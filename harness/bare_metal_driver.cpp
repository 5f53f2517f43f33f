#include "harness/bare_metal_driver.h"

#include "model/gen8/ggtt.h"
#include "model/gen8/pci_config.h"
#include "spec/gen8/registers.h"
#include "spec/gen8/skus.h"

namespace gvtsim::harness {

using namespace spec::gen8;
namespace pci = model::gen8::pci;

namespace {
// i915 gt/intel_gtt.c bdw_setup_private_ppat: entry 0 WB+LLC, 1 WC+LLC/eLLC, 2 WT+LLC/eLLC, 3 UC,
// 4–7 WB+LLC/eLLC with age 0..3 (GEN8_PPAT_UC 0, WC 1, WT 2, WB 3; LLC 1<<2, LLCELLC 2<<2; AGE x<<4).
constexpr uint32_t kPpatLo = 0x000A0907;
constexpr uint32_t kPpatHi = 0x3B2B1B0B;
// The interrupt groups the handler scans (GT 0..3, the display pipes, port, misc, PCU, then PCH).
constexpr uint32_t kIirs[] = {reg::GEN8_GT_IIR0::offset, reg::GEN8_GT_IIR1::offset, reg::GEN8_GT_IIR2::offset,
                              reg::GEN8_GT_IIR3::offset, reg::GEN8_DE_PIPE_IIR_A::offset, reg::GEN8_DE_PIPE_IIR_B::offset,
                              reg::GEN8_DE_PIPE_IIR_C::offset, reg::GEN8_DE_PORT_IIR::offset, reg::GEN8_DE_MISC_IIR::offset,
                              reg::GEN8_PCU_IIR::offset, reg::SDEIIR::offset};
constexpr uint32_t kMasterEnable = uint32_t(reg::GEN8_MASTER_IRQ::MASTER_IRQ_CONTROL.mask());
}  // namespace

Result<BootInfo> BareMetalDriver::boot(uint64_t bar0, uint64_t bar2) {
  HostBus& bus = m_p.bus();
  auto id = bus.cfg_read(0x00, 4);
  if (!id) return id.status();
  if ((*id & 0xFFFF) != pci::kVendorIntel) return Status::guest_error("no Intel device (vendor {:#06x})", *id & 0xFFFF);
  BootInfo info;
  info.device_id = uint16_t(*id >> 16);
  if (!find_sku(info.device_id)) return Status::guest_error("device {:#06x} is not a Broadwell GPU", info.device_id);
  auto cls = bus.cfg_read(0x08, 4);
  if (!cls) return cls.status();
  if ((*cls >> 8) != 0x030000) return Status::guest_error("class {:#08x} is not VGA", *cls >> 8);

  // Size each 64-bit memory BAR: write all ones, read back, restore; then place it.
  auto size_bar = [&](unsigned off) -> Result<uint64_t> {
    GVT_TRY(bus.cfg_write(off, 4, 0xFFFFFFFF));
    GVT_TRY(bus.cfg_write(off + 4, 4, 0xFFFFFFFF));
    auto lo = bus.cfg_read(off, 4);
    auto hi = bus.cfg_read(off + 4, 4);
    if (!lo || !hi) return Status::guest_error("BAR at {:#x} unreadable", off);
    if ((*lo & 0x6) != 0x4) return Status::guest_error("BAR at {:#x} is not a 64-bit memory BAR", off);
    uint64_t mask = (uint64_t(*hi) << 32 | *lo) & ~0xFull;
    return ~mask + 1;
  };
  auto place = [&](unsigned off, uint64_t base) -> Status {
    GVT_TRY(bus.cfg_write(off, 4, uint32_t(base)));
    return bus.cfg_write(off + 4, 4, uint32_t(base >> 32));
  };
  auto s0 = size_bar(pci::kBar0);
  if (!s0) return s0.status();
  auto s2 = size_bar(pci::kBar2);
  if (!s2) return s2.status();
  if (bar0 % *s0 || bar2 % *s2) return Status::guest_error("BAR bases must be aligned to their sizes");
  GVT_TRY(place(pci::kBar0, bar0));
  GVT_TRY(place(pci::kBar2, bar2));
  info.bar0 = bar0, info.bar0_size = *s0, info.bar2 = bar2, info.bar2_size = *s2;
  GVT_TRY(bus.cfg_write(pci::kCommand, 2, pci::kCommandMemory | pci::kCommandBusMaster));

  // GMCH control (i915 gen8_get_total_gtt_size / bdw_get_stolen_size): GGMS 7:6, GMS 15:8 (x 32 MB).
  auto gmch = bus.cfg_read(pci::kGmch, 2);
  if (!gmch) return gmch.status();
  unsigned ggms = (*gmch >> 6) & 3;
  info.ggtt_bytes = ggms ? (1ull << ggms) << 20 : 0;
  info.stolen_bytes = uint64_t((*gmch >> 8) & 0xFF) << 25;

  // MSI: address, data, enable.
  GVT_TRY(bus.cfg_write(pci::kMsiCap + 4, 4, kMsiAddress));
  GVT_TRY(bus.cfg_write(pci::kMsiCap + 8, 2, kMsiData));
  GVT_TRY(bus.cfg_write(pci::kMsiCap + 2, 2, pci::kMsiEnable));
  m_info = info;
  m_p.msi_handler = [this](const MsiRecord& m) { on_msi(m); };

  // Forcewake (kernel bit, masked) and wait for the ack.
  GVT_TRY(write32(reg::FORCEWAKE_MT::offset, masked_write(reg::FORCEWAKE_MT::FORCEWAKE_KERNEL, 1)));
  auto ack = read32(reg::FORCEWAKE_ACK_HSW::offset);
  if (!ack || !reg::FORCEWAKE_ACK_HSW::FORCEWAKE_KERNEL.test(*ack)) return Status::guest_error("forcewake not acknowledged");
  GVT_TRY(write32(reg::GEN8_PRIVATE_PAT_LO::offset, kPpatLo));
  GVT_TRY(write32(reg::GEN8_PRIVATE_PAT_HI::offset, kPpatHi));
  GVT_TRY(write32(reg::GEN8_MASTER_IRQ::offset, kMasterEnable));
  return info;
}

Result<uint32_t> BareMetalDriver::read32(uint32_t mmio_offset) {
  auto r = m_p.bus().read(m_info.bar0 + mmio_offset, 4);
  if (!r) return r.status();
  return uint32_t(*r);
}

Status BareMetalDriver::write32(uint32_t mmio_offset, uint32_t value) {
  return m_p.bus().write(m_info.bar0 + mmio_offset, 4, value);
}

Status BareMetalDriver::map_ggtt(uint64_t gma, uint64_t pa, uint64_t pages) {
  for (uint64_t i = 0; i < pages; ++i) {
    uint64_t pte = ((pa + (i << 12)) & model::gen8::kPteAddressMask) | model::gen8::kPtePresent;
    uint64_t slot = model::gen8::kBar0GgttOffset + ((gma >> 12) + i) * 8;
    GVT_TRY(m_p.bus().write(m_info.bar0 + slot, 8, pte));
  }
  return write32(reg::GFX_FLSH_CNTL_GEN6::offset, reg::GFX_FLSH_CNTL_GEN6::GFX_FLSH_CNTL_EN.make(1));
}

Status BareMetalDriver::aperture_write(uint64_t gma, const void* src, std::size_t len) {
  return m_p.bus().write_block(m_info.bar2 + gma, src, len, Owner::host());
}

Status BareMetalDriver::aperture_read(uint64_t gma, void* dst, std::size_t len) {
  return m_p.bus().read_block(m_info.bar2 + gma, dst, len, Owner::host());
}

Status BareMetalDriver::enable_irq(uint32_t iir_offset, uint32_t bits) {
  auto imr = read32(iir_offset - 4);
  if (!imr) return imr.status();
  auto ier = read32(iir_offset + 4);
  if (!ier) return ier.status();
  GVT_TRY(write32(iir_offset - 4, *imr & ~bits));
  return write32(iir_offset + 4, *ier | bits);
}

// i915 gen8_irq_handler's pattern: disable the master, read what is pending, clear each IIR
// (write-1-to-clear), re-enable the master — which raises a new MSI for anything still pending.
void BareMetalDriver::on_msi(const MsiRecord& m) {
  IrqRecord rec{m.time, 0, {}};
  auto master = read32(reg::GEN8_MASTER_IRQ::offset);
  if (!master) return;
  rec.master = *master & ~kMasterEnable;
  (void)write32(reg::GEN8_MASTER_IRQ::offset, 0);
  for (uint32_t iir : kIirs) {
    auto v = read32(iir);
    if (v && *v) {
      rec.iirs.push_back({iir, *v});
      (void)write32(iir, *v);
    }
  }
  m_irqs.push_back(std::move(rec));
  (void)write32(reg::GEN8_MASTER_IRQ::offset, kMasterEnable);
}

}  // namespace gvtsim::harness
