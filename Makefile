# Two set-up commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
PORT ?= 8000
export UV_PYTHON_DOWNLOADS ?= never
export XDG_RUNTIME_DIR ?= /tmp/xuncha-runtime-$(shell id -u)

.PHONY: run test install install-test kafka-jars lint docs-check clean

## Install the platform and start it embedded (one process, embedded PostgreSQL, port 8000).
run: install
	$(UV) run --frozen xuncha run --port $(PORT)

## Install everything the tests need (Python deps, a JDK and Maven for the Kafka broker,
## the broker's jars from Maven Central) and run the whole suite.
test: install-test
	$(UV) run --frozen ruff check .
	$(UV) run --frozen mypy
	$(UV) run --frozen python -m xuncha_shared.events.docs --check
	$(UV) run --frozen pytest

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
	rm -rf .venv var/kafka .pytest_cache .mypy_cache .ruff_cache
