// The MMIO trap path; see mmio.h. Kernel references are to drivers/gpu/drm/i915/gvt/ (facts only).
#include "vgpu/mmio.h"

#include "vgpu/irq.h"
#include "vgpu/reg_index.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace gvtsim::vgpu {

namespace g8 = spec::gen8;
using g8::GvtHandler;

namespace {

// _MASKED_BIT_ENABLE(b) and IS_MASKED_BITS_ENABLED (gvt/reg.h): bit b set with its enable bit.
constexpr uint32_t masked_enable(uint32_t bits) { return bits << 16 | bits; }
constexpr bool masked_enabled(uint32_t v, uint32_t bits) { return (v & masked_enable(bits)) == masked_enable(bits); }

// GFX_MODE bit 0 (ring_mode_mmio_write), GFX_PPGTT_ENABLE, GFX_RUN_LIST_ENABLE: the table's fields.
constexpr uint32_t kGfxPrivilegeCheckDisable = uint32_t(g8::reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE.mask());
constexpr uint32_t kGfxPpgttEnable = uint32_t(g8::reg::GFX_MODE::PPGTT_ENABLE.mask());
constexpr uint32_t kGfxRunListEnable = uint32_t(g8::reg::GFX_MODE::EXECLIST_ENABLE.mask());
constexpr uint32_t kResetCtlRequest = 1u << 0, kResetCtlReady = 1u << 1;  // RESET_CTL_REQUEST_RESET / READY_TO_RESET
constexpr uint32_t kPcodeReady = 1u << 31, kPcodeErrorMask = 0xFF;        // GEN6_PCODE_READY, GEN6_PCODE_ERROR_MASK
constexpr uint32_t kPcodeReadRc6Vids = 0x5;                              // GEN6_PCODE_READ_RC6VIDS
constexpr uint32_t kMasterIrqControl = uint32_t(g8::reg::GEN8_MASTER_IRQ::MASTER_IRQ_CONTROL.mask());
// GEN6_GRDOM_* (i915_reg.h), as gdrst_mmio_write tests them: the table's GEN6_GDRST fields.
namespace grdom = g8::reg::GEN6_GDRST;
constexpr uint32_t kGrdomFull = uint32_t(grdom::GRDOM_FULL.mask()), kGrdomRender = uint32_t(grdom::GRDOM_RENDER.mask()),
                   kGrdomMedia = uint32_t(grdom::GRDOM_MEDIA.mask()), kGrdomBlt = uint32_t(grdom::GRDOM_BLT.mask()),
                   kGrdomVecs = uint32_t(grdom::GRDOM_VECS.mask()), kGrdomMedia2 = uint32_t(grdom::GRDOM_MEDIA2.mask());

// handlers.c force_nonpriv_white_list[] (sorted; the kernel bsearches it): the registers a guest may
// make non-privileged through RING_FORCE_TO_NONPRIV, besides its engine's RING_NOPID.
constexpr std::array<uint32_t, 31> kForceNonprivWhitelist = {
    0xd80,  0x20ec, 0x2248, 0x2340, 0x2348, 0x2350, 0x2580, 0x2690, 0x2694, 0x2698, 0x2754,
    0x28a0, 0x4de0, 0x4de4, 0x4dfc, 0x7010, 0x7014, 0x7300, 0x7304, 0x7700, 0x7704, 0x7708,
    0x770c, 0x83a8, 0xb110, 0xb118, 0xe100, 0xe18c, 0xe48c, 0xe5f4, 0x64844,
};

constexpr uint32_t kFenceBase = g8::reg::FENCE_REG_GEN6::offset;  // FENCE_REG_GEN6_LO(0)

}  // namespace

MmioEmulator::MmioEmulator(Deps deps, std::vector<uint32_t> golden) : m_d(std::move(deps)), m_golden(std::move(golden)) {
  m_golden.resize(kMmioWindow / 4, 0);
  m_vreg = m_golden;
}

