"""Alembic environment of the notify service (version table in schema `notify`)."""

from notify.models import Base
from xuncha_shared.migrations import run_env

run_env(Base.metadata)
