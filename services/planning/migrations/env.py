"""Alembic environment of the planning service (version table in schema `planning`)."""

from planning.calendar import models as calendar_models
from planning.consultation import models as consultation_models
from planning.figures import models as figures_models
from planning.groups import models as groups_models
from planning.models import Base
from planning.pool import models as pool_models
from planning.roster import models as roster_models
from planning.rounds import models as rounds_models
from planning.terms import models as terms_models
from planning.villages import models as villages_models
from xuncha_shared.migrations import run_env

# Every module that declares tables on Base, so the metadata is complete.
TABLE_MODULES = (
    calendar_models,
    consultation_models,
    figures_models,
    groups_models,
    pool_models,
    roster_models,
    rounds_models,
    terms_models,
    villages_models,
)

run_env(Base.metadata)