std::vector<uint32_t> MmioEmulator::snapshot(HostGpu& host) {
  // gvt/firmware.c intel_gvt_init_firmware → mmio_snapshot_handler, run by
  // intel_gvt_for_each_tracked_mmio: only tracked registers and the dwords of the tracked blocks are
  // read from the hardware; everything else in the golden image stays 0. The PVINFO block is not the
  // hardware's (PvInfo populates it per vGPU), so it is skipped.
  std::vector<uint32_t> out(kMmioWindow / 4, 0);
  auto take = [&](uint32_t dw) {
    if (dw >= kMmioWindow) return;
    Result<uint64_t> r = host.mmio_read(dw, 4);
    if (r) out[dw / 4] = uint32_t(*r);
  };
  for (const g8::RegInstance& r : g8::kRegInstances) {
    if (!g8::gvt_tracked(r)) continue;
    for (uint32_t b = 0; b < r.row().width / 8; b += 4) take(r.offset + b);
  }
  for (const g8::RegRow& row : g8::kRegRows) {
    if (row.gvt != g8::GvtTrack::block || row.gvt_handler == GvtHandler::pvinfo) continue;
    for (uint32_t b = 0; b < row.bytes(); b += 4) take(row.offset + b);
  }
  return out;
}

void MmioEmulator::reset() {
  m_vreg = m_golden;
  m_elsp = {};
  m_elsp_index = {};
  m_hws_pga = {};
  m_submissions.clear();
  m_reset.reset();
  m_tlb_pending = 0;
  m_execlist_enabled = 0;
}

void MmioEmulator::restore_golden(uint32_t end) {
  const std::size_t n = std::min<std::size_t>(end / 4, m_vreg.size());
  std::copy_n(m_golden.begin(), n, m_vreg.begin());
}

void MmioEmulator::reset_engines(EngineMask engines) {
  for (std::size_t i = 0; i < g8::kEngineCount; ++i) {
    const auto e = static_cast<Engine>(i);
    if (!(engines & g8::engine_bit(e))) continue;
    m_elsp[i] = {};
    m_elsp_index[i] = 0;
    // init_vgpu_execlist: read pointer 0, write pointer 7 ("the next entry is 0").
    uint32_t& ptr = m_vreg[g8::reg::RING_CONTEXT_STATUS_PTR::at(e) / 4];
    ptr = uint32_t(g8::reg::RING_CONTEXT_STATUS_PTR::WRITE_PTR.set(g8::reg::RING_CONTEXT_STATUS_PTR::READ_PTR.set(ptr, 0), 7));
  }
  std::erase_if(m_submissions, [&](const ElspSubmission& s) { return (engines & g8::engine_bit(s.engine)) != 0; });
  m_tlb_pending &= EngineMask(~engines);
}

void MmioEmulator::full_reset() {
  constexpr uint32_t kGen8MmioResetOffset = g8::reg::GEN8_MASTER_IRQ::offset;  // GVT_GEN8_MMIO_RESET_OFFSET 0x44200
  restore_golden(kGen8MmioResetOffset);
  reset_engines(EngineMask(~0u));
  m_execlist_enabled = 0;
  m_hws_pga = {};
}

std::vector<ElspSubmission> MmioEmulator::take_submissions() { return std::exchange(m_submissions, {}); }
std::optional<ResetRequest> MmioEmulator::take_reset_request() { return std::exchange(m_reset, std::nullopt); }

// --- lookup ---

MmioEmulator::Dword MmioEmulator::lookup(uint32_t dw) {
  Dword d;
  const g8::RegInstance* r = reg_at(dw);
  if (!r || !g8::gvt_tracked(*r)) return d;
  const g8::RegRow& row = r->row();
  d.inst = r;
  d.flags = g8::gvt_flags(*r);
  d.ro = uint32_t(row.gvt_ro >> (8 * (dw - r->offset)));  // this dword's half of a 64-bit ro_mask
  d.handler = row.gvt_handler;
  return d;
}

std::optional<Engine> MmioEmulator::engine_of(uint32_t offset) {
  // intel_gvt_render_mmio_to_engine: the engine whose 4 KB MMIO page holds the offset.
  for (std::size_t i = 0; i < g8::kEngineCount; ++i)
    if (g8::kEngines[i].base == (offset & ~0xFFFu)) return static_cast<Engine>(i);
  return std::nullopt;
}

uint64_t MmioEmulator::default_read(uint32_t offset, unsigned size) const {
  uint64_t v = 0;
  std::memcpy(&v, reinterpret_cast<const uint8_t*>(m_vreg.data()) + offset, size);  // little-endian host
  return v;
}

void MmioEmulator::default_write(uint32_t offset, unsigned size, uint64_t value) {
  std::memcpy(reinterpret_cast<uint8_t*>(m_vreg.data()) + offset, &value, size);
}

Status MmioEmulator::guest_error(Status s) {
  ++m_counts.guest_errors;
  return s;
}

