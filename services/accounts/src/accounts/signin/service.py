"""Signing in and out: passwords, the second factor, lockout, rate limits, refresh tokens.

Every refusal is recorded (``sign_ins``) in the same transaction as the failure count it
changes; the route commits before it answers, so a refused attempt still counts.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread
import pyotp
from pwdlib import PasswordHash
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Role
from xuncha_shared.problems import Unprocessable

from accounts.config import AccountsSettings
from accounts.keys.service import access_token
from accounts.models import Account, RefreshToken, SignInRecord
from accounts.passwords import check_password_rule, decoy_hash, digest
from accounts.people import repository as people
from accounts.policies import repository as policies
from accounts.signin import repository
from accounts.signin.problems import (
    AccountDisabled,
    RefreshInvalid,
    SetupCodeInvalid,
    TotpEnrollmentRequired,
    TotpInvalid,
    TotpRequired,
    locked,
    sign_in_failed,
    too_many,
)
from accounts.signin.schemas import TokenPair

# Roles a jurisdiction's policy may hold to a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.office, Role.leadership, Role.discipline})
# Outcomes a sign-in record carries; the failures among them count against an address.
FAILURES = (
    "unknown-account",
    "bad-password",
    "bad-totp",
    "locked",
    "disabled",
    "bad-client-secret",
)


@dataclass(frozen=True)
class Attempt:
    account: str
    password: str
    totp: str | None
    address: str


async def record(
    session: AsyncSession, account: str, address: str, outcome: str, at: datetime
) -> None:
    session.add(SignInRecord(account=account[:128], address=address[:64], outcome=outcome, at=at))
    await session.flush()


async def address_refusal(
    session: AsyncSession, settings: AccountsSettings, address: str, now: datetime
) -> None:
    """登录频率限制: too many failures from one address in the window is a 429."""
    window = timedelta(minutes=settings.address_window_minutes)
    failures = await repository.failures_from(
        session, address, since=now - window, outcomes=FAILURES
    )
    if failures >= settings.address_failures_per_window:
        raise too_many(int(window.total_seconds()))


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is (this one or a neighbour, for clock drift)."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_totp(account: Account, code: str | None, now: datetime) -> bool:
    """Whether ``code`` is a fresh code of the account's authenticator; a code already
    used (its step or an earlier one) is refused, so an overheard code cannot be replayed."""
    if account.totp_secret is None or code is None:
        return False
    step = _totp_step(account.totp_secret, code, now)
    if step is None or (account.totp_last_step is not None and step <= account.totp_last_step):
        return False
    account.totp_last_step = step
    return True


async def _fail(
    session: AsyncSession, settings: AccountsSettings, account: Account, now: datetime
) -> None:
    """Count a failure; the ``lockout_failures``-th in a row locks the account."""
    account.failed_sign_ins += 1
    if account.failed_sign_ins >= settings.lockout_failures:
        account.failed_sign_ins = 0
        account.locked_until = now + timedelta(minutes=settings.lockout_minutes)
    await session.flush()


async def authenticate(
    session: AsyncSession,
    settings: AccountsSettings,
    hasher: PasswordHash,
    attempt: Attempt,
    now: datetime,
) -> Account:
    """The account whose password this is, or a refusal (counted and recorded)."""
    await address_refusal(session, settings, attempt.address, now)
    account = await people.account(session, attempt.account, for_update=True)
    if account is None:
        await anyio.to_thread.run_sync(hasher.verify, attempt.password, decoy_hash())
        await record(session, attempt.account, attempt.address, "unknown-account", now)
        raise sign_in_failed()
    if account.locked_until is not None and account.locked_until > now:
        await record(session, account.account, attempt.address, "locked", now)
        raise locked(int((account.locked_until - now).total_seconds()) + 1)
    valid, rehashed = False, None
    if account.password_hash is not None:
        valid, rehashed = await anyio.to_thread.run_sync(
            hasher.verify_and_update, attempt.password, account.password_hash
        )
    if not valid:
        await _fail(session, settings, account, now)
        await record(session, account.account, attempt.address, "bad-password", now)
        raise sign_in_failed()
    if not account.active:
        await record(session, account.account, attempt.address, "disabled", now)
        raise AccountDisabled("账号已停用，请联系巡察办", "The account is disabled")
    if rehashed is not None:
        account.password_hash = rehashed
    return account


async def second_factor_required(session: AsyncSession, account: Account) -> bool:
    """两步验证: required of the office, the leadership and the discipline commission when
    their jurisdiction's policy says so."""
    if SECOND_FACTOR_ROLES.isdisjoint(Role(r) for r in account.roles):
        return False
    policy = await policies.policy(session, account.jurisdiction)
    return policy is not None and policy.totp_required


