"""The notification role rule: a notification to an org is meant for some of its roles only.

An org audience (everyone whose token carries the org) is narrowed to the roles the message
is meant for: a rectification deadline reaches the inspected org's own accounts (role
``inspected``), a clue or a consultation reaches the department's (discipline commission,
organization department, other departments) and nobody else who happens to carry the same
org claim (a group member, a leader, an office clerk seconded there). The roles come from
the rule (``Audience.roles``) or, when the rule leaves them out, from what the event field
the org is taken from means (:data:`ORG_FIELD_ROLES`). Every org field of the catalog has a
meaning here: a new field without one fails the tests.

A role audience is meant for that role; an account audience for that one account, whatever
its roles (it is addressed by name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from xuncha_shared.auth import DEPARTMENT_ROLES, Role

#: The inspected party organization's own accounts.
INSPECTED_ROLES: frozenset[Role] = frozenset({Role.inspected})
#: A department's accounts (and its systems' service accounts, which carry a department role).
DEPARTMENT_SIDE: frozenset[Role] = DEPARTMENT_ROLES
#: A letter's addressee is a department (建议书, 提醒函) or an inspected township (督办函).
EITHER_SIDE: frozenset[Role] = INSPECTED_ROLES | DEPARTMENT_ROLES

ORG_FIELD_ROLES: Mapping[str, frozenset[Role]] = {
    # the inspected org(s) an event is about
    "org_id": INSPECTED_ROLES,
    "org_ids": INSPECTED_ROLES,
    "unanswered_org_ids": INSPECTED_ROLES,
    "added_org_ids": INSPECTED_ROLES,
    "removed_org_ids": INSPECTED_ROLES,
    # a township reminding its villages acts as an inspected org
    "reminding_org_id": INSPECTED_ROLES,
    # departments: consulted, receiving clues, forwarded reports, copies
    "department_org_id": DEPARTMENT_SIDE,
    "recipient_org_id": DEPARTMENT_SIDE,
    "forwarded_to_org_id": DEPARTMENT_SIDE,
    "copied_to_org_ids": DEPARTMENT_SIDE,
    "copy_to_org_ids": DEPARTMENT_SIDE,
    "addressee_org_id": EITHER_SIDE,
}


def roles_meant_for_org_field(field: str) -> frozenset[Role]:
    """The roles an org taken from ``field`` is notified in (the inspected org's for a field
    without a registered meaning: the narrowest side, never the departments')."""
    return ORG_FIELD_ROLES.get(field, INSPECTED_ROLES)


def role_codes(roles: Iterable[Role | str]) -> list[str]:
    """Role codes as stored on a notification: sorted, without repeats."""
    return sorted({Role(r).value for r in roles})


def meant_for_roles(notification_roles: Iterable[str], viewer_roles: Iterable[str]) -> bool:
    """Whether a viewer with ``viewer_roles`` is among those an org notification is meant
    for (the same test as the inbox's SQL, for the channels that decide in Python)."""
    return not set(notification_roles).isdisjoint(viewer_roles)
