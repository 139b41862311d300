"""The dashboard's areas each role works in, and where a person lands after signing in.

The services decide what a person may do (per record); this only spares a person pages that
would answer them with 403: an inspected org lands on its own rectification, a group member
on its round's work, a department on its clues and consultations. An inspected org gets its
villages' rectification (所辖村整改) only when it is a township.
"""

from __future__ import annotations

from collections.abc import Iterable

from xuncha_shared.auth import Role

AREA_ORDER = (
    "figures",
    "coverage",
    "rounds",
    "orgs",
    "roster",
    "cadres",
    "classification",
    "consultations",
    "inspection",
    "petitions",
    "problems",
    "reports",
    "letters",
    "clues",
    "plan",
    "villages",
    "acceptance",
    "sector",
    "rectification",
    "inbox",
    "accounts",
    "settings",
)

AREAS_BY_ROLE: dict[Role, frozenset[str]] = {
    Role.office: frozenset(AREA_ORDER),
    # The leadership roster (领导班子名册) is read by the leadership, discipline and
    # organization, who will ask who held a post when.
    # The leadership adjusts and approves the village classification (村分类's steps 4, 5).
    # The leadership approves reports (书记专题会审定) and reads the letters sent.
    Role.leadership: frozenset(
        {
            "figures",
            "coverage",
            "rounds",
            "roster",
            "classification",
            "problems",
            "reports",
            "letters",
            "rectification",
            "inbox",
        }
    ),
    # A group works its round: problems, evidence, public reports, its reports.
    Role.group: frozenset({"rounds", "inspection", "petitions", "problems", "reports", "inbox"}),
    # Figures, the clues it receives, the review of reports, supervision of rectification;
    # its opinion on the village classification (村分类's step 3, as the organization and
    # departments give).
    # Public reports forwarded to it.
    Role.discipline: frozenset(
        {
            "figures",
            "roster",
            "classification",
            "petitions",
            "reports",
            "letters",
            "clues",
            "acceptance",
            "rectification",
            "inbox",
        }
    ),
    # Clues and public reports it receives, the promotion check (干部任用必审) on the
    # rectification page.
    Role.organization: frozenset(
        {
            "roster",
            "classification",
            "petitions",
            "letters",
            "clues",
            "acceptance",
            "rectification",
            "inbox",
        }
    ),
    # Clues it receives, consultations to answer, public reports forwarded to it, letters
    # addressed to it.
    Role.department: frozenset(
        {"classification", "consultations", "petitions", "problems", "letters", "clues", "inbox"}
    ),
    # Its own problems, its letters and its own rectification plan; a township also its
    # villages' rectification (温县: the township's direct responsibility).
    Role.inspected: frozenset({"problems", "letters", "plan", "villages", "inbox"}),
    # A leader in charge: the letters copied to him (抄报), the tasks he owns and his sector.
    Role.leader: frozenset({"letters", "sector", "inbox"}),
    Role.service: frozenset(),
}

# The first role a person holds in this order decides where they land.
HOME_BY_ROLE: tuple[tuple[Role, str], ...] = (
    (Role.office, "/figures"),
    (Role.leadership, "/figures"),
    (Role.group, "/inspection"),
    (Role.discipline, "/clues"),
    (Role.organization, "/clues"),
    (Role.department, "/clues"),
    (Role.inspected, "/plan"),
    (Role.leader, "/sector"),
)


# Areas an inspected org gets only when its org is of one of these kinds.
INSPECTED_BY_KIND: dict[str, frozenset[str]] = {"villages": frozenset({"township"})}


def areas_for(roles: Iterable[Role], *, org_kind: str | None = None) -> list[str]:
    """The areas of ``roles``; ``org_kind`` (the kind of the person's org, when known) decides
    the inspected org's kind-bound areas: a village has no villages of its own."""
    allowed: set[str] = set()
    for role in roles:
        granted = AREAS_BY_ROLE.get(role, frozenset())
        if role is Role.inspected:
            granted = frozenset(
                area
                for area in granted
                if area not in INSPECTED_BY_KIND or org_kind in INSPECTED_BY_KIND[area]
            )
        allowed |= granted
    return [area for area in AREA_ORDER if area in allowed]


def home_for(roles: Iterable[Role]) -> str:
    held = set(roles)
    return next((path for role, path in HOME_BY_ROLE if role in held), "/inbox")
