// Every malformed input is a typed error naming the offset of the block concerned: one test per
// error kind, each on a hand-made input the writer would refuse to produce.
#include <unistd.h>

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "tests/unit/traces/aub_test_util.h"

namespace gvtsim::aub {
namespace {

using test::append;
using test::dwords;
using test::header_bytes;

// Reads to the end and returns the error (failing the test when there is none).
AubError read_error(std::span<const uint8_t> trace) {
  auto out = test::read_all(trace);
  EXPECT_TRUE(out.error.has_value()) << "expected an error, read " << out.kinds.size() << " blocks cleanly";
  return out.error.value_or(AubError{AubErrorKind::io_error, ~0ull, "none"});
}

// The header followed by `block`: the error must concern `block`, at the header's size.
AubError after_header(const std::vector<uint8_t>& block) {
  auto t = header_bytes();
  const uint64_t at = t.size();
  append(t, block);
  AubError e = read_error(t);
  EXPECT_EQ(e.offset, at) << e.to_string();
  return e;
}

uint32_t memtrace(MemtraceOp op, uint32_t dwords_total) {
  return make_dw0(kOpcodeMemtrace, uint32_t(op), dwords_total - 1);
}

TEST(AubErrors, KindsHaveDistinctNames) {
  std::set<std::string> names;
  for (int k = 0; k < kAubErrorKinds; ++k) names.insert(to_string(AubErrorKind(k)));
  EXPECT_EQ(int(names.size()), kAubErrorKinds);
  EXPECT_EQ(names.count("?"), 0u);
}

TEST(AubErrors, OneLineTextAndStatusConversion) {
  AubError e = after_header(dwords({0x12345678}));
  EXPECT_EQ(e.kind, AubErrorKind::bad_type);
  const std::string text = e.to_string();
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(text.rfind("aub: bad_type at offset 0x", 0), 0u) << text;
  Status s = e.to_status();
  EXPECT_EQ(s.kind(), StatusKind::guest_error);
  EXPECT_EQ(s.message(), text);
  AubResult<int> r = e;
  EXPECT_EQ(r.status().kind(), StatusKind::guest_error);
}

TEST(AubErrors, ErrorsAreSticky) {
  auto t = header_bytes();
  append(t, dwords({0x12345678}));
  auto r = AubReader::from_memory(t);
  ASSERT_TRUE(r->next().is_ok());
  auto e1 = r->next();
  auto e2 = r->next();
  ASSERT_FALSE(e1.is_ok());
  ASSERT_FALSE(e2.is_ok());
  EXPECT_EQ(e1.error().kind, e2.error().kind);
  EXPECT_EQ(e1.error().offset, e2.error().offset);
}

TEST(AubErrors, IoError) {
  auto r = AubReader::open("/nonexistent/dir/trace.aub");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().kind, AubErrorKind::io_error);
  EXPECT_EQ(r.error().offset, 0u);
  EXPECT_NE(r.error().message.find("/nonexistent/dir/trace.aub"), std::string::npos);
  // A directory opens but cannot be read.
  auto d = AubReader::open(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.error().kind, AubErrorKind::io_error);
  // The writer reports its own I/O errors the same way.
  auto w = AubWriter::create("/nonexistent/dir/out.aub");
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.error().kind, AubErrorKind::io_error);
  // A full disk: the error surfaces at the flush (here finish) and stays.
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto full = AubWriter::create("/dev/full", Compression::raw);
  ASSERT_TRUE(full.is_ok()) << full.error().to_string();
  AUB_ASSERT_OK(full->header(0x162E, "full"));
  std::vector<uint8_t> page(4096);
  AubResult<void> wr;
  for (int i = 0; i < 1024 && wr.is_ok(); ++i) wr = full->mem_write(AddressSpace::physical, uint64_t(i) * 4096, page);
  ASSERT_FALSE(wr.is_ok()) << "4 MiB into /dev/full must fail";
  EXPECT_EQ(wr.error().kind, AubErrorKind::io_error);
  EXPECT_NE(wr.error().message.find("/dev/full"), std::string::npos) << wr.error().message;
  auto again = full->reg_write(0x2030, 1);
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.error().message, wr.error().message);
  EXPECT_FALSE(full->finish().is_ok());
}

