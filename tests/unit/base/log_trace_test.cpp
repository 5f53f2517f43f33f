#include <gtest/gtest.h>

#include "base/log.h"
#include "base/trace.h"

namespace gvtsim {
namespace {

struct TestEvent {
  static constexpr trace::EventDesc desc{"test_event", log::Channel::mmio, {"offset", "value"}};
  uint64_t offset, value;
};
struct OtherEvent {
  static constexpr trace::EventDesc desc{"other_event", log::Channel::irq, {"bits"}};
  uint64_t bits;
};

TEST(Log, ChannelsEnableByName) {
  log::disable_all();
  EXPECT_FALSE(log::enabled(log::Channel::gtt));
  EXPECT_TRUE(log::enable("gtt,irq"));
  EXPECT_TRUE(log::enabled(log::Channel::gtt));
  EXPECT_TRUE(log::enabled(log::Channel::irq));
  EXPECT_FALSE(log::enabled(log::Channel::mmio));
  EXPECT_FALSE(log::enable("gtt,bogus"));  // unknown: nothing more enabled
  EXPECT_FALSE(log::enabled(log::Channel::mmio));
  EXPECT_TRUE(log::enable("all"));
  EXPECT_TRUE(log::enabled(log::Channel::mmio));
  log::disable_all();
}

TEST(Log, RateLimitCountsEverything) {
  log::RateLimit rl(2);
  EXPECT_TRUE(rl.allow());
  EXPECT_TRUE(rl.allow());
  EXPECT_FALSE(rl.allow());
  EXPECT_FALSE(rl.allow());
  EXPECT_EQ(rl.seen(), 4u);
}

TEST(Tracer, RecordsOnlyEnabledChannelsWithTimeAndOwner) {
  trace::Tracer t;
  t.emit(5, Owner::host(), TestEvent{.offset = 0x2030, .value = 0x10});
  EXPECT_TRUE(t.records().empty());  // disabled: nothing recorded
  ASSERT_TRUE(t.enable("mmio"));
  t.emit(1'500'000, Owner::vgpu(2), TestEvent{.offset = 0x2030, .value = 0x10});
  t.emit(1'600'000, Owner::vgpu(2), OtherEvent{.bits = 1});  // irq channel still off
  ASSERT_EQ(t.records().size(), 1u);
  const auto& r = t.records()[0];
  EXPECT_EQ(r.time, 1'500'000u);
  EXPECT_EQ(r.owner, Owner::vgpu(2));
  EXPECT_EQ(r.desc, &TestEvent::desc);
  EXPECT_EQ(r.args[0], 0x2030u);
  EXPECT_EQ(r.args[1], 0x10u);
  EXPECT_EQ(trace::Tracer::format(r), "1.500000 us vgpu2 test_event offset=0x2030 value=0x10");
  EXPECT_EQ(trace::Tracer::to_json(r)["offset"], 0x2030);
  EXPECT_FALSE(t.enable("nope"));
}

TEST(Tracer, OverflowIsCountedNotSilent) {
  trace::Tracer t(2);
  ASSERT_TRUE(t.enable("irq"));
  for (int i = 0; i < 5; ++i) t.emit(i, Owner::host(), OtherEvent{.bits = uint64_t(i)});
  EXPECT_EQ(t.records().size(), 2u);
  EXPECT_EQ(t.dropped(), 3u);
}

TEST(Owner, Names) {
  EXPECT_EQ(Owner().to_string(), "none");
  EXPECT_EQ(Owner::host().to_string(), "host");
  EXPECT_EQ(Owner::vgpu(3).to_string(), "vgpu3");
  EXPECT_TRUE(Owner::vgpu(0).is_vgpu());
  EXPECT_NE(Owner::host(), Owner::none());
}

}  // namespace
}  // namespace gvtsim
