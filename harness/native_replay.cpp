#include "harness/native_replay.h"

#include <chrono>
#include <optional>

#include "base/hash.h"
#include "harness/bare_metal_driver.h"
#include "harness/driver.h"
#include "harness/platform.h"
#include "harness/trace_memory.h"
#include "model/gen8/ggtt.h"
#include "model/gen8/pci_config.h"
#include "spec/gen8/registers.h"
#include "traces/aub_reader.h"

namespace gvtsim::harness {

using namespace spec::gen8;
using model::gen8::AccessTag;

nlohmann::json ReplayReport::deterministic_json() const {
  nlohmann::json j;
  j["seed"] = seed;
  j["mode"] = mode;
  j["driver"] = driver;
  j["quantum_ps"] = quantum_ps;
  j["sim_time_ns"] = sim_time_ns;
  j["pci_id"] = pci_id;
  j["submissions"] = submissions;
  j["completed"] = completed;
  j["commands"] = commands;
  for (const auto& [e, ns] : busy_ns) j["engines"][e]["busy_ns"] = ns;
  j["isolation_violations"] = isolation_violations;
  j["untagged_accesses"] = untagged_accesses;
  j["result_hash"] = fmt::format("{:#018x}", result_hash);
  j["hash_bytes"] = hash_bytes;
  j["unimplemented"] = unimplemented;
  j["error"] = error;
  return j;
}

nlohmann::json ReplayReport::to_json() const {
  nlohmann::json j = deterministic_json();
  j["wall_time_s"] = wall_time_s;
  return j;
}

namespace {

// The replayer: reads blocks and applies them from events on the platform's queue.
class Replayer {
 public:
  Replayer(Platform& p, aub::AubReader& reader, const ReplayOptions& opt)
      : m_p(p), m_reader(reader), m_opt(opt), m_drv(p), m_src(p.queue().source("replay.cpu", EventBand::software, true)) {
    m_src.at(p.now(), [this] { boot(); });
  }
  bool done() const { return m_done; }
  const std::string& error() const { return m_error; }
  uint64_t submissions() const { return m_submissions; }
  uint64_t completed() const { return m_completed; }
  Time finished_at() const { return m_finished_at; }

 private:
  void fail(std::string why) {
    if (m_error.empty()) m_error = std::move(why);
    finish();
  }
  void finish() {
    if (!m_done) m_finished_at = m_p.now();
    m_done = true;
  }
  void boot() {
    auto info = m_drv.boot();
    if (!info) return fail("boot: " + info.status().message());
    advance();
  }
  uint64_t bar0() const { return m_drv.info().bar0; }

  Status write_memory(aub::AddressSpace space, uint64_t address, std::span<const uint8_t> data) {
    // PTEs are written by the driver through BAR0's GGTT window and flushed, as i915 does.
    TraceMemory tm{m_p,
                   [&](uint64_t off, uint32_t v) { return m_p.bus().write(bar0() + model::gen8::kBar0GgttOffset + off, 4, v); },
                   [&] { return m_p.bus().write(bar0() + reg::GFX_FLSH_CNTL_GEN6::offset, 4, 1); },
                   [&](uint64_t gma, std::size_t) {
                     return Status::guest_error("write to GGTT address {:#x}, which no PTE maps", gma);
                   }};
    return tm.write(space, address, data);
  }

  // The engine whose ELSP port is at `offset`, if any.
  std::optional<Engine> elsp_engine(uint32_t offset) const {
    for (std::size_t e = 0; e < kEngineCount; ++e)
      if (m_p.gpu().engine(Engine(e)) && reg::RING_ELSP::at(Engine(e)) == offset) return Engine(e);
    return std::nullopt;
  }

  // Applies blocks until one makes the replayer wait (a submission or a poll), or the trace ends.
  void advance() {
    while (!m_done) {
      auto next = m_reader.next();
      if (!next) return fail(next.error().to_string());
      if (!*next) return finish();
      const aub::AubBlock& block = **next;
      Status s = std::visit([&](const auto& b) -> Status { return apply(b); }, block);
      if (!s) return fail(fmt::format("block at offset {:#x}: {}", m_reader.block_offset(), s.message()));
      if (m_waiting) return;
    }
  }

