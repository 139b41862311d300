"""The published language, written down: JSON Schema, AsyncAPI and a README from the catalog.

``render()`` builds every file of ``docs/events/`` from :data:`~xuncha_shared.events.catalog.
CATALOG` and nothing else, deterministically (sorted keys, catalog order, trailing newline),
so a test can compare the committed files with a fresh rendering:

- ``schemas/<type>.schema.json``: the schema of one event type's ``data`` (JSON Schema draft
  2020-12), the event model's own; its ``$id`` is the ``dataschema`` every envelope of the
  type carries, so a consumer holding an event can find the schema its data adheres to;
- ``schemas/<type>.cloudevent.schema.json``: the whole CloudEvents envelope of the type, with
  ``data`` a reference to the schema above (a relative one, which resolves the same way
  against the ``$id`` and against the file's location);
- ``asyncapi.yaml``: an AsyncAPI 3.0.0 document with a channel per producer topic and per
  dead-letter topic, a message per event type (its payload the envelope schema) and a
  ``send`` operation per producer. ``tools/asyncapi`` validates it with the AsyncAPI
  project's own parser (``make asyncapi-check``);
- ``README.md``: a table of every event type.

Regenerate with ``uv run --no-sync python -m xuncha_shared.events.docs``; ``--check`` exits 1
naming the stale files instead of writing.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Sequence
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
# Custom schema formats are allowed by AsyncAPI 3.0; claiming draft-07 would misdescribe the files.
PAYLOAD_SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
CONTENT_TYPE = "application/cloudevents+json"
KAFKA_BINDING_VERSION = "0.5.0"
TOPIC_PREFIX = "xuncha"
PRODUCTION_KAFKA = "kafka.xuncha.internal:9092"
# The version of the published language as a whole; the v1 topics and types carry it.
API_VERSION = "1.0.0"

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


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _yaml(value: Any) -> str:
    try:
        import yaml  # a dev dependency: the services never render their docs
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "Rendering the event docs needs PyYAML, a dev dependency (uv sync).", name=exc.name
        ) from exc

    # A private dumper, so these choices leak into no one else's yaml: multi-line text in the
    # literal style, and repeated objects written out rather than as anchors and aliases.
    dumper: Any = type("_DocsDumper", (yaml.SafeDumper,), {"ignore_aliases": lambda *_: True})

    def represent_str(d: Any, text: str) -> Any:
        style = "|" if "\n" in text else None
        return d.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    dumper.add_representer(str, represent_str)
    out = yaml.dump(value, Dumper=dumper, allow_unicode=True, sort_keys=True, width=100, indent=2)
    return str(out)


_INFO_DESCRIPTION = """\
巡察平台各服务之间通过 Kafka 交换的领域事件（发布语言）。本文件由事件目录
`xuncha_shared.events.catalog` 生成，请勿手工修改。

- 信封：CloudEvents 1.0 结构化 JSON（Kafka 头 `content-type: application/cloudevents+json`）。
  `id` 为事件编号（UUID），`source` 为 `/xuncha/<服务>`，`type` 为
  `xuncha.<服务>.<聚合>.<已发生的事>.v<N>`，`subject` 为聚合编号，`time` 为发生时间，
  `data` 为事件内容，`dataschema` 为 data 的 JSON Schema 地址；扩展属性 `traceparent`
  （W3C 链路追踪）和 `jurisdiction`（管辖范围，便于各机关过滤）。
- 主题与消息键：每个生产服务一个主题 `xuncha.<服务>.v1`；消息键为聚合编号（即 `subject`）。
- 顺序：同一聚合（同一轮巡察、问题、线索或整改任务）的事件按发生顺序投递；不同聚合之间不保证顺序。
- 投递保证：至少一次。业务变更与事件在同一数据库事务中写入发件箱，
  再由中继以幂等生产者（acks=all）发布；同一事件可能重复投递，
  消费方按事件 `id` 去重（收件箱表），处理具有幂等性。
  多次重试仍失败的消息转入死信主题 `xuncha.dlq.<服务>`，可由运维人员重放。
