"""The generator's validation must fire on bad tables: each case breaks one rule of the format
(docs/tables.md) in a copy of the real tables and expects --check to fail naming the problem."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = Path(os.environ.get("GVTSIM_SPEC_DIR", Path(__file__).resolve().parents[2] / "spec" / "gen8"))
GEN = SPEC / "gen_tables.py"

ENGINE_ROW = '  { name = "ZZ_ENGINE_TEST", offset = 0xFF0, engine = true, cite = "test" },\n'


def run_check(spec_dir):
    return subprocess.run([sys.executable, str(GEN), "--spec-dir", str(spec_dir), "--check"],
                          capture_output=True, text=True)


@pytest.fixture
def spec_copy(tmp_path):
    for f in ("registers.toml", "skus.toml", "commands.toml"):
        shutil.copy(SPEC / f, tmp_path / f)
    return tmp_path


def add_rows(spec_dir, rows, where="end"):
    p = spec_dir / "registers.toml"
    text = p.read_text()
    head, sep, tail = text.partition("reg = [\n")
    assert sep, "registers.toml has no 'reg = [' line"
    body, close, rest = tail.partition("\n]\n")
    body = (rows + body) if where == "start" else (body + "\n" + rows).lstrip("\n")
    p.write_text(head + sep + body + close + rest)


def test_real_tables_pass():
    r = run_check(SPEC)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("rows, where, message", [
    ('  { name = "ZZ_A", offset = 0x1FFFF0, cite = "t" },\n  { name = "ZZ_A", offset = 0x1FFFF4, cite = "t" },\n',
     "end", "appears twice"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, width = 64, cite = "t" },\n  { name = "ZZ_B", offset = 0x1FFFF4, cite = "t" },\n',
     "end", "overlaps"),
    ('  { name = "ZZ_B", offset = 0x1FFFF4, cite = "t" },\n  { name = "ZZ_A", offset = 0x1FFFF0, cite = "t" },\n',
     "end", "canonical order"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, ro = 0x100000000, cite = "t" },\n', "end", "does not fit"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, effect = "no_such_effect", cite = "t" },\n', "end", "not declared"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, masked = true, reset = 0x10000, cite = "t" },\n', "end", "masked"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, fields = { F = "40:3" }, cite = "t" },\n', "end", "field bits"),
    ('  { name = "ZZ_A", offset = 0x1FFFF2, cite = "t" },\n', "end", "not dword aligned"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, ro = 1, w1c = 1, cite = "t" },\n', "end", "overlap"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0 },\n', "end", "missing 'cite'"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, colour = 3, cite = "t" },\n', "end", "unknown columns"),
    ('  { name = "ZZ_A", offset = 0x200000, cite = "t" },\n', "end", "outside the 2 MB"),
    ('  { name = "ZZ_A", offset = 0xFF0, engine = true, engines = ["RCS3"], cite = "t" },\n', "start", "unknown engine"),
])
def test_bad_rows_are_rejected(spec_copy, rows, where, message):
    add_rows(spec_copy, rows, where)
    r = run_check(spec_copy)
    assert r.returncode == 1, f"accepted a bad table:\n{rows}"
    assert message in r.stderr, r.stderr


def add_to_table(spec_dir, table, line):
    """Adds `line` as the first key of registers.toml's [table]."""
    p = spec_dir / "registers.toml"
    text = p.read_text()
    header = f"\n[{table}]\n"
    assert header in text, f"registers.toml has no [{table}]"
    p.write_text(text.replace(header, header + line + "\n", 1))


def test_unused_effect_is_rejected(spec_copy):
    add_to_table(spec_copy, "effects", 'zz_unused = "declared, bound to nothing"')
    r = run_check(spec_copy)
    assert r.returncode == 1 and "effects declared but bound to no register" in r.stderr, r.stderr


# ---------------------------------------------------------------------------------------------
# The GVT-g policy columns of registers.toml

GVT = 'gvt = "mmio", gvt_cite = "t"'


