#!/usr/bin/env python3
"""Generate C++ (and the docs reference) from the Gen8 tables in spec/gen8/*.toml.

The TOML files are the single source of truth for registers, engines and SKUs (and, later,
commands). This script validates them (unique names, canonical order, no overlapping offsets on any
engine, masks within the width, declared side effects all used) and writes:

  <out>/spec/gen8/engines.h      Engine enum, engine bases and names
  <out>/spec/gen8/skus.h/.cpp    the SKU table (decisions D3)
  <out>/spec/gen8/registers.h    RegId, RegEffect, the row table, typed per-register namespaces
  <out>/spec/gen8/registers.cpp  the expanded, offset-sorted instance table
  <out>/reference/registers.md   the register reference for docs/

Usage: gen_tables.py --spec-dir DIR --out DIR     (generate)
       gen_tables.py --spec-dir DIR --check       (validate only; exit 1 with the problems)
Only the standard library is used (tomllib: Python >= 3.11).
"""
import argparse
import re
import sys
import tomllib
from pathlib import Path

NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
FIELD_RE = re.compile(r"^(\d+)(?::(\d+))?$")
EFFECT_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MMIO_WINDOW = 2 * 1024 * 1024  # registers live in the first 2 MB of BAR0 (gvt-reference §2.1)

REG_KEYS = {"name", "offset", "width", "count", "stride", "reset", "ro", "w1c", "masked", "engine",
            "engines", "effect", "user_writable", "fields", "cite"}


class SpecError(Exception):
    pass


def parse_bits(text, width, where):
    m = FIELD_RE.match(str(text))
    if not m:
        raise SpecError(f"{where}: field bits '{text}' are not 'hi:lo' or 'bit'")
    hi = int(m.group(1))
    lo = int(m.group(2)) if m.group(2) is not None else hi
    if lo > hi or hi >= width:
        raise SpecError(f"{where}: field bits '{text}' outside 0..{width - 1} or reversed")
    return hi, lo


def load_engines(spec):
    engines = spec["engine"]
    seen = set()
    for e in engines:
        if not NAME_RE.match(e["name"]) or e["name"] in seen:
            raise SpecError(f"engine '{e['name']}': bad or duplicate name")
        seen.add(e["name"])
    return engines


def load_skus(spec, engine_names):
    skus = spec["sku"]
    ids = {}
    for s in skus:
        for e in s["engines"]:
            if e not in engine_names:
                raise SpecError(f"sku {s['name']}: unknown engine {e}")
        for d in s["device_ids"]:
            if d in ids:
                raise SpecError(f"device id {d:#06x} in both {ids[d]} and {s['name']}")
            ids[d] = s["name"]
    defaults = [s for s in skus if s.get("default")]
    if len(defaults) != 1:
        raise SpecError("exactly one sku must have default = true")
    return skus


