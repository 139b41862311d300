"""The broker's jars: find the repository's ``deploy/kafka/pom.xml`` and resolve its classpath."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from xuncha_shared.testing.kafka_broker.errors import KafkaBrokerError
from xuncha_shared.testing.kafka_broker.process import tail
from xuncha_shared.testing.locks import file_lock

__all__ = [
    "LOG4J_RELATIVE_PATH",
    "POM_RELATIVE_PATH",
    "default_lib_dir",
    "ensure_jars",
    "find_repo_root",
    "kafka_jars",
]

POM_RELATIVE_PATH = Path("deploy") / "kafka" / "pom.xml"
"""Location of the broker's pom, relative to the repository root."""

LOG4J_RELATIVE_PATH = Path("deploy") / "kafka" / "log4j2.yaml"
"""Location of the broker's log4j2 configuration, relative to the repository root."""

DEPENDENCY_PLUGIN_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies"

_STAMP_FILE = ".pom.sha256"


def find_repo_root(start: Path | None = None) -> Path:
    """Return the nearest directory at or above ``start`` containing ``deploy/kafka/pom.xml``.

    Searches upwards from ``start`` (default: this file), then from the current working
    directory, so it also works when the package is installed non-editable.
    """
    candidates = [start] if start is not None else [Path(__file__), Path.cwd()]
    for origin in candidates:
        origin = origin.resolve()
        for directory in (origin, *origin.parents):
            if (directory / POM_RELATIVE_PATH).is_file():
                return directory
    raise KafkaBrokerError(
        f"cannot find {POM_RELATIVE_PATH} above {', '.join(str(c) for c in candidates)}"
    )


def default_lib_dir() -> Path:
    """Return the default jar directory, ``<repo>/var/kafka/lib``."""
    return find_repo_root() / "var" / "kafka" / "lib"


def kafka_jars(lib_dir: Path) -> list[Path]:
    return sorted(lib_dir.glob("kafka_2.13-*.jar"))


def _pom_digest(pom: Path) -> str:
    return hashlib.sha256(pom.read_bytes()).hexdigest()


def _jars_current(lib_dir: Path, digest: str) -> bool:
    if not kafka_jars(lib_dir):
        return False
    stamp = lib_dir / _STAMP_FILE
    # No stamp: the jars were put there by hand; accept them. A stamp written for a
    # different pom means the pom changed since: resolve again.
    return not stamp.is_file() or stamp.read_text().strip() == digest


def ensure_jars(lib_dir: Path) -> None:
    """Make sure ``lib_dir`` holds the broker's runtime classpath.

    If no ``kafka_2.13-*.jar`` is there (or the pom changed since the jars were copied),
    run ``mvn ... copy-dependencies -DincludeScope=runtime`` on ``deploy/kafka/pom.xml``.
    Idempotent and cheap once the jars exist (a glob and a small hash). Safe against
    concurrent callers (pytest-xdist workers): resolution is serialised by a file lock and
    the jars are copied to a staging directory that replaces ``lib_dir`` only once complete.
    """
    lib_dir = lib_dir.resolve()
    pom = find_repo_root() / POM_RELATIVE_PATH
    digest = _pom_digest(pom)
    if _jars_current(lib_dir, digest):
        return
    with file_lock(lib_dir.parent / f".{lib_dir.name}.lock"):
        if _jars_current(lib_dir, digest):
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise KafkaBrokerError(
                "Maven ('mvn') is not on PATH; it is needed once to fetch the Kafka jars"
            )
        staging = lib_dir.parent / f".{lib_dir.name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        command = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(pom),
            DEPENDENCY_PLUGIN_GOAL,
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0 or not kafka_jars(staging):
            shutil.rmtree(staging, ignore_errors=True)
            output = tail(result.stdout + result.stderr, 40)
            raise KafkaBrokerError(
                f"{' '.join(command)} failed (exit {result.returncode}):\n{output}"
            )
        (staging / _STAMP_FILE).write_text(digest + "\n")
        previous = lib_dir.parent / f".{lib_dir.name}.old-{os.getpid()}"
        if lib_dir.exists():
            lib_dir.rename(previous)
        staging.rename(lib_dir)
        shutil.rmtree(previous, ignore_errors=True)
