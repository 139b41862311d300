"""The grammar of the authorization table and what each rule expects of a request.

A rule is one line of words:

- ``public``: anyone may call it, without a token too;
- ``<role>``: callers with that role may call it for every record of their jurisdiction;
- ``<role>:own``: only for their own records (their org's, their group's, sent to them);
  another org's record answers 404 as if it did not exist;
- ``signed-in``: every role, jurisdiction-wide (``signed-in:own``: every role, own records);
- ``absent``: the demo county lacks what the call needs (a record its body names, a
  template to delete), so an allowed caller's 404 passes;
- ``body-first``: the route validates its body (a file, a template) before it checks the
  role and the matrix cannot build a valid one: a 422 passes for every caller, so the line
  records the intended rule without proving the refusal (to be covered by the feature's
  own tests);
- ``hole``: a known authorization hole, said in the line's comment: the route's answers
  differ from the rule, the test is an expected failure until the hole is closed, and fails
  once it is, so the word is taken away with the fix;
- ``unchecked:<role>``: that role's answers are only checked to be no 5xx: whether the
  demo county's record is the role's own varies from load to load (say why in a comment);
- ``hidden``: a refused role may get 404 for the record rather than 403 (its existence is
  not told, e.g. a clue).

Every role not named is refused with 403; a request without a token gets 401 (unless
``public``, which only has to answer without a 5xx); a record of another jurisdiction, or
of another org for a ``:own`` role, is refused with 404 (or 403, never its content).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Who calls: ``public`` without a token, the others with a token of that one role.
ROLES = (
    "office",
    "leadership",
    "group",
    "discipline",
    "organization",
    "department",
    "inspected",
    "leader",
)
CALLERS = ("public", *ROLES)


class Scope(StrEnum):
    """Whose record the caller asks for."""

    own = "own"
    other_org = "other-org"
    """A record of another org (or group, or recipient) of the caller's jurisdiction."""
    other_jurisdiction = "other-jurisdiction"
    """A record of a jurisdiction that is not the caller's."""


class Expected(StrEnum):
    """The status class a request must get."""

    allowed = "allowed"
    """Past authorization: 2xx, or a 4xx of validation or state (never 401/403/404, never 5xx)."""
    answered = "answered"
    """A public route: any answer but a 5xx (a sign-in may well answer 401 to a bad password,
    a receipt look-up 404 to an unknown code)."""
    unauthenticated = "401"
    forbidden = "403"
    not_found = "404"
    refused = "403 or 404"
    """A refused role asking for a record it could not see anyway: either refusal tells
    nothing."""

    def admits(self, status: int) -> bool:
        if status >= 500:
            return False
        if self is Expected.answered:
            return True
        if self is Expected.allowed:
            return status not in {401, 403, 404}
        if self is Expected.refused:
            return status in {403, 404}
        return status == int(self.value)


@dataclass(frozen=True)
class Rule:
    """Who may call a route, parsed from its line in the table."""

    public: bool
    jurisdiction_wide: frozenset[str]
    own_only: frozenset[str]
    hidden: bool
    absent: bool = False
    body_first: bool = False
    hole: bool = False
    unchecked: frozenset[str] = frozenset()

    def expect(self, caller: str, scope: Scope, *, names_record: bool) -> Expected:
        """What ``caller`` asking for a record of ``scope`` must get; ``names_record``: the
        path names a record of a jurisdiction (an id), not a value every one has."""
        if self.public or caller in self.unchecked:
            return Expected.answered
        if caller == "public":
            return Expected.unauthenticated
        refused = caller not in self.jurisdiction_wide | self.own_only
        if refused:
            if self.hidden:
                return Expected.refused
            return Expected.forbidden if scope is Scope.own else Expected.refused
        if not names_record or scope is Scope.own:
            return Expected.allowed
        if scope is Scope.other_org and caller in self.jurisdiction_wide:
            return Expected.allowed
        # Another org's or jurisdiction's record: refused, mostly 404 as if it did not exist;
        # some routes check "your round / your group" first and answer 403, which tells no
        # more (the caller could not tell an existing record from a missing one).
        return Expected.refused


class RuleError(ValueError):
    """A line of the table that does not parse."""


def parse_rule(line: str) -> Rule:
    """A rule from its line (see the module's grammar)."""
    public = hidden = absent = body_first = hole = False
    wide: set[str] = set()
    own: set[str] = set()
    unchecked: set[str] = set()
    for word in line.split():
        role, _, qualifier = word.partition(":")
        if word == "public":
            public = True
        elif word == "hidden":
            hidden = True
        elif word == "absent":
            absent = True
        elif role == "unchecked" and qualifier in ROLES:
            unchecked.add(qualifier)
        elif word == "hole":
            hole = True
        elif word == "body-first":
            body_first = True
        elif role in {*ROLES, "signed-in"} and qualifier in {"", "own"}:
            roles = set(ROLES) if role == "signed-in" else {role}
            (own if qualifier else wide).update(roles)
        else:
            raise RuleError(f"unknown word {word!r} in rule {line!r}")
    if public and (wide or own or hidden or absent or body_first):
        raise RuleError(f"a public rule names no roles: {line!r}")
    if not public and not wide and not own:
        raise RuleError(f"a rule names at least one role, or public: {line!r}")
    return Rule(
        public,
        frozenset(wide),
        frozenset(own - wide),
        hidden,
        absent,
        body_first,
        hole,
        frozenset(unchecked),
    )
