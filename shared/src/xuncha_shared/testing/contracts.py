"""Contract checks: does an emitted CloudEvent match the published event catalog?

Tests call :func:`assert_valid_event` on every event a service actually emitted (an outbox
row's ``envelope`` column, or a message value read from the bus), so a producer cannot drift
from the catalog that consumers, the JSON Schemas and the AsyncAPI document are built from.
:func:`sample_event` builds a valid instance of any catalog class for tests that need one.
"""

from __future__ import annotations

import enum
import json
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError

from xuncha_shared.events.base import CloudEvent, Event, data_schema_id
from xuncha_shared.events.catalog import CATALOG

__all__ = ["assert_valid_event", "sample_event"]


def assert_valid_event(envelope_json: Mapping[str, Any] | bytes | str) -> None:
    """Fail with an :class:`AssertionError` naming every problem unless ``envelope_json`` is a
    CloudEvent the catalog accepts.

    Accepts the decoded JSON (a dict, as in an outbox row's ``envelope`` column) or the raw
    message value. Checks that the envelope is a valid CloudEvents 1.0 structure as it would
    travel (JSON), its ``type`` is in the catalog, ``source`` is ``/xuncha/<producer>`` of that
    type, ``time`` carries an offset, ``dataschema`` (if present) names the type's data
    schema, ``data`` validates against the event's model (strictly: a producer emits no field
    the catalog lacks, even though consumers would ignore one), and ``subject`` and
    ``jurisdiction`` equal the event's subject field and jurisdiction.
    """
    __tracebackhide__ = True
    raw = _as_json(envelope_json)
    try:
        cloud_event = CloudEvent.model_validate_json(raw)
    except ValidationError as exc:
        raise AssertionError(
            f"not a valid CloudEvent envelope: {_indent(exc)}\n  envelope: {raw}"
        ) from None
    where = f"event {cloud_event.id} ({cloud_event.type!r})"
    cls = CATALOG.get(cloud_event.type)
    if cls is None:
        known = ", ".join(sorted(CATALOG))
        raise AssertionError(f"{where}: type is not in the event catalog; known types: {known}")
    problems: list[str] = []
    expected_source = f"/xuncha/{cls.producer()}"
    if cloud_event.source != expected_source:
        problems.append(f"source is {cloud_event.source!r}, expected {expected_source!r}")
    if not isinstance(json.loads(raw).get("time"), str):
        problems.append("time is not an RFC 3339 string")
    elif cloud_event.time.utcoffset() is None:
        problems.append(f"time {cloud_event.time.isoformat()!r} has no UTC offset")
    expected_schema = data_schema_id(cls.type)
    if cloud_event.dataschema is not None and cloud_event.dataschema != expected_schema:
        problems.append(f"dataschema is {cloud_event.dataschema!r}, expected {expected_schema!r}")
    try:
        event = cls.model_validate_json(json.dumps(cloud_event.data))
    except ValidationError as exc:
        problems.append(f"data does not match {cls.__name__}: {_indent(exc)}")
    else:
        if cloud_event.subject != event.subject:
            problems.append(
                f"subject is {cloud_event.subject!r}, expected data.{cls.subject_field} "
                f"= {event.subject!r}"
            )
        if cloud_event.jurisdiction != event.jurisdiction:
            problems.append(
                f"jurisdiction is {cloud_event.jurisdiction!r}, but data.jurisdiction is "
                f"{event.jurisdiction!r}"
            )
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise AssertionError(f"{where} breaks the event contract:\n{listed}")


def _indent(exc: Exception) -> str:
    return str(exc).replace("\n", "\n    ")


def _as_json(envelope_json: Mapping[str, Any] | bytes | str) -> str:
    __tracebackhide__ = True
    if isinstance(envelope_json, bytes):
        try:
            return envelope_json.decode()
        except UnicodeDecodeError as exc:
            raise AssertionError(f"envelope is not UTF-8: {exc}") from None
    if isinstance(envelope_json, str):
        return envelope_json
    if not isinstance(envelope_json, Mapping):
        raise AssertionError(f"envelope is a {type(envelope_json).__name__}, not a JSON object")
    try:
        # Through JSON, as on the wire: a UUID or datetime object here is not what travels.
        return json.dumps(envelope_json, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"envelope is not JSON: {exc}") from None


_SAMPLE_TIME = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
_SAMPLE_NAMESPACE = uuid.UUID("5f1d2c1e-7c7a-4b43-9a43-2f0c8e1d6a10")
E = typing.TypeVar("E", bound=Event)