void MmioEmulator::enter_failsafe(FailsafeReason r, std::string why) {
  m_d.failsafe.enter(m_d.id, r, m_d.clock.now(), std::move(why));
}

// --- the access path (mmio.c intel_vgpu_emulate_mmio_read/write, handlers.c intel_vgpu_mmio_reg_rw) ---

namespace {
// Size and alignment (mmio.c: bytes ≤ 8; IS_ALIGNED(offset, bytes) unless F_UNALIGN).
Status check_access(uint32_t offset, unsigned size, const char* what) {
  if (size == 0 || size > 8) return Status::guest_error("MMIO {} of {} bytes at {:#x}", what, size, offset);
  if (offset >= kMmioWindow || size > kMmioWindow - offset)
    return Status::guest_error("MMIO {} at {:#x}+{} outside the 2 MB register window", what, offset, size);
  const g8::RegInstance* r = reg_at(offset & ~3u);
  const bool unalign = r && (g8::gvt_flags(*r) & g8::kGvtF_UNALIGN);
  if (!unalign && ((size & (size - 1)) != 0 || offset % size != 0))
    return Status::guest_error("misaligned MMIO {} of {} bytes at {:#x}", what, size, offset);
  return Status::ok();
}
}  // namespace

Result<uint64_t> MmioEmulator::read(uint32_t offset, unsigned size) {
  ++m_counts.reads;
  if (Status s = check_access(offset, size, "read"); !s) return guest_error(std::move(s));

  if (m_d.failsafe.active()) {  // failsafe_emulate_mmio_rw: the vreg only
    ++m_counts.failsafe_accesses;
    if (g8::find_gvt_block(offset) && offset >= kPvInfoBase && offset < kPvInfoBase + kPvInfoSize) {
      uint64_t v = 0;
      std::memcpy(&v, m_d.pvinfo.page().data() + (offset - kPvInfoBase), size);
      return v;
    }
    return default_read(offset, size);
  }

  if (const g8::RegRow* block = g8::find_gvt_block(offset)) {
    if (block->gvt_handler == GvtHandler::pvinfo) return m_d.pvinfo.read(offset, size);
    return default_read(offset, size);  // MCHBAR mirror, palettes: blocks without handlers
  }

  if ((offset & 3) + size > 4 && size != 8) return default_read(offset, size);  // unaligned, F_UNALIGN
  if (size == 8) {
    Result<uint32_t> lo = read_dword(offset);
    if (!lo) return lo.status();
    Result<uint32_t> hi = read_dword(offset + 4);
    if (!hi) return hi.status();
    return uint64_t(*lo) | uint64_t(*hi) << 32;
  }
  const uint32_t dw = offset & ~3u;
  Result<uint32_t> v = read_dword(dw);
  if (!v) return v.status();
  const unsigned shift = 8 * (offset - dw);
  return (uint64_t(*v) >> shift) & (size == 4 ? 0xFFFFFFFFull : ((1ull << (8 * size)) - 1));
}

Result<uint32_t> MmioEmulator::read_dword(uint32_t dw) {
  const Dword d = lookup(dw);
  if (!d.inst) return m_vreg[dw / 4];
  switch (d.handler) {
    case GvtHandler::fence:  // fence_mmio_read: sanitize_fence_mmio_access, then the vreg
      if (Status s = fence_check(dw); !s) return guest_error(std::move(s));
      break;
    case GvtHandler::mmio_read_from_hw: {
      // mmio_read_from_hw: the hardware is read when the offset is no engine register, is
      // RING_TIMESTAMP(_UDW), or this vGPU owns the engine now (scheduler.engine_owner); else the vreg.
      const std::optional<Engine> e = engine_of(dw);
      bool hw = !e;
      if (e) {
        const uint32_t base = g8::engine_base(*e);
        hw = dw == base + g8::reg::RING_TIMESTAMP::offset || dw == base + g8::reg::RING_TIMESTAMP_UDW::offset;
        if (!hw) {
          const std::optional<VgpuId> owner = m_d.host.engine_owner(*e);
          hw = owner && *owner == m_d.id;
        }
      }
      if (hw) {
        ++m_counts.host_reads;
        Result<uint64_t> r = m_d.host.mmio_read(dw, 4);
        if (r) m_vreg[dw / 4] = uint32_t(*r);
      }
      break;
    }
    case GvtHandler::none:
    case GvtHandler::imr:
    case GvtHandler::ier:
    case GvtHandler::iir:
    case GvtHandler::master_irq:
    case GvtHandler::gfx_mode:
    case GvtHandler::elsp:
    case GvtHandler::reset_ctl:
    case GvtHandler::hws_pga:
    case GvtHandler::tlb_control:
    case GvtHandler::forcewake:
    case GvtHandler::gdrst:
    case GvtHandler::pcode_mailbox:
    case GvtHandler::force_nonpriv:
      break;  // these handlers are write-only: reads are the vreg
    default:
      ++m_counts.unhandled;  // a handler this part does not implement (display, GMBUS, …): plain vreg
      break;
  }
  return m_vreg[dw / 4];
}

