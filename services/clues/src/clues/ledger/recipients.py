"""Who may receive a clue (移交对象): the rule every transfer is checked against.

A clue goes only to an existing, in-scope department of the clue's own jurisdiction whose
designation (职能, kept in planning's registry) matches the recipient kind:

* ``discipline`` → the department designated discipline (纪委监委);
* ``organization`` → the department designated organization (组织部);
* ``department`` → another county department (not the discipline commission nor the
  organization department, which are chosen by their own kind).

It never goes to the org the clue concerns (the inspected org itself). Anything else would
leave the clue waiting for a receipt no one can give, so it is refused with a 422 naming
``recipient_org_id``.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.orgs import DepartmentDesignation, OrgKind
from xuncha_shared.problems import Unprocessable

from clues.ledger import repository
from clues.ledger.models import Clue
from clues.ledger.schemas import RecipientKind

FIELD = "recipient_org_id"

RECIPIENT_KIND_ZH: dict[RecipientKind, str] = {
    RecipientKind.discipline: "纪委监委",
    RecipientKind.organization: "组织部",
    RecipientKind.department: "其他县直部门",
}

# The designations that are a recipient kind of their own: a "department" recipient is
# any department but these.
_OWN_KIND: dict[DepartmentDesignation, RecipientKind] = {
    DepartmentDesignation.discipline: RecipientKind.discipline,
    DepartmentDesignation.organization: RecipientKind.organization,
}


def designation_matches(kind: RecipientKind, designation: DepartmentDesignation | None) -> bool:
    """Whether a department of ``designation`` receives clues of recipient ``kind``."""
    own = _OWN_KIND.get(designation) if designation is not None else None
    if kind == RecipientKind.department:
        return own is None
    return own == kind


async def check_recipient(
    session: AsyncSession, *, clue: Clue, kind: RecipientKind, recipient_org_id: uuid.UUID
) -> None:
    """422 naming ``recipient_org_id`` unless the org may receive this clue as ``kind``."""
    if clue.org_id is not None and recipient_org_id == clue.org_id:
        raise Unprocessable(
            "线索不能移交给其反映的被巡察对象本身",
            "A clue cannot be transferred to the org it concerns",
            field=FIELD,
            code="recipient-is-concerned-org",
        )
    org = await repository.get_org(session, recipient_org_id)
    if org is None or org.jurisdiction != clue.jurisdiction or not org.active:
        raise Unprocessable(
            "承办部门不存在，或不在本辖区被巡察对象库中（也可能尚未同步，请稍后重试）",
            "No such receiving department in this jurisdiction's registry "
            "(or it has not synchronised yet; retry shortly)",
            field=FIELD,
            code="unknown-recipient",
        )
    designation = DepartmentDesignation(org.designation) if org.designation else None
    if org.kind != OrgKind.department or not designation_matches(kind, designation):
        label = RECIPIENT_KIND_ZH[kind]
        raise Unprocessable(
            f"“{org.name}”不是{label}，不能作为{label}承办线索；请选择职能相符的县直部门",
            f"That org is not a {kind.value} department and cannot receive the clue as "
            f"{kind.value}; choose a department with a matching designation",
            field=FIELD,
            code="recipient-kind-mismatch",
            extra={"recipient_kind": kind.value},
        )
