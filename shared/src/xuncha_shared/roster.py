"""The leadership roster's vocabulary (领导班子名册), shared by every service: the posts a
member of an inspected org's leadership team holds and the ranks accountability is counted
by. Persons named by rectification, clues and the promotion check are roster entries, not
free text; these closed lists are what those services read from the roster's events."""

from __future__ import annotations

from enum import StrEnum


class RosterPost(StrEnum):
    """A post in an org's leadership team (班子成员的职务)."""

    party_secretary = "party_secretary"
    """党委（党组）书记"""
    administrative_head = "administrative_head"
    """行政正职（乡镇长、局长、主任）"""
    deputy = "deputy"
    """班子副职"""
    discipline_head = "discipline_head"
    """纪检监察负责人"""
    village_secretary = "village_secretary"
    """村（社区）党组织书记"""
    village_director = "village_director"
    """村（居）委会主任"""
    village_committee_member = "village_committee_member"
    """村（社区）两委委员"""
    other = "other"
    """其他（须写明职务名称）"""


ROSTER_POST_LABELS_ZH: dict[RosterPost, str] = {
    RosterPost.party_secretary: "党委(党组)书记",
    RosterPost.administrative_head: "行政正职",
    RosterPost.deputy: "班子副职",
    RosterPost.discipline_head: "纪检监察负责人",
    RosterPost.village_secretary: "村(社区)党组织书记",
    RosterPost.village_director: "村(居)委会主任",
    RosterPost.village_committee_member: "村(社区)两委委员",
    RosterPost.other: "其他",
}

#: Posts one person at a time holds in an org (一把手、纪检负责人、村书记、村主任): a second
#: current holder is refused until the first one's term of office is ended.
SINGLE_HOLDER_POSTS = frozenset(
    {
        RosterPost.party_secretary,
        RosterPost.administrative_head,
        RosterPost.discipline_head,
        RosterPost.village_secretary,
        RosterPost.village_director,
    }
)

#: Posts of a village's or community's 两委; the others are posts of a township's, a
#: department's, an enterprise's or an institution's leadership team.
GRASSROOTS_POSTS = frozenset(
    {
        RosterPost.village_secretary,
        RosterPost.village_director,
        RosterPost.village_committee_member,
    }
)


class CadreRank(StrEnum):
    """The rank accountability is counted by (县处级 / 乡科级 / 一般), as the articles report
    "问责 149 人次" by rank. Same values as a clue's person rank."""

    county = "county"
    """县处级"""
    township = "township"
    """乡科级"""
    general = "general"
    """一般干部"""


CADRE_RANK_LABELS_ZH: dict[CadreRank, str] = {
    CadreRank.county: "县处级",
    CadreRank.township: "乡科级",
    CadreRank.general: "一般",
}
