#!/usr/bin/env python3
"""Generate C++ (and the docs reference) from the Gen8 tables in spec/gen8/*.toml.

The TOML files are the single source of truth for registers, engines, SKUs and commands. This script
validates them (unique names, canonical order, no overlapping offsets on any engine, masks within the
width, declared side effects all used; the GVT-g policy columns: flags from the kernel's list, F_RO with
ro_mask, declared handlers all used, blocks of 1 KB or more; for commands: no two rows decoding the same DW0 on a shared
engine, sane length rules, fields inside the command and clear of DW0's header, addresses with an
address space) and writes:

  <out>/spec/gen8/engines.h      Engine enum, engine bases and names
  <out>/spec/gen8/skus.h/.cpp    the SKU table (decisions D3)
  <out>/spec/gen8/registers.h    RegId, RegEffect, GvtHandler, kGvtF_*, the row table, typed namespaces
  <out>/spec/gen8/registers.cpp  the expanded, offset-sorted instance table
  <out>/reference/registers.md   the register reference for docs/
  <out>/spec/gen8/commands.h     CmdId, the command row type, typed per-command namespaces
  <out>/spec/gen8/commands.cpp   the row and field tables, the per-engine decode tables
  <out>/reference/commands.md    the command reference for docs/

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
# Register names keep i915's spelling, which includes a few that start with '_' and a digit
# (_3D_CHICKEN3); they are still valid C++ identifiers inside our namespaces.
REG_NAME_RE = re.compile(r"^(?:[A-Z]|_[0-9])[A-Z0-9_]*$")
FIELD_RE = re.compile(r"^(\d+)(?::(\d+))?$")
EFFECT_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MMIO_WINDOW = 2 * 1024 * 1024  # registers live in the first 2 MB of BAR0 (gvt-reference §2.1)

REG_KEYS = {"name", "offset", "width", "count", "stride", "reset", "ro", "w1c", "masked", "engine",
            "engines", "effect", "user_writable", "fields", "cite", "expand",
            "gvt", "gvt_flags", "gvt_ro", "gvt_handler", "gvt_count", "gvt_engine_flags", "gvt_cite"}
GVT_KEYS = {"gvt_flags", "gvt_ro", "gvt_handler", "gvt_count", "gvt_engine_flags", "gvt_cite"}
# How the kernel tracks a row on BDW (intel_gvt_mmio_table.c): "mmio" = MMIO_D / MMIO_F at these offsets
# (tracked whatever engines the SKU has), "ring" = MMIO_RING_D / MMIO_RING_F (the VCS2 instance is
# tracked only when the SKU has VCS2), "block" = an MMIO_F of 1 KB or more, dispatched as one range
# (gvt/handlers.c handle_mmio_cb). The order is the generated GvtTrack enum's.
GVT_TRACKS = ["none", "mmio", "ring", "block"]
# The kernel's per-dword MMIO attribute flags in bit order (gvt/gvt.h F_*; gvt-reference §2.2).
GVT_FLAGS = ["F_RO", "F_GMADR", "F_MODE_MASK", "F_CMD_ACCESS", "F_ACCESSED", "F_PM_SAVE", "F_UNALIGN",
             "F_SR_IN_CTX", "F_CMD_WRITE_PATCH"]
# F_ACCESSED is set at run time (the first guest access), never by the kernel's static tables.
GVT_RUNTIME_FLAGS = {"F_ACCESSED"}
GVT_BLOCK_MIN = 1024  # handlers.c handle_mmio_cb: ranges of 1 KB or more are blocks


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


def gvt_flag_bits(names, where):
    if not isinstance(names, list):
        raise SpecError(f"{where}: GVT flags must be a list of flag names")
    bits = 0
    for f in names:
        if f not in GVT_FLAGS:
            raise SpecError(f"{where}: unknown GVT flag '{f}' (one of {GVT_FLAGS})")
        if f in GVT_RUNTIME_FLAGS:
            raise SpecError(f"{where}: {f} is run-time state, never set by the kernel's tables")
        bit = 1 << GVT_FLAGS.index(f)
        if bits & bit:
            raise SpecError(f"{where}: GVT flag {f} listed twice")
        bits |= bit
    return bits


def normalise_gvt(row, r, engine_names, handlers, where):
    """The GVT-g policy columns: how the kernel tracks the row on BDW, its attribute flags, ro_mask,
    special handler and cite (docs/tables.md)."""
    kind = row.get("gvt", "none")
    if kind not in GVT_TRACKS or kind == "none" and "gvt" in row:
        raise SpecError(f"{where}: gvt '{kind}' is not one of {GVT_TRACKS[1:]}")
    r["gvt"] = kind
    r["expand"] = bool(row.get("expand", True))
    if kind == "none":
        present = sorted(GVT_KEYS & set(row))
        if present:
            raise SpecError(f"{where}: {present} need gvt = \"mmio\", \"ring\" or \"block\"")
        if not r["expand"]:
            raise SpecError(f"{where}: expand = false is only for GVT-g blocks (gvt = \"block\")")
        r.update(gvt_flags=0, gvt_ro=0, gvt_handler="none", gvt_count=r["count"], gvt_engine_flags={},
                 gvt_cite="")
        return
    cite = row.get("gvt_cite")
    if not isinstance(cite, str) or not cite.strip():
        raise SpecError(f"{where}: a tracked row needs gvt_cite (the kernel's table and handlers lines)")
    r["gvt_cite"] = cite
    r["gvt_flags"] = gvt_flag_bits(row.get("gvt_flags", []), where)
    r["gvt_ro"] = row.get("gvt_ro", 0)
    if not isinstance(r["gvt_ro"], int) or not 0 <= r["gvt_ro"] < (1 << r["width"]):
        raise SpecError(f"{where}: gvt_ro {r['gvt_ro']:#x} does not fit {r['width']} bits")
    has_ro = bool(r["gvt_flags"] & 1)
    if has_ro != bool(r["gvt_ro"]):
        raise SpecError(f"{where}: F_RO and a nonzero gvt_ro go together (the kernel sets both: MMIO_RO, "
                        f"MMIO_F with F_RO and ro_mask)")
    handler = row.get("gvt_handler", "none")
    if handler != "none" and handler not in handlers:
        raise SpecError(f"{where}: gvt_handler '{handler}' is not declared in [gvt_handlers]")
    r["gvt_handler"] = handler
    r["gvt_count"] = row.get("gvt_count", r["count"])
    if "gvt_count" in row and not (isinstance(r["gvt_count"], int) and 1 <= r["gvt_count"] < r["count"]):
        raise SpecError(f"{where}: gvt_count {r['gvt_count']} must be 1..{r['count'] - 1} (the kernel tracks "
                        f"only the first elements of the array; leave it out when it tracks them all)")
    extra = row.get("gvt_engine_flags", {})
    if not isinstance(extra, dict):
        raise SpecError(f"{where}: gvt_engine_flags must be {{ ENGINE = [flags] }}")
    if extra and not r["engine"]:
        raise SpecError(f"{where}: gvt_engine_flags needs engine = true")
    r["gvt_engine_flags"] = {}
    for e, names in extra.items():
        if e not in r["engines"]:
            raise SpecError(f"{where}: gvt_engine_flags names {e}, which the row has no instance on")
        bits = gvt_flag_bits(names, f"{where}.gvt_engine_flags.{e}")
        if bits & r["gvt_flags"]:
            raise SpecError(f"{where}: gvt_engine_flags.{e} repeats a flag of gvt_flags")
        if bits & 1:
            raise SpecError(f"{where}: F_RO goes with gvt_ro, which is per row: not in gvt_engine_flags")
        r["gvt_engine_flags"][e] = bits
    span = (r["gvt_count"] - 1) * r["stride"] + r["width"] // 8
    if kind == "ring" and not r["engine"]:
        raise SpecError(f"{where}: gvt = \"ring\" (MMIO_RING_*) needs engine = true")
    if kind == "block":
        if r["engine"] or r["width"] != 32 or r["stride"] != 4:
            raise SpecError(f"{where}: a GVT-g block is one absolute range of dwords (width 32, stride 4)")
        if span < GVT_BLOCK_MIN:
            raise SpecError(f"{where}: a GVT-g block spans {GVT_BLOCK_MIN} bytes or more (handle_mmio_cb); "
                            f"this one spans {span}")
        if r["gvt_flags"] or r["gvt_engine_flags"] or "gvt_count" in row:
            raise SpecError(f"{where}: a GVT-g block has no attribute flags, gvt_ro or gvt_count (the "
                            f"kernel dispatches it as a range)")
    else:
        if span >= GVT_BLOCK_MIN:
            raise SpecError(f"{where}: the kernel tracks {span} bytes here, which makes it a block "
                            f"(gvt = \"block\"), not per-dword tracking")
        if not r["expand"]:
            raise SpecError(f"{where}: expand = false is only for GVT-g blocks (gvt = \"block\")")
    if not r["expand"] and (r["reset"] or r["ro"] or r["w1c"] or r["masked"] or r["effect"] != "none"
                            or r["user_writable"] or r["fields"]):
        raise SpecError(f"{where}: a row with expand = false has no register instances: no reset, masks, "
                        f"effect, user_writable or fields")


def normalise_reg(row, engine_names, effects, handlers=None):
    where = f"register {row.get('name', '?')}"
    unknown = set(row) - REG_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown columns {sorted(unknown)}")
    for key in ("name", "offset", "cite"):
        if key not in row:
            raise SpecError(f"{where}: missing '{key}'")
    if not REG_NAME_RE.match(row["name"]):
        raise SpecError(f"{where}: name must be [A-Z][A-Z0-9_]* (or _ and a digit first, as i915 spells it)")
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
    if r["count"] > 0xFFFF and row.get("expand", True):
        raise SpecError(f"{where}: count {r['count']} is more register instances than an index holds "
                        f"(65535); a larger range is a GVT-g block with expand = false")
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
    normalise_gvt(row, r, engine_names, handlers or {}, where)
    return r


def expand(regs, engines):
    """One instance per (row, engine, array index), sorted by absolute offset."""
    base = {e["name"]: e["base"] for e in engines}
    order = [e["name"] for e in engines]
    out = []
    ranges = []  # rows with expand = false: no instances, but their range may not overlap anything
    for rid, r in enumerate(regs):
        if not r["expand"]:
            ranges.append((r["offset"], r["offset"] + (r["count"] - 1) * r["stride"] + r["width"] // 8, r["name"]))
            continue
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
    for lo, hi, name in ranges:
        if hi > MMIO_WINDOW:
            raise SpecError(f"{name} at {lo:#x} is outside the 2 MB MMIO window")
        for inst in out:
            if inst["offset"] < hi and lo < inst["offset"] + inst["bytes"]:
                raise SpecError(f"{name} ({lo:#x}) overlaps {inst['name']} ({inst['offset']:#x})")
    for i, (lo, hi, name) in enumerate(ranges):
        for lo2, hi2, name2 in ranges[i + 1:]:
            if lo < hi2 and lo2 < hi:
                raise SpecError(f"{name} ({lo:#x}) overlaps {name2} ({lo2:#x})")
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
    handlers = rg.get("gvt_handlers", {})
    for h, d in handlers.items():
        if not EFFECT_RE.match(h) or h == "none":
            raise SpecError(f"gvt handler id '{h}' must be snake_case and not 'none'")
        if not isinstance(d, str) or not d.strip():
            raise SpecError(f"gvt handler '{h}' needs a one-line description")
    regs = [normalise_reg(row, names, effects, handlers) for row in rg.get("reg", [])]
    seen = set()
    for r in regs:
        if r["name"] in seen:
            raise SpecError(f"register name {r['name']} appears twice")
        seen.add(r["name"])
    used = {r["effect"] for r in regs}
    unused = [e for e in effects if e not in used]
    if unused:
        raise SpecError(f"effects declared but bound to no register: {unused}")
    used = {r["gvt_handler"] for r in regs}
    unused = [h for h in handlers if h not in used]
    if unused:
        raise SpecError(f"gvt handlers declared but bound to no register: {unused}")
    check_canonical(regs)
    instances, _ = expand(regs, engines)
    with open(spec_dir / "commands.toml", "rb") as f:
        cmds = load_commands(tomllib.load(f))
    return engines, skus, (effects, handlers), regs, instances, cmds


# ---------------------------------------------------------------------------------------------
# Commands (commands.toml)

CMD_NAME_RE = re.compile(r"^[0-9A-Z][A-Z0-9_]*$")
HANDLER_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SELECT_RE = re.compile(r"^(\d+):(\d+)$")
CMD_KEYS = {"name", "type", "opcode", "subtype", "subopcode", "subopcode_a", "subopcode_b", "engines",
            "length", "default_len", "valid_len", "privilege", "cost", "gvt_handler", "cite", "fields"}
FIELD_KEYS = {"name", "dw", "bits", "type", "space", "ggtt_if", "ppgtt_if", "repeat"}
# Engines a command row may list; a VCS row also runs on VCS2 (commands.toml header).
CMD_ENGINES = ["RCS", "BCS", "VCS", "VECS"]
# The generated enums. Their order is the C++ enumerators' order; the TOML spelling is the name array.
CMD_TYPES = {"MI": "mi", "2D": "blt", "GFX": "gfx"}
CMD_PRIVILEGES = {"any": "any", "privileged": "privileged", "ggtt": "ggtt", "register": "per_register"}
CMD_COSTS = ["mi", "mi_mem", "mi_wait", "state", "pipe_control", "primitive", "walker", "media", "blit",
             "mfx", "vebox", "flush"]
FIELD_TYPES = {"uint": "uint", "int": "sint", "bool": "boolean", "address": "address", "offset": "offset",
               "enum": "enumerated", "float": "float32", "mbo": "mbo"}
SPACES = ["none", "ggtt", "ppgtt", "context", "ggtt_if", "ppgtt_if"]
# DW0 bits that identify an instruction, by type (gvt-reference §2.5; kernel gvt/cmd_parser.c
# sub_op_mi / sub_op_2d / sub_op_3d_media / sub_op_mfx_vc): the type in 31:29 and the opcode below it.
OPCODE_MASK = {"MI": 0xFF800000, "2D": 0xFFC00000, "GFX": 0xFFFF0000}
# The lowest opcode bit; a length field must stay below it.
OPCODE_LOW_BIT = {"MI": 23, "2D": 22, "GFX": 16}
# A field name is printed as `name=value; ...` and quoted in JSON: keep those characters out of it.
FIELD_NAME_BAD = re.compile(r'[=;"\\\x00-\x1f\x7f]')


def cxx_ident(name):
    """UPPER_SNAKE C++ identifier of a genxml / PRM name: runs of other characters become '_', and a
    leading digit gets a leading '_' (3DSTATE_VS -> _3DSTATE_VS)."""
    ident = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    if not ident:
        return ""
    return "_" + ident if ident[0].isdigit() else ident


def cmd_max_len(length):
    return length["fixed"] if "fixed" in length else (1 << length["bits"]) - 1 + length["bias"]


def cmd_min_len(length):
    return length["fixed"] if "fixed" in length else length["bias"]


def normalise_length(row, where):
    length = row.get("length")
    if not isinstance(length, dict):
        raise SpecError(f"{where}: 'length' must be {{ fixed = N }} or {{ bits = B, bias = K }}")
    if set(length) == {"fixed"}:
        n = length["fixed"]
        if not isinstance(n, int) or not 1 <= n <= 0xFFFF:
            raise SpecError(f"{where}: fixed length {n} must be 1..65535 dwords")
        return {"fixed": n}
    if set(length) == {"bits", "bias"}:
        b, k = length["bits"], length["bias"]
        low = OPCODE_LOW_BIT[row["type"]]
        if not isinstance(b, int) or not 1 <= b <= low:
            raise SpecError(f"{where}: length bits {b} must be 1..{low} (the length field sits below the "
                            f"opcode bits {31}:{low})")
        if not isinstance(k, int) or not 1 <= k <= 2:
            raise SpecError(f"{where}: length bias {k} must be 1 or 2 (DW0 itself, and the kernel's "
                            f"OP_LENGTH_BIAS 2)")
        return {"bits": b, "bias": k}
    raise SpecError(f"{where}: 'length' must be {{ fixed = N }} or {{ bits = B, bias = K }}, got {length}")


def normalise_match(row, where):
    """(match, mask) of DW0 for the row's type and opcodes."""
    t = row["type"]
    op = row.get("opcode")
    if not isinstance(op, int):
        raise SpecError(f"{where}: missing or bad 'opcode'")
    gfx_keys = {"subtype", "subopcode", "subopcode_a", "subopcode_b"} & set(row)
    if t == "MI":
        if gfx_keys:
            raise SpecError(f"{where}: {sorted(gfx_keys)} are for GFX rows")
        if not 0 <= op <= 0x3F:
            raise SpecError(f"{where}: MI opcode {op:#x} outside 28:23 (0..0x3f)")
        return op << 23, OPCODE_MASK[t], None
    if t == "2D":
        if gfx_keys:
            raise SpecError(f"{where}: {sorted(gfx_keys)} are for GFX rows")
        if not 0 <= op <= 0x7F:
            raise SpecError(f"{where}: 2D opcode {op:#x} outside 28:22 (0..0x7f)")
        return (2 << 29) | (op << 22), OPCODE_MASK[t], None
    st = row.get("subtype")
    if not isinstance(st, int) or not 0 <= st <= 3:
        raise SpecError(f"{where}: GFX subtype must be 0..3 (28:27)")
    if not 0 <= op <= 7:
        raise SpecError(f"{where}: GFX opcode {op:#x} outside 26:24 (0..7)")
    if "subopcode" in row:
        if "subopcode_a" in row or "subopcode_b" in row:
            raise SpecError(f"{where}: give subopcode or subopcode_a/subopcode_b, not both")
        sub = row["subopcode"]
        if not isinstance(sub, int) or not 0 <= sub <= 0xFF:
            raise SpecError(f"{where}: subopcode {sub} outside 23:16 (0..0xff)")
        split = None
    elif "subopcode_a" in row and "subopcode_b" in row:
        a, b = row["subopcode_a"], row["subopcode_b"]
        if not (isinstance(a, int) and 0 <= a <= 7 and isinstance(b, int) and 0 <= b <= 0x1F):
            raise SpecError(f"{where}: subopcode_a (23:21) must be 0..7 and subopcode_b (20:16) 0..0x1f")
        sub = (a << 5) | b
        split = (a, b)
    else:
        raise SpecError(f"{where}: a GFX row needs subopcode, or subopcode_a and subopcode_b")
    return (3 << 29) | (st << 27) | (op << 24) | (sub << 16), OPCODE_MASK[t], split


