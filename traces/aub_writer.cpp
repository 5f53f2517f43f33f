#include "traces/aub_writer.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "base/log.h"
#include "base/status.h"

namespace gvtsim::aub {
namespace {

constexpr size_t kBufferBytes = size_t(1) << 20;
constexpr size_t kMaxLegacyDwords = size_t(kMaxLength) + 2;

uint64_t round4(uint64_t n) { return (n + 3) & ~uint64_t(3); }
uint32_t lo(uint64_t v) { return uint32_t(v); }
uint32_t hi(uint64_t v) { return uint32_t(v >> 32); }
std::span<const uint8_t> as_bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

AubWriter::AubWriter(std::unique_ptr<ByteSink> sink) : m_sink(std::move(sink)) {
  GVT_ASSERT(m_sink != nullptr, "an AubWriter needs a sink");
  m_buf.reserve(kBufferBytes + size_t(kMaxMemtraceDwords) * 4);
}
AubWriter::AubWriter(AubWriter&&) noexcept = default;
AubWriter::~AubWriter() {
  if (m_sink && !m_finished) {
    if (auto r = finish(); !r) log::warn(log::Channel::aub, "finishing an AUB writer: {}", r.error().to_string());
  }
}

AubResult<AubWriter> AubWriter::create(const std::string& path) { return create(path, compression_for_path(path)); }

AubResult<AubWriter> AubWriter::create(const std::string& path, Compression c, int level) {
  auto sink = open_sink(path, c, level);
  if (!sink) return sink.error();
  return AubWriter(std::move(*sink));
}

AubResult<AubWriter> AubWriter::to_memory(std::vector<uint8_t>& out, Compression c, int level) {
  auto sink = memory_sink(out, c, level);
  if (!sink) return sink.error();
  return AubWriter(std::move(*sink));
}

AubResult<void> AubWriter::begin_block(size_t dwords, bool is_header) {
  GVT_ASSERT(!m_finished, "writing to a finished AubWriter");
  if (m_output_error) return *m_output_error;
  if (m_blocks == 0 && !is_header)
    return error(AubErrorKind::missing_header,
                 "the first block of a trace must be a header (VERSION_EXT or legacy HEADER)");
  if (!m_buf.empty() && m_buf.size() + dwords * 4 > kBufferBytes) {
    if (auto r = flush(); !r) return r;
  }
  m_block_start = m_buf.size();
  return {};
}

void AubWriter::put(uint32_t dw) {
  uint8_t b[4];
  std::memcpy(b, &dw, 4);  // little-endian host (the reader asserts it)
  m_buf.insert(m_buf.end(), b, b + 4);
}

void AubWriter::put_bytes(std::span<const uint8_t> b) {
  m_buf.insert(m_buf.end(), b.begin(), b.end());
  m_buf.resize(m_buf.size() + (round4(b.size()) - b.size()), 0);
}

AubResult<void> AubWriter::end_block(size_t dwords) {
  GVT_ASSERT(m_buf.size() - m_block_start == dwords * 4, "block of {} dwords wrote {} bytes", dwords,
             m_buf.size() - m_block_start);
  m_bytes += dwords * 4;
  ++m_blocks;
  if (m_buf.size() >= kBufferBytes) return flush();
  return {};
}

AubResult<void> AubWriter::flush() {
  if (m_buf.empty()) return {};
  auto r = m_sink->write(m_buf.data(), m_buf.size());
  m_buf.clear();
  if (!r) {
    m_output_error = AubError{r.error().kind, m_bytes, r.error().message};
    return *m_output_error;
  }
  return {};
}

AubResult<void> AubWriter::finish() {
  GVT_ASSERT(!m_finished, "finishing an AubWriter twice");
  m_finished = true;
  if (m_output_error) return *m_output_error;
  if (auto r = flush(); !r) return r;
  if (auto r = m_sink->finish(); !r) return AubError{r.error().kind, m_bytes, r.error().message};
  return {};
}

AubResult<void> AubWriter::write(const AubBlock& block) {
  return std::visit(
      [&](const auto& b) -> AubResult<void> {
        using T = std::decay_t<decltype(b)>;
        const char* name = to_string(BlockKind(block.index()));
        auto too_long = [&](size_t dwords, size_t max) {
          return error(AubErrorKind::bad_length,
                       fmt::format("{} of {} dwords exceeds the {}-dword block limit", name, dwords, max));
        };
        auto bad_space = [&](AddressSpace s) -> std::optional<AubError> {
          if (uint32_t(s) >= kAddressSpaceCount)
            return error(AubErrorKind::bad_address_space,
                         fmt::format("{} names address space {} (0..10 are defined)", name, uint32_t(s)));
          return std::nullopt;
        };
        auto range = [&](AddressSpace s, uint64_t address, uint64_t bytes) -> std::optional<AubError> {
          if (auto why = check_address(s, address, bytes))
            return error(AubErrorKind::address_out_of_range, fmt::format("{}: {}", name, *why));
          return std::nullopt;
        };
        // REG_WRITE/REG_POLL/REG_CMP: DW2 with the kind's own bits, then mask and data.
        auto reg = [&](const RegAccess& r, uint32_t sub, uint32_t own_bits) -> AubResult<void> {
          if (uint32_t(r.space) >= kRegisterSpaceCount || uint32_t(r.size) >= kAccessSizeCount)
            return error(AubErrorKind::bad_field, fmt::format("{} register space {} / size {} undefined", name,
                                                              uint32_t(r.space), uint32_t(r.size)));
          if (r.data.empty() || (r.size == AccessSize::qword && r.data.size() < 2))
            return error(AubErrorKind::bad_length, fmt::format("{} carries {} data dwords", name, r.data.size()));
          const size_t dwords = 5 + r.data.size();
          if (dwords > kMaxMemtraceDwords) return too_long(dwords, kMaxMemtraceDwords);
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, sub, uint32_t(dwords - 1)));
          put(r.offset);
          put((uint32_t(r.space) << 28) | (uint32_t(r.size) << 16) | own_bits);
          put(lo(r.mask));
          put(hi(r.mask));
          for (uint32_t d : r.data) put(d);
          return end_block(dwords);
        };
        // MEM_WRITE/MEM_CMP: address, DW3 attributes, byte length, padded data.
        auto mem = [&](uint32_t sub, uint64_t address, AddressSpace s, uint8_t hint, uint32_t attributes,
                       std::span<const uint8_t> data) -> AubResult<void> {
          if (auto e = bad_space(s)) return *e;
          if (attributes > 0xFFFFF)
            return error(AubErrorKind::bad_field, fmt::format("{} attributes {:#x} exceed 20 bits", name, attributes));
          if (data.size() > kMaxMemWriteBytes)
            return error(AubErrorKind::bad_length,
                         fmt::format("{} of {} bytes exceeds one block's {} (mem_write() splits)", name, data.size(),
                                     kMaxMemWriteBytes));
          if (auto e = range(s, address, data.size())) return *e;
          const size_t dwords = 5 + round4(data.size()) / 4;
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, sub, uint32_t(dwords - 1)));
          put(lo(address));
          put(hi(address));
          put((uint32_t(s) << 28) | (uint32_t(hint) << 20) | attributes);
          put(uint32_t(data.size()));
          put_bytes(data);
          return end_block(dwords);
        };
        // FRAME_BEGIN, TRACE_DELAY, TEST_PHASE_MARKER: two dwords.
        auto pair = [&](MemtraceOp op, uint32_t dw1) -> AubResult<void> {
          if (auto e = begin_block(2, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, uint32_t(op), 1));
          put(dw1);
          return end_block(2);
        };

