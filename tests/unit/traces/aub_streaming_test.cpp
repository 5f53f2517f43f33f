// Constant memory: a capture-like trace of more than 1 GiB raw goes through the writer into a .zst file
// and back through the reader, with the process's peak RSS under 256 MB (a resource check, not a
// timing check). GVTSIM_AUB_STREAM_MB scales the trace down for slow (sanitizer) builds.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/unit/traces/aub_test_util.h"

namespace gvtsim::aub {
namespace {

constexpr uint64_t kRssLimitKib = 256 * 1024;
constexpr uint32_t kWorkingSetPages = 128;  // rewritten at every submission, as intel_dump_gpu does
constexpr uint32_t kNonZeroEvery = 16;      // 1 page in 16 has contents (aub.md: 97-99% are zero)
constexpr uint32_t kElsp = 0x2230, kExeclistStatus = 0x2234;

uint64_t peak_rss_kib() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return uint64_t(ru.ru_maxrss);  // Linux: KiB
}

TEST(AubStreaming, MoreThanAGigabyteRawThroughZstdInBoundedMemory) {
  const char* env = std::getenv("GVTSIM_AUB_STREAM_MB");
  const uint64_t target = env ? std::strtoull(env, nullptr, 10) << 20 : (uint64_t(1) << 30) + (16u << 20);
  ASSERT_GT(target, 0u);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("gvtsim_aub_stream_" + std::to_string(::getpid()) + ".aub.zst"))
          .string();
  struct Cleanup {
    std::string p;
    ~Cleanup() { std::filesystem::remove(p); }
  } cleanup{path};

  static const std::vector<uint8_t> zero(4096, 0);
  std::vector<uint8_t> page(4096, 0);
  uint64_t mem_writes = 0, reg_writes = 0, polls = 0, nonzero_pages = 0, data_bytes = 0, submissions = 0, raw_bytes = 0;
  {
    auto w = AubWriter::create(path);  // zstd by the name
    ASSERT_TRUE(w.is_ok()) << w.error().to_string();
    AUB_ASSERT_OK(w->header(0x162E, "stream"));
    AUB_ASSERT_OK(w->reg_write(0x229C, 0x80008000));
    ++reg_writes;
    while (w->bytes_written() < target) {
      for (uint32_t p = 0; p < kWorkingSetPages; ++p) {
        std::span<const uint8_t> data = zero;
        if (p % kNonZeroEvery == 0) {
          // A little content that changes per submission (a batch's sequence number, say).
          for (uint32_t i = 0; i < 64; ++i) page[i] = uint8_t(p + i);
          std::memcpy(page.data() + 64, &submissions, sizeof(submissions));
          data = page;
          ++nonzero_pages;
        }
        AUB_ASSERT_OK(w->mem_write(AddressSpace::physical, 0x100000 + uint64_t(p) * 4096, data));
        ++mem_writes;
        data_bytes += 4096;
      }
      const uint32_t ring[4] = {0x18800101, 0xFFFEE000, 0xFFFE, 0};
      AUB_ASSERT_OK(w->mem_write(AddressSpace::ggtt, 0x1000, {reinterpret_cast<const uint8_t*>(ring), sizeof(ring)}));
      ++mem_writes;
      data_bytes += sizeof(ring);
      for (uint32_t v : {0u, 0u, 0u, 0x2339u}) AUB_ASSERT_OK(w->reg_write(kElsp, v));
      reg_writes += 4;
      AUB_ASSERT_OK(w->reg_poll(kExeclistStatus, 0x10, 0));
      ++polls;
      ++submissions;
    }
    raw_bytes = w->bytes_written();
    AUB_ASSERT_OK(w->finish());
  }
  const uint64_t packed = std::filesystem::file_size(path);
  if (!env) {
    EXPECT_GT(raw_bytes, uint64_t(1) << 30) << "the default run must stream more than 1 GiB raw";
  }

  uint64_t got_mem = 0, got_reg = 0, got_poll = 0, got_nonzero = 0, got_data = 0, blocks = 0;
  auto r = AubReader::open(path);
  ASSERT_TRUE(r.is_ok()) << r.error().to_string();
  EXPECT_EQ(r->compression(), Compression::zstd);
  for (;;) {
    auto next = r->next();
    ASSERT_TRUE(next.is_ok()) << next.error().to_string();
    if (!*next) break;
    ++blocks;
    if (const auto* m = std::get_if<MemWrite>(&**next)) {
      ++got_mem;
      got_data += m->data.size();
      if (m->data.size() == 4096 && std::memcmp(m->data.data(), zero.data(), 4096) != 0) ++got_nonzero;
    } else if (std::holds_alternative<RegWrite>(**next)) {
      ++got_reg;
    } else if (std::holds_alternative<RegPoll>(**next)) {
      ++got_poll;
    }
  }
  EXPECT_EQ(r->bytes_consumed(), raw_bytes);
  EXPECT_EQ(got_mem, mem_writes);
  EXPECT_EQ(got_reg, reg_writes);
  EXPECT_EQ(got_poll, polls);
  EXPECT_EQ(got_nonzero, nonzero_pages);
  EXPECT_EQ(got_data, data_bytes);
  EXPECT_EQ(blocks, 1 + mem_writes + reg_writes + polls);

  const uint64_t rss = peak_rss_kib();
  std::printf(
      "streamed %llu raw bytes (%llu blocks, %llu submissions) through %llu bytes of zstd (%.0f:1); peak RSS %llu "
      "KiB\n",
      (unsigned long long)raw_bytes, (unsigned long long)blocks, (unsigned long long)submissions,
      (unsigned long long)packed, double(raw_bytes) / double(packed), (unsigned long long)rss);
  EXPECT_LT(rss, kRssLimitKib) << "peak RSS " << rss << " KiB: the trace was not streamed";
}

}  // namespace
}  // namespace gvtsim::aub
