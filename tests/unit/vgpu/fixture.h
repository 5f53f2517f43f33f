// A Device on the fakes with one vGPU already created, for the tests of a vGPU's parts.
#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fakes.h"
#include "vgpu/device.h"

namespace gvtsim::vgpu::testing {

class OneVgpu : public ::testing::Test {
 protected:
  explicit OneVgpu(std::string type = "GVTg_V4_8") {
    device = std::make_unique<Device>(fakes.services());
    Result<Vgpu*> v = device->create({.type = type});
    EXPECT_TRUE(v) << v.status().to_string();
    vgpu = v ? *v : nullptr;
  }
  uint32_t cfg32(uint32_t offset) {
    Result<uint32_t> r = vgpu->cfg_read(offset, 4);
    EXPECT_TRUE(r) << r.status().to_string();
    return r ? *r : 0;
  }
  uint64_t pv(uint32_t page_offset, unsigned size = 4) {
    Result<uint64_t> r = vgpu->mmio_read(kPvInfoBase + page_offset, size);
    EXPECT_TRUE(r) << r.status().to_string();
    return r ? *r : 0;
  }

  Fakes fakes;
  std::unique_ptr<Device> device;
  Vgpu* vgpu = nullptr;
};

}  // namespace gvtsim::vgpu::testing