def test_a_good_tracked_row_is_accepted(spec_copy):
    add_rows(spec_copy, f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_flags = ["F_RO", '
                        f'"F_CMD_ACCESS"], gvt_ro = 0xFFFF0000, gvt_handler = "elsp" }},\n')
    r = run_check(spec_copy)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("rows, where, message", [
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_flags = ["F_BOGUS"] }},\n', "end",
     "unknown GVT flag 'F_BOGUS'"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_flags = ["F_ACCESSED"] }},\n', "end",
     "run-time state"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_flags = ["F_UNALIGN", "F_UNALIGN"] }},\n',
     "end", "listed twice"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_handler = "no_such_handler" }},\n', "end",
     "not declared in [gvt_handlers]"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_flags = ["F_RO"], gvt_ro = 0x100000000 }},\n',
     "end", "does not fit 32 bits"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_flags = ["F_RO"] }},\n', "end",
     "F_RO and a nonzero gvt_ro go together"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_ro = 0xFF }},\n', "end",
     "F_RO and a nonzero gvt_ro go together"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, cite = "t", gvt_flags = ["F_RO"] },\n', "end", "need gvt ="),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, cite = "t", gvt = "mmio" },\n', "end", "needs gvt_cite"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, cite = "t", gvt = "trapped", gvt_cite = "t" },\n', "end",
     "gvt 'trapped' is not one of"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, cite = "t", gvt = "ring", gvt_cite = "t" },\n', "end",
     "needs engine = true"),
    ('  { name = "ZZ_A", offset = 0x1FF000, count = 16, stride = 4, cite = "t", gvt = "block", gvt_cite = "t" },\n',
     "end", "spans 1024 bytes or more"),
    ('  { name = "ZZ_A", offset = 0x1FF000, count = 256, stride = 4, cite = "t", gvt = "block", gvt_cite = "t", '
     'gvt_flags = ["F_CMD_ACCESS"] },\n', "end", "no attribute flags"),
    (f'  {{ name = "ZZ_A", offset = 0x1FF000, count = 256, stride = 4, cite = "t", {GVT} }},\n', "end",
     "makes it a block"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFF00, count = 4, stride = 4, cite = "t", {GVT}, gvt_count = 4 }},\n',
     "end", "gvt_count 4 must be 1..3"),
    (f'  {{ name = "ZZ_A", offset = 0x1FFFF0, cite = "t", {GVT}, gvt_engine_flags = {{ RCS = ["F_SR_IN_CTX"] }} }},\n',
     "end", "gvt_engine_flags needs engine = true"),
    ('  { name = "ZZ_E", offset = 0xFF0, engine = true, engines = ["BCS"], cite = "t", gvt = "ring", gvt_cite = "t", '
     'gvt_engine_flags = { RCS = ["F_SR_IN_CTX"] } },\n', "start", "no instance on"),
    ('  { name = "ZZ_E", offset = 0xFF0, engine = true, cite = "t", gvt = "ring", gvt_cite = "t", '
     'gvt_flags = ["F_SR_IN_CTX"], gvt_engine_flags = { RCS = ["F_SR_IN_CTX"] } },\n', "start", "repeats a flag"),
    ('  { name = "ZZ_A", offset = 0x1FFFF0, expand = false, cite = "t" },\n', "end", "only for GVT-g blocks"),
    ('  { name = "ZZ_A", offset = 0x1FF000, count = 256, stride = 4, expand = false, reset = 1, cite = "t", '
     'gvt = "block", gvt_cite = "t" },\n', "end", "has no register instances"),
    ('  { name = "ZZ_A", offset = 0x100000, count = 65536, stride = 4, cite = "t" },\n', "end",
     "more register instances than an index holds"),
    ('  { name = "ZZ_A", offset = 0x1FF000, count = 256, stride = 4, expand = false, cite = "t", gvt = "block", '
     'gvt_cite = "t" },\n  { name = "ZZ_B", offset = 0x1FF100, cite = "t" },\n', "end", "overlaps"),
])
def test_bad_gvt_columns_are_rejected(spec_copy, rows, where, message):
    add_rows(spec_copy, rows, where)
    r = run_check(spec_copy)
    assert r.returncode == 1, f"accepted a bad table:\n{rows}"
    assert message in r.stderr, r.stderr
    assert "ZZ_" in r.stderr, f"the message names the row: {r.stderr}"


def test_unused_gvt_handler_is_rejected(spec_copy):
    add_to_table(spec_copy, "gvt_handlers", 'zz_unused = "declared, bound to nothing"')
    r = run_check(spec_copy)
    assert r.returncode == 1 and "gvt handlers declared but bound to no register: ['zz_unused']" in r.stderr, \
        r.stderr


