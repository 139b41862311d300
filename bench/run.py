"""Xuncha benchmark: outbox relay vs raw producer, org-create API vs raw asyncpg, and
commit → handler latency over Kafka. One run on this machine, with its own PostgreSQL and
Kafka broker in a temporary directory.

    uv run --no-sync python bench/run.py [--events N] [--orgs N] [--quick] [--json out.json]

See bench/README.md for what each figure means.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script: the repository root, not bench/, goes first on the path, so the
    # ``bench`` package imports and its module names shadow nothing.
    sys.path[0] = str(Path(__file__).resolve().parents[1])
    from bench.cli import main

    main()