- 版本：同一版本内只做增量修改（只增加可选字段）；破坏性变更使用新的 `.v2` 事件类型。
  消费方跳过不认识的事件类型，并忽略 data 中不认识的字段（滚动升级时生产方可能先升级）；
  生产方只发送事件目录中定义的字段。
- 线索内容不出线索服务：线索事件只携带编号、状态、接收单位和数量，不含被反映人或反映内容。

Domain events the Xuncha services exchange over Kafka (the published language). Generated
from the event catalog `xuncha_shared.events.catalog`; do not edit by hand.

- Envelope: CloudEvents 1.0 in structured JSON mode (Kafka header
  `content-type: application/cloudevents+json`). `id` is the event id (UUID), `source` is
  `/xuncha/<service>`, `type` is `xuncha.<service>.<aggregate>.<happened>.v<N>`, `subject` is
  the aggregate id, `time` is when it happened, `data` is the event and `dataschema` the URI
  of data's JSON Schema; the extensions `traceparent` (W3C trace context) and `jurisdiction`
  (so an agency can filter) are added.
- Topics and keys: one topic per producing service, `xuncha.<service>.v1`; the message key is
  the aggregate id (the `subject`).
- Ordering: events of one aggregate (one round, problem, clue or rectification task) arrive in
  the order they happened; there is no order across aggregates.
- Delivery: at least once. A service writes its change and its events to an outbox in one
  database transaction; a relay publishes them with an idempotent producer (acks=all). An
  event may be delivered more than once: consumers deduplicate by event `id` (an inbox table)
  and handlers are idempotent. A message that keeps failing goes to the dead-letter topic
  `xuncha.dlq.<service>`, from which an operator can replay it.
- Versions: changes within a version are additive only (new optional fields); a breaking
  change is a new `.v2` type. Consumers skip event types they do not know and ignore fields
  of data they do not know (in a rolling upgrade the producer may be upgraded first);
  producers send only the fields the catalog defines.
- Clue content never leaves the clues service: clue events carry ids, status, recipient and
  counts, never the person named or the allegation.
