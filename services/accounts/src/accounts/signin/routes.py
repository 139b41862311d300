"""HTTP routes: 登录 Sign-in. Password sign-in, refresh, sign-out, password setup and
change, the second factor, and who the signed-in person is."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from xuncha_shared.auth import Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.problems import Conflict, NotFound, Problem, ProblemDetail
from xuncha_shared.web import ERRORS

from accounts.access import address_of, committed, settings_of
from accounts.areas import areas_for, home_for
from accounts.models import Account
from accounts.passwords import password_hasher
from accounts.signin import service
from accounts.signin.schemas import (
    EnrollmentRequest,
    Me,
    PasswordChange,
    PasswordSetup,
    Refresh,
    SignIn,
    TokenPair,
    TotpCode,
    TotpEnrollment,
)

router = APIRouter(tags=["sign-in"])

_PROBLEM = {"model": ProblemDetail}
SIGN_IN_ANSWERS: dict[int | str, dict[str, object]] = {
    401: {**_PROBLEM, "description": "账号或密码错误；或须输入、输错动态验证码"},
    403: {**_PROBLEM, "description": "账号已停用；或本辖区要求两步验证而尚未设置"},
    422: ERRORS[422],
    423: {**_PROBLEM, "description": "连续输错，账号临时锁定（见 Retry-After）"},
    429: {**_PROBLEM, "description": "此地址失败次数过多（见 Retry-After）"},
}


@router.post(
    "/sign-in",
    response_model=TokenPair,
    summary="账号密码登录",
    description="成功返回访问令牌和刷新令牌。账号不存在与密码错误答复相同；连续输错会临时锁定账号，"
    "同一地址失败过多会暂时拒绝；开启两步验证的账号须带动态验证码。",
    responses=SIGN_IN_ANSWERS,
)
async def sign_in(body: SignIn, request: Request, session: DbSession, now: Now) -> TokenPair:
    attempt = service.Attempt(
        account=body.account, password=body.password, totp=body.totp, address=address_of(request)
    )
    try:
        return await service.sign_in(session, settings_of(request), password_hasher(), attempt, now)
    except Problem as refusal:
        raise await committed(session, refusal) from None


@router.post(
    "/totp/enrollment",
    response_model=TotpEnrollment,
    summary="登录前设置两步验证",
    description="本辖区要求两步验证而本人尚未设置时，凭账号密码取得验证器应用的密钥和"
    " otpauth 链接；随后带上验证器显示的动态验证码登录，即完成设置。"
    "与登录同样计入失败次数和频率限制。",
    responses={**SIGN_IN_ANSWERS, 409: {**_PROBLEM, "description": "已开启两步验证"}},
)
async def enroll_totp(
    body: EnrollmentRequest, request: Request, session: DbSession, now: Now
) -> TotpEnrollment:
    settings = settings_of(request)
    attempt = service.Attempt(
        account=body.account, password=body.password, totp=None, address=address_of(request)
    )
    try:
        account = await service.authenticate(session, settings, password_hasher(), attempt, now)
    except Problem as refusal:
        raise await committed(session, refusal) from None
    if account.totp_confirmed:
        raise Conflict(
            "两步验证已开启；如需更换验证器，请登录后重新设置",
            "A second factor is already set up; sign in to replace it",
            code="totp-already-enabled",
        )
    secret, uri = await service.start_totp(session, account, settings.totp_issuer)
    return TotpEnrollment(secret=secret, uri=uri)


@router.post(
    "/refresh",
    response_model=TokenPair,
    summary="刷新令牌",
    description="用刷新令牌换一对新令牌；旧的刷新令牌随即作废。同一刷新令牌第二次使用视为被盗用，"
    "该次登录的全部令牌一并作废。",
    responses={401: {**_PROBLEM, "description": "刷新令牌无效、过期或已使用"}, 422: ERRORS[422]},
)
async def refresh(body: Refresh, request: Request, session: DbSession, now: Now) -> TokenPair:
    try:
        return await service.refresh(
            session, settings_of(request), body.refresh_token, now, address_of(request)
        )
    except Problem as refusal:
        raise await committed(session, refusal) from None


@router.post(
    "/sign-out",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="退出登录",
    description="结束该刷新令牌所属的这次登录；重复退出不报错。",
    responses={422: ERRORS[422]},
)
async def sign_out(body: Refresh, request: Request, session: DbSession, now: Now) -> Response:
    await service.sign_out(session, body.refresh_token, now, address_of(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/sign-out-everywhere",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="所有设备退出登录",
    description="结束本人的全部登录；已签发的访问令牌在有效期（默认 15 分钟）后失效。",
    responses=ERRORS,
)
async def sign_out_everywhere(
    principal: CurrentPrincipal, request: Request, session: DbSession, now: Now
) -> Response:
    await service.sign_out_everywhere(session, principal.subject, now, address_of(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="用一次性设置码设置密码",
    description="首次登录或忘记密码时，凭巡察办给出的一次性设置码设置新密码；设置码用后作废，"
    "账号的全部登录随之结束。",
    responses={
        401: {**_PROBLEM, "description": "设置码无效或已过期"},
        422: {**_PROBLEM, "description": "输入有误或密码不符合规则"},
    },
)
async def set_password(body: PasswordSetup, session: DbSession, now: Now) -> Response:
    await service.set_password_with_code(
        session,
        password_hasher(),
        account_name=body.account,
        code=body.code,
        password=body.password,
        now=now,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _own_account(session: DbSession, subject: str) -> Account:
    account = await service.account_of(session, subject, for_update=True)
    if account is None:
        raise NotFound(
            "当前身份不是平台账号（开发令牌或外部身份平台）",
            "The caller has no platform account (a dev or external token)",
        )
    return account


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="修改本人密码",
    description="须提供当前密码；修改后本人的全部登录结束，需重新登录。",
    responses=ERRORS,
)
async def change_password(
    body: PasswordChange, principal: CurrentPrincipal, session: DbSession, now: Now
) -> Response:
    account = await _own_account(session, principal.subject)
    await service.change_password(
        session, password_hasher(), account, current=body.current, password=body.password, now=now
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/totp",
    response_model=TotpEnrollment,
    summary="开始设置两步验证",
    description="返回验证器应用的密钥和 otpauth 链接；用一个动态验证码确认后才生效。",
    responses=ERRORS,
)
async def start_totp(
    principal: CurrentPrincipal, request: Request, session: DbSession
) -> TotpEnrollment:
    account = await _own_account(session, principal.subject)
    secret, uri = await service.start_totp(session, account, settings_of(request).totp_issuer)
    return TotpEnrollment(secret=secret, uri=uri)


@router.post(
    "/me/totp/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="确认两步验证",
    description="输入验证器应用显示的动态验证码，此后登录须带动态验证码。",
    responses={**ERRORS, 401: {**_PROBLEM, "description": "未登录，或动态验证码错误"}},
)
async def confirm_totp(
    body: TotpCode, principal: CurrentPrincipal, session: DbSession, now: Now
) -> Response:
    account = await _own_account(session, principal.subject)
    await service.confirm_totp(session, account, body.code, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me",
    response_model=Me,
    summary="当前登录人",
    description="角色、所属单位、管辖范围，以及工作台中可进入的页面和登录后的首页。",
    responses=ERRORS,
)
async def me(principal: CurrentPrincipal, session: DbSession) -> Me:
    account = await service.account_of(session, principal.subject)
    roles = sorted(principal.roles, key=list(Role).index)
    org_kind = await service.org_kind(session, principal.org_uuid, principal.jurisdiction)
    return Me(
        account=principal.subject,
        display_name=principal.name or principal.subject,
        roles=[r.value for r in roles],
        roles_zh=[r.label_zh for r in roles],
        org_id=principal.org_id,
        jurisdiction=principal.jurisdiction,
        areas=areas_for(roles, org_kind=org_kind),
        home=home_for(roles),
        totp_enabled=bool(account and account.totp_confirmed),
        platform_admin=bool(account and account.platform_admin and account.active),
        has_account=account is not None,
    )