async def _second_factor(
    session: AsyncSession,
    settings: AccountsSettings,
    account: Account,
    attempt: Attempt,
    now: datetime,
) -> None:
    if attempt.totp is None:
        await record(session, account.account, attempt.address, "totp-required", now)
        raise TotpRequired(
            "请输入验证器应用显示的 6 位动态验证码",
            "Enter the 6-digit code from your authenticator app",
            field="totp",
        )
    if not _check_totp(account, attempt.totp, now):
        await _fail(session, settings, account, now)
        await record(session, account.account, attempt.address, "bad-totp", now)
        raise TotpInvalid(
            "动态验证码错误或已使用过", "The code is wrong or already used", field="totp"
        )


async def sign_in(
    session: AsyncSession,
    settings: AccountsSettings,
    hasher: PasswordHash,
    attempt: Attempt,
    now: datetime,
) -> TokenPair:
    account = await authenticate(session, settings, hasher, attempt, now)
    if account.totp_confirmed:
        await _second_factor(session, settings, account, attempt, now)
    elif await second_factor_required(session, account):
        # Until a code confirms the authenticator, a sign-in without one is sent to the
        # setup again (a person who left it half-way cannot produce a code).
        if account.totp_secret is None or attempt.totp is None:
            await record(session, account.account, attempt.address, "totp-enrollment", now)
            raise TotpEnrollmentRequired(
                "本辖区要求两步验证：请先用验证器应用完成设置",
                "This jurisdiction requires a second factor: set up an authenticator app first",
                field="totp",
            )
        # The first code of the authenticator being set up completes the setup.
        await _second_factor(session, settings, account, attempt, now)
        account.totp_confirmed = True
    account.failed_sign_ins = 0
    account.locked_until = None
    await record(session, account.account, attempt.address, "signed-in", now)
    return await issue_session(session, settings, account, now)


async def issue_session(
    session: AsyncSession,
    settings: AccountsSettings,
    account: Account,
    now: datetime,
    family: uuid.UUID | None = None,
) -> TokenPair:
    """A pair of tokens: a new session, or the next of ``family`` on a refresh."""
    refresh = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=digest(refresh),
            account=account.account,
            family=family or uuid.uuid4(),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_seconds),
        )
    )
    token = await access_token(session, settings, account, now)
    await session.flush()
    return TokenPair(
        access_token=token,
        expires_in=settings.access_token_seconds,
        refresh_token=refresh,
        refresh_expires_in=settings.refresh_token_seconds,
    )


async def account_of(
    session: AsyncSession, name: str, *, for_update: bool = False
) -> Account | None:
    """The platform account a caller signed in as; None for a dev or external token."""
    return await people.account(session, name, for_update=for_update)


async def org_kind(
    session: AsyncSession, org_id: uuid.UUID | None, jurisdiction: str
) -> str | None:
    """The kind of the person's org, from the accounts service's copy of the registry."""
    if org_id is None:
        return None
    return await people.org_kind(session, jurisdiction, org_id)


def _refresh_invalid() -> RefreshInvalid:
    return RefreshInvalid("登录已过期，请重新登录", "The session has ended; sign in again")


