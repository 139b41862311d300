# Two set-up commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
PORT ?= 8000
export UV_PYTHON_DOWNLOADS ?= never
export XDG_RUNTIME_DIR ?= /tmp/xuncha-runtime-$(shell id -u)

.PHONY: run test install install-test jdk kafka-jars keycloak lint docs-check clean web browser \
	asyncapi-check openapi-lint pythons

# The dashboard (web/): rebuilt only when a source is newer than the build.
WEB_SOURCES := $(shell find web/src web/public web/scripts -type f 2>/dev/null) web/index.html \
	web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json docs/openapi/xuncha.json

## Install the platform, build the dashboard and start it embedded (one process, embedded
## PostgreSQL, port 8000; the dashboard at /). `make run DEMO=1` also loads the demo county.
## The first start opens the office administrator and prints its one-time password. `make run
## DEV=1` adds dev sign-in (--dev): answering only on this machine (loopback), never in production.
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

## Install everything the tests need (Python deps, a JDK and Maven, the Kafka broker's jars
## and Keycloak from Maven Central) and run the whole suite. The lint runs first, right after
## the Python install, so that a lint failure fails fast.
test: install lint install-test browser web asyncapi-check openapi-lint
	$(UV) run --frozen python -m xuncha_shared.events.docs --check
	$(UV) run --frozen python -m xuncha.openapi --check
	$(UV) run --frozen pytest
	$(MAKE) --no-print-directory pythons

## The quick part of the suite again on the other supported Pythons (tools/pythons.sh).
PYTHON_VERSIONS ?= 3.12 3.13
pythons: install-test
	UV="$(UV)" tools/pythons.sh $(PYTHON_VERSIONS)

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

install-test: install kafka-jars keycloak

## A JDK and Maven: the Kafka broker and Keycloak run on Java 17 and come from Maven Central.
jdk:
	@command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless maven)

## The Kafka broker's jars, into var/kafka/lib (skipped when they are there).
kafka-jars: install jdk
	$(UV) run --frozen python -m xuncha_shared.testing.kafka_broker install

## Keycloak's server distribution, the tests' OpenID Connect provider, into var/keycloak:
## fetched, unpacked and started once (skipped when it is there).
keycloak: install jdk
	$(UV) run --frozen python -m xuncha_shared.testing.keycloak install

## ruff (lint and format) and mypy; `pre-commit install` runs the same on each commit. Then
## ESLint and Prettier on the dashboard (web/: `npm run lint`; `npm run format` fixes).
lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent lint

clean:
	rm -rf .venv var/kafka var/keycloak .pytest_cache .mypy_cache .ruff_cache web/dist \
		web/node_modules tools/asyncapi/node_modules tools/openapi-lint/node_modules
