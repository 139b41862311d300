"""The contract helpers other tests use on emitted events: ``assert_valid_event`` must pass
every genuine envelope and name what is wrong with a broken one; ``sample_event`` must build
valid events from the model alone. No database, no network."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

import pytest
from pydantic import Field
from xuncha_shared.events.base import Event, envelope
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.events.planning import OrgRegistered
from xuncha_shared.orgs import OrgKind
from xuncha_shared.testing.contracts import assert_valid_event, sample_event

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def outbox_envelope(event: Event) -> dict[str, Any]:
    """As ``messaging.emit`` stores it in the outbox ``envelope`` column."""
    return envelope(event, time=WHEN).model_dump(mode="json", exclude_none=True)


@pytest.fixture
def good() -> dict[str, Any]:
    return outbox_envelope(sample_event(OrgRegistered))


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_genuine_envelopes_pass_in_every_form(event_type: str) -> None:
    message = outbox_envelope(sample_event(CATALOG[event_type]))
    assert_valid_event(message)
    assert_valid_event(json.dumps(message))
    assert_valid_event(json.dumps(message).encode())
    assert_valid_event(envelope(sample_event(CATALOG[event_type]), time=WHEN).to_json_bytes())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "xuncha.planning.org.vanished.v1"}, "not in the event catalog"),
        ({"source": "/xuncha/findings"}, "source is '/xuncha/findings', expected"),
        ({"subject": str(uuid.UUID(int=7))}, "subject is"),
        ({"jurisdiction": "county-b"}, "but data.jurisdiction is"),
        ({"dataschema": "https://example.org/x.json"}, "dataschema is"),
        ({"time": "2026-03-02T09:30:00"}, "has no UTC offset"),
        ({"time": 1772443800}, "time is not an RFC 3339 string"),
        ({"specversion": "0.3"}, "not a valid CloudEvent envelope"),
        ({"id": "not-a-uuid"}, "not a valid CloudEvent envelope"),
        ({"data": "not an object"}, "not a valid CloudEvent envelope"),
    ],
)
def test_broken_envelopes_fail_naming_the_problem(
    good: dict[str, Any], change: dict[str, Any], expected: str
) -> None:
    with pytest.raises(AssertionError, match=expected):
        assert_valid_event({**good, **change})


@pytest.mark.parametrize(
    ("data_change", "expected"),
    [
        ({"unexpected": 1}, "extra"),
        ({"kind": "planet"}, "kind"),
        ({"version": 0}, "version"),
        ({"org_id": "42"}, "org_id"),
    ],
)
def test_data_that_breaks_the_model_fails(
    good: dict[str, Any], data_change: dict[str, Any], expected: str
) -> None:
    broken = {**good, "data": {**good["data"], **data_change}}
    with pytest.raises(AssertionError, match=f"data does not match OrgRegistered(?s:.*){expected}"):
        assert_valid_event(broken)


def test_missing_data_field_and_missing_envelope_attribute_fail(good: dict[str, Any]) -> None:
    data = {k: v for k, v in good["data"].items() if k != "name"}
    with pytest.raises(AssertionError, match="name"):
        assert_valid_event({**good, "data": data})
    with pytest.raises(AssertionError, match="subject"):
        assert_valid_event({k: v for k, v in good.items() if k != "subject"})


def test_every_problem_is_listed_at_once(good: dict[str, Any]) -> None:
    broken = {**good, "source": "/xuncha/clues", "subject": "other", "jurisdiction": "x"}
    with pytest.raises(AssertionError) as caught:
        assert_valid_event(broken)
    message = str(caught.value)
    assert message.count("\n  - ") == 3
    assert str(good["id"]) in message and OrgRegistered.type in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([1, 2], "list, not a JSON object"),
        (b"\xff\xfe", "not UTF-8"),
        ("{not json", "not a valid CloudEvent envelope"),
        ({"id": uuid.uuid4()}, "not JSON"),
    ],
)
def test_values_that_are_not_json_envelopes_fail(value: Any, expected: str) -> None:
    with pytest.raises(AssertionError, match=expected):
        assert_valid_event(value)


class _Constrained(Event):
    """A test-only event exercising the types sample_event must handle."""

    type: ClassVar[str] = "xuncha.planning.sample.checked.v1"
    subject_field: ClassVar[str] = "sample_id"
    title_zh: ClassVar[str] = "样例"

    sample_id: uuid.UUID
    count: int = Field(ge=3, le=10)
    ratio: float = Field(gt=0, lt=1)
    amount: Decimal = Field(gt=Decimal("99.5"))
    code: str = Field(min_length=4)
    kind: OrgKind
    mode: Literal["a", "b"]
    on: date
    at: datetime
    ids: list[uuid.UUID]
    pair: tuple[int, str]
    note: str | None = None
    flag: bool = False


def test_sample_event_respects_types_and_bounds() -> None:
    event = sample_event(_Constrained)
    assert 3 <= event.count <= 10 and 0 < event.ratio < 1 and event.amount > Decimal("99.5")
    assert len(event.code) >= 4 and event.kind is OrgKind.township and event.mode == "a"
    assert event.at.utcoffset() is not None and len(event.ids) == 1
    assert event.note is not None and event.flag is True
    assert sample_event(_Constrained) == event, "samples are deterministic"


def test_sample_event_required_only_and_overrides() -> None:
    minimal = sample_event(_Constrained, optional=False, code="ABCD", jurisdiction="county-z")
    assert minimal.note is None and minimal.flag is False
    assert minimal.code == "ABCD" and minimal.jurisdiction == "county-z"


def test_sample_event_refuses_a_type_it_cannot_invent() -> None:
    class _Odd(Event):
        """A test-only event with a field type sample_event does not know."""

        type: ClassVar[str] = "xuncha.planning.odd.happened.v1"
        subject_field: ClassVar[str] = "odd"
        title_zh: ClassVar[str] = "怪"

        odd: complex

    with pytest.raises(TypeError, match=r"_Odd\.odd"):
        sample_event(_Odd)
    assert sample_event(_Odd, odd=1j).odd == 1j
