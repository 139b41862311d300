"""Command line: ``install`` the broker's jars, or ``run`` a broker in the foreground.

python -m xuncha_shared.testing.kafka_broker install
python -m xuncha_shared.testing.kafka_broker run --dir var/kafka/dev --port 9092
"""

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.kafka_broker.errors import KafkaBrokerError
from xuncha_shared.testing.kafka_broker.jars import default_lib_dir, ensure_jars, kafka_jars

__all__ = ["main"]


def _run_foreground(broker: KafkaBroker, out: IO[str]) -> int:
    """Run ``broker`` until Ctrl-C / SIGTERM (or until it dies); return an exit code."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Explicit handlers: SIGINT may be inherited as ignored (e.g. when started with `&`).
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        broker.start()
        out.write(
            f"Kafka broker ready on {broker.bootstrap_servers} "
            f"(started in {broker.last_start_seconds:.1f}s; log: {broker.log_file}); "
            f"clients: SASL_SSL trusting {broker.ca_file}. Ctrl-C to stop.\n"
        )
        out.flush()
        while broker.is_running:
            time.sleep(0.5)
        out.write(f"Kafka broker exited unexpectedly; log tail:\n{broker.log_tail()}\n")
        code = 1
    except KeyboardInterrupt:
        pass
    finally:
        out.write("Stopping Kafka broker...\n")
        out.flush()
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``install`` the jars or ``run`` a broker in the foreground."""
    parser = argparse.ArgumentParser(
        prog="python -m xuncha_shared.testing.kafka_broker",
        description="Local Apache Kafka broker (KRaft, single node) from Maven Central jars.",
    )
    parser.add_argument(
        "--lib-dir", type=Path, default=None, help="jar directory (default <repo>/var/kafka/lib)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="resolve the broker's jars with Maven (idempotent)")
    run = commands.add_parser("run", help="run a broker in the foreground until Ctrl-C")
    run.add_argument("--dir", type=Path, required=True, help="work directory (config, data, log)")
    run.add_argument(
        "--port", type=int, default=9092, help="client (SASL/SCRAM) port (default 9092)"
    )
    run.add_argument(
        "--controller-port", type=int, default=None, help="CONTROLLER port (default port+1)"
    )
    args = parser.parse_args(argv)
    lib_dir: Path = args.lib_dir if args.lib_dir is not None else default_lib_dir()

    try:
        if args.command == "install":
            began = time.monotonic()
            ensure_jars(lib_dir)
            jars = ", ".join(p.name for p in kafka_jars(lib_dir))
            print(f"Kafka jars ready in {lib_dir} ({jars}; {time.monotonic() - began:.1f}s)")
            return 0
        port: int = args.port
        controller_port: int = args.controller_port if args.controller_port else port + 1
        broker = KafkaBroker(args.dir, port=port, controller_port=controller_port, lib_dir=lib_dir)
        return _run_foreground(broker, sys.stdout)
    except KafkaBrokerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
