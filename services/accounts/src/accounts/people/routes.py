"""HTTP routes: 账号管理 Accounts. The office keeps its jurisdiction's accounts."""

from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request, Response, UploadFile, status
from xuncha_shared.auth import Role
from xuncha_shared.db import DbSession
from xuncha_shared.exports import attachment, workbook, yes_no
from xuncha_shared.http import ExpectedVersion, Now, Paging, read_upload, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import (
    ERRORS,
    NAME,
    SEQ,
    VERSIONED,
    XLSX,
    Column,
    conflict,
    created,
    versioned,
    xlsx_ledger,
)

from accounts.access import LedgerActor, settings_of
from accounts.models import Account
from accounts.people import service
from accounts.people.importing import COLUMNS
from accounts.people.schemas import (
    AccountCreate,
    AccountImportReport,
    AccountPage,
    AccountRead,
    AccountUpdate,
    SetupCodeIssued,
    SignInPage,
    SignInRead,
)
from accounts.signin.schemas import ACCOUNT_PATTERN

router = APIRouter(prefix="/accounts", tags=["accounts"], responses=ERRORS)

AccountName = Annotated[str, Path(pattern=ACCOUNT_PATTERN, title="账号")]

C = Column[Account]
LEDGER = (
    C("账号", lambda a: a.account),
    C("姓名", lambda a: a.display_name),
    C("角色", lambda a: "、".join(Role(r).label_zh for r in a.roles)),
    C("所属单位编号", lambda a: a.org_id),
    C("启用", lambda a: yes_no(a.active)),
    C("已设密码", lambda a: yes_no(a.password_hash is not None)),
    C("两步验证", lambda a: yes_no(a.totp_confirmed)),
    C("修改时间", lambda a: a.updated_at),
)


