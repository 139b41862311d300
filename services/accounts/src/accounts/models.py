"""Accounts tables, in schema ``accounts``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlmodel import Field, SQLModel
from xuncha_shared.db import service_registry
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table

SCHEMA = "accounts"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata)


def _ts(nullable: bool = False) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


class Account(Base, table=True):
    """A person who signs in: who they are for the platform (roles, org, jurisdiction) and
    what proves it (a password hash, an optional TOTP secret). Never leaves this service
    with its secrets."""

    __tablename__ = "accounts"

    account: str = Field(max_length=128, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    display_name: str = Field(max_length=50)
    roles: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    org_id: uuid.UUID | None = Field(default=None, sa_column=Column(UUID(as_uuid=True)))
    cadre_id: uuid.UUID | None = Field(default=None, sa_column=Column(UUID(as_uuid=True)))
    active: bool = True
    # 平台管理员: keeps the accounts of every jurisdiction (a city's or a platform's operator).
    platform_admin: bool = False
    password_hash: str | None = Field(default=None, sa_column=Column(Text))
    password_changed_at: datetime | None = _ts(nullable=True)
    failed_sign_ins: int = 0
    locked_until: datetime | None = _ts(nullable=True)
    totp_secret: str | None = Field(default=None, sa_column=Column(Text))
    totp_confirmed: bool = False
    # The last time step whose code was accepted: a code is good once (no replay).
    totp_last_step: int | None = Field(default=None, sa_column=Column(BigInteger))
    version: int = 1
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    updated_by: str = Field(max_length=128)


class SigningKey(Base, table=True):
    """A key the service signs access tokens with. The newest unretired one signs; every
    key not yet past ``retired_at`` plus a token's lifetime stays in the JWKS."""

    __tablename__ = "signing_keys"

    kid: str = Field(max_length=64, primary_key=True)
    private_pem: str = Field(sa_column=Column(Text, nullable=False))
    public_jwk: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = _ts()
    retired_at: datetime | None = _ts(nullable=True)


class RefreshToken(Base, table=True):
    """One refresh token (only its SHA-256 is kept). Each use replaces it with the next of
    its ``family``; a token used twice means it was stolen, and ends the whole family."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_account", "account"),)

    token_hash: str = Field(max_length=64, primary_key=True)
    account: str = Field(max_length=128)
    family: uuid.UUID = Field(sa_column=Column(UUID(as_uuid=True), nullable=False, index=True))
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    revoked_at: datetime | None = _ts(nullable=True)


class SetupCode(Base, table=True):
    """A one-time code the office hands a person to set their password (only its hash)."""

    __tablename__ = "setup_codes"

    code_hash: str = Field(max_length=64, primary_key=True)
    account: str = Field(max_length=128, index=True)
    created_at: datetime = _ts()
    created_by: str = Field(max_length=128)
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)


class SignInRecord(Base, table=True):
    """One sign-in, sign-out or refused attempt: the audit trail, and what the per-address
    rate limit counts. Never holds a password or a code."""

    __tablename__ = "sign_ins"
    __table_args__ = (Index("ix_sign_ins_address_at", "address", "at"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    account: str = Field(max_length=128, index=True)
    address: str = Field(max_length=64)
    outcome: str = Field(max_length=32)
    at: datetime = _ts()


class Policy(Base, table=True):
    """A jurisdiction's sign-in policy (登录安全策略), set by its office."""

    __tablename__ = "policies"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    # 两步验证: office, leadership and discipline accounts must use a second factor.
    totp_required: bool = False
    version: int = 1
    updated_at: datetime = _ts()
    updated_by: str = Field(max_length=128)


class ServiceClient(Base, table=True):
    """A department system's service account (部门系统服务账号): it signs in with its
    client id and secret (OAuth 2.0 client credentials) and acts for its department's org
    in the department's roles. Only the secret's SHA-256 is kept."""

    __tablename__ = "service_clients"

    client_id: str = Field(max_length=64, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    display_name: str = Field(max_length=100)
    roles: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    org_id: uuid.UUID = Field(sa_column=Column(UUID(as_uuid=True), nullable=False))
    secret_hash: str = Field(max_length=64)
    active: bool = True
    version: int = 1
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    updated_by: str = Field(max_length=128)
    secret_rotated_at: datetime = _ts()
