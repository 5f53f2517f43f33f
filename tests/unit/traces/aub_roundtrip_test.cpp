// Round trips: every block kind through the writer and the reader, for every compression, in memory
// and through files; the codec found by magic; the header quirks of real captures.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "tests/unit/traces/aub_test_util.h"

namespace gvtsim::aub {
namespace {

using test::read_all;
using test::sample_bytes;

// A scratch directory removed with the test.
class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "gvtsim_aub_XXXXXX").string();
    m_path = ::mkdtemp(t.data()) ? t : std::string();
  }
  ~TempDir() {
    if (!m_path.empty()) std::filesystem::remove_all(m_path);
  }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

// Reads a trace and writes every block back: the bytes must be identical.
std::vector<uint8_t> rewrite(std::span<const uint8_t> trace) {
  std::vector<uint8_t> out;
  auto reader = AubReader::from_memory(trace);
  EXPECT_TRUE(reader.is_ok());
  auto writer = AubWriter::to_memory(out);
  EXPECT_TRUE(writer.is_ok());
  for (;;) {
    auto next = reader->next();
    EXPECT_TRUE(next.is_ok()) << next.error().to_string();
    if (!next || !*next) break;
    auto r = writer->write(**next);
    EXPECT_TRUE(r.is_ok()) << r.error().to_string();
  }
  EXPECT_TRUE(writer->finish().is_ok());
  return out;
}

const std::vector<BlockKind> kSampleKinds = [] {
  using K = BlockKind;
  std::vector<K> k = {K::header, K::mem_write};
  for (uint32_t s = 0; s < kAddressSpaceCount; ++s) k.push_back(K::mem_write);
  k.push_back(K::mem_write);
  k.push_back(K::mem_write_discont);
  for (int i = 0; i < 5; ++i) k.push_back(K::reg_write);
  k.insert(k.end(), {K::reg_poll, K::reg_write, K::reg_poll, K::reg_cmp, K::mem_poll, K::mem_cmp, K::comment,
                     K::frame_begin, K::trace_delay, K::test_phase_marker});
  for (int i = 0; i < 5; ++i) k.push_back(K::other_memtrace);
  k.insert(k.end(), {K::legacy_trace_block, K::legacy_trace_block, K::legacy_dump_bmp, K::legacy_header, K::reg_write});
  return k;
}();

TEST(AubRoundTrip, EveryBlockKindReadsBackAsWritten) {
  const auto raw = sample_bytes();
  ASSERT_LE(raw.size(), 64u * 1024);
  auto out = read_all(raw);
  ASSERT_FALSE(out.error) << out.error->to_string();
  EXPECT_EQ(out.kinds, kSampleKinds);
  EXPECT_EQ(out.bytes, raw.size());
  // Every kind except nothing is covered.
  std::set<BlockKind> seen(out.kinds.begin(), out.kinds.end());
  EXPECT_EQ(int(seen.size()), kBlockKinds) << "the sample must hold every block kind";
  // Reading and writing back reproduces the bytes exactly.
  EXPECT_EQ(rewrite(raw), raw);
}

