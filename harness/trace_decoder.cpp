#include "harness/trace_decoder.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <vector>

#include "harness/platform.h"
#include "harness/trace_memory.h"
#include "model/gen8/ggtt.h"
#include "model/gen8/ppgtt.h"
#include "spec/gen8/registers.h"
#include "traces/aub_reader.h"

namespace gvtsim::harness {

using namespace spec::gen8;
using model::gen8::AccessTag;
using model::gen8::PpgttMode;
using model::gen8::PpgttRoot;

std::string DecodeSummary::to_json() const {
  nlohmann::json j;
  j["blocks"] = blocks;
  j["commands"] = commands;
  j["submissions"] = submissions;
  return j.dump();
}

std::string DecodeSummary::to_text() const {
  std::string out = fmt::format("PCI id {:#06x}, {} submissions, {} unknown instructions, {} faulted listings\n", pci_id,
                                submissions, unknown_commands, faults);
  if (unmapped_ggtt_writes) out += fmt::format("warning: {} bytes written to unmapped GGTT pages were dropped\n", unmapped_ggtt_writes);
  out += "blocks:\n";
  for (const auto& [k, n] : blocks) out += fmt::format("  {:>9}  {}\n", n, k);
  // Most frequent first, then by name (aubinator's summaries read the same way).
  std::vector<std::pair<std::string, uint64_t>> cmds(commands.begin(), commands.end());
  std::stable_sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  uint64_t total = 0;
  for (const auto& [n, c] : cmds) total += c;
  out += fmt::format("commands ({} executed, {} distinct):\n", total, cmds.size());
  for (const auto& [n, c] : cmds) out += fmt::format("  {:>9}  {}\n", c, n);
  return out;
}

TraceDecoder::TraceDecoder() = default;
TraceDecoder::~TraceDecoder() = default;

Status TraceDecoder::write_memory(aub::AddressSpace space, uint64_t address, std::span<const uint8_t> data) {
  auto& ggtt = m_platform->gpu().ggtt();
  TraceMemory tm{*m_platform, [&](uint64_t off, uint32_t v) { return ggtt.window_write(off, 4, v); },
                 [&] {
                   ggtt.flush();
                   return Status::ok();
                 },
                 [&](uint64_t, std::size_t n) {
                   m_summary.unmapped_ggtt_writes += n;  // counted and reported, not an error for a listing
                   return Status::ok();
                 }};
  return tm.write(space, address, data);
}

Status TraceDecoder::apply(const aub::AubBlock& block) {
  ++m_summary.blocks[aub::to_string(aub::kind(block))];
  if (!m_platform && !std::holds_alternative<aub::TraceHeader>(block) && !std::holds_alternative<aub::LegacyHeader>(block))
    return Status::guest_error("the trace does not start with a header");
  return std::visit(
      [&](const auto& b) -> Status {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, aub::TraceHeader> || std::is_same_v<T, aub::LegacyHeader>) {
          if (m_platform) return Status::guest_error("a second header block");
          uint32_t id = b.pci_id.value_or(0);
          if (!find_sku(uint16_t(id)))
            return Status::guest_error("the trace's PCI id {:#06x} is not a Broadwell GPU (gvtsim models Gen8)", id);
          m_summary.pci_id = uint16_t(id);
          m_platform = std::make_unique<Platform>(PlatformConfig{.device_id = uint16_t(id)});
          m_platform->gpu().on_elsp_submit = [this](Engine e, uint64_t d0, uint64_t d1) {
            decode_submission(e, d0);
            decode_submission(e, d1);  // the hardware runs element 1 after element 0
          };
          return Status::ok();
        } else if constexpr (std::is_same_v<T, aub::MemWrite>) {
          return write_memory(b.space, b.address, b.data);
        } else if constexpr (std::is_same_v<T, aub::MemWriteDiscont>) {
          for (const auto& e : b.entries)
            if (Status s = write_memory(b.space, e.address, b.data.subspan(e.data_offset, e.size)); !s) return s;
          return Status::ok();
        } else if constexpr (std::is_same_v<T, aub::RegWrite>) {
          if (b.space != aub::RegisterSpace::mmio) return Status::unimplemented("REG_WRITE to register space {}", int(b.space));
          // The block's mask selects the bits written (Mesa writes all ones): read-modify-write.
          auto& regs = m_platform->gpu().regs();
          unsigned size = 1u << unsigned(b.size);
          uint64_t value = b.data.size() > 1 && size == 8 ? uint64_t(b.data[1]) << 32 | b.data[0] : b.value();
          uint64_t full = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
          if ((b.mask & full) != full) {
            auto old = regs.mmio_read(b.offset, size);
            if (!old) return old.status();
            value = (*old & ~b.mask) | (value & b.mask);
          }
          return regs.mmio_write(b.offset, size, value & full);
        } else if constexpr (std::is_same_v<T, aub::LegacyTraceBlock>) {
          // Gen<8 ring-buffer traces: data writes map onto memory; their ring commands cannot run on
          // an execlist engine.
          if (b.operation == aub::LegacyOperation::data_write) {
            static constexpr aub::AddressSpace kLegacySpaces[] = {aub::AddressSpace::ggtt, aub::AddressSpace::local,
                                                                  aub::AddressSpace::physical, aub::AddressSpace::physical,
                                                                  aub::AddressSpace::ggtt_entry};
            if (b.address_space > 4) return Status::guest_error("legacy trace block memory type {}", b.address_space);
            return write_memory(kLegacySpaces[b.address_space], b.address, b.data);
          }
          if (b.operation == aub::LegacyOperation::comment) return Status::ok();
          return Status::unimplemented("legacy (ring-buffer mode) trace block operation {}: Gen8 decodes execlist submissions",
                                       int(b.operation));
        } else {
          // Polls, compares, comments, markers, delays: nothing to apply for a listing (counted).
          return Status::ok();
        }
      },
      block);
}