@router.get(
    "",
    response_model=AccountPage,
    summary="查询账号",
    description="巡察办查看本辖区的账号，按账号排序，游标分页；可按角色、单位、启用状态和关键字筛选。",
)
async def list_accounts(
    session: DbSession,
    actor: LedgerActor,
    paging: Paging,
    role: Annotated[Role | None, Query(title="角色")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="所属单位编号")] = None,
    active: Annotated[bool | None, Query(title="是否启用")] = None,
    q: Annotated[
        str | None, Query(max_length=50, pattern=r"^[^\x00-\x1f\x7f]*$", title="关键字")
    ] = None,
) -> AccountPage:
    after = NAME.decode(paging.cursor)
    rows, total = await service.list_accounts(
        session,
        jurisdiction=actor.jurisdiction,
        role=role,
        org_id=org_id,
        active=active,
        q=q,
        after=after[0] if after else None,
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(rows, paging.limit, lambda a: [a.account])
    return AccountPage(items=[service.read(a) for a in page], next_cursor=next_cursor, total=total)


@router.get(
    "/export.xlsx",
    summary="导出账号（Excel）",
    response_class=Response,
    responses=XLSX,
)
async def export_accounts(request: Request, session: DbSession, actor: LedgerActor) -> Response:
    rows, _ = await service.list_accounts(
        session,
        jurisdiction=actor.jurisdiction,
        role=None,
        org_id=None,
        active=None,
        q=None,
        after=None,
        limit=100_000,
    )
    tz = ZoneInfo(settings_of(request).timezone)
    return xlsx_ledger("账号", LEDGER, rows, filename="账号.xlsx", tz=tz)


@router.get(
    "/import-template.xlsx",
    summary="下载账号导入模板（Excel）",
    description="表头为账号、姓名、角色、所属单位编码、人才库编号，附一行示例。",
    response_class=Response,
    responses=XLSX,
)
async def import_template(actor: LedgerActor) -> Response:
    example = ("wx.zbz.machunhua", "马春华", "被巡察党组织", "ZBZ", None)
    content = workbook("账号导入", list(COLUMNS.labels_zh.values()), [example])
    return attachment(content, filename="账号导入模板.xlsx", ascii_name="accounts-template.xlsx")


@router.post(
    "/import",
    response_model=AccountImportReport,
    summary="批量导入账号（XLSX/CSV）",
    description="表头：账号、姓名、角色（可填多个，以“、”“，”“;”或空格分隔，"
    "如 巡察办、巡察组、被巡察党组织、纪委监委、组织部、职能部门、"
    "分管县级领导、巡察工作领导小组），"
    "可选：所属单位编码（组织库中本辖区单位的编码）、人才库编号。"
    "规则与开通单个账号相同；任何一行有错则整份不导入，并逐行报告错误。"
    "本辖区已有的账号按更新处理（姓名、角色、所属单位、人才库人员；启用状态不变），"
    "文件中没有的可选列不改动原值。",
)
async def import_accounts(
    file: UploadFile, session: DbSession, actor: LedgerActor, now: Now
) -> AccountImportReport:
    content = await read_upload(file)
    return await service.import_accounts(
        session, content=content, filename=file.filename or "", actor=actor, now=now
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountRead,
    summary="开通账号",
    description="巡察办为本辖区的人员开通账号（姓名、角色、所属单位）；密码由本人凭一次性设置码设置。"
    "可带 Idempotency-Key。",
    responses=conflict("账号已存在"),
)
async def create_account(
    body: AccountCreate,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> AccountRead:
    account = service.read(await service.create(session, data=body, actor=actor, now=now))
    location = f"{request.url.path}/{account.account}"
    return await created(response, idempotent, account, location=location)


@router.get("/{account}", response_model=AccountRead, summary="查看账号")
async def get_account(
    account: AccountName, session: DbSession, actor: LedgerActor, response: Response
) -> AccountRead:
    row = await service.account_in(session, account=account, jurisdiction=actor.jurisdiction)
    return versioned(response, service.read(row))


@router.patch(
    "/{account}",
    response_model=AccountRead,
    summary="修改账号",
    description="修改姓名、角色、所属单位、人才库人员；须带 If-Match。"
    "新的角色在下次刷新令牌时生效。",
    responses=VERSIONED,
)
async def patch_account(
    account: AccountName,
    body: AccountUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
    response: Response,
) -> AccountRead:
    row = await service.update(
        session, account=account, data=body, expected_version=expected, actor=actor, now=now
    )
    return versioned(response, service.read(row))


async def _set_active(
    account: str,
    active: bool,
    expected: int,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
    response: Response,
) -> AccountRead:
    row = await service.set_active(
        session, account=account, active=active, expected_version=expected, actor=actor, now=now
    )
    return versioned(response, service.read(row))


@router.post(
    "/{account}/disable",
    response_model=AccountRead,
    summary="停用账号",
    description="停用后不能登录，本人的全部登录立即结束；须带 If-Match。",
    responses=VERSIONED,
)
async def disable_account(
    account: AccountName,
    expected: ExpectedVersion,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
    response: Response,
) -> AccountRead:
    return await _set_active(account, False, expected, session, actor, now, response)


@router.post(
    "/{account}/enable",
    response_model=AccountRead,
    summary="启用账号",
    description="重新允许登录，并解除临时锁定；须带 If-Match。",
    responses=VERSIONED,
)
async def enable_account(
    account: AccountName,
    expected: ExpectedVersion,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
    response: Response,
) -> AccountRead:
    return await _set_active(account, True, expected, session, actor, now, response)


@router.post(
    "/{account}/setup-code",
    status_code=status.HTTP_201_CREATED,
    response_model=SetupCodeIssued,
    summary="生成一次性设置码",
    description="本人凭此码设置（或重置）密码；设置码只显示这一次，此前未用的设置码随即作废。",
    responses=conflict("账号已停用"),
)
async def issue_setup_code(
    account: AccountName,
    request: Request,
    session: DbSession,
    actor: LedgerActor,
    now: Now,
) -> SetupCodeIssued:
    code, expires_at = await service.issue_setup_code(
        session,
        account=account,
        hours=settings_of(request).setup_code_hours,
        actor=actor,
        now=now,
    )
    return SetupCodeIssued(account=account, code=code, expires_at=expires_at)


@router.get(
    "/{account}/sign-ins",
    response_model=SignInPage,
    summary="登录记录",
    description="该账号的登录、退出和被拒绝的尝试，新的在前，游标分页。不含密码和验证码。",
)
async def list_sign_ins(
    account: AccountName, session: DbSession, actor: LedgerActor, paging: Paging
) -> SignInPage:
    await service.account_in(session, account=account, jurisdiction=actor.jurisdiction)
    before = SEQ.decode(paging.cursor)
    rows = await service.sign_ins(
        session, account=account, before=before[0] if before else None, limit=paging.limit + 1
    )
    page, next_cursor = split_page(rows, paging.limit, lambda r: [r.id])
    return SignInPage(items=[SignInRead.model_validate(r) for r in page], next_cursor=next_cursor)
