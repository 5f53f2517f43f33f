// The command API over the generated table: see spec/gen8/command.h.
#include "spec/gen8/command.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace gvtsim::spec::gen8 {
namespace {

uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }

std::string hex(uint64_t v, int min_digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", min_digits, static_cast<unsigned long long>(v));
  return buf;
}

// JSON string body: field and command names are printable ASCII without quotes or backslashes
// (the generator checks), but escape anyway so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string float_text(uint64_t raw) {
  const float f = std::bit_cast<float>(static_cast<uint32_t>(raw));
  if (!std::isfinite(f)) return std::isnan(f) ? "nan" : (f > 0 ? "inf" : "-inf");
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, ec == std::errc() ? end : buf);
}

}  // namespace

uint32_t unknown_command_length(uint32_t dw0) {
  const uint32_t type = bits(dw0, 31, 29);
  uint32_t len = 1;
  if (type == 0) {
    len = bits(dw0, 28, 23) < 16 ? 1 : bits(dw0, 7, 0) + 2;
  } else if (type == 2) {
    len = bits(dw0, 7, 0) + 2;
  } else if (type == 3) {
    const uint32_t subtype = bits(dw0, 28, 27);
    const uint32_t opcode = bits(dw0, 26, 24);
    const uint32_t whole = bits(dw0, 31, 16);
    switch (subtype) {
      case 0:
        len = whole == 0x6104 ? 1 : opcode < 2 ? bits(dw0, 7, 0) + 2 : 1;
        break;
      case 1:
        len = 1;
        break;
      case 2:
        len = opcode == 0 ? bits(dw0, 7, 0) + 2 : opcode < 3 ? bits(dw0, 15, 0) + 2 : 1;
        break;
      default:
        len = whole == 0x780b ? 1 : opcode < 4 ? bits(dw0, 7, 0) + 2 : 1;
        break;
    }
  }
  return len;
}

CmdSpace address_space(const CmdField& field, std::span<const uint32_t> cmd) {
  switch (field.space) {
    case CmdSpace::ggtt_if:
    case CmdSpace::ppgtt_if: {
      const bool set = field.select_dw < cmd.size() && ((cmd[field.select_dw] >> field.select_bit) & 1u);
      const bool ggtt = field.space == CmdSpace::ggtt_if ? set : !set;
      return ggtt ? CmdSpace::ggtt : CmdSpace::ppgtt;
    }
    default:
      return field.space;
  }
}

std::optional<std::vector<uint32_t>> try_pack(const CmdRow& row, std::span<const CmdValue> values,
                                              uint32_t len, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<std::vector<uint32_t>> {
    if (why) *why = std::string(row.name) + ": " + reason;
    return std::nullopt;
  };
  if (len == 0) len = row.default_len;
  const std::optional<uint32_t> header = encode_header(row, len);
  if (!header) {
    return fail("length " + std::to_string(len) + " is not encodable (" + std::to_string(row.length.min()) +
                ".." + std::to_string(row.length.max()) + " dwords)");
  }
  std::vector<uint32_t> out(len, 0u);
  out[0] = *header;
  for (const CmdValue& v : values) {
    const CmdBits& f = v.field;
    if (!f.repeated() && v.index != 0) return fail("index given for a field that does not repeat");
    if (!f.present(len, v.index)) {
      return fail("field at dword " + std::to_string(f.dword(v.index)) + " lies outside a command of " +
                  std::to_string(len) + " dwords");
    }
    if (!f.fits(v.value)) {
      return fail("value " + hex(v.value, 1) + " does not fit bits " + std::to_string(f.hi) + ":" +
                  std::to_string(f.lo) + (f.in_place ? " (in place)" : ""));
    }
    if (!f.complete(len, v.index) && ((f.in_place ? v.value : v.value << f.lo) >> 32) != 0) {
      return fail("value " + hex(v.value, 1) + " needs dword " + std::to_string(f.dword(v.index) + 1) +
                  ", outside a command of " + std::to_string(len) + " dwords");
    }
    if (f.dword(v.index) == 0) {
      const uint32_t header_bits = row.mask | row.length.field_mask();
      if (uint32_t(f.mask()) & header_bits) return fail("field overlaps DW0's header");
    }
    f.set(out, v.value, v.index);
  }
  return out;
}

std::vector<uint32_t> pack(const CmdRow& row, std::span<const CmdValue> values, uint32_t len) {
  std::string why;
  auto out = try_pack(row, values, len, &why);
  if (!out) {
    std::fprintf(stderr, "gvtsim: spec/gen8 pack() misuse: %s\n", why.c_str());
    std::abort();
  }
  return std::move(*out);
}

