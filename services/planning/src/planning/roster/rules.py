"""The rules an office expects of its leadership roster, one function each, named after the
rule. Pure: the service reads what they need and raises what they return."""

from __future__ import annotations

from datetime import date

from xuncha_shared.orgs import GRASSROOTS_KINDS, OrgKind
from xuncha_shared.problems import Conflict, Unprocessable
from xuncha_shared.roster import (
    GRASSROOTS_POSTS,
    ROSTER_POST_LABELS_ZH,
    SINGLE_HOLDER_POSTS,
    RosterPost,
)


def check_term_dates_in_order(since: date, until: date | None) -> None:
    """A term of office ends on or after the day it began."""
    if until is not None and until < since:
        raise Unprocessable(
            "离任日不能早于任职起始日",
            "The end of the term cannot be before its start",
            field="until",
            code="until-before-since",
        )


def check_dates_not_in_future(day: date | None, today: date, *, field: str) -> None:
    """The roster records what happened: neither an appointment nor a departure is entered
    before its day (today in the jurisdiction's calendar is allowed)."""
    if day is not None and day > today:
        raise Unprocessable(
            "日期不能晚于今天：名册只登记已发生的任职和离任",
            "The date cannot be after today: the roster records what has happened",
            field=field,
            code="date-in-future",
        )


def check_post_fits_org_kind(post: RosterPost, kind: OrgKind) -> None:
    """村(社区)两委 posts belong to villages and communities; a village has no 党委书记,
    行政正职 or 纪检监察负责人 of a township or department. 其他 fits every org."""
    if post is RosterPost.other:
        return
    grassroots_org = kind in GRASSROOTS_KINDS
    if (post in GRASSROOTS_POSTS) != grassroots_org:
        label = ROSTER_POST_LABELS_ZH[post]
        where = "村和社区" if post in GRASSROOTS_POSTS else "乡镇、县直单位、国企和事业单位"
        raise Unprocessable(
            f"“{label}”只用于{where}",
            f"The post {post.value} does not exist in an org of kind {kind.value}",
            field="post",
            code="post-not-for-org-kind",
        )


def check_other_post_has_title(post: RosterPost, post_title: str | None) -> None:
    """A post of kind 其他 says what it is (职务名称), or nobody could tell it later."""
    if post is RosterPost.other and not post_title:
        raise Unprocessable(
            "职务类别为“其他”时须填写职务名称",
            "A post of kind 'other' needs its title",
            field="post_title",
            code="post-title-required",
        )


def one_current_holder_of_single_post(
    post: RosterPost, current_holder: str | None, *, field: str = "post"
) -> None:
    """An org has one current 书记, one 行政正职, one 纪检监察负责人, one 村书记 and one 村主任:
    the predecessor's term is ended before the successor is entered."""
    if post in SINGLE_HOLDER_POSTS and current_holder is not None:
        label = ROSTER_POST_LABELS_ZH[post]
        raise Conflict(
            f"本单位已有在任的{label}（{current_holder}），请先登记其离任",
            f"The org already has a current {post.value} ({current_holder}); "
            "end that term of office first",
            field=field,
            code="post-already-held",
        )


def check_not_already_current(name: str, post: RosterPost, duplicate: bool) -> None:
    """The same person is entered once in the same post of the same org while in office."""
    if duplicate:
        raise Conflict(
            f"{name} 已在本单位任此职务",
            f"{name} already holds this post in this org",
            field="name",
            code="already-in-roster",
        )


def check_term_not_ended(until: date | None) -> None:
    """A term of office ends once; a wrong end date is corrected by the office, not ended
    again."""
    if until is not None:
        raise Conflict(
            f"该成员已于 {until.isoformat()} 离任",
            f"This term of office already ended on {until.isoformat()}",
            field="until",
            code="term-already-ended",
        )