TEST(AubRoundTrip, FieldsSurviveTheTrip) {
  const auto raw = sample_bytes();
  auto reader = AubReader::from_memory(raw);
  ASSERT_TRUE(reader.is_ok());
  std::vector<std::string> seen;
  int mem_writes = 0, reg_writes = 0, others = 0, legacy_blocks = 0;
  for (;;) {
    auto next = reader->next();
    ASSERT_TRUE(next.is_ok()) << next.error().to_string();
    if (!*next) break;
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, TraceHeader>) {
            EXPECT_EQ(b.file_version, 1u);
            EXPECT_EQ(b.device(), kDeviceBroadwell);
            EXPECT_EQ(b.dw2, 0xB00u);  // aub.md: BDW gives 0x00000B00
            EXPECT_EQ(b.text(), "PCI-ID=0x162E sample");
            ASSERT_TRUE(b.pci_id.has_value());
            EXPECT_EQ(*b.pci_id, 0x162Eu);
            EXPECT_EQ(b.app_name, "sample");
          } else if constexpr (std::is_same_v<T, MemWrite>) {
            if (mem_writes == 0) {
              EXPECT_EQ(b.space, AddressSpace::ggtt_entry);
              ASSERT_EQ(b.data.size(), 8u);
              uint64_t pte;
              std::memcpy(&pte, b.data.data(), 8);
              EXPECT_EQ(pte, 0x1001u);
            } else if (mem_writes <= int(kAddressSpaceCount)) {
              const uint32_t s = uint32_t(mem_writes - 1);
              EXPECT_EQ(b.space, AddressSpace(s));
              EXPECT_EQ(b.address, 0x1000u * (s + 1));
              EXPECT_EQ(b.data_type_hint, s);
              ASSERT_EQ(b.data.size(), 13u + s);
              for (size_t i = 0; i < b.data.size(); ++i) EXPECT_EQ(b.data[i], uint8_t(0xA0 + i));
            } else {
              EXPECT_EQ(b.space, AddressSpace::physical);
              EXPECT_EQ(b.address, 0x20000u);
              EXPECT_EQ(b.data_type_hint, 42);
              ASSERT_EQ(b.data.size(), 4096u);
              for (size_t i = 0; i < 4096; ++i) ASSERT_EQ(b.data[i], uint8_t(i * 7));
            }
            ++mem_writes;
          } else if constexpr (std::is_same_v<T, MemWriteDiscont>) {
            EXPECT_EQ(b.space, AddressSpace::physical);
            EXPECT_EQ(b.data_type_hint, 3);
            ASSERT_EQ(b.entries.size(), 3u);
            EXPECT_EQ(b.entries[2].address, 0x3F000u);
            EXPECT_EQ(b.entries[2].size, 12u);
            EXPECT_EQ(b.entries[2].data_offset, 12u);
            ASSERT_EQ(b.data.size(), 24u);
            EXPECT_EQ(b.data[b.entries[1].data_offset], 0x18);
          } else if constexpr (std::is_same_v<T, RegWrite>) {
            if (reg_writes == 0) {
              EXPECT_EQ(b.offset, 0x229Cu);
              EXPECT_EQ(b.value(), 0x80008000u);
              EXPECT_EQ(b.mask, 0xFFFFFFFFu);
              EXPECT_EQ(b.size, AccessSize::dword);
              EXPECT_EQ(b.space, RegisterSpace::mmio);
            }
            if (b.offset == 0x4000) {
              EXPECT_EQ(b.size, AccessSize::qword);
              EXPECT_EQ(b.message_source, 2);
              ASSERT_EQ(b.data.size(), 2u);
              EXPECT_EQ(b.data[1], 0x22222222u);
              EXPECT_EQ(b.mask, ~uint64_t(0));
            }
            ++reg_writes;
          } else if constexpr (std::is_same_v<T, RegPoll>) {
            if (b.space == RegisterSpace::mchbar) {
              EXPECT_TRUE(b.timeout_ignore);
              EXPECT_TRUE(b.poll_not_equal);
              EXPECT_EQ(b.operation, 1);
              EXPECT_EQ(b.mask, 0xFFu);
            } else {
              EXPECT_EQ(b.offset, 0x2234u);
              EXPECT_EQ(b.mask, 0x10u);
              EXPECT_EQ(b.value(), 0u);
            }
          } else if constexpr (std::is_same_v<T, RegCmp>) {
            EXPECT_TRUE(b.no_read_expect);
            EXPECT_EQ(b.size, AccessSize::qword);
            EXPECT_EQ(b.offset, 0x2358u);
          } else if constexpr (std::is_same_v<T, MemPoll>) {
            EXPECT_EQ(b.address, 0x19000u);
            EXPECT_EQ(b.size, AccessSize::qword);
            EXPECT_EQ(b.tiling, 1);
            EXPECT_TRUE(b.poll_not_equal);
            EXPECT_TRUE(b.timeout_ignore);
            EXPECT_EQ(b.data_type_hint, 9);
            EXPECT_EQ(b.mask, 0xFFFF0000FFFFu);
            ASSERT_EQ(b.data.size(), 2u);
          } else if constexpr (std::is_same_v<T, MemCmp>) {
            EXPECT_EQ(b.address, 0x20010u);
            EXPECT_EQ(b.attributes, 0x41u);
            EXPECT_EQ(b.data.size(), 10u);
          } else if constexpr (std::is_same_v<T, Comment>) {
            EXPECT_EQ(b.text, "frame one, with a comment");
          } else if constexpr (std::is_same_v<T, FrameBegin>) {
            EXPECT_EQ(b.frame, 7);
          } else if constexpr (std::is_same_v<T, TraceDelay>) {
            EXPECT_EQ(b.time, 1000u);
          } else if constexpr (std::is_same_v<T, TestPhaseMarker>) {
            EXPECT_EQ(b.phase, 4);
            EXPECT_EQ(b.sub_phase, 0x123);
          } else if constexpr (std::is_same_v<T, OtherMemtrace>) {
            ASSERT_EQ(b.payload.size(), 3u);
            EXPECT_EQ(b.payload[2], 3u);
            seen.push_back(to_string(b.op));
            ++others;
          } else if constexpr (std::is_same_v<T, LegacyTraceBlock>) {
            if (legacy_blocks++ == 0) {
              EXPECT_EQ(b.operation, LegacyOperation::data_write);
              EXPECT_EQ(b.address_space, 4);
              EXPECT_EQ(b.address, 0x1'0000'2000u);
              EXPECT_EQ(b.header_dwords, 6u);
              EXPECT_EQ(b.data.size(), 32u);
            } else {
              EXPECT_EQ(b.operation, LegacyOperation::command_write);
              EXPECT_EQ(b.type, 2);
              EXPECT_EQ(b.header_dwords, 5u);
              EXPECT_EQ(b.address, 0x4000u);
              EXPECT_EQ(b.data.size(), 16u);
            }
          } else if constexpr (std::is_same_v<T, LegacyDumpBmp>) {
            EXPECT_EQ(b.payload.size(), 3u);
          } else if constexpr (std::is_same_v<T, LegacyHeader>) {
            EXPECT_EQ(b.major, 4);
            EXPECT_EQ(b.app_name, "legacy");
            EXPECT_EQ(b.timestamp, 0x123456789u);
            EXPECT_EQ(b.comment(), "PCI-ID=0x1616");
            ASSERT_TRUE(b.pci_id.has_value());
            EXPECT_EQ(*b.pci_id, 0x1616u);
          }
        },
        **next);
  }
  EXPECT_EQ(mem_writes, 2 + int(kAddressSpaceCount));
  EXPECT_EQ(others, 5);
  EXPECT_EQ(seen, (std::vector<std::string>{"VERSION", "MEM_DUMP", "MEM_CONT_REGION", "PREDICATE", "DUMP_COMPRESS"}));
}

