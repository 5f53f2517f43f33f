// gvtsim replay --native: traces drive the model to completion; results are deterministic and
// identical under both drivers and every quantum (decisions D1, D2, D5).
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "harness/driver.h"
#include "harness/native_replay.h"
#include "harness/systemc_driver.h"
#include "spec/gen8/command.h"
#include "trace_builder.h"

namespace gvtsim::harness {
namespace {

using namespace spec::gen8;
using testing::TraceBuilder;
using aub::AddressSpace;

std::vector<std::string> captures() {
  std::vector<std::string> out;
  for (const char* name : {"glclear1", "gltri", "glgears", "pig_fboblit"}) {
    std::string p = std::string(GVTSIM_SHARED_DIR) + "/traces/" + name + ".aub.xz";
    if (std::ifstream(p)) out.push_back(p);
  }
  return out;
}

nlohmann::json without_driver(nlohmann::json j) {
  j.erase("driver");
  j.erase("quantum_ps");
  return j;
}

TEST(NativeReplayCaptures, EveryCaptureCompletesWithResults) {
  auto caps = captures();
  if (caps.empty()) GTEST_SKIP() << "../shared/traces is absent: the capture replays are skipped";
  for (const auto& path : caps) {
    FunctionalDriver d;
    auto r = replay_native({.trace = path}, d);
    ASSERT_TRUE(r) << r.status().to_string();
    EXPECT_TRUE(r->ok()) << path << ": " << r->error;
    EXPECT_GT(r->submissions, 0u) << path;
    EXPECT_EQ(r->completed, r->submissions) << path;
    EXPECT_TRUE(r->unimplemented.empty()) << path << ": " << nlohmann::json(r->unimplemented).dump();
    EXPECT_GT(r->hash_bytes, 0u) << path;
    EXPECT_EQ(r->isolation_violations, 0u) << path;
    EXPECT_EQ(r->untagged_accesses, 0u) << path;
    EXPECT_GT(r->busy_ns.at("rcs"), 0u) << path;
  }
}

TEST(NativeReplayCaptures, SameResultsUnderBothDriversAndEveryQuantumAndTwice) {
  auto caps = captures();
  if (caps.empty()) GTEST_SKIP() << "../shared/traces is absent: the capture replays are skipped";
  for (const auto& path : caps) {
    FunctionalDriver f;
    auto ref = replay_native({.trace = path}, f);
    ASSERT_TRUE(ref && ref->ok()) << path;
    auto again = replay_native({.trace = path}, f);
    EXPECT_EQ(again->deterministic_json(), ref->deterministic_json()) << "same run twice: " << path;
    for (Duration q : {Duration(0), us(1), us(100)}) {
      SystemCDriver sc(q);
      auto r = replay_native({.trace = path}, sc);
      ASSERT_TRUE(r) << r.status().to_string();
      EXPECT_EQ(without_driver(r->deterministic_json()), without_driver(ref->deterministic_json()))
          << path << " quantum " << q;
    }
  }
}

std::string write_trace(const std::vector<uint8_t>& bytes, const char* name) {
  std::string path = ::testing::TempDir() + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

std::vector<uint32_t> sdi(uint64_t addr, uint32_t v) {
  return pack(CmdId::MI_STORE_DATA_IMM, {{cmd::MI_STORE_DATA_IMM::ADDRESS, addr}, {cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, v}});
}
constexpr uint64_t kDesc = 0x2000 | (3 << 3) | (1 << 8) | 1;

TEST(NativeReplay, ASyntheticTraceStoresAndHashes) {
  TraceBuilder t;
  t.map_batches();
  t.code(AddressSpace::physical, 0x300000, {sdi(TraceBuilder::kB + 0x1000, 0xABCD), pack(CmdId::MI_BATCH_BUFFER_END)});
  t.code(AddressSpace::ggtt, 0x1000, {pack(CmdId::MI_BATCH_BUFFER_START, {{cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR, 1},
                                                                         {cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS, TraceBuilder::kB}}),
                                      pack(CmdId::MI_NOOP)});
  t.context(0x2000, 0, 0x10, t.pml4);
  EXPECT_TRUE(t.w.reg_write(0x2080, 0x19000));      // HWS_PGA (mapped by the builder's GGTT)
  EXPECT_TRUE(t.w.reg_write(0x229C, 0x80008000));   // execlists
  t.submit(0x2230, kDesc);
  EXPECT_TRUE(t.w.reg_poll(0x2234, 0x10, 0));       // the capture's poll on EXECLIST_STATUS
  std::string path = write_trace(t.finish(), "synthetic.aub");
  FunctionalDriver d;
  auto r = replay_native({.trace = path}, d);
  ASSERT_TRUE(r) << r.status().to_string();
  EXPECT_TRUE(r->ok()) << r->error;
  EXPECT_EQ(r->completed, 1u);
  EXPECT_EQ(r->hash_bytes, 4096u) << "one page written by the workload (its batch page is not written)";
  // A different stored value changes the hash.
  TraceBuilder t2;
  t2.map_batches();
  t2.code(AddressSpace::physical, 0x300000, {sdi(TraceBuilder::kB + 0x1000, 0xABCE), pack(CmdId::MI_BATCH_BUFFER_END)});
  t2.code(AddressSpace::ggtt, 0x1000, {pack(CmdId::MI_BATCH_BUFFER_START, {{cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR, 1},
                                                                          {cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS, TraceBuilder::kB}}),
                                       pack(CmdId::MI_NOOP)});
  t2.context(0x2000, 0, 0x10, t2.pml4);
  t2.submit(0x2230, kDesc);
  auto r2 = replay_native({.trace = write_trace(t2.finish(), "synthetic2.aub")}, d);
  ASSERT_TRUE(r2 && r2->ok());
  EXPECT_NE(r2->result_hash, r->result_hash);
}

TEST(NativeReplay, AHangIsReportedNotFatal) {
  TraceBuilder t;
  t.code(AddressSpace::ggtt, 0x1000, {{0x1F800000, 0}});  // an unknown instruction
  t.context(0x2000, 0, 8, t.pml4);
  t.submit(0x2230, kDesc);
  FunctionalDriver d;
  auto r = replay_native({.trace = write_trace(t.finish(), "hang.aub")}, d);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok());
  EXPECT_NE(r->error.find("hung"), std::string::npos) << r->error;
  EXPECT_EQ(r->completed, 0u);
}

TEST(NativeReplay, AWaitThatNeverEndsTimesOut) {
  TraceBuilder t;
  t.map_batches();
  auto wait = pack(CmdId::MI_SEMAPHORE_WAIT, {{cmd::MI_SEMAPHORE_WAIT::WAIT_MODE, 1},
                                              {cmd::MI_SEMAPHORE_WAIT::COMPARE_OPERATION, 4},
                                              {cmd::MI_SEMAPHORE_WAIT::SEMAPHORE_DATA_DWORD, 1},
                                              {cmd::MI_SEMAPHORE_WAIT::SEMAPHORE_ADDRESS, TraceBuilder::kB}});
  t.code(AddressSpace::ggtt, 0x1000, {wait});
  t.context(0x2000, 0, 16, t.pml4);
  t.submit(0x2230, kDesc);
  FunctionalDriver d;
  auto r = replay_native({.trace = write_trace(t.finish(), "wait.aub"), .submission_timeout = ms(1)}, d);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ok());
  EXPECT_NE(r->error.find("did not complete"), std::string::npos) << r->error;
  // A poll that never passes times out the same way.
  TraceBuilder p;
  EXPECT_TRUE(p.w.reg_poll(0x2234, 0x1, 0x1));
  auto r2 = replay_native({.trace = write_trace(p.finish(), "poll.aub")}, d);
  ASSERT_TRUE(r2);
  EXPECT_NE(r2->error.find("REG_POLL"), std::string::npos) << r2->error;
}

}  // namespace
}  // namespace gvtsim::harness
