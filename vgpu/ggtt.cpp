// The virtual GGTT (vgpu/ggtt.h; gvt-reference §2.3; i915 gvt/gtt.c, gvt/kvmgt.c).
#include "vgpu/ggtt.h"

#include <algorithm>

namespace gvtsim::vgpu {

using namespace ggtt;

VirtualGgtt::VirtualGgtt(VgpuId vgpu, const GmSlice& low, const GmSlice& high, Hypervisor& hypervisor,
                         HostGpu& host, uint64_t scratch_hpa)
    : m_vgpu(vgpu),
      m_low(low),
      m_high(high),
      m_hyp(hypervisor),
      m_host(host),
      m_scratch(scratch_hpa),
      m_low_entries(low.size >> kPageShift, 0),
      m_high_entries(high.size >> kPageShift, 0) {
  GVT_ASSERT(scratch_hpa % kPageSize == 0 && (scratch_hpa & ~kAddrMask) == 0, "vgpu{}: scratch page {:#x}", vgpu,
             scratch_hpa);
  for (const GmSlice* s : {&m_low, &m_high})
    GVT_ASSERT(s->base % kPageSize == 0 && s->size % kPageSize == 0 && s->end() <= (kWindowSize / kEntrySize) << kPageShift,
               "vgpu{}: GM slice {:#x}+{:#x}", vgpu, s->base, s->size);
  // intel_vgpu_init_gtt → intel_vgpu_reset_ggtt(vgpu, false): scratch everywhere, nothing to unpin.
  scratch_fill();
  flush();
}

VirtualGgtt::~VirtualGgtt() {
  // Take the guest's frames out of the host GGTT before letting go of them (see ggtt.h).
  if (m_pinned.empty()) return;
  for (const auto& [index, gfn] : m_pinned) set_host_entry(index, 0);
  flush();
  for (const auto& [index, gfn] : m_pinned) m_hyp.unpin_gfn(m_vgpu, gfn);
  m_pinned.clear();
}

bool VirtualGgtt::in_slices(uint64_t index) const {
  const uint64_t gma = index << kPageShift;  // emulate_ggtt_mmio_write: gma = g_gtt_index << 12
  return m_low.contains(gma) || m_high.contains(gma);  // vgpu_gmadr_is_valid
}

uint64_t* VirtualGgtt::slot(uint64_t index) {
  const uint64_t gma = index << kPageShift;
  if (m_low.contains(gma)) return &m_low_entries[(gma - m_low.base) >> kPageShift];
  if (m_high.contains(gma)) return &m_high_entries[(gma - m_high.base) >> kPageShift];
  if (m_fault_skip_slice_check) return &m_foreign[index];
  return nullptr;
}

const uint64_t* VirtualGgtt::slot(uint64_t index) const { return const_cast<VirtualGgtt*>(this)->slot(index); }

uint64_t VirtualGgtt::guest_entry(uint64_t index) const {
  const uint64_t* e = slot(index);
  return e ? *e : 0;
}

std::optional<uint64_t> VirtualGgtt::pinned_gfn(uint64_t index) const {
  auto it = m_pinned.find(index);
  if (it == m_pinned.end()) return std::nullopt;
  return it->second;
}

static Status check_access(const char* what, uint64_t offset, unsigned size) {
  // intel_vgpu_emulate_ggtt_mmio_read/write: 4 or 8 bytes (-EINVAL otherwise); gvtsim also requires
  // natural alignment and the access inside the window.
  if (size != 4 && size != 8) return Status::guest_error("GGTT {} of {} bytes at {:#x}", what, size, offset);
  if (offset % size) return Status::guest_error("misaligned GGTT {} of {} bytes at {:#x}", what, size, offset);
  if (offset >= kWindowSize || size > kWindowSize - offset)
    return Status::guest_error("GGTT {} at {:#x} past the 8 MB window", what, offset);
  return Status::ok();
}

Result<uint64_t> VirtualGgtt::read(uint64_t offset, unsigned size) const {
  if (Status s = check_access("read", offset, size); !s) return s;
  const uint64_t index = offset >> kEntryShift;
  // emulate_ggtt_mmio_read: outside the vGPU's GM (intel_gvt_ggtt_validate_range) the read is 0.
  const uint64_t* e = slot(index);
  if (!e) return uint64_t{0};
  const unsigned lane = unsigned(offset & (kEntrySize - 1));
  const uint64_t v = *e >> (8 * lane);
  return size == 8 ? v : v & 0xFFFF'FFFFull;
}

Status VirtualGgtt::write(uint64_t offset, unsigned size, uint64_t value) {
  if (Status s = check_access("write", offset, size); !s) return s;
  const uint64_t index = offset >> kEntryShift;
  // "the VM may configure the whole GM space when ballooning is used": outside the slices, ignored.
  if (!in_slices(index) && !m_fault_skip_slice_check) return Status::ok();
  if (size == kEntrySize) {
    update_entry(index, value, false);
    return Status::ok();
  }
  // A 4-byte half (partial_pte_list).
  const unsigned lane = unsigned(offset & (kEntrySize - 1));
  const uint64_t half = (value & 0xFFFF'FFFFull) << (8 * lane);
  auto it = m_partial.find(index);
  if (it == m_partial.end()) {
    // The first half: held; the virtual entry takes it (the other half 0), the host entry goes to scratch.
    m_partial[index] = {lane, half};
    update_entry(index, half, true);
    return Status::ok();
  }
  if (it->second.lane == lane) {
    // The same half again: only the held value and the virtual entry change.
    it->second.data = half;
    *slot(index) = half;
    return Status::ok();
  }
  // The other half: the entry is complete and processed as a whole.
  const uint64_t mask = 0xFFFF'FFFFull << (8 * it->second.lane);
  const uint64_t whole = half | (it->second.data & mask);
  m_partial.erase(it);
  update_entry(index, whole, false);
  return Status::ok();
}

Status VirtualGgtt::write_virtual(uint64_t offset, unsigned size, uint64_t value) {
  if (Status s = check_access("write", offset, size); !s) return s;
  uint64_t* e = slot(offset >> kEntryShift);
  if (!e) return Status::ok();
  const unsigned lane = unsigned(offset & (kEntrySize - 1));
  const uint64_t mask = size == 8 ? ~0ull : 0xFFFF'FFFFull << (8 * lane);
  *e = (*e & ~mask) | ((value << (8 * lane)) & mask);
  return Status::ok();
}

void VirtualGgtt::update_entry(uint64_t index, uint64_t guest, bool hold) {
  std::optional<uint64_t> new_gfn;
  uint64_t host_pte;
  if (!hold && (guest & kPresent)) {
    const uint64_t gfn = (guest & kAddrMask) >> kPageShift;
    uint64_t hpa = m_scratch;  // not guest RAM or not pinnable: the vGPU's scratch page, present kept
    if (m_hyp.is_valid_gfn(m_vgpu, gfn)) {
      if (Result<uint64_t> pinned = m_hyp.pin_gfn(m_vgpu, gfn)) {
        hpa = *pinned;
        new_gfn = gfn;
      }
    }
    GVT_ASSERT((hpa & ~kAddrMask) == 0, "vgpu{}: host page {:#x} for gfn {:#x}", m_vgpu, hpa, gfn);
    host_pte = (guest & ~kAddrMask) | hpa;  // m = e; set_pfn(m, host pfn)
  } else {
    host_pte = m_scratch;  // m = 0; set_pfn(m, scratch); clear_present(m)
  }
  *slot(index) = guest;  // ggtt_set_guest_entry
  // ggtt_invalidate_pte: release what the host entry pointed at before (after the new pin).
  if (auto it = m_pinned.find(index); it != m_pinned.end()) {
    m_hyp.unpin_gfn(m_vgpu, it->second);
    m_pinned.erase(it);
  }
  if (new_gfn) m_pinned[index] = *new_gfn;
  set_host_entry(index, host_pte);
  flush();  // ggtt_invalidate
}

void VirtualGgtt::set_host_entry(uint64_t index, uint64_t pte) {
  // gtt.c write_pte64: writeq to ggtt->gsm + index, i.e. the host's BAR0 + 8 MB + index * 8.
  const Status s = m_host.mmio_write(kHostGgttBase + uint32_t(index << kEntryShift), 8, pte);
  GVT_ASSERT(s.is_ok(), "vgpu{}: host GGTT write of entry {:#x}: {}", m_vgpu, index, s.to_string());
}

void VirtualGgtt::flush() {
  const Status s = m_host.mmio_write(kGfxFlshCntl, 4, kGfxFlshCntlEn);
  GVT_ASSERT(s.is_ok(), "vgpu{}: GFX_FLSH_CNTL write: {}", m_vgpu, s.to_string());
}

void VirtualGgtt::scratch_fill() {
  // intel_vgpu_reset_ggtt: set_pfn(scratch), set_present, for every index of both slices.
  const uint64_t pte = m_scratch | kPresent;
  for (const GmSlice* s : {&m_low, &m_high})
    for (uint64_t gma = s->base; gma < s->end(); gma += kPageSize) set_host_entry(gma >> kPageShift, pte);
}

void VirtualGgtt::reset() {
  // intel_vgpu_reset_ggtt(vgpu, true): ggtt_invalidate_pte on every old entry, then scratch.
  for (const auto& [index, gfn] : m_pinned) m_hyp.unpin_gfn(m_vgpu, gfn);
  m_pinned.clear();
  scratch_fill();
  flush();
  std::fill(m_low_entries.begin(), m_low_entries.end(), 0);
  std::fill(m_high_entries.begin(), m_high_entries.end(), 0);
  m_partial.clear();
  m_foreign.clear();
}

bool VirtualGgtt::aperture_access_allowed(uint64_t offset, uint64_t len) const {
  // intel_vgpu_in_aperture(start) and start + size <= aperture offset + size (kvmgt.c intel_vgpu_mmap);
  // written without the overflow of start + len.
  return m_low.contains(offset) && len <= m_low.end() - offset;
}

}  // namespace gvtsim::vgpu
