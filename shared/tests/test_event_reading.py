"""Strict producers, tolerant consumers: how the two sides read an event's ``data``.

A producer builds events from the catalog and cannot put a field in them that the catalog
lacks. A consumer reads ``data`` with :meth:`Event.from_cloud_event` and ignores fields it
does not know, at any depth, because a producer one revision ahead may have added them; it
still refuses data that lacks what it needs. No database: the rolling upgrade through the
real consumer is ``tests/contract/test_event_evolution.py``.
"""

from __future__ import annotations

import types
import typing
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.base import CloudEvent, Event, envelope
from xuncha_shared.events.catalog import CATALOG, decode
from xuncha_shared.events.planning import OrgRegistered, OrgUpdated
from xuncha_shared.testing.contracts import assert_valid_event, sample_event

TYPES = sorted(CATALOG)
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ADDED = "added_in_a_later_revision"


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Model``, ``Model | None`` or ``tuple[Model, ...]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, tuple, list):
        for arg in typing.get_args(annotation):
            if (found := _nested_model(arg)) is not None:
                return found
    return None


def with_unknown_fields(model: type[BaseModel], data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``data`` with a field ``model`` does not define added to it and to every nested
    object, as a later revision of the catalog might send; and how many objects got one."""
    out: dict[str, Any] = {**data, ADDED: {"any": ["shape"]}}
    added = 1
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        value = data.get(name)
        if nested is None or value is None:
            continue
        if isinstance(value, list):
            items = [with_unknown_fields(nested, item) for item in value]
            out[name] = [item for item, _ in items]
            added += sum(n for _, n in items)
        else:
            out[name], n = with_unknown_fields(nested, value)
            added += n
    return out, added


def cloud_event(event: Event, data: dict[str, Any] | None = None) -> CloudEvent:
    """The envelope as a consumer receives it, with ``data`` replaced when given."""
    wire = envelope(event, time=WHEN, event_id=uuid.UUID(int=1)).model_dump(mode="json")
    if data is not None:
        wire["data"] = data
    return CloudEvent.model_validate(wire)


@pytest.mark.parametrize("event_type", TYPES)
def test_consumers_ignore_fields_they_do_not_know_at_any_depth(event_type: str) -> None:
    cls = CATALOG[event_type]
    event = sample_event(cls)
    data, _ = with_unknown_fields(cls, event.model_dump(mode="json"))
    received = cloud_event(event, data)

    assert decode(received) == event
    assert cls.from_cloud_event(received) == event
    # The producer side of the same class still refuses them.
    with pytest.raises(ValidationError, match="extra"):
        cls.model_validate(data)
    with pytest.raises(AssertionError, match="extra"):
        assert_valid_event(received.model_dump(mode="json"))


def test_nested_objects_are_covered() -> None:
    """The catalog has events with nested objects (a feedback's problems, a group's members);
    the test above must reach into them, or it proves nothing about nesting."""
    nested = [
        t
        for t, cls in CATALOG.items()
        if with_unknown_fields(cls, sample_event(cls).model_dump(mode="json"))[1] > 1
    ]
    assert {
        "xuncha.findings.feedback.issued.v1",
        "xuncha.planning.group.formed.v1",
    } <= set(nested)


@pytest.mark.parametrize("event_type", TYPES)
def test_consumers_still_refuse_data_missing_a_required_field(event_type: str) -> None:
    cls = CATALOG[event_type]
    event = sample_event(cls)
    data = event.model_dump(mode="json")
    required = next(
        n for n, f in cls.model_fields.items() if f.is_required() and n != "jurisdiction"
    )
    del data[required]
    with pytest.raises(ValidationError, match=required):
        decode(cloud_event(event, data))


def test_consumers_still_refuse_a_known_field_of_the_wrong_type() -> None:
    event = sample_event(OrgRegistered)
    data = {**event.model_dump(mode="json"), "version": "not a number", ADDED: 1}
    with pytest.raises(ValidationError, match="version"):
        decode(cloud_event(event, data))


def test_the_registry_keeps_the_class_each_handler_was_written_for() -> None:
    """The consumer reads an event as the class its handler was registered with (the catalog
    revision the service was built with), so that class decides what is known."""

    async def handle(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        """Nothing to do."""

    handlers = HandlerRegistry()
    handlers.on(OrgRegistered, OrgUpdated)(handle)
    assert handlers.registration(OrgRegistered.type) == (OrgRegistered, handle)
    assert handlers.get(OrgUpdated.type) is handle
    assert handlers.registration("xuncha.planning.org.removed.v1") is None
    with pytest.raises(ValueError, match="two handlers"):
        handlers.register(OrgRegistered, handle)
