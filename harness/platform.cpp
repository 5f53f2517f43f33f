#include "harness/platform.h"

#include "base/status.h"
#include "spec/gen8/skus.h"

namespace gvtsim::harness {

namespace {
PlatformConfig resolve(PlatformConfig c) {
  if (c.device_id == 0) c.device_id = spec::gen8::kDefaultDeviceId;
  if (!spec::gen8::find_sku(c.device_id))
    throw ConfigError(fmt::format("PCI device id {:#06x} is not a Broadwell SKU in spec/gen8/skus.toml", c.device_id));
  uint64_t a = c.aperture_size;
  if (a < (128ull << 20) || a > (2ull << 30) || (a & (a - 1)))
    throw ConfigError(fmt::format("aperture size {} MB: a power of two from 128 MB to 2 GB", a >> 20));
  return c;
}
}  // namespace

Platform::Platform(PlatformConfig config)
    : m_config(resolve(config)), m_clock(m_queue, "platform.clock") {
  m_memory = std::make_unique<model::gen8::SystemMemory>(StatGroup(m_stats, "memory"), m_config.ownership);
  m_memory->set_time_source(m_queue.now_ptr());
  model::gen8::GpuConfig gc;
  gc.device_id = m_config.device_id;
  gc.aperture_size = m_config.aperture_size;
  m_gpu = std::make_unique<model::gen8::Gen8Gpu>(gc, *m_memory, StatGroup(m_stats, "gpu"), m_queue);
  m_gpu->on_msi = [this](uint32_t a, uint16_t d) { deliver_msi(a, d); };
  m_direct_bus = std::make_unique<DirectBus>(*m_gpu, m_cpu_stall);
}

void Platform::deliver_msi(uint32_t address, uint16_t data) {
  m_msis.push_back({now(), address, data});
  if (msi_handler) msi_handler(m_msis.back());
}

}  // namespace gvtsim::harness