TEST(AubRoundTrip, EveryCompressionInMemory) {
  const auto raw = sample_bytes();
  for (Compression c : {Compression::raw, Compression::xz, Compression::zstd}) {
    SCOPED_TRACE(to_string(c));
    const auto packed = sample_bytes(c);
    EXPECT_EQ(detect_compression(packed), c);
    auto reader = AubReader::from_memory(packed);
    ASSERT_TRUE(reader.is_ok());
    EXPECT_EQ(reader->compression(), c);
    auto out = read_all(packed);
    ASSERT_FALSE(out.error) << out.error->to_string();
    EXPECT_EQ(out.kinds, kSampleKinds);
    EXPECT_EQ(out.bytes, raw.size());
    // The decompressed blocks are the raw trace's blocks, byte for byte.
    std::vector<uint8_t> again;
    {
      auto r = AubReader::from_memory(packed);
      auto w = AubWriter::to_memory(again);
      for (;;) {
        auto next = r->next();
        ASSERT_TRUE(next.is_ok());
        if (!*next) break;
        ASSERT_TRUE(w->write(**next).is_ok());
      }
      ASSERT_TRUE(w->finish().is_ok());
    }
    EXPECT_EQ(again, raw);
  }
}

TEST(AubRoundTrip, FilesByExtensionAndCodecByMagic) {
  TempDir dir;
  const auto raw = sample_bytes();
  for (const char* name : {"t.aub", "t.aub.xz", "t.aub.zst"}) {
    SCOPED_TRACE(name);
    const std::string path = dir.file(name);
    {
      const Compression c = compression_for_path(path);
      auto w = AubWriter::create(path, c, c == Compression::raw ? 0 : 1);
      ASSERT_TRUE(w.is_ok()) << w.error().to_string();
      test::write_sample(*w);
      AUB_ASSERT_OK(w->finish());
    }
    auto r = AubReader::open(path);
    ASSERT_TRUE(r.is_ok()) << r.error().to_string();
    EXPECT_EQ(r->compression(), compression_for_path(path));
    uint64_t n = 0;
    for (;;) {
      auto next = r->next();
      ASSERT_TRUE(next.is_ok()) << next.error().to_string();
      if (!*next) break;
      ++n;
    }
    EXPECT_EQ(n, kSampleKinds.size());
    EXPECT_EQ(r->bytes_consumed(), raw.size());
  }
  // The content decides: a zstd trace under a name with no extension still reads as zstd.
  std::filesystem::rename(dir.file("t.aub.zst"), dir.file("plain"));
  auto r = AubReader::open(dir.file("plain"));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->compression(), Compression::zstd);
  // A name that promises a codec the content lacks is a clear error, not a parse of garbage.
  std::filesystem::rename(dir.file("t.aub"), dir.file("raw.aub.xz"));
  auto bad = AubReader::open(dir.file("raw.aub.xz"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.error().kind, AubErrorKind::decompression_error);
  EXPECT_NE(bad.error().message.find("named as xz"), std::string::npos) << bad.error().message;
}

