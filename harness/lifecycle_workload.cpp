#include "harness/lifecycle_workload.h"

#include <vector>

#include "base/clock.h"
#include "base/hash.h"
#include "base/random.h"
#include "harness/driver.h"
#include "harness/platform.h"

namespace gvtsim::harness {

struct LifecycleWorkload::State {
  enum Component : uint8_t { kProducer = 1, kConsumer, kAuditor, kWatchdog, kOneShot };
  struct Entry {
    Time time;
    uint8_t component;
    uint64_t value;
  };

  Platform& p;
  Rng rng;
  std::vector<Entry> log;
  EventSource* producer_src = nullptr;
  EventSource* consumer_src = nullptr;
  uint64_t produced = 0, boost = 0, checksum = 0, watchdog_fires = 0;
  TimerId one_shot, watchdog;
  Counter& messages;
  Counter& replies;
  Counter& audits;

  State(Platform& pl, const LifecycleOptions& opt)
      : p(pl),
        rng(opt.seed),
        messages(pl.stats().counter("selftest.messages", Unit::events, "values the producer sent to the consumer")),
        replies(pl.stats().counter("selftest.replies", Unit::events, "replies the consumer sent back")),
        audits(pl.stats().counter("selftest.audits", Unit::events, "auditor samples")) {
    producer_src = &p.queue().source("selftest.producer", EventBand::hardware);
    consumer_src = &p.queue().source("selftest.consumer", EventBand::hardware);
    // The producer's tick is an event of its own source, re-armed each time (a hand-made periodic).
    producer_src->after(us(3), [this] { produce(); });
    p.clock().periodic(us(5), [this] { audit(); });
    one_shot = p.clock().one_shot(us(100), [this] { note(kOneShot, 0xDEAD); });
    watchdog = p.clock().periodic(us(7), [this] {
      note(kWatchdog, ++watchdog_fires);
      if (watchdog_fires == 3) p.clock().cancel(watchdog);
    });
    p.stats().formula("selftest.replies_per_message", Unit::ratio, "replies / messages",
                      [this] { return messages.value() ? double(replies.value()) / double(messages.value()) : 0.0; });
  }

  void note(uint8_t c, uint64_t v) { log.push_back({p.now(), c, v}); }

  void produce() {
    uint64_t v = rng.below(1000) + boost;
    ++produced;
    note(kProducer, v);
    ++messages;
    consumer_src->after(us(2), [this, v] { consume(v); });
    producer_src->after(us(3), [this] { produce(); });
  }

  void consume(uint64_t v) {
    checksum = checksum * 31 + v + p.now();
    note(kConsumer, checksum);
    if (v % 4 == 0) {
      ++replies;
      producer_src->after(us(1), [this, v] {
        boost = (boost + v) % 97;
        note(kProducer, 0x10000 + boost);
      });
    }
  }

  void audit() {
    ++audits;
    note(kAuditor, produced * 1'000'003 + checksum);
    if (p.now() == us(50)) note(kOneShot, p.clock().cancel(one_shot) ? 1 : 0);
  }
};

LifecycleWorkload::LifecycleWorkload(Platform& p, const LifecycleOptions& opt) : m_state(new State(p, opt)) {}
LifecycleWorkload::~LifecycleWorkload() { delete m_state; }

LifecycleResult LifecycleWorkload::result() const {
  const State& s = *m_state;
  Hasher h;
  for (const auto& e : s.log) {
    h.add(e.time);
    h.add(e.component);
    h.add(e.value);
  }
  LifecycleResult r;
  r.log_hash = h.digest();
  r.log_entries = s.log.size();
  r.events = s.p.queue().executed();
  r.end_time = s.p.now();
  r.messages = s.messages.value();
  r.replies = s.replies.value();
  r.audits = s.audits.value();
  r.stats_json = s.p.stats().to_json(true).dump();
  return r;
}

LifecycleResult run_lifecycle(Driver& driver, const LifecycleOptions& opt) {
  Platform p(PlatformConfig{.seed = opt.seed});
  LifecycleWorkload w(p, opt);
  driver.run_until(p, opt.duration);
  return w.result();
}

}  // namespace gvtsim::harness
