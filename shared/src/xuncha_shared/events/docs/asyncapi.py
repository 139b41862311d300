"""The AsyncAPI 3.0.0 document of the event docs: a channel per producer topic and per
dead-letter topic, a message per event type and a ``send`` operation per producer."""

from __future__ import annotations

from typing import Any

from xuncha_shared.events.base import Event
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.events.docs.schemas import (
    TOPIC_PREFIX,
    describe,
    envelope_schema_path,
    producers,
    title,
)
from xuncha_shared.settings import SERVICES, topic_for

PAYLOAD_SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
CONTENT_TYPE = "application/cloudevents+json"
KAFKA_BINDING_VERSION = "0.5.0"
PRODUCTION_KAFKA = "kafka.xuncha.internal:9092"

API_VERSION = "1.0.0"


def to_yaml(value: Any) -> str:
    """YAML as the docs are committed: sorted keys, literal multi-line text, no aliases."""
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
