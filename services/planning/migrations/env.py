"""Alembic environment of the planning service (version table in schema `planning`)."""

from planning.models import Base
from xuncha_shared.migrations import run_env

run_env(Base.metadata)
