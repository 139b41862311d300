"""Domain vocabulary of the planning service (DOMAIN.md, "The organizations being inspected").

The org kinds are part of the published language (events carry them), so they are defined
once in ``xuncha_shared.orgs`` and re-exported here; the planning service never keeps a copy
of its own that could drift from the event catalog.
"""

from __future__ import annotations

from xuncha_shared.orgs import GRASSROOTS_KINDS, ORG_KIND_LABELS_ZH, OrgKind

__all__ = ["GRASSROOTS_KINDS", "ORG_KIND_LABELS_ZH", "OrgKind"]
