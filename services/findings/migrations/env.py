"""Alembic environment of the findings service (version table in schema `findings`)."""

from findings.models import Base, load_all
from xuncha_shared.migrations import run_env

load_all()
run_env(Base.metadata)
