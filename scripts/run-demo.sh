#!/usr/bin/env bash
# run-demo.sh: `make run`: the local LwM2M dev server (bootstrap too) in the background, then the device on its embedded default (simulated modem and meter) in the foreground.
# DEVSERVER_PORT (default 5683) picks the server port; extra arguments go to `lwm2m-meter run` (e.g. ARGS="--inspect").
set -uo pipefail
cd "$(dirname "$0")/.."
port="${DEVSERVER_PORT:-5683}"
cli=dist/src/cli/main.js
if [ "${NO_DEVSERVER:-0}" = "1" ]; then MALLOC_ARENA_MAX=1 exec node --max-semi-space-size=1 "$cli" run "$@"; fi
log=$(mktemp)
# Its output goes through a file (tailed below): ask for human log lines when ours is a terminal.
fmt=(); [ -t 1 ] && fmt=(--log-format pretty)
# Reads the device object, observes the volume (a notification at most every 5 s when it moves, at least every 30 s).
setsid node "$cli" dev-server --host 127.0.0.1 --port "$port" --bootstrap --read /3/0 --observe /3424/0/1 --attr pmin=5,pmax=30 "${fmt[@]}" >"$log" 2>&1 &
srv=$!
stop_server() { kill -INT "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; rm -f "$log"; }
trap stop_server EXIT
# Wait until it listens (or died, e.g. the port is taken).
for _ in $(seq 1 100); do
  grep -q listening "$log" && break
  kill -0 "$srv" 2>/dev/null || { echo "dev server failed to start:"; cat "$log"; exit 1; }
  sleep 0.1
done
# Show the server's side of the conversation next to the device's log.
tail -n +1 -f "$log" --pid "$srv" | sed -u 's/^/[dev-server] /' &
MALLOC_ARENA_MAX=1 node --max-semi-space-size=1 "$cli" run --server "coap://127.0.0.1:$port" "$@"
rc=$?
exit $rc
