"""Org import files (被巡察对象导入): parsing, every validation rule, and the 温县 round trip."""

from __future__ import annotations

import codecs
import csv
import io
import random
import time
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
from openpyxl import Workbook
from planning.domain import OrgKind
from planning.orgs.importing import (
    ImportFileError,
    ImportResult,
    OrgRow,
    parents_first,
    parse_kind,
    parse_org_file,
)

from xuncha.demo.data.orgs import county_orgs, org_rows_to_csv, org_rows_to_xlsx

ZH_HEADER = ["编码", "名称", "类型", "上级编码", "联系人", "联系电话", "电子邮箱"]
EN_HEADER = [
    "code",
    "name",
    "kind",
    "parent_code",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def csv_bytes(*lines: Sequence[object], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue().encode(encoding)


Cell = str | int | float | None


def xlsx_bytes(*lines: Sequence[Cell]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_csv(
    *lines: Sequence[object], existing_codes: Mapping[str, OrgKind] | None = None
) -> ImportResult:
    return parse_org_file(csv_bytes(*lines), "orgs.csv", existing_codes=existing_codes)


def found(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.field, e.code) for e in result.errors]


def assert_parents_first(rows: Sequence[OrgRow]) -> None:
    position = {r.code: i for i, r in enumerate(rows)}
    for i, r in enumerate(rows):
        if r.parent_code in position:
            assert position[r.parent_code] < i, f"{r.code} comes before its parent"


def file_error(content: bytes, filename: str = "orgs.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        parse_org_file(content, filename)
    assert caught.value.field == "file"
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


# A small valid county used as the base of the rule tests: rows 2-5.
BASE = [
    ["T1", "青河镇", "乡镇", "", "李建国", "13800138000", "t1@example.com"],
    ["D1", "县财政局", "县直单位", "", "", "0391-6181234", ""],
    ["V1", "东王村", "村", "T1", "", "", ""],
    ["C1", "和平社区", "社区", "T1", "", "", ""],
]


# --- the 温县-shaped county ------------------------------------------------------------


@pytest.fixture(scope="module")
def county() -> list[OrgRow]:
    return county_orgs()


def test_county_has_the_shape_of_wenxian(county: list[OrgRow]) -> None:
    kinds = Counter(r.kind for r in county)
    assert len(county) == 360
    assert kinds[OrgKind.township] == 11
    assert kinds[OrgKind.department] == 79
    assert kinds[OrgKind.village] + kinds[OrgKind.community] == 270
    assert kinds[OrgKind.village] > 0 and kinds[OrgKind.community] > 0
    townships = {r.code: r for r in county if r.kind == OrgKind.township}
    assert any(t.name.endswith("街道") for t in townships.values())
    assert any(t.name.endswith("镇") for t in townships.values())
    grassroots = [r for r in county if r.kind in (OrgKind.village, OrgKind.community)]
    assert all(r.parent_code in townships for r in grassroots)
    assert set(Counter(r.parent_code for r in grassroots)) == set(townships)
    assert all(r.name.endswith("村") for r in grassroots if r.kind == OrgKind.village)
    assert all(r.name.endswith("社区") for r in grassroots if r.kind == OrgKind.community)
    assert len({r.code for r in county}) == 360
    assert len({r.name for r in grassroots}) == 270
    assert "县纪委监委" in {r.name for r in county}
    assert [r.row for r in county] == list(range(2, 362))


def test_county_is_deterministic_per_seed(county: list[OrgRow]) -> None:
    assert county_orgs() == county
    other = county_orgs(7)
    assert other == county_orgs(7)
    assert [r.name for r in other] != [r.name for r in county]
    assert all(r.code.startswith("410825") for r in county)
    assert all(r.code.startswith("410883") for r in county_orgs(prefix="410883"))


def test_county_can_add_enterprises_and_institutions() -> None:
    rows = county_orgs(2, townships=3, departments=40, villages=20, enterprises=3, institutions=5)
    kinds = Counter(r.kind for r in rows)
    assert (kinds[OrgKind.enterprise], kinds[OrgKind.institution]) == (3, 5)
    by_code = {r.code: r for r in rows}
    hospital = next(r for r in rows if r.name == "县人民医院")
    assert hospital.parent_code is not None
    assert by_code[hospital.parent_code].name == "县卫生健康委员会"
    result = parse_org_file(org_rows_to_xlsx(rows), "orgs.xlsx")
    assert result.ok and result.rows == rows


def test_county_xlsx_round_trips(county: list[OrgRow]) -> None:
    result = parse_org_file(org_rows_to_xlsx(county), "温县被巡察对象.xlsx")
    assert result.errors == []
    assert result.rows == county
    assert_parents_first(result.rows)


@pytest.mark.parametrize(
    ("encoding", "chinese_headers"),
    [("utf-8-sig", True), ("utf-8", True), ("gb18030", True), ("gbk", False), ("utf-16", False)],
)
def test_county_csv_round_trips(county: list[OrgRow], encoding: str, chinese_headers: bool) -> None:
    content = org_rows_to_csv(county, chinese_headers=chinese_headers, encoding=encoding)
    result = parse_org_file(content, "温县被巡察对象.csv")
    assert result.errors == []
    assert result.rows == county


def test_gb18030_file_is_not_utf8(county: list[OrgRow]) -> None:
    content = org_rows_to_csv(county, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert parse_org_file(content, "orgs.csv").rows[0].name == county[0].name


def test_children_listed_before_parents_come_back_parents_first(county: list[OrgRow]) -> None:
    shuffled = list(county)
    random.Random(1).shuffle(shuffled)
    shuffled.sort(key=lambda r: r.parent_code is None)  # every village before its township
    result = parse_org_file(csv_bytes(ZH_HEADER, *map(_line, shuffled)), "orgs.csv")
    assert result.ok
    assert_parents_first(result.rows)
    assert {(r.code, r.row) for r in result.rows} == {
        (r.code, i) for i, r in enumerate(shuffled, start=2)
    }


def test_writers_put_parents_first() -> None:
    rows = county_orgs(townships=2, departments=1, villages=4)
    content = org_rows_to_xlsx(list(reversed(rows)))
    result = parse_org_file(content, "orgs.xlsx")
    assert result.ok
    assert_parents_first(result.rows)


def test_parsing_the_county_xlsx_takes_well_under_a_second(county: list[OrgRow]) -> None:
    content = org_rows_to_xlsx(county)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        result = parse_org_file(content, "orgs.xlsx")
        timings.append(time.perf_counter() - start)
    assert len(result.rows) == 360
    assert min(timings) < 0.5, timings


def _line(r: OrgRow) -> list[str]:
    return [r.code, r.name, r.kind.value, r.parent_code or "", r.contact_name or "",
            r.contact_phone or "", r.contact_email or ""]  # fmt: skip


# --- reading: formats, headers, cells --------------------------------------------------


def test_base_file_parses() -> None:
    result = parse_csv(ZH_HEADER, *BASE)
    assert result.ok
    assert [r.code for r in result.rows] == ["T1", "D1", "V1", "C1"]
    assert result.rows[0] == OrgRow(
        2, "T1", "青河镇", OrgKind.township, None, "李建国", "13800138000", "t1@example.com"
    )


KEYS = ["code", "name", "kind", "parent", "contact", "phone", "mail"]


@pytest.mark.parametrize(
    "columns",
    [
        [("  CODE ", "code"), ("Name", "name"), ("KIND", "kind"), ("Parent Code", "parent"),
         ("Contact_Name", "contact"), ("contact phone", "phone"), ("E-mail", "mail")],
        [("代码", "code"), ("名称", "name"), ("类型", "kind"), ("上级代码", "parent"),
         ("联系人", "contact"), ("联系电话", "phone"), ("电子邮箱", "mail")],
        [("编码*", "code"), ("名称 *", "name"), ("类型(必填)", "kind"), ("上级编码", "parent"),
         ("联系人", "contact"), ("电话", "phone"), ("邮箱", "mail")],
        [("序号", None), ("单位名称", "name"), ("组织类型", "kind"), ("编码", "code"),
         ("上级单位编码", "parent"), ("备注", None)],
    ],
)  # fmt: skip
def test_header_variants(columns: list[tuple[str, str | None]]) -> None:
    def line(row: list[str]) -> list[str]:
        values = dict(zip(KEYS, row, strict=True))
        return [values[key] if key else "备注" for _, key in columns]

    result = parse_csv([header for header, _ in columns], *map(line, BASE))
    assert result.errors == []
    assert [(r.code, r.name, r.kind, r.parent_code) for r in result.rows] == [
        ("T1", "青河镇", OrgKind.township, None),
        ("D1", "县财政局", OrgKind.department, None),
        ("V1", "东王村", OrgKind.village, "T1"),
        ("C1", "和平社区", OrgKind.community, "T1"),
    ]


def test_title_row_above_the_header_keeps_excel_row_numbers() -> None:
    content = xlsx_bytes(["温县被巡察对象清单"], [], ZH_HEADER, *BASE, ["X1", "", "村", "T1"])
    result = parse_org_file(content, "orgs.xlsx")
    assert [r.row for r in result.rows] == [4, 5, 6, 7]
    assert found(result) == [(8, "name", "required")]


def test_xlsx_numeric_cells_and_row_gaps() -> None:
    content = xlsx_bytes(
        ZH_HEADER,
        [410825100, "青河镇", "乡镇", None, "王强", 13800138000],
        [],
        [],
        [410825100201, "东王村", "村", 410825100, None, 3916181234.0],
    )
    result = parse_org_file(content, "orgs.xlsx")
    assert found(result) == [(5, "contact_phone", "invalid_phone")]  # a landline lost its 0
    assert result.rows[0].code == "410825100"
    assert result.rows[0].contact_phone == "13800138000"
    assert result.errors[0].value == "3916181234"


def test_xlsx_uses_the_first_sheet_even_if_another_is_active() -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for line in (ZH_HEADER, *BASE):
        first.append(line)
    notes = workbook.create_sheet("说明")
    notes.append(["请按模板填写"])
    workbook.active = notes
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert parse_org_file(buffer.getvalue(), "orgs.xlsx").ok


def test_utf16_tab_separated_text_is_read() -> None:
    text = "\r\n".join("\t".join(line) for line in (ZH_HEADER, *BASE))
    result = parse_org_file(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "orgs.txt")
    assert result.ok and len(result.rows) == 4


def test_cells_are_trimmed_and_full_width_codes_normalized() -> None:
    result = parse_csv(
        EN_HEADER,
        ["  ＴＯＷＮ１ ", "　青河镇 ", " 乡镇（街道） ", "", " 李 建国 ", " 138 0013 8000 ", ""],
        ["V1", "东王\n村", "Village", "TOWN1", "", "（0391）6181234", " A@B.CN "],
    )
    assert result.errors == []
    town, village = result.rows
    assert (town.code, town.name, town.kind) == ("TOWN1", "青河镇", OrgKind.township)
    assert (town.contact_name, town.contact_phone) == ("李 建国", "138 0013 8000")
    assert (village.name, village.kind, village.parent_code) == (
        "东王 村",
        OrgKind.village,
        "TOWN1",
    )
    assert (village.contact_phone, village.contact_email) == ("(0391)6181234", "A@B.CN")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("township", OrgKind.township), ("乡镇", OrgKind.township), ("街道", OrgKind.township),
        ("乡镇(街道)", OrgKind.township), ("乡镇（街道）", OrgKind.township),
        ("镇", OrgKind.township), ("DEPARTMENT", OrgKind.department),
        ("部门", OrgKind.department), ("县直单位", OrgKind.department),
        ("市直单位", OrgKind.department), ("县(市)直单位", OrgKind.department),
        ("村", OrgKind.village), ("村党支部", OrgKind.village), ("village", OrgKind.village),
        ("社区", OrgKind.community), ("社区党组织", OrgKind.community),
        ("国企", OrgKind.enterprise), ("国有企业", OrgKind.enterprise),
        ("enterprise", OrgKind.enterprise), ("事业单位", OrgKind.institution),
        (" Institution ", OrgKind.institution),
        ("村(社区)", None), ("合作社", None), ("", None),
    ],
)  # fmt: skip
def test_kind_synonyms(text: str, kind: OrgKind | None) -> None:
    assert parse_kind(text) == kind


# --- validation rules ------------------------------------------------------------------


def test_required_fields() -> None:
    result = parse_csv(ZH_HEADER, *BASE, ["", "无编码村", "村", "T1"], ["V9", "", ""], ["V8"])
    assert found(result) == [
        (6, "code", "required"),
        (7, "name", "required"),
        (7, "kind", "required"),
        (8, "name", "required"),
        (8, "kind", "required"),
    ]
    assert [r.code for r in result.rows] == ["T1", "D1", "V1", "C1"]


def test_code_format_and_length() -> None:
    ok_code = "A" * 32
    result = parse_csv(
        ZH_HEADER,
        *BASE,
        [ok_code, "县审计局", "部门", ""],
        ["A" * 33, "县统计局", "部门", ""],
        ["41 08", "县信访局", "部门", ""],
        ["编码1", "县商务局", "部门", ""],
        ["a.b-c_d", "县水利局", "部门", ""],
    )
    assert found(result) == [
        (7, "code", "too_long"),
        (8, "code", "invalid_code"),
        (9, "code", "invalid_code"),
    ]
    assert result.errors[0].value == "A" * 33
    assert {r.code for r in result.rows} >= {ok_code, "a.b-c_d"}


def test_name_length() -> None:
    result = parse_csv(
        ZH_HEADER, *BASE, ["D2", "局" * 100, "部门", ""], ["D3", "局" * 101, "部门", ""]
    )
    assert found(result) == [(7, "name", "too_long")]
    assert "100" in result.errors[0].message_zh


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_a_control_character_in_a_cell_is_a_row_fault(char: str) -> None:
    """One an XLSX can carry (openpyxl writes DEL and C1 as they are): refused as a fault of
    its row and column, the other rows imported as usual."""
    added = [["D2", f"县审{char}计局", "部门", ""], ["D3", "县统计局", "部门", ""]]
    lines = [ZH_HEADER, *BASE, *added]
    result = parse_org_file(xlsx_bytes(*lines), "orgs.xlsx")
    assert found(result) == [(6, "name", "control_character")]
    shown = f"U+{ord(char):04X}"
    assert shown in result.errors[0].message_zh and shown in result.errors[0].message_en
    assert [r.code for r in result.rows] == ["T1", "D1", "V1", "C1", "D3"]


def test_unknown_kind() -> None:
    result = parse_csv(ZH_HEADER, *BASE, ["X1", "县农民专业合作社", "合作社", ""])
    assert found(result) == [(6, "kind", "unknown_kind")]
    error = result.errors[0]
    assert error.value == "合作社"
    assert "乡镇(街道)" in error.message_zh and "township" in error.message_en


def test_duplicate_code_names_the_first_row() -> None:
    result = parse_csv(ZH_HEADER, *BASE, ["V1", "西李村", "村", "T1"], ["V1", "北赵村", "村", "T1"])
    assert found(result) == [(6, "code", "duplicate_code"), (7, "code", "duplicate_code")]
    assert "第4行" in result.errors[0].message_zh
    assert "row 4" in result.errors[0].message_en
    assert [r.name for r in result.rows if r.code == "V1"] == ["东王村"]


def test_existing_codes_are_parsed_and_may_be_parents() -> None:
    existing = {"T1": OrgKind.township, "T9": OrgKind.township, "V7": OrgKind.village}
    result = parse_csv(
        ZH_HEADER,
        *BASE,  # T1 is already in the registry: an update, not an error
        ["V2", "后张村", "村", "T9"],
        ["V3", "前刘村", "村", "V7"],
        ["D2", "县审计局", "部门", "V7"],
        existing_codes=existing,
    )
    assert found(result) == [
        (7, "parent_code", "parent_kind_invalid"),
        (8, "parent_code", "parent_kind_invalid"),
    ]
    assert {r.code for r in result.rows} == {"T1", "D1", "V1", "C1", "V2"}


def test_in_file_kind_wins_over_the_registry() -> None:
    # The file turns existing village X1 into a township: its villages check against that.
    result = parse_csv(
        ZH_HEADER, ["X1", "新城街道", "街道", ""], ["V5", "东马村", "村", "X1"],
        existing_codes={"X1": OrgKind.village},
    )  # fmt: skip
    assert result.ok


def test_parent_not_found() -> None:
    result = parse_csv(ZH_HEADER, *BASE, ["V2", "后张村", "村", "T404"], existing_codes={})
    assert found(result) == [(6, "parent_code", "parent_not_found")]
    assert result.errors[0].value == "T404"


def test_parent_kind_rules() -> None:
    result = parse_csv(
        ZH_HEADER,
        *BASE,
        ["V2", "后张村", "村", ""],  # 6: village without township
        ["C2", "建设社区", "社区", ""],  # 7: community without township
        ["V3", "前刘村", "村", "D1"],  # 8: village under a department
        ["C3", "育才社区", "社区", "V1"],  # 9: community under a village
        ["D2", "县审计局", "部门", "V1"],  # 10: department under a village
        ["T2", "新河镇", "乡镇", "C1"],  # 11: township under a community
        ["E1", "县投资集团", "国企", "C1"],  # 12: enterprise under a community
        ["S1", "县人民医院", "事业单位", "V1"],  # 13: institution under a village
        ["S2", "县中医院", "事业单位", "D1"],  # fine: institution under a department
        ["E2", "县水务公司", "国有企业", "T1"],  # fine: enterprise under a township
    )
    assert found(result) == [
        (6, "parent_code", "parent_required"),
        (7, "parent_code", "parent_required"),
        *((row, "parent_code", "parent_kind_invalid") for row in range(8, 14)),
    ]
    assert "县(市)直单位" in result.errors[2].message_zh


def test_parent_cycles() -> None:
    result = parse_csv(
        ZH_HEADER,
        *BASE,
        ["A", "甲单位", "部门", "B"],  # 6
        ["B", "乙单位", "部门", "C"],  # 7
        ["C", "丙单位", "部门", "A"],  # 8
        ["D", "丁单位", "部门", "A"],  # 9: hangs off the cycle, not part of it
        ["S", "戊单位", "部门", "S"],  # 10: its own parent
        ["T2", "新河镇", "乡镇", "D"],  # 11: fine
    )
    assert found(result) == [(row, "parent_code", "parent_cycle") for row in (6, 7, 8, 10)]
    assert "A → B → C → A" in result.errors[0].message_zh
    assert "B -> C -> A -> B" in result.errors[1].message_en
    assert {r.code for r in result.rows} == {"T1", "D1", "V1", "C1", "D", "T2"}


@pytest.mark.parametrize(
    "phone",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 13800138000", "8613800138000",
     "0391-6181234", "03916181234", "(0391)6181234", "010-62345678", "0391-6181234-801",
     "0391-6181234转801", "１３８００１３８０００"],
)  # fmt: skip
def test_valid_phones(phone: str) -> None:
    assert parse_csv(ZH_HEADER, ["T1", "青河镇", "乡镇", "", "", phone]).ok


@pytest.mark.parametrize(
    "phone",
    ["12345", "1380013800", "138001380000", "12800138000", "6181234", "0391-618",
     "电话13800138000", "13800138000;13900139000", "0391-0181234"],
)  # fmt: skip
def test_invalid_phones(phone: str) -> None:
    result = parse_csv(ZH_HEADER, ["T1", "青河镇", "乡镇", "", "", phone])
    assert found(result) == [(2, "contact_phone", "invalid_phone")]


@pytest.mark.parametrize("email", ["a@example.com", "wx.xc-01+x@mail.gov.cn", "ｘｃ＠qq.com"])
def test_valid_emails(email: str) -> None:
    assert parse_csv(ZH_HEADER, ["T1", "青河镇", "乡镇", "", "", "", email]).ok


@pytest.mark.parametrize(
    "email", ["foo@", "@example.com", "a b@example.com", "a@localhost", "a@@b.cn", "a@b..cn"]
)
def test_invalid_emails(email: str) -> None:
    result = parse_csv(ZH_HEADER, ["T1", "青河镇", "乡镇", "", "", "", email])
    assert found(result) == [(2, "contact_email", "invalid_email")]


def test_contact_name_length() -> None:
    result = parse_csv(ZH_HEADER, ["T1", "青河镇", "乡镇", "", "名" * 51])
    assert found(result) == [(2, "contact_name", "too_long")]


def test_empty_rows_are_skipped_but_counted() -> None:
    result = parse_csv(ZH_HEADER, BASE[0], [], ["", "", "", ""], BASE[1], [" "], ["V2", "", "村"])
    assert [r.row for r in result.rows] == [2, 5]
    assert found(result) == [(7, "name", "required"), (7, "parent_code", "parent_required")]


def test_every_error_in_a_file_is_reported_in_row_order() -> None:
    result = parse_csv(
        ZH_HEADER,
        ["V2", "后张村", "村", "T404", "", "110", "x@"],  # 2
        *BASE,  # 3-6
        ["", "", "合作社", "V1"],  # 7
        ["T1", "青河镇", "乡镇", ""],  # 8
        ["A", "甲单位", "部门", "A"],  # 9
    )
    assert found(result) == [
        (2, "parent_code", "parent_not_found"),
        (2, "contact_phone", "invalid_phone"),
        (2, "contact_email", "invalid_email"),
        (7, "code", "required"),
        (7, "name", "required"),
        (7, "kind", "unknown_kind"),
        (8, "code", "duplicate_code"),
        (9, "parent_code", "parent_cycle"),
    ]
    assert not result.ok
    assert [r.code for r in result.rows] == ["T1", "D1", "V1", "C1"]


def _departments_csv(count: int) -> bytes:
    lines = [",".join(EN_HEADER)]
    lines += [f"D{i:05d},县直单位{i},department,,,," for i in range(count)]
    return "\r\n".join(lines).encode()


def test_max_rows_is_allowed() -> None:
    result = parse_org_file(_departments_csv(20000), "orgs.csv")
    assert result.ok and len(result.rows) == 20000


def test_more_than_max_rows_gives_one_error() -> None:
    result = parse_org_file(_departments_csv(20001), "orgs.csv")
    assert found(result) == [(20002, "file", "too_many_rows")]
    assert result.rows == []
    assert "20000" in result.errors[0].message_zh


def test_max_rows_counts_non_empty_rows_in_xlsx() -> None:
    content = xlsx_bytes(ZH_HEADER, *BASE[:2], [], BASE[2], BASE[3])
    assert parse_org_file(content, "orgs.xlsx", max_rows=4).ok
    result = parse_org_file(content, "orgs.xlsx", max_rows=3)
    assert found(result) == [(6, "file", "too_many_rows")]


# --- unusable files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "orgs.csv"),
        (random.Random(0).randbytes(4096), "orgs.csv"),
        (b"PK\x03\x04 this is not really a zip archive", "orgs.xlsx"),
        ("编码,名称,类型,上级编码\n".encode(), "orgs.xlsx"),
    ],
)
def test_malformed_bytes_raise(content: bytes, filename: str) -> None:
    error = file_error(content, filename)
    assert error.code in {"file_unreadable", "encoding_not_supported"}


