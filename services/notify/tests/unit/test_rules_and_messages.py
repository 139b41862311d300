"""Pure parts: the default rules hold against the catalog; every catalog type renders a
Chinese message; signatures follow the Standard Webhooks spec; the retry schedule."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from notify.delivery.backoff import longest_wait, next_attempt_at, retry_delay
from notify.inbox.templates import TEMPLATES, render
from notify.rules.defaults import DEFAULT_RULES
from notify.rules.meant_for import ORG_FIELD_ROLES
from notify.rules.spec import (
    Audience,
    AudienceKind,
    RuleSpec,
    audience_fields,
    check_rule,
    resolve,
)
from notify.webhooks.signing import new_secret, sign, verify
from xuncha_shared.auth import Role
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.events.clues import ClueTransferred
from xuncha_shared.events.rectification import RectificationOverdue, TaskReminded
from xuncha_shared.problems import Unprocessable
from xuncha_shared.testing.contracts import sample_event


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda r: r.key)
def test_default_rules_hold_against_the_catalog(rule: object) -> None:
    assert isinstance(rule, RuleSpec)
    assert (
        check_rule(event_type=rule.event_type, conditions=rule.conditions, audiences=rule.audiences)
        == rule.conditions
    )
    assert rule.event_type in TEMPLATES


def test_unknown_fields_roles_and_clue_audiences_are_refused() -> None:
    with pytest.raises(Unprocessable) as info:
        check_rule(
            event_type=ClueTransferred.type,
            conditions={},
            audiences=[Audience(kind=AudienceKind.org, field="org_id")],
        )
    assert info.value.field == "audiences.0" and info.value.code == "clue-confidential"
    with pytest.raises(Unprocessable) as info:
        check_rule(
            event_type=RectificationOverdue.type,
            conditions={"what": "nothing"},
            audiences=[Audience(kind=AudienceKind.account, field="owner_accounts")],
        )
    assert info.value.field == "conditions.what"


def test_resolve_takes_lists_and_skips_empty_fields() -> None:
    event = sample_event(RectificationOverdue, owner_accounts=["a", "b", "a"], task_id=None)
    (rule,) = [r for r in DEFAULT_RULES if r.key == "deadline-overdue"]
    assert resolve(rule, event) == [
        ("org", str(event.org_id), ("inspected",)),
        ("account", "a", ()),
        ("account", "b", ()),
        ("role", "office", ("office",)),
    ]
    assert resolve(rule, sample_event(RectificationOverdue, owner_accounts=[]))[1:] == [
        ("role", "office", ("office",))
    ]


def test_every_org_field_of_the_catalog_has_the_roles_it_is_meant_for() -> None:
    """The notification role rule: a new org field must say whom in the org it means."""
    for cls in CATALOG.values():
        for name in audience_fields(cls)["org"]:
            assert name in ORG_FIELD_ROLES, f"{cls.type}.{name} has no meaning in ORG_FIELD_ROLES"


def test_an_org_audience_is_meant_for_the_roles_its_field_means_or_the_rule_names() -> None:
    clue = sample_event(ClueTransferred, recipient_org_id=uuid.uuid4(), keeper_account="k")
    (rule,) = [r for r in DEFAULT_RULES if r.key == "clue-transferred"]
    assert resolve(rule, clue)[0] == (
        "org",
        str(clue.recipient_org_id),
        ("department", "discipline", "organization"),
    )
    narrowed = RuleSpec(
        key="x",
        event_type=ClueTransferred.type,
        audiences=(
            Audience(kind=AudienceKind.org, field="recipient_org_id", roles=(Role.discipline,)),
        ),
    )
    assert resolve(narrowed, clue) == [("org", str(clue.recipient_org_id), ("discipline",))]
    # the same org named twice is one audience meant for the roles of both
    event = sample_event(TaskReminded)
    both = RuleSpec(
        key="y",
        event_type=TaskReminded.type,
        audiences=(
            Audience(kind=AudienceKind.org, field="org_id"),
            Audience(kind=AudienceKind.org, field="org_id", roles=(Role.leader,)),
        ),
    )
    assert resolve(both, event) == [("org", str(event.org_id), ("inspected", "leader"))]


def test_roles_narrow_org_audiences_only_and_a_clue_reaches_department_roles_only() -> None:
    with pytest.raises(Unprocessable) as info:
        check_rule(
            event_type=RectificationOverdue.type,
            conditions={},
            audiences=[
                Audience(kind=AudienceKind.account, field="owner_accounts", roles=(Role.leader,))
            ],
        )
    assert info.value.field == "audiences.0.roles"
    with pytest.raises(Unprocessable) as info:
        check_rule(
            event_type=ClueTransferred.type,
            conditions={},
            audiences=[
                Audience(kind=AudienceKind.org, field="recipient_org_id", roles=(Role.inspected,))
            ],
        )
    assert info.value.field == "audiences.0.roles" and info.value.code == "clue-confidential"


@pytest.mark.parametrize("type_", sorted(CATALOG))
def test_every_event_type_renders_a_message_with_a_link(type_: str) -> None:
    event = sample_event(CATALOG[type_])
    data = event.model_dump(mode="json")
    message = render(event, data, {}, uuid.uuid4())
    assert message.title and message.body and message.link.startswith(("/api/", "/dashboard/"))
    assert "{" not in message.title + message.body + message.link


def test_clue_messages_say_no_more_than_the_event() -> None:
    event = sample_event(ClueTransferred, status="transferred")
    message = render(event, event.model_dump(mode="json"), {}, uuid.uuid4())
    assert str(event.clue_id) in message.body and "已移交" in message.body


def test_standard_webhooks_signature() -> None:
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected
    assert verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body, f"v1,bad {expected}")
    assert not verify(secret, "msg_other", "1614265330", body, expected)
    assert new_secret().startswith("whsec_") and new_secret() != new_secret()


def test_retry_schedule_is_full_jitter_exponential() -> None:
    for n in range(1, 12):
        cap = longest_wait(n, base_seconds=30, max_seconds=3600)
        assert cap == timedelta(seconds=min(3600, 30 * 2 ** (n - 1)))
        for _ in range(20):
            assert timedelta(0) <= retry_delay(n, base_seconds=30, max_seconds=3600) <= cap
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert (
        now
        <= next_attempt_at(now, 3, base_seconds=30, max_seconds=3600)
        <= now + timedelta(seconds=120)
    )
