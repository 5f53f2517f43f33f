#include "vgpu/cfg_space.h"

#include <algorithm>

#include "base/log.h"

namespace gvtsim::vgpu {

using namespace pcicfg;

namespace {

// gvt/cfg_space.c pci_cfg_space_rw_bmp: writable bits per byte of the standard header (0x00–0x3F).
// STATUS's upper byte is the one write-1-to-clear byte.
constexpr std::array<uint8_t, 0x40> make_rw_map() {
  std::array<uint8_t, 0x40> m{};
  m[kCommand] = 0xFF;
  m[kCommand + 1] = 0x07;
  m[kStatus + 1] = 0xF9;
  m[0x0C] = 0xFF;  // cache line size
  for (uint32_t o = kBar0; o < kBar5 + 4; ++o) m[o] = 0xFF;
  m[kRom] = 0x01;
  m[kRom + 1] = 0xF8;
  m[kRom + 2] = 0xFF;
  m[kRom + 3] = 0xFF;
  m[kInterruptLine] = 0xFF;
  return m;
}
constexpr std::array<uint8_t, 0x40> kRwMap = make_rw_map();

Status check_access(const char* what, uint32_t offset, unsigned size) {
  if (size != 1 && size != 2 && size != 4)
    return Status::guest_error("config {} of {} bytes at {:#x}: sizes are 1, 2 or 4", what, size, offset);
  if (offset % size)
    return Status::guest_error("config {} of {} bytes at {:#x}: not naturally aligned", what, size, offset);
  if (offset >= kCfgSpaceSize || kCfgSpaceSize - offset < size)
    return Status::guest_error("config {} at {:#x}: beyond the 4 KB configuration space", what, offset);
  return Status::ok();
}

}  // namespace

CfgSpace::CfgSpace(std::span<const uint8_t> golden, uint64_t aperture_size, uint64_t aperture_pa)
    : m_aperture_pa(aperture_pa) {
  GVT_ASSERT(golden.size() >= 0x100 && golden.size() <= kCfgSpaceSize,
             "golden config space of {} bytes: 256 to 4096 expected", golden.size());
  std::copy(golden.begin(), golden.end(), m_golden.begin());
  // gvt/cfg_space.c: bar[GTTMMIO].size = pci_resource_len(pdev, 0), bar[APERTURE].size = that of BAR2.
  m_bar_size = {kBar0Size, aperture_size, 0};
  init();
}

void CfgSpace::put32(uint32_t o, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) m_cfg[o + i] = uint8_t(v >> (8 * i));
}

void CfgSpace::init() {
  m_cfg = m_golden;
  // No stolen memory for the guest.
  const uint16_t gmch = uint16_t(read16(kGmch) & ~(kGmsMask << kGmsShift));
  m_cfg[kGmch] = uint8_t(gmch);
  m_cfg[kGmch + 1] = uint8_t(gmch >> 8);
  // BAR2 = the host aperture's physical base (its low dword; the upper dword is cleared below).
  write_bar_dword(kBar2, uint32_t(m_aperture_pa), true);
  m_cfg[kCommand] &= uint8_t(~(kCommandIo | kCommandMemory | kCommandMaster));
  // Upper BAR halves, BAR4/BAR5, the OpRegion address and the ROM BAR: for the guest to assign.
  put32(kBar1, 0);
  put32(kBar3, 0);
  put32(kBar4, 0);
  put32(kBar5, 0);
  put32(kAsls, 0);
  put32(kRom, 0);
  m_msi_cap = find_capability(kCapIdMsi);
  if (m_msi_cap) {
    // The host's own MSI programming is not the guest's: MSI starts disabled with a zero address and
    // data (see the header).
    const uint16_t control = uint16_t(read16(m_msi_cap + kMsiControl) & ~kMsiEnable);
    m_cfg[m_msi_cap + kMsiControl] = uint8_t(control);
    m_cfg[m_msi_cap + kMsiControl + 1] = uint8_t(control >> 8);
    put32(m_msi_cap + kMsiAddress, 0);
    m_cfg[m_msi_cap + kMsiData] = m_cfg[m_msi_cap + kMsiData + 1] = 0;
  }
  const unsigned pm = find_capability(kCapIdPm);
  m_pmcsr = pm ? pm + kPmCtrl : 0;
}

