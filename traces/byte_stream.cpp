#include "traces/byte_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <lzma.h>
#include <zstd.h>

namespace gvtsim::aub {
namespace {

constexpr uint8_t kXzMagic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
constexpr uint8_t kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};  // 0xFD2FB528 little-endian
constexpr size_t kCodecChunk = 64 * 1024;                    // compressed-side buffer of every codec
// xz -9 needs a 64 MiB dictionary (~65 MiB to decode); anything asking for more than this is not a
// capture we write or were given, and would break the constant-memory promise.
constexpr uint64_t kXzMemlimit = 128ull << 20;
constexpr int kZstdWindowLogMax = 27;  // 128 MiB, zstd's own default cap without --long

std::string errno_text(int e) { return std::strerror(e); }

AubError io_error(uint64_t offset, std::string msg) { return AubError{AubErrorKind::io_error, offset, std::move(msg)}; }

// ---- raw sources ----------------------------------------------------------------------------------

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  ~FileSource() override { ::close(m_fd); }

  // Reads the first bytes for codec detection; read() returns them again first, so a pipe works too.
  AubResult<std::span<const uint8_t>> peek() {
    while (m_prefix_len < sizeof(m_prefix)) {
      auto n = raw_read(m_prefix + m_prefix_len, sizeof(m_prefix) - m_prefix_len);
      if (!n) return n.error();
      if (*n == 0) break;
      m_prefix_len += *n;
    }
    return std::span<const uint8_t>(m_prefix, m_prefix_len);
  }

  AubResult<size_t> read(uint8_t* dst, size_t n) override {
    if (m_prefix_pos < m_prefix_len) {
      size_t k = std::min(n, m_prefix_len - m_prefix_pos);
      std::memcpy(dst, m_prefix + m_prefix_pos, k);
      m_prefix_pos += k;
      m_produced += k;
      return k;
    }
    auto r = raw_read(dst, n);
    if (r) m_produced += *r;
    return r;
  }
  Compression compression() const override { return Compression::raw; }

 private:
  AubResult<size_t> raw_read(uint8_t* dst, size_t n) {
    for (;;) {
      ssize_t k = ::read(m_fd, dst, n);
      if (k >= 0) return size_t(k);
      if (errno == EINTR) continue;
      return io_error(m_produced, fmt::format("reading {}: {}", m_path, errno_text(errno)));
    }
  }

  int m_fd;
  std::string m_path;
  uint8_t m_prefix[8];
  size_t m_prefix_len = 0, m_prefix_pos = 0;
  uint64_t m_produced = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes) : m_bytes(bytes) {}
  AubResult<size_t> read(uint8_t* dst, size_t n) override {
    size_t k = std::min(n, m_bytes.size() - m_pos);
    if (k) std::memcpy(dst, m_bytes.data() + m_pos, k);
    m_pos += k;
    return k;
  }
  Compression compression() const override { return Compression::raw; }

 private:
  std::span<const uint8_t> m_bytes;
  size_t m_pos = 0;
};

// ---- decoders -------------------------------------------------------------------------------------

class XzSource final : public ByteSource {
 public:
  explicit XzSource(std::unique_ptr<ByteSource> inner) : m_inner(std::move(inner)), m_in(kCodecChunk) {}
  ~XzSource() override { lzma_end(&m_strm); }

  AubResult<void> init() {
    // LZMA_CONCATENATED: `xz -c a b > c` makes several streams; read them as one.
    lzma_ret r = lzma_stream_decoder(&m_strm, kXzMemlimit, LZMA_CONCATENATED);
    if (r != LZMA_OK)
      return AubError::make(AubErrorKind::decompression_error, 0, "xz decoder init failed ({})", int(r));
    return {};
  }

  AubResult<size_t> read(uint8_t* dst, size_t n) override {
    if (m_done || n == 0) return size_t(0);
    m_strm.next_out = dst;
    m_strm.avail_out = n;
    while (m_strm.avail_out == n) {
      if (m_strm.avail_in == 0 && !m_inner_eof) {
        auto k = m_inner->read(m_in.data(), m_in.size());
        if (!k) return k.error();
        if (*k == 0) m_inner_eof = true;
        m_strm.next_in = m_in.data();
        m_strm.avail_in = *k;
      }
      lzma_ret r = lzma_code(&m_strm, m_inner_eof ? LZMA_FINISH : LZMA_RUN);
      if (r == LZMA_STREAM_END) {
        m_done = true;
        break;
      }
      if (r == LZMA_OK) continue;
      const uint64_t at = m_produced + (n - m_strm.avail_out);
      if (r == LZMA_BUF_ERROR && m_inner_eof)
        return AubError::make(AubErrorKind::truncated_file, at,
                              "the xz stream ends early (after {} decompressed bytes)", at);
      return AubError::make(AubErrorKind::decompression_error, at, "xz: {} (after {} decompressed bytes)", describe(r),
                            at);
    }
    const size_t got = n - m_strm.avail_out;
    m_produced += got;
    return got;
  }
  Compression compression() const override { return Compression::xz; }

