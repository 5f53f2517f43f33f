// A Gen8Gpu over its own SystemMemory, with memory decode on, for model unit tests.
#pragma once

#include <gtest/gtest.h>

#include "base/event_queue.h"
#include "model/gen8/gpu.h"
#include "model/gen8/memory.h"

namespace gvtsim::model::gen8 {

struct GpuFixture : ::testing::Test {
  explicit GpuFixture(OwnershipDefault own = OwnershipDefault::native, uint16_t device = 0x1616)
      : mem(StatGroup(stats, "memory"), own), gpu(make_config(device), mem, StatGroup(stats, "gpu"), queue) {
    mem.set_time_source(queue.now_ptr());
    EXPECT_TRUE(gpu.cfg_write(pci::kCommand, 2, pci::kCommandMemory | pci::kCommandBusMaster));
  }
  static GpuConfig make_config(uint16_t device) {
    GpuConfig c;
    c.device_id = device;
    return c;
  }
  uint32_t rd(uint32_t off) { return uint32_t(*gpu.bar0_read(off, 4)); }
  void wr(uint32_t off, uint32_t v) { ASSERT_TRUE(gpu.bar0_write(off, 4, v)); }
  void pte(uint64_t gma, uint64_t value) { ASSERT_TRUE(gpu.bar0_write(kBar0GgttOffset + (gma >> 12) * 8, 8, value)); }

  EventQueue queue;
  Stats stats;
  SystemMemory mem;
  Gen8Gpu gpu;
};

}  // namespace gvtsim::model::gen8