async def refresh(
    session: AsyncSession,
    settings: AccountsSettings,
    presented: str,
    now: datetime,
    address: str,
) -> TokenPair:
    """Trade a refresh token for a new pair. A token presented a second time was copied:
    its whole family ends, the thief's copy and the person's alike."""
    row = await repository.refresh_token(session, digest(presented), for_update=True)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise _refresh_invalid()
    if row.used_at is not None:
        await _revoke(session, now, RefreshToken.family == row.family)
        await record(session, row.account, address, "refresh-reused", now)
        raise _refresh_invalid()
    row.used_at = now
    account = await people.account(session, row.account)
    if account is None or not account.active:
        raise _refresh_invalid()
    return await issue_session(session, settings, account, now, row.family)


async def _revoke(session: AsyncSession, now: datetime, *where: object) -> None:
    await repository.revoke(session, now, *where)


async def sign_out(session: AsyncSession, presented: str, now: datetime, address: str) -> None:
    """End the session the refresh token belongs to (its whole family); an unknown token
    ends nothing and is not an error, so signing out twice is harmless."""
    row = await repository.refresh_token(session, digest(presented))
    if row is not None:
        await _revoke(session, now, RefreshToken.family == row.family)
        await record(session, row.account, address, "signed-out", now)


async def end_sessions(session: AsyncSession, account: str, now: datetime) -> None:
    """End every session of an account: sign out everywhere, a disabled account, a new
    password. Access tokens already issued run out within ``access_token_seconds``."""
    await _revoke(session, now, RefreshToken.account == account)


async def sign_out_everywhere(
    session: AsyncSession, account: str, now: datetime, address: str
) -> None:
    await end_sessions(session, account, now)
    await record(session, account, address, "signed-out-everywhere", now)


async def set_password(
    session: AsyncSession, hasher: PasswordHash, account: Account, password: str, now: datetime
) -> None:
    check_password_rule(password, account=account.account)
    account.password_hash = await anyio.to_thread.run_sync(hasher.hash, password)
    account.password_changed_at = now
    account.failed_sign_ins = 0
    account.locked_until = None
    await end_sessions(session, account.account, now)
    await session.flush()


async def set_password_with_code(
    session: AsyncSession,
    hasher: PasswordHash,
    *,
    account_name: str,
    code: str,
    password: str,
    now: datetime,
) -> None:
    """首次设置密码 / 重置密码: a one-time code the office issued sets the password once."""
    row = await repository.setup_code(session, digest(code.strip().upper()))
    account = await people.account(session, account_name, for_update=True)
    if (
        row is None
        or account is None
        or row.account != account.account
        or row.used_at is not None
        or row.expires_at <= now
        or not account.active
    ):
        raise SetupCodeInvalid(
            "设置码无效或已过期，请向巡察办重新申请", "The setup code is invalid or expired"
        )
    await set_password(session, hasher, account, password, now)
    row.used_at = now


async def change_password(
    session: AsyncSession,
    hasher: PasswordHash,
    account: Account,
    *,
    current: str,
    password: str,
    now: datetime,
) -> None:
    valid = account.password_hash is not None and await anyio.to_thread.run_sync(
        hasher.verify, current, account.password_hash
    )
    if not valid:
        raise Unprocessable(
            "当前密码不正确",
            "The current password is wrong",
            field="current",
            code="wrong-password",
        )
    await set_password(session, hasher, account, password, now)


async def start_totp(session: AsyncSession, account: Account, issuer: str) -> tuple[str, str]:
    """两步验证: a new secret for the person's authenticator app; it takes effect once
    confirmed with a code, so a half-finished enrolment never locks anyone out."""
    secret = pyotp.random_base32()
    account.totp_secret = secret
    account.totp_confirmed = False
    account.totp_last_step = None
    await session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.account, issuer_name=issuer)
    return secret, uri


async def confirm_totp(session: AsyncSession, account: Account, code: str, now: datetime) -> None:
    if account.totp_confirmed or not _check_totp(account, code, now):
        raise TotpInvalid(
            "动态验证码错误，或尚未开始设置两步验证",
            "The code is wrong, or no enrolment is under way",
            field="code",
        )
    account.totp_confirmed = True
    await session.flush()