"""

_DEAD_LETTER_HEADERS: dict[str, str] = {
    "x-original-topic": "原主题 / The topic the message was consumed from.",
    "x-error": "最后一次失败的错误类型与信息 / Class and message of the last error.",
    "x-attempts": "尝试次数 / How many times the consumer tried.",
    "x-consumer": "放弃处理的消费者 / The consumer that gave up.",
    "x-failed-at": "放弃时间（ISO 8601）/ When it gave up (ISO 8601).",
}


def _pointer(*parts: str) -> str:
    escaped = (p.replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped)


def _key_schema(cls: type[Event]) -> dict[str, Any]:
    field = cls.model_json_schema()["properties"][cls.subject_field]
    key: dict[str, Any] = {"type": "string"}
    if field.get("type") == "string" and "format" in field:
        key["format"] = field["format"]
    key["description"] = (
        f"聚合编号（data.{cls.subject_field}，即 CloudEvents subject）/ The aggregate id "
        f"(data.{cls.subject_field}, the CloudEvents subject): events of one aggregate share "
        "a partition and stay in order."
    )
    return key


def _message(cls: type[Event]) -> dict[str, Any]:
    return {
        "name": cls.__name__,
        "title": title(cls),
        "summary": cls.title_zh,
        "description": f"{describe(cls)}\n\nType `{cls.type}`; key `{cls.subject_field}`.",
        "contentType": CONTENT_TYPE,
        "headers": {
            "type": "object",
            "properties": {
                "content-type": {
                    "type": "string",
                    "const": CONTENT_TYPE,
                    "description": "CloudEvents 结构化模式 / CloudEvents structured mode.",
                }
            },
            "required": ["content-type"],
        },
        "payload": {
            "schemaFormat": PAYLOAD_SCHEMA_FORMAT,
            "schema": {"$ref": f"./schemas/{envelope_schema_path(cls.type).name}"},
        },
        "bindings": {"kafka": {"key": _key_schema(cls), "bindingVersion": KAFKA_BINDING_VERSION}},
    }


def _dead_letter_message() -> dict[str, Any]:
    return {
        "name": "DeadLetter",
        "title": "死信 DeadLetter",
        "summary": "多次处理失败的消息",
        "description": (
            "原消息的键和值原样保留（通常是上述某一事件的 CloudEvent），失败信息放在消息头中；"
            "运维人员可将其重放到原消费者。\n\nThe original message's key and value, unchanged "
            "(normally a CloudEvent of one of the catalog types), with the failure in headers; "
            "an operator can replay it to the consumer."
        ),
        "contentType": CONTENT_TYPE,
        "headers": {
            "type": "object",
            "properties": {
                name: {"type": "string", "description": text}
                for name, text in _DEAD_LETTER_HEADERS.items()
            },
            "required": sorted(_DEAD_LETTER_HEADERS),
        },
        "payload": {
            "type": "object",
            "description": "原消息（CloudEvent）/ The original message (a CloudEvent).",
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "原消息键 / The original message key."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def asyncapi() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of every producer topic, dead-letter topic and event."""
    server_ref = {"$ref": _pointer("servers", "production")}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for service in producers():
        address = topic_for(TOPIC_PREFIX, service)
        classes = [cls for cls in CATALOG.values() if cls.producer() == service]
        channels[address] = {
            "address": address,
            "title": f"{service} events",
            "description": (
                f"{service} 服务发布的全部事件，消息键为聚合编号。/ Every event the {service} "
                "service publishes, keyed by aggregate id."
            ),
            "servers": [server_ref],
            "messages": {
                cls.type: {"$ref": _pointer("components", "messages", cls.type)} for cls in classes
            },
            "bindings": {"kafka": {"topic": address, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        operations[f"{service}.publish"] = {
            "action": "send",
            "title": f"{service} publishes its events",
            "summary": (
                f"{service} 服务经发件箱中继发布事件 / {service} publishes via its outbox relay."
            ),
            "channel": {"$ref": _pointer("channels", address)},
            "messages": [
                {"$ref": _pointer("channels", address, "messages", cls.type)} for cls in classes
            ],
        }
    for service in SERVICES:
        address = f"{TOPIC_PREFIX}.dlq.{service}"
        channels[address] = {
            "address": address,
            "title": f"{service} dead letters",
            "description": (
                f"{service} 服务的消费者多次重试仍处理失败的消息。/ Messages the {service} "
                "service's consumers failed to handle after every retry."
            ),
            "servers": [server_ref],
            "messages": {"deadLetter": {"$ref": _pointer("components", "messages", "deadLetter")}},
            "bindings": {"kafka": {"topic": address, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        operations[f"{service}.deadLetter"] = {
            "action": "send",
            "title": f"{service} dead-letters a message",
            "summary": f"{service} 服务的消费者放弃处理 / A {service} consumer gives up.",
            "channel": {"$ref": _pointer("channels", address)},
            "messages": [{"$ref": _pointer("channels", address, "messages", "deadLetter")}],
        }
    messages = {cls.type: _message(cls) for cls in CATALOG.values()}
    messages["deadLetter"] = _dead_letter_message()
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "巡察 Xuncha events",
            "version": API_VERSION,
            "description": _INFO_DESCRIPTION,
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "production": {
                "host": PRODUCTION_KAFKA,
                "protocol": "kafka",
                "description": (
                    "生产环境 Kafka 集群（占位主机名）/ Production Kafka (placeholder host)."
                ),
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def readme() -> str:
    """A Markdown table of every event type, with the topics and how to regenerate."""
    lines = [
        "<!-- Generated by `python -m xuncha_shared.events.docs` from the event catalog. "
        "Do not edit. -->",
        "",
        "# 巡察 Xuncha events · 事件目录",
        "",
        "CloudEvents 1.0 (structured JSON) on Kafka, one topic per producing service, keyed by "
        "aggregate id; at-least-once delivery, deduplicated by event `id`. See "
        "[asyncapi.yaml](asyncapi.yaml) for the full contract. [schemas/](schemas/) holds two "
        "JSON Schemas (draft 2020-12) per type: `<type>.schema.json` for `data` (its `$id` is "
        "the envelope's `dataschema`) and `<type>.cloudevent.schema.json` for the whole "
        "envelope. Consumers ignore fields of `data` they do not know; producers send only "
        "the fields the catalog defines.",
        "",
        "| Type | Envelope | Producer | Topic | Key field | 中文名称 | Description |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for cls in CATALOG.values():
        link = f"[`{cls.type}`]({schema_path(cls.type).relative_to(DOCS_DIR).as_posix()})"
        envelope_link = (
            f"[CloudEvent]({envelope_schema_path(cls.type).relative_to(DOCS_DIR).as_posix()})"
        )
        lines.append(
            f"| {link} | {envelope_link} | {cls.producer()} | `{topic(cls)}` "
            f"| `{cls.subject_field}` | {_cell(cls.title_zh)} | {_cell(describe(cls))} |"
        )
    lines += ["", "## Topics", "", "| Topic | Kind | Event types |", "| --- | --- | --- |"]
    for service in producers():
        count = sum(1 for cls in CATALOG.values() if cls.producer() == service)
        lines.append(f"| `{topic_for(TOPIC_PREFIX, service)}` | {service} events | {count} |")
    for service in SERVICES:
        lines.append(f"| `{TOPIC_PREFIX}.dlq.{service}` | {service} dead letters | — |")
    lines += [
        "",
        "## Regenerating",
        "",
        "```sh",
        "uv run --no-sync python -m xuncha_shared.events.docs          # write",
        "uv run --no-sync python -m xuncha_shared.events.docs --check  # exit 1 if stale",
        "```",
    ]
    return "\n".join(lines) + "\n"


def render() -> dict[Path, str]:
    """Every file of ``docs/events/``: path relative to the repository root → content."""
    files = {schema_path(t): _json(data_schema(cls)) for t, cls in CATALOG.items()}
    files |= {envelope_schema_path(t): _json(event_schema(cls)) for t, cls in CATALOG.items()}
    files[ASYNCAPI_PATH] = _yaml(asyncapi())
    files[README_PATH] = readme()
    return dict(sorted(files.items()))


def _extra_schemas(root: Path, expected: dict[Path, str]) -> list[Path]:
    directory = root / SCHEMAS_DIR
    if not directory.is_dir():
        return []
    found = (p.relative_to(root) for p in directory.iterdir() if p.is_file())
    return sorted(p for p in found if p not in expected)


def _differs(path: Path, content: str) -> bool:
    try:
        return path.read_bytes() != content.encode()
    except FileNotFoundError:
        return True


def check(root: Path) -> list[Path]:
    """Stale files, relative to ``root``: rendered files that are missing or differ, and
    files in ``docs/events/schemas`` that no catalog type renders. Empty when up to date."""
    expected = render()
    stale = [path for path, content in expected.items() if _differs(root / path, content)]
    return sorted(stale + _extra_schemas(root, expected))


def write(root: Path) -> list[Path]:
    """Bring ``docs/events/`` under ``root`` up to date; returns the relative paths it
    created, rewrote or removed (empty when nothing was stale). Unchanged files are not
    touched."""
    expected = render()
    changed: list[Path] = []
    for path, content in expected.items():
        target = root / path
        if _differs(target, content):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode())
            changed.append(path)
    for path in _extra_schemas(root, expected):
        (root / path).unlink()
        changed.append(path)
    return sorted(changed)


def _find_root(start: Path) -> Path:
    """The workspace root (the directory holding ``uv.lock``) at or above ``start``."""
    for directory in (start, *start.parents):
        if (directory / "uv.lock").is_file():
            return directory
    return start


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write the docs, or with ``--check`` report stale ones and exit 1."""
    parser = argparse.ArgumentParser(
        prog="python -m xuncha_shared.events.docs",
        description="Generate docs/events/ (JSON Schema, AsyncAPI, README) from the catalog.",
    )
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument(
        "--root", type=Path, default=None, help="repository root (default: the uv workspace)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root or _find_root(Path.cwd())
    if args.check:
        stale = check(root)
        if stale:
            names = "\n".join(f"  {p}" for p in stale)
            print(
                f"event docs are stale:\n{names}\n"
                "regenerate with: uv run --no-sync python -m xuncha_shared.events.docs",
                file=sys.stderr,
            )
            return 1
        print("event docs are up to date")
        return 0
    changed = write(root)
    for path in changed:
        print(f"{'updated' if (root / path).exists() else 'removed'} {path}")
    if not changed:
        print("event docs are up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
