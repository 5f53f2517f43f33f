// Streaming byte sources and sinks for traces: raw files, .xz (liblzma) and .zst (libzstd).
//
// Real captures are ~1000:1 compressible (each submission rewrites the whole mapped working set,
// mostly zero pages; aub.md), and stress traces are near a gigabyte raw, so a trace is never inflated
// into memory or onto disk: a source decompresses into the caller's buffer chunk by chunk and a sink
// compresses as it is fed. Memory use is constant in the trace size — the codec's window (xz -9:
// 64 MiB dictionary; zstd: 2^27 at most, enforced) plus fixed buffers.
//
// The codec is chosen by content magic (xz: FD 37 7A 58 5A 00; zstd: 28 B5 2F FD), never by the name
// alone; a name that claims a codec its content lacks is an error rather than a confusing parse of
// compressed bytes as blocks. Concatenated xz streams and zstd frames are read as one stream.
//
// Errors are AubErrors whose offset is the number of decompressed bytes produced before the failure
// (the reader replaces it with the offset of the block it was reading).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "traces/aub_error.h"

namespace gvtsim::aub {

enum class Compression : uint8_t { raw, xz, zstd };
const char* to_string(Compression c);
// By extension: .xz -> xz, .zst/.zstd -> zstd, anything else raw.
Compression compression_for_path(std::string_view path);
// By magic: the first bytes of a stream (6 are enough).
Compression detect_compression(std::span<const uint8_t> head);

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into dst. Returns the count, which is 0 only at the end of the stream.
  virtual AubResult<size_t> read(uint8_t* dst, size_t n) = 0;
  // The codec found by magic.
  virtual Compression compression() const = 0;
};

// Opens a file and decodes it by its magic.
AubResult<std::unique_ptr<ByteSource>> open_source(const std::string& path);
// Decodes an in-memory buffer by its magic. The buffer must outlive the source.
AubResult<std::unique_ptr<ByteSource>> memory_source(std::span<const uint8_t> bytes);

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual AubResult<void> write(const uint8_t* src, size_t n) = 0;
  // Ends the codec's stream and flushes and closes the output. Call once, last; a sink destroyed
  // without finish() leaves an incomplete (truncated) stream behind.
  virtual AubResult<void> finish() = 0;
};

// Codec levels: 0 picks the codec tool's default (xz preset 6, zstd level 3); otherwise xz presets
// 1..9 and zstd levels 1..19. Anything else is a compression_error (and creates no file).
AubResult<std::unique_ptr<ByteSink>> open_sink(const std::string& path, Compression c, int level = 0);
// Appends to `out`, which must outlive the sink.
AubResult<std::unique_ptr<ByteSink>> memory_sink(std::vector<uint8_t>& out, Compression c, int level = 0);

}  // namespace gvtsim::aub
