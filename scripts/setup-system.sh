#!/usr/bin/env bash
# setup-system.sh: installs the Debian packages the tests use as real peers (libcoap3-bin, socat) and the browser for page tests (chromium), when missing.
set -euo pipefail
need=()
command -v coap-client-notls >/dev/null 2>&1 || need+=(libcoap3-bin)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: missing Debian packages: ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "setup-system: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
