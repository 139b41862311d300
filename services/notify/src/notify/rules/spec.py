"""What a rule is, how it is checked against the event catalog, and how it picks audiences.

A rule names an event type, optional equality conditions on the event's fields, the
audiences (a role in the event's jurisdiction, the org(s) in an id field, the account(s) in
a text field) and the channels. Everything is checked against the catalog, so a rule for a
type or field the catalog does not know is refused, naming the field at fault; new event
types become routable as soon as they are in the catalog.
"""

from __future__ import annotations

import types
import typing
import uuid
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from xuncha_shared.auth import DEPARTMENT_ROLES, Role
from xuncha_shared.events.base import Event
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.problems import Unprocessable

from notify.rules.meant_for import role_codes, roles_meant_for_org_field

CLUES_PREFIX = "xuncha.clues."
# The only audiences a clue notification may have (DOMAIN.md, Clues: highly confidential).
CLUE_AUDIENCES = frozenset({("org", "recipient_org_id"), ("account", "keeper_account")})
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"


class AudienceKind(StrEnum):
    role = "role"
    """某角色（事件所属辖区）"""
    org = "org"
    """事件字段中的单位（令牌 org 为该单位的所有账号）"""
    account = "account"
    """事件字段中的个人账号（令牌 sub）"""


class Channel(StrEnum):
    inbox = "inbox"
    """站内消息"""
    webhook = "webhook"
    """部门系统 Webhook（仅对单位受众）"""
    email = "email"
    """电子邮件（按通讯录）"""


ALL_CHANNELS = (Channel.inbox, Channel.webhook, Channel.email)