def normalise_reg(row, engine_names, effects):
    where = f"register {row.get('name', '?')}"
    unknown = set(row) - REG_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown columns {sorted(unknown)}")
    for key in ("name", "offset", "cite"):
        if key not in row:
            raise SpecError(f"{where}: missing '{key}'")
    if not NAME_RE.match(row["name"]):
        raise SpecError(f"{where}: name must be [A-Z][A-Z0-9_]*")
    r = {
        "name": row["name"],
        "offset": row["offset"],
        "width": row.get("width", 32),
        "count": row.get("count", 1),
        "reset": row.get("reset", 0),
        "ro": row.get("ro", 0),
        "w1c": row.get("w1c", 0),
        "masked": bool(row.get("masked", False)),
        "engine": bool(row.get("engine", False)),
        "effect": row.get("effect", "none"),
        "user_writable": bool(row.get("user_writable", False)),
        "cite": row["cite"],
    }
    if r["width"] not in (32, 64):
        raise SpecError(f"{where}: width must be 32 or 64")
    r["stride"] = row.get("stride", r["width"] // 8)
    limit = 1 << r["width"]
    for key in ("reset", "ro", "w1c"):
        if not 0 <= r[key] < limit:
            raise SpecError(f"{where}: {key} {r[key]:#x} does not fit {r['width']} bits")
    if r["offset"] % 4:
        raise SpecError(f"{where}: offset {r['offset']:#x} not dword aligned")
    if r["count"] < 1 or r["stride"] < r["width"] // 8 or r["stride"] % 4:
        raise SpecError(f"{where}: bad count/stride")
    if r["ro"] & r["w1c"]:
        raise SpecError(f"{where}: ro and w1c masks overlap")
    if r["masked"]:
        if r["width"] != 32:
            raise SpecError(f"{where}: masked registers are 32-bit")
        if r["reset"] >> 16:
            raise SpecError(f"{where}: a masked register's upper half reads 0, reset must be < 0x10000")
    if r["effect"] != "none" and r["effect"] not in effects:
        raise SpecError(f"{where}: effect '{r['effect']}' is not declared in [effects]")
    if r["engine"]:
        r["engines"] = row.get("engines", list(engine_names))
        for e in r["engines"]:
            if e not in engine_names:
                raise SpecError(f"{where}: unknown engine {e}")
        if r["offset"] >= 0x1000 and r["offset"] + r["count"] * r["stride"] > 0x1000:
            raise SpecError(f"{where}: engine-relative offsets stay inside the engine's 4 KB block")
    else:
        if "engines" in row:
            raise SpecError(f"{where}: 'engines' needs engine = true")
        r["engines"] = []
    fields = []
    for fname, bits in row.get("fields", {}).items():
        if not NAME_RE.match(fname):
            raise SpecError(f"{where}: field name '{fname}' must be [A-Z][A-Z0-9_]*")
        hi, lo = parse_bits(bits, r["width"], f"{where}.{fname}")
        fields.append((fname, hi, lo))
    r["fields"] = fields
    return r


def expand(regs, engines):
    """One instance per (row, engine, array index), sorted by absolute offset."""
    base = {e["name"]: e["base"] for e in engines}
    order = [e["name"] for e in engines]
    out = []
    for rid, r in enumerate(regs):
        for eng in (r["engines"] if r["engine"] else [None]):
            for i in range(r["count"]):
                off = (base[eng] if eng else 0) + r["offset"] + i * r["stride"]
                name = (f"{eng}_" if eng else "") + r["name"] + (f"[{i}]" if r["count"] > 1 else "")
                out.append({"offset": off, "row": rid, "engine": eng, "index": i, "name": name,
                            "bytes": r["width"] // 8})
    out.sort(key=lambda x: x["offset"])
    prev = None
    for inst in out:
        if inst["offset"] + inst["bytes"] > MMIO_WINDOW:
            raise SpecError(f"{inst['name']} at {inst['offset']:#x} is outside the 2 MB MMIO window")
        if prev and prev["offset"] + prev["bytes"] > inst["offset"]:
            raise SpecError(f"{prev['name']} ({prev['offset']:#x}) overlaps {inst['name']} ({inst['offset']:#x})")
        prev = inst
    return out, order


def check_canonical(regs):
    """Engine-relative rows first, by offset; then absolute rows, by offset."""
    keys = [(0 if r["engine"] else 1, r["offset"]) for r in regs]
    for i in range(1, len(keys)):
        if keys[i] < keys[i - 1]:
            raise SpecError(f"canonical order: {regs[i]['name']} must come before {regs[i - 1]['name']}")


def load(spec_dir):
    with open(spec_dir / "skus.toml", "rb") as f:
        sk = tomllib.load(f)
    with open(spec_dir / "registers.toml", "rb") as f:
        rg = tomllib.load(f)
    engines = load_engines(sk)
    names = [e["name"] for e in engines]
    skus = load_skus(sk, names)
    effects = rg.get("effects", {})
    for e in effects:
        if not EFFECT_RE.match(e) or e == "none":
            raise SpecError(f"effect id '{e}' must be snake_case and not 'none'")
    regs = [normalise_reg(row, names, effects) for row in rg.get("reg", [])]
    seen = set()
    for r in regs:
        if r["name"] in seen:
            raise SpecError(f"register name {r['name']} appears twice")
        seen.add(r["name"])
    used = {r["effect"] for r in regs}
    unused = [e for e in effects if e not in used]
    if unused:
        raise SpecError(f"effects declared but bound to no register: {unused}")
    check_canonical(regs)
    instances, _ = expand(regs, engines)
    return engines, skus, effects, regs, instances


# ---------------------------------------------------------------------------------------------
# C++ emission

HEADER = "// Generated by spec/gen8/gen_tables.py from spec/gen8/*.toml. Do not edit.\n"


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit_engines(engines):
    n = len(engines)
    lines = [HEADER, "#pragma once", "#include <array>", "#include <cstdint>", "#include <string_view>", "",
             "namespace gvtsim::spec::gen8 {", "",
             "// Engine instances, in i915's order (spec/gen8/skus.toml).",
             "enum class Engine : uint8_t {"]
    lines += [f"  {e['name']}," for e in engines]
    lines += ["};", f"inline constexpr std::size_t kEngineCount = {n};", "",
              "struct EngineInfo {", "  std::string_view name;", "  uint32_t base;      // MMIO base of the engine's register block",
              "  uint8_t hw_class;   // i915 hardware class", "};", "",
              f"inline constexpr std::array<EngineInfo, {n}> kEngines = {{{{"]
    lines += [f"    {{{cstr(e['name'])}, {e['base']:#07x}, {e['class']}}}," for e in engines]
    lines += ["}};", "",
              "constexpr const EngineInfo& engine_info(Engine e) { return kEngines[static_cast<std::size_t>(e)]; }",
              "constexpr uint32_t engine_base(Engine e) { return engine_info(e).base; }",
              "constexpr std::string_view engine_name(Engine e) { return engine_info(e).name; }",
              "",
              "// A set of engines, one bit per Engine.",
              "using EngineMask = uint8_t;",
              "constexpr EngineMask engine_bit(Engine e) { return EngineMask(1u << static_cast<unsigned>(e)); }",
              "constexpr bool has_engine(EngineMask m, Engine e) { return (m & engine_bit(e)) != 0; }",
              "", "}  // namespace gvtsim::spec::gen8", ""]
    return "\n".join(lines)


def engine_mask_expr(names):
    if not names:
        return "0"
    return " | ".join(f"engine_bit(Engine::{n})" for n in names)


def emit_skus(skus):
    n = len(skus)
    h = [HEADER, "#pragma once", "#include <array>", "#include <cstdint>", "#include <span>", "#include <string_view>",
         '#include "spec/gen8/engines.h"', "", "namespace gvtsim::spec::gen8 {", "",
         "// Broadwell SKUs (decisions D3; spec/gen8/skus.toml).", "struct Sku {",
         "  std::string_view name;", "  uint8_t gt;                      // GT1, GT2, GT3",
         "  uint16_t eus;                    // execution units",
         "  EngineMask engines;              // engines present",
         "  std::span<const uint16_t> device_ids;",
         "  bool ppgtt_1g_pages;             // 1 GB PPGTT pages in legacy mode (see skus.toml)",
         "  std::string_view cite;", "};", "",
         f"extern const std::array<Sku, {n}> kSkus;",
         "// The SKU of a PCI device id, or nullptr.",
         "const Sku* find_sku(uint16_t device_id);"]
    default = next(s for s in skus if s.get("default"))
    h += [f"inline constexpr uint16_t kDefaultDeviceId = {default['default_device_id']:#06x};",
          "", "}  // namespace gvtsim::spec::gen8", ""]
    c = [HEADER, '#include "spec/gen8/skus.h"', "", "namespace gvtsim::spec::gen8 {", "namespace {"]
    for i, s in enumerate(skus):
        ids = ", ".join(f"{d:#06x}" for d in s["device_ids"])
        c.append(f"constexpr uint16_t kIds{i}[] = {{{ids}}};")
    c += ["}  // namespace", "", f"const std::array<Sku, {n}> kSkus = {{{{"]
    for i, s in enumerate(skus):
        c.append(f"    {{{cstr(s['name'])}, {s['gt']}, {s['eus']}, {engine_mask_expr(s['engines'])}, kIds{i}, "
                 f"{'true' if s.get('ppgtt_1g_pages') else 'false'}, {cstr(s['cite'])}}},")
    c += ["}};", "", "const Sku* find_sku(uint16_t device_id) {", "  for (const Sku& s : kSkus)",
          "    for (uint16_t id : s.device_ids)", "      if (id == device_id) return &s;", "  return nullptr;", "}",
          "", "}  // namespace gvtsim::spec::gen8", ""]
    return "\n".join(h), "\n".join(c)


def emit_registers(regs, effects, instances, engines):
    nrow, ninst = len(regs), len(instances)
    eff_names = ["none"] + list(effects)
    h = [HEADER, "#pragma once", "#include <array>", "#include <cstdint>", "#include <span>", "#include <string_view>",
         '#include "spec/gen8/engines.h"', '#include "spec/gen8/field.h"', "",
         "namespace gvtsim::spec::gen8 {", "",
         "// What an access does beyond storing a value ([effects] in registers.toml). Behaviour binds",
         "// to these ids, never to names.",
         "enum class RegEffect : uint8_t {"]
    h += [f"  {e}," for e in eff_names]
    h += ["};", f"inline constexpr std::size_t kRegEffectCount = {len(eff_names)};",
          f"inline constexpr std::array<std::string_view, {len(eff_names)}> kRegEffectNames = {{{{"]
    h += [f"    {cstr(e)}," for e in eff_names]
    h += ["}};", f"inline constexpr std::array<std::string_view, {len(eff_names)}> kRegEffectDescriptions = {{{{",
          f"    {cstr('plain storage')},"]
    h += [f"    {cstr(effects[e])}," for e in effects]
    h += ["}};", "", "// One row of registers.toml.", "enum class RegId : uint16_t {"]
    h += [f"  {r['name']}," for r in regs]
    h += ["};", f"inline constexpr std::size_t kRegRowCount = {nrow};", "",
          "struct RegRow {",
          "  std::string_view name;",
          "  uint32_t offset;          // absolute, or relative to the engine base when per_engine",
          "  uint8_t width;            // 32 or 64",
          "  uint16_t count;           // array length (1 for a single register)",
          "  uint16_t stride;          // bytes between array elements",
          "  uint64_t reset;           // power-on value",
          "  uint64_t ro;              // bits a CPU write cannot change",
          "  uint64_t w1c;             // write-1-to-clear bits",
          "  bool masked;              // bits 31:16 of a write enable bits 15:0",
          "  bool per_engine;          // one instance per engine in `engines`",
          "  bool user_writable;       // a non-privileged batch may LRI it (decisions D8)",
          "  EngineMask engines;",
          "  RegEffect effect;",
          "  std::string_view cite;",
          "  constexpr uint32_t bytes() const { return uint32_t(count - 1) * stride + width / 8; }",
          "};", "",
          f"extern const std::array<RegRow, {nrow}> kRegRows;",
          "inline const RegRow& reg_row(RegId id) { return kRegRows[static_cast<std::size_t>(id)]; }", "",
          "// One concrete register: a row at one engine and one array index.",
          "struct RegInstance {",
          "  uint32_t offset;          // absolute MMIO offset",
          "  RegId id;",
          "  Engine engine;            // meaningful when the row is per_engine",
          "  uint16_t index;           // array index",
          "  std::string_view name;    // e.g. \"RCS_RING_TAIL\", \"FENCE_REG_GEN6[3]\"",
          "  const RegRow& row() const { return reg_row(id); }",
          "};",
          f"inline constexpr std::size_t kRegInstanceCount = {ninst};",
          "// Every instance, sorted by offset.",
          f"extern const std::array<RegInstance, {ninst}> kRegInstances;",
          "// The instance covering byte `offset` (any byte of a 64-bit register), or nullptr.",
          "const RegInstance* find_reg(uint32_t offset);",
          "// The instance of `id` at `engine` and `index`, or nullptr when it does not exist.",
          "const RegInstance* find_reg(RegId id, Engine engine, uint16_t index = 0);",
          "", "// Typed per-register constants and fields: reg::RING_CTL::at(Engine::RCS),",
          "// reg::RING_CTL::BUFFER_LENGTH.get(value). Never looked up by string.", "namespace reg {"]
    for rid, r in enumerate(regs):
        h.append(f"namespace {r['name']} {{")
        h.append(f"inline constexpr RegId id = RegId::{r['name']};")
        h.append(f"inline constexpr uint32_t offset = {r['offset']:#x};"
                 + ("  // relative to the engine base" if r["engine"] else ""))
        if r["engine"] and r["count"] == 1:
            h.append("constexpr uint32_t at(Engine e) { return engine_base(e) + offset; }")
        elif r["engine"]:
            h.append(f"inline constexpr uint16_t count = {r['count']};")
            h.append(f"constexpr uint32_t at(Engine e, unsigned i) {{ return engine_base(e) + offset + i * {r['stride']}u; }}")
        elif r["count"] > 1:
            h.append(f"inline constexpr uint16_t count = {r['count']};")
            h.append(f"constexpr uint32_t at(unsigned i) {{ return offset + i * {r['stride']}u; }}")
        for fname, hi, lo in r["fields"]:
            h.append(f"inline constexpr Field {fname}{{{hi}, {lo}}};")
        h.append(f"}}  // namespace {r['name']}")
    h += ["}  // namespace reg", "", "}  // namespace gvtsim::spec::gen8", ""]

    c = [HEADER, '#include "spec/gen8/registers.h"', "", "#include <algorithm>", "",
         "namespace gvtsim::spec::gen8 {", "", f"const std::array<RegRow, {nrow}> kRegRows = {{{{"]
    for r in regs:
        c.append(f"    {{{cstr(r['name'])}, {r['offset']:#x}, {r['width']}, {r['count']}, {r['stride']}, "
                 f"{r['reset']:#x}ull, {r['ro']:#x}ull, {r['w1c']:#x}ull, {str(r['masked']).lower()}, "
                 f"{str(r['engine']).lower()}, {str(r['user_writable']).lower()}, "
                 f"{engine_mask_expr(r['engines'])}, RegEffect::{r['effect']}, {cstr(r['cite'])}}},")
    c += ["}};", "", f"const std::array<RegInstance, {ninst}> kRegInstances = {{{{"]
    for inst in instances:
        eng = inst["engine"] or engines[0]["name"]
        c.append(f"    {{{inst['offset']:#07x}, RegId::{regs[inst['row']]['name']}, Engine::{eng}, "
                 f"{inst['index']}, {cstr(inst['name'])}}},")
    c += ["}};", "",
          "const RegInstance* find_reg(uint32_t offset) {",
          "  // Last instance starting at or below `offset`, then check it covers the byte.",
          "  auto it = std::upper_bound(kRegInstances.begin(), kRegInstances.end(), offset,",
          "                             [](uint32_t o, const RegInstance& r) { return o < r.offset; });",
          "  if (it == kRegInstances.begin()) return nullptr;",
          "  --it;",
          "  return offset - it->offset < it->row().width / 8u ? &*it : nullptr;",
          "}", "",
          "const RegInstance* find_reg(RegId id, Engine engine, uint16_t index) {",
          "  const RegRow& r = reg_row(id);",
          "  if (index >= r.count) return nullptr;",
          "  if (r.per_engine && !has_engine(r.engines, engine)) return nullptr;",
          "  uint32_t off = (r.per_engine ? engine_base(engine) : 0) + r.offset + uint32_t(index) * r.stride;",
          "  const RegInstance* inst = find_reg(off);",
          "  return inst && inst->offset == off && inst->id == id ? inst : nullptr;",
          "}", "", "}  // namespace gvtsim::spec::gen8", ""]
    return "\n".join(h), "\n".join(c)


def emit_reference(regs, effects):
    out = ["# Register reference (Gen8)", "",
           "Generated from `spec/gen8/registers.toml` by `spec/gen8/gen_tables.py`; do not edit. "
           "Engine-relative rows are offsets from the engine base (RCS 0x2000, BCS 0x22000, VCS 0x12000, "
           "VCS2 0x1C000, VECS 0x1A000).", "",
           "| name | offset | width | count | reset | ro | w1c | masked | engines | effect | user | cite |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in regs:
        eng = ",".join(r["engines"]) if r["engine"] else "—"
        out.append(f"| {r['name']} | {'+' if r['engine'] else ''}{r['offset']:#x} | {r['width']} | {r['count']} | "
                   f"{r['reset']:#x} | {r['ro']:#x} | {r['w1c']:#x} | {'yes' if r['masked'] else ''} | {eng} | "
                   f"{'' if r['effect'] == 'none' else r['effect']} | {'yes' if r['user_writable'] else ''} | "
                   f"{r['cite']} |")
    out += ["", "## Side effects", "", "| id | meaning |", "|---|---|"]
    out += [f"| {e} | {d} |" for e, d in effects.items()]
    return "\n".join(out) + "\n"


def write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec-dir", type=Path, required=True)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--check", action="store_true", help="validate only")
    args = ap.parse_args()
    try:
        engines, skus, effects, regs, instances = load(args.spec_dir)
    except (SpecError, tomllib.TOMLDecodeError, KeyError) as e:
        print(f"gen_tables: {e}", file=sys.stderr)
        return 1
    if args.check:
        print(f"gen_tables: ok ({len(regs)} register rows, {len(instances)} instances, {len(skus)} SKUs)")
        return 0
    out = args.out / "spec" / "gen8"
    write_if_changed(out / "engines.h", emit_engines(engines))
    sh, sc = emit_skus(skus)
    write_if_changed(out / "skus.h", sh)
    write_if_changed(out / "skus.cpp", sc)
    rh, rc = emit_registers(regs, effects, instances, engines)
    write_if_changed(out / "registers.h", rh)
    write_if_changed(out / "registers.cpp", rc)
    write_if_changed(args.out / "reference" / "registers.md", emit_reference(regs, effects))
    return 0


if __name__ == "__main__":
    sys.exit(main())