def sample_event(cls: type[E], *, optional: bool = True, **overrides: Any) -> E:
    """A valid, deterministic instance of ``cls`` for tests.

    Values follow each field's type and numeric and length bounds: ids are UUIDs derived
    from the class and field name, enums take their first member, text is ``"x"`` repeated to
    the minimum length. With ``optional=False`` fields that have defaults keep them; with
    ``optional=True`` they are filled too, so ``None``-able fields carry a value. Pass
    ``overrides`` for fields with patterns or rules the types do not show; a sample that
    still fails validation raises the model's :class:`ValidationError`.
    """
    values: dict[str, Any] = {"jurisdiction": "county-a"}
    for name, field in cls.model_fields.items():
        if name in overrides or name == "jurisdiction":
            continue
        if field.is_required() or optional:
            values[name] = _sample(field.annotation, field.metadata, f"{cls.__name__}.{name}")
    values.update(overrides)
    return cls.model_validate(values)


def _bound(metadata: list[Any], kind: type[Any]) -> Any:
    for item in metadata:
        if isinstance(item, kind):
            return item
    return None


_UNKNOWN = object()
"""What a sampler returns for an annotation it does not know."""


def _sample(annotation: Any, metadata: list[Any], label: str) -> Any:
    value = _sample_generic(annotation, metadata, label)
    if value is _UNKNOWN and isinstance(annotation, type):
        value = _sample_class(annotation, metadata, label)
    if value is _UNKNOWN:
        raise TypeError(f"sample_event cannot invent a value for {label} ({annotation!r}); pass it")
    return value


def _sample_generic(annotation: Any, metadata: list[Any], label: str) -> Any:
    """A value for a parametrised annotation: Annotated, unions, Literal, collections."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _sample(args[0], [*metadata, *args[1:]], label)
    if origin in (typing.Union, types.UnionType):
        return _sample(next(a for a in args if a is not type(None)), metadata, label)
    if origin is typing.Literal:
        return args[0]
    if origin is tuple and args and args[-1] is not Ellipsis:
        return [_sample(a, [], f"{label}[{i}]") for i, a in enumerate(args)]
    if origin in (list, set, frozenset, tuple) or (
        origin is not None and origin.__module__ == "collections.abc" and len(args) == 1
    ):
        return [_sample(args[0], [], f"{label}[0]")] if args else []
    if origin is dict:
        return {}
    return _UNKNOWN


def _sample_class(annotation: type[Any], metadata: list[Any], label: str) -> Any:
    """A value for a plain class: enums, models, numbers, text, ids and times."""
    if issubclass(annotation, enum.Enum):
        return next(iter(annotation)).value
    if issubclass(annotation, BaseModel):
        return {
            name: _sample(f.annotation, f.metadata, f"{label}.{name}")
            for name, f in annotation.model_fields.items()
            if f.is_required()
        }
    if issubclass(annotation, bool):
        return True
    if issubclass(annotation, int | float | Decimal):
        return _number(annotation, metadata)
    if issubclass(annotation, str):
        min_len = _bound(metadata, annotated_types.MinLen)
        return "x" * max(1, min_len.min_length if min_len else 1)
    if issubclass(annotation, uuid.UUID):
        return str(uuid.uuid5(_SAMPLE_NAMESPACE, label))
    if issubclass(annotation, datetime):
        return _SAMPLE_TIME.isoformat()
    if issubclass(annotation, date):
        return _SAMPLE_TIME.date().isoformat()
    return _UNKNOWN


def _number(kind: type[Any], metadata: list[Any]) -> Any:
    # The smallest "nice" value inside the bounds: 1, or the lower bound, capped by the upper.
    whole = issubclass(kind, int)
    step = 1.0 if whole else 0.5
    value = 1.0
    if (ge := _bound(metadata, annotated_types.Ge)) is not None:
        value = max(value, float(ge.ge))
    if (gt := _bound(metadata, annotated_types.Gt)) is not None:
        value = max(value, float(gt.gt) + step)
    if (le := _bound(metadata, annotated_types.Le)) is not None:
        value = min(value, float(le.le))
    if (lt := _bound(metadata, annotated_types.Lt)) is not None:
        value = min(value, float(lt.lt) - step)
    if whole:
        return int(value)
    return kind(str(value)) if issubclass(kind, Decimal) else kind(value)