def parse_select(text, where):
    m = SELECT_RE.match(str(text))
    if not m or int(m.group(2)) > 31:
        raise SpecError(f"{where}: selector '{text}' must be 'D:B' (dword D, bit B <= 31)")
    return int(m.group(1)), int(m.group(2))


def normalise_field(f, c, where_cmd):
    where = f"{where_cmd} field '{f.get('name', '?')}'"
    unknown = set(f) - FIELD_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "dw", "bits", "type"):
        if key not in f:
            raise SpecError(f"{where}: missing '{key}'")
    name = f["name"]
    if not isinstance(name, str) or not name.strip() or FIELD_NAME_BAD.search(name) or name != name.strip():
        raise SpecError(f"{where}: a field name is printable text without '=', ';', quotes or backslashes")
    ident = cxx_ident(name)
    if not ident:
        raise SpecError(f"{where}: the name gives no C++ identifier")
    if f["type"] not in FIELD_TYPES:
        raise SpecError(f"{where}: type '{f['type']}' is not one of {sorted(FIELD_TYPES)}")
    dw = f["dw"]
    if not isinstance(dw, int) or dw < 0:
        raise SpecError(f"{where}: bad dw {dw}")
    hi, lo = parse_bits(f["bits"], 64, where)
    if lo > 31:
        raise SpecError(f"{where}: bits '{f['bits']}' start in the next dword: give dw + 1 and bits below 32")
    if f["type"] == "float" and (hi - lo + 1) != 32:
        raise SpecError(f"{where}: a float field is 32 bits wide")
    span = 2 if hi > 31 else 1
    spaces = [k for k in ("space", "ggtt_if", "ppgtt_if") if k in f]
    space, sel = "none", (0, 0)
    if f["type"] == "address":
        if len(spaces) != 1:
            raise SpecError(f"{where}: an address field needs exactly one of space / ggtt_if / ppgtt_if")
        if "space" in f:
            space = f["space"]
            if space not in ("ggtt", "ppgtt", "context"):
                raise SpecError(f"{where}: space '{space}' is not ggtt, ppgtt or context")
        else:
            space = spaces[0]
            sel = parse_select(f[space], where)
            if sel[0] >= cmd_max_len(c["length"]):
                raise SpecError(f"{where}: selector dword {sel[0]} is beyond the command's maximum length "
                                f"{cmd_max_len(c['length'])}")
    elif spaces:
        raise SpecError(f"{where}: {spaces[0]} is only for address fields")
    rep = f.get("repeat")
    maxlen = cmd_max_len(c["length"])
    if rep is not None:
        if not isinstance(rep, dict) or set(rep) != {"from_dw", "stride"}:
            raise SpecError(f"{where}: repeat must be {{ from_dw = D, stride = S }}")
        frm, stride = rep["from_dw"], rep["stride"]
        if not (isinstance(frm, int) and frm >= 1 and isinstance(stride, int) and stride >= 1):
            raise SpecError(f"{where}: repeat from_dw must be >= 1 (DW0 is the header) and stride >= 1")
        if dw + span > stride:
            raise SpecError(f"{where}: dw {dw} (+{span} dwords) does not fit a group of {stride} dwords")
        if frm + stride > maxlen:
            raise SpecError(f"{where}: not even one group (dwords {frm}..{frm + stride - 1}) fits the "
                            f"command's maximum length {maxlen}")
        rep = (frm, stride)
    else:
        if dw + span > maxlen:
            raise SpecError(f"{where}: dwords {dw}..{dw + span - 1} are beyond the command's maximum "
                            f"length {maxlen}")
        rep = (0, 0)
    return {"name": name, "ident": ident, "dw": dw, "hi": hi, "lo": lo, "type": f["type"],
            "space": space, "sel": sel, "repeat": rep,
            "in_place": f["type"] in ("address", "offset")}