TEST(AubErrors, DecompressionError) {
  for (auto head :
       {std::vector<uint8_t>{0xFD, '7', 'z', 'X', 'Z', 0x00}, std::vector<uint8_t>{0x28, 0xB5, 0x2F, 0xFD}}) {
    std::vector<uint8_t> t = head;
    for (int i = 0; i < 64; ++i) t.push_back(uint8_t(i * 37 + 11));
    AubError e = read_error(t);
    EXPECT_EQ(e.kind, AubErrorKind::decompression_error) << e.to_string();
    EXPECT_EQ(e.offset, 0u);
  }
}

TEST(AubErrors, CompressionErrorLeavesNoFile) {
  std::vector<uint8_t> out;
  auto xz = AubWriter::to_memory(out, Compression::xz, 12);
  ASSERT_FALSE(xz.is_ok());
  EXPECT_EQ(xz.error().kind, AubErrorKind::compression_error);
  auto zs = AubWriter::to_memory(out, Compression::zstd, 25);
  ASSERT_FALSE(zs.is_ok());
  EXPECT_EQ(zs.error().kind, AubErrorKind::compression_error);
  auto raw = AubWriter::to_memory(out, Compression::raw, 3);
  ASSERT_FALSE(raw.is_ok());
  const std::string path =
      std::filesystem::temp_directory_path() / ("gvtsim_aub_level_" + std::to_string(::getpid()) + ".zst");
  auto f = AubWriter::create(path, Compression::zstd, 99);
  ASSERT_FALSE(f.is_ok());
  EXPECT_EQ(f.error().kind, AubErrorKind::compression_error);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(AubErrors, TruncatedFile) {
  const auto raw = test::sample_bytes();
  const auto offsets = test::read_all(raw).offsets;
  for (Compression c : {Compression::xz, Compression::zstd}) {
    SCOPED_TRACE(to_string(c));
    auto packed = test::sample_bytes(c, 1);
    packed.resize(packed.size() * 2 / 3);
    AubError e = read_error(packed);
    EXPECT_EQ(e.kind, AubErrorKind::truncated_file) << e.to_string();
    // The offset is the block being read when the container ran out.
    EXPECT_NE(std::find(offsets.begin(), offsets.end(), e.offset), offsets.end()) << e.to_string();
  }
}

TEST(AubErrors, TruncatedBlock) {
  const auto raw = test::sample_bytes();
  const auto offsets = test::read_all(raw).offsets;
  ASSERT_GT(offsets.size(), 5u);
  // Inside a block header.
  std::vector<uint8_t> t(raw.begin(), raw.begin() + long(offsets[3] + 2));
  AubError e = read_error(t);
  EXPECT_EQ(e.kind, AubErrorKind::truncated_block);
  EXPECT_EQ(e.offset, offsets[3]);
  // Inside a payload.
  t.assign(raw.begin(), raw.begin() + long(offsets[4] + 9));
  e = read_error(t);
  EXPECT_EQ(e.kind, AubErrorKind::truncated_block);
  EXPECT_EQ(e.offset, offsets[4]);
  // Inside the header block itself.
  t.assign(raw.begin(), raw.begin() + 10);
  e = read_error(t);
  EXPECT_EQ(e.kind, AubErrorKind::truncated_block);
  EXPECT_EQ(e.offset, 0u);
  // At a block boundary the read ends cleanly.
  t.assign(raw.begin(), raw.begin() + long(offsets[4]));
  auto out = test::read_all(t);
  EXPECT_FALSE(out.error);
  EXPECT_EQ(out.kinds.size(), 4u);
}

TEST(AubErrors, BadType) {
  AubError e = after_header(dwords({make_dw0(kOpcodeMemtrace, 3, 5) & 0x1FFFFFFF, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.kind, AubErrorKind::bad_type);
}

TEST(AubErrors, UnknownOpcode) {
  AubError e = after_header(dwords({make_dw0(0x2F, 3, 1), 0}));
  EXPECT_EQ(e.kind, AubErrorKind::unknown_opcode);
  EXPECT_NE(e.message.find("0x2f"), std::string::npos) << e.message;
}

TEST(AubErrors, UnknownSubOpcode) {
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeMemtrace, 0x11, 1), 0})).kind, AubErrorKind::unknown_sub_opcode);
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeMemtrace, 0x7F, 1), 0})).kind, AubErrorKind::unknown_sub_opcode);
  // Legacy sub-opcodes other than HEADER, TRACE_HEADER_BLOCK and DUMP_BMP (Mesa rejects them too).
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeLegacy, 0x14, 0), 0})).kind, AubErrorKind::unknown_sub_opcode);
}

