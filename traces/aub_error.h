// Errors of the AUB reader, writer and byte streams.
//
// A trace is untrusted input: a capture tool's bug, a truncated download or a fuzzer can put anything
// in it. Every way the input can be wrong is therefore a value, never a crash and never a silent skip:
// an AubError names its kind (an enum a caller can switch on), the offset of the block it concerns in
// the decompressed stream (so `xz -dc trace.aub.xz | xxd -s OFFSET` shows it) and a one-line message.
//
// AubResult<T> holds a value or the AubError that explains why there is none; AubResult<void> is "ok
// or an error". Generic callers that speak gvtsim::Status convert with to_status(): a bad trace is a
// guest_error (the input did something illegal; the caller's policy decides what follows).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "base/status.h"

namespace gvtsim::aub {

enum class AubErrorKind : uint8_t {
  io_error,              // open/read/write/close failed (errno text in the message)
  decompression_error,   // the .xz/.zst container is corrupt, or a decoder limit was hit
  compression_error,     // the writer's encoder failed or was given bad options
  truncated_file,        // the compressed container ends before its end marker
  truncated_block,       // the stream ends inside a block (its header or its payload)
  bad_type,              // DW0 bits 31:29 are not 7 (not an AUB block at all)
  unknown_opcode,        // DW0 bits 28:23 are neither 0x2E (memtrace) nor 0x01 (legacy)
  unknown_sub_opcode,    // an opcode's sub-opcode that no AUB document defines
  bad_length,            // a length or size field disagrees with the block's layout
  bad_field,             // a field holds a value the format does not define
  wrong_version,         // the file-version dword of the header is not 1
  missing_header,        // the first block is not a header (or the stream is empty)
  bad_address_space,     // a memory address space of 11..15 (aub.md defines 0..10)
  address_out_of_range,  // an address (plus its length) the address space cannot hold
};
inline constexpr int kAubErrorKinds = int(AubErrorKind::address_out_of_range) + 1;

const char* to_string(AubErrorKind k);

struct AubError {
  AubErrorKind kind;
  uint64_t offset = 0;  // of the block concerned, in the decompressed stream (bytes)
  std::string message;  // one line, names the block and the offending value

  template <typename... Args>
  static AubError make(AubErrorKind k, uint64_t offset, fmt::format_string<Args...> f, Args&&... args) {
    return AubError{k, offset, fmt::format(f, std::forward<Args>(args)...)};
  }
  // "aub: bad_length at offset 0x1234: MEM_WRITE ..." — one line, suitable for a CLI's stderr.
  std::string to_string() const;
  Status to_status() const { return Status::guest_error("{}", to_string()); }
};

template <typename T>
class [[nodiscard]] AubResult {
 public:
  AubResult(T value) : m_v(std::move(value)) {}  // NOLINT: implicit by design
  AubResult(AubError e) : m_v(std::move(e)) {}   // NOLINT
  bool is_ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const AubError& error() const { return std::get<1>(m_v); }
  Status status() const { return is_ok() ? Status::ok() : error().to_status(); }

 private:
  std::variant<T, AubError> m_v;
};

template <>
class [[nodiscard]] AubResult<void> {
 public:
  AubResult() = default;
  AubResult(AubError e) : m_error(std::move(e)) {}  // NOLINT
  bool is_ok() const { return !m_error.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const AubError& error() const { return *m_error; }
  Status status() const { return is_ok() ? Status::ok() : m_error->to_status(); }

 private:
  std::optional<AubError> m_error;
};

}  // namespace gvtsim::aub
