"""The office's clue figures (成绩单) from the ledger: counts only."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clues.figures import repository
from clues.figures.schemas import Figures, FiguresReport, GroupBy

NAMES = [name for name, _ in repository.MEASURES]
"""The measures, in the order of the report and its workbook."""


def _row(values: dict[str, Any], key: uuid.UUID | None = None) -> Figures:
    concluded = int(values["concluded"])
    cases = int(values["cases_filed"])
    return Figures(
        key=key,
        **{k: values[k] for k in NAMES if not k.startswith("avg_")},
        conversion_rate=round(cases / concluded, 4) if concluded else None,
        **{
            k: (round(float(values[k]), 2) if values[k] is not None else None)
            for k in NAMES
            if k.startswith("avg_")
        },
    )


async def figures(
    session: AsyncSession,
    *,
    jurisdiction: str,
    group_by: GroupBy,
    round_id: uuid.UUID | None = None,
    term_id: uuid.UUID | None = None,
    recipient_org_id: uuid.UUID | None = None,
) -> FiguresReport:
    """The figures of a jurisdiction's clues, optionally narrowed and grouped."""
    total, groups = await repository.measures(
        session,
        jurisdiction=jurisdiction,
        group_by=group_by,
        round_id=round_id,
        term_id=term_id,
        recipient_org_id=recipient_org_id,
    )
    return FiguresReport(
        jurisdiction=jurisdiction,
        group_by=group_by,
        total=_row(dict(total)),
        rows=[_row(dict(r), r["key"]) for r in groups],
    )