def test_gvt_handler_ids_are_snake_case(spec_copy):
    add_to_table(spec_copy, "gvt_handlers", 'Bad-Id = "x"')
    r = run_check(spec_copy)
    assert r.returncode == 1 and "gvt handler id 'Bad-Id'" in r.stderr, r.stderr


def test_duplicate_device_id_is_rejected(spec_copy):
    p = spec_copy / "skus.toml"
    p.write_text(p.read_text().replace("0x1602, 0x1606", "0x1616, 0x1606", 1))
    r = run_check(spec_copy)
    assert r.returncode == 1 and "device id 0x1616" in r.stderr, r.stderr


# ---------------------------------------------------------------------------------------------
# commands.toml

# A row that sorts last (GFX, opcode 7, subtype 3, subopcode 0xff) and decodes nothing else: the
# cases below change one thing about it.
GOOD_CMD = {
    "name": '"ZZ_TEST_CMD"', "type": '"GFX"', "subtype": "3", "opcode": "7", "subopcode": "0xff",
    "engines": '["RCS"]', "length": "{ bits = 8, bias = 2 }", "default_len": "3",
    "privilege": '"any"', "cost": '"state"', "cite": '"test"',
}
GOOD_FIELDS = [
    '{ name = "Flag", dw = 0, bits = "8:8", type = "bool" }',
    '{ name = "Address", dw = 1, bits = "47:2", type = "address", space = "ppgtt" }',
]


def cmd_block(fields=None, drop=(), **over):
    row = dict(GOOD_CMD)
    row.update(over)
    lines = ["", "[[command]]"] + [f"{k} = {v}" for k, v in row.items() if k not in drop]
    fields = GOOD_FIELDS if fields is None else fields
    if fields:
        lines += ["fields = ["] + [f"  {f}," for f in fields] + ["]"]
    return "\n".join(lines) + "\n"


def add_command(spec_dir, block):
    p = spec_dir / "commands.toml"
    p.write_text(p.read_text() + block)


def test_a_good_command_row_is_accepted(spec_copy):
    add_command(spec_copy, cmd_block())
    r = run_check(spec_copy)
    assert r.returncode == 0, r.stderr
    assert "225 commands" in r.stdout