class Audience(BaseModel):
    """Who receives: ``{"kind": "role", "role": "office"}``, ``{"kind": "org", "field":
    "org_id", "roles": ["inspected"]}`` or ``{"kind": "account", "field": "owner_accounts"}``.
    An org audience reaches only the org's accounts with one of ``roles`` (left out: the roles
    the field means, :mod:`notify.rules.meant_for`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: AudienceKind = Field(title="受众类型", description="role 角色；org 单位；account 个人")
    role: Role | None = Field(default=None, title="角色", description="受众类型为 role 时必填")
    field: str | None = Field(
        default=None,
        max_length=64,
        title="事件字段",
        description="受众类型为 org / account 时必填：取单位编号或账号的事件字段",
    )
    roles: tuple[Role, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=9,
        title="单位内的角色",
        description="仅用于 org 受众：只有该单位中具有这些角色的账号收到通知；"
        "不填时按事件字段的含义确定（如整改事项的 org_id 为被巡察党组织 inspected，"
        "线索的 recipient_org_id 为承办部门 discipline / organization / department）",
    )

    def org_roles(self) -> frozenset[Role]:
        """The roles an org audience is meant for: the rule's, else the field's meaning."""
        if self.roles:
            return frozenset(self.roles)
        return roles_meant_for_org_field(self.field or "")

    def with_roles_meant(self) -> Audience:
        """This audience with the roles it is meant for written out (org audiences only)."""
        if self.kind is not AudienceKind.org or self.roles:
            return self
        return self.model_copy(update={"roles": tuple(sorted(self.org_roles()))})


Scalar = str | int | float | bool


@dataclass(frozen=True)
class RuleSpec:
    """One effective rule."""

    key: str
    event_type: str
    audiences: tuple[Audience, ...]
    description: str = ""
    conditions: dict[str, Any] = field(default_factory=dict)
    channels: tuple[Channel, ...] = ALL_CHANNELS
    active: bool = True


# --- checking against the catalog ------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The element type of a field and whether it holds several (tuple/list)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _unwrap(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _unwrap(inner[0]) if len(inner) == 1 else (annotation, False)
    if origin in (tuple, list, set, frozenset):
        element, _ = _unwrap(args[0]) if args else (Any, False)
        return element, True
    return annotation, False


def field_shape(cls: type[Event], name: str) -> str | None:
    """``"org"`` for a field of org ids, ``"account"`` for a field of account text, else
    None (or when there is no such field)."""
    info = cls.model_fields.get(name)
    if info is None:
        return None
    element, _ = _unwrap(info.annotation)
    if isinstance(element, type):
        if issubclass(element, uuid.UUID):
            return "org" if name.endswith(("org_id", "org_ids")) else None
        if issubclass(element, str) and not issubclass(element, Enum):
            return "account" if name.endswith(("account", "accounts")) else None
    return None


def audience_fields(cls: type[Event]) -> dict[str, list[str]]:
    """The fields of an event type a rule may take org or account audiences from."""
    out: dict[str, list[str]] = {"org": [], "account": []}
    for name in cls.model_fields:
        shape = field_shape(cls, name)
        if shape is not None:
            out[shape].append(name)
    return out


def _bad(field_path: str, zh: str, en: str, code: str = "invalid-rule") -> Unprocessable:
    return Unprocessable(zh, en, field=field_path, code=code)


def check_rule(
    *,
    event_type: str,
    conditions: dict[str, Any],
    audiences: typing.Sequence[Audience],
) -> dict[str, Any]:
    """Check a rule against the catalog; returns the conditions in their JSON form (as they
    compare with an event's JSON data). Raises a 422 naming the field at fault."""
    cls = CATALOG.get(event_type)
    if cls is None:
        raise _bad(
            "event_type",
            f"未知的事件类型：{event_type}",
            f"Unknown event type: {event_type}",
            "unknown-event-type",
        )
    normalized: dict[str, Any] = {}
    for name, value in conditions.items():
        info = cls.model_fields.get(name)
        if info is None or name == "jurisdiction":
            raise _bad(
                f"conditions.{name}",
                f"事件类型 {event_type} 没有字段 {name}",
                f"Event type {event_type} has no field {name}",
                "unknown-field",
            )
        if isinstance(value, str) and "\x00" in value:
            raise _bad(f"conditions.{name}", f"条件 {name} 的取值无效", f"Invalid value for {name}")
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(info.annotation)  # type: ignore[arg-type]
            normalized[name] = adapter.dump_python(adapter.validate_python(value), mode="json")
        except (ValidationError, TypeError, ValueError) as exc:
            raise _bad(
                f"conditions.{name}",
                f"条件 {name} 的取值无效",
                f"Invalid value for condition {name}",
            ) from exc
    if not audiences:
        raise _bad("audiences", "至少需要一个受众", "At least one audience is needed")
    for i, audience in enumerate(audiences):
        where = f"audiences.{i}"
        _check_org_roles(event_type, audience, where)
        if audience.kind is AudienceKind.role:
            if audience.role is None or audience.field is not None:
                raise _bad(
                    f"{where}.role",
                    "角色受众须填写 role 且不填 field",
                    "A role audience needs role and no field",
                )
        else:
            if audience.field is None or audience.role is not None:
                raise _bad(
                    f"{where}.field",
                    "单位或个人受众须填写 field 且不填 role",
                    "An org or account audience needs field and no role",
                )
            shape = field_shape(cls, audience.field)
            if shape != audience.kind.value:
                allowed = "、".join(audience_fields(cls)[audience.kind.value]) or "无"
                raise _bad(
                    f"{where}.field",
                    f"事件类型 {event_type} 没有可作{audience.kind.value}受众的字段 "
                    f"{audience.field}（可用：{allowed}）",
                    f"Event type {event_type} has no {audience.kind.value} field {audience.field}",
                    "unknown-field",
                )
        if event_type.startswith(CLUES_PREFIX) and (
            (audience.kind.value, audience.field) not in CLUE_AUDIENCES
        ):
            raise _bad(
                where,
                "问题线索通知只能发给线索管理人（keeper_account）和承办部门（recipient_org_id）",
                "Clue notifications may only go to the keeper_account and the recipient_org_id",
                "clue-confidential",
            )
    return normalized


def _check_org_roles(event_type: str, audience: Audience, where: str) -> None:
    """Roles narrow an org audience only; a clue's recipient is told as a department."""
    if audience.roles is None:
        return
    if audience.kind is not AudienceKind.org:
        raise _bad(
            f"{where}.roles",
            "只有单位受众可以限定角色",
            "Only an org audience takes roles",
        )
    if event_type.startswith(CLUES_PREFIX) and not set(audience.roles) <= DEPARTMENT_ROLES:
        raise _bad(
            f"{where}.roles",
            "问题线索通知只能发给承办部门的纪检、组织或职能部门角色",
            "Clue notifications reach only the recipient's department roles",
            "clue-confidential",
        )


# --- applying to an event --------------------------------------------------------------------


def matches(conditions: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether an event's JSON data meets every equality condition."""
    return all(data.get(name) == value for name, value in conditions.items())


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, tuple | list | set | frozenset):
        return [str(v) for v in value if v is not None and str(v)]
    text = str(value)
    return [text] if text else []


class Addressee(NamedTuple):
    """One audience of one event: its kind and value, and the roles it is meant for
    (a role audience: that role; an org audience: the roles of the notification role rule;
    an account audience: none, it is addressed to the account itself)."""

    kind: str
    value: str
    roles: tuple[str, ...]


def resolve(rule: RuleSpec, event: Event) -> list[Addressee]:
    """The rule's audiences for an event, in rule order, one per (kind, value): an org named
    by two audiences is meant for the roles of both."""
    out: dict[tuple[str, str], set[str]] = {}
    for audience in rule.audiences:
        roles: list[str] = []
        if audience.kind is AudienceKind.role:
            assert audience.role is not None
            found = [audience.role.value]
            roles = [audience.role.value]
        else:
            assert audience.field is not None
            found = _values(getattr(event, audience.field, None))
            if audience.kind is AudienceKind.org:
                roles = role_codes(audience.org_roles())
        for value in found:
            out.setdefault((audience.kind.value, value[:128]), set()).update(roles)
    return [Addressee(kind, value, tuple(sorted(roles))) for (kind, value), roles in out.items()]