unsigned CfgSpace::find_capability(uint8_t id) const {
  if (!(read16(kStatus) & kStatusCapList)) return 0;
  // The kernel walks the list until the next pointer is 0; a malformed golden copy with a cycle must
  // not hang us, and 48 entries is the most a 256-byte space can hold.
  unsigned next = m_cfg[kCapPtr];
  for (unsigned hops = 0; next != 0 && hops < 48; ++hops) {
    if (next + 1 >= 0x100) return 0;
    if (m_cfg[next] == id) return next;
    next = m_cfg[next + 1];
  }
  return 0;
}

void CfgSpace::write_bar_dword(uint32_t offset, uint32_t value, bool low) {
  offset &= ~3u;
  if (low)
    put32(offset, (value & ~kBarFlags) | (read32(offset) & kBarFlags));
  else
    put32(offset, value);
}

Result<uint32_t> CfgSpace::read(uint32_t offset, unsigned size) const {
  if (Status s = check_access("read", offset, size); !s) return s;
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint32_t(m_cfg[offset + i]) << (8 * i);
  return v;
}

Status CfgSpace::write(uint32_t offset, unsigned size, uint32_t value) {
  if (Status s = check_access("write", offset, size); !s) return s;
  if (offset == kCommand) {
    if (size > 2) return Status::guest_error("config write of {} bytes at COMMAND: at most 2", size);
    return command_write(size, value);
  }
  const uint32_t dword = offset & ~3u;
  const bool whole = size == 4;
  if (dword == kRom) {
    if (!whole) return Status::guest_error("config write of {} bytes to the ROM BAR: a whole dword expected", size);
    rom_write(value);
    return Status::ok();
  }
  if (dword >= kBar0 && dword <= kBar5) {
    if (!whole) return Status::guest_error("config write of {} bytes to BAR at {:#x}: a whole dword expected", size, offset);
    bar_write(offset, value);
    return Status::ok();
  }
  if (dword == kSwsci) {
    if (!whole) return Status::guest_error("config write of {} bytes to SWSCI: a whole dword expected", size);
    // Handed to the OpRegion emulation and not stored (gvt/cfg_space.c INTEL_GVT_PCI_SWSCI case).
    return m_hooks.on_swsci ? m_hooks.on_swsci(value) : Status::ok();
  }
  if (dword == kAsls) {
    if (!whole) return Status::guest_error("config write of {} bytes to ASLS: a whole dword expected", size);
    if (m_hooks.on_asls)
      if (Status s = m_hooks.on_asls(value); !s) return s;
    mem_write(offset, size, value);
    return Status::ok();
  }
  mem_write(offset, size, value);
  return Status::ok();
}

void CfgSpace::mem_write(uint32_t offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size; ++i) {
    const uint32_t o = offset + i;
    const uint8_t b = uint8_t(value >> (8 * i));
    if (o < kRwMap.size()) {
      const uint8_t mask = kRwMap[o], old = m_cfg[o];
      uint8_t nw = b & mask;
      if (o == kStatus + 1) nw = uint8_t(~nw & old & mask);  // write 1 to clear; 0 keeps
      m_cfg[o] = uint8_t((old & ~mask) | nw);
    } else {
      m_cfg[o] = b;
    }
  }
  // A write that starts at PMCSR and leaves the power state at D3hot.
  if (m_pmcsr != 0 && offset == m_pmcsr) {
    const unsigned state = read16(m_pmcsr) & kPmStateMask;
    if (state == kPmD3hot) m_d3_entered = true;
    log::debug(log::Channel::pci, "vgpu: power state D{}", state);
  }
}

