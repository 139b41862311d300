"""Applying a roster file: every row checked by the same rules as a single entry, then all
rows written or none.

A row is the entry of the same org, name, post and start of term when there is one (its
rank, title, end, account and phone are updated), otherwise a new entry. The one-holder
rule is checked on the roster as it will be after the import, so a file may end a
secretary's term and enter his successor in the same upload.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.planning import (
    RosterMemberAppointed,
    RosterMemberChanged,
    RosterMemberLeft,
    RosterMemberSnapshot,
)
from xuncha_shared.orgs import GRASSROOTS_KINDS, OrgKind
from xuncha_shared.problems import Problem, Unprocessable
from xuncha_shared.roster import SINGLE_HOLDER_POSTS, RosterPost
from xuncha_shared.sheets import ImportFileError, RowError, rows_rejected
from xuncha_shared.workdays import local_day

from planning.models import Org
from planning.roster import repository, rules
from planning.roster.importing.parse import COLUMN_LABELS_ZH, RosterRow, parse_roster_file
from planning.roster.models import RosterMember
from planning.roster.schemas import RosterImportReport
from planning.roster.service import emit_snapshot, require_roster_keeper

#: How a file's "书记" or "主任" reads in a village or community.
GRASSROOTS_READING = {
    RosterPost.party_secretary: RosterPost.village_secretary,
    RosterPost.administrative_head: RosterPost.village_director,
}

Key = tuple[object, str, str, object]


def _row_error(row: RosterRow, problem: Problem) -> RowError:
    column = problem.field if problem.field in COLUMN_LABELS_ZH else "post"
    return RowError(row.row, column, problem.code, problem.message_zh, problem.message_en, None)


def _post_for(row: RosterRow, org: Org) -> RosterPost:
    if OrgKind(org.kind) in GRASSROOTS_KINDS:
        return GRASSROOTS_READING.get(row.post, row.post)
    return row.post


def _check_row(row: RosterRow, org: Org, post: RosterPost, today: date) -> None:
    rules.check_post_fits_org_kind(post, OrgKind(org.kind))
    rules.check_other_post_has_title(post, row.post_title)
    rules.check_dates_not_in_future(row.since, today, field="since")
    rules.check_dates_not_in_future(row.until, today, field="until")
    rules.check_term_dates_in_order(row.since, row.until)


async def import_roster(
    session: AsyncSession, *, content: bytes, filename: str, actor: Principal, now: datetime
) -> RosterImportReport:
    """Create or update every member of the file in the actor's jurisdiction, all or none."""
    require_roster_keeper(actor)
    try:
        parsed = parse_roster_file(content, filename)
    except ImportFileError as exc:
        raise Unprocessable(exc.message_zh, exc.message_en, field="file", code=exc.code) from exc
    orgs = await repository.orgs_by_code(session, actor.jurisdiction)
    existing = await repository.jurisdiction_members(session, actor.jurisdiction, for_update=True)
    by_key: dict[Key, RosterMember] = {(m.org_id, m.name, m.post, m.since): m for m in existing}
    today = local_day(now)
    errors = list(parsed.errors)
    planned: list[tuple[RosterRow, Org, RosterPost]] = []
    seen: set[Key] = set()
    for row in parsed.rows:
        org = orgs.get(row.org_code)
        if org is None:
            errors.append(
                RowError(row.row, "org_code", "unknown_org", "单位编码不在被巡察对象库中。",
                         "no org has this code.", row.org_code)
            )  # fmt: skip
            continue
        post = _post_for(row, org)
        try:
            _check_row(row, org, post, today)
        except Problem as problem:
            errors.append(_row_error(row, problem))
            continue
        key: Key = (org.id, row.name, post.value, row.since)
        if key in seen:
            errors.append(
                RowError(row.row, "name", "duplicate_row", "与前面某行是同一任职。",
                         "repeats an earlier row.", row.name)
            )  # fmt: skip
            continue
        seen.add(key)
        planned.append((row, org, post))
    errors.extend(_second_holders(planned, by_key))
    if errors:
        raise rows_rejected(sorted(errors, key=lambda e: (e.row, e.field)))
    return await _apply(session, planned, by_key, actor=actor, now=now)


def _second_holders(
    planned: list[tuple[RosterRow, Org, RosterPost]], by_key: dict[Key, RosterMember]
) -> list[RowError]:
    """The rule "one current holder of a single-holder post", on the roster as the import
    leaves it: each row that would be a second current holder is an error."""
    in_file = {(org.id, row.name, post.value, row.since) for row, org, post in planned}
    holders: Counter[tuple[object, str]] = Counter(
        (m.org_id, m.post) for key, m in by_key.items() if m.until is None and key not in in_file
    )
    errors = []
    for row, org, post in planned:
        if row.until is not None or post not in SINGLE_HOLDER_POSTS:
            continue
        holders[(org.id, post.value)] += 1
        if holders[(org.id, post.value)] > 1:
            try:
                rules.one_current_holder_of_single_post(post, "另一人")
            except Problem as problem:
                errors.append(_row_error(row, problem))
    return errors


async def _apply(
    session: AsyncSession,
    planned: list[tuple[RosterRow, Org, RosterPost]],
    by_key: dict[Key, RosterMember],
    *,
    actor: Principal,
    now: datetime,
) -> RosterImportReport:
    created = updated = unchanged = 0
    changes: list[tuple[type[RosterMemberSnapshot], RosterMember]] = []
    new: list[RosterMember] = []
    for row, org, post in planned:
        member = by_key.get((org.id, row.name, post.value, row.since))
        values: dict[str, Any] = {
            "post_title": row.post_title,
            "rank": row.rank.value,
            "until": row.until,
            "account": row.account,
            "phone": row.phone,
        }
        if member is None:
            member = RosterMember(
                jurisdiction=org.jurisdiction,
                org_id=org.id,
                name=row.name,
                post=post.value,
                since=row.since,
                created_at=now,
                updated_at=now,
                created_by=actor.subject,
                **values,
            )
            new.append(member)
            created += 1
            changes.append((RosterMemberAppointed, member))
            continue
        changed = {k: v for k, v in values.items() if getattr(member, k) != v}
        if not changed:
            unchanged += 1
            continue
        left = member.until is None and changed.get("until") is not None
        for key, value in changed.items():
            setattr(member, key, value)
        member.version += 1
        member.updated_at = now
        updated += 1
        changes.append((RosterMemberLeft if left else RosterMemberChanged, member))
    # Ends are written before new entries: a successor inserted while his predecessor is
    # still current would break the one-holder index.
    await session.flush()
    session.add_all(new)
    await session.flush()
    for event, member in changes:
        await emit_snapshot(session, event, member)
    return RosterImportReport(
        created=created, updated=updated, unchanged=unchanged, total=len(planned)
    )