        if constexpr (std::is_same_v<T, TraceHeader>) {
          if (b.file_version != 1)
            return error(AubErrorKind::wrong_version,
                         fmt::format("VERSION_EXT file version {}; only 1 is defined", b.file_version));
          const size_t dwords = 5 + round4(b.command_line.size()) / 4;
          if (dwords > kMaxMemtraceDwords) return too_long(dwords, kMaxMemtraceDwords);
          if (auto e = begin_block(dwords, true); !e) return e;
          put(make_dw0(kOpcodeMemtrace, uint32_t(MemtraceOp::version_ext), uint32_t(dwords - 1)));
          put(b.file_version);
          put(b.dw2);
          put(b.primary_version);
          put(b.secondary_version);
          put_bytes(b.command_line);
          return end_block(dwords);
        } else if constexpr (std::is_same_v<T, MemWrite>) {
          return mem(uint32_t(MemtraceOp::mem_write), b.address, b.space, b.data_type_hint, b.attributes, b.data);
        } else if constexpr (std::is_same_v<T, MemCmp>) {
          return mem(uint32_t(MemtraceOp::mem_cmp), b.address, b.space, b.data_type_hint, b.attributes, b.data);
        } else if constexpr (std::is_same_v<T, MemWriteDiscont>) {
          if (auto e = bad_space(b.space)) return *e;
          if (b.entries.size() > kDiscontEntries || b.attributes > 0xF)
            return error(AubErrorKind::bad_field,
                         fmt::format("MEM_WRITE_DISCONT with {} entries (max {}), attributes {:#x} (4 bits)",
                                     b.entries.size(), kDiscontEntries, b.attributes));
          uint64_t need = 0;
          for (const DiscontEntry& e : b.entries) {
            if (auto err = range(b.space, e.address, e.size)) return *err;
            need += round4(e.size);
          }
          if (need != b.data.size() || b.data.size() % 4 != 0)
            return error(AubErrorKind::bad_length,
                         fmt::format("MEM_WRITE_DISCONT entries need {} data bytes (each padded to a dword); "
                                     "{} given",
                                     need, b.data.size()));
          const size_t dwords = kDiscontHeaderDwords + b.data.size() / 4;
          if (dwords > kMaxMemtraceDwords) return too_long(dwords, kMaxMemtraceDwords);
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, uint32_t(MemtraceOp::mem_write_discont), uint32_t(dwords - 1)));
          put((uint32_t(b.space) << 28) | (uint32_t(b.data_type_hint) << 20) | (uint32_t(b.entries.size()) << 4) |
              b.attributes);
          for (uint32_t i = 0; i < kDiscontEntries; ++i) {
            const DiscontEntry e = i < b.entries.size() ? b.entries[i] : DiscontEntry{};
            put(lo(e.address));
            put(hi(e.address));
            put(e.size);
          }
          put_bytes(b.data);
          return end_block(dwords);
        } else if constexpr (std::is_same_v<T, RegWrite>) {
          if (b.message_source > 0xF) return error(AubErrorKind::bad_field, "REG_WRITE message source exceeds 4 bits");
          return reg(b, uint32_t(MemtraceOp::reg_write), uint32_t(b.message_source) << 4);
        } else if constexpr (std::is_same_v<T, RegPoll>) {
          if (b.operation > 0xF) return error(AubErrorKind::bad_field, "REG_POLL operation exceeds 4 bits");
          return reg(
              b, uint32_t(MemtraceOp::reg_poll),
              (uint32_t(b.timeout_ignore) << 1) | (uint32_t(b.poll_not_equal) << 2) | (uint32_t(b.operation) << 4));
        } else if constexpr (std::is_same_v<T, RegCmp>) {
          return reg(b, uint32_t(MemtraceOp::reg_cmp), uint32_t(b.no_read_expect));
        } else if constexpr (std::is_same_v<T, MemPoll>) {
          if (auto e = bad_space(b.space)) return *e;
          if (uint32_t(b.size) >= kAccessSizeCount || b.tiling > 3)
            return error(AubErrorKind::bad_field,
                         fmt::format("MEM_POLL size {} / tiling {} undefined", uint32_t(b.size), b.tiling));
          if (b.data.empty() || (b.size == AccessSize::qword && b.data.size() < 2))
            return error(AubErrorKind::bad_length, fmt::format("MEM_POLL carries {} data dwords", b.data.size()));
          if (auto e = range(b.space, b.address, uint64_t(1) << unsigned(b.size))) return *e;
          const size_t dwords = 6 + b.data.size();
          if (dwords > kMaxMemtraceDwords) return too_long(dwords, kMaxMemtraceDwords);
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, uint32_t(MemtraceOp::mem_poll), uint32_t(dwords - 1)));
          put(lo(b.address));
          put(hi(b.address));
          put((uint32_t(b.space) << 28) | (uint32_t(b.data_type_hint) << 20) | (uint32_t(b.timeout_ignore) << 8) |
              (uint32_t(b.size) << 4) | (uint32_t(b.tiling) << 2) | uint32_t(b.poll_not_equal));
          put(lo(b.mask));
          put(hi(b.mask));
          for (uint32_t d : b.data) put(d);
          return end_block(dwords);
        } else if constexpr (std::is_same_v<T, Comment>) {
          if (b.text.find('\0') != std::string_view::npos)
            return error(AubErrorKind::bad_field, "COMMENT text contains a NUL (the reader would cut it there)");
          // The text and its NUL, padded to a dword (aubstream AubFileStream::addComment).
          const size_t dwords = 2 + round4(b.text.size() + 1) / 4;
          if (dwords > kMaxMemtraceDwords) return too_long(dwords, kMaxMemtraceDwords);
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, uint32_t(MemtraceOp::comment), uint32_t(dwords - 1)));
          put(b.flags);
          const size_t at = m_buf.size();
          put_bytes(as_bytes(b.text));
          m_buf.resize(at + round4(b.text.size() + 1), 0);
          return end_block(dwords);
        } else if constexpr (std::is_same_v<T, FrameBegin>) {
          return pair(MemtraceOp::frame_begin, b.frame);
        } else if constexpr (std::is_same_v<T, TraceDelay>) {
          return pair(MemtraceOp::trace_delay, b.time);
        } else if constexpr (std::is_same_v<T, TestPhaseMarker>) {
          if (b.phase > 0xF || b.sub_phase > 0xFFF)
            return error(
                AubErrorKind::bad_field,
                fmt::format("TEST_PHASE_MARKER phase {} / sub-phase {:#x} exceed 4 / 12 bits", b.phase, b.sub_phase));
          return pair(MemtraceOp::test_phase_marker, (uint32_t(b.phase) << 12) | b.sub_phase);
        } else if constexpr (std::is_same_v<T, OtherMemtrace>) {
          switch (b.op) {
            case MemtraceOp::version:
            case MemtraceOp::mem_dump:
            case MemtraceOp::mem_cont_region:
            case MemtraceOp::predicate:
            case MemtraceOp::dump_compress: break;
            default:
              return error(AubErrorKind::bad_field,
                           fmt::format("OTHER_MEMTRACE cannot carry {}: write its own struct", to_string(b.op)));
          }
          const size_t dwords = 1 + b.payload.size();
          if (dwords > kMaxMemtraceDwords) return too_long(dwords, kMaxMemtraceDwords);
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeMemtrace, uint32_t(b.op), uint32_t(dwords - 1)));
          for (uint32_t d : b.payload) put(d);
          return end_block(dwords);
        } else if constexpr (std::is_same_v<T, LegacyHeader>) {
          if (b.app_name.size() > 32 || b.comment_length > b.trailer.size())
            return error(AubErrorKind::bad_length,
                         fmt::format("legacy HEADER app name of {} bytes (max 32), comment {} of {} bytes",
                                     b.app_name.size(), b.comment_length, b.trailer.size()));
          const size_t dwords = 13 + round4(b.trailer.size()) / 4;
          if (dwords > kMaxLegacyDwords) return too_long(dwords, kMaxLegacyDwords);
          if (auto e = begin_block(dwords, true); !e) return e;
          put(make_dw0(kOpcodeLegacy, uint32_t(LegacyOp::header), uint32_t(dwords - 2)));
          put((uint32_t(b.major) << 24) | (uint32_t(b.minor) << 16));
          const size_t at = m_buf.size();
          put_bytes(as_bytes(b.app_name));
          m_buf.resize(at + 32, 0);
          put(lo(b.timestamp));
          put(hi(b.timestamp));
          put(b.comment_length);
          put_bytes(b.trailer);
          return end_block(dwords);
        } else if constexpr (std::is_same_v<T, LegacyTraceBlock>) {
          const uint64_t address = b.address;
          if (uint32_t(b.operation) > uint32_t(LegacyOperation::mmio_write))
            return error(AubErrorKind::bad_field,
                         fmt::format("legacy TRACE_HEADER_BLOCK operation {} undefined", uint32_t(b.operation)));
          if (b.header_dwords < 5 || b.header_dwords > kMaxLegacyDwords || (b.header_dwords < 6 && hi(address) != 0))
            return error(AubErrorKind::bad_length,
                         fmt::format("legacy TRACE_HEADER_BLOCK header of {} dwords cannot hold address {:#x}",
                                     b.header_dwords, address));
          if (b.data.size() % 4 != 0 || b.data.size() > kMaxLegacyDataBytes)
            return error(AubErrorKind::bad_length,
                         fmt::format("legacy TRACE_HEADER_BLOCK data of {} bytes (whole dwords, at most {})",
                                     b.data.size(), kMaxLegacyDataBytes));
          if (auto why = check_address_48(address, b.data.size()))
            return error(AubErrorKind::address_out_of_range, fmt::format("{}: {}", name, *why));
          const size_t dwords = b.header_dwords + b.data.size() / 4;
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeLegacy, uint32_t(LegacyOp::trace_header_block), b.header_dwords - 2));
          put((uint32_t(b.address_space) << 16) | (uint32_t(b.type) << 8) | uint32_t(b.operation));
          put(b.subtype);
          put(lo(address));
          put(uint32_t(b.data.size()));
          if (b.header_dwords >= 6) put(hi(address));
          for (uint32_t i = 6; i < b.header_dwords; ++i) put(0);
          put_bytes(b.data);
          return end_block(dwords);
        } else {
          static_assert(std::is_same_v<T, LegacyDumpBmp>);
          if (b.payload.empty() || b.payload.size() + 1 > kMaxLegacyDwords)
            return error(AubErrorKind::bad_length, fmt::format("legacy DUMP_BMP payload of {} dwords (1..{})",
                                                               b.payload.size(), kMaxLegacyDwords - 1));
          const size_t dwords = 1 + b.payload.size();
          if (auto e = begin_block(dwords, false); !e) return e;
          put(make_dw0(kOpcodeLegacy, uint32_t(LegacyOp::dump_bmp), uint32_t(dwords - 2)));
          for (uint32_t d : b.payload) put(d);
          return end_block(dwords);
        }
      },
      block);
}

