#include "model/gen8/memory.h"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace gvtsim::model::gen8 {
namespace {

struct MemoryTest : ::testing::Test {
  Stats stats;
  SystemMemory native{StatGroup(stats, "mem"), OwnershipDefault::native};
  SystemMemory mediated{StatGroup(stats, "mmem"), OwnershipDefault::mediated};
};

TEST_F(MemoryTest, SparsePagesAllocatedOnFirstWriteOnly) {
  uint8_t buf[64];
  std::memset(buf, 0xAA, sizeof buf);
  native.read(0x1234'5678'9000ull, buf, sizeof buf, AccessTag::software());
  EXPECT_EQ(buf[0], 0);
  EXPECT_EQ(buf[63], 0);
  EXPECT_EQ(native.allocated_pages(), 0u) << "reading an untouched page allocates nothing";
  native.write32(0xFFFF'FFFF'FFFF'F000ull, 0xDEADBEEF, AccessTag::software());  // the top of 64-bit space
  EXPECT_EQ(native.allocated_pages(), 1u);
  EXPECT_EQ(native.read32(0xFFFF'FFFF'FFFF'F000ull, AccessTag::software()), 0xDEADBEEFu);
}

TEST_F(MemoryTest, AccessesCrossPages) {
  std::vector<uint8_t> in(10000), out(10000);
  for (size_t i = 0; i < in.size(); ++i) in[i] = uint8_t(i * 7);
  native.write(0x10FF0, in.data(), in.size(), AccessTag::software());
  EXPECT_EQ(native.allocated_pages(), 4u);  // 0x10000..0x13FFF
  native.read(0x10FF0, out.data(), out.size(), AccessTag::software());
  EXPECT_EQ(in, out);
}

TEST_F(MemoryTest, CostIsLatencyPlusTransfer) {
  Duration small = native.write(0, "x", 1, AccessTag::engine());
  Duration page = native.write(0, std::vector<uint8_t>(4096).data(), 4096, AccessTag::engine());
  EXPECT_EQ(small, native.costs().latency + 40);  // 1 byte at 25 B/ns = 40 ps, rounded up
  EXPECT_GT(page, small);
  EXPECT_EQ(page, native.costs().latency + (4096 * 1000 + 24) / 25);
}

TEST_F(MemoryTest, NativeDefaultIsHostAndMediatedIsUnowned) {
  EXPECT_EQ(native.owner(0x5000), Owner::host());
  EXPECT_EQ(mediated.owner(0x5000), Owner::none());
  mediated.set_owner(0x5000, 0x2001, Owner::vgpu(2));  // covers pages 5, 6, 7
  EXPECT_EQ(mediated.owner(0x4FFF), Owner::none());
  EXPECT_EQ(mediated.owner(0x5000), Owner::vgpu(2));
  EXPECT_EQ(mediated.owner(0x7FFF), Owner::vgpu(2));
  EXPECT_EQ(mediated.owner(0x8000), Owner::none());
}

TEST_F(MemoryTest, OracleFlagsACrossOwnerContextAccess) {
  mediated.set_owner(0x10000, 4096, Owner::vgpu(1));
  mediated.set_owner(0x20000, 4096, Owner::vgpu(2));
  Time now = 777;
  mediated.set_time_source(&now);
  mediated.write32(0x10010, 1, AccessTag::context(Owner::vgpu(1)));  // its own page: fine
  EXPECT_EQ(mediated.violations(), 0u);
  mediated.write32(0x20020, 2, AccessTag::context(Owner::vgpu(1)));  // vGPU 2's page
  ASSERT_EQ(mediated.violations(), 1u);
  const IsolationViolation& v = mediated.violation_log().at(0);
  EXPECT_EQ(v.address, 0x20020u);
  EXPECT_EQ(v.page_owner, Owner::vgpu(2));
  EXPECT_EQ(v.access_owner, Owner::vgpu(1));
  EXPECT_EQ(v.initiator, Initiator::context);
  EXPECT_TRUE(v.write);
  EXPECT_EQ(v.time, 777u);
  EXPECT_NE(v.to_string().find("vgpu1"), std::string::npos);
  // A read counts too, and so does the host touching a vGPU page from an engine context.
  mediated.read32(0x20000, AccessTag::context(Owner::host()));
  EXPECT_EQ(mediated.violations(), 2u);
  EXPECT_DOUBLE_EQ(stats.value("mmem.isolation_violations"), 2.0);
}

TEST_F(MemoryTest, UntaggedAccessesAreCountedApartAndSoftwareIsNotChecked) {
  mediated.write32(0x90000, 5, AccessTag::context(Owner::vgpu(3)));  // nobody owns it
  EXPECT_EQ(mediated.untagged_accesses(), 1u);
  EXPECT_EQ(mediated.violations(), 0u);
  mediated.set_owner(0x90000, 4096, Owner::vgpu(4));
  mediated.write32(0x90000, 6, AccessTag::software());  // CPU writes are not device accesses
  EXPECT_EQ(mediated.violations(), 0u);
  EXPECT_EQ(mediated.untagged_accesses(), 1u);
  // An access spanning two pages is checked per page.
  mediated.set_owner(0x91000, 4096, Owner::vgpu(5));
  uint8_t b[8] = {};
  mediated.write(0x90FFC, b, 8, AccessTag::context(Owner::vgpu(4)));
  EXPECT_EQ(mediated.violations(), 1u);
  EXPECT_EQ(mediated.violation_log().at(0).address, 0x91000u);
}

TEST_F(MemoryTest, NativeRunHasNoViolationsForHostWork) {
  native.write32(0x1000, 1, AccessTag::context(Owner::host()));
  native.read32(0x1000, AccessTag::aperture(Owner::host()));
  native.write32(0x2000, 1, AccessTag::engine());
  EXPECT_EQ(native.violations(), 0u);
  EXPECT_EQ(native.untagged_accesses(), 0u);
}

TEST_F(MemoryTest, ViolationLogIsBoundedButTheCountIsNot) {
  mediated.set_owner(0, 4096, Owner::vgpu(1));
  for (size_t i = 0; i < SystemMemory::kMaxViolationLog + 10; ++i) mediated.read32(0, AccessTag::context(Owner::vgpu(2)));
  EXPECT_EQ(mediated.violation_log().size(), SystemMemory::kMaxViolationLog);
  EXPECT_EQ(mediated.violations(), SystemMemory::kMaxViolationLog + 10);
}

}  // namespace
}  // namespace gvtsim::model::gen8