def test_zip_that_is_not_a_workbook_raises() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert file_error(buffer.getvalue(), "orgs.xlsx").code == "file_unreadable"


def test_legacy_xls_raises_with_advice() -> None:
    error = file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "orgs.xls")
    assert error.code == "xls_not_supported"
    assert ".xlsx" in error.message_zh


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"", "orgs.csv"),
        (b"", "orgs.xlsx"),
        (codecs.BOM_UTF8, "orgs.csv"),
        (b"\r\n,,,\r\n \r\n", "orgs.csv"),
        (xlsx_bytes(), "orgs.xlsx"),
    ],
)
def test_empty_file_raises(content: bytes, filename: str) -> None:
    assert file_error(content, filename).code == "file_empty"


def test_header_only_file_has_no_rows() -> None:
    result = parse_csv(ZH_HEADER)
    assert result.ok and result.rows == []


@pytest.mark.parametrize("missing", ["编码", "名称", "类型", "上级编码"])
def test_missing_required_column_raises(missing: str) -> None:
    header = [h for h in ZH_HEADER if h != missing]
    error = file_error(csv_bytes(header, ["T1", "青河镇", "乡镇"]))
    assert error.code == "columns_missing"
    assert missing in error.message_zh


def test_missing_columns_in_xlsx_raise() -> None:
    error = file_error(xlsx_bytes(["code", "name"], ["T1", "青河镇"]), "orgs.xlsx")
    assert error.code == "columns_missing"
    assert "kind" in error.message_en and "parent_code" in error.message_en


def test_file_without_header_raises() -> None:
    error = file_error(csv_bytes(*BASE))
    assert error.code == "header_missing"


def test_duplicate_column_raises() -> None:
    error = file_error(csv_bytes([*ZH_HEADER, "代码"], ["T1", "青河镇", "乡镇", ""]))
    assert error.code == "column_duplicate"


# --- ordering --------------------------------------------------------------------------


def test_parents_first_keeps_the_given_order_where_it_can() -> None:
    def row(code: str, parent: str | None = None) -> OrgRow:
        return OrgRow(0, code, code, OrgKind.department, parent)

    rows = [row("c1", "p"), row("x"), row("p", "g"), row("c2", "p"), row("g"), row("y", "zz")]
    assert [r.code for r in parents_first(rows)] == ["x", "g", "p", "c1", "c2", "y"]
    cycle = [row("a", "b"), row("b", "a"), row("r")]
    assert [r.code for r in parents_first(cycle)] == ["r", "a", "b"]
