# Makefile: the project's entry points (run, test, lint, bench); each one installs what it needs first.
SHELL := /bin/bash
NPM_STAMP := node_modules/.stamp-install
SYS_STAMP := node_modules/.stamp-system

.PHONY: run test lint bench build deps system clean diagram dev-server

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(NPM_STAMP)

# Debian packages used by the tests as real peers (libcoap binaries, socat pty pairs); see README.
$(SYS_STAMP): scripts/setup-system.sh | $(NPM_STAMP)
	bash scripts/setup-system.sh
	touch $@

system: $(SYS_STAMP)

build: deps
	npx tsc -p tsconfig.json

run: build
	node dist/src/cli/main.js run $(ARGS)

dev-server: build
	node dist/src/cli/main.js dev-server $(ARGS)

test: build system
	bash scripts/test.sh $(ARGS)

lint: deps
	npx tsc -p tsconfig.json --noEmit
	npx eslint .

bench: build
	bash scripts/bench.sh $(ARGS)

clean:
	rm -rf dist node_modules/.stamp-*
