// The fakes keep the interfaces' contracts (vgpu/host_gpu.h, vgpu/hypervisor.h, vgpu/clock.h), so the
// core's tests that rely on them test the core, not the fake.
#include "tests/unit/vgpu/fakes.h"

#include <gtest/gtest.h>

namespace gvtsim::vgpu {
namespace {

using testing::FakeClock;
using testing::FakeHostGpu;
using testing::FakeHypervisor;

TEST(Fakes, HostSubmissionEventsArriveLaterNeverFromSubmit) {
  FakeHostGpu host;
  std::vector<SubmissionEvent> seen;
  host.set_submission_listener([&](const SubmissionEvent& e) { seen.push_back(e); });
  host.next_outcome = ScheduleOut::preempted;
  Result<SubmissionId> id = host.submit({.vgpu = 1, .engine = Engine::BCS, .descriptor = 0x1000'0019, .cookie = 42});
  ASSERT_TRUE(id);
  EXPECT_TRUE(seen.empty()) << "submit() returns at once";
  EXPECT_EQ(host.deliver_events(), 2u);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, SubmissionEvent::Kind::schedule_in);
  EXPECT_EQ(seen[1].kind, SubmissionEvent::Kind::schedule_out);
  EXPECT_EQ(seen[1].reason, ScheduleOut::preempted);
  EXPECT_EQ(seen[1].id, *id);
  EXPECT_EQ(seen[1].engine, Engine::BCS);
  EXPECT_EQ(seen[1].cookie, 42u);
  host.owners[Engine::RCS] = 3;
  EXPECT_EQ(host.engine_owner(Engine::RCS), std::optional<VgpuId>(3));
  EXPECT_EQ(host.engine_owner(Engine::VCS), std::nullopt);
}

TEST(Fakes, HypervisorTracksWritesAfterTheyLandAndCountsPins) {
  FakeHypervisor hyp(1ull << 30);
  std::vector<uint64_t> trapped;
  ASSERT_TRUE(hyp.track_gfn(1, 0x100, [&](uint64_t gpa, std::span<const uint8_t> data) {
    trapped.push_back(gpa);
    EXPECT_EQ(hyp.read32(1, gpa), uint32_t(data[0]) | uint32_t(data[1]) << 8 | uint32_t(data[2]) << 16 |
                                      uint32_t(data[3]) << 24)
        << "the write has landed when the handler runs";
  }));
  const std::array<uint8_t, 4> v = {1, 2, 3, 4};
  hyp.guest_write(1, 0x100'008, v);
  hyp.guest_write(2, 0x100'008, v);  // another VM's frame of the same number is not tracked
  EXPECT_EQ(trapped, std::vector<uint64_t>{0x100'008});
  ASSERT_TRUE(hyp.untrack_gfn(1, 0x100));
  EXPECT_FALSE(hyp.untrack_gfn(1, 0x100));
  EXPECT_EQ(*hyp.pin_gfn(1, 0x20), FakeHypervisor::host_page(1, 0x20));
  ASSERT_TRUE(hyp.pin_gfn(1, 0x20));
  hyp.unpin_gfn(1, 0x20);
  EXPECT_EQ(hyp.pins.at({1, 0x20}), 1u);
  hyp.unpin_gfn(1, 0x20);
  EXPECT_TRUE(hyp.pins.empty());
  EXPECT_FALSE(hyp.pin_gfn(1, (1ull << 30) >> 12)) << "beyond guest RAM";
  std::array<uint8_t, 4> out{};
  EXPECT_FALSE(hyp.read_gpa(1, (1ull << 30) - 2, out));
}

TEST(Fakes, ClockTimersFireOnTimeWithoutDrift) {
  FakeClock clock;
  std::vector<Time> ticks, once;
  TimerId p = clock.periodic(us(3), [&] { ticks.push_back(clock.now()); });
  TimerId o = clock.one_shot(us(5), [&] { once.push_back(clock.now()); });
  TimerId cancelled = clock.one_shot(us(1), [&] { ADD_FAILURE() << "cancelled timer fired"; });
  EXPECT_TRUE(clock.cancel(cancelled));
  clock.advance(us(10));
  EXPECT_EQ(ticks, (std::vector<Time>{us(3), us(6), us(9)}));
  EXPECT_EQ(once, std::vector<Time>{us(5)});
  EXPECT_FALSE(clock.cancel(o)) << "already fired";
  EXPECT_TRUE(clock.cancel(p));
  EXPECT_EQ(clock.now(), us(10));
  EXPECT_EQ(clock.active(), 0u);
}

}  // namespace
}  // namespace gvtsim::vgpu
