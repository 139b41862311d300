"""Which characters a text the platform keeps may hold.

A control character is never content a person typed: PostgreSQL cannot store a NUL at all,
openpyxl refuses most of the C0 range in a worksheet, and a CR/LF or an ESC in a stored name
breaks the e-mail headers, logs and terminals it later reaches. So a text coming in with one
is refused (:func:`xuncha_shared.http.refuse_control_characters`, a 422 naming the field),
and a text going out to a worksheet drops any written before the rule
(:func:`without_control_characters`).

Tab, line feed and carriage return are text (a multi-line report, a pasted table); every
other C0 character, DEL and the C1 range U+0080..U+009F are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Every C0 control character but tab, LF and CR; DEL; the C1 range."""

Location = tuple[str | int, ...]


def first_control_character(text: str) -> str | None:
    """The first control character in ``text`` (see :data:`CONTROL_CHARACTERS`), or None."""
    found = CONTROL_CHARACTERS.search(text)
    return found.group() if found else None


def without_control_characters(text: str) -> str:
    """``text`` with its control characters dropped (tab, LF and CR kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def control_character_locations(value: Any, loc: Location) -> Iterator[tuple[Location, str]]:
    """Where in a parsed JSON value (or a mapping of parameters) a text holds a control
    character, with the first such character: ``(("body", "items", 0, "name"), "\\x07")``.
    Keys are texts too: a key with one is reported at its own place."""
    if isinstance(value, str):
        found = first_control_character(value)
        if found is not None:
            yield loc, found
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (found := first_control_character(key)) is not None:
                yield (*loc, key), found
            yield from control_character_locations(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from control_character_locations(item, (*loc, index))


def describe_character(char: str) -> str:
    """A character as ``U+0007`` for a message (a control character cannot be shown)."""
    return f"U+{ord(char):04X}"
