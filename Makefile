# Two set-up commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
PORT ?= 8000
export UV_PYTHON_DOWNLOADS ?= never
export XDG_RUNTIME_DIR ?= /tmp/xuncha-runtime-$(shell id -u)

.PHONY: run test install install-test kafka-jars lint docs-check clean web browser asyncapi-check \
	openapi-lint

# The dashboard (web/): rebuilt only when a source is newer than the build.
WEB_SOURCES := $(shell find web/src web/public web/scripts -type f 2>/dev/null) web/index.html \
	web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json docs/openapi/xuncha.json

## Install the platform, build the dashboard and start it embedded (one process, embedded
## PostgreSQL, port 8000; the dashboard at /). `make run DEMO=1` also loads the demo county.
## Until people have accounts, the embedded run signs in through dev sign-in: asked for with
## --dev, answering only on this machine (loopback), never in production.
run: install web
	$(UV) run --frozen xuncha run --port $(PORT) $(if $(DEMO),--demo) $(if $(DEV),--dev)

## Build the dashboard into web/dist (npm ci + vite build), only if it is out of date.
web: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	@command -v npm >/dev/null 2>&1 || { echo "需要 Node.js 20 与 npm（构建前端）/ Node.js 20 and npm are needed"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@

## Debian's Chromium (the browser tests drive it; never a downloaded browser) and a CJK font
## so screenshots show Chinese. apt-get update only when the package lists are stale.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; }; }

## Install everything the tests need (Python deps, a JDK and Maven for the Kafka broker,
## the broker's jars from Maven Central) and run the whole suite.
test: install-test browser web asyncapi-check openapi-lint
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy
	$(UV) run --frozen python -m xuncha_shared.events.docs --check
	$(UV) run --frozen python -m xuncha.openapi --check
	$(UV) run --frozen pytest

## Validate docs/events/asyncapi.yaml with the AsyncAPI project's own parser (tools/asyncapi).
asyncapi-check:
	cd tools/asyncapi && npm ci --no-audit --no-fund --loglevel=error && node validate.mjs ../../docs/events/asyncapi.yaml

## Lint the committed OpenAPI documents with Redocly's recommended rules (tools/openapi-lint).
openapi-lint:
	cd tools/openapi-lint && npm ci --no-audit --no-fund --loglevel=error && npm run --silent lint

install:
	@install -d -m 700 $(XDG_RUNTIME_DIR)
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen

install-test: install
	@command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless maven)
	$(UV) run --frozen python -m xuncha_shared.testing.kafka_broker install

lint:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

clean:
	rm -rf .venv var/kafka .pytest_cache .mypy_cache .ruff_cache web/dist web/node_modules \
		tools/asyncapi/node_modules tools/openapi-lint/node_modules
