"""Events produced by the planning service (topic ``xuncha.planning.v1``), one module per
feature: :mod:`.orgs` (orgs and the holiday calendar), :mod:`.rounds` (terms, coverage,
rounds), :mod:`.consultation`, :mod:`.villages`, :mod:`.groups` (groups and assignments) and
:mod:`.roster` (the leadership roster of inspected orgs). The catalog reads :data:`EVENTS`,
in that order."""

from __future__ import annotations

from xuncha_shared.events.base import Event
from xuncha_shared.events.planning import consultation, groups, orgs, roster, rounds, villages
from xuncha_shared.events.planning.consultation import (
    ConsultationAnswered,
    ConsultationChased,
    ConsultationClosed,
    ConsultationDeadlineExtended,
    ConsultationDueSoon,
    ConsultationEvent,
    ConsultationOverdue,
    ConsultationReminder,
    ConsultationRequested,
    ConsultationSeverity,
    ConsultationTopic,
)
from xuncha_shared.events.planning.groups import (
    AssignmentEvent,
    AssignmentMade,
    AssignmentWithdrawn,
    GroupEvent,
    GroupFormed,
    GroupMemberInfo,
    GroupMembershipChanged,
    GroupRole,
)
from xuncha_shared.events.planning.orgs import (
    HolidayCalendarPublished,
    OrgRegistered,
    OrgSnapshot,
    OrgUpdated,
)
from xuncha_shared.events.planning.roster import (
    RosterMemberAppointed,
    RosterMemberChanged,
    RosterMemberLeft,
    RosterMemberSnapshot,
)
from xuncha_shared.events.planning.rounds import (
    CoverageReached,
    RoundAdvanced,
    RoundMode,
    RoundScheduled,
    RoundSnapshot,
    RoundStatus,
    RoundUpdated,
    TermOpened,
    TermScopeChanged,
    TermSnapshot,
    TermUpdated,
)
from xuncha_shared.events.planning.villages import VillageApproach, VillageClass, VillageClassified

EVENTS: tuple[type[Event], ...] = (
    *orgs.EVENTS,
    *rounds.EVENTS,
    *consultation.EVENTS,
    *villages.EVENTS,
    *groups.EVENTS,
    *roster.EVENTS,
)

__all__ = [
    "EVENTS",
    "AssignmentEvent",
    "AssignmentMade",
    "AssignmentWithdrawn",
    "ConsultationAnswered",
    "ConsultationChased",
    "ConsultationClosed",
    "ConsultationDeadlineExtended",
    "ConsultationDueSoon",
    "ConsultationEvent",
    "ConsultationOverdue",
    "ConsultationReminder",
    "ConsultationRequested",
    "ConsultationSeverity",
    "ConsultationTopic",
    "CoverageReached",
    "GroupEvent",
    "GroupFormed",
    "GroupMemberInfo",
    "GroupMembershipChanged",
    "GroupRole",
    "HolidayCalendarPublished",
    "OrgRegistered",
    "OrgSnapshot",
    "OrgUpdated",
    "RosterMemberAppointed",
    "RosterMemberChanged",
    "RosterMemberLeft",
    "RosterMemberSnapshot",
    "RoundAdvanced",
    "RoundMode",
    "RoundScheduled",
    "RoundSnapshot",
    "RoundStatus",
    "RoundUpdated",
    "TermOpened",
    "TermScopeChanged",
    "TermSnapshot",
    "TermUpdated",
    "VillageApproach",
    "VillageClass",
    "VillageClassified",
]
