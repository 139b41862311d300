"""Who reads the clue figures, and which clues they count: need to know.

That a clue exists, and how many a round or a recipient has, is itself confidential. The
figures of the whole jurisdiction reach the office (the clue keepers) and the leadership
group; a recipient department (discipline, organization, another department, or its system's
service account) reads the figures of the clues transferred to its own org only. The
proposing group, inspected orgs and county leaders get a 403: counting a round's clues would
tell them whether the org they inspect, belong to or lead has one.
"""

from __future__ import annotations

import uuid

from xuncha_shared.auth import DEPARTMENT_ROLES, Forbidden, Principal, Role

JURISDICTION_FIGURE_READERS = (Role.office, Role.leadership)
"""Who reads the figures of every clue of the jurisdiction."""


def clue_figures_scope(
    principal: Principal, recipient_org_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The recipient whose clues the caller's figures count (None: every clue of the
    jurisdiction); 403 for a caller with no need to know, or a recipient asking for
    another recipient's figures."""
    if principal.has(*JURISDICTION_FIGURE_READERS):
        return recipient_org_id
    own = principal.org_uuid if principal.has(*DEPARTMENT_ROLES) else None
    if own is None:
        raise Forbidden(
            "线索工作数据只有巡察办、巡察工作领导小组和承办部门可以查看",
            "Only the office, the leadership group and recipient departments read the clue figures",
            code="clue-figures-need-to-know",
        )
    if recipient_org_id is not None and recipient_org_id != own:
        raise Forbidden(
            "承办部门只能查看移交给本单位的线索数据（recipient_org_id）",
            "A recipient department reads the figures of its own clues only (recipient_org_id)",
            code="clue-figures-own-recipient-only",
        )
    return own