 private:
  static const char* describe(lzma_ret r) {
    switch (r) {
      case LZMA_FORMAT_ERROR: return "not an xz stream (or garbage after it)";
      case LZMA_DATA_ERROR: return "corrupt compressed data";
      case LZMA_OPTIONS_ERROR: return "unsupported stream options";
      case LZMA_MEMLIMIT_ERROR: return "the stream needs more than the 128 MiB decoder memory limit";
      case LZMA_MEM_ERROR: return "out of memory";
      case LZMA_BUF_ERROR: return "no progress possible";
      default: return "decoder error";
    }
  }

  std::unique_ptr<ByteSource> m_inner;
  std::vector<uint8_t> m_in;
  lzma_stream m_strm = LZMA_STREAM_INIT;
  bool m_inner_eof = false, m_done = false;
  uint64_t m_produced = 0;
};

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> inner) : m_inner(std::move(inner)), m_in(kCodecChunk) {}
  ~ZstdSource() override { ZSTD_freeDCtx(m_dctx); }

  AubResult<void> init() {
    m_dctx = ZSTD_createDCtx();
    if (!m_dctx) return AubError::make(AubErrorKind::decompression_error, 0, "zstd decoder init failed");
    ZSTD_DCtx_setParameter(m_dctx, ZSTD_d_windowLogMax, kZstdWindowLogMax);
    return {};
  }

  AubResult<size_t> read(uint8_t* dst, size_t n) override {
    if (n == 0) return size_t(0);
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos == 0) {
      if (m_inbuf.pos == m_inbuf.size && !m_inner_eof) {
        auto k = m_inner->read(m_in.data(), m_in.size());
        if (!k) return k.error();
        if (*k == 0) m_inner_eof = true;
        m_inbuf = ZSTD_inBuffer{m_in.data(), *k, 0};
      }
      const bool no_input = m_inbuf.pos == m_inbuf.size;
      // Called even without new input: a frame may still hold decoded bytes that did not fit.
      size_t r = ZSTD_decompressStream(m_dctx, &out, &m_inbuf);
      if (ZSTD_isError(r))
        return AubError::make(AubErrorKind::decompression_error, m_produced + out.pos,
                              "zstd: {} (after {} decompressed bytes)", ZSTD_getErrorName(r), m_produced + out.pos);
      // 0: the current frame is complete and flushed. A call that had no input and gave no output
      // says nothing about the frame (after a complete one it asks for the next frame's header).
      if (!(no_input && out.pos == 0)) m_frame_open = r != 0;
      if (out.pos > 0) break;
      if (no_input && m_inner_eof) {
        if (m_frame_open)
          return AubError::make(AubErrorKind::truncated_file, m_produced,
                                "the zstd frame ends early (after {} decompressed bytes)", m_produced);
        return size_t(0);
      }
    }
    m_produced += out.pos;
    return out.pos;
  }
  Compression compression() const override { return Compression::zstd; }

 private:
  std::unique_ptr<ByteSource> m_inner;
  std::vector<uint8_t> m_in;
  ZSTD_inBuffer m_inbuf{nullptr, 0, 0};
  ZSTD_DCtx* m_dctx = nullptr;
  bool m_inner_eof = false, m_frame_open = false;
  uint64_t m_produced = 0;
};

AubResult<std::unique_ptr<ByteSource>> wrap_decoder(std::unique_ptr<ByteSource> raw, Compression c) {
  switch (c) {
    case Compression::raw: return raw;
    case Compression::xz: {
      auto s = std::make_unique<XzSource>(std::move(raw));
      if (auto r = s->init(); !r) return r.error();
      return std::unique_ptr<ByteSource>(std::move(s));
    }
    case Compression::zstd: {
      auto s = std::make_unique<ZstdSource>(std::move(raw));
      if (auto r = s->init(); !r) return r.error();
      return std::unique_ptr<ByteSource>(std::move(s));
    }
  }
  return raw;
}

// ---- sinks ----------------------------------------------------------------------------------------

