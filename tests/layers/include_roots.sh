#!/usr/bin/env bash
# Proves the per-layer include roots (cmake/layers.cmake) make a wrong include fail to compile:
# for each layer, an include of an allowed layer compiles against that layer's root, and an include
# of every forbidden layer does not.
# Usage: include_roots.sh <c++ compiler> <build dir>
set -uo pipefail
cxx=$1 build=$(cd "$2" && pwd)
fail=0
# Compile from an empty folder: a quoted include from standard input is looked up in the current
# directory first, and the repository root must not be visible.
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT; cd "$scratch"
probe() {  # probe <layer> <header> <expect: ok|fail>
  local out
  out=$(printf '#include "%s"\n' "$2" | "$cxx" -std=c++20 -fsyntax-only -I "$build/include/$1" -I "$build/generated" -x c++ - 2>&1)
  local rc=$?
  if [ "$3" = ok ] && [ $rc -ne 0 ]; then echo "FAIL: $1 cannot include $2: $out" | head -3; fail=1; fi
  if [ "$3" = fail ] && [ $rc -eq 0 ]; then echo "FAIL: $1 can include $2, which D9 forbids"; fail=1; fi
}
base=base/status.h harness=harness/platform.h
probe base "$base" ok
probe base harness/platform.h fail
# "base/../harness/x.h" would climb out through the symlink: scripts/check-layers rejects "../".
for layer in traces model vgpu; do
  probe "$layer" "$base" ok
  probe "$layer" "$harness" fail
done
probe vgpu model/gen8/CMakeLists.txt fail      # model/ is not visible from vgpu/
probe model vgpu/CMakeLists.txt fail           # vgpu/ is not visible from model/
probe traces model/gen8/CMakeLists.txt fail
probe harness "$harness" ok
[ $fail -eq 0 ] && echo "include roots: ok"
exit $fail
