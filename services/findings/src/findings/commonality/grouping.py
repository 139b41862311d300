"""Common problems (共性问题): the same problem found in several orgs of a round or a term.

Method, in three steps, per problem category:

1. *Normalise* each description: Unicode NFKC (full-width to half-width), lower case, and
   keep only CJK characters, letters and digits, so punctuation, spaces and numbering do
   not count.
2. *Compare* every pair of descriptions of the same category by their character bigrams
   (Chinese has no spaces; two-character windows such as 资产、底数 carry most of the
   meaning): the score is rapidfuzz's ``token_set_ratio`` over the bigram tokens (0-100),
   which is high when one description's bigrams are (nearly) contained in the other's, so
   a short "集体资产底数不清" matches a longer account of the same problem.
3. *Group* by single linkage: two problems are in one group when a chain of pairs each
   scoring at least the threshold (a per-jurisdiction setting, default 60) joins them.
   A group is a common problem when it spans at least ``min_orgs`` different orgs (2).

Pure functions: no database, so the method is unit-tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

_KEEP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def normalise(text: str) -> str:
    return _KEEP.sub("", unicodedata.normalize("NFKC", text).lower())


def bigrams(text: str) -> str:
    """Space-separated character bigrams of the normalised text (the text itself when it is
    a single character)."""
    t = normalise(text)
    if len(t) < 2:
        return t
    return " ".join(t[i : i + 2] for i in range(len(t) - 1))


@dataclass(frozen=True)
class Item:
    problem_id: uuid.UUID
    org_id: uuid.UUID
    category: str
    category_name: str
    description: str


@dataclass
class Cluster:
    category: str
    category_name: str
    items: list[Item] = field(default_factory=list)

    @property
    def org_ids(self) -> list[uuid.UUID]:
        return sorted({i.org_id for i in self.items}, key=str)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group(items: Sequence[Item], *, threshold: int, min_orgs: int = 2) -> list[Cluster]:
    """The common problems among ``items``, largest (most orgs) first."""
    by_category: dict[str, list[Item]] = {}
    for it in items:
        by_category.setdefault(it.category, []).append(it)
    out: list[Cluster] = []
    for category, members in by_category.items():
        texts = [bigrams(m.description) for m in members]
        parent = list(range(len(members)))
        for i in range(len(members) - 1):
            # The pair loop runs inside rapidfuzz (C++), one query against the rest.
            matches = process.extract(
                texts[i],
                texts[i + 1 :],
                scorer=fuzz.token_set_ratio,
                score_cutoff=threshold,
                limit=None,
            )
            for _, _, offset in matches:
                a, b = _find(parent, i), _find(parent, i + 1 + offset)
                if a != b:
                    parent[b] = a
        clusters: dict[int, Cluster] = {}
        for i, m in enumerate(members):
            root = _find(parent, i)
            clusters.setdefault(root, Cluster(category, m.category_name)).items.append(m)
        out += [c for c in clusters.values() if len(c.org_ids) >= min_orgs]
    out.sort(key=lambda c: (-len(c.org_ids), -len(c.items), c.category, str(c.items[0].problem_id)))
    return out
