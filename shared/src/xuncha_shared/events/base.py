"""The base of every domain event and the CloudEvents 1.0 envelope that carries it.

Events are strict on the way out and tolerant on the way in. A producer builds its events
from the catalog with ``extra="forbid"``, so it can only emit what the published schema
describes. A consumer reads them with :meth:`Event.from_cloud_event`, which drops the fields
it does not know: within a version events only grow by optional fields, and in a rolling
upgrade the producer may run a newer catalog than its consumers. An unknown field is a
newer producer, not a broken message, and must not send the event to the dead-letter topic.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_jsonable_python

SCHEMA_BASE_URI = "https://xuncha.gov.cn/events/"


def data_schema_id(event_type: str) -> str:
    """The URI of the JSON Schema of an event type's ``data``.

    It is both the envelope's ``dataschema`` (CloudEvents: "the schema that data adheres
    to") and the ``$id`` of the published ``docs/events/schemas/<type>.schema.json``; one
    function makes both, so the two cannot drift apart.
    """
    return f"{SCHEMA_BASE_URI}{event_type}.schema.json"


class Event(BaseModel):
    """A fact that happened, named in the past tense; immutable once built.

    Subclasses set ``type`` (``xuncha.<service>.<aggregate>.<happened>.v1``), ``subject_field``
    (the field holding the aggregate id, used as message key and CloudEvents subject) and a
    Chinese ``title_zh`` for the docs. Every event names its jurisdiction so agencies can
    filter. Fields are additive within a version; a breaking change is a new ``.v2`` type.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ClassVar[str]
    subject_field: ClassVar[str]
    title_zh: ClassVar[str]

    jurisdiction: str = Field(min_length=1, max_length=32, title="管辖范围（党委）代码")

    @property
    def subject(self) -> str:
        return str(getattr(self, self.subject_field))

    @classmethod
    def producer(cls) -> str:
        """The producing service: the second segment of the type."""
        return cls.type.split(".")[1]

    @classmethod
    def from_cloud_event(cls, cloud_event: CloudEvent) -> Self:
        """The event in an envelope, read as a consumer must read it.

        Fields of ``data`` this class does not know are ignored, in nested models too: they
        come from a producer on a newer revision of the same version (fields are only ever
        added), and refusing them would dead-letter every event of a rolling upgrade. The
        override applies to this one validation only; building an event keeps refusing
        unknown fields. Missing required fields and wrong values are still rejected. The
        envelope's ``jurisdiction`` is the one agencies filter on, so it wins over data's.
        """
        return cls.model_validate(
            {**cloud_event.data, "jurisdiction": cloud_event.jurisdiction}, extra="ignore"
        )


class CloudEvent(BaseModel):
    """CloudEvents 1.0, structured JSON mode, with the ``traceparent`` and ``jurisdiction``
    extensions."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID
    source: str
    type: str
    subject: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    traceparent: str | None = None
    jurisdiction: str
    data: dict[str, Any]

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json_bytes(cls, raw: bytes) -> CloudEvent:
        return cls.model_validate_json(raw)


def envelope(
    event: Event,
    *,
    time: datetime,
    event_id: uuid.UUID | None = None,
    traceparent: str | None = None,
) -> CloudEvent:
    """Wrap a domain event for the bus."""
    return CloudEvent(
        id=event_id or uuid.uuid4(),
        source=f"/xuncha/{event.producer()}",
        type=event.type,
        subject=event.subject,
        time=time,
        dataschema=data_schema_id(event.type),
        traceparent=traceparent,
        jurisdiction=event.jurisdiction,
        data=event.model_dump(mode="json"),
    )


def envelope_document(
    event: Event,
    *,
    time: datetime,
    event_id: uuid.UUID,
    traceparent: str | None = None,
) -> dict[str, Any]:
    """The JSON document of :func:`envelope`'s ``CloudEvent``, built without the model.

    What ``envelope(...).model_dump(mode="json", exclude_none=True)`` gives, key for key
    and in the same order, for the outbox's hot path: validating a ``CloudEvent`` only to
    dump it again cost more than the rest of an emit. ``exclude_none`` drops the envelope's
    own unset attributes only (``dataschema``, ``traceparent``); a null inside ``data``
    stays, as it does in the model's dump.
    """
    document: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(event_id),
        "source": f"/xuncha/{event.producer()}",
        "type": event.type,
        "subject": event.subject,
        "time": to_jsonable_python(time),
        "datacontenttype": "application/json",
        "dataschema": data_schema_id(event.type),
    }
    if traceparent is not None:
        document["traceparent"] = traceparent
    document["jurisdiction"] = event.jurisdiction
    document["data"] = event.model_dump(mode="json")
    return document


def events_in(module_name: str, namespace: dict[str, object]) -> tuple[type[Event], ...]:
    """The concrete event classes defined in a producer module (those with a ``type``), so
    adding a class to the module is all it takes to put it in the catalog."""
    return tuple(
        v
        for v in namespace.values()
        if isinstance(v, type)
        and issubclass(v, Event)
        and v.__module__ == module_name
        and "type" in vars(v)
    )
