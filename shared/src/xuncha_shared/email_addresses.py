"""E-mail addresses in request bodies, validated once per distinct address.

A body is validated twice on its way in (strictly against the document, then by FastAPI),
and pydantic's ``EmailStr`` runs the full syntax and internationalised-domain checks each
time: the largest part of validating an org. :class:`EmailAddress` is ``EmailStr`` with the
result of that check remembered for the last addresses seen. Same schema (``format:
email``), same normalised value, same errors: a refused address is not remembered and is
refused again, with the same message, every time.
"""

from __future__ import annotations

import functools

from pydantic import EmailStr
from pydantic.networks import validate_email

__all__ = ["EmailAddress"]

#: How many distinct valid addresses are remembered.
VALIDATED_EMAIL_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=VALIDATED_EMAIL_CACHE_SIZE)
def validated_email(value: str) -> str:
    """The normalised address, as ``EmailStr`` gives it; raises as ``EmailStr`` does."""
    return validate_email(value)[1]


class EmailAddress(EmailStr):
    """``EmailStr``, checking each distinct address once."""

    @classmethod
    def _validate(cls, input_value: str, /) -> str:
        return validated_email(input_value)
