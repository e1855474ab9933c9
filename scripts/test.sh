#!/usr/bin/env bash
# test.sh: runs the ava suite on the compiled output, then prints a plain 'tests: N passed, N failed' closing line.
set -uo pipefail
log=$(mktemp)
npx ava "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *[0-9]+ tests? passed' "$log" | grep -Eo '[0-9]+' | tail -1)
# ava prints no 'passed' total when something failed: count the ticks then.
[ -n "$passed" ] || passed=$(grep -c '✔' "$log")
failed=$(grep -Eo '^ *[0-9]+ tests? failed' "$log" | grep -Eo '[0-9]+' | tail -1)
skipped=$(grep -Eo '^ *[0-9]+ tests? skipped' "$log" | grep -Eo '[0-9]+' | tail -1)
rm -f "$log"
[ -n "$failed" ] || { [ "$rc" -eq 0 ] && failed=0 || failed=1; }
echo
echo "tests: ${passed:-0} passed, ${failed} failed, ${skipped:-0} skipped"
exit "$rc"
