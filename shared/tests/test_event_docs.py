"""The published language: the event catalog, its generated docs, and the rules event types
follow. No database, no network.

Schemas are validated with ``jsonschema`` (formats checked too), which follows the envelope
schema's reference to the data schema the way any JSON Schema tool does: by ``$id``.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jsonschema
import pytest
import referencing
import yaml
from pydantic import ValidationError
from xuncha_shared.events import docs
from xuncha_shared.events.base import CloudEvent, Event, envelope
from xuncha_shared.events.catalog import CATALOG, PRODUCER_MODULES, decode
from xuncha_shared.settings import SERVICES, topic_for
from xuncha_shared.testing.contracts import assert_valid_event, sample_event

REPO_ROOT = Path(__file__).resolve().parents[2]
TYPES = sorted(CATALOG)
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

# xuncha.<service>.<aggregate>.<happened>.v<N>, lower snake case inside segments.
TYPE_PATTERN = re.compile(
    r"^xuncha\.(?P<service>[a-z]+)\.(?P<aggregate>[a-z]+(?:_[a-z]+)*)"
    r"\.(?P<happened>[a-z]+(?:_[a-z]+)*)\.v(?P<version>[1-9][0-9]*)$"
)
# Past participles not ending in -ed, and the time-based facts ARCHITECTURE.md names.
IRREGULAR_PAST = frozenset(
    {"begun", "built", "chosen", "done", "drawn", "given", "held", "known", "made", "met",
     "left", "put", "read", "reset", "sent", "set", "shown", "split", "taken", "undone",
     "withdrawn", "written"}
)  # fmt: skip
TIME_FACTS = frozenset({"overdue", "soon"})  # due_soon, overdue, reply_overdue


def _load(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((REPO_ROOT / path).read_text(encoding="utf-8"))
    return schema


def load_schema(event_type: str) -> dict[str, Any]:
    """The committed schema of the type's ``data``."""
    return _load(docs.schema_path(event_type))


def load_envelope_schema(event_type: str) -> dict[str, Any]:
    """The committed schema of a whole CloudEvent of the type."""
    return _load(docs.envelope_schema_path(event_type))


@functools.cache
def published_schemas() -> dict[str, dict[str, Any]]:
    """Every committed schema by its ``$id``, as a registry of a JSON Schema tool holds them."""
    schemas = (_load(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / docs.SCHEMAS_DIR).iterdir())
    return {schema["$id"]: schema for schema in schemas}


def wire_envelope(event: Event) -> dict[str, Any]:
    """The envelope as it travels: serialised by the bus, parsed back."""
    cloud_event = envelope(
        event,
        time=WHEN,
        event_id=uuid.UUID("0e1f5a4e-3b7d-4d4f-8a35-1c2b3d4e5f60"),
        traceparent=TRACEPARENT,
    )
    parsed: dict[str, Any] = json.loads(cloud_event.to_json_bytes())
    return parsed


# --- resolving references -------------------------------------------------------------------


