"""Who may read a clue's details (authorization per record).

* the office of the clue's jurisdiction (its clue keepers);
* the recipient department of that clue: a discipline, organization or department account
  (or that org's system service account) whose ``org`` is the clue's recipient, while the
  clue is with it (transferred … closed).

Everyone else (the proposing group, inspected orgs, other departments, leaders, the
leadership's dashboards) sees counts only: for them a clue does not exist (404, so that
not even its existence leaks).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from xuncha_shared.auth import DEPARTMENT_ROLES, Forbidden, Principal, Role
from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.problems import NotFound

from clues.ledger.lifecycle import WITH_RECIPIENT
from clues.ledger.models import Clue


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    keeper: bool
    recipient_org_id: uuid.UUID | None


def viewer(principal: Principal) -> Viewer:
    return Viewer(
        principal=principal,
        keeper=principal.has(Role.office),
        recipient_org_id=principal.org_uuid if principal.has(*DEPARTMENT_ROLES) else None,
    )


def is_recipient(who: Viewer, clue: Clue) -> bool:
    return (
        who.recipient_org_id is not None
        and clue.recipient_org_id == who.recipient_org_id
        and ClueStatus(clue.status) in WITH_RECIPIENT
    )


def can_read(who: Viewer, clue: Clue) -> bool:
    if clue.jurisdiction != who.principal.jurisdiction:
        return False
    return who.keeper or is_recipient(who, clue)


def not_found() -> NotFound:
    return NotFound("线索不存在或无权查看", "No such clue, or not yours to see", code="no-clue")


def readable(who: Viewer, clue: Clue | None) -> Clue:
    """The clue if the caller may read it; else 404, as if it did not exist."""
    if clue is None or not can_read(who, clue):
        raise not_found()
    return clue


def require_keeper(who: Viewer, what_zh: str, what_en: str) -> None:
    """The office only, checked after the clue was found readable and current: an outsider
    gets the 404 and a stale caller the 412 first (a route that admits the office whatever
    the record uses the kit's ``roles_allowed`` instead)."""
    if not who.keeper:
        raise Forbidden(f"只有巡察办可以{what_zh}", f"Only the inspection office may {what_en}")


def require_recipient(who: Viewer, clue: Clue, what_zh: str, what_en: str) -> None:
    if not is_recipient(who, clue):
        raise Forbidden(
            f"只有承办部门可以{what_zh}", f"Only the receiving department may {what_en}"
        )


def require_list_access(who: Viewer) -> None:
    if not who.keeper and who.recipient_org_id is None:
        raise Forbidden(
            "线索台账仅向巡察办和承办部门开放；其他人员请查看统计数据",
            "The clue ledger is open to the office and receiving departments only; "
            "others see the figures",
        )
