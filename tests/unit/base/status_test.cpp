#include "base/status.h"

#include <gtest/gtest.h>

namespace gvtsim {
namespace {

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_TRUE(bool(s));
  EXPECT_EQ(s.kind(), StatusKind::ok);
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(Status, KindsAreDistinctAndCarryTheMessage) {
  Status g = Status::guest_error("GGTT index {:#x} outside the slice", 0x1234);
  Status u = Status::unimplemented("opcode {}", 7);
  EXPECT_FALSE(g.is_ok());
  EXPECT_EQ(g.kind(), StatusKind::guest_error);
  EXPECT_EQ(g.message(), "GGTT index 0x1234 outside the slice");
  EXPECT_EQ(g.to_string(), "guest_error: GGTT index 0x1234 outside the slice");
  EXPECT_EQ(u.kind(), StatusKind::unimplemented);
  EXPECT_EQ(u.to_string(), "unimplemented: opcode 7");
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> ok = 42;
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(*ok, 42);
  EXPECT_TRUE(ok.status().is_ok());
  Result<int> bad = Status::guest_error("nope");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().kind(), StatusKind::guest_error);
  EXPECT_EQ(bad.status().message(), "nope");
}

TEST(AssertDeathTest, BrokenInvariantStopsWithContext) {
  EXPECT_DEATH(GVT_ASSERT(1 + 1 == 3, "context {}", 99), "internal invariant broken: 1 \\+ 1 == 3.*context 99");
}

}  // namespace
}  // namespace gvtsim
