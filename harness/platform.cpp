#include "harness/platform.h"

#include "base/status.h"
#include "spec/gen8/skus.h"

namespace gvtsim::harness {

namespace {
PlatformConfig resolve(PlatformConfig c) {
  if (c.device_id == 0) c.device_id = spec::gen8::kDefaultDeviceId;
  if (!spec::gen8::find_sku(c.device_id))
    throw ConfigError(fmt::format("PCI device id {:#06x} is not a Broadwell SKU in spec/gen8/skus.toml", c.device_id));
  return c;
}
}  // namespace

Platform::Platform(PlatformConfig config)
    : m_config(resolve(config)), m_clock(m_queue, "platform.clock") {}

}  // namespace gvtsim::harness