TEST(AubErrors, BadLength) {
  using Op = MemtraceOp;
  // MEM_WRITE whose byte length needs 2 data dwords, carrying 3.
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 8), 0x1000, 0, 0, 8, 1, 2, 3})).kind,
            AubErrorKind::bad_length);
  // ... and carrying 1.
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 6), 0x1000, 0, 0, 5, 1})).kind, AubErrorKind::bad_length);
  // A MEM_WRITE shorter than its 5-dword header.
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 4), 0x1000, 0, 0})).kind, AubErrorKind::bad_length);
  // REG_WRITE without a data dword; a qword REG_WRITE with one.
  EXPECT_EQ(after_header(dwords({memtrace(Op::reg_write, 5), 0x2030, 0x20000, ~0u, 0})).kind, AubErrorKind::bad_length);
  EXPECT_EQ(after_header(dwords({memtrace(Op::reg_write, 6), 0x2030, 0x30000, ~0u, 0, 1})).kind,
            AubErrorKind::bad_length);
  // Fixed two-dword blocks of another size.
  EXPECT_EQ(after_header(dwords({memtrace(Op::frame_begin, 3), 1, 2})).kind, AubErrorKind::bad_length);
  EXPECT_EQ(after_header(dwords({memtrace(Op::trace_delay, 1)})).kind, AubErrorKind::bad_length);
  // MEM_WRITE_DISCONT whose entries need more data than the block has.
  std::vector<uint32_t> d(kDiscontHeaderDwords + 1, 0);
  d[0] = memtrace(Op::mem_write_discont, kDiscontHeaderDwords + 1);
  d[1] = (2u << 28) | (1u << 4);
  d[2] = 0x1000;
  d[4] = 8;
  std::vector<uint8_t> db(d.size() * 4);
  std::memcpy(db.data(), d.data(), db.size());
  EXPECT_EQ(after_header(db).kind, AubErrorKind::bad_length);
  // Legacy TRACE_HEADER_BLOCK with a data size that is not whole dwords, and one too short for DW4.
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeLegacy, 0x41, 3), 1, 0, 0, 6, 0, 0})).kind, AubErrorKind::bad_length);
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeLegacy, 0x41, 2), 1, 0, 0})).kind, AubErrorKind::bad_length);
  // A legacy data size over the reader's cap is refused before anything is buffered.
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeLegacy, 0x41, 3), 1, 0, 0, 0x40000000})).kind,
            AubErrorKind::bad_length);
  // The header itself: VERSION_EXT of 4 dwords (offset 0).
  AubError e = read_error(dwords({memtrace(Op::version_ext, 4), 1, 0xB00, 0}));
  EXPECT_EQ(e.kind, AubErrorKind::bad_length);
  EXPECT_EQ(e.offset, 0u);
}

TEST(AubErrors, BadField) {
  using Op = MemtraceOp;
  // Register size 7 and register space 9 are undefined.
  EXPECT_EQ(after_header(dwords({memtrace(Op::reg_write, 6), 0x2030, 0x70000, ~0u, 0, 1})).kind,
            AubErrorKind::bad_field);
  EXPECT_EQ(after_header(dwords({memtrace(Op::reg_poll, 6), 0x2030, 0x90020000, ~0u, 0, 1})).kind,
            AubErrorKind::bad_field);
  // Legacy operation 9.
  EXPECT_EQ(after_header(dwords({make_dw0(kOpcodeLegacy, 0x41, 3), 9, 0, 0, 0})).kind, AubErrorKind::bad_field);
  // MEM_WRITE_DISCONT pair count 64.
  std::vector<uint32_t> d(kDiscontHeaderDwords, 0);
  d[0] = memtrace(Op::mem_write_discont, kDiscontHeaderDwords);
  d[1] = 64u << 4;
  std::vector<uint8_t> db(d.size() * 4);
  std::memcpy(db.data(), d.data(), db.size());
  EXPECT_EQ(after_header(db).kind, AubErrorKind::bad_field);
}

