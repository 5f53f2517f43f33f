// The host driver (the i915 role under GVT-g, decisions D10): owns the Gen8 model, implements
// vgpu::HostGpu for the mediation core.
//
//   - boots the device through config space and BARs (BareMetalDriver);
//   - partitions graphics memory: the host keeps the first 128 MB of the aperture and 384 MB of
//     hidden GM and fences 0..3 (gvt-reference §2.3: gvt.h HOST_LOW_GM_SIZE / HOST_HIGH_GM_SIZE /
//     HOST_FENCE); vGPUs get first-fit slices of the rest;
//   - hands out host pages for shadow structures and scratch pages, tagging each as the vGPU's in
//     the model's ownership map (D4) and untagging it when freed;
//   - submits shadow contexts through ELSP, one at a time per engine (GVT's per-engine dispatch),
//     and turns the context-status buffer — read over MMIO in its interrupt handler, as i915's
//     process_csb reads it — into schedule-in and schedule-out events, delivered to the listener
//     from the platform's queue (never from inside the core's own call: D10);
//   - resets engines through GDRST; a reset fails the engine's submissions.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "harness/bare_metal_driver.h"
#include "harness/platform.h"
#include "vgpu/host_gpu.h"

namespace gvtsim::harness {

class HostDriver final : public vgpu::HostGpu {
 public:
  static constexpr uint64_t kHostLowReserve = 128ull << 20;
  static constexpr uint64_t kHostHighReserve = 384ull << 20;
  static constexpr unsigned kHostFences = 4;
  static constexpr unsigned kFenceCount = 32;              // BDW (gvt-reference §2.2)
  static constexpr uint64_t kGraphicsMemory = 4ull << 30;  // 8 MB GGTT (D3)
  // Host physical pages for shadows and scratch: a region of their own at 64 GB, inside Broadwell's
  // 39-bit physical address space (PTE address bits 38:12) and below the BARs (256 GB and up).
  static constexpr uint64_t kHostPageBase = 0x10'0000'0000ull;

  explicit HostDriver(Platform& p);
  // Boots the device. Must succeed before anything else is used.
  Status boot();
  BareMetalDriver& driver() { return m_drv; }

  // vgpu::HostGpu
  Result<uint64_t> mmio_read(uint32_t offset, unsigned size) override;
  Status mmio_write(uint32_t offset, unsigned size, uint64_t value) override;
  std::vector<uint8_t> config_space() const override;
  vgpu::HostResources resources() const override;
  Result<vgpu::GmSlice> alloc_gm(vgpu::VgpuId vgpu, vgpu::GmKind kind, uint64_t size) override;
  void free_gm(vgpu::VgpuId vgpu, const vgpu::GmSlice& slice) override;
  Result<std::vector<unsigned>> alloc_fences(vgpu::VgpuId vgpu, unsigned count) override;
  void free_fences(vgpu::VgpuId vgpu, std::span<const unsigned> fences) override;
  Result<uint64_t> alloc_page(vgpu::VgpuId vgpu, vgpu::PageUse use) override;
  void free_page(vgpu::VgpuId vgpu, uint64_t hpa) override;
  void set_submission_listener(SubmissionListener listener) override { m_listener = std::move(listener); }
  Result<vgpu::SubmissionId> submit(const vgpu::ShadowSubmission& s) override;
  Status reset_engine(spec::gen8::Engine engine) override;
  std::optional<vgpu::VgpuId> engine_owner(spec::gen8::Engine engine) const override;

  std::size_t pages_in_use() const { return m_page_owner.size(); }

 private:
  struct Range {
    uint64_t base, size;
  };
  struct InFlight {
    vgpu::SubmissionId id;
    vgpu::ShadowSubmission s;
    bool running = false;
  };
  struct EngineQueue {
    std::deque<InFlight> queue;  // front: submitted to the hardware (or about to be)
    uint32_t csb_read = 5;       // i915 reset_csb_pointers: read = write = 5, so the first entry is 0
  };

  void emit(const vgpu::SubmissionEvent& e);
  void kick(spec::gen8::Engine e);
  void on_msi();
  void process_csb(spec::gen8::Engine e);

  Platform& m_p;
  BareMetalDriver m_drv;
  EventSource& m_events;
  std::map<uint64_t, uint64_t> m_free_low, m_free_high;  // base -> size
  std::map<uint64_t, std::pair<vgpu::VgpuId, uint64_t>> m_gm_owner;  // base -> (vgpu, size)
  std::array<int, kFenceCount> m_fence_owner{};  // -1 host, 0 free, n vGPU n
  std::map<uint64_t, vgpu::VgpuId> m_page_owner;
  std::vector<uint64_t> m_free_pages;
  uint64_t m_next_page = kHostPageBase;
  SubmissionListener m_listener;
  std::array<EngineQueue, spec::gen8::kEngineCount> m_engines;
  vgpu::SubmissionId m_next_id = 1;
};

}  // namespace gvtsim::harness