def field_masks(f, base_dw):
    """{absolute dword: bit mask} the field covers, its group starting at `base_dw`."""
    bits = ((1 << (f["hi"] - f["lo"] + 1)) - 1) << f["lo"]
    d = base_dw + f["dw"]
    out = {d: bits & 0xFFFFFFFF}
    if bits >> 32:
        out[d + 1] = bits >> 32
    return out


def check_field_layout(c, where):
    """Fields clear of DW0's header and of each other (fixed part and one repeated group)."""
    header = c["mask"]
    if "bits" in c["length"]:
        header |= (1 << c["length"]["bits"]) - 1
    used = {}   # (group or None, dword) -> [(mask, field name)]
    for f in c["fields"]:
        group = f["repeat"] if f["repeat"][1] else None
        for d, m in field_masks(f, 0).items():
            if group is None and d == 0 and m & header:
                raise SpecError(f"{where} field '{f['name']}': bits {f['hi']}:{f['lo']} overlap DW0's header "
                                f"(opcode and length bits {header:#010x})")
            for om, oname in used.get((group, d), []):
                if om & m:
                    raise SpecError(f"{where}: fields '{oname}' and '{f['name']}' overlap in dword {d}"
                                    + (f" of the repeated group" if group else ""))
            used.setdefault((group, d), []).append((m, f["name"]))
    # Repeated groups start after the fixed fields, and all repeating fields share one layout.
    groups = {f["repeat"] for f in c["fields"] if f["repeat"][1]}
    if len(groups) > 1:
        raise SpecError(f"{where}: repeated fields use different groups {sorted(groups)}")
    if groups:
        frm = next(iter(groups))[0]
        last_fixed = max((f["dw"] + (1 if f["hi"] > 31 else 0) for f in c["fields"] if not f["repeat"][1]),
                         default=0)
        if last_fixed >= frm:
            raise SpecError(f"{where}: a fixed field reaches dword {last_fixed}, inside the repeated groups "
                            f"that start at dword {frm}")


