"""Reading a roster file (领导班子名册导入) without a database: the words offices write for
posts and ranks, the ways they write dates, and every bad cell reported at its row and
column."""

from __future__ import annotations

from datetime import date

import pytest
from planning.roster.importing.parse import parse_date, parse_roster_file
from xuncha_shared.roster import CadreRank, RosterPost

HEADER = "单位编码,姓名,职务,职务名称,级别,任职时间,离任时间,账号,电话"


def csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode("utf-8-sig")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-03-15", date(2024, 3, 15)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024.03.15", date(2024, 3, 15)),
        ("2024年3月15日", date(2024, 3, 15)),
        ("2024-03-15T00:00:00", date(2024, 3, 15)),
        ("2024-02-30", None),
        ("去年三月", None),
    ],
)
def test_dates_as_offices_write_them(text: str, day: date | None) -> None:
    assert parse_date(text) == day


def test_words_for_posts_and_ranks_and_aliased_headers() -> None:
    parsed = parse_roster_file(
        csv(
            "T01,王建军,党委书记,,科级,2021-05-01,,wjj,13903910001",
            "T01,赵六,镇长,,乡科级,2021年5月1日,,,",
            "T01,钱七,纪委书记,,一般干部,2021/5/1,2023/1/1,,",
            "V01,周九,村(社区)两委委员,,一般,2021-05-01,,,",
        ),
        "roster.csv",
    )
    assert parsed.errors == []
    assert [(r.post, r.rank) for r in parsed.rows] == [
        (RosterPost.party_secretary, CadreRank.township),
        (RosterPost.administrative_head, CadreRank.township),
        (RosterPost.discipline_head, CadreRank.general),
        (RosterPost.village_committee_member, CadreRank.general),
    ]
    assert parsed.rows[0].account == "wjj" and parsed.rows[2].until == date(2023, 1, 1)


def test_every_bad_cell_is_reported_at_its_row_and_column() -> None:
    parsed = parse_roster_file(
        csv(
            ",王建军,书记,,科级,2021-05-01,,,",
            "T01,赵六,镇长助理,,科级,2021-05-01,,,",
            "T01,钱七,副镇长,,处长,2021-05-01,,,",
            "T01,孙八,副镇长,,科级,不详,,,",
            "T01,吴十,副镇长,,科级,2021-05-01,,a/b,12",
        ),
        "roster.csv",
    )
    assert parsed.rows == []
    assert {(e.row, e.field, e.code) for e in parsed.errors} == {
        (2, "org_code", "required"),
        (3, "post", "unknown_post"),
        (4, "rank", "unknown_rank"),
        (5, "since", "invalid_date"),
        (6, "account", "account_name"),
        (6, "phone", "invalid_phone"),
    }
    assert all(e.message_zh and e.message_en for e in parsed.errors)
