// AubReader: reads an AUB trace (raw, .xz or .zst) one block at a time, in constant memory.
//
//   auto reader = AubReader::open("glgears.aub.xz");
//   if (!reader) die(reader.error().to_string());
//   for (;;) {
//     auto next = reader->next();
//     if (!next) die(next.error().to_string());   // typed, with the block's offset
//     if (!*next) break;                          // clean end of the trace
//     std::visit(handler, **next);                // one struct per block kind (aub_format.h)
//   }
//
// Memory. The reader holds one window buffer (1 MiB, grown only for a legacy block larger than that)
// over a streaming ByteSource. A memtrace block is at most 65536 dwords (its 16-bit length field), so
// every block fits the window whole and a block's spans point straight into it: no per-block copy.
// The spans are valid until the next call to next().
//
// Strictness. Every block is checked against its layout (aub_format.h): the first block must be a
// header (VERSION_EXT with file version 1, or the legacy HEADER); lengths must match the fields that
// imply them exactly (a MEM_WRITE of N bytes has ceil(N/4) data dwords); address spaces 11..15 and
// addresses a space cannot hold are errors. Known-but-undecoded memtrace blocks come back as
// OtherMemtrace; undefined sub-opcodes are errors. The first error is sticky: next() returns it again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "traces/aub_error.h"
#include "traces/aub_format.h"
#include "traces/byte_stream.h"

namespace gvtsim::aub {

class AubReader {
 public:
  // Opens a file; the codec is found by magic (byte_stream.h).
  static AubResult<AubReader> open(const std::string& path);
  // Reads an in-memory trace (raw, xz or zstd by magic). `bytes` must outlive the reader.
  static AubResult<AubReader> from_memory(std::span<const uint8_t> bytes);
  explicit AubReader(std::unique_ptr<ByteSource> source);

  AubReader(AubReader&&) noexcept;
  AubReader& operator=(AubReader&&) noexcept;
  ~AubReader();

  // The next block; nullopt at the clean end of the trace; or the error that stops the read.
  AubResult<std::optional<AubBlock>> next();

  // Offset in the decompressed stream of the block next() returned last.
  uint64_t block_offset() const { return m_block_offset; }
  // Decompressed bytes consumed: after a clean end, the raw size of the trace.
  uint64_t bytes_consumed() const { return m_offset; }
  uint64_t blocks() const { return m_blocks; }
  Compression compression() const;

 private:
  AubResult<size_t> fill(size_t want);
  AubError error(AubErrorKind k, std::string msg) const;
  AubResult<AubBlock> decode(uint32_t dw0, const uint32_t* p, size_t dwords);
  AubResult<AubBlock> decode_memtrace(uint32_t sub, const uint32_t* p, size_t dwords);
  AubResult<AubBlock> decode_legacy(uint32_t sub, const uint32_t* p, size_t dwords);

  std::unique_ptr<ByteSource> m_source;
  std::unique_ptr<uint32_t[]> m_buf;  // dword storage keeps block views aligned
  size_t m_cap = 0;                   // bytes
  size_t m_begin = 0, m_end = 0;      // unread bytes [m_begin, m_end); m_begin is dword-aligned
  bool m_eof = false;
  uint64_t m_offset = 0;        // stream offset of m_begin
  uint64_t m_block_offset = 0;  // of the block being read / last returned
  uint64_t m_blocks = 0;
  std::optional<AubError> m_error;
  std::unique_ptr<DiscontEntry[]> m_discont;  // MEM_WRITE_DISCONT entries of the current block
};

}  // namespace gvtsim::aub
