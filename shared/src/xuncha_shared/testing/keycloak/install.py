"""Installing Keycloak: the server distribution copied from Maven Central, unpacked, and
started once so that Quarkus augments it before any test run (see the package docstring)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from xuncha_shared.testing.keycloak.errors import KeycloakError
from xuncha_shared.testing.keycloak.server import (
    KEYCLOAK_VERSION,
    KeycloakServer,
    default_home,
    tail,
)
from xuncha_shared.testing.locks import file_lock

COPY_GOAL = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy"

_READY_STAMP = ".xuncha-installed"


def is_installed(home: Path) -> bool:
    """Whether ``home`` holds a distribution that the install step unpacked and started."""
    return (home / _READY_STAMP).is_file() and (home / "bin" / "kc.sh").is_file()


def _unpack(archive: Path, target: Path) -> None:
    """Extract ``archive`` into ``target``, keeping the executable bits zipfile drops."""
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            path = Path(zipped.extract(member, target))
            mode = (member.external_attr >> 16) & 0o777
            if mode and not member.is_dir():
                path.chmod(mode)


def ensure_distribution(home: Path | None = None, version: str = KEYCLOAK_VERSION) -> Path:
    """Make sure Keycloak ``version`` is unpacked in ``home`` and augmented; return ``home``.

    Resolves the zip with ``mvn dependency:copy`` (Maven keeps it in ``~/.m2``, so a second
    install on the machine is offline), unpacks it next to ``home`` and moves it into
    place, then starts the server once (see the module docstring) and writes a stamp.
    Idempotent and cheap once the stamp exists; serialised by a file lock.
    """
    home = (home if home is not None else default_home(version)).resolve()
    if is_installed(home):
        return home
    with file_lock(home.parent / ".install.lock"):
        if is_installed(home):
            return home
        if not (home / "bin" / "kc.sh").is_file():
            _download(home, version)
        # The first start augments for BUILD_OPTIONS (and proves the server runs here).
        with tempfile.TemporaryDirectory(prefix="xuncha-keycloak-install-") as workdir:
            server = KeycloakServer(Path(workdir), home=home, log_file=home.parent / "install.log")
            with server:
                pass
        (home / _READY_STAMP).write_text(f"{version}\n")
    return home


def _download(home: Path, version: str) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KeycloakError("Maven ('mvn') is not on PATH; it is needed once to fetch Keycloak")
    staging = home.parent / f".{home.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        artifact = f"org.keycloak:keycloak-quarkus-dist:{version}:zip"
        command = [mvn, "-B", "-q", COPY_GOAL, f"-Dartifact={artifact}", "-DoutputDirectory=."]
        result = subprocess.run(
            command,
            cwd=staging,  # no project here: the copy goal needs none
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        archive = staging / f"keycloak-quarkus-dist-{version}.zip"
        if result.returncode != 0 or not archive.is_file():
            output = tail(result.stdout + result.stderr, 40)
            raise KeycloakError(f"{' '.join(command)} failed (exit {result.returncode}):\n{output}")
        _unpack(archive, staging)
        archive.unlink()
        unpacked = staging / f"keycloak-{version}"
        if not (unpacked / "bin" / "kc.sh").is_file():
            raise KeycloakError(f"{artifact} holds no keycloak-{version}/bin/kc.sh")
        shutil.rmtree(home, ignore_errors=True)
        unpacked.rename(home)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
