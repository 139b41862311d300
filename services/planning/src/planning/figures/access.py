"""Who reads the office's figures (成绩单), and who of them learns the clue figures.

The figures are counts, so the committee's departments and county leaders read them too. But
that a clue exists about an org is itself confidential (need to know): the clue figures
(clues transferred, cases filed, persons sanctioned, organizational handlings, money
recovered), in total or per round and org, reach only the office and the leadership group.
A county leader may be the leader in charge of the very org a clue concerns; discipline and
organization each receive only some of the clues and read their own in the clues service.
The other readers get the figures with the clue parts empty, never a 403 for the page.
"""

from __future__ import annotations

from xuncha_shared.auth import Forbidden, Principal, Role

from planning.figures.facts import CONFIDENTIAL, FactKind

READERS = (Role.office, Role.leadership, Role.discipline, Role.organization, Role.leader)
"""Who reads the figures: counts only, so the committee's departments and leaders too."""

CLUE_FIGURE_READERS = (Role.office, Role.leadership)
"""Who learns the clue figures: the office that keeps the ledger and the leadership group."""


def require_reader(principal: Principal) -> None:
    if not principal.has(*READERS):
        raise Forbidden(
            "只有巡察办、领导小组、纪委监委、组织部和县级领导可以查看巡察成绩单",
            "Only the office, the leadership group, discipline, organization and county "
            "leaders read the office's figures",
        )


def sees_clue_figures(principal: Principal) -> bool:
    """Whether the caller learns clue counts (total, per round, per org): need to know."""
    return principal.has(*CLUE_FIGURE_READERS)


def require_clue_figure_reader(principal: Principal, figure: FactKind) -> None:
    """A clue figure opens to its counts per round and org only for the office and the
    leadership group; the other figures open to every reader."""
    if figure in CONFIDENTIAL and not sees_clue_figures(principal):
        raise Forbidden(
            "问题线索类指标只有巡察办和巡察工作领导小组可以查看",
            "Only the office and the leadership group read the clue figures",
            code="clue-figures-need-to-know",
        )