namespace {

constexpr uint32_t kLriOpcode = 0x22;  // MI_LOAD_REGISTER_IMM (gt/intel_gpu_commands.h MI_INSTR(0x22, 0))
constexpr uint32_t kBbeOpcode = 0x0A;  // MI_BATCH_BUFFER_END

}  // namespace

// One submission's fetch state: the engine, the context's PPGTT, the listing limits.
struct TraceDecoder::Submission {
  TraceDecoder& d;
  Engine engine;
  PpgttRoot root;
  uint64_t number;
  uint64_t commands = 0;
  bool stopped = false;

  model::gen8::Ggtt& ggtt() { return d.m_platform->gpu().ggtt(); }

  // Physical address of a graphics address in `ppgtt` or the GGTT, or nullopt (a fault).
  std::optional<uint64_t> translate(uint64_t addr, bool ppgtt) {
    if (ppgtt) {
      auto t = d.m_platform->gpu().ppgtt(engine).translate(root, addr, AccessTag::software(), number);
      if (!t.ok) return std::nullopt;
      return t.pa;
    }
    auto t = ggtt().translate(addr);
    if (!t.present) return std::nullopt;
    return t.pa;
  }

  std::optional<uint32_t> read32(uint64_t addr, bool ppgtt) {
    auto pa = translate(addr, ppgtt);
    if (!pa) return std::nullopt;
    uint8_t b[4];
    d.m_platform->memory().read(*pa, b, 4, AccessTag::software());
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  }

  void note(const std::string& s) {
    if (d.on_note) d.on_note(s);
  }

  void fault(uint64_t addr, bool ppgtt) {
    ++d.m_summary.faults;
    stopped = true;
    note(fmt::format("# fault: {} address {:#x} is not mapped; this submission's listing stops", ppgtt ? "PPGTT" : "GGTT", addr));
  }

  struct Fetched {
    spec::gen8::CmdEntry e;
    std::vector<uint32_t> dwords;  // what was read (fewer than e.length when the tail is unmapped)
  };

  // Reads and lists the command at `addr`; nullopt on a fault or a stop.
  std::optional<Fetched> fetch(uint64_t addr, bool ppgtt, unsigned level) {
    if (++commands > kMaxCommands) {
      if (!stopped) note(fmt::format("# stopped after {} commands: the batch does not end", kMaxCommands));
      stopped = true;
      return std::nullopt;
    }
    auto dw0 = read32(addr, ppgtt);
    if (!dw0) {
      fault(addr, ppgtt);
      return std::nullopt;
    }
    uint32_t len = command_length(decode_header(*dw0, engine), *dw0);
    std::vector<uint32_t> dwords{*dw0};
    for (uint32_t i = 1; i < len; ++i) {
      auto v = read32(addr + 4 * i, ppgtt);
      if (!v) break;  // the entry shows as truncated
      dwords.push_back(*v);
    }
    spec::gen8::CmdEntry e = spec::gen8::decode_command(dwords, engine, addr & ((1ull << 48) - 1));
    e.length = len;  // advance by the command's length even when its tail is unmapped
    ++d.m_summary.commands[std::string(e.name())];
    if (!e.known()) ++d.m_summary.unknown_commands;
    if (d.on_command) d.on_command(ListingEntry{number, engine, level, &e});
    return Fetched{std::move(e), std::move(dwords)};
  }

  bool is(const spec::gen8::CmdEntry& e, CmdId id) const { return e.row && e.row->id == id; }

  // A batch from `addr`: runs to MI_BATCH_BUFFER_END; chains on a BB_START without the second-level
  // bit; calls a second-level batch from a first-level one.
  void run_batch(uint64_t addr, bool ppgtt, unsigned level) {
    while (!stopped) {
      auto f = fetch(addr, ppgtt, level);
      if (!f) return;
      const spec::gen8::CmdEntry* e = &f->e;
      if (is(*e, CmdId::MI_BATCH_BUFFER_END)) return;
      if (is(*e, CmdId::MI_BATCH_BUFFER_START) && !e->truncated()) {
        std::span<const uint32_t> cmd(f->dwords);
        uint64_t target = cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS.get(cmd);
        bool target_ppgtt = cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR.get(cmd);
        bool second = cmd::MI_BATCH_BUFFER_START::SECOND_LEVEL_BATCH_BUFFER.get(cmd);
        if (second && level == 1) {
          run_batch(target, target_ppgtt, 2);
        } else {
          addr = target, ppgtt = target_ppgtt;  // chained: this batch continues there
          continue;
        }
      }
      addr += 4ull * e->length;
    }
  }

};

