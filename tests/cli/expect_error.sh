#!/usr/bin/env bash
# Runs a command that must fail cleanly: a non-zero exit (not a crash: no signal), exactly one line
# on stderr starting with "gvtsim: " and containing the expected text.
# Usage: expect_error.sh <expected text> <command...>
set -u
want=$1; shift
err=$("$@" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 0 ]; then echo "expected a failure, got exit 0"; exit 1; fi
if [ $rc -gt 128 ]; then echo "crashed with signal $((rc - 128))"; exit 1; fi
lines=$(printf '%s\n' "$err" | grep -c '')
if [ "$lines" -ne 1 ]; then echo "expected one line on stderr, got $lines:"; echo "$err"; exit 1; fi
case "$err" in gvtsim:*"$want"*) echo "ok: $err"; exit 0 ;; esac
echo "unexpected message: $err"; exit 1
