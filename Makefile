# Makefile: the project's entry points (run, test, lint, bench); each one installs what it needs first.
SHELL := /bin/bash
NPM_STAMP := node_modules/.stamp-install
SYS_STAMP := node_modules/.stamp-system

.PHONY: run test lint bench soak build deps system clean diagram dev-server

# npm install, not npm ci: the registry mirror lacks some optional per-platform prebuilds (cbor-extract,
# node-aead-crypto), which npm ci counts as a lock-file mismatch; npm install follows the lock and skips them.
$(NPM_STAMP): package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

deps: $(NPM_STAMP)

# Debian packages used by the tests as real peers (libcoap binaries, socat pty pairs); see README.
$(SYS_STAMP): scripts/setup-system.sh | $(NPM_STAMP)
	bash scripts/setup-system.sh
	touch $@

system: $(SYS_STAMP)

# The TypeScript build runs only when a source, test, bench file or the compiler settings changed since the last one.
BUILD_STAMP := dist/.stamp-build
TS_SOURCES := $(shell find src test bench -name '*.ts' 2>/dev/null)
$(BUILD_STAMP): $(TS_SOURCES) tsconfig.json package.json | $(NPM_STAMP)
	npx tsc -p tsconfig.json
	touch $@

build: $(BUILD_STAMP)

# The demo: local dev server + the device on its embedded default (simulated modem and meter). NO_DEVSERVER=1 runs the device alone.
run: build
	bash scripts/run-demo.sh $(ARGS)

dev-server: build
	node dist/src/cli/main.js dev-server $(ARGS)

test: build system
	bash scripts/test.sh $(ARGS)

# Prettier formats (width 120, .prettierrc.json); `npx prettier --write .` fixes what --check finds.
lint: deps
	npx tsc -p tsconfig.json --noEmit
	npx prettier --check . --log-level warn
	npx eslint .

bench: build
	bash scripts/bench.sh $(ARGS)

# Longer power-cut loop of the real device than `make test` runs (5 cycles there): METER_POWER_CUT_CYCLES cycles, default 40.
soak: build
	METER_POWER_CUT_CYCLES=$${METER_POWER_CUT_CYCLES:-40} npx ava test/adversarial/meter-power-cut.test.ts

clean:
	rm -rf dist node_modules/.stamp-*
