"""The JSON Schemas of the event docs: per event type, one for its ``data`` and one for the
whole CloudEvents envelope, with the ids and paths they are published under."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from xuncha_shared.events.base import SCHEMA_BASE_URI, CloudEvent, Event, data_schema_id
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.settings import SERVICES, topic_for

DOCS_DIR = Path("docs/events")
SCHEMAS_DIR = DOCS_DIR / "schemas"
ASYNCAPI_PATH = DOCS_DIR / "asyncapi.yaml"
README_PATH = DOCS_DIR / "README.md"

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TOPIC_PREFIX = "xuncha"

_ENVELOPE_DESCRIPTIONS = {
    "specversion": "CloudEvents 版本 / CloudEvents spec version.",
    "id": "事件编号，消费方据此去重 / Event id (UUID); consumers deduplicate by it.",
    "time": "事件发生时间 / When the fact happened (RFC 3339, with offset).",
    "datacontenttype": "data 的媒体类型 / Media type of data.",
    "traceparent": "W3C 链路追踪上下文 / W3C trace context of the emitting request.",
}


def schema_id(event_type: str) -> str:
    """The ``$id`` of an event type's data schema, which is also the envelope's
    ``dataschema``."""
    return data_schema_id(event_type)


def envelope_schema_id(event_type: str) -> str:
    """The ``$id`` of the schema of a whole CloudEvent of the type."""
    return f"{SCHEMA_BASE_URI}{event_type}.cloudevent.schema.json"


def schema_path(event_type: str) -> Path:
    """Where an event type's data schema lives, relative to the repository root."""
    return SCHEMAS_DIR / f"{event_type}.schema.json"


def envelope_schema_path(event_type: str) -> Path:
    """Where an event type's envelope schema lives, relative to the repository root."""
    return SCHEMAS_DIR / f"{event_type}.cloudevent.schema.json"


def describe(cls: type[Event]) -> str:
    """The class docstring, cleaned; every catalog event must have one."""
    doc = cls.__dict__.get("__doc__")
    if not doc or not doc.strip():
        raise ValueError(f"event class {cls.__name__} ({cls.type}) needs a docstring")
    return inspect.cleandoc(doc)


def title(cls: type[Event]) -> str:
    """``<Chinese title> <ClassName>``, as schemas and messages are titled."""
    return f"{cls.title_zh} {cls.__name__}"


def topic(cls: type[Event]) -> str:
    """The topic an event type is published on (default ``xuncha`` prefix)."""
    return topic_for(TOPIC_PREFIX, cls.producer())


def producers() -> list[str]:
    """Services that produce at least one catalog event, in :data:`SERVICES` order."""
    used = {cls.producer() for cls in CATALOG.values()}
    return [s for s in SERVICES if s in used] + sorted(used - set(SERVICES))


def data_schema(cls: type[Event]) -> dict[str, Any]:
    """The JSON Schema of ``data`` of the type: the model's own, with the ``$id`` that
    envelopes name in ``dataschema``.

    It describes exactly what a producer of this catalog emits (unknown fields are refused,
    as the model refuses them); consumers are more lenient and ignore fields they do not
    know, since later revisions of the same version may add some.
    """
    schema = cls.model_json_schema()
    return {
        **schema,
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(cls.type),
        "title": title(cls),
        "description": describe(cls),
    }


def event_schema(cls: type[Event]) -> dict[str, Any]:
    """The JSON Schema of the whole CloudEvent carrying ``cls``.

    The envelope part comes from :class:`CloudEvent` (so new envelope attributes appear
    here without edits) and is pinned to this type; ``data`` refers to the type's data
    schema by its file name, which resolves to the data schema's ``$id`` against this
    schema's ``$id`` and to the data schema's file next to this one on disk.
    """
    envelope = CloudEvent.model_json_schema()
    data = cls.model_json_schema()
    defs: dict[str, Any] = envelope.pop("$defs", {})
    producer = cls.producer()
    properties: dict[str, Any] = dict(envelope["properties"])
    for name, text in _ENVELOPE_DESCRIPTIONS.items():
        if name in properties:
            properties[name] = {**properties[name], "description": text}
    properties["type"] = {
        "const": cls.type,
        "description": "事件类型 / Event type.",
        "type": "string",
    }
    properties["source"] = {
        "const": f"/xuncha/{producer}",
        "description": "产生事件的服务 / The producing service.",
        "type": "string",
    }
    properties["subject"] = {
        "description": (
            f"聚合编号，等于 data.{cls.subject_field}，也是 Kafka 消息键 / Aggregate id: "
            f"equals data.{cls.subject_field}; also the Kafka message key."
        ),
        "minLength": 1,
        "type": "string",
    }
    properties["dataschema"] = {
        "const": schema_id(cls.type),
        "description": (
            "data 的 JSON Schema 地址 / The URI of the JSON Schema that data adheres to."
        ),
        "type": "string",
    }
    properties["jurisdiction"] = {
        **data["properties"]["jurisdiction"],
        "description": "管辖范围，等于 data.jurisdiction / Jurisdiction; equals data.jurisdiction.",
    }
    properties["data"] = {
        "$ref": schema_path(cls.type).name,
        "description": "事件内容，其模式见 dataschema / The event; its schema is dataschema.",
    }
    schema: dict[str, Any] = {
        **envelope,
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": envelope_schema_id(cls.type),
        "title": f"{title(cls)} · CloudEvent",
        "description": describe(cls),
        "properties": properties,
    }
    if defs:
        schema["$defs"] = defs
    return schema


def to_json(value: Any) -> str:
    """JSON as the docs are committed: sorted keys, unescaped Chinese, a trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