TEST(AubRoundTrip, ConcatenatedStreamsReadAsOne) {
  // `cat a.xz b.xz` and `cat a.zst b.zst` are valid files of the tools; the second part continues
  // the first (here: the sample, then a bare REG_WRITE).
  for (Compression c : {Compression::xz, Compression::zstd}) {
    SCOPED_TRACE(to_string(c));
    auto packed = sample_bytes(c, 1);
    std::vector<uint8_t> tail;
    {
      auto sink = memory_sink(tail, c, 1);
      ASSERT_TRUE(sink.is_ok());
      const auto reg = test::dwords({make_dw0(kOpcodeMemtrace, 3, 5), 0x2030, 0x20000, ~0u, 0, 16});
      AUB_ASSERT_OK((*sink)->write(reg.data(), reg.size()));
      AUB_ASSERT_OK((*sink)->finish());
    }
    test::append(packed, tail);
    auto out = read_all(packed);
    ASSERT_FALSE(out.error) << out.error->to_string();
    ASSERT_EQ(out.kinds.size(), kSampleKinds.size() + 1);
    EXPECT_EQ(out.kinds.back(), BlockKind::reg_write);
  }
}

TEST(AubWriter, MemWriteSplitsLargeWritesIntoWholePageBlocks) {
  std::vector<uint8_t> data(1 << 20);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i ^ (i >> 12));
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  AUB_ASSERT_OK(w->header(0x162E, "split"));
  AUB_ASSERT_OK(w->mem_write(AddressSpace::ggtt, 0x100000, data, 7));
  AUB_ASSERT_OK(w->finish());

  auto r = AubReader::from_memory(out);
  uint64_t expect_address = 0x100000;
  size_t pos = 0, blocks = 0;
  for (;;) {
    auto next = r->next();
    ASSERT_TRUE(next.is_ok()) << next.error().to_string();
    if (!*next) break;
    if (auto* m = std::get_if<MemWrite>(&**next)) {
      EXPECT_EQ(m->address, expect_address);
      EXPECT_LE(m->data.size(), kMemWriteChunk);
      EXPECT_EQ(m->data.size() % 4096, 0u);
      EXPECT_EQ(m->data_type_hint, 7);
      ASSERT_TRUE(std::equal(m->data.begin(), m->data.end(), data.begin() + pos));
      expect_address += m->data.size();
      pos += m->data.size();
      ++blocks;
    }
  }
  EXPECT_EQ(pos, data.size());
  EXPECT_EQ(blocks, (data.size() + kMemWriteChunk - 1) / kMemWriteChunk);
  // 63 pages is the largest whole-page payload under the 65536-dword block limit.
  EXPECT_EQ(kMemWriteChunk, 63u * 4096);
  EXPECT_GT(kMemWriteChunk + 4096, kMaxMemWriteBytes);
}

