#include "model/gen8/pci_config.h"

namespace gvtsim::model::gen8 {

using namespace pci;

PciConfig::PciConfig(uint16_t device_id, uint64_t aperture_size) : m_device_id(device_id), m_aperture_size(aperture_size) {
  GVT_ASSERT(aperture_size >= (128ull << 20) && aperture_size <= (2ull << 30) && (aperture_size & (aperture_size - 1)) == 0,
             "aperture size {:#x} must be a power of two in 128 MB..2 GB", aperture_size);
  reset();
}

void PciConfig::init(unsigned o, unsigned bytes, uint32_t value, uint32_t writable, uint32_t w1c) {
  for (unsigned i = 0; i < bytes; ++i) {
    m_cfg[o + i] = uint8_t(value >> (8 * i));
    m_writable[o + i] = uint8_t(writable >> (8 * i));
    m_w1c[o + i] = uint8_t(w1c >> (8 * i));
  }
}

void PciConfig::reset() {
  m_cfg.fill(0);
  m_writable.fill(0);
  m_w1c.fill(0);
  init(0x00, 2, kVendorIntel, 0);
  init(0x02, 2, m_device_id, 0);
  // COMMAND: I/O, memory, bus master, SERR, INTx disable writable.
  init(kCommand, 2, 0, 0x0507);
  // STATUS: capabilities list (bit 4); error bits 15:11 write-1-to-clear.
  init(kStatus, 2, 1u << 4, 0, 0xF900);
  init(0x08, 4, 0x03000009, 0);  // class 03 (display) 00 (VGA) 00, revision 9 (BDW production stepping)
  init(0x0C, 4, 0, 0x000000FF);  // cache line size writable, header type 0
  // BAR0: 64-bit non-prefetchable memory (type bits 2:1 = 10b); 16 MB, so bits 23:4 read 0.
  init(kBar0, 4, 0x4, uint32_t(~(kBar0Size - 1)));
  init(kBar0 + 4, 4, 0, 0xFFFFFFFF);
  // BAR2: 64-bit prefetchable memory (bit 3), the aperture.
  init(kBar2, 4, 0xC, uint32_t(~(m_aperture_size - 1)));
  init(kBar2 + 4, 4, 0, 0xFFFFFFFF);
  // BAR4: I/O space (bit 0), 64 bytes.
  init(kBar4, 4, 0x1, uint32_t(~(kBar4Size - 1)) & 0xFFFF);
  init(0x2C, 4, 0x00000000 | uint32_t(m_device_id) << 16 | kVendorIntel, 0);  // subsystem ids
  init(kCapPtr, 1, kMsiCap, 0);
  init(0x3C, 2, 0x0100, 0x00FF);  // interrupt line writable, pin INTA
  // GMCH control: GGMS = 3 (8 MB GGTT, D3), GMS = 0 (no stolen memory); locked by firmware.
  init(kGmch, 2, 3u << 6, 0);
  init(kBdsm, 4, 0, 0);
  // MSI: id 5, next = PM; control: enable writable, 1 vector, 32-bit address.
  init(kMsiCap, 2, 0x05 | kPmCap << 8, 0);
  init(kMsiCap + 2, 2, 0, kMsiEnable);
  init(kMsiCap + 4, 4, 0, 0xFFFFFFFC);
  init(kMsiCap + 8, 2, 0, 0xFFFF);
  // Power management: id 1, end of list; PMC version 2; PMCSR power state writable.
  init(kPmCap, 2, 0x01, 0);
  init(kPmCap + 2, 2, 0x0022, 0);
  init(kPmCap + 4, 2, 0, 0x0003);
  init(kSwsci, 4, 0, 0xFFFFFFFF);
  init(kAsls, 4, 0, 0xFFFFFFFF);
}

Result<uint32_t> PciConfig::read(uint32_t offset, unsigned size) const {
  if ((size != 1 && size != 2 && size != 4) || offset % size)
    return Status::guest_error("config read of {} bytes at {:#x}: sizes 1, 2, 4, naturally aligned", size, offset);
  if (offset >= 4096) return Status::guest_error("config read at {:#x}: beyond the 4 KB configuration space", offset);
  if (offset >= 256) return 0u;
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint32_t(m_cfg[offset + i]) << (8 * i);
  return v;
}

Status PciConfig::write(uint32_t offset, unsigned size, uint32_t value) {
  if ((size != 1 && size != 2 && size != 4) || offset % size)
    return Status::guest_error("config write of {} bytes at {:#x}: sizes 1, 2, 4, naturally aligned", size, offset);
  if (offset >= 4096) return Status::guest_error("config write at {:#x}: beyond the 4 KB configuration space", offset);
  if (offset >= 256) return Status::ok();
  for (unsigned i = 0; i < size; ++i) {
    uint8_t b = uint8_t(value >> (8 * i));
    unsigned o = offset + i;
    m_cfg[o] = uint8_t((m_cfg[o] & ~m_writable[o]) | (b & m_writable[o]));
    m_cfg[o] &= uint8_t(~(b & m_w1c[o]));
  }
  return Status::ok();
}

uint64_t PciConfig::bar_size(Bar b) const {
  switch (b) {
    case Bar::bar0: return kBar0Size;
    case Bar::bar2: return m_aperture_size;
    case Bar::bar4: return kBar4Size;
  }
  return 0;
}

uint64_t PciConfig::bar_base(Bar b) const {
  switch (b) {
    case Bar::bar0: return (uint64_t(read32(kBar0 + 4)) << 32 | read32(kBar0)) & ~0xFull;
    case Bar::bar2: return (uint64_t(read32(kBar2 + 4)) << 32 | read32(kBar2)) & ~0xFull;
    case Bar::bar4: return read32(kBar4) & ~0x3ull;
  }
  return 0;
}

std::optional<std::pair<Bar, uint64_t>> PciConfig::claim(uint64_t cpu_pa, uint64_t len) const {
  if (!memory_enabled()) return std::nullopt;
  for (Bar b : {Bar::bar0, Bar::bar2}) {
    uint64_t base = bar_base(b), size = bar_size(b);
    if (base == 0) continue;  // unassigned
    if (cpu_pa >= base && cpu_pa - base < size && len <= size - (cpu_pa - base)) return std::make_pair(b, cpu_pa - base);
  }
  return std::nullopt;
}

}  // namespace gvtsim::model::gen8
