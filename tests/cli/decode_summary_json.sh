#!/usr/bin/env bash
# `gvtsim decode --summary --json` prints one JSON object {"blocks", "commands", "submissions"} with
# genxml command names. Skips (77) when ../shared/traces is absent.
set -euo pipefail
gvtsim=$1 trace=$2
[ -f "$trace" ] || { echo "skipped: $trace is absent"; exit 77; }
"$gvtsim" decode --summary --json "$trace" | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
assert set(j) == {"blocks", "commands", "submissions"}, j.keys()
assert j["submissions"] == 2 and j["blocks"]["MEM_WRITE"] == 1148, j
assert j["commands"]["3DSTATE_VF_INSTANCING"] == 3 and j["commands"]["MI_BATCH_BUFFER_START"] == 2, j
print("ok")'