TEST(AubWriter, LargestBlocksAtTheLengthFieldLimit) {
  // A MEM_WRITE of kMaxMemWriteBytes is exactly 65536 dwords (length field 0xFFFF); one byte more
  // does not fit one block.
  std::vector<uint8_t> data(kMaxMemWriteBytes, 0x5A);
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  AUB_ASSERT_OK(w->header(0x162E, "max"));
  AUB_ASSERT_OK(w->write(MemWrite{0x1000, AddressSpace::physical, 0, 0, data}));
  std::vector<uint8_t> more(kMaxMemWriteBytes + 1);
  auto r = w->write(MemWrite{0x1000, AddressSpace::physical, 0, 0, more});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().kind, AubErrorKind::bad_length);
  AUB_ASSERT_OK(w->finish());
  auto out_read = read_all(out);
  ASSERT_FALSE(out_read.error) << out_read.error->to_string();
  ASSERT_EQ(out_read.kinds.size(), 2u);
  uint32_t dw0;
  std::memcpy(&dw0, out.data() + out_read.offsets[1], 4);
  EXPECT_EQ(dw0_length(dw0), 0xFFFFu);
}

TEST(AubHeader, TextStopsAtNulAndToleratesGarbagePadding) {
  // A real-capture quirk (aub.md): the string is followed by stray, non-NUL bytes up to the block's
  // end. The PCI id and app name still parse; nothing past the first NUL is text.
  const char s[] = "PCI-ID=0x162E glgears\0\x7f\xe3Zq\x01";
  std::vector<uint8_t> line(s, s + sizeof(s) - 1);
  while (line.size() % 4) line.push_back(0xEE);
  TraceHeader h;
  h.dw2 = 0xB00;
  h.command_line = line;
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  AUB_ASSERT_OK(w->write(h));
  AUB_ASSERT_OK(w->finish());
  auto r = AubReader::from_memory(out);
  auto next = r->next();
  ASSERT_TRUE(next.is_ok() && *next);
  const auto& got = std::get<TraceHeader>(**next);
  EXPECT_EQ(got.text(), "PCI-ID=0x162E glgears");
  EXPECT_EQ(got.pci_id, 0x162Eu);
  EXPECT_EQ(got.app_name, "glgears");
  EXPECT_EQ(got.command_line.size(), line.size());

  // No NUL at all: the string runs to the block's end (Mesa pads to a dword without one when the
  // string fills it), and garbage straight after the number still leaves the id.
  const std::string full = "PCI-ID=0x1616xy";  // 15 bytes + 1 garbage byte
  std::vector<uint8_t> line2(full.begin(), full.end());
  line2.push_back('!');
  h.command_line = line2;
  out.clear();
  auto w2 = AubWriter::to_memory(out);
  AUB_ASSERT_OK(w2->write(h));
  AUB_ASSERT_OK(w2->finish());
  auto r2 = AubReader::from_memory(out);
  auto n2 = r2->next();
  ASSERT_TRUE(n2.is_ok() && *n2);
  const auto& h2 = std::get<TraceHeader>(**n2);
  EXPECT_EQ(h2.text(), "PCI-ID=0x1616xy!");
  EXPECT_EQ(h2.pci_id, 0x1616u);
}

TEST(AubHeader, PciIdParsesLikeScanfPercentI) {
  std::string_view rest;
  EXPECT_EQ(parse_pci_id("PCI-ID=0x162E glgears", &rest), 0x162Eu);
  EXPECT_EQ(rest, "glgears");
  EXPECT_EQ(parse_pci_id("PCI-ID=0X162e"), 0x162Eu);
  EXPECT_EQ(parse_pci_id("PCI-ID=5678 x"), 5678u);
  EXPECT_EQ(parse_pci_id("PCI-ID=010"), 8u);           // %i reads a leading 0 as octal
  EXPECT_EQ(parse_pci_id("PCI-ID= 0x1616"), 0x1616u);  // %i skips white space
  EXPECT_EQ(parse_pci_id("PCI-ID=0"), 0u);
  EXPECT_EQ(parse_pci_id("PCI-ID=0x"), 0u);  // "0" then garbage, as scanf reads it
  EXPECT_FALSE(parse_pci_id("NEO"));         // aubstream's header text has no id
  EXPECT_FALSE(parse_pci_id("PCI-ID="));
  EXPECT_FALSE(parse_pci_id("PCI-ID=zz"));
  EXPECT_FALSE(parse_pci_id(" PCI-ID=0x162E"));  // the literal must come first
  EXPECT_FALSE(parse_pci_id("PCI-ID=-5"));
  EXPECT_FALSE(parse_pci_id("PCI-ID=0x1234567890"));
}

