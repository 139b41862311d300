"""Alembic environment of the clues service (version table in schema `clues`)."""

from clues.models import Base
from xuncha_shared.migrations import run_env

run_env(Base.metadata)