Status CfgSpace::command_write(unsigned size, uint32_t value) {
  const uint8_t old = m_cfg[kCommand];
  const uint8_t changed = uint8_t(old ^ uint8_t(value));
  mem_write(kCommand, size, value);
  if (!(changed & kCommandMemory)) return Status::ok();
  // Memory decode turned off: untrap BAR0, unmap the aperture; turned on: the reverse.
  const bool on = !(old & kCommandMemory);
  set_tracked(Bar::gttmmio, on);
  set_tracked(Bar::aperture, on);
  return Status::ok();
}

void CfgSpace::bar_write(uint32_t offset, uint32_t value) {
  const bool low = offset % 8 == 0;
  const bool mmio_enabled = m_cfg[kCommand] & kCommandMemory;
  const bool gttmmio = offset == kBar0 || offset == kBar1;
  const bool aperture = offset == kBar2 || offset == kBar3;
  if (value == 0xFFFFFFFFu) {
    // Sizing: the size mask with the flag bits kept (low dword) or its upper half; the BAR stops
    // decoding while its address is not a real one.
    if (gttmmio || aperture) {
      const Bar bar = gttmmio ? Bar::gttmmio : Bar::aperture;
      const uint64_t mask = ~(m_bar_size[size_t(bar)] - 1);
      write_bar_dword(offset, uint32_t(mask >> (low ? 0 : 32)), low);
      set_tracked(bar, false);
    } else {
      write_bar_dword(offset, 0, false);  // unimplemented BARs (BAR4, BAR5) size to 0
    }
    return;
  }
  if (gttmmio || aperture) {
    const Bar bar = gttmmio ? Bar::gttmmio : Bar::aperture;
    set_tracked(bar, false);  // untrap the old place first
    write_bar_dword(offset, value, low);
    set_tracked(bar, mmio_enabled);
  } else {
    write_bar_dword(offset, value, low);
  }
}

void CfgSpace::rom_write(uint32_t value) {
  if ((value & kRomAddressMask) == kRomAddressMask)
    put32(kRom, 0);  // a sizing probe: no ROM
  else
    mem_write(kRom, 4, value);
}

void CfgSpace::set_tracked(Bar bar, bool on) {
  bool& t = m_tracked[size_t(bar)];
  if (t == on) return;
  t = on;
  if (m_hooks.on_trap) m_hooks.on_trap(bar, on);
}

void CfgSpace::reset() {
  set_tracked(Bar::gttmmio, false);
  set_tracked(Bar::aperture, false);
  init();
}

uint64_t CfgSpace::bar_gpa(Bar bar) const {
  switch (bar) {
    case Bar::gttmmio: return (uint64_t(read32(kBar1)) << 32 | read32(kBar0)) & ~uint64_t(kBarFlags);
    case Bar::aperture: return (uint64_t(read32(kBar3)) << 32 | read32(kBar2)) & ~uint64_t(kBarFlags);
    case Bar::pio: return read32(kBar4) & ~0x3ull;
  }
  return 0;
}

std::optional<std::pair<Bar, uint64_t>> CfgSpace::claim(uint64_t gpa, uint64_t len) const {
  if (len == 0) return std::nullopt;
  for (Bar bar : {Bar::gttmmio, Bar::aperture}) {
    if (!m_tracked[size_t(bar)]) continue;
    const uint64_t base = bar_gpa(bar), size = bar_size(bar);
    if (gpa >= base && gpa - base < size && len <= size - (gpa - base)) return std::make_pair(bar, gpa - base);
  }
  return std::nullopt;
}

MsiState CfgSpace::msi() const {
  if (m_msi_cap == 0) return {};
  MsiState m;
  m.control = read16(m_msi_cap + kMsiControl);
  m.address = read32(m_msi_cap + kMsiAddress);
  m.data = read16(m_msi_cap + kMsiData);
  m.enabled = m.control & kMsiEnable;
  return m;
}

}  // namespace gvtsim::vgpu
