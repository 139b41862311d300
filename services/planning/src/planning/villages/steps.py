"""The five steps of village classification (001): record one, or one step for many
villages at once. Keyword-only arguments; they flush, never commit.

The class is fixed only by the committee's approval, the fifth step; that is also the only
change other services hear of (``village.classified``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.planning import VillageClass, VillageClassified
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, FieldError, Problem, Unprocessable

from planning.villages import repository
from planning.villages.models import VillageClassificationStep
from planning.villages.repository import ClassificationRow
from planning.villages.rules import APPROACH_FOR_CLASS
from planning.villages.schemas import BatchStepCreate, StepCreate
from planning.villages.service import get_for
from planning.villages.workflow import (
    STEP_LABELS_ZH,
    STEP_ROLES,
    Stage,
    Step,
    acting_role,
    allowed_next,
    may_read,
)


class BatchRejected(Problem):
    """A batch step of which some entries cannot be taken; nothing was recorded."""

    code = "batch-rejected"
    title = "Batch rejected"


def _org_of(actor: Principal) -> uuid.UUID | None:
    try:
        return uuid.UUID(actor.org_id) if actor.org_id else None
    except ValueError:
        return None


def _step_error(
    row: ClassificationRow,
    steps: list[VillageClassificationStep],
    step: Step,
    actor: Principal,
) -> tuple[Problem | Forbidden | None, Role | None]:
    """Why ``actor`` may not take ``step`` now (or None), and the role he acts in."""
    c = row.classification
    role = acting_role(step, actor, row.village.parent_id)
    if role is None:
        return Forbidden(
            f"无权进行“{STEP_LABELS_ZH[step]}”环节",
            f"Your role may not record the {step.value} step for this village",
        ), None
    stage = Stage(c.stage)
    allowed = allowed_next(stage)
    if step not in allowed:
        if not allowed:
            zh, en = "已经党委审定，分类已确定", "Already approved: the class is final"
        else:
            names = "或".join(f"“{STEP_LABELS_ZH[s]}”" for s in allowed)
            zh = f"五步程序须依次进行，下一环节为{names}"
            en = "The five steps go in order; next is " + " or ".join(s.value for s in allowed)
        return Conflict(
            zh, en, field="step", code="step-out-of-order",
            extra={"allowed_next": [s.value for s in allowed], "stage": stage.value},
        ), role  # fmt: skip
    if step is Step.department_opinions:
        # One opinion per department: its org when the token names one, else the account.
        org = _org_of(actor)
        if any(
            s.step == step.value and (s.actor_org_id == org if org else s.actor == actor.subject)
            for s in steps
        ):
            return Conflict(
                "本部门已对该村提出意见", "Your department has already given its opinion",
                field="step", code="opinion-already-given",
                extra={"allowed_next": [s.value for s in allowed]},
            ), role  # fmt: skip
    return None, role


async def _take_step(
    session: AsyncSession,
    row: ClassificationRow,
    steps: list[VillageClassificationStep],
    *,
    step: Step,
    proposed_class: VillageClass,
    note: str | None,
    role: Role,
    actor: Principal,
    now: datetime,
) -> VillageClassificationStep:
    c = row.classification
    taken = VillageClassificationStep(
        classification_id=c.id,
        seq=len(steps) + 1,
        step=step.value,
        proposed_class=proposed_class.value,
        note=note,
        actor=actor.subject,
        actor_name=actor.name[:100],
        role=role.value,
        actor_org_id=_org_of(actor),
        at=now,
    )
    session.add(taken)
    steps.append(taken)
    c.stage = step.value
    c.proposed_class = proposed_class.value
    c.version += 1
    c.updated_at = now
    if step is Step.committee_approval:
        approach = APPROACH_FOR_CLASS[proposed_class]
        c.village_class = proposed_class.value
        c.approach = approach.value
        c.approved_at = now
        c.approved_by = actor.subject
        await session.flush()
        await emit(
            session,
            VillageClassified(
                jurisdiction=c.jurisdiction,
                classification_id=c.id,
                term_id=c.term_id,
                village_id=c.village_id,
                township_id=row.village.parent_id,
                village_class=proposed_class,
                approach=approach,
                score=float(c.score),
                scored_class=VillageClass(c.scored_class),
                approved_at=now,
            ),
        )
    return taken


async def record_step(
    session: AsyncSession,
    *,
    classification_id: uuid.UUID,
    data: StepCreate,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[ClassificationRow, list[VillageClassificationStep]]:
    """Take the next of the five steps for one village (409 naming the allowed next step
    when out of order). The committee's approval fixes the class and emits
    ``village.classified``."""
    if not actor.has(*STEP_ROLES[data.step]):
        raise Forbidden(
            f"无权进行“{STEP_LABELS_ZH[data.step]}”环节",
            f"Your role may not record the {data.step.value} step",
        )
    row = await get_for(session, classification_id=classification_id, actor=actor, for_update=True)
    steps = (await repository.steps_of(session, [row.classification.id]))[row.classification.id]
    error, role = _step_error(row, steps, data.step, actor)
    if error is not None:
        raise error
    assert role is not None
    if expected_version is not None:
        check_version(row.classification.version, expected_version)
    await _take_step(
        session, row, steps, step=data.step, proposed_class=data.proposed_class,
        note=data.note, role=role, actor=actor, now=now,
    )  # fmt: skip
    await session.flush()
    return row, steps


async def record_steps_batch(
    session: AsyncSession, *, data: BatchStepCreate, actor: Principal, now: datetime
) -> list[ClassificationRow]:
    """Take the same step for many villages (a meeting's decisions), all or nothing: any
    entry that cannot be taken is reported, and nothing is recorded."""
    if not actor.has(*STEP_ROLES[data.step]):
        raise Forbidden(
            f"无权进行“{STEP_LABELS_ZH[data.step]}”环节",
            f"Your role may not record the {data.step.value} step",
        )
    ids = [e.classification_id for e in data.entries]
    rows = await repository.get_classifications(session, sorted(set(ids)), for_update=True)
    all_steps = await repository.steps_of(session, list(rows))
    errors: list[FieldError] = []
    # The batch answers as its entries would alone when they agree: all out of order is a
    # 409, all someone else's is a 403; a mix (or a bad id) is a 422 listing each.
    statuses: set[int] = set()
    roles: dict[uuid.UUID, Role] = {}
    seen: set[uuid.UUID] = set()
    for i, entry in enumerate(data.entries):
        field = f"entries.{i}.classification_id"
        row = rows.get(entry.classification_id)
        problem: Problem | Forbidden | None
        if entry.classification_id in seen:
            problem = Unprocessable("同一村分类重复出现", "Listed twice", code="duplicate-entry")
        elif row is None or row.classification.jurisdiction != actor.jurisdiction:
            problem = Unprocessable("村分类记录不存在", "No such classification", code="not-found")
        elif not may_read(actor, row.village.parent_id):
            problem = Forbidden("无权处理该村的分类", "Not yours to record", code="forbidden")
        else:
            problem, role = _step_error(row, all_steps[row.classification.id], data.step, actor)
            if role is not None:
                roles[entry.classification_id] = role
        seen.add(entry.classification_id)
        if problem is not None:
            statuses.add(403 if isinstance(problem, Forbidden) else problem.status)
            errors.append(
                FieldError(
                    field=field,
                    code=problem.code,
                    message_zh=f"第 {i + 1} 条：{problem.message_zh}",
                    message_en=f"Entry {i + 1}: {problem.message_en}",
                )
            )
    if errors:
        raise BatchRejected(
            f"{len(errors)} 条无法办理，未记录任何一条",
            f"{len(errors)} entries cannot be recorded; nothing was recorded",
            field=errors[0].field,
            errors=errors,
            status=statuses.pop() if len(statuses) == 1 and statuses <= {403, 409} else 422,
        )
    for entry in data.entries:
        row = rows[entry.classification_id]
        await _take_step(
            session, row, all_steps[entry.classification_id], step=data.step,
            proposed_class=entry.proposed_class, note=entry.note,
            role=roles[entry.classification_id], actor=actor, now=now,
        )  # fmt: skip
    await session.flush()
    return [rows[e.classification_id] for e in data.entries]
