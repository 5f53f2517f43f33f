// The real captures in ../shared/traces (Mesa 22.3.6 intel_dump_gpu on Broadwell; aub.md): each
// *.aub.xz reads fully, streamed, and its block counts, raw size, header string, payload bytes per
// address space, page counts and register writes equal those of its .summary.txt (an independent
// block scan). Skips, saying so, when the folder is absent.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "tests/unit/traces/aub_test_util.h"

#ifndef GVTSIM_SHARED_DIR
#error "GVTSIM_SHARED_DIR (the repository's ../shared) must be defined by the build"
#endif

namespace gvtsim::aub {
namespace {

namespace fs = std::filesystem;

fs::path traces_dir() {
  if (const char* env = std::getenv("GVTSIM_SHARED_DIR")) return fs::path(env) / "traces";
  return fs::path(GVTSIM_SHARED_DIR) / "traces";
}

// What the summary's "Independent block scan" section states.
struct Summary {
  std::map<std::string, uint64_t> blocks;         // by the scan's block names
  std::map<std::string, uint64_t> payload_bytes;  // by address-space name
  std::map<uint32_t, uint64_t> mmio_writes;       // register -> count
  uint64_t size = 0, consumed = 0, page_writes = 0, zero_pages = 0;
  std::string header_text;
};

// "NAME: 123..." -> {NAME, 123}: the number after the last ": ".
std::pair<std::string, uint64_t> name_and_count(std::string_view line) {
  const size_t colon = line.rfind(": ");
  if (colon == std::string_view::npos) return {std::string(line), 0};
  return {std::string(line.substr(0, colon)), std::strtoull(std::string(line.substr(colon + 2)).c_str(), nullptr, 0)};
}

uint64_t number_after(std::string_view line, std::string_view tag) {
  const size_t at = line.find(tag);
  return at == std::string_view::npos ? 0
                                      : std::strtoull(std::string(line.substr(at + tag.size())).c_str(), nullptr, 10);
}

Summary parse_summary(const fs::path& p) {
  std::ifstream in(p);
  Summary s;
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view l = line;
    if (l.starts_with("file: ")) {
      s.size = number_after(l, " size: ");
      s.consumed = number_after(l, " consumed: ");
    } else if (l.starts_with("header app string: '") && l.ends_with("'")) {
      s.header_text = line.substr(20, line.size() - 21);
    } else if (l.starts_with("  block ")) {
      auto [name, n] = name_and_count(l.substr(8));
      s.blocks[name] = n;
    } else if (l.starts_with("  payload bytes to ")) {
      auto [name, n] = name_and_count(l.substr(19));
      s.payload_bytes[name] = n;
    } else if (l.starts_with("  4KiB PHYSICAL page writes: ")) {
      s.page_writes = number_after(l, "page writes: ");
      s.zero_pages = number_after(l, "all-zero: ");
    } else if (l.starts_with("  MMIO write reg ")) {
      auto [reg, n] = name_and_count(l.substr(17));  // "0x02080: 1x"
      s.mmio_writes[uint32_t(std::strtoul(reg.c_str(), nullptr, 16))] = n;
    }
  }
  return s;
}

// The scan's names for our block kinds (its names follow Mesa's intel_aub.h, "MEM_TRACE_...").
std::string scan_name(BlockKind k) {
  switch (k) {
    case BlockKind::header: return "MEM_TRACE_VERSION(header)";
    case BlockKind::reg_write: return "MEM_TRACE_REGISTER_WRITE";
    case BlockKind::reg_poll: return "MEM_TRACE_REGISTER_POLL";
    case BlockKind::mem_write: return "MEM_TRACE_MEMORY_WRITE";
    case BlockKind::mem_poll: return "MEM_TRACE_MEMORY_POLL";
    case BlockKind::comment: return "MEM_TRACE_COMMENT";
    default: return to_string(k);
  }
}

TEST(AubSharedTraces, EveryCaptureMatchesItsSummary) {
  const fs::path dir = traces_dir();
  std::vector<fs::path> traces;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().string().ends_with(".aub.xz")) traces.push_back(e.path());
  if (traces.empty()) GTEST_SKIP() << "no real captures: " << dir << " is absent or holds no *.aub.xz (see aub.md)";
  std::sort(traces.begin(), traces.end());

  for (const fs::path& trace : traces) {
    const std::string name = trace.filename().string();
    SCOPED_TRACE(name);
    const fs::path summary_path = dir / (name.substr(0, name.size() - std::string(".aub.xz").size()) + ".summary.txt");
    ASSERT_TRUE(fs::exists(summary_path)) << summary_path;
    const Summary want = parse_summary(summary_path);
    // The summary parsed (so that the comparisons below cannot pass on empty maps).
    ASSERT_FALSE(want.blocks.empty()) << "no block counts found in " << summary_path;
    ASSERT_GT(want.size, 0u);
    ASSERT_FALSE(want.header_text.empty());
    ASSERT_FALSE(want.payload_bytes.empty());
    ASSERT_FALSE(want.mmio_writes.empty());
    ASSERT_GT(want.page_writes, 0u);

    auto r = AubReader::open(trace.string());
    ASSERT_TRUE(r.is_ok()) << r.error().to_string();
    EXPECT_EQ(r->compression(), Compression::xz);
    std::map<std::string, uint64_t> blocks, payload;
    std::map<uint32_t, uint64_t> mmio;
    uint64_t page_writes = 0, zero_pages = 0;
    std::string header_text;
    std::optional<uint32_t> pci_id;
    static const std::vector<uint8_t> zero(4096, 0);
    for (;;) {
      auto next = r->next();
      ASSERT_TRUE(next.is_ok()) << next.error().to_string();
      if (!*next) break;
      const AubBlock& b = **next;
      ++blocks[scan_name(kind(b))];
      if (const auto* h = std::get_if<TraceHeader>(&b)) {
        header_text = h->text();
        pci_id = h->pci_id;
        EXPECT_EQ(h->device(), kDeviceBroadwell);
      } else if (const auto* m = std::get_if<MemWrite>(&b)) {
        payload[to_string(m->space)] += m->data.size();
        if (m->space == AddressSpace::physical && m->data.size() == 4096) {
          ++page_writes;
          if (std::memcmp(m->data.data(), zero.data(), 4096) == 0) ++zero_pages;
        }
      } else if (const auto* w = std::get_if<RegWrite>(&b)) {
        ++mmio[w->offset];
      }
    }
    EXPECT_EQ(blocks, want.blocks);
    EXPECT_EQ(r->bytes_consumed(), want.consumed);
    EXPECT_EQ(r->bytes_consumed(), want.size);
    EXPECT_EQ(header_text, want.header_text);
    EXPECT_EQ(pci_id, 0x162Eu);  // aub.md: captured on an emulated BDW GT3
    EXPECT_EQ(payload, want.payload_bytes);
    EXPECT_EQ(page_writes, want.page_writes);
    EXPECT_EQ(zero_pages, want.zero_pages);
    EXPECT_EQ(mmio, want.mmio_writes);
  }
}

}  // namespace
}  // namespace gvtsim::aub
