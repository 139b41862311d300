"""Per-service database roles and schemas, from ``deploy/postgres/init.sql``.

``init.sql`` is what the distributed deployment runs (psql, in the postgres container). Its
psql-only header maps psql variables and environment variables to session settings; the
rest, below the ``-- xuncha:portable-sql-begin`` marker, is plain SQL. This module runs that
plain part over asyncpg after setting the same session settings, so tests and tools get
exactly the roles and schemas the deployment gets, from the one file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import asyncpg
from xuncha_shared.settings import SERVICES

PORTABLE_MARKER = "-- xuncha:portable-sql-begin"
_SUFFIX = re.compile(r"^[a-z0-9_]*$")


def init_sql_path() -> Path:
    """``deploy/postgres/init.sql`` of this checkout (the package is installed editable)."""
    for directory in Path(__file__).resolve().parents:
        candidate = directory / "deploy" / "postgres" / "init.sql"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("deploy/postgres/init.sql not found above " + str(Path(__file__)))


def portable_init_sql(path: Path | None = None) -> str:
    """The plain-SQL part of ``init.sql`` (everything after the portable marker)."""
    text = (path or init_sql_path()).read_text(encoding="utf-8")
    _head, marker, body = text.partition(PORTABLE_MARKER)
    if not marker:
        raise ValueError(f"{PORTABLE_MARKER!r} missing from init.sql")
    return body


def role_name(service: str, suffix: str = "") -> str:
    """The database role of ``service`` (``init.sql`` names it ``<service><suffix>``)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return f"{service}{suffix}"


async def apply_init_sql(
    dsn: str,
    *,
    role_suffix: str = "",
    passwords: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> dict[str, str]:
    """Run ``init.sql``'s portable part in the database at ``dsn`` (a superuser's
    libpq/asyncpg DSN). Returns ``{service: role}``.

    ``passwords`` maps service names to passwords; services left out get the development
    default. ``role_suffix`` (``[a-z0-9_]*``) is appended to every role name.
    """
    if not _SUFFIX.match(role_suffix):
        raise ValueError("role_suffix must match [a-z0-9_]*")
    unknown = set(passwords or {}) - set(SERVICES)
    if unknown:
        raise ValueError(f"unknown services in passwords: {sorted(unknown)}")
    body = portable_init_sql(path)
    conn = await asyncpg.connect(dsn)
    try:
        settings = {"xuncha.role_suffix": role_suffix}
        for service in SERVICES:
            settings[f"xuncha.password_{service}"] = (passwords or {}).get(service, "")
        for name, value in settings.items():
            await conn.execute("SELECT set_config($1, $2, false)", name, value)
        await conn.execute(body)  # simple query protocol: many statements in one go
    finally:
        await conn.close()
    return {service: role_name(service, role_suffix) for service in SERVICES}