def _resolve(root: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are expected, got {ref}"
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _resolve_any(root: dict[str, Any], ref: str) -> tuple[Any, dict[str, Any]]:
    """The target of ``ref`` and the schema document it is in: local pointers in ``root``,
    anything else by ``$id``, resolved against ``root``'s ``$id`` as JSON Schema does."""
    if ref.startswith("#"):
        return _resolve(root, ref), root
    target = urljoin(root["$id"], ref)
    document = published_schemas().get(target)
    assert document is not None, f"{ref} resolves to {target}, which no published schema is"
    return document, document


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Validation errors of ``instance`` against a generated schema."""
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(document))
        for uri, document in published_schemas().items()
    )
    validator = jsonschema.Draft202012Validator(
        schema,
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


def all_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


# --- the committed docs ---------------------------------------------------------------------


def test_committed_docs_are_up_to_date() -> None:
    stale = docs.check(REPO_ROOT)
    assert stale == [], (
        f"docs/events is stale: {[str(p) for p in stale]}; regenerate with "
        "`uv run --no-sync python -m xuncha_shared.events.docs`"
    )


def test_render_is_deterministic_and_complete() -> None:
    first, second = docs.render(), docs.render()
    assert first == second
    assert list(first) == sorted(first)
    expected = (
        {docs.schema_path(t) for t in CATALOG}
        | {docs.envelope_schema_path(t) for t in CATALOG}
        | {docs.ASYNCAPI_PATH, docs.README_PATH}
    )
    assert set(first) == expected
    for path, content in first.items():
        assert content.endswith("\n") and not content.endswith("\n\n"), path
        if path.suffix == ".json":
            assert (
                content
                == json.dumps(json.loads(content), ensure_ascii=False, indent=2, sort_keys=True)
                + "\n"
            ), f"{path} is not canonical JSON"


def test_write_and_check_find_missing_changed_and_extra_files(tmp_path: Path) -> None:
    assert set(docs.check(tmp_path)) == set(docs.render())
    assert docs.write(tmp_path) == sorted(docs.render())
    assert docs.check(tmp_path) == []
    assert docs.write(tmp_path) == []

    (tmp_path / docs.ASYNCAPI_PATH).write_text("asyncapi: 2.6.0\n", encoding="utf-8")
    (tmp_path / docs.README_PATH).unlink()
    extra = docs.SCHEMAS_DIR / "xuncha.planning.org.removed.v1.schema.json"
    (tmp_path / extra).write_text("{}\n", encoding="utf-8")
    stale = sorted([docs.ASYNCAPI_PATH, docs.README_PATH, extra])
    assert docs.check(tmp_path) == stale

    assert docs.write(tmp_path) == stale
    assert docs.check(tmp_path) == []
    assert not (tmp_path / extra).exists()


def test_command_line_check_names_stale_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert docs.main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert str(docs.ASYNCAPI_PATH) in err and str(docs.README_PATH) in err

    assert docs.main(["--root", str(tmp_path)]) == 0
    assert docs.main(["--check", "--root", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out


# --- the JSON Schemas -----------------------------------------------------------------------


@pytest.mark.parametrize("event_type", TYPES)
def test_data_schema_is_a_valid_json_schema(event_type: str) -> None:
    cls = CATALOG[event_type]
    schema = load_schema(event_type)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://xuncha.gov.cn/events/{event_type}.schema.json"
    assert schema["title"] == f"{cls.title_zh} {cls.__name__}"
    assert schema["description"] == inspect.cleandoc(cls.__doc__ or "")
    assert schema["type"] == "object"
    assert set(schema["properties"]) == set(cls.model_fields)
    # Exactly what a producer of this catalog may emit; consumers are the lenient side.
    assert schema["additionalProperties"] is False
    for ref in all_refs(schema):
        _resolve(schema, ref)  # raises KeyError when a reference dangles


@pytest.mark.parametrize("event_type", TYPES)
def test_envelope_schema_is_a_valid_json_schema(event_type: str) -> None:
    cls = CATALOG[event_type]
    schema = load_envelope_schema(event_type)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://xuncha.gov.cn/events/{event_type}.cloudevent.schema.json"
    assert schema["title"].startswith(f"{cls.title_zh} {cls.__name__}")
    assert schema["type"] == "object"
    assert set(CloudEvent.model_json_schema()["required"]) <= set(schema["required"])
    assert schema["properties"]["type"]["const"] == event_type
    data_ref = schema["properties"]["data"]["$ref"]
    # By $id (as JSON Schema resolves it) and by file (as the AsyncAPI parser and editors
    # do), the reference lands on the same data schema.
    assert urljoin(schema["$id"], data_ref) == load_schema(event_type)["$id"]
    assert (REPO_ROOT / docs.envelope_schema_path(event_type)).parent / data_ref == (
        REPO_ROOT / docs.schema_path(event_type)
    )
    for ref in all_refs(schema):
        _resolve_any(schema, ref)  # fails when a reference dangles


@pytest.mark.parametrize("event_type", TYPES)
def test_dataschema_is_the_id_of_the_data_schema(event_type: str) -> None:
    """CloudEvents' ``dataschema`` names "the schema that data adheres to": the published
    data schema, whose ``$id`` it must equal exactly, and which the data validates against."""
    message = wire_envelope(sample_event(CATALOG[event_type]))
    data_schema = load_schema(event_type)
    assert message["dataschema"] == data_schema["$id"] == docs.schema_id(event_type)
    envelope_schema = load_envelope_schema(event_type)
    assert envelope_schema["properties"]["dataschema"]["const"] == data_schema["$id"]
    assert published_schemas()[message["dataschema"]] == data_schema
    assert schema_errors(data_schema, message["data"]) == []


@pytest.mark.parametrize("optional", [True, False], ids=["all-fields", "required-only"])
@pytest.mark.parametrize("event_type", TYPES)
def test_enveloped_event_validates_against_its_schema(event_type: str, optional: bool) -> None:
    event = sample_event(CATALOG[event_type], optional=optional)
    message = wire_envelope(event)
    assert message["dataschema"] == load_schema(event_type)["$id"]
    assert schema_errors(load_envelope_schema(event_type), message) == []
    assert schema_errors(load_schema(event_type), message["data"]) == []
    assert_valid_event(message)
    assert decode(CloudEvent.model_validate(message)) == event


@pytest.mark.parametrize("event_type", TYPES)
def test_schema_rejects_what_the_catalog_rejects(event_type: str) -> None:
    cls = CATALOG[event_type]
    schema = load_envelope_schema(event_type)
    good = wire_envelope(sample_event(cls))
    required = next(iter(cls.model_json_schema()["required"]))
    broken = {
        "unknown type": {**good, "type": f"{event_type}x"},
        "wrong source": {**good, "source": "/xuncha/elsewhere"},
        "wrong dataschema": {**good, "dataschema": "https://example.org/other.json"},
        "no id": {k: v for k, v in good.items() if k != "id"},
        "id not a uuid": {**good, "id": "42"},
        "extra data field": {**good, "data": {**good["data"], "unexpected": 1}},
        "missing data field": {
            **good,
            "data": {k: v for k, v in good["data"].items() if k != required},
        },
    }
    for what, message in broken.items():
        assert schema_errors(schema, message), f"schema accepts an envelope with {what}"
        with pytest.raises(AssertionError):
            assert_valid_event(message)
    # A time without an offset: the schema's date-time format (RFC 3339) and the contract.
    assert schema_errors(schema, {**good, "time": "2026-03-02T09:30:00"})
    with pytest.raises(AssertionError, match="offset"):
        assert_valid_event({**good, "time": "2026-03-02T09:30:00"})


# --- the AsyncAPI document ------------------------------------------------------------------


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    text = (REPO_ROOT / docs.ASYNCAPI_PATH).read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def test_asyncapi_document_shape(asyncapi: dict[str, Any]) -> None:
    assert asyncapi["asyncapi"] == "3.0.0"
    assert asyncapi["info"]["title"] == "巡察 Xuncha events"
    assert isinstance(asyncapi["info"]["version"], str)
    description = asyncapi["info"]["description"]
    for phrase in ("at least once", "至少一次", "additive only", "dlq", "CloudEvents"):
        assert phrase in description
    server = asyncapi["servers"]["production"]
    assert (server["host"], server["protocol"]) == ("kafka.xuncha.internal:9092", "kafka")
    for ref in all_refs(asyncapi):
        if ref.startswith("#/"):
            _resolve(asyncapi, ref)
        else:
            assert (REPO_ROOT / docs.DOCS_DIR / ref).is_file(), f"dangling reference {ref}"


def test_asyncapi_has_a_channel_and_send_operation_per_producer_topic(
    asyncapi: dict[str, Any],
) -> None:
    addresses = {c["address"]: c for c in asyncapi["channels"].values()}
    producers = {cls.producer() for cls in CATALOG.values()}
    for service in producers:
        topic = topic_for("xuncha", service)
        assert topic in addresses, f"no channel for {topic}"
        types = {cls.type for cls in CATALOG.values() if cls.producer() == service}
        assert set(addresses[topic]["messages"]) == types
        assert addresses[topic]["bindings"]["kafka"]["topic"] == topic
        sends = [
            op
            for op in asyncapi["operations"].values()
            if op["action"] == "send"
            and _resolve(asyncapi, op["channel"]["$ref"])["address"] == topic
        ]
        assert len(sends) == 1, f"expected one send operation on {topic}"
        assert len(sends[0]["messages"]) == len(types)
    for service in SERVICES:
        assert f"xuncha.dlq.{service}" in addresses
        assert addresses[f"xuncha.dlq.{service}"]["description"]


def test_asyncapi_has_a_message_per_catalog_type(asyncapi: dict[str, Any]) -> None:
    messages = asyncapi["components"]["messages"]
    assert set(CATALOG) <= set(messages)
    for event_type, cls in CATALOG.items():
        message = messages[event_type]
        assert message["name"] == cls.__name__
        assert message["title"] == f"{cls.title_zh} {cls.__name__}"
        assert message["payload"]["schema"]["$ref"] == (
            f"./schemas/{event_type}.cloudevent.schema.json"
        )
        assert message["headers"]["properties"]["content-type"]["const"] == (
            "application/cloudevents+json"
        )
        key = message["bindings"]["kafka"]["key"]
        assert key["type"] == "string" and cls.subject_field in key["description"]


def test_readme_lists_every_event_type() -> None:
    readme = (REPO_ROOT / docs.README_PATH).read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| [`xuncha.")]
    assert len(rows) == len(CATALOG)
    for event_type, cls in CATALOG.items():
        row = next(r for r in rows if f"[`{event_type}`]" in r)
        for cell in (cls.producer(), topic_for("xuncha", cls.producer()), cls.title_zh):
            assert cell in row
        assert f"`{cls.subject_field}`" in row


# --- rules every event type follows ---------------------------------------------------------


@pytest.mark.parametrize("event_type", TYPES)
def test_event_type_name_follows_the_convention(event_type: str) -> None:
    match = TYPE_PATTERN.match(event_type)
    assert match, f"{event_type} is not xuncha.<service>.<aggregate>.<past-tense-verb>.v<N>"
    happened = match["happened"]
    # "recorded", "handed_over", "disposal_chosen", "reply_overdue": a past participle (or a
    # time fact) somewhere in the phrase.
    words = happened.split("_")
    assert any(w in TIME_FACTS or w.endswith("ed") or w in IRREGULAR_PAST for w in words), (
        f"{event_type}: {happened!r} is not in the past tense (add genuine irregular past "
        "participles to IRREGULAR_PAST)"
    )
    assert match["service"] in SERVICES
    assert CATALOG[event_type].producer() == match["service"]


def test_producer_segment_matches_the_catalog_module() -> None:
    for module in PRODUCER_MODULES:
        service = module.__name__.rsplit(".", 1)[-1]
        assert service in SERVICES, f"{module.__name__} is not named after a service"
        for cls in module.EVENTS:
            assert cls.producer() == service, f"{cls.type} is defined in {module.__name__}"
        # A concrete event class defined in the module but left out of EVENTS is never
        # published in the docs nor decoded by consumers.
        defined = {
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, Event)
            and obj.__module__ == module.__name__
            and "type" in obj.__dict__
        }
        assert defined <= set(module.EVENTS), f"{module.__name__}.EVENTS misses {defined}"


@pytest.mark.parametrize("event_type", TYPES)
def test_event_class_is_documented(event_type: str) -> None:
    cls = CATALOG[event_type]
    assert (cls.__dict__.get("__doc__") or "").strip(), f"{cls.__name__} needs a docstring"
    assert cls.title_zh.strip()
    assert cls.subject_field in cls.model_fields
    assert "jurisdiction" in cls.model_fields


@pytest.mark.parametrize("event_type", TYPES)
def test_event_class_is_frozen_and_forbids_extra_fields(event_type: str) -> None:
    cls = CATALOG[event_type]
    event = sample_event(cls)
    for name in cls.model_fields:
        with pytest.raises(ValidationError, match="frozen"):
            setattr(event, name, getattr(event, name))
    with pytest.raises(ValidationError, match="extra"):
        cls.model_validate({**event.model_dump(), "unexpected": 1})
