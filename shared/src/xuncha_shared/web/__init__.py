"""The web kit: the small mechanisms every service's routes share, in one place.

A route reads as what it does, the mechanics coming from here:

- :mod:`.responses`: the problem+json entries of the OpenAPI document (``ERRORS`` on a
  router, :func:`not_found` for its own 404 wording, ``VERSIONED`` and :func:`conflict` on a
  versioned write, ``XLSX`` on an export);
- :mod:`.pages`: :func:`paged` answers a list fetched with ``limit + 1`` rows as one page;
- :mod:`.versions`: :func:`versioned` answers a record with its ``ETag``, :func:`saved` a PUT's
  record with 201 or 200 as well, :func:`created` a POST's new record with its ``Location``, kept
  for retries;
- :mod:`.cursors`: :class:`CursorKey`, a list's typed keyset cursor (a tampered one is a 400);
- :mod:`.access`: :func:`roles_allowed`, a dependency admitting only some roles, on the one
  ``require_roles`` of :mod:`xuncha_shared.auth`;
- :mod:`.ledgers`: :class:`Column` and :func:`xlsx_ledger`, a ledger's XLSX export from its
  columns.

Elsewhere in the library and part of the same kit: ``Paging``, ``Now``, ``ExpectedVersion``
and ``split_page`` (:mod:`xuncha_shared.http`), ``Idempotent``
(:mod:`xuncha_shared.idempotency`), :func:`xuncha_shared.db.upsert` and
:func:`xuncha_shared.workdays.local_day`.
"""

from xuncha_shared.web.access import roles_allowed
from xuncha_shared.web.cursors import CODE_ID, DATE_ID, NAME, SEQ, TIME_ID, CursorKey
from xuncha_shared.web.ledgers import Column, xlsx_ledger
from xuncha_shared.web.pages import paged
from xuncha_shared.web.responses import (
    ERRORS,
    VERSIONED,
    XLSX,
    conflict,
    not_found,
    problem_responses,
)
from xuncha_shared.web.versions import created, saved, versioned

__all__ = [
    "CODE_ID",
    "DATE_ID",
    "ERRORS",
    "NAME",
    "SEQ",
    "TIME_ID",
    "VERSIONED",
    "XLSX",
    "Column",
    "CursorKey",
    "conflict",
    "created",
    "not_found",
    "paged",
    "problem_responses",
    "roles_allowed",
    "saved",
    "versioned",
    "xlsx_ledger",
]
