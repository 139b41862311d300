"""Xuncha benchmark, split by what it measures: :mod:`bench.relay` (outbox relay vs raw
producer), :mod:`bench.api` and :mod:`bench.api_baseline` (org-create API vs raw asyncpg),
:mod:`bench.latency` (commit → handler over Kafka); :mod:`bench.infra` starts PostgreSQL and
Kafka, :mod:`bench.load` says how busy the machine was, :mod:`bench.cli` runs it all.

Run it with ``python bench/run.py`` (see bench/README.md).
"""