  template <typename B>
  Status apply(const B& b) {
    using T = std::decay_t<B>;
    if constexpr (std::is_same_v<T, aub::MemWrite>) {
      return write_memory(b.space, b.address, b.data);
    } else if constexpr (std::is_same_v<T, aub::MemWriteDiscont>) {
      for (const auto& e : b.entries)
        if (Status s = write_memory(b.space, e.address, b.data.subspan(e.data_offset, e.size)); !s) return s;
      return Status::ok();
    } else if constexpr (std::is_same_v<T, aub::RegWrite>) {
      if (b.space != aub::RegisterSpace::mmio) return Status::unimplemented("REG_WRITE to register space {}", int(b.space));
      unsigned size = 1u << unsigned(b.size);
      uint64_t value = b.data.size() > 1 && size == 8 ? uint64_t(b.data[1]) << 32 | b.data[0] : b.value();
      auto engine = elsp_engine(b.offset);
      uint64_t before = engine ? m_p.gpu().elsp(*engine).submissions : 0;
      if (Status s = m_p.bus().write(bar0() + b.offset, size, value); !s) return s;
      if (engine && m_p.gpu().elsp(*engine).submissions != before) {
        ++m_submissions;
        m_wait_engine = *engine;
        m_csb_seen = m_p.gpu().engine(*engine)->csb_log().size();
        m_wait_start = m_p.now();
        m_waiting = true;
        m_src.after(m_opt.poll_interval, [this] { wait_submission(); });
      }
      return Status::ok();
    } else if constexpr (std::is_same_v<T, aub::RegPoll>) {
      m_poll = b;
      m_poll_data = b.value();
      m_wait_start = m_p.now();
      m_waiting = true;
      poll();
      return Status::ok();
    } else if constexpr (std::is_same_v<T, aub::TraceHeader> || std::is_same_v<T, aub::LegacyHeader>) {
      return Status::guest_error("a second header block");
    } else if constexpr (std::is_same_v<T, aub::LegacyTraceBlock>) {
      return Status::unimplemented("legacy (ring-buffer mode) trace blocks: Gen8 replays execlist traces");
    } else {
      return Status::ok();  // comments, markers, delays, compares: nothing to drive
    }
  }

  void wait_submission() {
    auto* cs = m_p.gpu().engine(m_wait_engine);
    const auto& log = cs->csb_log();
    for (std::size_t i = m_csb_seen; i < log.size(); ++i) {
      if (log[i].status & model::gen8::csb::kComplete) {
        ++m_completed;
        m_waiting = false;
        advance();
        return;
      }
    }
    if (cs->hung()) return fail(fmt::format("submission {} hung the {} engine: {}", m_submissions, engine_name(m_wait_engine), cs->hang_reason()));
    if (m_p.now() - m_wait_start >= m_opt.submission_timeout)
      return fail(fmt::format("submission {} did not complete within {} us of simulated time", m_submissions,
                              m_opt.submission_timeout / us(1)));
    m_src.after(m_opt.poll_interval, [this] { wait_submission(); });
  }

  void poll() {
    auto v = m_p.bus().read(bar0() + m_poll.offset, 4);
    if (!v) return fail("REG_POLL read: " + v.status().message());
    if ((*v & m_poll.mask) == (m_poll_data & m_poll.mask)) {
      m_waiting = false;
      m_src.after(0, [this] { advance(); });
      return;
    }
    if (m_p.now() - m_wait_start >= m_opt.poll_timeout)
      return fail(fmt::format("REG_POLL of {:#x} (mask {:#x}, value {:#x}) timed out: the GPU hangs", m_poll.offset,
                              m_poll.mask, m_poll_data));
    m_src.after(m_opt.poll_interval, [this] { poll(); });
  }

