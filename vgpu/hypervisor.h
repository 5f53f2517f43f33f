// The Hypervisor interface (decisions D10): what the mediation core needs from the virtual machine
// monitor that runs the guests. harness/hyp implements it in-process; tests/unit/vgpu/fakes.h fakes
// it. Nothing else does (style.md: an interface earns its keep with exactly two implementations).
//
// It is the part of GVT-g's old MPT interface (gvt/hypercall.h, removed around v5.19) and of KVMGT
// (gvt/kvmgt.c) that survives into today's kernel (gvt-reference §2.9):
//   - guest memory by guest physical address  — intel_gvt_read_gpa / intel_gvt_write_gpa (vfio_dma_rw);
//   - pin a guest frame and get the host page the GPU may use — intel_gvt_dma_map_guest_page
//     (vfio_pin_pages + DMA map) and its unmap; whether a gfn is guest RAM at all — is_valid_gfn;
//   - write-protect ("page-track") a guest frame and be told of each trapped write —
//     intel_gvt_page_track_add/_remove and the KVM page-track notifier (kvmgt_page_track_write);
//   - inject an MSI — the eventfd KVMGT signals (gvt/interrupt.c inject_virtual_interrupt).
// Trapping BAR0 and mapping BAR2 are not calls: the vGPU's config space keeps the flags the kernel
// keeps (CfgSpace::bar0_trapped / aperture_mapped) and the hypervisor consults them, as today's
// kernel does since set_trap_area and map_gfn_to_mfn were dropped in 2021.
//
// Contract. Calls are synchronous and never call back into the core from inside themselves
// (decisions D10: the core is single-threaded and never re-entered). A page-track handler runs
// later, from the hypervisor, when the guest writes the frame — after the write has landed in guest
// memory, as KVM's page-track notifier does — with the address and the bytes written.
// Failures are Status guest_error (for example a gpa outside the guest's memory): the caller decides
// what it means for the guest (the GGTT path, for instance, falls back to the scratch page).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "base/status.h"
#include "vgpu/common.h"

namespace gvtsim::vgpu {

class Hypervisor {
 public:
  virtual ~Hypervisor() = default;

  // Guest memory, by guest physical address; may span pages.
  virtual Status read_gpa(VgpuId vgpu, uint64_t gpa, std::span<uint8_t> out) = 0;
  virtual Status write_gpa(VgpuId vgpu, uint64_t gpa, std::span<const uint8_t> data) = 0;

  // True when the frame is guest RAM (KVMGT kvmgt_is_valid_gfn).
  virtual bool is_valid_gfn(VgpuId vgpu, uint64_t gfn) = 0;
  // Pins the frame and returns the host physical address of its page (page aligned), which the GPU
  // may be pointed at; the page is tagged as this vGPU's in the isolation oracle (D4). Pins count:
  // a frame pinned twice needs two unpins.
  virtual Result<uint64_t> pin_gfn(VgpuId vgpu, uint64_t gfn) = 0;
  virtual void unpin_gfn(VgpuId vgpu, uint64_t gfn) = 0;

  // A trapped write to a tracked frame: its guest physical address and the bytes written.
  using WriteHandler = std::function<void(uint64_t gpa, std::span<const uint8_t> data)>;
  // Write-protects the frame; each later guest write to it calls `handler`. One handler per frame.
  virtual Status track_gfn(VgpuId vgpu, uint64_t gfn, WriteHandler handler) = 0;
  virtual Status untrack_gfn(VgpuId vgpu, uint64_t gfn) = 0;

  // Delivers one MSI to the guest: the address and data its driver programmed into the vGPU's MSI
  // capability (the core reads them from the virtual config space).
  virtual Status inject_msi(VgpuId vgpu, uint32_t address, uint16_t data) = 0;
};

}  // namespace gvtsim::vgpu
