// The trap path's O(1) register index (vgpu/reg_index.h) agrees with the spec table's find_reg for
// every dword of the 2 MB window.
#include <gtest/gtest.h>

#include "vgpu/mmio.h"
#include "vgpu/reg_index.h"

namespace gvtsim::vgpu {
namespace {

TEST(RegIndex, AgreesWithFindRegOnEveryDwordOfTheWindow) {
  unsigned registers = 0;
  for (uint32_t dw = 0; dw < kMmioWindow; dw += 4) {
    const spec::gen8::RegInstance* want = spec::gen8::find_reg(dw);
    ASSERT_EQ(reg_at(dw), want) << std::hex << dw;
    registers += want != nullptr;
  }
  EXPECT_GT(registers, 3000u) << "the index covers the table, 64-bit registers twice";
}

}  // namespace
}  // namespace gvtsim::vgpu
