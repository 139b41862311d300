"""Alembic environment of the rectification service (version table in schema `rectification`)."""

from rectification.models import Base, load_all
from xuncha_shared.migrations import run_env

load_all()
run_env(Base.metadata)
