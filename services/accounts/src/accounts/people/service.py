"""The account ledger: the office opens, changes, disables and re-enables its jurisdiction's
accounts and hands out one-time setup codes; every change is an event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal, Role
from xuncha_shared.events.accounts import (
    AccountChanged,
    AccountDisabled,
    AccountEnabled,
    AccountOpened,
    AccountSnapshot,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.sheets import RowError, rows_rejected

from accounts.models import Account, SetupCode, SignInRecord
from accounts.passwords import digest, new_setup_code
from accounts.people import repository
from accounts.people.importing import AccountRow, ImportFileError, ImportResult, parse_account_file
from accounts.people.schemas import (
    ORG_ROLES,
    AccountCreate,
    AccountImportReport,
    AccountRead,
    AccountUpdate,
)
from accounts.signin.service import end_sessions


def read(account: Account) -> AccountRead:
    return AccountRead.model_validate(
        {
            **account.model_dump(),
            "has_password": account.password_hash is not None,
            "totp_enabled": account.totp_confirmed,
        }
    )


def snapshot(cls: type[AccountSnapshot], account: Account) -> AccountSnapshot:
    return cls(
        jurisdiction=account.jurisdiction,
        account=account.account,
        display_name=account.display_name,
        roles=list(account.roles),
        org_id=account.org_id,
        cadre_id=account.cadre_id,
        active=account.active,
        version=account.version,
    )


async def account_in(
    session: AsyncSession, *, account: str, jurisdiction: str, for_update: bool = False
) -> Account:
    """An account of the jurisdiction; others are as good as missing."""
    row = await repository.account(session, account, for_update=for_update)
    if row is None or row.jurisdiction != jurisdiction:
        raise NotFound("没有此账号", "No such account", field="account")
    return row


async def _check_roles_and_org(
    session: AsyncSession, jurisdiction: str, roles: Sequence[Role], org_id: uuid.UUID | None
) -> None:
    if Role.service in roles:
        raise Unprocessable(
            "部门系统服务账号在「服务账号」中开通，不是人员账号",
            "A department system's service account is opened as a service client",
            field="roles",
            code="service-role",
        )
    if org_id is None and ORG_ROLES.intersection(roles):
        raise Unprocessable(
            "被巡察党组织和各部门的账号须填写所属单位",
            "Accounts of an inspected org or a department name their org",
            field="org_id",
            code="org-required",
        )
    if org_id is not None:
        await check_org(session, jurisdiction=jurisdiction, org_id=org_id)


async def check_org(session: AsyncSession, *, jurisdiction: str, org_id: uuid.UUID) -> None:
    """The org an account or a service account acts for is in the jurisdiction's registry."""
    if not await repository.org_known(session, jurisdiction, org_id):
        raise Unprocessable(
            "所属单位不在本辖区的组织库中",
            "The org is not in this jurisdiction's registry",
            field="org_id",
            code="unknown-org",
        )


def _ordered(roles: Sequence[Role]) -> list[str]:
    return [r.value for r in sorted(set(roles), key=list(Role).index)]


async def create(
    session: AsyncSession, *, data: AccountCreate, actor: Principal, now: datetime
) -> Account:
    await _check_roles_and_org(session, actor.jurisdiction, data.roles, data.org_id)
    if await repository.account(session, data.account) is not None:
        raise Conflict("账号已存在", "The account already exists", field="account")
    account = _new_account(
        data.account, data.display_name, data.roles, data.org_id, data.cadre_id, actor, now
    )
    session.add(account)
    await session.flush()
    await emit(session, snapshot(AccountOpened, account))
    return account


def _new_account(
    account: str,
    display_name: str,
    roles: Sequence[Role],
    org_id: uuid.UUID | None,
    cadre_id: uuid.UUID | None,
    actor: Principal,
    now: datetime,
) -> Account:
    return Account(
        account=account,
        jurisdiction=actor.jurisdiction,
        display_name=display_name,
        roles=_ordered(roles),
        org_id=org_id,
        cadre_id=cadre_id,
        created_at=now,
        updated_at=now,
        updated_by=actor.subject,
    )


