"""Clues settings (env prefix ``XUNCHA_CLUES_``).

``clue_keys`` are the Fernet keys that seal the confidential part of every clue (the person
named, post and rank, the allegation, the evidence, free-text notes). The first key
encrypts; every key decrypts. To rotate (see services/clues/README.md):

1. generate a key: ``Fernet.generate_key()`` (``cryptography.fernet``);
2. put it first: ``XUNCHA_CLUES_CLUE_KEYS='["<new>", "<old>"]'`` and restart every replica;
3. re-encrypt the stored clues under the new key: ``POST /api/clues/maintenance/re-encrypt``
   (office) until it reports nothing left;
4. drop the old key from the list and restart.

The development key is accepted only outside production, like the dev signing secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import ClassVar

from cryptography.fernet import Fernet
from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict
from xuncha_shared.production_safety import UnsafeSetting
from xuncha_shared.settings import ServiceSettings

# A valid Fernet key (32 bytes, url-safe base64) anyone can read: development and tests only.
DEV_CLUE_KEY = "eHVuY2hhLWRldi1jbHVlLWtleS1ub3QtZm9yLXByb2Q="


class DeadlineDefaults(BaseModel):
    """Handling limits in working days (工作日), used until a jurisdiction sets its own.

    Defaults: transfer within 5 working days of the joint review (快移), receipt within 3
    of the transfer, a first progress report within 15 of receipt, conclusion within 90 of
    receipt; a supervision letter (督办函) follows a reminder (提醒函) after 5 more working
    days without the step being done.
    """

    transfer_workdays: int = Field(default=5, ge=1, le=250)
    receipt_workdays: int = Field(default=3, ge=1, le=250)
    first_progress_workdays: int = Field(default=15, ge=1, le=250)
    conclusion_workdays: int = Field(default=90, ge=1, le=750)
    supervision_grace_workdays: int = Field(default=5, ge=1, le=250)


class CluesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_CLUES_", env_nested_delimiter="__")
    service: ClassVar[str] = "clues"

    clue_keys: list[SecretStr] = Field(
        default_factory=lambda: [SecretStr(DEV_CLUE_KEY)],
        min_length=1,
        description="Fernet keys sealing clue details; the first encrypts, all decrypt",
    )
    deadlines: DeadlineDefaults = Field(default_factory=DeadlineDefaults)
    issuer_short: str = Field(
        default="", max_length=8, description="文号的机关代字，如 温（温巡提〔2027〕3号）"
    )

    issuer: str = Field(
        default="巡察工作领导小组办公室",
        max_length=100,
        description="提醒函、督办函的发文机关和署名",
    )

    @field_validator("clue_keys")
    @classmethod
    def _keys_are_fernet_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        for i, key in enumerate(keys):
            try:
                Fernet(key.get_secret_value())
            except (ValueError, TypeError) as exc:
                # Never echo the key itself.
                raise ValueError(f"clue_keys[{i}] is not a valid Fernet key") from exc
        return keys

    @property
    def uses_development_key(self) -> bool:
        """Whether any configured key is the development key built into the code."""
        return any(k.get_secret_value() == DEV_CLUE_KEY for k in self.clue_keys)

    def unsafe_in_production(self) -> Iterator[UnsafeSetting]:
        yield from super().unsafe_in_production()
        if self.uses_development_key:
            yield UnsafeSetting(
                "clue_keys",
                "生产环境须使用自己的线索密钥，不能使用开发密钥",
                "production needs clue_keys of its own, not the development key",
            )


@lru_cache
def get_settings() -> CluesSettings:
    return CluesSettings()
