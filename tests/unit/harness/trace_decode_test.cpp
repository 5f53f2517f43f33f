// gvtsim decode: the listing follows submissions as the hardware fetches them, and on the real
// captures it agrees with Mesa's aubinator (the .summary.txt files beside each trace).
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "harness/trace_decoder.h"
#include "spec/gen8/command.h"
#include "traces/aub_reader.h"
#include "traces/aub_writer.h"
#include "trace_builder.h"

namespace gvtsim::harness {
namespace {

using namespace spec::gen8;
using aub::AddressSpace;
using testing::TraceBuilder;

std::vector<uint32_t> bb_start(uint64_t addr, bool ppgtt, bool second = false) {
  return pack(CmdId::MI_BATCH_BUFFER_START, {{cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR, ppgtt},
                                             {cmd::MI_BATCH_BUFFER_START::SECOND_LEVEL_BATCH_BUFFER, second},
                                             {cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS, addr}});
}
std::vector<uint32_t> op(CmdId id) { return pack(id); }

struct Listed {
  unsigned level;
  uint64_t address;
  std::string name;
  uint64_t submission;
  bool operator==(const Listed&) const = default;
};

struct Decoded {
  std::vector<Listed> list;
  std::vector<std::string> notes;
  Result<DecodeSummary> summary = Status::guest_error("not run");
};

Decoded decode_bytes(const std::vector<uint8_t>& bytes) {
  Decoded d;
  auto reader = aub::AubReader::from_memory(bytes);
  EXPECT_TRUE(reader);
  TraceDecoder dec;
  dec.on_command = [&](const ListingEntry& e) {
    d.list.push_back({e.level, e.cmd->address, std::string(e.cmd->name()), e.submission});
  };
  dec.on_note = [&](const std::string& n) { d.notes.push_back(n); };
  for (;;) {
    auto next = reader->next();
    EXPECT_TRUE(next) << next.error().to_string();
    if (!next || !*next) break;
    if (Status s = dec.apply(**next); !s) {
      d.summary = s;
      return d;
    }
  }
  d.summary = dec.summary();
  return d;
}

constexpr uint64_t B = TraceBuilder::kB;
constexpr uint64_t kDesc48 = 0x2000 | (3 << 3) | (1 << 8) | 1;  // LRCA 0x2000, 48-bit legacy, PPGTT, valid

TEST(TraceDecode, FollowsRingBatchesSecondLevelAndChainsAsTheHardware) {
  TraceBuilder t;
  t.map_batches();
  const uint32_t kUnknownMi = 0x1F800000;  // MI opcode 0x3F: no Gen8 instruction; 2 dwords by the unknown rule
  t.code(AddressSpace::physical, 0x300000,
         {op(CmdId::MI_NOOP), pack(CmdId::MI_LOAD_REGISTER_IMM, {{cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET, 0x7034},
                                                                 {cmd::MI_LOAD_REGISTER_IMM::DATA_DWORD, 5}}),
          bb_start(B + 0x1000, true, true), {kUnknownMi, 0}, bb_start(B + 0x2000, true)});
  t.code(AddressSpace::physical, 0x301000, {op(CmdId::PIPE_CONTROL), op(CmdId::MI_BATCH_BUFFER_END)});
  t.code(AddressSpace::physical, 0x302000, {op(CmdId::MI_STORE_DATA_IMM), op(CmdId::MI_BATCH_BUFFER_END)});
  t.code(AddressSpace::ggtt, 0x1000, {bb_start(B, true), op(CmdId::MI_NOOP)});
  t.context(0x2000, 0, 0x10, t.pml4);
  EXPECT_TRUE(t.w.reg_write(0x229C, 0x80008000));  // GFX_MODE: execlists (masked)
  t.submit(0x2230, kDesc48);
  Decoded d = decode_bytes(t.finish());
  ASSERT_TRUE(d.summary) << d.summary.status().to_string();
  uint32_t sdi = op(CmdId::MI_STORE_DATA_IMM).size() * 4;
  std::vector<Listed> want = {
      {0, 0x1000, "MI_BATCH_BUFFER_START", 1}, {1, B, "MI_NOOP", 1},
      {1, B + 4, "MI_LOAD_REGISTER_IMM", 1},   {1, B + 0x10, "MI_BATCH_BUFFER_START", 1},
      {2, B + 0x1000, "PIPE_CONTROL", 1},      {2, B + 0x1018, "MI_BATCH_BUFFER_END", 1},
      {1, B + 0x1C, "UNKNOWN", 1},             {1, B + 0x24, "MI_BATCH_BUFFER_START", 1},
      {1, B + 0x2000, "MI_STORE_DATA_IMM", 1}, {1, B + 0x2000 + sdi, "MI_BATCH_BUFFER_END", 1},
      {0, 0x100C, "MI_NOOP", 1}};
  EXPECT_EQ(d.list, want);
  EXPECT_EQ(d.summary->submissions, 1u);
  EXPECT_EQ(d.summary->unknown_commands, 1u);
  EXPECT_EQ(d.summary->commands.at("MI_BATCH_BUFFER_START"), 3u);
  EXPECT_EQ(d.summary->blocks.at("REG_WRITE"), 5u);
}

TEST(TraceDecode, ThirtyTwoBitPpgttUsesTheFourPdps) {
  TraceBuilder t;
  // PDP1 (gva 1 GB .. 2 GB) -> page directory at 0x202000 -> page table 0x203000 -> batch 0x300000.
  t.phys64(t.pd, t.pt | 3);
  t.phys64(t.pt, 0x300000 | 3);
  t.code(AddressSpace::physical, 0x300000, {op(CmdId::MI_NOOP), op(CmdId::MI_BATCH_BUFFER_END)});
  t.code(AddressSpace::ggtt, 0x1000, {bb_start(0x4000'0000, true), op(CmdId::MI_NOOP)});
  t.context(0x2000, 0, 0x10, /*pdp0=*/0, /*pdp1=*/t.pd);
  t.submit(0x2230, 0x2000 | (1 << 3) | (1 << 8) | 1);
  Decoded d = decode_bytes(t.finish());
  ASSERT_TRUE(d.summary) << d.summary.status().to_string();
  ASSERT_EQ(d.list.size(), 4u);
  EXPECT_EQ(d.list[1], (Listed{1, 0x4000'0000, "MI_NOOP", 1}));
  EXPECT_NE(d.notes.at(0).find("32-bit PPGTT"), std::string::npos);
}

TEST(TraceDecode, AnUnmappedBatchIsAFaultAndDecodingGoesOn) {
  TraceBuilder t;
  t.code(AddressSpace::ggtt, 0x1000, {bb_start(0x7777'0000, true), op(CmdId::MI_NOOP)});
  t.context(0x2000, 0, 0x10, t.pml4);  // an empty PML4: nothing is mapped
  t.submit(0x2230, kDesc48);
  t.submit(0x2230, kDesc48);  // a second submission still decodes
  Decoded d = decode_bytes(t.finish());
  ASSERT_TRUE(d.summary);
  EXPECT_EQ(d.summary->faults, 2u);
  EXPECT_EQ(d.summary->submissions, 2u);
  EXPECT_EQ(d.list.size(), 2u) << "each listing holds the ring's BB_START, then stops at the fault";
  bool fault_noted = false;
  for (auto& n : d.notes) fault_noted |= n.find("fault: PPGTT address 0x77770000") != std::string::npos;
  EXPECT_TRUE(fault_noted);
}

TEST(TraceDecode, ARunawayBatchIsStoppedNotFollowedForever) {
  TraceBuilder t;
  t.map_batches();
  t.code(AddressSpace::physical, 0x300000, {bb_start(B, true)});  // chains to itself
  t.code(AddressSpace::ggtt, 0x1000, {bb_start(B, true), op(CmdId::MI_NOOP)});
  t.context(0x2000, 0, 0x10, t.pml4);
  t.submit(0x2230, kDesc48);
  Decoded d = decode_bytes(t.finish());
  ASSERT_TRUE(d.summary);
  EXPECT_EQ(d.list.size(), TraceDecoder::kMaxCommands);
  EXPECT_NE(d.notes.back().find("does not end"), std::string::npos);
}

TEST(TraceDecode, RingsWrapAtTheirSize) {
  TraceBuilder t;
  // head at the ring's last 8 bytes, tail 8: two NOOPs at the end of the page, then two at its start.
  t.code(AddressSpace::ggtt, 0x1FF8, {op(CmdId::MI_NOOP), op(CmdId::MI_NOOP)});
  t.code(AddressSpace::ggtt, 0x1000, {op(CmdId::MI_NOOP), op(CmdId::MI_NOOP)});
  t.context(0x2000, 0xFF8, 0x8, t.pml4);
  t.submit(0x2230, kDesc48);
  Decoded d = decode_bytes(t.finish());
  ASSERT_TRUE(d.summary);
  std::vector<uint64_t> addrs;
  for (auto& l : d.list) addrs.push_back(l.address);
  EXPECT_EQ(addrs, (std::vector<uint64_t>{0x1FF8, 0x1FFC, 0x1000, 0x1004}));
}

TEST(TraceDecode, OtherEnginesUseTheirOwnRegisters) {
  TraceBuilder t;
  t.code(AddressSpace::ggtt, 0x1000, {op(CmdId::MI_NOOP), op(CmdId::MI_FLUSH_DW)});
  t.context(0x22000, 0, 4 + 4 * uint32_t(op(CmdId::MI_FLUSH_DW).size()), t.pml4);  // BCS registers
  t.submit(0x22230, kDesc48);  // BCS ELSP
  Decoded d = decode_bytes(t.finish());
  ASSERT_TRUE(d.summary);
  ASSERT_EQ(d.list.size(), 2u);
  EXPECT_EQ(d.list[1].name, "MI_FLUSH_DW");
}

TEST(TraceDecode, BadInputIsATypedErrorNamingTheProblem) {
  {
    TraceBuilder t(0x1912);  // a Skylake id
    Decoded d = decode_bytes(t.finish());
    ASSERT_FALSE(d.summary);
    EXPECT_NE(d.summary.status().message().find("not a Broadwell"), std::string::npos);
  }
  {
    TraceBuilder t;
    EXPECT_TRUE(t.w.mem_write(AddressSpace::ppgtt, 0x1000, std::vector<uint8_t>(4)));
    Decoded d = decode_bytes(t.finish());
    ASSERT_FALSE(d.summary);
    EXPECT_NE(d.summary.status().message().find("PPGTT virtual"), std::string::npos);
  }
  {
    TraceBuilder t;
    EXPECT_TRUE(t.w.mem_write(AddressSpace::ggtt, 0x40000, std::vector<uint8_t>(64)));  // no PTE there
    Decoded d = decode_bytes(t.finish());
    ASSERT_TRUE(d.summary);
    EXPECT_EQ(d.summary->unmapped_ggtt_writes, 64u) << "reported, not silently dropped";
  }
}

// ---- The real captures (../shared/traces), checked against aubinator's own output ----------------

struct Capture {
  std::string path, summary;
};

std::vector<Capture> captures() {
  std::vector<Capture> out;
  for (const char* name : {"glclear1", "gltri", "glgears", "pig_fboblit"}) {
    std::string base = std::string(GVTSIM_SHARED_DIR) + "/traces/" + name;
    if (std::ifstream(base + ".aub.xz") && std::ifstream(base + ".summary.txt")) out.push_back({base + ".aub.xz", base + ".summary.txt"});
  }
  return out;
}

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(TraceDecodeCaptures, HistogramEqualsAubinatorsAndTheListingMatchesItsExcerpt) {
  auto caps = captures();
  if (caps.empty()) GTEST_SKIP() << "../shared/traces is absent: the real-capture comparison is skipped";
  for (const Capture& c : caps) {
    SCOPED_TRACE(c.path);
    std::vector<std::pair<uint64_t, std::string>> ours;
    auto summary = decode_trace(c.path, [&](const ListingEntry& e) { ours.push_back({e.cmd->address, std::string(e.cmd->name())}); }, {});
    ASSERT_TRUE(summary) << summary.status().to_string();
    std::string text = slurp(c.summary);
    // "== Command-name histogram ... ==" then "   count  NAME" lines.
    std::map<std::string, uint64_t> theirs;
    std::string hist = text.substr(text.find("== Command-name histogram"));
    hist = hist.substr(hist.find('\n') + 1);
    hist = hist.substr(0, hist.find("\n=="));
    std::regex line(R"(^\s*(\d+)\s+(\S+)\s*$)");
    std::stringstream hs(hist);
    for (std::string l; std::getline(hs, l);) {
      std::smatch m;
      if (std::regex_match(l, m, line)) theirs[m[2]] = std::stoull(m[1]);
    }
    ASSERT_FALSE(theirs.empty());
    EXPECT_EQ(summary->commands, theirs);
    // aubinator's listing excerpt: instruction headers "0x<addr>:  0x<dw0>:  NAME".
    std::vector<std::pair<uint64_t, std::string>> excerpt;
    std::regex header(R"(^0x([0-9a-f]+):  0x[0-9a-f]{8}:  ([A-Z0-9_]+)\s*$)");
    std::stringstream es(text.substr(text.find("== First 200 lines")));
    for (std::string l; std::getline(es, l);) {
      std::smatch m;
      if (std::regex_match(l, m, header)) excerpt.push_back({std::stoull(m[1], nullptr, 16), m[2]});
    }
    ASSERT_GE(excerpt.size(), 5u);
    ASSERT_GE(ours.size(), excerpt.size());
    for (size_t i = 0; i < excerpt.size(); ++i) EXPECT_EQ(ours[i], excerpt[i]) << "command " << i;
  }
}

}  // namespace
}  // namespace gvtsim::harness
