"""The account name rule: an account name is one segment of a URL path.

Accounts and directory entries are read, changed and deleted at ``…/{account}``. A name that
is not a single path segment makes a record no one can reach again: clients and proxies
resolve ``.`` and ``..`` away before the request is sent, and a ``/`` (even written ``%2F``)
splits the path so no route matches it. So wherever an account name is first written (the
accounts service's own stricter pattern aside), such a name is refused with a 422 naming the
field (:data:`AccountName` in a request schema), or, where it comes from elsewhere (a sign-in
provider's claim), refused by :func:`account_name_fault`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "ACCOUNT_NAME_ERROR",
    "ONE_SEGMENT_WITHOUT_SPACES",
    "AccountName",
    "account_name_fault",
    "one_path_segment",
]

ACCOUNT_NAME_ERROR = "account_name"
"""The validation error's code (its Chinese message is in :mod:`xuncha_shared.problems`)."""

_DOT_SEGMENTS = frozenset({".", ".."})

ONE_SEGMENT_WITHOUT_SPACES = r"^(?:[^\s/\\.][^\s/\\]*|\.[^\s/\\.][^\s/\\]*|\.\.[^\s/\\]+)$"
"""The account name rule as a pattern the API document states (no lookaround, so JSON Schema
and pydantic read it alike), for a field that also allows no white space: neither ``.`` nor
``..``, no ``/`` or ``\\``."""


def account_name_fault(name: str) -> str | None:
    """Why ``name`` is not one path segment (in English), or None when it is."""
    if name in _DOT_SEGMENTS:
        return "An account name cannot be . or .."
    if "/" in name or "\\" in name:
        return "An account name cannot contain / or \\"
    return None


def one_path_segment(name: str) -> str:
    """Pydantic validator of the account name rule."""
    fault = account_name_fault(name)
    if fault is not None:
        raise PydanticCustomError(ACCOUNT_NAME_ERROR, fault)
    return name


AccountName = Annotated[str, AfterValidator(one_path_segment)]
"""A request field holding an account name (with its own length and character limits)."""
