"""The planning app under uvicorn on a loopback port, for ``bench/run.py``'s real-HTTP run.

Relay and consumers are off, so only the write path serves requests. Started by the API
section (``bench/api.py``) as a child process:
``python bench/planning_server.py --database-url URL --port P``.
"""

from __future__ import annotations

import argparse

import uvicorn
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig
from xuncha_shared.testing.plugin import TEST_SECRET, service_module, settings_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pool-size", type=int, default=8)
    parser.add_argument("--topic-prefix", default="bench")
    args = parser.parse_args()
    settings = settings_for(
        "planning",
        database_url=args.database_url,
        topic_prefix=args.topic_prefix,
        auth=AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET)),
        relay_enabled=False,
        consumers_enabled=False,
        db_pool_size=args.pool_size,
        log_level="WARNING",
    )
    app = service_module("planning").create_app(settings)
    # loop/http "auto": uvloop and httptools when installed, as a deployment would run.
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, workers=1
    )


if __name__ == "__main__":
    main()
