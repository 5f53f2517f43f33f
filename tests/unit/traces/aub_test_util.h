// Shared by the AUB tests: a small trace with one block of every kind (written by AubWriter), a
// read-everything helper, and hand-made dword streams for inputs the writer refuses to produce.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "traces/aub_reader.h"
#include "traces/aub_writer.h"

namespace gvtsim::aub::test {

// Fails the current test with the error's text.
#define AUB_ASSERT_OK(expr)                                                     \
  do {                                                                          \
    auto aub_r_ = (expr);                                                       \
    ASSERT_TRUE(aub_r_.is_ok()) << #expr << ": " << aub_r_.error().to_string(); \
  } while (0)

// Writes a trace holding every block kind the writer knows: the header, MEM_WRITE to each address
// space 0..10 (lengths not multiples of 4, so padding is exercised), a full page, MEM_WRITE_DISCONT,
// REG_WRITE/REG_POLL/REG_CMP (dword and qword), MEM_POLL, MEM_CMP, COMMENT, FRAME_BEGIN,
// TRACE_DELAY, TEST_PHASE_MARKER, each undecoded memtrace kind, and the legacy blocks. About 9 KB.
inline void write_sample(AubWriter& w) {
  auto ok = [](const AubResult<void>& r) { ASSERT_TRUE(r.is_ok()) << r.error().to_string(); };
  ok(w.header(0x162E, "sample"));
  const uint64_t pte = 0x1000 | 1;
  ok(w.mem_write(AddressSpace::ggtt_entry, 0, {reinterpret_cast<const uint8_t*>(&pte), 8}));
  std::array<uint8_t, 64> small{};
  for (size_t i = 0; i < small.size(); ++i) small[i] = uint8_t(0xA0 + i);
  for (uint32_t s = 0; s < kAddressSpaceCount; ++s)
    ok(w.mem_write(AddressSpace(s), 0x1000 * (s + 1), std::span(small).first(13 + s), uint8_t(s)));
  std::vector<uint8_t> page(4096);
  for (size_t i = 0; i < page.size(); ++i) page[i] = uint8_t(i * 7);
  ok(w.mem_write(AddressSpace::physical, 0x20000, page, 42));

  const std::array<DiscontEntry, 3> entries{{{0x30000, 8, 0}, {0x31000, 4, 8}, {0x3F000, 12, 12}}};
  std::array<uint8_t, 24> ddata{};
  for (size_t i = 0; i < ddata.size(); ++i) ddata[i] = uint8_t(0x10 + i);
  MemWriteDiscont d;
  d.space = AddressSpace::physical;
  d.data_type_hint = 3;
  d.entries = entries;
  d.data = ddata;
  ok(w.write(d));

  ok(w.reg_write(0x229C, 0x80008000));
  ok(w.reg_write(0x2230, 0));
  ok(w.reg_write(0x2230, 0));
  ok(w.reg_write(0x2230, 0));
  ok(w.reg_write(0x2230, 0x2339));
  ok(w.reg_poll(0x2234, 0x10, 0));
  const std::array<uint32_t, 2> q{0x11111111, 0x22222222};
  RegWrite rq;
  rq.offset = 0x4000;
  rq.size = AccessSize::qword;
  rq.mask = ~uint64_t(0);
  rq.message_source = 2;
  rq.data = q;
  ok(w.write(rq));
  RegPoll rp;
  rp.offset = 0x2234;
  rp.space = RegisterSpace::mchbar;
  rp.mask = 0xFF;
  rp.timeout_ignore = true;
  rp.poll_not_equal = true;
  rp.operation = 1;
  rp.data = std::span(q).first(1);
  ok(w.write(rp));
  RegCmp rc;
  rc.offset = 0x2358;
  rc.size = AccessSize::qword;
  rc.no_read_expect = true;
  rc.data = q;
  ok(w.write(rc));
  MemPoll mp;
  mp.address = 0x19000;
  mp.space = AddressSpace::ggtt;
  mp.size = AccessSize::qword;
  mp.tiling = 1;
  mp.poll_not_equal = true;
  mp.timeout_ignore = true;
  mp.data_type_hint = 9;
  mp.mask = 0xFFFF0000FFFF;
  mp.data = q;
  ok(w.write(mp));
  MemCmp mc;
  mc.address = 0x20010;
  mc.space = AddressSpace::physical;
  mc.attributes = 0x41;
  mc.data = std::span(small).first(10);
  ok(w.write(mc));
  ok(w.comment("frame one, with a comment"));
  ok(w.write(FrameBegin{7}));
  ok(w.write(TraceDelay{1000}));
  ok(w.write(TestPhaseMarker{4, 0x123}));
  const std::array<uint32_t, 3> payload{1, 2, 3};
  for (MemtraceOp op : {MemtraceOp::version, MemtraceOp::mem_dump, MemtraceOp::mem_cont_region, MemtraceOp::predicate,
                        MemtraceOp::dump_compress})
    ok(w.write(OtherMemtrace{op, payload}));

  LegacyTraceBlock lb;
  lb.operation = LegacyOperation::data_write;
  lb.address_space = 4;
  lb.address = 0x1'0000'2000;
  lb.data = std::span(small).first(32);
  ok(w.write(lb));
  lb.operation = LegacyOperation::command_write;
  lb.type = 2;  // ring PRB0
  lb.address_space = 0;
  lb.address = 0x4000;
  lb.header_dwords = 5;
  lb.data = std::span(small).first(16);
  ok(w.write(lb));
  ok(w.write(LegacyDumpBmp{std::span(payload)}));
  const char comment[] = "PCI-ID=0x1616";
  std::array<uint8_t, 16> trailer{};
  std::memcpy(trailer.data(), comment, sizeof(comment) - 1);
  LegacyHeader lh;
  lh.app_name = "legacy";
  lh.timestamp = 0x123456789;
  lh.comment_length = sizeof(comment) - 1;
  lh.trailer = trailer;
  ok(w.write(lh));
  ok(w.reg_write(0x2230, 0x2339));  // something after the legacy header
}

inline std::vector<uint8_t> sample_bytes(Compression c = Compression::raw, int level = 0) {
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out, c, level);
  EXPECT_TRUE(w.is_ok());
  if (!w) return out;
  write_sample(*w);
  EXPECT_TRUE(w->finish().is_ok());
  return out;
}