class FileSink final : public ByteSink {
 public:
  FileSink(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  ~FileSink() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  AubResult<void> write(const uint8_t* src, size_t n) override {
    while (n > 0) {
      ssize_t k = ::write(m_fd, src, n);
      if (k < 0) {
        if (errno == EINTR) continue;
        return io_error(m_written, fmt::format("writing {}: {}", m_path, errno_text(errno)));
      }
      src += k;
      n -= size_t(k);
      m_written += uint64_t(k);
    }
    return {};
  }
  AubResult<void> finish() override {
    int fd = m_fd;
    m_fd = -1;
    if (fd >= 0 && ::close(fd) != 0)
      return io_error(m_written, fmt::format("closing {}: {}", m_path, errno_text(errno)));
    return {};
  }

 private:
  int m_fd;
  std::string m_path;
  uint64_t m_written = 0;
};

class MemorySink final : public ByteSink {
 public:
  explicit MemorySink(std::vector<uint8_t>& out) : m_out(out) {}
  AubResult<void> write(const uint8_t* src, size_t n) override {
    m_out.insert(m_out.end(), src, src + n);
    return {};
  }
  AubResult<void> finish() override { return {}; }

 private:
  std::vector<uint8_t>& m_out;
};

class XzSink final : public ByteSink {
 public:
  explicit XzSink(std::unique_ptr<ByteSink> inner) : m_inner(std::move(inner)), m_out(kCodecChunk) {}
  ~XzSink() override { lzma_end(&m_strm); }

  AubResult<void> init(int level) {
    const int preset = level == 0 ? 6 : level;  // 0 = the xz tool's default, 6
    // CRC64 is what the xz tool writes by default.
    lzma_ret r = lzma_easy_encoder(&m_strm, uint32_t(preset), LZMA_CHECK_CRC64);
    if (r != LZMA_OK) return AubError::make(AubErrorKind::compression_error, 0, "xz encoder init failed ({})", int(r));
    return {};
  }
  AubResult<void> write(const uint8_t* src, size_t n) override {
    m_strm.next_in = src;
    m_strm.avail_in = n;
    while (m_strm.avail_in > 0)
      if (auto r = step(LZMA_RUN); !r) return r;
    m_consumed += n;
    return {};
  }
  AubResult<void> finish() override {
    for (;;) {
      m_strm.next_out = m_out.data();
      m_strm.avail_out = m_out.size();
      lzma_ret r = lzma_code(&m_strm, LZMA_FINISH);
      if (r != LZMA_OK && r != LZMA_STREAM_END)
        return AubError::make(AubErrorKind::compression_error, m_consumed, "xz encoder failed ({})", int(r));
      if (auto w = m_inner->write(m_out.data(), m_out.size() - m_strm.avail_out); !w) return w;
      if (r == LZMA_STREAM_END) break;
    }
    return m_inner->finish();
  }

 private:
  AubResult<void> step(lzma_action action) {
    m_strm.next_out = m_out.data();
    m_strm.avail_out = m_out.size();
    lzma_ret r = lzma_code(&m_strm, action);
    if (r != LZMA_OK)
      return AubError::make(AubErrorKind::compression_error, m_consumed, "xz encoder failed ({})", int(r));
    return m_inner->write(m_out.data(), m_out.size() - m_strm.avail_out);
  }

  std::unique_ptr<ByteSink> m_inner;
  std::vector<uint8_t> m_out;
  lzma_stream m_strm = LZMA_STREAM_INIT;
  uint64_t m_consumed = 0;
};

class ZstdSink final : public ByteSink {
 public:
  explicit ZstdSink(std::unique_ptr<ByteSink> inner) : m_inner(std::move(inner)), m_out(kCodecChunk) {}
  ~ZstdSink() override { ZSTD_freeCCtx(m_cctx); }

  AubResult<void> init(int level) {
    const int lv = level == 0 ? 3 : level;  // the zstd tool's default
    m_cctx = ZSTD_createCCtx();
    if (!m_cctx) return AubError::make(AubErrorKind::compression_error, 0, "zstd encoder init failed");
    ZSTD_CCtx_setParameter(m_cctx, ZSTD_c_compressionLevel, lv);
    ZSTD_CCtx_setParameter(m_cctx, ZSTD_c_checksumFlag, 1);
    return {};
  }
  AubResult<void> write(const uint8_t* src, size_t n) override {
    ZSTD_inBuffer in{src, n, 0};
    while (in.pos < in.size)
      if (auto r = step(in, ZSTD_e_continue); !r) return r;
    m_consumed += n;
    return {};
  }
  AubResult<void> finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      ZSTD_outBuffer out{m_out.data(), m_out.size(), 0};
      size_t left = ZSTD_compressStream2(m_cctx, &out, &in, ZSTD_e_end);
      if (ZSTD_isError(left))
        return AubError::make(AubErrorKind::compression_error, m_consumed, "zstd: {}", ZSTD_getErrorName(left));
      if (auto w = m_inner->write(m_out.data(), out.pos); !w) return w;
      if (left == 0) break;
    }
    return m_inner->finish();
  }

 private:
  AubResult<void> step(ZSTD_inBuffer& in, ZSTD_EndDirective mode) {
    ZSTD_outBuffer out{m_out.data(), m_out.size(), 0};
    size_t r = ZSTD_compressStream2(m_cctx, &out, &in, mode);
    if (ZSTD_isError(r))
      return AubError::make(AubErrorKind::compression_error, m_consumed, "zstd: {}", ZSTD_getErrorName(r));
    return m_inner->write(m_out.data(), out.pos);
  }

  std::unique_ptr<ByteSink> m_inner;
  std::vector<uint8_t> m_out;
  ZSTD_CCtx* m_cctx = nullptr;
  uint64_t m_consumed = 0;
};

