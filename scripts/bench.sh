#!/usr/bin/env bash
# bench.sh: runs every compiled benchmark under dist/bench and prints their figures.
set -euo pipefail
shopt -s nullglob
for f in dist/bench/*.bench.js; do
  echo "== ${f#dist/}"
  node --expose-gc "$f"
done
