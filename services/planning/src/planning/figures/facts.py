"""Which facts make up the office's figures (成绩单), and how events become facts.

The figures are answered by planning, which owns rounds, terms and coverage; the counts that
other services own arrive as events and are projected here one row per record
(:class:`~planning.figures.models.FigureFact`), so every figure can be opened down to its
records and a redelivered event changes nothing. Clue facts carry ids and counts only, like
the clue events themselves, and their records are never listed (see ``CONFIDENTIAL``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from xuncha_shared.events.clues import ClueConcluded
from xuncha_shared.events.findings import FeedbackIssued
from xuncha_shared.events.rectification import CircularPublished, TaskAccepted
from xuncha_shared.events.rectification.accountability import AccountabilitySnapshot
from xuncha_shared.roster import CadreRank
from xuncha_shared.workdays import local_day


class FactKind(StrEnum):
    """A countable fact reported by another service."""

    problems_fed_back = "problems_fed_back"
    clues_transferred = "clues_transferred"
    cases_filed = "cases_filed"
    persons_sanctioned = "persons_sanctioned"
    organizational_handlings = "organizational_handlings"
    money_recovered = "money_recovered"
    tasks_opened = "tasks_opened"
    tasks_accepted = "tasks_accepted"
    livelihood_solved = "livelihood_solved"
    institutions_built = "institutions_built"
    circulars_published = "circulars_published"
    typical_cases_published = "typical_cases_published"
    accountability_cases = "accountability_cases"
    accountability_persons = "accountability_persons"
    accountability_persons_county = "accountability_persons_county"
    accountability_persons_township = "accountability_persons_township"
    accountability_persons_general = "accountability_persons_general"


FACT_LABELS_ZH: dict[FactKind, str] = {
    FactKind.problems_fed_back: "反馈问题",
    FactKind.clues_transferred: "移交问题线索",
    FactKind.cases_filed: "立案",
    FactKind.persons_sanctioned: "党纪政务处分人数",
    FactKind.organizational_handlings: "组织处理人次",
    FactKind.money_recovered: "挽回经济损失",
    FactKind.tasks_opened: "整改任务",
    FactKind.tasks_accepted: "已验收整改任务",
    FactKind.livelihood_solved: "解决民生问题",
    FactKind.institutions_built: "建章立制",
    FactKind.circulars_published: "典型案例通报",
    FactKind.typical_cases_published: "通报典型案例",
    FactKind.accountability_cases: "问责追责(起)",
    FactKind.accountability_persons: "问责追责(人次)",
    FactKind.accountability_persons_county: "问责县处级干部(人次)",
    FactKind.accountability_persons_township: "问责乡科级干部(人次)",
    FactKind.accountability_persons_general: "问责一般干部(人次)",
}

ACCOUNTABILITY_BY_RANK: dict[CadreRank, FactKind] = {
    CadreRank.county: FactKind.accountability_persons_county,
    CadreRank.township: FactKind.accountability_persons_township,
    CadreRank.general: FactKind.accountability_persons_general,
}
"""The person-times of accountability counted by the rank the person had (县处级/乡科级/一般)."""

CONFIDENTIAL = frozenset(
    {
        FactKind.clues_transferred,
        FactKind.cases_filed,
        FactKind.persons_sanctioned,
        FactKind.organizational_handlings,
        FactKind.money_recovered,
    }
)
"""Clue facts: counted, and opened only to counts per round and org, never to clue ids."""

SOURCES: dict[FactKind, str] = {
    **dict.fromkeys(CONFIDENTIAL, "clues"),
    FactKind.problems_fed_back: "findings",
    FactKind.tasks_opened: "rectification",
    FactKind.tasks_accepted: "rectification",
    FactKind.livelihood_solved: "rectification",
    FactKind.institutions_built: "rectification",
    FactKind.circulars_published: "rectification",
    FactKind.typical_cases_published: "rectification",
    FactKind.accountability_cases: "rectification",
    FactKind.accountability_persons: "rectification",
    **dict.fromkeys(ACCOUNTABILITY_BY_RANK.values(), "rectification"),
}

RECORD_PATHS: dict[str, str] = {
    "findings": "/api/findings/problems/{id}",
    "rectification": "/api/rectification/tasks/{id}",
}
"""Where a listed record is opened (institutions open through their task)."""

KIND_RECORD_PATHS: dict[FactKind, str] = {
    FactKind.circulars_published: "/api/rectification/circulars/{id}",
    FactKind.typical_cases_published: "/api/rectification/circulars/{id}",
    FactKind.accountability_cases: "/api/rectification/accountability/{id}",
    FactKind.accountability_persons: "/api/rectification/accountability/{id}",
    **dict.fromkeys(ACCOUNTABILITY_BY_RANK.values(), "/api/rectification/accountability/{id}"),
}
"""Facts whose record is not their source's usual one: a circular (its cases with it), an
accountability record (its persons with it)."""


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    record_id: uuid.UUID
    round_id: uuid.UUID | None
    org_id: uuid.UUID | None
    occurred_on: date
    quantity: int = 1
    amount_yuan: Decimal | None = None


def feedback_facts(event: FeedbackIssued) -> list[Fact]:
    day = local_day(event.issued_at)
    return [
        Fact(FactKind.problems_fed_back, p.problem_id, event.round_id, event.org_id, day)
        for p in event.problems
    ]


def conclusion_facts(event: ClueConcluded) -> list[Fact]:
    day = local_day(event.concluded_at)

    def fact(kind: FactKind, quantity: int, amount: Decimal | None = None) -> Fact:
        return Fact(kind, event.clue_id, event.round_id, event.org_id, day, quantity, amount)

    recovered = event.money_recovered_yuan
    return [
        fact(FactKind.cases_filed, int(event.case_filed)),
        fact(FactKind.persons_sanctioned, event.persons_sanctioned),
        fact(FactKind.organizational_handlings, event.organizational_handlings),
        fact(FactKind.money_recovered, 1 if recovered > 0 else 0, recovered),
    ]


def acceptance_facts(event: TaskAccepted) -> list[Fact]:
    day = local_day(event.accepted_at)
    facts = [Fact(FactKind.tasks_accepted, event.task_id, event.round_id, event.org_id, day)]
    facts.append(
        Fact(
            FactKind.livelihood_solved,
            event.task_id,
            event.round_id,
            event.org_id,
            day,
            quantity=int(event.livelihood),
        )
    )
    return facts


def circular_facts(event: CircularPublished) -> list[Fact]:
    """A circular published (典型案例通报) counts once, its cases by their number; both are
    the circular's record, county-wide (no round, no org)."""
    day = event.issued_on
    return [
        Fact(FactKind.circulars_published, event.circular_id, None, None, day),
        Fact(
            FactKind.typical_cases_published,
            event.circular_id,
            None,
            None,
            day,
            quantity=len(event.cases),
        ),
    ]


def accountability_facts(event: AccountabilitySnapshot) -> list[Fact]:
    """An accountability record (追责问责) counts as one case (起) and its persons as
    person-times (人次), in all and by rank, on the day it was decided; a correction restates
    every count (a rank no longer held accountable counts 0, and its fact goes)."""
    by_rank = {c.rank: c.persons for c in event.by_rank}

    def fact(kind: FactKind, quantity: int) -> Fact:
        return Fact(
            kind,
            event.accountability_id,
            event.round_id,
            event.org_id,
            event.decided_on,
            quantity=quantity,
        )

    return [
        fact(FactKind.accountability_cases, 1),
        fact(FactKind.accountability_persons, event.persons),
        *(fact(kind, by_rank.get(rank, 0)) for rank, kind in ACCOUNTABILITY_BY_RANK.items()),
    ]
