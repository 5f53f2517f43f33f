#include "traces/aub_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "base/log.h"
#include "base/status.h"

namespace gvtsim::aub {

// Blocks are little-endian dwords, read in place.
static_assert(std::endian::native == std::endian::little, "the AUB reader reads dwords in place");

namespace {

constexpr size_t kWindowBytes = size_t(1) << 20;  // > the 256 KiB largest memtrace block
static_assert(kWindowBytes >= size_t(kMaxMemtraceDwords) * 4);

uint64_t qword(const uint32_t* p) { return uint64_t(p[0]) | (uint64_t(p[1]) << 32); }
std::span<const uint8_t> bytes_at(const uint32_t* p, size_t n) { return {reinterpret_cast<const uint8_t*>(p), n}; }
std::string_view cstring(std::span<const uint8_t> b) {
  const auto* s = reinterpret_cast<const char*>(b.data());
  const void* nul = b.empty() ? nullptr : std::memchr(s, 0, b.size());
  return {s, nul ? size_t(static_cast<const char*>(nul) - s) : b.size()};
}
uint64_t round4(uint64_t n) { return (n + 3) & ~uint64_t(3); }

// "MEM_WRITE", "legacy TRACE_HEADER_BLOCK", ... for messages.
std::string label(uint32_t opcode, uint32_t sub) {
  if (opcode == kOpcodeMemtrace) {
    if (sub < kMemtraceOpCount) return to_string(MemtraceOp(sub));
    return fmt::format("memtrace sub-opcode {:#x}", sub);
  }
  switch (sub) {
    case uint32_t(LegacyOp::header): return "legacy HEADER";
    case uint32_t(LegacyOp::dump_bmp): return "legacy DUMP_BMP";
    case uint32_t(LegacyOp::trace_header_block): return "legacy TRACE_HEADER_BLOCK";
    default: return fmt::format("legacy sub-opcode {:#x}", sub);
  }
}

}  // namespace

AubReader::AubReader(std::unique_ptr<ByteSource> source)
    : m_source(std::move(source)),
      m_buf(new uint32_t[kWindowBytes / 4]),
      m_cap(kWindowBytes),
      m_discont(new DiscontEntry[kDiscontEntries]) {
  GVT_ASSERT(m_source != nullptr, "an AubReader needs a source");
}
AubReader::AubReader(AubReader&&) noexcept = default;
AubReader& AubReader::operator=(AubReader&&) noexcept = default;
AubReader::~AubReader() = default;

AubResult<AubReader> AubReader::open(const std::string& path) {
  auto source = open_source(path);
  if (!source) return source.error();
  log::debug(log::Channel::aub, "reading {} ({})", path, to_string((*source)->compression()));
  return AubReader(std::move(*source));
}

AubResult<AubReader> AubReader::from_memory(std::span<const uint8_t> bytes) {
  auto source = memory_source(bytes);
  if (!source) return source.error();
  return AubReader(std::move(*source));
}

Compression AubReader::compression() const { return m_source->compression(); }

AubError AubReader::error(AubErrorKind k, std::string msg) const { return AubError{k, m_block_offset, std::move(msg)}; }

// Makes `want` bytes readable at m_begin, unless the stream ends first; returns what is readable.
AubResult<size_t> AubReader::fill(size_t want) {
  auto* bytes = reinterpret_cast<uint8_t*>(m_buf.get());
  while (m_end - m_begin < want && !m_eof) {
    if (m_end == m_cap) {
      if (m_begin > 0) {
        // m_begin is a block start, hence dword-aligned: the move keeps the views aligned.
        std::memmove(bytes, bytes + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
      } else {
        // Only a legacy data block (at most kMaxLegacyDataBytes) is larger than the window. Grow as
        // the data actually arrives, so a corrupt size in a short file allocates nothing big.
        const size_t cap = std::min(2 * m_cap, size_t(round4(want)));
        std::unique_ptr<uint32_t[]> grown(new uint32_t[cap / 4]);
        std::memcpy(grown.get(), m_buf.get(), m_end);
        m_buf = std::move(grown);
        m_cap = cap;
        bytes = reinterpret_cast<uint8_t*>(m_buf.get());
      }
    }
    auto got = m_source->read(bytes + m_end, m_cap - m_end);
    if (!got) return error(got.error().kind, got.error().message);
    if (*got == 0) m_eof = true;
    m_end += *got;
  }
  return std::min(m_end - m_begin, want);
}

AubResult<std::optional<AubBlock>> AubReader::next() {
  if (m_error) return *m_error;
  auto fail = [&](AubError e) -> AubResult<std::optional<AubBlock>> {
    m_error = e;
    return e;
  };
  m_block_offset = m_offset;

  auto avail = fill(4);
  if (!avail) return fail(avail.error());
  if (*avail == 0) {
    if (m_blocks == 0) return fail(error(AubErrorKind::missing_header, "the trace is empty: no header block"));
    return std::optional<AubBlock>();  // the clean end: the stream ends at a block boundary
  }
  if (*avail < 4)
    return fail(
        error(AubErrorKind::truncated_block, fmt::format("the stream ends {} bytes into a block header", *avail)));

  const uint32_t dw0 = m_buf[m_begin / 4];
  const uint32_t opcode = dw0_opcode(dw0), sub = dw0_sub_opcode(dw0), length = dw0_length(dw0);
  if (dw0_type(dw0) != kBlockType)
    return fail(
        error(AubErrorKind::bad_type, fmt::format("block header {:#010x} has type {}, not 7", dw0, dw0_type(dw0))));

  size_t dwords = 0;
  bool is_header = false;
  if (opcode == kOpcodeMemtrace) {
    if (sub >= kMemtraceOpCount)
      return fail(error(AubErrorKind::unknown_sub_opcode,
                        fmt::format("block header {:#010x}: memtrace sub-opcode {:#x} is undefined", dw0, sub)));
    dwords = size_t(length) + 1;
    is_header = sub == uint32_t(MemtraceOp::version_ext);
  } else if (opcode == kOpcodeLegacy) {
    if (sub != uint32_t(LegacyOp::header) && sub != uint32_t(LegacyOp::dump_bmp) &&
        sub != uint32_t(LegacyOp::trace_header_block))
      return fail(error(
          AubErrorKind::unknown_sub_opcode,
          fmt::format("block header {:#010x}: legacy sub-opcode {:#x} is not one Mesa's reader accepts", dw0, sub)));
    dwords = size_t(length) + 2;
    is_header = sub == uint32_t(LegacyOp::header);
    if (sub == uint32_t(LegacyOp::trace_header_block)) {
      // The data size is DW4 and the data follows the header.
      if (dwords < 5)
        return fail(
            error(AubErrorKind::bad_length,
                  fmt::format("legacy TRACE_HEADER_BLOCK has a {}-dword header; DW4 (the data size) needs 5", dwords)));
      auto got = fill(20);
      if (!got) return fail(got.error());
      if (*got < 20)
        return fail(error(AubErrorKind::truncated_block,
                          fmt::format("legacy TRACE_HEADER_BLOCK: the stream ends {} bytes into its header", *got)));
      const uint32_t size = m_buf[m_begin / 4 + 4];
      if (size % 4 != 0)
        return fail(error(AubErrorKind::bad_length,
                          fmt::format("legacy TRACE_HEADER_BLOCK data size {} is not whole dwords (writers pad it, "
                                      "Mesa's reader does not: the next block's start is ambiguous)",
                                      size)));
      if (size > kMaxLegacyDataBytes)
        return fail(error(AubErrorKind::bad_length,
                          fmt::format("legacy TRACE_HEADER_BLOCK data size {} exceeds the {} MiB limit", size,
                                      kMaxLegacyDataBytes >> 20)));
      dwords += size / 4;
    }
  } else {
    return fail(error(
        AubErrorKind::unknown_opcode,
        fmt::format("block header {:#010x}: opcode {:#x} is neither memtrace (0x2e) nor legacy (0x1)", dw0, opcode)));
  }
  if (m_blocks == 0 && !is_header)
    return fail(
        error(AubErrorKind::missing_header,
              fmt::format("the first block is {}, not a header (VERSION_EXT or legacy HEADER)", label(opcode, sub))));

  auto got = fill(dwords * 4);
  if (!got) return fail(got.error());
  if (*got < dwords * 4)
    return fail(error(AubErrorKind::truncated_block,
                      fmt::format("{} of {} bytes: the stream ends after {}", label(opcode, sub), dwords * 4, *got)));

  auto block = decode(dw0, m_buf.get() + m_begin / 4, dwords);
  if (!block) return fail(block.error());
  m_begin += dwords * 4;
  m_offset += dwords * 4;
  ++m_blocks;
  return std::optional<AubBlock>(std::move(*block));
}

AubResult<AubBlock> AubReader::decode(uint32_t dw0, const uint32_t* p, size_t dwords) {
  if (dw0_opcode(dw0) == kOpcodeMemtrace) return decode_memtrace(dw0_sub_opcode(dw0), p, dwords);
  return decode_legacy(dw0_sub_opcode(dw0), p, dwords);
}

AubResult<AubBlock> AubReader::decode_memtrace(uint32_t sub, const uint32_t* p, size_t dwords) {
  const auto op = MemtraceOp(sub);
  const char* name = to_string(op);
  auto too_short = [&](size_t min) {
    return error(AubErrorKind::bad_length,
                 fmt::format("{} has {} dwords; its layout needs at least {}", name, dwords, min));
  };
  auto not_exactly = [&](size_t n) {
    return error(AubErrorKind::bad_length, fmt::format("{} has {} dwords; its layout has exactly {}", name, dwords, n));
  };
  // DW3-style memory attributes: space 31:28 (0..10 defined), hint 27:20.
  auto space_of = [&](uint32_t dw, AddressSpace& out) -> std::optional<AubError> {
    const uint32_t s = dw >> 28;
    if (s >= kAddressSpaceCount)
      return error(AubErrorKind::bad_address_space,
                   fmt::format("{} names address space {} (0..10 are defined)", name, s));
    out = AddressSpace(s);
    return std::nullopt;
  };
  auto range = [&](AddressSpace s, uint64_t raw, uint64_t bytes) -> std::optional<AubError> {
    if (auto why = check_address(s, raw, bytes))
      return error(AubErrorKind::address_out_of_range, fmt::format("{}: {}", name, *why));
    return std::nullopt;
  };
  // A byte length and the data dwords that carry it must agree exactly (data padded to a dword).
  auto data_matches = [&](uint32_t bytes, size_t header) -> std::optional<AubError> {
    if (round4(bytes) / 4 != dwords - header)
      return error(AubErrorKind::bad_length, fmt::format("{} byte length {} needs {} data dwords but the block has {}",
                                                         name, bytes, round4(bytes) / 4, dwords - header));
    return std::nullopt;
  };
  auto reg_fields = [&](RegAccess& r) -> std::optional<AubError> {
    if (dwords < 6) return too_short(6);
    const uint32_t space = p[2] >> 28, size = (p[2] >> 16) & 0xF;
    if (space >= kRegisterSpaceCount)
      return error(AubErrorKind::bad_field, fmt::format("{} names register space {} (0..5 are defined)", name, space));
    if (size >= kAccessSizeCount)
      return error(AubErrorKind::bad_field, fmt::format("{} names register size {} (0..3 are defined)", name, size));
    r.offset = p[1];
    r.space = RegisterSpace(space);
    r.size = AccessSize(size);
    r.mask = qword(p + 3);
    r.data = {p + 5, dwords - 5};
    if (r.size == AccessSize::qword && r.data.size() < 2)
      return error(AubErrorKind::bad_length, fmt::format("{} of a qword register carries one data dword", name));
    return std::nullopt;
  };

  switch (op) {
    case MemtraceOp::version_ext: {
      if (dwords < 5) return too_short(5);
      if (p[1] != 1)
        return error(AubErrorKind::wrong_version,
                     fmt::format("VERSION_EXT file version is {}; only 1 is defined", p[1]));
      TraceHeader h;
      h.file_version = p[1];
      h.dw2 = p[2];
      h.primary_version = p[3];
      h.secondary_version = p[4];
      h.command_line = bytes_at(p + 5, (dwords - 5) * 4);
      h.pci_id = parse_pci_id(h.text(), &h.app_name);
      return AubBlock(h);
    }
    case MemtraceOp::mem_write:
    case MemtraceOp::mem_cmp: {
      if (dwords < 5) return too_short(5);
      AddressSpace space;
      if (auto e = space_of(p[3], space)) return *e;
      if (auto e = data_matches(p[4], 5)) return *e;
      const uint64_t raw = qword(p + 1);
      if (auto e = range(space, raw, p[4])) return *e;
      if (op == MemtraceOp::mem_write)
        return AubBlock(
            MemWrite{raw & kAddressMask48, space, uint8_t(p[3] >> 20), p[3] & 0xFFFFF, bytes_at(p + 5, p[4])});
      return AubBlock(MemCmp{raw & kAddressMask48, space, uint8_t(p[3] >> 20), p[3] & 0xFFFFF, bytes_at(p + 5, p[4])});
    }
    case MemtraceOp::mem_write_discont: {
      if (dwords < kDiscontHeaderDwords) return too_short(kDiscontHeaderDwords);
      MemWriteDiscont d;
      if (auto e = space_of(p[1], d.space)) return *e;
      d.data_type_hint = uint8_t(p[1] >> 20);
      d.attributes = p[1] & 0xF;
      const uint32_t count = (p[1] >> 4) & 0xFFFF;
      if (count > kDiscontEntries)
        return error(AubErrorKind::bad_field,
                     fmt::format("MEM_WRITE_DISCONT pair count {} exceeds {}", count, kDiscontEntries));
      uint64_t data_bytes = 0;
      for (uint32_t i = 0; i < kDiscontEntries; ++i) {
        const uint32_t* e = p + 2 + 3 * i;
        const uint64_t raw = qword(e);
        const uint32_t size = e[2];
        if (i >= count) {
          if (size != 0)
            return error(AubErrorKind::bad_field,
                         fmt::format("MEM_WRITE_DISCONT entry {} lies beyond the pair count {} but has size {}", i,
                                     count, size));
          continue;
        }
        if (auto err = range(d.space, raw, size)) return *err;
        m_discont[i] = DiscontEntry{raw & kAddressMask48, size, uint32_t(data_bytes)};
        data_bytes += round4(size);
        if (data_bytes > uint64_t(dwords) * 4) break;  // cannot match; reported below without overflow
      }
      const uint64_t have = uint64_t(dwords - kDiscontHeaderDwords) * 4;
      if (data_bytes != have)
        return error(
            AubErrorKind::bad_length,
            fmt::format("MEM_WRITE_DISCONT entries need {} data bytes but the block has {}", data_bytes, have));
      d.entries = {m_discont.get(), count};
      d.data = bytes_at(p + kDiscontHeaderDwords, size_t(have));
      return AubBlock(d);
    }
    case MemtraceOp::reg_write: {
      RegWrite r;
      if (auto e = reg_fields(r)) return *e;
      r.message_source = (p[2] >> 4) & 0xF;
      return AubBlock(r);
    }
    case MemtraceOp::reg_poll: {
      RegPoll r;
      if (auto e = reg_fields(r)) return *e;
      r.timeout_ignore = (p[2] >> 1) & 1;
      r.poll_not_equal = (p[2] >> 2) & 1;
      r.operation = (p[2] >> 4) & 0xF;
      return AubBlock(r);
    }
    case MemtraceOp::reg_cmp: {
      RegCmp r;
      if (auto e = reg_fields(r)) return *e;
      r.no_read_expect = p[2] & 1;
      return AubBlock(r);
    }
    case MemtraceOp::mem_poll: {
      if (dwords < 7) return too_short(7);
      MemPoll m;
      if (auto e = space_of(p[3], m.space)) return *e;
      m.data_type_hint = uint8_t(p[3] >> 20);
      m.size = AccessSize((p[3] >> 4) & 3);
      m.tiling = (p[3] >> 2) & 3;
      m.poll_not_equal = p[3] & 1;
      m.timeout_ignore = (p[3] >> 8) & 1;
      m.mask = qword(p + 4);
      m.data = {p + 6, dwords - 6};
      if (m.size == AccessSize::qword && m.data.size() < 2)
        return error(AubErrorKind::bad_length, "MEM_POLL of a qword carries one data dword");
      const uint64_t raw = qword(p + 1);
      if (auto e = range(m.space, raw, uint64_t(1) << unsigned(m.size))) return *e;
      m.address = raw & kAddressMask48;
      return AubBlock(m);
    }
    case MemtraceOp::comment: {
      if (dwords < 2) return too_short(2);
      return AubBlock(Comment{p[1], cstring(bytes_at(p + 2, (dwords - 2) * 4))});
    }
    case MemtraceOp::frame_begin:
      if (dwords != 2) return not_exactly(2);
      return AubBlock(FrameBegin{uint16_t(p[1])});
    case MemtraceOp::trace_delay:
      if (dwords != 2) return not_exactly(2);
      return AubBlock(TraceDelay{p[1]});
    case MemtraceOp::test_phase_marker:
      if (dwords != 2) return not_exactly(2);
      return AubBlock(TestPhaseMarker{uint8_t((p[1] >> 12) & 0xF), uint16_t(p[1] & 0xFFF)});
    case MemtraceOp::version:
    case MemtraceOp::mem_dump:
    case MemtraceOp::mem_cont_region:
    case MemtraceOp::predicate:
    case MemtraceOp::dump_compress: return AubBlock(OtherMemtrace{op, {p + 1, dwords - 1}});
  }
  GVT_ASSERT(false, "memtrace sub-opcode {:#x} passed the range check", sub);
  return error(AubErrorKind::unknown_sub_opcode, "unreachable");
}

AubResult<AubBlock> AubReader::decode_legacy(uint32_t sub, const uint32_t* p, size_t dwords) {
  switch (LegacyOp(sub)) {
    case LegacyOp::header: {
      if (dwords < 13)
        return error(AubErrorKind::bad_length,
                     fmt::format("legacy HEADER has {} dwords; its layout needs at least 13", dwords));
      LegacyHeader h;
      h.major = uint8_t(p[1] >> 24);
      h.minor = uint8_t(p[1] >> 16);
      h.app_name = cstring(bytes_at(p + 2, 32));
      h.timestamp = qword(p + 10);
      h.comment_length = p[12];
      h.trailer = bytes_at(p + 13, (dwords - 13) * 4);
      if (h.comment_length > h.trailer.size())
        return error(AubErrorKind::bad_length,
                     fmt::format("legacy HEADER comment length {} exceeds the block's {} bytes", h.comment_length,
                                 h.trailer.size()));
      // Mesa parses the PCI id only when the comment is not empty (aub_read.c handle_trace_header).
      if (h.comment_length > 0) h.pci_id = parse_pci_id(cstring(bytes_at(p + 13, h.comment_length)));
      return AubBlock(h);
    }
    case LegacyOp::trace_header_block: {
      const uint32_t header = dw0_length(p[0]) + 2;  // next() checked header >= 5 and the data size
      LegacyTraceBlock b;
      const uint32_t op = p[1] & 0xFF;
      if (op > uint32_t(LegacyOperation::mmio_write))
        return error(AubErrorKind::bad_field,
                     fmt::format("legacy TRACE_HEADER_BLOCK operation {} is undefined (0..3)", op));
      b.operation = LegacyOperation(op);
      b.type = uint8_t(p[1] >> 8);
      b.address_space = uint8_t(p[1] >> 16);
      b.subtype = p[2];
      b.header_dwords = header;
      const uint64_t raw = uint64_t(p[3]) | (header >= 6 ? uint64_t(p[5]) << 32 : 0);
      if (auto why = check_address_48(raw, p[4]))
        return error(AubErrorKind::address_out_of_range, fmt::format("legacy TRACE_HEADER_BLOCK: {}", *why));
      b.address = raw & kAddressMask48;
      b.data = bytes_at(p + header, p[4]);
      return AubBlock(b);
    }
    case LegacyOp::dump_bmp: return AubBlock(LegacyDumpBmp{{p + 1, dwords - 1}});
  }
  GVT_ASSERT(false, "legacy sub-opcode {:#x} passed the check", sub);
  return error(AubErrorKind::unknown_sub_opcode, "unreachable");
}

}  // namespace gvtsim::aub
