// `gvtsim decode`: replays an AUB trace's memory and register writes into the Gen8 model (its
// system memory, GGTT and PPGTT walkers — decisions D9) and, at each execlist submission (the 4th
// ELSP write of an engine), lists the commands that engine would execute, the way the hardware
// would fetch them:
//   - the context image at LRCA + 4 KB is read through the GGTT; the engine registers are taken from
//     its LRI lists (as the hardware restores them): RING_HEAD, RING_TAIL, RING_START, RING_CTL and
//     the PDPs — so the per-engine layout quirks of some writers (aub.md) do not matter;
//   - the ring is decoded from head to tail, wrapping at its size;
//   - MI_BATCH_BUFFER_START is followed: into a first-level batch from the ring; a second-level
//     batch (bit 22) from a first-level one, returning after it; without bit 22 inside a batch it
//     chains (jumps). Bit 8 selects the PPGTT (walked from the context's PDPs, 3- or 4-level by the
//     descriptor's addressing mode) or the GGTT. A batch ends at MI_BATCH_BUFFER_END;
//   - every command is listed each time it would execute, with address, name and decoded fields;
//     an unknown instruction is listed (with its dword) and decoding goes on.
// Faults (an unmapped batch or ring page) and runaway batches (more than kMaxCommands commands in
// one submission) end that submission's listing with a note, never the decode.
//
// Address spaces of MEM_WRITE: GGTT and non-aperture GGTT addresses are translated through the
// GGTT; GGTT_ENTRY writes the GGTT itself; physical and the page-table-entry spaces (3, 6, 8, 9,
// 10: entries addressed physically) write memory; local memory (discrete parts) and PPGTT virtual
// addresses (no context to translate them) are typed errors. A write to an unmapped GGTT page is
// counted and reported, never silently dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "spec/gen8/command.h"
#include "traces/aub_format.h"

namespace gvtsim::harness {

class Platform;

struct ListingEntry {
  uint64_t submission;              // 1-based
  spec::gen8::Engine engine;
  unsigned level;                   // 0 ring, 1 first-level batch, 2 second-level batch
  const spec::gen8::CmdEntry* cmd;  // valid during the callback
};

struct DecodeSummary {
  std::map<std::string, uint64_t> blocks;    // by block kind name
  std::map<std::string, uint64_t> commands;  // by command name (PRM / genxml spelling)
  uint64_t submissions = 0;
  uint64_t unknown_commands = 0;
  uint64_t faults = 0;                       // submissions whose listing stopped at a fault
  uint64_t unmapped_ggtt_writes = 0;         // bytes written to GGTT pages with no PTE
  uint16_t pci_id = 0;
  std::string to_json() const;               // {"blocks":{...},"commands":{...},"submissions":N}
  std::string to_text() const;
};

class TraceDecoder {
 public:
  static constexpr uint64_t kMaxCommands = 1u << 20;  // per submission

  TraceDecoder();
  ~TraceDecoder();
  // Called for every listed command, and with a note (submission header, fault) as text.
  std::function<void(const ListingEntry&)> on_command;
  std::function<void(const std::string&)> on_note;

  // Applies one block of the trace (the first must be the header).
  Status apply(const aub::AubBlock& block);
  const DecodeSummary& summary() const { return m_summary; }
  Platform* platform() { return m_platform.get(); }

 private:
  struct Submission;
  Status write_memory(aub::AddressSpace space, uint64_t address, std::span<const uint8_t> data);
  void decode_submission(spec::gen8::Engine e, uint64_t desc);
  std::unique_ptr<Platform> m_platform;
  DecodeSummary m_summary;
};

// Decodes a whole trace file: the listing goes to `on_command` / `on_note` (may be empty), the
// summary is returned. Errors name the block offset.
Result<DecodeSummary> decode_trace(const std::string& path, const std::function<void(const ListingEntry&)>& on_command,
                                   const std::function<void(const std::string&)>& on_note);

}  // namespace gvtsim::harness
