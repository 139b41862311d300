"""Events produced by the accounts service (topic ``xuncha.accounts.v1``).

An account's snapshot, never its password, codes or sessions: the other services (notify's
directory first) follow who may sign in, with which roles, for which org.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in


class AccountSnapshot(Event):
    """Who an account is, as other services project it."""

    subject_field: ClassVar[str] = "account"

    account: str = Field(title="账号", max_length=128)
    display_name: str = Field(title="姓名")
    roles: list[str] = Field(title="角色")
    org_id: uuid.UUID | None = Field(default=None, title="所属单位编号")
    cadre_id: uuid.UUID | None = Field(default=None, title="人才库人员编号")
    active: bool = Field(title="是否启用")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")


class AccountOpened(AccountSnapshot):
    """The office (or an import) opened an account for a person."""

    type: ClassVar[str] = "xuncha.accounts.account.opened.v1"
    title_zh: ClassVar[str] = "账号已开通"


class AccountChanged(AccountSnapshot):
    """An account's name, roles, org or cadre link changed; the whole new snapshot."""

    type: ClassVar[str] = "xuncha.accounts.account.changed.v1"
    title_zh: ClassVar[str] = "账号已变更"


class AccountDisabled(AccountSnapshot):
    """The account may no longer sign in; its sessions were ended."""

    type: ClassVar[str] = "xuncha.accounts.account.disabled.v1"
    title_zh: ClassVar[str] = "账号已停用"


class AccountEnabled(AccountSnapshot):
    """A disabled account may sign in again."""

    type: ClassVar[str] = "xuncha.accounts.account.enabled.v1"
    title_zh: ClassVar[str] = "账号已启用"


EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())
