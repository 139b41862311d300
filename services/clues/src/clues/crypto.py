"""Sealing the confidential part of a clue at rest (MultiFernet).

Whatever names or accuses a person (name, post, rank, allegation, evidence, and free-text
notes that may repeat them) is stored only as a Fernet token. The keys come from
``CluesSettings.clue_keys``: the first encrypts, all decrypt, so a new key can be put first
while old rows are still readable, then :func:`re_encrypt` moves every row to it and the
old key can be dropped (README, "Key rotation").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr


class Sealer:
    """Encrypts with the first key, decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernets = [Fernet(k) for k in keys]
        self._multi = MultiFernet(self._fernets)

    def seal(self, value: dict[str, Any]) -> bytes:
        """A token for a JSON-able mapping."""
        return self._multi.encrypt(json.dumps(value, ensure_ascii=False).encode())

    def open(self, token: bytes) -> dict[str, Any]:
        """The mapping sealed in ``token`` (``InvalidToken`` if no key opens it)."""
        value = json.loads(self._multi.decrypt(token))
        assert isinstance(value, dict)
        return value

    def seal_text(self, text: str) -> bytes:
        return self._multi.encrypt(text.encode())

    def open_text(self, token: bytes) -> str:
        return self._multi.decrypt(token).decode()

    def is_current(self, token: bytes) -> bool:
        """Whether ``token`` is already encrypted under the first (current) key."""
        try:
            self._fernets[0].decrypt(token)
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        """``token`` re-encrypted under the first key."""
        return self._multi.rotate(token)


@lru_cache(maxsize=8)
def _sealer(keys: tuple[str, ...]) -> Sealer:
    return Sealer(keys)


def sealer_for(keys: Sequence[SecretStr]) -> Sealer:
    """One cached sealer per key list (building Fernets per request is wasted work)."""
    return _sealer(tuple(k.get_secret_value() for k in keys))
