"""Importing a talent pool from an office's workbook: all rows or none."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.problems import FieldError, Unprocessable
from xuncha_shared.sheets import ImportFileError

from planning.models import Cadre, Org
from planning.pool import repository
from planning.pool.access import require_office
from planning.pool.importing.parse import PoolDraft, SheetError, parse_pool_file, resolve
from planning.pool.models import CadrePost, CadreRelative
from planning.pool.schemas import PoolImportReport

OrgLookup = Callable[[str | None, str], Org]
T = TypeVar("T")


async def import_pool(
    session: AsyncSession, *, content: bytes, filename: str, actor: Principal, now: datetime
) -> PoolImportReport:
    """Create or update every cadre of the workbook in the actor's pool.

    Cadres are matched by code. For the cadres on the pool sheet, the posts sheet (when
    present) replaces their posts and the relatives sheet their relatives; without that
    sheet they keep theirs. Any error means nothing is written and every error is
    reported with its sheet, row and column.
    """
    require_office(actor)
    jurisdiction = actor.jurisdiction
    try:
        draft = parse_pool_file(content, filename)
    except ImportFileError as exc:
        raise Unprocessable(exc.message_zh, exc.message_en, field="file", code=exc.code) from exc
    await repository.lock_pool(session, jurisdiction)
    existing = await repository.cadres_by_code(session, jurisdiction)
    orgs = await repository.orgs_by_code(session, draft.org_keys(jurisdiction))
    accounts = {c.account: c.code for c in existing.values() if c.account}
    errors = draft.errors + resolve(
        draft,
        jurisdiction=jurisdiction,
        org_kinds={key: org.kind for key, org in orgs.items()},
        accounts=accounts,
    )
    if errors:
        raise _rejected(errors)

    def org(j: str | None, code: str) -> Org:
        return orgs[(j or jurisdiction, code)]

    ids: dict[str, uuid.UUID] = {}
    created: set[str] = set()
    updated: set[str] = set()
    for row in draft.cadres:
        cadre = existing.get(row.code)
        unit = org(None, row.unit_code) if row.unit_code else None
        home = org(row.home_jurisdiction, row.home_code) if row.home_code else None
        values: dict[str, Any] = {
            "name": row.name,
            "unit_org_id": unit.id if unit else None,
            "unit_name": row.unit_name or (unit.name if unit else ""),
            "specialties": [s.value for s in row.specialties],
            "home_township_id": home.id if home else None,
            "available": row.available,
            "account": row.account,
            "phone": row.phone,
        }
        if cadre is None:
            cadre = Cadre(
                id=uuid.uuid4(),
                jurisdiction=jurisdiction,
                code=row.code,
                created_at=now,
                updated_at=now,
                **values,
            )
            session.add(cadre)
            created.add(row.code)
        elif _apply(cadre, values):
            updated.add(row.code)
        ids[row.code] = cadre.id
    await session.flush()
    # A cadre whose posts or relatives changed is a new version of the cadre too.
    updated |= await _replace_details(session, draft, ids, org) - created
    for code in updated:
        existing[code].version += 1
        existing[code].updated_at = now
    await session.flush()
    return PoolImportReport(
        created=len(created),
        updated=len(updated),
        unchanged=len(draft.cadres) - len(created) - len(updated),
        total=len(draft.cadres),
        posts=len(draft.posts or []),
        relatives=len(draft.relatives or []),
        by_specialty=dict(Counter(s.value for c in draft.cadres for s in c.specialties)),
    )


def _apply(cadre: Cadre, values: dict[str, Any]) -> bool:
    changed = {k: v for k, v in values.items() if getattr(cadre, k) != v}
    for key, value in changed.items():
        setattr(cadre, key, value)
    return bool(changed)


async def _replace_details(
    session: AsyncSession, draft: PoolDraft, ids: dict[str, uuid.UUID], org: OrgLookup
) -> set[str]:
    """Replace the posts and relatives of the file's cadres where they differ; returns the
    codes of the cadres whose posts or relatives changed."""
    codes = {v: k for k, v in ids.items()}
    touched: set[str] = set()
    if draft.posts is not None:
        posts = await repository.posts_of(session, list(ids.values()))
        new_posts: dict[uuid.UUID, list[CadrePost]] = {i: [] for i in ids.values()}
        for p in draft.posts:
            new_posts[ids[p.cadre_code]].append(
                CadrePost(
                    cadre_id=ids[p.cadre_code],
                    org_id=org(p.org_jurisdiction, p.org_code).id,
                    title=p.title,
                    started_on=p.started_on,
                    ended_on=p.ended_on,
                )
            )
        changed = [i for i in ids.values() if not _same(new_posts[i], posts[i], _post)]
        await repository.delete_posts_and_relatives(session, changed, relatives=False)
        session.add_all([p for i in changed for p in new_posts[i]])
        touched |= {codes[i] for i in changed}
    if draft.relatives is not None:
        relatives = await repository.relatives_of(session, list(ids.values()))
        new_relatives: dict[uuid.UUID, list[CadreRelative]] = {i: [] for i in ids.values()}
        for r in draft.relatives:
            new_relatives[ids[r.cadre_code]].append(
                CadreRelative(
                    cadre_id=ids[r.cadre_code],
                    org_id=org(r.org_jurisdiction, r.org_code).id,
                    relation=r.relation,
                )
            )
        changed = [i for i in ids.values() if not _same(new_relatives[i], relatives[i], _rel)]
        await repository.delete_posts_and_relatives(session, changed, posts=False)
        session.add_all([r for i in changed for r in new_relatives[i]])
        touched |= {codes[i] for i in changed}
    return touched


def _post(p: CadrePost) -> Hashable:
    return (p.org_id, p.title, p.started_on, p.ended_on)


def _rel(r: CadreRelative) -> Hashable:
    return (r.org_id, r.relation)


def _same(a: Iterable[T], b: Iterable[T], key: Callable[[T], Hashable]) -> bool:
    return Counter(map(key, a)) == Counter(map(key, b))


def _rejected(errors: list[SheetError]) -> Unprocessable:
    errors = sorted(errors, key=lambda e: (e.sheet != "cadres", e.sheet, e.row, e.field))
    first = errors[0]
    return Unprocessable(
        f"导入文件有 {len(errors)} 处错误，未导入任何记录",
        f"The workbook has {len(errors)} errors; nothing was imported",
        field=first.location,
        code="import-rejected",
        errors=[
            FieldError(
                field=e.location, code=e.code, message_zh=e.located_zh, message_en=e.located_en
            )
            for e in errors
        ],
    )
