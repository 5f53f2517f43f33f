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
    for f in ("registers.toml", "skus.toml"):
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


def test_unused_effect_is_rejected(spec_copy):
    p = spec_copy / "registers.toml"
    p.write_text(p.read_text() + 'zz_unused = "declared, bound to nothing"\n')
    r = run_check(spec_copy)
    assert r.returncode == 1 and "bound to no register" in r.stderr, r.stderr


def test_duplicate_device_id_is_rejected(spec_copy):
    p = spec_copy / "skus.toml"
    p.write_text(p.read_text().replace("0x1602, 0x1606", "0x1616, 0x1606", 1))
    r = run_check(spec_copy)
    assert r.returncode == 1 and "device id 0x1616" in r.stderr, r.stderr