TEST(AubErrors, WrongVersion) {
  auto t = header_bytes();
  t[4] = 2;  // DW1, the file version
  AubError e = read_error(t);
  EXPECT_EQ(e.kind, AubErrorKind::wrong_version);
  EXPECT_EQ(e.offset, 0u);
}

TEST(AubErrors, MissingHeader) {
  AubError e = read_error({});
  EXPECT_EQ(e.kind, AubErrorKind::missing_header);
  EXPECT_EQ(e.offset, 0u);
  e = read_error(dwords({memtrace(MemtraceOp::reg_write, 6), 0x2030, 0x20000, ~0u, 0, 1}));
  EXPECT_EQ(e.kind, AubErrorKind::missing_header);
  EXPECT_NE(e.message.find("REG_WRITE"), std::string::npos);
  // The writer refuses the same.
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  auto r = w->reg_write(0x2030, 1);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().kind, AubErrorKind::missing_header);
}

TEST(AubErrors, BadAddressSpace) {
  for (uint32_t s = kAddressSpaceCount; s < 16; ++s) {
    SCOPED_TRACE(s);
    EXPECT_EQ(after_header(dwords({memtrace(MemtraceOp::mem_write, 6), 0x1000, 0, s << 28, 4, 0})).kind,
              AubErrorKind::bad_address_space);
    EXPECT_EQ(after_header(dwords({memtrace(MemtraceOp::mem_poll, 7), 0x1000, 0, s << 28, 0, 0, 0})).kind,
              AubErrorKind::bad_address_space);
  }
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  AUB_ASSERT_OK(w->header(0x162E, "w"));
  auto r = w->mem_write(AddressSpace(12), 0, test::dwords({1}));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().kind, AubErrorKind::bad_address_space);
}

TEST(AubErrors, AddressOutOfRange) {
  using Op = MemtraceOp;
  // Bits 63:48 that are not a sign extension of bit 47.
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 6), 0x1000, 0x00010000, 2u << 28, 4, 0})).kind,
            AubErrorKind::address_out_of_range);
  // A GGTT write past 4 GiB, a GGTT_ENTRY write past 8 MiB of PTEs.
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 7), 0xFFFFFFFC, 0, 0, 8, 0, 0})).kind,
            AubErrorKind::address_out_of_range);
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 7), 0x800000, 0, 4u << 28, 8, 0, 0})).kind,
            AubErrorKind::address_out_of_range);
  // A physical write that wraps past 2^48.
  EXPECT_EQ(after_header(dwords({memtrace(Op::mem_write, 7), 0xFFFFFFFC, 0xFFFF, 2u << 28, 8, 0, 0})).kind,
            AubErrorKind::address_out_of_range);
  // A canonical PPGTT address is fine and kept to 48 bits.
  auto t = header_bytes();
  append(t, dwords({memtrace(Op::mem_write, 6), 0xFFFEE000, 0xFFFFFFFE, 5u << 28, 4, 0xAB}));
  auto r = AubReader::from_memory(t);
  ASSERT_TRUE(r->next().is_ok());
  auto m = r->next();
  ASSERT_TRUE(m.is_ok()) << m.error().to_string();
  EXPECT_EQ(std::get<MemWrite>(**m).address, 0xFFFEFFFEE000u);
  // The writer checks the whole range before writing anything.
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  AUB_ASSERT_OK(w->header(0x162E, "w"));
  std::vector<uint8_t> big(8192);
  auto e = w->mem_write(AddressSpace::ggtt, 0xFFFFF000, big);
  ASSERT_FALSE(e.is_ok());
  EXPECT_EQ(e.error().kind, AubErrorKind::address_out_of_range);
  EXPECT_EQ(w->blocks_written(), 1u);
}

}  // namespace
}  // namespace gvtsim::aub