  Platform& m_p;
  aub::AubReader& m_reader;
  const ReplayOptions& m_opt;
  BareMetalDriver m_drv;
  EventSource& m_src;
  bool m_done = false, m_waiting = false;
  std::string m_error;
  uint64_t m_submissions = 0, m_completed = 0;
  Engine m_wait_engine = Engine::RCS;
  std::size_t m_csb_seen = 0;
  Time m_wait_start = 0;
  Time m_finished_at = 0;
  aub::RegPoll m_poll;
  uint32_t m_poll_data = 0;
};

// D5's result hash over what the device wrote from contexts, excluding images and status pages.
void hash_results(Platform& p, ReplayReport& r) {
  std::set<uint64_t> excluded, time_valued;
  for (std::size_t e = 0; e < kEngineCount; ++e) {
    auto* cs = p.gpu().engine(Engine(e));
    if (!cs) continue;
    excluded.insert(cs->context_pages().begin(), cs->context_pages().end());
    time_valued.insert(cs->time_valued_dwords().begin(), cs->time_valued_dwords().end());
    uint64_t hws = p.gpu().regs().get(RegId::RING_HWS_PGA, Engine(e)) & 0xFFFFF000;
    if (auto t = p.gpu().ggtt().translate(hws); hws && t.present) excluded.insert(t.pa >> 12);
  }
  Hasher h;
  uint64_t bytes = 0;
  for (uint64_t pfn : p.memory().device_written_pages()) {
    if (excluded.count(pfn)) continue;
    uint32_t page[1024];
    p.memory().read(pfn << 12, page, sizeof page, AccessTag::software());
    for (unsigned i = 0; i < 1024; ++i)
      if (time_valued.count((pfn << 10) + i)) page[i] = 0;  // by location only
    h.add(pfn << 12);
    h.update(page, sizeof page);
    bytes += sizeof page;
  }
  r.result_hash = h.digest();
  r.hash_bytes = bytes;
}

}  // namespace

Result<ReplayReport> replay_native(const ReplayOptions& opt, Driver& driver) {
  auto wall0 = std::chrono::steady_clock::now();
  auto reader = aub::AubReader::open(opt.trace);
  if (!reader) return reader.error().to_status();
  auto first = reader->next();
  if (!first) return first.error().to_status();
  uint32_t pci = 0;
  if (*first) {
    if (auto* h = std::get_if<aub::TraceHeader>(&**first)) pci = h->pci_id.value_or(0);
    else if (auto* l = std::get_if<aub::LegacyHeader>(&**first)) pci = l->pci_id.value_or(0);
  }
  if (!find_sku(uint16_t(pci)))
    return Status::guest_error("{}: the trace's PCI id {:#06x} is not a Broadwell GPU (gvtsim models Gen8)", opt.trace, pci);
  Platform p(PlatformConfig{.seed = opt.seed, .device_id = uint16_t(pci)});
  Replayer replayer(p, *reader, opt);
  // Run until the replayer is done; the limit grows in slices so that an idle tail is not simulated.
  Duration slice = ms(1);
  while (!replayer.done()) {
    if (p.queue().empty()) break;  // nothing left to happen: the replayer waits for nothing
    driver.run_until(p, p.now() + slice);
  }
  ReplayReport r;
  r.seed = opt.seed;
  r.driver = to_string(driver.kind());
  r.quantum_ps = driver.quantum();
  r.pci_id = uint16_t(pci);
  r.sim_time_ns = (replayer.done() ? replayer.finished_at() : p.now()) / ns(1);
  r.submissions = replayer.submissions();
  r.completed = replayer.completed();
  r.error = replayer.done() ? replayer.error() : "the replay stopped with events left undone";
  r.isolation_violations = p.memory().violations();
  r.untagged_accesses = p.memory().untagged_accesses();
  p.stats().for_each([&](const std::string& name, Unit, const std::string&, const nlohmann::json& v) {
    if (!v.is_number_unsigned() && !v.is_number_integer()) return;
    uint64_t n = v.get<uint64_t>();
    auto pos = name.find(".commands_by_class.");
    if (pos != std::string::npos && n) r.commands[name.substr(pos + 19)] += n;
    pos = name.find("unimplemented.");
    if (pos != std::string::npos && n) r.unimplemented[name.substr(pos + 14)] += n;
  });
  for (std::size_t e = 0; e < kEngineCount; ++e)
    if (auto* cs = p.gpu().engine(Engine(e)); cs && cs->busy_time()) {
      std::string name(engine_name(Engine(e)));
      for (auto& ch : name) ch = char(std::tolower(ch));
      r.busy_ns[name] = cs->busy_time() / ns(1);
    }
  hash_results(p, r);
  r.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

}  // namespace gvtsim::harness