async def update(
    session: AsyncSession,
    *,
    account: str,
    data: AccountUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Account:
    row = await account_in(
        session, account=account, jurisdiction=actor.jurisdiction, for_update=True
    )
    check_version(row.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    roles = data.roles if data.roles is not None else [Role(r) for r in row.roles]
    org_id = changes.get("org_id", row.org_id)
    await _check_roles_and_org(session, row.jurisdiction, roles, org_id)
    if row.account == actor.subject and Role.office not in roles:
        raise Unprocessable(
            "不能去掉自己的巡察办角色", "You cannot drop your own office role", field="roles"
        )
    if "roles" in changes:
        changes["roles"] = _ordered(roles)
    for name, value in changes.items():
        setattr(row, name, value)
    _touch(row, actor, now)
    await session.flush()
    await emit(session, snapshot(AccountChanged, row))
    return row


async def import_accounts(
    session: AsyncSession, *, content: bytes, filename: str, actor: Principal, now: datetime
) -> AccountImportReport:
    """Open or change every account of an import file, all or nothing.

    A row naming one of the jurisdiction's accounts changes its name, roles, org and cadre
    (an event only when something changed; whether it is active stays as it is); the other
    rows open accounts. Any error, in the file or against the ledger, means nothing is
    written and every error is reported.
    """
    org_codes = await repository.org_codes(session, actor.jurisdiction)
    try:
        parsed = parse_account_file(content, filename, org_codes=org_codes)
    except ImportFileError as exc:
        raise Unprocessable(exc.message_zh, exc.message_en, field="file", code=exc.code) from exc
    held: dict[str, Account] = {}
    if parsed.accounts:
        held = await repository.accounts_named(session, parsed.accounts)
    parsed = parsed.adding(_ledger_errors(parsed, held, actor))
    if parsed.errors:
        raise rows_rejected(parsed.errors)
    created = updated = unchanged = 0
    changes: list[tuple[type[AccountSnapshot], Account]] = []
    for row in parsed.rows:
        account = held.get(row.account)
        if account is None:
            account = _new_account(
                row.account, row.display_name, row.roles, row.org_id, row.cadre_id, actor, now
            )
            session.add(account)
            created += 1
            changes.append((AccountOpened, account))
        elif _apply_row(account, row, parsed.columns):
            _touch(account, actor, now)
            updated += 1
            changes.append((AccountChanged, account))
        else:
            unchanged += 1
    await session.flush()
    for cls, account in changes:
        await emit(session, snapshot(cls, account))
    return AccountImportReport(
        created=created, updated=updated, unchanged=unchanged, total=len(parsed.rows)
    )


def _ledger_errors(
    parsed: ImportResult, held: dict[str, Account], actor: Principal
) -> list[RowError]:
    """What only the ledger can tell: accounts of other jurisdictions, the caller's own
    office role, and the org of an account when the file has no org column."""
    errors = [
        RowError(
            row,
            "account",
            "account_elsewhere",
            f"账号“{name}”已在其他地区开通,不能在此导入。",
            f"Account {name!r} belongs to another jurisdiction.",
            name,
        )
        for name, row in parsed.accounts.items()
        if name in held and held[name].jurisdiction != actor.jurisdiction
    ]
    for row in parsed.rows:
        account = held.get(row.account)
        if account is not None and account.jurisdiction != actor.jurisdiction:
            account = None
        own = account is not None and account.account == actor.subject
        if own and Role.office not in row.roles:
            errors.append(_own_office_role(row.row))
        needs_org = "org_code" not in parsed.columns and ORG_ROLES.intersection(row.roles)
        if needs_org and (account is None or account.org_id is None):
            errors.append(_org_required(row.row))
    return errors


def _own_office_role(row: int) -> RowError:
    return RowError(
        row, "roles", "own_office_role",
        "不能去掉自己的巡察办角色。", "You cannot drop your own office role.",
    )  # fmt: skip


def _org_required(row: int) -> RowError:
    return RowError(
        row, "org_code", "org_required",
        "被巡察党组织和各部门的账号须填写所属单位编码(文件中没有“所属单位编码”列)。",
        "Accounts of an inspected org or a department name their org's code "
        "(the file has no org_code column).",
    )  # fmt: skip


def _apply_row(account: Account, row: AccountRow, columns: frozenset[str]) -> bool:
    values: dict[str, object] = {"display_name": row.display_name, "roles": _ordered(row.roles)}
    if "org_code" in columns:
        values["org_id"] = row.org_id
    if "cadre_id" in columns:
        values["cadre_id"] = row.cadre_id
    changed = {k: v for k, v in values.items() if getattr(account, k) != v}
    for name, value in changed.items():
        setattr(account, name, value)
    return bool(changed)


def _touch(row: Account, actor: Principal, now: datetime) -> None:
    row.version += 1
    row.updated_at = now
    row.updated_by = actor.subject


async def set_active(
    session: AsyncSession,
    *,
    account: str,
    active: bool,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Account:
    """停用 ends every session of the account at once; 启用 lets it sign in again."""
    row = await account_in(
        session, account=account, jurisdiction=actor.jurisdiction, for_update=True
    )
    check_version(row.version, expected_version)
    if row.account == actor.subject and not active:
        raise Conflict("不能停用自己的账号", "You cannot disable your own account", code="self")
    if row.active == active:
        return row
    row.active = active
    row.failed_sign_ins = 0
    row.locked_until = None
    _touch(row, actor, now)
    if not active:
        await end_sessions(session, row.account, now)
    await session.flush()
    await emit(session, snapshot(AccountEnabled if active else AccountDisabled, row))
    return row


async def issue_setup_code(
    session: AsyncSession, *, account: str, hours: int, actor: Principal, now: datetime
) -> tuple[str, datetime]:
    """A new one-time code for the account (earlier unused ones stop working)."""
    row = await account_in(
        session, account=account, jurisdiction=actor.jurisdiction, for_update=True
    )
    if not row.active:
        raise Conflict("账号已停用", "The account is disabled", code="account-disabled")
    for old in await repository.unused_setup_codes(session, row.account):
        old.used_at = now
    code = new_setup_code()
    expires_at = now + timedelta(hours=hours)
    session.add(
        SetupCode(
            code_hash=digest(code),
            account=row.account,
            created_at=now,
            created_by=actor.subject,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return code, expires_at


async def list_accounts(
    session: AsyncSession,
    *,
    jurisdiction: str,
    role: Role | None,
    org_id: uuid.UUID | None,
    active: bool | None,
    q: str | None,
    after: str | None,
    limit: int,
) -> tuple[list[Account], int]:
    """A page of the jurisdiction's accounts by name (after ``after``), and the total."""
    return await repository.list_accounts(
        session,
        jurisdiction=jurisdiction,
        role=role,
        org_id=org_id,
        active=active,
        q=q,
        after=after,
        limit=limit,
    )


async def sign_ins(
    session: AsyncSession, *, account: str, before: int | None, limit: int
) -> list[SignInRecord]:
    """An account's sign-in records, newest first."""
    return await repository.sign_ins(session, account=account, before=before, limit=limit)
