// AubWriter: writes AUB traces (raw, .xz or .zst), streaming, in constant memory.
//
// It takes the block structs the reader returns (aub_format.h), so any trace read can be written back
// block by block, and it refuses what the reader would refuse: the first block must be a header, and
// every length, field and address is checked the same way (the errors carry the offset the block would
// have had). It writes what Mesa 22.3's intel_dump_gpu writes where Mesa writes a block kind:
//
//   header:    VERSION_EXT, file version 1, DW2 = device << 8, "PCI-ID=0x162E app" NUL-padded
//   mem_write: MEM_WRITE(s), split into blocks of at most 63 pages (a block holds at most 65536
//              dwords, 65531 of them data), each page-aligned chunk starting where the last ended
//   reg_write: REG_WRITE, DW2 = 0x00020000 (dword, MMIO), mask 0xFFFFFFFF
//   reg_poll:  REG_POLL, same layout, the mask and the expected value
//
// Output goes through a 1 MiB buffer to a ByteSink (byte_stream.h). finish() ends the codec stream
// and closes the file; a writer destroyed unfinished finishes itself and logs any error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "traces/aub_error.h"
#include "traces/aub_format.h"
#include "traces/byte_stream.h"

namespace gvtsim::aub {

// The largest chunk mem_write() puts in one MEM_WRITE: whole pages, under kMaxMemWriteBytes.
inline constexpr uint32_t kMemWriteChunk = (kMaxMemWriteBytes / 4096) * 4096;  // 63 pages

class AubWriter {
 public:
  // The codec from the name (.xz, .zst; else raw), or given. Levels as in byte_stream.h.
  static AubResult<AubWriter> create(const std::string& path);
  static AubResult<AubWriter> create(const std::string& path, Compression c, int level = 0);
  // Appends to `out`, which must outlive the writer.
  static AubResult<AubWriter> to_memory(std::vector<uint8_t>& out, Compression c = Compression::raw, int level = 0);
  explicit AubWriter(std::unique_ptr<ByteSink> sink);

  AubWriter(AubWriter&&) noexcept;
  AubWriter& operator=(AubWriter&&) = delete;  // would drop the target's unfinished stream
  ~AubWriter();

  // Any block, exactly as given; its data must fit one block (mem_write() splits). A block the
  // reader would refuse is refused and nothing is written; an output (I/O or codec) error is sticky:
  // every later call returns it.
  AubResult<void> write(const AubBlock& block);

  // What Mesa writes (see above).
  AubResult<void> header(uint32_t pci_id, std::string_view app_name, uint8_t device = kDeviceBroadwell);
  AubResult<void> mem_write(AddressSpace space, uint64_t address, std::span<const uint8_t> data,
                            uint8_t data_type_hint = 0);
  AubResult<void> reg_write(uint32_t offset, uint32_t value);
  AubResult<void> reg_poll(uint32_t offset, uint32_t mask, uint32_t value);
  AubResult<void> comment(std::string_view text);

  // Flushes, ends the codec stream and closes the output. Nothing may be written after it.
  AubResult<void> finish();

  // Raw (decompressed) bytes and blocks written so far.
  uint64_t bytes_written() const { return m_bytes; }
  uint64_t blocks_written() const { return m_blocks; }

 private:
  AubError error(AubErrorKind k, std::string msg) const { return AubError{k, m_bytes, std::move(msg)}; }
  AubResult<void> begin_block(size_t dwords, bool is_header);
  void put(uint32_t dw);
  void put_bytes(std::span<const uint8_t> b);  // zero-padded to a dword
  AubResult<void> end_block(size_t dwords);
  AubResult<void> flush();

  std::unique_ptr<ByteSink> m_sink;
  std::vector<uint8_t> m_buf;
  size_t m_block_start = 0;  // in m_buf, of the block being written
  uint64_t m_bytes = 0, m_blocks = 0;
  bool m_finished = false;
  std::optional<AubError> m_output_error;
};

}  // namespace gvtsim::aub
