"""Alembic environment of the accounts service (version table in schema `accounts`)."""

from accounts.models import Base
from xuncha_shared.migrations import run_env

run_env(Base.metadata)