Status MmioEmulator::write(uint32_t offset, unsigned size, uint64_t value) {
  ++m_counts.writes;
  if (Status s = check_access(offset, size, "write"); !s) return guest_error(std::move(s));
  if (size < 8) value &= (1ull << (8 * size)) - 1;

  if (m_d.failsafe.active()) {  // failsafe_emulate_mmio_rw: the vreg only, no host side effects
    ++m_counts.failsafe_accesses;
    if (offset >= kPvInfoBase && offset < kPvInfoBase + kPvInfoSize) return Status::ok();  // see mmio.h
    default_write(offset, size, value);
    return Status::ok();
  }

  if (const g8::RegRow* block = g8::find_gvt_block(offset)) {
    if (block->gvt_handler == GvtHandler::pvinfo) return m_d.pvinfo.write(offset, size, value);
    default_write(offset, size, value);
    return Status::ok();
  }

  if ((offset & 3) + size > 4 && size != 8) {  // unaligned across dwords (F_UNALIGN rows: no handlers)
    default_write(offset, size, value);
    return Status::ok();
  }
  if (size == 8) {
    if (Status s = write_dword(offset, uint32_t(value)); !s) return s;
    return write_dword(offset + 4, uint32_t(value >> 32));
  }
  const uint32_t dw = offset & ~3u;
  uint32_t v = uint32_t(value);
  if (size < 4 && !m_d.failsafe.active() && lookup(dw).handler == GvtHandler::force_nonpriv)  // force_nonpriv_write: 4 bytes only
    return guest_error(Status::guest_error("FORCE_TO_NONPRIV write of {} bytes at {:#x}", size, offset));
  if (size < 4) {  // widen to the dword: the other bytes from the vreg
    const unsigned shift = 8 * (offset - dw);
    const uint32_t mask = uint32_t(((1ull << (8 * size)) - 1) << shift);
    v = (m_vreg[dw / 4] & ~mask) | ((v << shift) & mask);
  }
  return write_dword(dw, v);
}

Status MmioEmulator::write_dword(uint32_t dw, uint32_t value) {
  const Dword d = lookup(dw);
  uint32_t& vreg = m_vreg[dw / 4];
  if (!d.inst) {  // untracked: the vreg holds it
    vreg = value;
    return Status::ok();
  }
  // intel_vgpu_mmio_reg_rw: an all-ones ro_mask drops the write ("try to write RO reg"); a partial one
  // keeps the vreg's read-only bits.
  if (d.ro == 0xFFFFFFFFu) {
    ++m_counts.ro_dropped;
    return Status::ok();
  }
  if (d.ro) value = (value & ~d.ro) | (vreg & d.ro);
  const uint32_t old = vreg;
  Status s = handler_write(d, dw, value);
  // Higher 16 bits of mode-mask registers enable changes of the lower 16 (the same function, after
  // the handler).
  if (d.flags & g8::kGvtF_MODE_MASK) {
    const uint32_t mask = vreg >> 16;
    vreg = (old & ~mask) | (vreg & mask);
  }
  return s;
}

Status MmioEmulator::fence_check(uint32_t dw) {
  // sanitize_fence_mmio_access: an index beyond the vGPU's fences fails (the data zeroed); failsafe
  // UNSUPPORTED_GUEST only while the guest never read PVINFO.
  const unsigned index = (dw - kFenceBase) >> 3;
  if (index < m_d.fences.size()) return Status::ok();
  if (!m_d.pvinfo.pv_notified())
    enter_failsafe(FailsafeReason::unsupported_guest,
                   fmt::format("fence {} accessed (the vGPU has {}) before any PVINFO read", index, m_d.fences.size()));
  return Status::guest_error("fence register {} at {:#x} beyond the vGPU's {} fences", index, dw, m_d.fences.size());
}