TEST(AubFormat, EveryAddressSpaceHasANameAndAMeaning) {
  // aub.md / aubstream: 0 GGTT, 1 local, 2 physical, 3 GGTT PD entry, 4 GGTT entry, 5 PPGTT,
  // 6 PPGTT entry, 7 non-aperture GGTT, 8 physical PDP entry, 9 PPGTT PD entry, 10 PML4 entry.
  const char* names[] = {"GGTT",      "LOCAL",       "PHYSICAL",          "GGTT_PD_ENTRY",      "GGTT_ENTRY",
                         "PPGTT",     "PPGTT_ENTRY", "NON_APERTURE_GGTT", "PHYSICAL_PDP_ENTRY", "PPGTT_PD_ENTRY",
                         "PML4_ENTRY"};
  for (uint32_t s = 0; s < kAddressSpaceCount; ++s) EXPECT_STREQ(to_string(AddressSpace(s)), names[s]);
  // Limits: the GGTT spaces hold 4 GiB, GGTT_ENTRY 8 MiB of PTEs, the rest 48 bits; canonical
  // addresses (bits 63:48 = bit 47) are accepted and kept to 48 bits.
  EXPECT_FALSE(check_address(AddressSpace::ggtt, 0xFFFFF000, 4096));
  EXPECT_TRUE(check_address(AddressSpace::ggtt, 0xFFFFF000, 4097));
  EXPECT_TRUE(check_address(AddressSpace::non_aperture_ggtt, 1ull << 32, 4));
  EXPECT_FALSE(check_address(AddressSpace::ggtt_entry, (8 << 20) - 8, 8));
  EXPECT_TRUE(check_address(AddressSpace::ggtt_entry, (8 << 20) - 8, 16));
  EXPECT_FALSE(check_address(AddressSpace::ppgtt, 0xFFFFFFFEFFFEE000, 4096));
  EXPECT_TRUE(check_address(AddressSpace::ppgtt, 0x0001000000000000, 4));
  EXPECT_TRUE(check_address(AddressSpace::physical, 0x0000FFFFFFFFF000, 4097));
}

TEST(AubLegacy, MesaStyleLegacyHeaderAndGttBlock) {
  // As Mesa's write_legacy_header writes it: 13 dwords + the "PCI-ID=0x%x" comment, then a 6-dword
  // TRACE_HEADER_BLOCK (GTT entry space, data write) of PTEs.
  std::vector<uint32_t> d = {make_dw0(kOpcodeLegacy, 0x05, 13 + 3 - 2), 4u << 24};
  d.resize(2 + 8, 0);  // the 32-byte app name
  std::memcpy(&d[2], "glxgears", 8);
  d.insert(d.end(), {0, 0, 12, 0, 0, 0});  // timestamp, comment length, 3 comment dwords
  std::memcpy(&d[13], "PCI-ID=0x162", 12);
  d.insert(d.end(),
           {make_dw0(kOpcodeLegacy, 0x41, 6 - 2), (4u << 16) | 1, 0, 0, 16, 0, 0x200003, 0x201003, 0x202003, 0x203003});
  std::vector<uint8_t> t(d.size() * 4);
  std::memcpy(t.data(), d.data(), t.size());
  auto out = read_all(t);
  ASSERT_FALSE(out.error) << out.error->to_string();
  ASSERT_EQ(out.kinds, (std::vector<BlockKind>{BlockKind::legacy_header, BlockKind::legacy_trace_block}));
  auto r = AubReader::from_memory(t);
  auto h = r->next();
  const auto& lh = std::get<LegacyHeader>(**h);
  EXPECT_EQ(lh.app_name, "glxgears");
  EXPECT_EQ(lh.pci_id, 0x162u);
  auto b = r->next();
  const auto& lb = std::get<LegacyTraceBlock>(**b);
  EXPECT_EQ(lb.address_space, 4);
  EXPECT_EQ(lb.operation, LegacyOperation::data_write);
  ASSERT_EQ(lb.data.size(), 16u);
  EXPECT_EQ(lb.data[4], 0x03);
  EXPECT_EQ(rewrite(t), t);
}

}  // namespace
}  // namespace gvtsim::aub
