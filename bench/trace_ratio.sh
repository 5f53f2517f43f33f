#!/usr/bin/env bash
# On the largest shared capture, as ratios to `xz -dc` of the same file (the input's own floor:
# decompression alone), all measured in this one run (median of N runs each):
#   - `gvtsim decode --summary` wall time;
#   - `gvtsim replay --native` wall time under the functional and the SystemC driver, with commands
#     per wall second and simulated GPU time per wall second.
# Usage: bench/trace_ratio.sh [build dir] [runs]
set -euo pipefail
build=${1:-build}
runs=${2:-5}
shared=$(cd "$(dirname "$0")/../.." && pwd)/shared/traces
[ -d "$shared" ] || { echo "decode_ratio: $shared is absent: nothing to measure"; exit 0; }
trace=$(ls -S "$shared"/*.aub.xz | head -n 1)   # largest compressed file
gvtsim="$build/gvtsim"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() {  # time_runs CMD...: prints the median wall time in seconds
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
  done | median
}
xz_s=$(time_runs xz -dc "$trace")
dec_s=$(time_runs "$gvtsim" decode --summary "$trace")
fun_s=$(time_runs "$gvtsim" replay --native --quiet --driver functional "$trace")
sc_s=$(time_runs "$gvtsim" replay --native --quiet --driver systemc "$trace")
sim_ns=$("$gvtsim" replay --native "$trace" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sim_time_ns"])')
raw=$(xz -dc "$trace" | wc -c)
cmds=$("$gvtsim" decode --summary --json "$trace" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["commands"].values()))')
printf 'trace %s: %d raw bytes, %d commands\n' "$(basename "$trace")" "$raw" "$cmds"
awk -v x="$xz_s" -v d="$dec_s" -v raw="$raw" -v c="$cmds" 'BEGIN {
  printf "xz -dc: %.3f s   gvtsim decode --summary: %.3f s   ratio %.2f\n", x, d, d / x
  printf "raw trace throughput: %.0f MB/s; whole-trace decode: %.0f commands/s\n", raw / d / 1e6, c / d }'
awk -v x="$xz_s" -v f="$fun_s" -v s="$sc_s" -v c="$cmds" -v sim="$sim_ns" 'BEGIN {
  printf "replay --native functional: %.3f s (ratio to xz -dc %.2f), %.0f commands/s, %.3f ms simulated per wall s\n", f, f / x, c / f, sim / 1e6 / f
  printf "replay --native systemc:    %.3f s (ratio to xz -dc %.2f), %.0f commands/s, %.3f ms simulated per wall s\n", s, s / x, c / s, sim / 1e6 / s }'
