"""Passwords: argon2id hashes (pwdlib), the password rule, one-time setup codes.

A password is never stored, logged or sent back; a setup code is kept only as its SHA-256
(it is random and short-lived, so a fast hash is enough).
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from xuncha_shared.problems import FieldError, Unprocessable

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


@cache
def password_hasher() -> PasswordHash:
    """argon2id with pwdlib's (OWASP's) default cost."""
    return PasswordHash((Argon2Hasher(),))


@cache
def decoy_hash() -> str:
    """A hash of nothing anyone knows: an unknown account's sign-in verifies against it, so
    a wrong account name takes as long as a wrong password (no enumeration by timing)."""
    return password_hasher().hash(secrets.token_urlsafe(16))


def check_password_rule(password: str, *, account: str, field: str = "password") -> None:
    """密码规则: 10 to 128 characters, at least two kinds among letters, digits and other
    characters, and not containing the account name."""
    kinds = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    problems: list[tuple[str, str]] = []
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        problems.append(
            (
                f"密码长度应为 {MIN_PASSWORD_LENGTH} 到 {MAX_PASSWORD_LENGTH} 个字符",
                f"A password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            )
        )
    if kinds < 2:
        problems.append(
            (
                "密码应至少包含字母、数字、符号中的两类",
                "A password mixes at least two of letters, digits and symbols",
            )
        )
    if account.lower() in password.lower():
        problems.append(("密码不能包含账号", "A password must not contain the account name"))
    if problems:
        zh, en = problems[0]
        raise Unprocessable(
            zh,
            en,
            field=field,
            code="weak-password",
            errors=[
                FieldError(field=field, code="weak_password", message_zh=z, message_en=e)
                for z, e in problems
            ],
        )


def new_setup_code() -> str:
    """Twelve characters a person can type from a printed slip: no 0/O or 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def digest(secret: str) -> str:
    """The SHA-256 kept in place of a random secret (a setup code, a refresh token)."""
    return hashlib.sha256(secret.encode()).hexdigest()