def normalise_cmd(row, idx):
    where = f"command {row.get('name', f'#{idx}')}"
    unknown = set(row) - CMD_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "type", "opcode", "engines", "length", "privilege", "cost", "cite"):
        if key not in row:
            raise SpecError(f"{where}: missing '{key}'")
    name = row["name"]
    if not isinstance(name, str) or not CMD_NAME_RE.match(name):
        raise SpecError(f"{where}: name must be [0-9A-Z][A-Z0-9_]* (genxml / PRM spelling)")
    if row["type"] not in CMD_TYPES:
        raise SpecError(f"{where}: type '{row['type']}' is not one of {list(CMD_TYPES)}")
    match, mask, split = normalise_match(row, where)
    engines = row["engines"]
    if not engines or any(e not in CMD_ENGINES for e in engines) or len(set(engines)) != len(engines):
        raise SpecError(f"{where}: engines {engines} must be distinct names from {CMD_ENGINES} "
                        f"(a VCS row also runs on VCS2)")
    if engines != sorted(engines, key=CMD_ENGINES.index):
        raise SpecError(f"{where}: list engines in i915 order {CMD_ENGINES}")
    if row["type"] == "2D" and engines != ["BCS"]:
        raise SpecError(f"{where}: 2D (XY_*) instructions are decoded on BCS only (gvt-reference §2.5)")
    if split is not None and any(e not in ("VCS", "VECS") for e in engines):
        raise SpecError(f"{where}: subopcode_a/subopcode_b split is the MFX/VEBOX form (VCS, VECS)")
    length = normalise_length(row, where)
    lo_len, hi_len = cmd_min_len(length), cmd_max_len(length)
    valid = row.get("valid_len", 0)
    if "valid_len" in row:
        if "fixed" in length:
            raise SpecError(f"{where}: valid_len is for variable-length encodings (F_LEN_VAR_FIXED)")
        if not isinstance(valid, int) or not lo_len <= valid <= hi_len:
            raise SpecError(f"{where}: valid_len {valid} outside the encodable {lo_len}..{hi_len}")
    default = row.get("default_len", valid or lo_len)
    if not isinstance(default, int) or not lo_len <= default <= hi_len:
        raise SpecError(f"{where}: default_len {default} outside the encodable {lo_len}..{hi_len}")
    if valid and default != valid:
        raise SpecError(f"{where}: default_len {default} differs from valid_len {valid}: the packer's "
                        f"default must be a length GVT-g accepts")
    if row["privilege"] not in CMD_PRIVILEGES:
        raise SpecError(f"{where}: privilege '{row['privilege']}' is not one of {list(CMD_PRIVILEGES)}")
    if row["cost"] not in CMD_COSTS:
        raise SpecError(f"{where}: cost '{row['cost']}' is not one of {CMD_COSTS}")
    handler = row.get("gvt_handler", "")
    if handler and not HANDLER_RE.match(handler):
        raise SpecError(f"{where}: gvt_handler '{handler}' must be snake_case without 'cmd_handler_'")
    if not isinstance(row["cite"], str) or not row["cite"].strip():
        raise SpecError(f"{where}: empty cite")
    c = {"name": name, "ident": cxx_ident(name), "type": row["type"], "opcode": row["opcode"],
         "subtype": row.get("subtype", 0), "sub": (match >> 16) & 0xFF if row["type"] == "GFX" else 0,
         "match": match, "mask": mask, "engines": engines, "length": length, "default_len": default,
         "valid_len": valid, "privilege": row["privilege"], "cost": row["cost"], "handler": handler,
         "cite": row["cite"]}
    fields = [normalise_field(f, c, where) for f in row.get("fields", [])]
    idents = {}
    for f in fields:
        if f["ident"] in idents:
            raise SpecError(f"{where}: fields '{idents[f['ident']]}' and '{f['name']}' give the same "
                            f"identifier {f['ident']}")
        idents[f["ident"]] = f["name"]
    c["fields"] = fields
    check_field_layout(c, where)
    return c


