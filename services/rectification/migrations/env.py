"""Alembic environment of the rectification service (version table in schema `rectification`)."""

from rectification.models import Base
from xuncha_shared.migrations import run_env

run_env(Base.metadata)
