"""Whistleblower protection (保护举报人): the rules that keep a citizen's report and identity
from reaching anyone who could retaliate. Flush, never commit.

* **Erasure for a clue** (:func:`erase_report_for_proposed_clue`,
  :func:`require_clue_proposed_from_report`): a report's text and contact are erased here
  once a clue is proposed from it, and only for a clue really proposed from *that* report
  by a group of the report's round. Findings knows this from the clues service's events
  (ids only: the clue, its source report and the proposing group), so erasure happens in
  the consumer's transaction, the one that records the event in the inbox: a redelivery
  erases nothing twice. Triage "clue" names a clue id and is refused unless that clue's
  event says so; an id findings has not heard of yet is a 409 with ``Retry-After`` (the
  event may be a moment behind the proposal).
* **A problem in the group's own words** (:func:`require_own_problem_wording`): a problem
  recorded from a report goes to the inspected org at hand-over and into events; it must
  never carry the citizen's words, which could identify him. The group writes the
  description; one that is the report's text, contains it, or is a copied piece of it is
  refused.
* **Never to the accused** (:func:`require_forward_not_to_accused`): a report is forwarded
  only to a department of the jurisdiction, never to the org it concerns nor to an org above
  it (a village's township leads the village, 巡乡带村), which would hand the
  accusation, and the accuser, to the accused.
* **The contact stays with the office** (:func:`contact_readers`): the reporter's contact is
  shown to the office of the jurisdiction and to the members of the round's groups (who
  receive reports and verify them), never to the department a report is forwarded to, nor
  to leadership or discipline reading the ledger.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal, Role
from xuncha_shared.events.clues import ClueEvent
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import Conflict, Unprocessable

from findings.public_reports import repository
from findings.public_reports.models import PublicReport

# A report text shorter than this (once spaces and punctuation are gone) is a few words, a
# place name, say, that the group's own description may well repeat; longer, it is the
# citizen's wording.
VERBATIM_MIN_CHARS = 8


class ClueNotHeardYet(Conflict):
    """The clue id is not (yet) known here: the clues service's event of its proposal may be
    a moment behind. The client retries after ``Retry-After`` and stops after a few tries."""

    code = "clue-not-heard-yet"
    retry_after_seconds = 1


async def _proposed_by_round_group(
    session: AsyncSession, report: PublicReport, group_id: uuid.UUID | None
) -> bool:
    return group_id is not None and await repository.is_round_group(
        session, group_id, report.round_id
    )


def erase_report_text(report: PublicReport, clue_id: uuid.UUID) -> bool:
    """Erase the report's content and contact (they live on only in the clue, sealed), and
    note the clue if none was; whether anything changed (a second erasure changes nothing).
    The caller counts the version."""
    if report.redacted and report.content is None and report.contact is None:
        return False
    report.content, report.contact, report.redacted = None, None, True
    if report.clue_id is None:
        report.clue_id = clue_id
    return True


async def erase_report_for_proposed_clue(session: AsyncSession, event: ClueEvent) -> bool:
    """On a clue event naming a source report: erase that report's text when the clue was
    proposed by a group of the report's round, in the jurisdiction of the report; whether it
    was erased now. Any clue event will do (the proposal may arrive after a later one), and
    an event that does not meet the rule erases nothing."""
    if event.source_report_id is None:
        return False
    report = await repository.report_for_update(session, event.source_report_id)
    if report is None or report.jurisdiction != event.jurisdiction:
        return False
    if event.round_id is not None and event.round_id != report.round_id:
        return False
    if not await _proposed_by_round_group(session, report, event.group_id):
        return False
    if not erase_report_text(report, event.clue_id):
        return False
    report.version += 1
    await session.flush()
    return True


async def require_clue_proposed_from_report(
    session: AsyncSession, *, report: PublicReport, clue_id: uuid.UUID
) -> None:
    """Refuse a triage "clue" naming a clue not proposed from this report by a group of its
    round: 409 (retry) while findings has not heard of the clue, 422 once it has."""
    link = await repository.clue_link(session, clue_id)
    if link is None:
        raise ClueNotHeardYet(
            "尚未收到该线索（线索服务刚提出的线索稍后才同步到此，请稍后重试；"
            "若一直如此，请核对线索编号）",
            "This clue is not known here yet (a clue just proposed arrives shortly; retry, "
            "and check the clue id if it persists)",
            field="clue_id",
        )
    if link.source_report_id != report.id or link.jurisdiction != report.jurisdiction:
        raise Unprocessable(
            "该线索不是就本举报提出的",
            "That clue was not proposed from this report",
            field="clue_id",
            code="clue-not-from-report",
        )
    if not await _proposed_by_round_group(session, report, link.group_id):
        raise Unprocessable(
            "该线索不是由本轮巡察组提出的",
            "That clue was not proposed by a group of this report's round",
            field="clue_id",
            code="clue-not-from-round-group",
        )


def _plain(text: str) -> str:
    """The text without spaces, punctuation and symbols, case-folded, in NFKC (full-width
    and half-width alike): what is left is the wording."""
    kept = (
        ch
        for ch in unicodedata.normalize("NFKC", text)
        if unicodedata.category(ch)[0] not in {"P", "Z", "S", "C"}
    )
    return "".join(kept).casefold()


def copies_report_text(description: str, report_text: str) -> bool:
    """Whether a problem's description is the report's text: equal to it, containing it, or
    a piece of it copied as the whole description (spacing and punctuation aside)."""
    mine, theirs = _plain(description), _plain(report_text)
    if not mine or mine == theirs:
        return True
    if len(theirs) >= VERBATIM_MIN_CHARS and theirs in mine:
        return True
    return len(mine) >= VERBATIM_MIN_CHARS and mine in theirs


def require_own_problem_wording(report: PublicReport, description: str) -> None:
    """Refuse (422 on ``problem.description``) a problem description that copies the
    citizen's words: the inspected org and the events get the group's wording only."""
    if report.content is not None and copies_report_text(description, report.content):
        raise Unprocessable(
            "问题描述须由巡察组核实后另行撰写，不得照搬或包含举报原文（以免暴露举报人）",
            "Write the problem in the group's own words: it may not repeat or contain the "
            "report's text (that could expose the reporter)",
            field="problem.description",
            code="report-text-copied",
        )


async def require_forward_not_to_accused(
    session: AsyncSession, *, report: PublicReport, org_id: uuid.UUID
) -> None:
    """Refuse (422 on ``forwarded_to_org_id``) a forward to anything but a department of the
    report's jurisdiction, or to the org the report concerns or an org above it."""
    org = await repository.org(session, org_id)
    if (
        org is None
        or org["jurisdiction"] != report.jurisdiction
        or org["kind"] != OrgKind.department.value
        or not org["active"]
    ):
        raise Unprocessable(
            "转办部门须为本辖区的职能部门",
            "Forward only to a department of the report's jurisdiction",
            field="forwarded_to_org_id",
        )
    if report.org_id is not None and org_id in await repository.org_and_superiors(
        session, report.org_id
    ):
        raise Unprocessable(
            "不得转办给被反映的单位或其上级党组织（以免举报内容落入被反映人之手）",
            "A report may not be forwarded to the org it concerns or to an org above it",
            field="forwarded_to_org_id",
            code="forward-to-accused",
        )


async def contact_readers(
    session: AsyncSession, viewer: Principal
) -> Callable[[PublicReport], bool]:
    """Whether ``viewer`` may read a report's contact: the office of its jurisdiction and the
    members of its round's groups; nobody else (a department it was forwarded to,
    leadership and discipline included)."""
    office = viewer.jurisdiction if viewer.has(Role.office) else None
    rounds = (
        await repository.member_rounds(session, viewer.subject)
        if viewer.has(Role.group)
        else frozenset()
    )
    return lambda r: r.jurisdiction == office or r.round_id in rounds