struct ReadOutcome {
  std::vector<BlockKind> kinds;
  std::vector<uint64_t> offsets;
  std::optional<AubError> error;
  uint64_t bytes = 0;
};

// Reads to the end or the first error. Also touches every byte a block views (a sanitizer then
// catches any view that points outside the reader's buffer).
inline ReadOutcome read_all(std::span<const uint8_t> trace) {
  ReadOutcome o;
  auto reader = AubReader::from_memory(trace);
  if (!reader) {
    o.error = reader.error();
    return o;
  }
  uint64_t sink = 0;
  auto touch = [&](auto span) {
    for (auto v : span) sink += uint64_t(v);
  };
  for (;;) {
    auto next = reader->next();
    if (!next) {
      o.error = next.error();
      break;
    }
    if (!*next) break;
    const AubBlock& b = **next;
    o.kinds.push_back(kind(b));
    o.offsets.push_back(reader->block_offset());
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (requires { x.data; }) touch(x.data);
          if constexpr (requires { x.payload; }) touch(x.payload);
          if constexpr (requires { x.trailer; }) touch(x.trailer);
          if constexpr (requires { x.command_line; }) touch(x.command_line);
          if constexpr (requires { x.text; }) touch(x.text);
          if constexpr (std::is_same_v<T, MemWriteDiscont>)
            for (const DiscontEntry& e : x.entries) sink += e.address + e.size;
        },
        b);
  }
  o.bytes = reader->bytes_consumed();
  volatile uint64_t keep = sink;  // the reads above must happen
  (void)keep;
  return o;
}

// Little-endian bytes of dwords, for hand-made blocks.
inline std::vector<uint8_t> dwords(std::initializer_list<uint32_t> dws) {
  std::vector<uint8_t> out(dws.size() * 4);
  size_t i = 0;
  for (uint32_t d : dws) std::memcpy(out.data() + 4 * i++, &d, 4);
  return out;
}
inline void append(std::vector<uint8_t>& a, const std::vector<uint8_t>& b) { a.insert(a.end(), b.begin(), b.end()); }

// A minimal valid header: VERSION_EXT with "PCI-ID=0x162E t\0".
inline std::vector<uint8_t> header_bytes() {
  std::vector<uint8_t> out;
  auto w = AubWriter::to_memory(out);
  EXPECT_TRUE(w.is_ok());
  EXPECT_TRUE(w->header(0x162E, "t").is_ok());
  EXPECT_TRUE(w->finish().is_ok());
  return out;
}

}  // namespace gvtsim::aub::test