@pytest.mark.parametrize("block, message", [
    # identity and order
    (cmd_block(name='"MI_NOOP"'), "appears twice"),
    (cmd_block(name='"zz lower"'), "name must be"),
    (cmd_block(subopcode="0x49", opcode="0"), "decode the same DW0"),          # 3DSTATE_VF_INSTANCING
    (cmd_block(type='"MI"', opcode="0x3e", drop=("subtype", "subopcode")), "canonical order"),
    (cmd_block(type='"MI"', opcode="0x40", drop=("subtype", "subopcode")), "outside 28:23"),
    (cmd_block(type='"2D"', opcode="0x7e", drop=("subtype", "subopcode")), "BCS only"),
    (cmd_block(subopcode_a="1"), "not both"),
    (cmd_block(type='"MI"', opcode="0x3e", drop=("subopcode",)), "are for GFX rows"),
    (cmd_block(engines='["RCS", "VCS2"]'), "distinct names"),
    (cmd_block(engines='["VCS", "RCS"]'), "i915 order"),
    (cmd_block(colour="1"), "unknown keys"),
    (cmd_block(drop=("cite",)), "missing 'cite'"),
    (cmd_block(privilege='"root"'), "privilege 'root'"),
    (cmd_block(cost='"free"'), "cost 'free'"),
    (cmd_block(gvt_handler='"cmd_handler_X"'), "gvt_handler"),
    # length rules
    (cmd_block(length="{ bits = 17, bias = 2 }"), "length bits 17"),
    (cmd_block(length="{ bits = 8 }"), "'length' must be"),
    (cmd_block(length="{ bits = 8, bias = 3 }"), "length bias"),
    (cmd_block(length="{ fixed = 0 }"), "fixed length 0"),
    (cmd_block(default_len="258"), "default_len 258 outside"),
    (cmd_block(default_len="1"), "default_len 1 outside"),
    (cmd_block(length="{ fixed = 3 }", valid_len="3"), "valid_len is for variable-length"),
    (cmd_block(valid_len="300"), "valid_len 300 outside"),
    (cmd_block(valid_len="4"), "differs from valid_len"),
    # fields
    (cmd_block(length="{ fixed = 1 }", default_len="1"), "beyond the command's maximum length"),
    (cmd_block(fields=['{ name = "F", dw = 0, bits = "17:16", type = "uint" }']), "overlap DW0's header"),
    (cmd_block(fields=['{ name = "F", dw = 0, bits = "7:0", type = "uint" }']), "overlap DW0's header"),
    (cmd_block(fields=GOOD_FIELDS + ['{ name = "G", dw = 2, bits = "3:0", type = "uint" }']), "overlap in dword 2"),
    (cmd_block(fields=['{ name = "A", dw = 1, bits = "31:2", type = "address" }']), "exactly one of space"),
    (cmd_block(fields=['{ name = "A", dw = 1, bits = "31:2", type = "uint", space = "ggtt" }']),
     "only for address fields"),
    (cmd_block(fields=['{ name = "A", dw = 1, bits = "31:2", type = "address", space = "gtt" }']),
     "is not ggtt, ppgtt or context"),
    (cmd_block(fields=['{ name = "A", dw = 1, bits = "31:2", type = "address", ggtt_if = "300:1" }']),
     "selector dword 300"),
    (cmd_block(fields=['{ name = "A", dw = 1, bits = "31:2", type = "address", ggtt_if = "0:40" }']),
     "selector '0:40'"),
    (cmd_block(fields=['{ name = "F", dw = 1, bits = "40:33", type = "uint" }']), "start in the next dword"),
    (cmd_block(fields=['{ name = "F", dw = 1, bits = "64:0", type = "uint" }']), "field bits"),
    (cmd_block(fields=['{ name = "F", dw = 1, bits = "15:0", type = "float" }']), "float field is 32 bits"),
    (cmd_block(fields=['{ name = "F", dw = 1, bits = "15:0", type = "real" }']), "type 'real'"),
    (cmd_block(fields=['{ name = "F=1", dw = 1, bits = "15:0", type = "uint" }']), "field name"),
    (cmd_block(fields=['{ name = "Base-Address", dw = 1, bits = "15:0", type = "uint" }',
                       '{ name = "Base Address", dw = 1, bits = "31:16", type = "uint" }']), "same identifier"),
    (cmd_block(fields=['{ name = "F", dw = 1, bits = "15:0", type = "uint", colour = 1 }']), "unknown keys"),
    (cmd_block(fields=['{ name = "R", dw = 0, bits = "31:0", type = "uint", repeat = { from_dw = 0, stride = 1 } }']),
     "from_dw must be >= 1"),
    (cmd_block(fields=['{ name = "R", dw = 1, bits = "31:0", type = "uint", repeat = { from_dw = 1, stride = 1 } }']),
     "does not fit a group"),
    (cmd_block(length="{ bits = 1, bias = 2 }", default_len="2",
               fields=['{ name = "R", dw = 0, bits = "31:0", type = "uint", repeat = { from_dw = 2, stride = 2 } }']),
     "not even one group"),
    (cmd_block(fields=['{ name = "R", dw = 0, bits = "31:0", type = "uint", repeat = { from_dw = 2, stride = 1 } }',
                       '{ name = "S", dw = 0, bits = "31:0", type = "uint", repeat = { from_dw = 2, stride = 2 } }']),
     "different groups"),
    (cmd_block(fields=['{ name = "F", dw = 2, bits = "31:0", type = "uint" }',
                       '{ name = "R", dw = 0, bits = "31:0", type = "uint", repeat = { from_dw = 2, stride = 1 } }']),
     "inside the repeated groups"),
])
def test_bad_command_rows_are_rejected(spec_copy, block, message):
    add_command(spec_copy, block)
    r = run_check(spec_copy)
    assert r.returncode == 1, f"accepted a bad command row:\n{block}"
    assert message in r.stderr, r.stderr
    assert "ZZ_TEST_CMD" in r.stderr or "MI_NOOP" in r.stderr or "zz lower" in r.stderr, \
        f"the message names the row: {r.stderr}"