void TraceDecoder::decode_submission(Engine engine, uint64_t desc) {
  if (!(desc & 1)) return;  // element not valid
  ++m_summary.submissions;
  Submission s{*this, engine, {}, m_summary.submissions};
  uint64_t lrca = desc & 0xFFFFF000;  // descriptor bits 31:12 (gvt-reference §2.4)
  unsigned mode = (desc >> 3) & 3;
  // The register-state page: MI_NOOPs and LRI lists of (register, value) up to MI_BATCH_BUFFER_END.
  std::map<uint32_t, uint32_t> regs;
  uint64_t state = lrca + 4096;
  for (uint32_t i = 0; i < 1024;) {
    auto dw = s.read32(state + 4 * i, false);
    if (!dw) {
      s.fault(state + 4 * i, false);
      return;
    }
    uint32_t op = *dw >> 23;
    if (*dw == 0) {
      ++i;
    } else if (op == kLriOpcode) {
      uint32_t pairs = ((*dw & 0xFF) + 1) / 2;
      for (uint32_t p = 0; p < pairs; ++p) {
        auto r = s.read32(state + 4 * (i + 1 + 2 * p), false);
        auto v = s.read32(state + 4 * (i + 2 + 2 * p), false);
        if (r && v) regs[*r & 0x7FFFFC] = *v;
      }
      i += 1 + 2 * pairs;
    } else if (op == kBbeOpcode) {
      break;
    } else {
      ++i;  // anything else the image holds (writer padding): skipped
    }
  }
  uint32_t base = engine_base(engine);
  auto reg = [&](uint32_t rel) { return regs.count(base + rel) ? regs[base + rel] : 0u; };
  uint32_t head = reg(reg::RING_HEAD::offset) & 0x1FFFFC;
  uint32_t tail = reg(reg::RING_TAIL::offset) & 0x1FFFF8;
  uint32_t start = reg(reg::RING_START::offset) & 0xFFFFF000;
  uint32_t size = uint32_t(reg::RING_CTL::BUFFER_LENGTH.get(reg(reg::RING_CTL::offset)) + 1) * 4096;
  for (unsigned i = 0; i < 4; ++i)
    s.root.pdp[i] = uint64_t(reg(reg::GEN8_RING_PDP0_UDW::offset + 8 * i)) << 32 | reg(reg::GEN8_RING_PDP0_LDW::offset + 8 * i);
  s.root.mode = mode == 1 ? PpgttMode::legacy32 : PpgttMode::legacy48;
  // The trace rewrites page tables between submissions without invalidating: start from a clean TLB.
  m_platform->gpu().ppgtt(engine).invalidate_tlb();
  s.note(fmt::format("# submission {}: {} descriptor {:#x} (LRCA {:#x}, {}), ring {:#x} size {:#x}, head {:#x}, tail {:#x}",
                     s.number, engine_name(engine), desc, lrca, mode == 1 ? "32-bit PPGTT" : "48-bit PPGTT", start, size,
                     head, tail));
  if (mode != 1 && mode != 3) s.note(fmt::format("# addressing mode {} is not a legacy mode: batches are listed as 48-bit", mode));
  // The ring: head to tail, wrapping at its size.
  uint32_t off = head % size;
  while (!s.stopped && off != tail % size) {
    auto f = s.fetch(start + off, false, 0);
    if (!f) break;
    const spec::gen8::CmdEntry* e = &f->e;
    if (s.is(*e, CmdId::MI_BATCH_BUFFER_START) && !e->truncated()) {
      std::span<const uint32_t> cmd(f->dwords);
      s.run_batch(cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS.get(cmd),
                  cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR.get(cmd), 1);
    }
    off = uint32_t((off + 4ull * e->length) % size);
  }
}

Result<DecodeSummary> decode_trace(const std::string& path, const std::function<void(const ListingEntry&)>& on_command,
                                   const std::function<void(const std::string&)>& on_note) {
  auto reader = aub::AubReader::open(path);
  if (!reader) return reader.error().to_status();
  TraceDecoder d;
  d.on_command = on_command;
  d.on_note = on_note;
  for (;;) {
    auto next = reader->next();
    if (!next) return next.error().to_status();
    if (!*next) break;
    if (Status s = d.apply(**next); !s)
      return Status::guest_error("{}: block at offset {:#x}: {}", path, reader->block_offset(), s.message());
  }
  if (!d.platform()) return Status::guest_error("{}: no header block", path);
  return d.summary();
}

}  // namespace gvtsim::harness