AubResult<void> check_level(Compression c, int level) {
  switch (c) {
    case Compression::raw:
      if (level != 0)
        return AubError::make(AubErrorKind::compression_error, 0, "a raw trace takes no level ({})", level);
      break;
    case Compression::xz:
      if (level < 0 || level > 9)
        return AubError::make(AubErrorKind::compression_error, 0, "xz preset {} is not 0..9", level);
      break;
    case Compression::zstd:
      if (level < 0 || level > 19)
        return AubError::make(AubErrorKind::compression_error, 0, "zstd level {} is not 1..19", level);
      break;
  }
  return {};
}

AubResult<std::unique_ptr<ByteSink>> wrap_encoder(std::unique_ptr<ByteSink> raw, Compression c, int level) {
  if (auto r = check_level(c, level); !r) return r.error();
  switch (c) {
    case Compression::raw: return raw;
    case Compression::xz: {
      auto s = std::make_unique<XzSink>(std::move(raw));
      if (auto r = s->init(level); !r) return r.error();
      return std::unique_ptr<ByteSink>(std::move(s));
    }
    case Compression::zstd: {
      auto s = std::make_unique<ZstdSink>(std::move(raw));
      if (auto r = s->init(level); !r) return r.error();
      return std::unique_ptr<ByteSink>(std::move(s));
    }
  }
  return raw;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(Compression c) {
  switch (c) {
    case Compression::raw: return "raw";
    case Compression::xz: return "xz";
    case Compression::zstd: return "zstd";
  }
  return "?";
}

Compression compression_for_path(std::string_view path) {
  if (ends_with(path, ".xz")) return Compression::xz;
  if (ends_with(path, ".zst") || ends_with(path, ".zstd")) return Compression::zstd;
  return Compression::raw;
}

Compression detect_compression(std::span<const uint8_t> head) {
  if (head.size() >= sizeof(kXzMagic) && std::memcmp(head.data(), kXzMagic, sizeof(kXzMagic)) == 0)
    return Compression::xz;
  if (head.size() >= sizeof(kZstdMagic) && std::memcmp(head.data(), kZstdMagic, sizeof(kZstdMagic)) == 0)
    return Compression::zstd;
  return Compression::raw;
}

AubResult<std::unique_ptr<ByteSource>> open_source(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(0, fmt::format("cannot open {}: {}", path, errno_text(errno)));
  auto file = std::make_unique<FileSource>(fd, path);
  auto head = file->peek();
  if (!head) return head.error();
  const Compression found = detect_compression(*head);
  const Compression named = compression_for_path(path);
  if (named != Compression::raw && named != found)
    return AubError::make(AubErrorKind::decompression_error, 0, "{} is named as {} but its content {}", path,
                          to_string(named),
                          found == Compression::raw ? "has no such magic" : fmt::format("is {}", to_string(found)));
  return wrap_decoder(std::move(file), found);
}

AubResult<std::unique_ptr<ByteSource>> memory_source(std::span<const uint8_t> bytes) {
  return wrap_decoder(std::make_unique<MemorySource>(bytes), detect_compression(bytes));
}

AubResult<std::unique_ptr<ByteSink>> open_sink(const std::string& path, Compression c, int level) {
  // Options first, so that a bad level leaves no empty file behind.
  if (auto r = check_level(c, level); !r) return r.error();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(0, fmt::format("cannot create {}: {}", path, errno_text(errno)));
  return wrap_encoder(std::make_unique<FileSink>(fd, path), c, level);
}

AubResult<std::unique_ptr<ByteSink>> memory_sink(std::vector<uint8_t>& out, Compression c, int level) {
  return wrap_encoder(std::make_unique<MemorySink>(out), c, level);
}

}  // namespace gvtsim::aub