def cmd_order_key(c):
    """Canonical order: MI, 2D, GFX; then opcode, subtype, subopcode; then the first engine."""
    return (list(CMD_TYPES).index(c["type"]), c["opcode"], c["subtype"], c["sub"],
            CMD_ENGINES.index(c["engines"][0]))


def engine_set(c):
    """Engine instances a row runs on: VCS rows also run on VCS2."""
    out = set(c["engines"])
    if "VCS" in out:
        out.add("VCS2")
    return out


def load_commands(spec):
    rows = spec.get("command", [])
    if not isinstance(rows, list):
        raise SpecError("commands.toml: use [[command]] blocks")
    cmds = [normalise_cmd(r, i) for i, r in enumerate(rows)]
    seen = {}
    for c in cmds:
        if c["name"] in seen or c["ident"] in seen:
            raise SpecError(f"command name {c['name']} appears twice")
        seen[c["name"]] = seen[c["ident"]] = c
    for i, a in enumerate(cmds):
        for b in cmds[i + 1:]:
            shared = engine_set(a) & engine_set(b)
            if shared and ((a["match"] ^ b["match"]) & a["mask"] & b["mask"]) == 0:
                raise SpecError(f"commands {a['name']} and {b['name']} decode the same DW0 "
                                f"({a['match']:#010x}) on {sorted(shared)}")
    for i in range(1, len(cmds)):
        if cmd_order_key(cmds[i]) < cmd_order_key(cmds[i - 1]):
            raise SpecError(f"canonical order: {cmds[i]['name']} must come before {cmds[i - 1]['name']} "
                            f"(MI, 2D, GFX; then opcode, subtype, subopcode, engine)")
    return cmds


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


def gvt_flag_names(bits):
    return [f for i, f in enumerate(GVT_FLAGS) if bits >> i & 1]


def gvt_flags_expr(bits):
    return " | ".join(f"kGvt{f}" for f in gvt_flag_names(bits)) or "0"


def emit_registers(regs, effects, handlers, instances, engines):
    nrow, ninst = len(regs), len(instances)
    eff_names = ["none"] + list(effects)
    hnd_names = ["none"] + list(handlers)
    eng_names = [e["name"] for e in engines]
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
    h += ["}};", "",
          "// GVT-g: the kernel's per-dword MMIO attribute flags (gvt/gvt.h F_*, gvt-reference §2.2), in its",
          "// bit order. A row's gvt_flags is the attribute the kernel gives each of its dwords on BDW."]
    h += [f"inline constexpr uint16_t kGvt{f} = 1u << {i};" for i, f in enumerate(GVT_FLAGS)]
    h += [f"inline constexpr std::array<std::string_view, {len(GVT_FLAGS)}> kGvtFlagNames = {{{{"]
    h += [f"    {cstr(f)}," for f in GVT_FLAGS]
    h += ["}};", "",
          "// How the kernel tracks a row on BDW (intel_gvt_mmio_table.c): not at all; MMIO_D / MMIO_F at",
          "// fixed offsets; MMIO_RING_D / MMIO_RING_F (per engine; VCS2 only when the SKU has it); or as a",
          "// block (a range of 1 KB or more dispatched as a whole: PVINFO, the MCHBAR mirror, palettes).",
          "enum class GvtTrack : uint8_t { " + ", ".join(GVT_TRACKS) + " };",
          f"inline constexpr std::array<std::string_view, {len(GVT_TRACKS)}> kGvtTrackNames = {{"
          + ", ".join(cstr(t) for t in GVT_TRACKS) + "};", "",
          "// The kernel's special MMIO read/write handler of a tracked row ([gvt_handlers] in",
          "// registers.toml). The mediation core binds behaviour to these ids, never to names.",
          "enum class GvtHandler : uint8_t {"]
    h += [f"  {x}," for x in hnd_names]
    h += ["};", f"inline constexpr std::size_t kGvtHandlerCount = {len(hnd_names)};",
          f"inline constexpr std::array<std::string_view, {len(hnd_names)}> kGvtHandlerNames = {{{{"]
    h += [f"    {cstr(x)}," for x in hnd_names]
    h += ["}};", f"inline constexpr std::array<std::string_view, {len(hnd_names)}> kGvtHandlerDescriptions = {{{{",
          f"    {cstr('default: the vreg holds what the guest wrote (after ro_mask and mode-mask rules)')},"]
    h += [f"    {cstr(handlers[x])}," for x in handlers]
    h += ["}};", "", "// One row of registers.toml.", "enum class RegId : uint16_t {"]
    h += [f"  {r['name']}," for r in regs]
    h += ["};", f"inline constexpr std::size_t kRegRowCount = {nrow};", "",
          "struct RegRow {",
          "  std::string_view name;",
          "  uint32_t offset;          // absolute, or relative to the engine base when per_engine",
          "  uint8_t width;            // 32 or 64",
          "  uint32_t count;           // array length (1 for a single register)",
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
          "  bool expanded;            // false: a range only (a GVT-g block), no RegInstance holds it",
          "  // GVT-g policy on BDW (docs/tables.md): the kernel's tracked list and handlers.",
          "  bool tracked;             // the kernel tracks it (gvt != none)",
          "  GvtTrack gvt;",
          "  uint16_t gvt_flags;       // kGvtF_* of every tracked dword",
          "  uint64_t gvt_ro;          // the kernel's ro_mask (0: none)",
          "  GvtHandler gvt_handler;",
          "  uint32_t gvt_count;       // array elements tracked, from index 0 (count when all)",
          "  std::array<uint16_t, kEngineCount> gvt_engine_flags;  // extra flags of one engine's instance",
          "  std::string_view gvt_cite;",
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
          "",
          "// GVT-g per instance: whether the kernel tracks it dword by dword (mmio or ring rows, within",
          "// gvt_count; blocks are ranges, see find_gvt_block) and the attribute flags of its dwords.",
          "bool gvt_tracked(const RegInstance& r);",
          "uint16_t gvt_flags(const RegInstance& r);",
          "// The GVT-g block (gvt = block row) covering byte `offset`, or nullptr.",
          "const RegRow* find_gvt_block(uint32_t offset);",
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
            ctype = "uint16_t" if r["count"] <= 0xFFFF else "uint32_t"
            h.append(f"inline constexpr {ctype} count = {r['count']};")
            h.append(f"constexpr uint32_t at(unsigned i) {{ return offset + i * {r['stride']}u; }}")
        for fname, hi, lo in r["fields"]:
            h.append(f"inline constexpr Field {fname}{{{hi}, {lo}}};")
        h.append(f"}}  // namespace {r['name']}")
    h += ["}  // namespace reg", "", "}  // namespace gvtsim::spec::gen8", ""]

    c = [HEADER, '#include "spec/gen8/registers.h"', "", "#include <algorithm>", "",
         "namespace gvtsim::spec::gen8 {", "", f"const std::array<RegRow, {nrow}> kRegRows = {{{{"]
    for r in regs:
        ef = ", ".join(gvt_flags_expr(r["gvt_engine_flags"].get(e, 0)) for e in eng_names)
        c.append(f"    {{{cstr(r['name'])}, {r['offset']:#x}, {r['width']}, {r['count']}, {r['stride']}, "
                 f"{r['reset']:#x}ull, {r['ro']:#x}ull, {r['w1c']:#x}ull, {str(r['masked']).lower()}, "
                 f"{str(r['engine']).lower()}, {str(r['user_writable']).lower()}, "
                 f"{engine_mask_expr(r['engines'])}, RegEffect::{r['effect']}, {cstr(r['cite'])},\n"
                 f"     {str(r['expand']).lower()}, {str(r['gvt'] != 'none').lower()}, GvtTrack::{r['gvt']}, "
                 f"{gvt_flags_expr(r['gvt_flags'])}, {r['gvt_ro']:#x}ull, GvtHandler::{r['gvt_handler']}, "
                 f"{r['gvt_count']}, {{{{{ef}}}}}, {cstr(r['gvt_cite'])}}},")
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
          "}", "",
          "bool gvt_tracked(const RegInstance& r) {",
          "  const RegRow& row = r.row();",
          "  return (row.gvt == GvtTrack::mmio || row.gvt == GvtTrack::ring) && r.index < row.gvt_count;",
          "}", "",
          "uint16_t gvt_flags(const RegInstance& r) {",
          "  if (!gvt_tracked(r)) return 0;",
          "  const RegRow& row = r.row();",
          "  return uint16_t(row.gvt_flags | (row.per_engine ? row.gvt_engine_flags[static_cast<std::size_t>(r.engine)] : 0));",
          "}", "",
          "namespace {",
          "// The block rows, by offset.",
          "constexpr RegId kGvtBlocks[] = {"]
    blocks = sorted((r["offset"], r["name"]) for r in regs if r["gvt"] == "block")
    c += [f"    RegId::{n}," for _, n in blocks]
    c += ["};",
          "}  // namespace", "",
          "const RegRow* find_gvt_block(uint32_t offset) {",
          "  for (RegId id : kGvtBlocks) {",
          "    const RegRow& row = reg_row(id);",
          "    if (offset >= row.offset && offset - row.offset < row.bytes()) return &row;",
          "  }",
          "  return nullptr;",
          "}", "", "}  // namespace gvtsim::spec::gen8", ""]
    return "\n".join(h), "\n".join(c)


