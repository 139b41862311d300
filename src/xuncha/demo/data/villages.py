"""Invented indicator data for village classification, in the shape of a county like 温县.

``village_indicators`` gives each village the four measured indicators and a judgement
(with a reason when it is not good), drawn from three risk profiles so that the default
method splits a county roughly as 温县 did (52 of 270 villages inspected directly, the
rest with their townships, 000). Deterministic for a seed. Figures are invented.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from planning.villages.rules import Judgement

__all__ = ["village_indicators"]

_ORDINARY_REASONS = (
    "村“两委”议事决策程序不够规范",
    "村务公开不及时，群众有意见",
    "“三资”台账不健全，合同管理不规范",
    "党员发展和管理不够规范",
    "人居环境整治推进较慢",
)
_CONCERNING_REASONS = (
    "列入软弱涣散村党组织整顿名单",
    "村干部违纪问题被立案审查",
    "群众集中反映集体土地发包问题",
    "村级换届后班子不团结，工作停滞",
)
# (share of villages, income yuan range, petitions, problems, assets yuan range,
#  judgement weights good/ordinary/concerning)
_PROFILES: tuple[tuple[int, tuple[int, int], tuple[int, int], tuple[int, int],
                       tuple[int, int], tuple[int, int, int]], ...] = (
    (17, (600_000, 3_000_000), (3, 9), (3, 10), (5_000_000, 30_000_000), (0, 85, 15)),
    (63, (50_000, 900_000), (0, 4), (0, 5), (500_000, 8_000_000), (45, 55, 0)),
    (20, (0, 150_000), (0, 1), (0, 1), (0, 1_500_000), (92, 8, 0)),
)  # fmt: skip


def _yuan(rng: random.Random, low: int, high: int) -> Decimal:
    # Whole hundreds of yuan with a few cents, as village accounts show them.
    return Decimal(rng.randrange(low, high + 1, 100)) + Decimal(rng.randrange(0, 100)) / 100


def village_indicators(seed: int, count: int) -> list[dict[str, Any]]:
    """``count`` villages' indicators as JSON request bodies (without term and village ids)."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for _ in range(count):
        shares = [p[0] for p in _PROFILES]
        _, income, petitions, problems, assets, judged = rng.choices(_PROFILES, shares)[0]
        judgement = rng.choices(list(Judgement), judged)[0]
        reason: str | None = None
        if judgement is Judgement.ordinary:
            reason = rng.choice(_ORDINARY_REASONS)
        elif judgement is Judgement.concerning:
            reason = rng.choice(_CONCERNING_REASONS)
        out.append(
            {
                "collective_income": str(_yuan(rng, *income)),
                "petitions": rng.randint(*petitions),
                "prior_problems": rng.randint(*problems),
                "assets": str(_yuan(rng, *assets)),
                "judgement": judgement.value,
                "judgement_reason": reason,
            }
        )
    return out
