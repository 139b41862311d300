"""The planning app under uvicorn on a loopback port, for ``bench/run.py``'s real-HTTP run.

Relay and consumers are off, so only the write path serves requests. Started by the API
section (``bench/api.py``) as a child process:
``python bench/planning_server.py --database-url URL --port P [--workers N]``. With more than
one worker each process builds the app from the environment this script sets (as
``xuncha serve --workers N`` does), each with its own pool of ``--pool-size``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig
from xuncha_shared.testing.plugin import TEST_SECRET, service_module, settings_for

ENV = "XUNCHA_BENCH_PLANNING_"


def app_from_environment() -> FastAPI:
    settings = settings_for(
        "planning",
        database_url=os.environ[f"{ENV}DATABASE_URL"],
        topic_prefix=os.environ[f"{ENV}TOPIC_PREFIX"],
        auth=AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET)),
        relay_enabled=False,
        consumers_enabled=False,
        db_pool_size=int(os.environ[f"{ENV}POOL_SIZE"]),
        log_level="WARNING",
    )
    app: FastAPI = service_module("planning").create_app(settings)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pool-size", type=int, default=8)
    parser.add_argument("--topic-prefix", default="bench")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ[f"{ENV}DATABASE_URL"] = args.database_url
    os.environ[f"{ENV}TOPIC_PREFIX"] = args.topic_prefix
    os.environ[f"{ENV}POOL_SIZE"] = str(args.pool_size)
    # Run as a script: the repository root goes on the path so the workers (fresh
    # interpreters, which inherit it) can import this module as ``bench.planning_server``.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    # loop/http "auto": uvloop and httptools when installed, as a deployment would run.
    uvicorn.run(
        "bench.planning_server:app_from_environment",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        workers=args.workers,
        timeout_worker_healthcheck=120,
    )


if __name__ == "__main__":
    main()