def emit_reference(regs, effects, handlers):
    tracked = [r for r in regs if r["gvt"] != "none"]
    out = ["# Register reference (Gen8)", "",
           "Generated from `spec/gen8/registers.toml` by `spec/gen8/gen_tables.py`; do not edit. "
           "Engine-relative rows are offsets from the engine base (RCS 0x2000, BCS 0x22000, VCS 0x12000, "
           "VCS2 0x1C000, VECS 0x1A000). The GVT-g columns are the kernel's policy on BDW "
           "(docs/tables.md): `gvt` how it tracks the row (mmio, ring or block), the attribute flags "
           "(F_ omitted; `@RCS:` flags of one engine's instance only), `gvt_ro` its ro_mask, the special "
           "handler; their cites are in registers.toml (`gvt_cite`).", "",
           f"{len(regs)} rows, {len(tracked)} tracked by GVT-g.", "",
           "| name | offset | width | count | reset | ro | w1c | masked | engines | effect | user | gvt | gvt flags | gvt_ro | gvt handler | cite |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in regs:
        eng = ",".join(r["engines"]) if r["engine"] else "—"
        gvt = "" if r["gvt"] == "none" else r["gvt"]
        if r["gvt"] != "none" and r["gvt_count"] != r["count"]:
            gvt += f" (first {r['gvt_count']})"
        if not r["expand"]:
            gvt += " (range only)"
        flags = [f[2:] for f in gvt_flag_names(r["gvt_flags"])]
        flags += [f"@{e}:" + "+".join(f[2:] for f in gvt_flag_names(b)) for e, b in r["gvt_engine_flags"].items()]
        gvt_ro = f"{r['gvt_ro']:#x}" if r["gvt_ro"] else ""
        out.append(f"| {r['name']} | {'+' if r['engine'] else ''}{r['offset']:#x} | {r['width']} | {r['count']} | "
                   f"{r['reset']:#x} | {r['ro']:#x} | {r['w1c']:#x} | {'yes' if r['masked'] else ''} | {eng} | "
                   f"{'' if r['effect'] == 'none' else r['effect']} | {'yes' if r['user_writable'] else ''} | "
                   f"{gvt} | {' '.join(flags)} | {gvt_ro} | "
                   f"{'' if r['gvt_handler'] == 'none' else r['gvt_handler']} | {md_cell(r['cite'])} |")
    out += ["", "## Side effects", "", "| id | meaning |", "|---|---|"]
    out += [f"| {e} | {d} |" for e, d in effects.items()]
    out += ["", "## GVT-g handlers", "", "| id | the kernel's handler |", "|---|---|"]
    out += [f"| {h} | {md_cell(d)} |" for h, d in handlers.items()]
    return "\n".join(out) + "\n"


def cmd_engine_mask_expr(c):
    return engine_mask_expr([e for e in ("RCS", "BCS", "VCS", "VCS2", "VECS") if e in engine_set(c)])


def cmd_header(c, n):
    """DW0 of `c` for a command of `n` dwords."""
    return c["match"] | (0 if "fixed" in c["length"] else n - c["length"]["bias"])


def bits_init(f):
    """Brace initialiser of the field's CmdBits, trailing defaults (not in place, not repeated) left out."""
    parts = [str(f["dw"]), str(f["hi"]), str(f["lo"])]
    if f["in_place"] or f["repeat"][1]:
        parts.append("true" if f["in_place"] else "false")
    if f["repeat"][1]:
        parts += [str(f["repeat"][0]), str(f["repeat"][1])]
    return "{" + ", ".join(parts) + "}"


def decode_tables(cmds, engines):
    """Per-engine lookup: MI by 28:23, 2D by 28:22, GFX by 28:24 into 256-entry blocks by 23:16."""
    none = 0xFFFF
    blocks, block_of = [], {}
    tables = []
    for e in engines:
        name = e["name"]
        mi, blt, gfx = [none] * 64, [none] * 128, [0xFF] * 32
        for i, c in enumerate(cmds):
            if name not in engine_set(c):
                continue
            if c["type"] == "MI":
                mi[c["opcode"]] = i
            elif c["type"] == "2D":
                blt[c["opcode"]] = i
            else:
                hi = (c["subtype"] << 3) | c["opcode"]
                key = (name, hi)
                if key not in block_of:
                    block_of[key] = len(blocks)
                    blocks.append([none] * 256)
                gfx[hi] = block_of[key]
                blocks[block_of[key]][c["sub"]] = i
        tables.append((name, mi, blt, gfx))
    if len(blocks) >= 0xFF:
        raise SpecError("too many GFX decode blocks for a uint8_t index")
    return tables, blocks


def hex_rows(values, per_line, width):
    out = []
    for i in range(0, len(values), per_line):
        out.append("      " + ", ".join(f"{v:#0{width}x}" for v in values[i:i + per_line]) + ",")
    return out


def emit_commands(cmds, engines):
    n = len(cmds)
    h = [HEADER, "#pragma once", "#include <array>", "#include <cstdint>", "#include <span>", "#include <string_view>",
         '#include "spec/gen8/cmd_field.h"', '#include "spec/gen8/engines.h"', "",
         "namespace gvtsim::spec::gen8 {", "",
         "// How DW0 is matched (commands.toml `type`): MI 31:29 = 0, 2D 31:29 = 2, GFX 31:29 = 3.",
         "enum class CmdType : uint8_t { " + ", ".join(CMD_TYPES.values()) + " };",
         f"inline constexpr std::array<std::string_view, {len(CMD_TYPES)}> kCmdTypeNames = {{"
         + ", ".join(cstr(t) for t in CMD_TYPES) + "};",
         "// What a non-privileged (PPGTT) batch may do with the command (decisions D8; commands.toml).",
         "enum class CmdPrivilege : uint8_t { " + ", ".join(CMD_PRIVILEGES.values()) + " };",
         f"inline constexpr std::array<std::string_view, {len(CMD_PRIVILEGES)}> kCmdPrivilegeNames = {{"
         + ", ".join(cstr(t) for t in CMD_PRIVILEGES) + "};",
         "// Cost class, charged by the cost table (decisions D12).",
         "enum class CmdCost : uint8_t { " + ", ".join(CMD_COSTS) + " };",
         f"inline constexpr std::array<std::string_view, {len(CMD_COSTS)}> kCmdCostNames = {{"
         + ", ".join(cstr(t) for t in CMD_COSTS) + "};",
         "// A field's type, as genxml types it (int = signed).",
         "enum class CmdFieldType : uint8_t { " + ", ".join(FIELD_TYPES.values()) + " };",
         f"inline constexpr std::array<std::string_view, {len(FIELD_TYPES)}> kCmdFieldTypeNames = {{"
         + ", ".join(cstr(t) for t in FIELD_TYPES) + "};",
         "// The address space of an address field: fixed (ggtt, ppgtt, or the executing context's),",
         "// or chosen by a selector bit (ggtt_if: set = GGTT, clear = PPGTT; ppgtt_if: the reverse).",
         "enum class CmdSpace : uint8_t { " + ", ".join(SPACES) + " };",
         f"inline constexpr std::array<std::string_view, {len(SPACES)}> kCmdSpaceNames = {{"
         + ", ".join(cstr(t) for t in SPACES) + "};", "",
         "// One field of a command row.",
         "struct CmdField {",
         "  std::string_view name;   // genxml / PRM spelling",
         "  CmdBits bits;            // where it is (spec/gen8/cmd_field.h)",
         "  CmdFieldType type;",
         "  CmdSpace space;          // addresses only; none otherwise",
         "  uint8_t select_dw;       // ggtt_if / ppgtt_if: the selector bit's dword and bit",
         "  uint8_t select_bit;",
         "};", "",
         "// The length rule: `fixed` dwords, or (DW0 & ((1 << bits) - 1)) + bias.",
         "struct CmdLength {",
         "  uint16_t fixed;          // nonzero: always this many dwords",
         "  uint8_t bits;            // else: width of the length field DW0 (bits - 1):0",
         "  uint8_t bias;",
         "  constexpr bool is_fixed() const { return fixed != 0; }",
         "  constexpr uint32_t field_mask() const { return is_fixed() ? 0u : (1u << bits) - 1u; }",
         "  constexpr uint32_t min() const { return is_fixed() ? fixed : bias; }",
         "  constexpr uint32_t max() const { return is_fixed() ? fixed : field_mask() + bias; }",
         "  // Dwords of the command whose DW0 is `dw0`.",
         "  constexpr uint32_t of(uint32_t dw0) const { return is_fixed() ? fixed : (dw0 & field_mask()) + bias; }",
         "};", "",
         "// One row of commands.toml, in canonical order. Identifiers of names that start with a digit",
         "// get a leading '_' (CmdId::_3DSTATE_VS); `name` keeps the PRM spelling.",
         "enum class CmdId : uint16_t {"]
    h += [f"  {c['ident']}," for c in cmds]
    h += ["};", f"inline constexpr std::size_t kCmdRowCount = {n};", "",
          "struct CmdRow {",
          "  std::string_view name;",
          "  CmdId id;",
          "  CmdType type;",
          "  uint32_t match;          // DW0 & mask == match identifies the command",
          "  uint32_t mask;           // the type and opcode bits",
          "  EngineMask engines;      // engines that decode it (a VCS row also runs on VCS2)",
          "  CmdLength length;",
          "  uint16_t default_len;    // nominal length, for packers",
          "  uint16_t valid_len;      // the length GVT-g requires (F_LEN_VAR_FIXED); 0 = any",
          "  CmdPrivilege privilege;",
          "  CmdCost cost;",
          "  std::string_view gvt_handler;  // kernel cmd_handler_<name>, empty when none",
          "  std::string_view cite;",
          "  std::span<const CmdField> fields;",
          "  constexpr bool matches(uint32_t dw0) const { return (dw0 & mask) == match; }",
          "};", "",
          f"extern const std::array<CmdRow, {n}> kCmdRows;",
          "inline const CmdRow& cmd_row(CmdId id) { return kCmdRows[static_cast<std::size_t>(id)]; }", "",
          "namespace detail {",
          "// Per-engine decode tables behind decode_header() (spec/gen8/command.h): row index by the",
          "// opcode bits, kCmdNoRow when none. GFX goes through a block per (subtype, opcode) indexed",
          "// by the subopcode.",
          "inline constexpr uint16_t kCmdNoRow = 0xFFFF;",
          "inline constexpr uint8_t kCmdNoBlock = 0xFF;",
          "struct CmdDecodeTable {",
          "  std::array<uint16_t, 64> mi;      // DW0 28:23",
          "  std::array<uint16_t, 128> blt;    // DW0 28:22",
          "  std::array<uint8_t, 32> gfx;      // DW0 28:24 -> block",
          "};",
          "extern const std::array<CmdDecodeTable, kEngineCount> kCmdDecode;",
          "extern const std::span<const std::array<uint16_t, 256>> kCmdGfxBlocks;  // by DW0 23:16",
          "}  // namespace detail", "",
          "// Typed per-command constants: cmd::MI_STORE_DATA_IMM::id, ::header (DW0 at default_len),",
          "// ::default_len and one CmdBits per field (cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR).",
          "// Field identifiers are the genxml names in UPPER_SNAKE. Never looked up by string.",
          "namespace cmd {"]
    for c in cmds:
        h.append(f"namespace {c['ident']} {{")
        h.append(f"inline constexpr CmdId id = CmdId::{c['ident']};")
        h.append(f"inline constexpr uint32_t header = {cmd_header(c, c['default_len']):#010x};")
        h.append(f"inline constexpr uint16_t default_len = {c['default_len']};")
        for f in c["fields"]:
            h.append(f"inline constexpr CmdBits {f['ident']}{bits_init(f)};")
        h.append(f"}}  // namespace {c['ident']}")
    h += ["}  // namespace cmd", "", "}  // namespace gvtsim::spec::gen8", ""]

    cpp = [HEADER, '#include "spec/gen8/commands.h"', "", "namespace gvtsim::spec::gen8 {", "namespace {", ""]
    for c in cmds:
        if not c["fields"]:
            continue
        cpp.append(f"constexpr CmdField kFields_{c['ident']}[] = {{")
        for f in c["fields"]:
            cpp.append(f"    {{{cstr(f['name'])}, {bits_init(f)}, CmdFieldType::{FIELD_TYPES[f['type']]}, "
                       f"CmdSpace::{f['space']}, {f['sel'][0]}, {f['sel'][1]}}},")
        cpp.append("};")
    cpp += ["", "}  // namespace", "", f"const std::array<CmdRow, {n}> kCmdRows = {{{{"]
    for c in cmds:
        ln = c["length"]
        length = f"{{{ln['fixed']}, 0, 0}}" if "fixed" in ln else f"{{0, {ln['bits']}, {ln['bias']}}}"
        fields = f"kFields_{c['ident']}" if c["fields"] else "{}"
        cpp.append(f"    {{{cstr(c['name'])}, CmdId::{c['ident']}, CmdType::{CMD_TYPES[c['type']]}, "
                   f"{c['match']:#010x}, {c['mask']:#010x}, {cmd_engine_mask_expr(c)}, {length}, "
                   f"{c['default_len']}, {c['valid_len']}, CmdPrivilege::{CMD_PRIVILEGES[c['privilege']]}, "
                   f"CmdCost::{c['cost']}, {cstr(c['handler'])},\n     {cstr(c['cite'])},\n     {fields}}},")
    cpp += ["}};", ""]
    tables, blocks = decode_tables(cmds, engines)
    cpp += ["namespace detail {", "namespace {", f"constexpr std::array<std::array<uint16_t, 256>, {len(blocks)}> kBlocks = {{{{"]
    for b in blocks:
        cpp.append("    {{")
        cpp += hex_rows(b, 16, 6)
        cpp.append("    }},")
    cpp += ["}};", "}  // namespace", "",
            "const std::span<const std::array<uint16_t, 256>> kCmdGfxBlocks{kBlocks};", "",
            "const std::array<CmdDecodeTable, kEngineCount> kCmdDecode = {{"]
    for name, mi, blt, gfx in tables:
        cpp.append(f"    {{  // {name}")
        cpp.append("     {{")
        cpp += hex_rows(mi, 16, 6)
        cpp.append("     }},")
        cpp.append("     {{")
        cpp += hex_rows(blt, 16, 6)
        cpp.append("     }},")
        cpp.append("     {{")
        cpp += hex_rows(gfx, 16, 4)
        cpp.append("     }}},")
    cpp += ["}};", "}  // namespace detail", "", "}  // namespace gvtsim::spec::gen8", ""]
    return "\n".join(h), "\n".join(cpp)


def md_cell(s):
    return str(s).replace("|", "\\|")


def emit_command_reference(cmds):
    def dw0(c):
        return f"`{c['match']:#010x}` / `{c['mask']:#010x}`"

    def length(c):
        ln = c["length"]
        return f"{ln['fixed']}" if "fixed" in ln else f"{ln['bits']} bits + {ln['bias']}"

    counts = {e: sum(1 for c in cmds if e in c["engines"]) for e in CMD_ENGINES}
    out = ["# Command reference (Gen8)", "",
           "Generated from `spec/gen8/commands.toml` by `spec/gen8/gen_tables.py`; do not edit. "
           "DW0 & mask == match identifies a command on the engines listed (a VCS row also runs on VCS2). "
           "Length is in dwords: a fixed count, or the low *bits* of DW0 plus the bias. `valid` is the "
           "length GVT-g requires (F_LEN_VAR_FIXED). Field bits are relative to their dword; a field "
           "with hi > 31 continues into the next dword. Repeated fields are numbered within their group.",
           "", f"{len(cmds)} commands: " + ", ".join(f"{e} {counts[e]}" for e in CMD_ENGINES) + ".", "",
           "| name | DW0 match / mask | engines | length | default | valid | privilege | cost | GVT handler |",
           "|---|---|---|---|---|---|---|---|---|"]
    for c in cmds:
        out.append(f"| [{c['name']}](#{c['name'].lower()}) | {dw0(c)} | {','.join(c['engines'])} | {length(c)} | "
                   f"{c['default_len']} | {c['valid_len'] or ''} | {c['privilege']} | {c['cost']} | "
                   f"{c['handler']} |")
    out += ["", "## Commands", ""]
    for c in cmds:
        out += [f"### {c['name']}", "", md_cell(c["cite"]), ""]
        if not c["fields"]:
            out += ["No fields: decoded as raw dwords.", ""]
            continue
        out += ["| field | dw | bits | type | address space | repeat |", "|---|---|---|---|---|---|"]
        for f in c["fields"]:
            space = "" if f["space"] == "none" else (
                f["space"] if f["space"] in ("ggtt", "ppgtt", "context")
                else f"{f['space']} DW{f['sel'][0]} bit {f['sel'][1]}")
            rep = f"from DW{f['repeat'][0]}, every {f['repeat'][1]}" if f["repeat"][1] else ""
            out.append(f"| {md_cell(f['name'])} | {f['dw']} | {f['hi']}:{f['lo']} | {f['type']} | {space} | {rep} |")
        out.append("")
    return "\n".join(out)


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
        engines, skus, (effects, handlers), regs, instances, cmds = load(args.spec_dir)
    except (SpecError, tomllib.TOMLDecodeError, KeyError) as e:
        print(f"gen_tables: {e}", file=sys.stderr)
        return 1
    if args.check:
        tracked = sum(1 for r in regs if r["gvt"] != "none")
        print(f"gen_tables: ok ({len(regs)} register rows ({tracked} tracked by GVT-g), {len(instances)} "
              f"instances, {len(skus)} SKUs, {len(cmds)} commands)")
        return 0
    out = args.out / "spec" / "gen8"
    write_if_changed(out / "engines.h", emit_engines(engines))
    sh, sc = emit_skus(skus)
    write_if_changed(out / "skus.h", sh)
    write_if_changed(out / "skus.cpp", sc)
    rh, rc = emit_registers(regs, effects, handlers, instances, engines)
    write_if_changed(out / "registers.h", rh)
    write_if_changed(out / "registers.cpp", rc)
    write_if_changed(args.out / "reference" / "registers.md", emit_reference(regs, effects, handlers))
    ch, cc = emit_commands(cmds, engines)
    write_if_changed(out / "commands.h", ch)
    write_if_changed(out / "commands.cpp", cc)
    write_if_changed(args.out / "reference" / "commands.md", emit_command_reference(cmds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
