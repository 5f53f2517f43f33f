#include "model/gen8/regfile.h"

#include "base/log.h"

namespace gvtsim::model::gen8 {

using namespace spec::gen8;

RegFile::RegFile(StatGroup stats)
    : m_values(kRegInstanceCount),
      m_reads(stats.counter("mmio_reads", Unit::count, "CPU register reads through BAR0")),
      m_writes(stats.counter("mmio_writes", Unit::count, "CPU register writes through BAR0")),
      m_unknown(stats.counter("unimplemented.mmio_offset", Unit::count,
                              "register accesses to offsets no row of registers.toml covers (read 0, write ignored)")),
      m_bad_access(stats.counter("guest_errors.mmio_access", Unit::count, "misaligned or odd-sized register accesses")) {
  reset();
}

void RegFile::reset() {
  for (std::size_t i = 0; i < kRegInstanceCount; ++i) m_values[i] = kRegInstances[i].row().reset;
}

void RegFile::bind(RegEffect effect, Hooks hooks) {
  GVT_ASSERT(!m_bound[std::size_t(effect)], "effect {} bound twice", kRegEffectNames[std::size_t(effect)]);
  GVT_ASSERT(effect != RegEffect::none, "the 'none' effect takes no hooks");
  m_hooks[std::size_t(effect)] = std::move(hooks);
  m_bound[std::size_t(effect)] = true;
}

const RegInstance* RegFile::decode(uint32_t offset) const {
  const RegInstance* r = find_reg(offset);
  if (r && r->row().per_engine && !has_engine(m_present, r->engine)) return nullptr;
  return r;
}

uint64_t RegFile::get(RegId id, Engine e, uint16_t i) const {
  const RegInstance* r = find_reg(id, e, i);
  GVT_ASSERT(r, "no register {} on {} [{}]", reg_row(id).name, engine_name(e), i);
  return get(*r);
}

void RegFile::set(RegId id, uint64_t v, Engine e, uint16_t i) {
  const RegInstance* r = find_reg(id, e, i);
  GVT_ASSERT(r, "no register {} on {} [{}]", reg_row(id).name, engine_name(e), i);
  set(*r, v);
}

uint32_t RegFile::peek(uint32_t offset) const {
  const RegInstance* r = decode(offset & ~3u);
  if (!r) return 0;
  unsigned dword = (offset - r->offset) / 4;
  return uint32_t(get(*r) >> (32 * dword));
}

uint32_t RegFile::read_dword(const RegInstance& r, unsigned dword) {
  uint32_t stored = uint32_t(get(r) >> (32 * dword));
  const Hooks& h = m_hooks[std::size_t(r.row().effect)];
  return h.on_read ? h.on_read(r, dword, stored) : stored;
}

// The write rules of registers.toml, for one dword. `byte_mask` selects the bytes the CPU wrote.
void RegFile::write_dword(const RegInstance& r, unsigned dword, uint32_t value, uint32_t byte_mask) {
  const RegRow& row = r.row();
  uint32_t ro = uint32_t(row.ro >> (32 * dword));
  uint32_t w1c = uint32_t(row.w1c >> (32 * dword));
  uint64_t all = get(r);
  uint32_t before = uint32_t(all >> (32 * dword));
  uint32_t now;
  if (row.masked) {
    // Bits 31:16 enable bits 15:0; the upper half is not stored (reads 0).
    uint32_t enable = (value & byte_mask) >> 16 & ~ro & 0xFFFF;
    now = (before & ~enable & 0xFFFF) | (value & enable);
  } else {
    uint32_t writable = ~ro & ~w1c & byte_mask;
    now = (before & ~writable) | (value & writable);
    now &= ~(value & w1c & byte_mask);
  }
  all = (all & ~(0xFFFFFFFFull << (32 * dword))) | (uint64_t(now) << (32 * dword));
  set(r, all);
  const Hooks& h = m_hooks[std::size_t(row.effect)];
  if (h.on_write) h.on_write(r, dword, before, now, value & byte_mask);
}

Result<uint64_t> RegFile::mmio_read(uint32_t offset, unsigned size) {
  if ((size != 1 && size != 2 && size != 4 && size != 8) || offset % size) {
    ++m_bad_access;
    return Status::guest_error("register read of {} bytes at {:#x}: sizes 1, 2, 4, 8, naturally aligned", size, offset);
  }
  ++m_reads;
  uint64_t out = 0;
  for (unsigned done = 0; done < size; done += 4) {
    uint32_t dw_off = (offset + done) & ~3u;
    const RegInstance* r = decode(dw_off);
    uint32_t v = 0;
    if (r) {
      v = read_dword(*r, (dw_off - r->offset) / 4);
    } else {
      ++m_unknown;
      log::debug(log::Channel::mmio, "read of unimplemented register {:#x}", dw_off);
    }
    if (size < 4) return uint64_t(v >> (8 * (offset & 3))) & ((1ull << (8 * size)) - 1);
    out |= uint64_t(v) << (8 * done);
  }
  return out;
}

Status RegFile::mmio_write(uint32_t offset, unsigned size, uint64_t value) {
  if ((size != 1 && size != 2 && size != 4 && size != 8) || offset % size) {
    ++m_bad_access;
    return Status::guest_error("register write of {} bytes at {:#x}: sizes 1, 2, 4, 8, naturally aligned", size, offset);
  }
  ++m_writes;
  for (unsigned done = 0; done < std::max(size, 4u); done += 4) {
    uint32_t dw_off = (offset + done) & ~3u;
    uint32_t v, mask;
    if (size < 4) {
      unsigned shift = 8 * (offset & 3);
      mask = uint32_t(((1ull << (8 * size)) - 1) << shift);
      v = uint32_t(value << shift) & mask;
    } else {
      mask = 0xFFFFFFFF;
      v = uint32_t(value >> (8 * done));
    }
    const RegInstance* r = decode(dw_off);
    if (!r) {
      ++m_unknown;
      log::debug(log::Channel::mmio, "write of unimplemented register {:#x} = {:#x}", dw_off, v);
      continue;
    }
    write_dword(*r, (dw_off - r->offset) / 4, v, mask);
  }
  return Status::ok();
}

}  // namespace gvtsim::model::gen8
