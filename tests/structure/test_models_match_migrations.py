"""Each service's table models and its migrations describe the same schema: Alembic's
autogenerate, run against the migrated database, finds nothing to add, drop or alter."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from xuncha_shared.db import create_engine
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES


def _metadata(service: str) -> MetaData:
    importlib.import_module(f"{service}.app")  # every feature's tables declared
    metadata: MetaData = importlib.import_module(f"{service}.models").Base.metadata
    return metadata


def _diff(connection: Any, metadata: MetaData) -> list[Any]:
    schema = metadata.schema
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, parent: type_ != "schema" or name == schema,
            "compare_type": True,
            "version_table_schema": schema,
        },
    )
    return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("service", SERVICES)
async def test_autogenerate_finds_no_difference(
    service: str, pg: LocalPostgres, template_db: str
) -> None:
    metadata = _metadata(service)
    engine = create_engine(pg.url(template_db), pool_size=1)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff, metadata)
    finally:
        await engine.dispose()
    assert diff == [], f"{service}: models and migrations differ:\n" + "\n".join(map(str, diff))
