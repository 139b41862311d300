"""The final rating (最终等次) of an org's rectification: the office's adjustment when it made
one, else the rating panel's judgement (量化评估组) when recorded, else the formula's.

Recording a panel judgement clears an earlier adjustment (the adjustment was of the earlier
judgement); re-running the formula changes neither. Every follow-up of a poor rating (the
revisit recommended, the notice to the office) follows the final rating, and only when it
becomes poor (:func:`became_poor`), so a poor org is recommended once, not at every re-rating.
"""

from __future__ import annotations

from xuncha_shared.events.rectification import Rating


def final_rating(
    *, formula: Rating, panel: Rating | None = None, adjusted: Rating | None = None
) -> Rating:
    """The rating that counts: adjusted, else panel, else formula."""
    if adjusted is not None:
        return adjusted
    if panel is not None:
        return panel
    return formula


def became_poor(*, before: Rating | None, after: Rating) -> bool:
    """Whether an act made the final rating poor (a first rating counts as a change)."""
    return after is Rating.poor and before is not Rating.poor