Status MmioEmulator::handler_write(const Dword& d, uint32_t dw, uint32_t value) {
  uint32_t& vreg = m_vreg[dw / 4];
  const std::optional<Engine> engine = engine_of(dw);
  switch (d.handler) {
    case GvtHandler::none:
      vreg = value;
      return Status::ok();

    // gvt/interrupt.c intel_vgpu_reg_imr/ier/iir/master_irq_handler: the virtual interrupt tree.
    case GvtHandler::imr:
      if (m_irq) m_irq->write_imr(dw, value); else vreg = value;
      return Status::ok();
    case GvtHandler::ier:
      if (m_irq) m_irq->write_ier(dw, value); else vreg = value;
      return Status::ok();
    case GvtHandler::iir:  // write 1 to clear
      if (m_irq) m_irq->write_iir(dw, value); else vreg &= ~value;
      return Status::ok();
    case GvtHandler::master_irq:  // only bit 31 is guest-writable
      if (m_irq) m_irq->write_master(value); else vreg = (vreg & ~kMasterIrqControl) | (value & kMasterIrqControl);
      return Status::ok();

    case GvtHandler::elsp: {  // elsp_mmio_write: data[3 - index] = value; the 4th dword submits
      if (!engine) return guest_error(Status::guest_error("ELSP write at {:#x} outside an engine", dw));
      const auto e = static_cast<std::size_t>(*engine);
      m_elsp[e][3 - m_elsp_index[e]] = value;
      if (m_elsp_index[e] == 3) {
        const auto& data = m_elsp[e];
        m_submissions.push_back({*engine,
                                 {uint64_t(data[0]) | uint64_t(data[1]) << 32, uint64_t(data[2]) | uint64_t(data[3]) << 32}});
      }
      m_elsp_index[e] = (m_elsp_index[e] + 1) & 3;
      return Status::ok();
    }

    case GvtHandler::gfx_mode: {  // ring_mode_mmio_write
      if (!engine) {
        enter_failsafe(FailsafeReason::unsupported_guest, fmt::format("GFX_MODE write at {:#x} outside an engine", dw));
        return Status::ok();
      }
      // Bit 0 (privilege-check disable) and its enable bit are stripped before the vreg is written.
      vreg = value & ~masked_enable(kGfxPrivilegeCheckDisable);
      if (masked_enabled(value, kGfxPrivilegeCheckDisable)) {
        enter_failsafe(FailsafeReason::unsupported_guest,
                       fmt::format("{} GFX_MODE {:#010x} disables the privilege check", g8::engine_name(*engine), value));
        return Status::ok();
      }
      if ((masked_enabled(value, kGfxPpgttEnable) || masked_enabled(value, kGfxRunListEnable)) &&
          !m_d.pvinfo.pv_notified()) {
        enter_failsafe(FailsafeReason::unsupported_guest,
                       fmt::format("{} GFX_MODE {:#010x} enables PPGTT or execlists before any PVINFO read",
                                   g8::engine_name(*engine), value));
        return Status::ok();
      }
      if (value & (kGfxRunListEnable << 16)) {  // execlist enable / disable
        if (value & kGfxRunListEnable) m_execlist_enabled |= g8::engine_bit(*engine);
      }
      return Status::ok();
    }

    case GvtHandler::reset_ctl: {  // ring_reset_ctl_write: a masked REQUEST sets READY, clearing it clears READY
      uint32_t data = value;
      if (masked_enabled(data, kResetCtlRequest))
        data |= kResetCtlReady;
      else if (data & (kResetCtlRequest << 16))
        data &= ~kResetCtlReady;
      vreg = data;
      return Status::ok();
    }

    case GvtHandler::hws_pga: {  // hws_pga_write: nonzero must be a page inside the vGPU's GM
      if (value != 0 && !(m_d.in_gm && m_d.in_gm(value, kPageSize)))
        return guest_error(Status::guest_error("HWS_PGA {:#x} at {:#x} is outside the vGPU's graphics memory", value, dw));
      if (!engine) return guest_error(Status::guest_error("HWS_PGA write at {:#x} outside an engine", dw));
      m_hws_pga[static_cast<std::size_t>(*engine)] = value;
      vreg = value;
      return Status::ok();
    }

    case GvtHandler::tlb_control: {  // gvt_reg_tlb_control_handler: reads 0, pending per engine
      vreg = 0;
      std::optional<Engine> e;
      switch (dw) {
        case g8::reg::GEN8_RTCR::offset: e = Engine::RCS; break;
        case g8::reg::GEN8_M1TCR::offset: e = Engine::VCS; break;
        case g8::reg::GEN8_M2TCR::offset: e = Engine::VCS2; break;
        case g8::reg::GEN8_BTCR::offset: e = Engine::BCS; break;
        case g8::reg::GEN8_VTCR::offset: e = Engine::VECS; break;
        default: return guest_error(Status::guest_error("TLB control write at unknown {:#x}", dw));
      }
      m_tlb_pending |= g8::engine_bit(*e);
      return Status::ok();
    }

    case GvtHandler::forcewake: {  // mul_force_wake_write: masked write, low half mirrored (BDW: FORCEWAKE_ACK_HSW)
      const uint32_t mask = value >> 16;
      const uint32_t now = (value & 0xFFFF0000u) | (vreg & 0xFFFFu & ~mask) | (value & mask);  // CALC_MODE_MASK_REG
      vreg = now;
      m_vreg[g8::reg::FORCEWAKE_ACK_HSW::offset / 4] = now & 0xFFFFu;
      return Status::ok();
    }

    case GvtHandler::gdrst: {  // gdrst_mmio_write
      ResetRequest r;
      if (value & kGrdomFull) {
        r.full = true;
        r.engines = m_d.sku_engines;
      } else {
        if (value & kGrdomRender) r.engines |= g8::engine_bit(Engine::RCS);
        if (value & kGrdomMedia) r.engines |= g8::engine_bit(Engine::VCS);
        if (value & kGrdomBlt) r.engines |= g8::engine_bit(Engine::BCS);
        if (value & kGrdomVecs) r.engines |= g8::engine_bit(Engine::VECS);
        if (value & kGrdomMedia2) r.engines |= g8::engine_bit(Engine::VCS2);
        r.engines &= m_d.sku_engines;
      }
      m_reset = r;
      vreg = 0;  // "sw will wait for the device to ack the reset request"
      return Status::ok();
    }

    case GvtHandler::fence: {  // fence_mmio_write: checked, stored, then the vGPU's own host fence programmed
      if (Status s = fence_check(dw); !s) return guest_error(std::move(s));
      vreg = value;
      const unsigned index = (dw - kFenceBase) >> 3;
      const uint32_t guest_lo = g8::reg::FENCE_REG_GEN6::at(index);
      const uint32_t lo = m_vreg[guest_lo / 4], hi = m_vreg[guest_lo / 4 + 1];
      // aperture_gm.c intel_vgpu_write_fence: LO = 0, HI, then LO, at the host fence's registers.
      const uint32_t host_lo = g8::reg::FENCE_REG_GEN6::at(m_d.fences[index]);
      m_counts.host_writes += 3;
      if (Status s = m_d.host.mmio_write(host_lo, 4, 0); !s) return s;
      if (Status s = m_d.host.mmio_write(host_lo + 4, 4, hi); !s) return s;
      return m_d.host.mmio_write(host_lo, 4, lo);
    }

    case GvtHandler::pcode_mailbox: {  // mailbox_write: faked; READ_RC6VIDS sets data bit 0
      if ((value & 0xFF) == kPcodeReadRc6Vids) m_vreg[g8::reg::GEN6_PCODE_DATA::offset / 4] |= 1;
      vreg = value & ~(kPcodeReady | kPcodeErrorMask);
      return Status::ok();
    }

    case GvtHandler::force_nonpriv: {  // force_nonpriv_write
      const uint32_t target = value & 0x03FFFFFCu;  // REG_GENMASK(25, 2)
      if (!engine) return guest_error(Status::guest_error("FORCE_TO_NONPRIV write at {:#x} outside an engine", dw));
      const bool ok = std::binary_search(kForceNonprivWhitelist.begin(), kForceNonprivWhitelist.end(), target) ||
                      target == g8::engine_base(*engine) + g8::reg::RING_NOPID::offset;
      if (!ok) {
        ++m_counts.nonpriv_rejected;  // logged by the kernel; the write is dropped, the access succeeds
        return Status::ok();
      }
      vreg = value;
      return Status::ok();
    }

    case GvtHandler::mmio_read_from_hw:  // read-side handler: writes are the default
      vreg = value;
      return Status::ok();

    default:
      ++m_counts.unhandled;
      vreg = value;
      return Status::ok();
  }
}

}  // namespace gvtsim::vgpu
