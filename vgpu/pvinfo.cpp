#include "vgpu/pvinfo.h"

#include <climits>

#include "base/log.h"

namespace gvtsim::vgpu {

using namespace pv;

const char* to_string(G2v g) {
  switch (g) {
    case G2v::ppgtt_l3_create: return "ppgtt_l3_create";
    case G2v::ppgtt_l3_destroy: return "ppgtt_l3_destroy";
    case G2v::ppgtt_l4_create: return "ppgtt_l4_create";
    case G2v::ppgtt_l4_destroy: return "ppgtt_l4_destroy";
    case G2v::execlist_context_create: return "execlist_context_create";
    case G2v::execlist_context_destroy: return "execlist_context_destroy";
  }
  return "?";
}

void PvInfo::put(uint32_t o, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size; ++i) m_page[o + i] = uint8_t(value >> (8 * i));
}

uint32_t PvInfo::dword(uint32_t o) const {
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; ++i) v |= uint32_t(m_page[o + i]) << (8 * i);
  return v;
}

uint64_t PvInfo::qword(uint32_t o) const { return uint64_t(dword(o)) | uint64_t(dword(o + 4)) << 32; }

std::array<uint64_t, 4> PvInfo::pdps() const {
  std::array<uint64_t, 4> p{};
  for (unsigned i = 0; i < 4; ++i) p[i] = qword(kPdp + 8 * i);
  return p;
}

void PvInfo::populate(const PvInfoResources& r) {
  // The balloon info is 32-bit: graphics memory is 4 GB at most (8 MB GGTT).
  GVT_ASSERT(r.aperture.end() <= (1ull << 32) && r.hidden.end() <= (1ull << 32),
             "vgpu{}: GM slices beyond 4 GB cannot be published in PVINFO", r.id);
  m_id = r.id;
  put(kMagic, 8, kVgtMagic);
  put(kVersionMajor, 2, kVgtVersionMajor);
  put(kVersionMinor, 2, kVgtVersionMinor);
  put(kDisplayReady, 4, 0);
  put(kVgtId, 4, r.id);
  put(kVgtCaps, 4, kCapsFullPpgtt | kCapsHwspEmulation | kCapsHugeGtt);
  put(kApertureBase, 4, r.aperture.base);
  put(kApertureSize, 4, r.aperture.size);
  put(kHiddenBase, 4, r.hidden.base);
  put(kHiddenSize, 4, r.hidden.size);
  put(kFenceNum, 4, r.fences);
  put(kCursorXHot, 4, UINT32_MAX);
  put(kCursorYHot, 4, UINT32_MAX);
}

void PvInfo::reset(const PvInfoResources& r) {
  m_page.fill(0);
  populate(r);
}

static Status check_access(const char* what, uint32_t offset, unsigned size) {
  if (size != 1 && size != 2 && size != 4 && size != 8)
    return Status::guest_error("PVINFO {} of {} bytes at {:#x}: sizes are 1, 2, 4 or 8", what, size, offset);
  if (offset % size)
    return Status::guest_error("PVINFO {} of {} bytes at {:#x}: not naturally aligned", what, size, offset);
  if (offset < kPvInfoBase || offset - kPvInfoBase >= kPvInfoSize || kPvInfoBase + kPvInfoSize - offset < size)
    return Status::guest_error("PVINFO {} at {:#x}: outside the page {:#x}-{:#x}", what, offset, kPvInfoBase,
                               kPvInfoBase + kPvInfoSize - 1);
  return Status::ok();
}

Result<uint64_t> PvInfo::read(uint32_t offset, unsigned size) {
  if (Status s = check_access("read", offset, size); !s) return s;
  const uint32_t o = offset - kPvInfoBase;
  uint64_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint64_t(m_page[o + i]) << (8 * i);
  // The kernel's list of fields a guest is expected to read: magic..vgt_id, vgt_caps, the balloon
  // info, and 0x81C. Anything else is answered from the page all the same, and logged.
  const bool valid = (o <= kVgtId && o + size <= kVgtId + 4) ||
                     (o >= kApertureBase && o <= kFenceNum && o + size <= kFenceNum + 4) || o == kVgtCaps ||
                     o == 0x81C;
  if (!valid) {
    ++m_invalid_reads;
    if (m_log.allow())
      log::info(log::Channel::vgpu, "vgpu{}: PVINFO read of {} bytes at {:#x} is not a host field", m_id, size, offset);
  }
  ++m_reads;
  m_pv_notified = true;
  return v;
}

Status PvInfo::write(uint32_t offset, unsigned size, uint64_t value) {
  if (Status s = check_access("write", offset, size); !s) return s;
  const uint32_t o = offset - kPvInfoBase;
  const uint32_t data = uint32_t(value);  // the handlers look at the first dword (*(u32 *)p_data)
  const bool pdp_or_descriptor = o >= kPdp && o <= kDescriptorHi && o % 4 == 0;
  if (o == kDisplayReady) {
    put(o, size, value);
    if (m_hooks.on_display_ready) m_hooks.on_display_ready(data != 0);
    return Status::ok();
  }
  if (o == kG2vNotify) {
    handle_g2v(data);
    put(o, size, value);
    return Status::ok();
  }
  if (o == kCursorXHot || o == kCursorYHot || pdp_or_descriptor) {
    put(o, size, value);
    return Status::ok();
  }
  if (o >= kRsv5 && o <= kRsv5 + kRsv5Size - 4) {
    // The guest could not balloon the space PVINFO gave it: nothing it asks for later can be trusted
    // to stay inside its slices. The page is left as it is.
    if (m_hooks.on_balloon_failure) m_hooks.on_balloon_failure(offset);
    return Status::ok();
  }
  ++m_ignored_writes;
  if (m_log.allow())
    log::info(log::Channel::vgpu, "vgpu{}: PVINFO write of {} bytes at {:#x} (value {:#x}) ignored", m_id, size,
              offset, value);
  return Status::ok();
}

void PvInfo::handle_g2v(uint32_t code) {
  switch (code) {
    case uint32_t(G2v::ppgtt_l3_create):
    case uint32_t(G2v::ppgtt_l3_destroy):
    case uint32_t(G2v::ppgtt_l4_create):
    case uint32_t(G2v::ppgtt_l4_destroy):
      if (m_hooks.on_g2v) m_hooks.on_g2v({G2v(code), pdps()});
      return;
    case uint32_t(G2v::execlist_context_create):
    case uint32_t(G2v::execlist_context_destroy):
    case 1:  // "Remove this in guest driver."
      return;
    default:
      ++m_invalid_g2v;
      if (m_log.allow())
        log::info(log::Channel::vgpu, "vgpu{}: invalid PV notification {}", m_id, code);
  }
}

}  // namespace gvtsim::vgpu