CmdEntry decode_command(std::span<const uint32_t> dwords, Engine engine, uint64_t address) {
  CmdEntry e;
  e.address = address;
  e.dw0 = dwords.empty() ? 0u : dwords[0];
  e.row = decode_header(e.dw0, engine);
  e.length = command_length(e.row, e.dw0);
  e.available = uint32_t(std::min<std::size_t>(e.length, dwords.size()));
  const std::span<const uint32_t> cmd = dwords.first(e.available);
  if (!e.row) {
    e.raw.assign(cmd.begin(), cmd.end());
    return e;
  }
  auto add = [&](const CmdField& f, unsigned i) {
    e.fields.push_back({&f, uint16_t(i), f.bits.get(cmd, i),
                        f.type == CmdFieldType::address ? address_space(f, cmd) : CmdSpace::none});
  };
  // The fixed fields in table order, then the repeated groups one after another (all repeating
  // fields of a row share one group layout: the generator checks it).
  unsigned groups = 0;
  for (const CmdField& f : e.row->fields) {
    if (f.bits.repeated())
      groups = std::max(groups, f.bits.groups(e.available));
    else if (f.bits.present(e.available))
      add(f, 0);
  }
  for (unsigned i = 0; i < groups; ++i)
    for (const CmdField& f : e.row->fields)
      if (f.bits.repeated() && f.bits.present(e.available, i)) add(f, i);
  return e;
}

std::vector<CmdEntry> decode_commands(std::span<const uint32_t> dwords, Engine engine, uint64_t address) {
  std::vector<CmdEntry> out;
  std::size_t i = 0;
  while (i < dwords.size()) {
    out.push_back(decode_command(dwords.subspan(i), engine, address + 4 * i));
    i += out.back().length;   // >= 1, so the loop always advances
  }
  return out;
}

std::string format_value(const DecodedField& f) {
  const CmdField& d = *f.field;
  switch (d.type) {
    case CmdFieldType::address:
    case CmdFieldType::offset:
      return hex(f.value, d.bits.wide() ? 12 : 8);
    case CmdFieldType::boolean:
      return f.value ? "true" : "false";
    case CmdFieldType::sint: {
      const unsigned w = d.bits.width();
      const uint64_t sign = w >= 64 ? 0 : 1ull << (w - 1);
      return std::to_string(w >= 64 ? int64_t(f.value) : int64_t((f.value ^ sign) - sign));
    }
    case CmdFieldType::float32:
      return float_text(f.value);
    default:
      return std::to_string(f.value);
  }
}

std::string to_text(const CmdEntry& e) {
  std::string out = hex(e.address, 8);
  out += ": ";
  out += hex(e.dw0, 8);
  out += ' ';
  out += e.name();
  out += " len=";
  out += std::to_string(e.length);
  const char* sep = ": ";
  if (!e.known()) {
    out += sep;
    out += "dwords=";
    for (std::size_t i = 0; i < e.raw.size(); ++i) {
      if (i) out += ' ';
      out += hex(e.raw[i], 8);
    }
  }
  for (const DecodedField& f : e.fields) {
    out += sep;
    sep = "; ";
    out += f.field->name;
    if (f.field->bits.repeated()) {
      out += '[';
      out += std::to_string(f.index);
      out += ']';
    }
    out += '=';
    out += format_value(f);
    if (f.space != CmdSpace::none) {
      out += " (";
      out += kCmdSpaceNames[size_t(f.space)];
      out += ')';
    }
  }
  if (e.truncated()) {
    out += " (truncated: " + std::to_string(e.available) + " of " + std::to_string(e.length) + " dwords)";
  }
  if (!e.length_valid()) out += " (length != valid_len " + std::to_string(e.row->valid_len) + ")";
  return out;
}

std::string to_json(const CmdEntry& e) {
  std::string out = "{\"address\":";
  out += std::to_string(e.address);
  out += ",\"dw0\":";
  out += std::to_string(e.dw0);
  out += ",\"name\":";
  append_json_string(out, e.name());
  out += ",\"known\":";
  out += e.known() ? "true" : "false";
  out += ",\"length\":";
  out += std::to_string(e.length);
  out += ",\"truncated\":";
  out += e.truncated() ? "true" : "false";
  if (!e.length_valid()) {
    out += ",\"valid_len\":";
    out += std::to_string(e.row->valid_len);
  }
  if (!e.known()) {
    out += ",\"dwords\":[";
    for (std::size_t i = 0; i < e.raw.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(e.raw[i]);
    }
    out += "]";
  }
  out += ",\"fields\":[";
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    const DecodedField& f = e.fields[i];
    out += i ? ",{\"name\":" : "{\"name\":";
    append_json_string(out, f.field->name);
    if (f.field->bits.repeated()) {
      out += ",\"index\":";
      out += std::to_string(f.index);
    }
    out += ",\"value\":";
    switch (f.field->type) {
      case CmdFieldType::boolean:
        out += f.value ? "true" : "false";
        break;
      case CmdFieldType::sint:
        out += format_value(f);
        break;
      case CmdFieldType::float32: {
        const std::string s = float_text(f.value);
        out += (s == "nan" || s == "inf" || s == "-inf") ? "null" : s;
        break;
      }
      default:
        out += std::to_string(f.value);
        break;
    }
    if (f.space != CmdSpace::none) {
      out += ",\"space\":";
      append_json_string(out, kCmdSpaceNames[size_t(f.space)]);
    }
    out += "}";
  }
  out += "]}";
  return out;
}

}  // namespace gvtsim::spec::gen8
