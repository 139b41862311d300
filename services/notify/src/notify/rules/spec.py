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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from xuncha_shared.auth import Role
from xuncha_shared.events.base import Event
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.problems import Unprocessable

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
    "org_id"}`` or ``{"kind": "account", "field": "owner_accounts"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: AudienceKind = Field(title="受众类型", description="role 角色；org 单位；account 个人")
    role: Role | None = Field(default=None, title="角色", description="受众类型为 role 时必填")
    field: str | None = Field(
        default=None,
        max_length=64,
        title="事件字段",
        description="受众类型为 org / account 时必填：取单位编号或账号的事件字段",
    )


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


def resolve(rule: RuleSpec, event: Event) -> list[tuple[str, str]]:
    """The rule's audiences for an event, as (kind, value), in rule order, without repeats."""
    out: list[tuple[str, str]] = []
    for audience in rule.audiences:
        if audience.kind is AudienceKind.role:
            assert audience.role is not None
            found = [audience.role.value]
        else:
            assert audience.field is not None
            found = _values(getattr(event, audience.field, None))
        for value in found:
            pair = (audience.kind.value, value[:128])
            if pair not in out:
                out.append(pair)
    return out