AubResult<void> AubWriter::header(uint32_t pci_id, std::string_view app_name, uint8_t device) {
  // Mesa formats "PCI-ID=0x%X %s" (aub_write.c write_execlists_header); we always add a NUL, so the
  // string never runs into padding.
  const std::string text = fmt::format("PCI-ID=0x{:X} {}", pci_id, app_name);
  std::vector<uint8_t> line(round4(text.size() + 1), 0);
  std::memcpy(line.data(), text.data(), text.size());
  TraceHeader h;
  h.dw2 = uint32_t(device) << 8;
  h.command_line = line;
  return write(h);
}

AubResult<void> AubWriter::mem_write(AddressSpace space, uint64_t address, std::span<const uint8_t> data,
                                     uint8_t hint) {
  if (data.empty()) return write(MemWrite{address, space, hint, 0, data});
  // Check the whole range first so that an out-of-range write leaves no partial blocks behind.
  if (uint32_t(space) < kAddressSpaceCount) {
    if (auto why = check_address(space, address, data.size()))
      return error(AubErrorKind::address_out_of_range, fmt::format("MEM_WRITE: {}", *why));
  }
  for (size_t done = 0; done < data.size();) {
    const size_t n = std::min<size_t>(kMemWriteChunk, data.size() - done);
    if (auto r = write(MemWrite{address + done, space, hint, 0, data.subspan(done, n)}); !r) return r;
    done += n;
  }
  return {};
}

AubResult<void> AubWriter::reg_write(uint32_t offset, uint32_t value) {
  RegWrite r;
  r.offset = offset;
  r.data = {&value, 1};
  return write(r);
}

AubResult<void> AubWriter::reg_poll(uint32_t offset, uint32_t mask, uint32_t value) {
  RegPoll r;
  r.offset = offset;
  r.mask = mask;
  r.data = {&value, 1};
  return write(r);
}

AubResult<void> AubWriter::comment(std::string_view text) {
  Comment c;
  c.text = text;
  return write(c);
}

}  // namespace gvtsim::aub
