"""Alembic environment of the findings service (version table in schema `findings`)."""

from findings.models import Base
from xuncha_shared.migrations import run_env

run_env(Base.metadata)
