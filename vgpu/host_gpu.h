// The HostGpu interface (decisions D10): what the mediation core needs from the host's i915 driver
// and, through it, the hardware. harness/host implements it over the model; tests/unit/vgpu/fakes.h
// fakes it (and counts every resource it hands out, so tests can prove a destroy returns them all).
//
// Where each call comes from in the kernel:
//   - host MMIO — intel_uncore_read/write under mmio_hw_access_pre/post (gvt/handlers.c
//     mmio_read_from_hw, gvt/mmio_context.c);
//   - the host's PCI configuration, snapshotted once as the golden copy (gvt/firmware.c);
//   - GM slices and fences — gvt/aperture_gm.c: alloc_gm (i915_gem_gtt_insert into the host GGTT,
//     PIN_MAPPABLE for the low slice, PIN_HIGH for the high one) and alloc_vgpu_fence (i915 fence
//     registers taken from the host); the host keeps 128 MB low, 384 MB high and 4 fences (gvt.h
//     HOST_LOW_GM_SIZE, HOST_HIGH_GM_SIZE, HOST_FENCE);
//   - host pages for shadow structures — the pages GVT allocates for scratch pages, shadow page
//     tables, shadow batches and shadow contexts (gvt/gtt.c, gvt/cmd_parser.c, gvt/scheduler.c). They
//     belong to the vGPU: the real implementation tags them as its pages in the isolation oracle (D4);
//   - shadow-context submission — GVT hands a workload's shadow context to i915 as a request
//     (gvt/scheduler.c dispatch_workload) and learns of schedule-in, schedule-out and preemption
//     through i915's context-status notifier (shadow_context_status_change). Here submit() returns at
//     once and the events come back later, through the platform's event queue, to the listener;
//   - engine reset — intel_engine_reset / intel_gt_reset as the host does them;
//   - which vGPU owns an engine — gvt->scheduler.engine_owner[], what mmio_read_from_hw tests before
//     reading ACTHD or INSTDONE from the hardware.
//
// Contract. Every call returns at once and never calls back into the core from inside itself (D10).
// Allocation failures are Status guest_error with a message saying what ran out. Freeing something
// the vGPU does not hold is a broken invariant of the caller (the real implementation asserts).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "spec/gen8/engines.h"
#include "vgpu/common.h"

namespace gvtsim::vgpu {

using spec::gen8::Engine;

// What a host page is for; the real implementation keeps per-use counts and tags the page (D4).
enum class PageUse : uint8_t { scratch, shadow_page_table, shadow_batch, shadow_context, other };
const char* to_string(PageUse u);

// One shadow context handed to the host for execution.
struct ShadowSubmission {
  VgpuId vgpu = 0;
  Engine engine = Engine::RCS;
  uint64_t descriptor = 0;  // execlist context descriptor of the shadow context (host GGTT LRCA), as ELSP takes it
  uint64_t cookie = 0;      // the core's own reference (its workload), echoed in every event
};

using SubmissionId = uint64_t;

enum class ScheduleOut : uint8_t {
  complete,   // the context finished (element switch / context complete)
  preempted,  // switched out before completing (INTEL_CONTEXT_SCHEDULE_PREEMPTED)
  failed,     // the request failed (reset, hang): the workload's status is an error
};
const char* to_string(ScheduleOut r);

struct SubmissionEvent {
  enum class Kind : uint8_t { schedule_in, schedule_out };
  Kind kind = Kind::schedule_in;
  SubmissionId id = 0;
  Engine engine = Engine::RCS;
  ScheduleOut reason = ScheduleOut::complete;  // schedule_out only
  uint64_t cookie = 0;
};

class HostGpu {
 public:
  virtual ~HostGpu() = default;

  // --- the hardware's registers, as the host driver reaches them (BAR0 offsets; 4 or 8 bytes) ---
  virtual Result<uint64_t> mmio_read(uint32_t offset, unsigned size) = 0;
  virtual Status mmio_write(uint32_t offset, unsigned size, uint64_t value) = 0;

  // --- the host's PCI function: its configuration space as the host sees it (256 bytes or 4 KB) ---
  virtual std::vector<uint8_t> config_space() const = 0;

  // --- graphics memory and fences ---
  virtual HostResources resources() const = 0;
  // A slice of `size` bytes (a multiple of 4 KB) of low (mappable) or high (hidden) GM for the vGPU.
  virtual Result<GmSlice> alloc_gm(VgpuId vgpu, GmKind kind, uint64_t size) = 0;
  virtual void free_gm(VgpuId vgpu, const GmSlice& slice) = 0;
  // `count` fence registers; returns their hardware indices.
  virtual Result<std::vector<unsigned>> alloc_fences(VgpuId vgpu, unsigned count) = 0;
  virtual void free_fences(VgpuId vgpu, std::span<const unsigned> fences) = 0;

  // --- host pages for the vGPU's shadow structures: a zeroed 4 KB page owned by the vGPU ---
  virtual Result<uint64_t> alloc_page(VgpuId vgpu, PageUse use) = 0;  // host physical address
  virtual void free_page(VgpuId vgpu, uint64_t hpa) = 0;

  // --- shadow-context submission (asynchronous) ---
  using SubmissionListener = std::function<void(const SubmissionEvent&)>;
  // The one listener the core installs; events are delivered to it later, never from inside submit().
  virtual void set_submission_listener(SubmissionListener listener) = 0;
  // Queues the shadow context on its engine and returns at once.
  virtual Result<SubmissionId> submit(const ShadowSubmission& s) = 0;
  // Resets one engine of the host (its pending submissions end with ScheduleOut::failed).
  virtual Status reset_engine(Engine engine) = 0;
  // The vGPU whose context the engine is running now; nullopt when the host's own or none.
  virtual std::optional<VgpuId> engine_owner(Engine engine) const = 0;
};

}  // namespace gvtsim::vgpu
