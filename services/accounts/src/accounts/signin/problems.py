"""Why a sign-in, refresh or password setup was refused. One message for a wrong account and
a wrong password, so that nobody learns which accounts exist."""

from __future__ import annotations

from xuncha_shared.problems import Problem


class SignInFailed(Problem):
    status = 401
    code = "sign-in-failed"
    title = "Sign-in failed"


class TotpRequired(Problem):
    status = 401
    code = "totp-required"
    title = "Second factor required"


class TotpEnrollmentRequired(Problem):
    status = 403
    code = "totp-enrollment-required"
    title = "Second factor must be set up"


class TotpInvalid(Problem):
    status = 401
    code = "totp-invalid"
    title = "Second factor invalid"


class AccountLocked(Problem):
    status = 423
    code = "account-locked"
    title = "Account temporarily locked"


class TooManyAttempts(Problem):
    status = 429
    code = "too-many-attempts"
    title = "Too many attempts"


class AccountDisabled(Problem):
    status = 403
    code = "account-disabled"
    title = "Account disabled"


class RefreshInvalid(Problem):
    status = 401
    code = "refresh-invalid"
    title = "Refresh token invalid"


class ClientAuthFailed(Problem):
    status = 401
    code = "client-auth-failed"
    title = "Client authentication failed"


class SetupCodeInvalid(Problem):
    status = 401
    code = "setup-code-invalid"
    title = "Setup code invalid"


def sign_in_failed() -> SignInFailed:
    # Named on the password field, whichever of the two was wrong.
    return SignInFailed("账号或密码错误", "Wrong account or password", field="password")


def locked(seconds: int) -> AccountLocked:
    problem = AccountLocked(
        f"连续输错次数过多，账号已临时锁定，请 {max(1, seconds // 60)} 分钟后再试",
        f"Too many failed sign-ins: the account is locked for {seconds} seconds",
    )
    problem.retry_after_seconds = seconds
    return problem


def too_many(seconds: int) -> TooManyAttempts:
    problem = TooManyAttempts(
        "此地址登录失败次数过多，请稍后再试",
        "Too many failed sign-ins from this address; try again later",
    )
    problem.retry_after_seconds = seconds
    return problem
