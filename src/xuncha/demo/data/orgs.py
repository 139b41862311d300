"""Realistic, invented data for the registry of orgs in scope (被巡察对象库).

``county_orgs`` builds a county shaped like 温县 (DOMAIN.md: 11 townships, 79 county
departments, 270 villages and communities) with invented township and village names, codes
in the style of the statistical division codes (county + township + village), and contacts.
``org_rows_to_xlsx`` / ``org_rows_to_csv`` write the rows as an import file that
``planning.orgs.importing.parse_org_file`` reads back unchanged.

Contacts are fake: e-mail addresses use the reserved ``example.com`` domain, so a test
environment that sends mail never reaches a real person.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import random
from collections.abc import Callable, Iterable

from openpyxl import Workbook
from planning.domain import ORG_KIND_LABELS_ZH, OrgKind
from planning.orgs.importing import COLUMN_LABELS_ZH, COLUMNS, OrgRow, parents_first
from xuncha_shared.orgs import DEPARTMENT_DESIGNATION_LABELS_ZH, DepartmentDesignation

__all__ = ["county_orgs", "org_rows_to_csv", "org_rows_to_xlsx"]

# Two-character place names are drawn from these; real 温县 townships and villages named in
# DOMAIN.md or the seed articles are excluded so the data stays invented.
_PLACE_FIRST = (
    "安宝柏长崇丰福高古广禾红怀槐吉嘉金锦景康乐临龙陆茂宁平清庆仁瑞尚石泰桃天卫文孝新兴杏"
    "阳仰义永玉裕振中周朱"
)
_PLACE_SECOND = "安河丰集桥庄营店坡园湾堤屯寨岗庙林泉城阳山楼铺口"
_REAL_NAMES = frozenset(
    {"温泉", "岳村", "祥云", "番田", "黄庄", "武德", "赵堡", "南张羌", "北冷", "招贤", "陈家沟"}
)
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾毛郝"
    "龚邵万钱严武戴孔汤常牛樊申"
)
_DIRECTIONS = "东西南北前后上大小中"
_SETTLEMENTS = "庄营寨屯沟楼湾岗坡店集桥园河井洼堡"
_GIVEN = (
    "建国", "建军", "国强", "志强", "志刚", "海涛", "振东", "卫东", "新民", "文杰", "春生",
    "桂兰", "玉梅", "小燕", "德胜", "永福", "红霞", "丽娟", "秀英", "伟", "磊", "军", "强", "敏",
    "静", "丽", "勇", "艳", "杰", "涛", "明", "超", "娜", "霞", "平", "刚", "桂英", "秀兰",
    "玉兰", "俊杰", "建华", "晓东", "晓燕", "红梅", "海燕", "金凤", "永强", "国庆", "卫国",
    "爱民", "文斌", "少华", "利民", "向阳", "春燕", "雪梅", "鹏飞", "亚楠",
)  # fmt: skip
_COMMUNITY_NAMES = (
    "和平", "建设", "人民", "文昌", "育才", "永安", "幸福", "新华", "朝阳", "光明", "东城",
    "西城", "康乐", "锦绣", "丽景", "滨河", "解放", "团结", "胜利", "振兴", "安居", "春晖",
    "怡和", "长青", "兴隆", "顺城", "太平", "华康", "金桥", "翠园",
)  # fmt: skip
_DEPARTMENTS = (
    "县纪委监委", "县委办公室", "县委组织部", "县委宣传部", "县委统战部", "县委政法委",
    "县委编办", "县委政策研究室", "县委党校", "县委网信办", "县直机关工委", "县委老干部局",
    "县委党史研究室", "县人大常委会机关", "县政府办公室", "县政协机关", "县发展和改革委员会",
    "县教育局", "县科学技术和工业信息化局", "县公安局", "县民政局", "县司法局", "县财政局",
    "县人力资源和社会保障局", "县自然资源局", "县住房和城乡建设局", "县交通运输局", "县水利局",
    "县农业农村局", "县商务局", "县文化广电和旅游局", "县卫生健康委员会", "县退役军人事务局",
    "县应急管理局", "县审计局", "县市场监督管理局", "县统计局", "县医疗保障局", "县信访局",
    "县城市管理局", "县乡村振兴局", "县林业局", "县行政审批服务局", "县机关事务管理局",
    "县人民防空办公室", "县地方金融监督管理局", "县粮食和物资储备中心", "县供销合作社",
    "县融媒体中心", "县公共资源交易中心", "县产业集聚区管委会", "县住房公积金管理中心",
    "县国有资产服务中心", "县农业机械技术中心", "县畜牧兽医服务中心", "县园林绿化中心",
    "县档案馆", "县地方史志办公室", "县人民法院", "县人民检察院", "县税务局", "县气象局",
    "县烟草专卖局", "县消防救援大队", "县总工会", "团县委", "县妇联", "县科协", "县文联",
    "县工商联", "县残联", "县红十字会", "县侨联", "县生态环境分局", "县不动产登记中心",
    "县招商服务中心", "县退役军人服务中心", "县社会保险中心", "县就业创业服务中心",
    "县农村经营管理站", "县水利工程管理站", "县交通运输综合执法大队", "县城市管理综合执法大队",
)  # fmt: skip
# The designation (职能) of the departments that receive clues or letters; every other
# department is "other".
_DESIGNATIONS: dict[str, DepartmentDesignation] = {
    "县纪委监委": DepartmentDesignation.discipline,
    "县委组织部": DepartmentDesignation.organization,
    "县委宣传部": DepartmentDesignation.publicity,
    "县审计局": DepartmentDesignation.audit,
    "县信访局": DepartmentDesignation.petitions,
    "县公安局": DepartmentDesignation.police,
}
_ENTERPRISES = (
    "县投资集团有限公司", "县城市建设投资有限公司", "县农业发展投资有限公司", "县自来水有限公司",
    "县文化旅游投资有限公司", "县公共交通有限公司", "县粮食储备有限公司", "县热力有限公司",
)  # fmt: skip
# An institution and the department that supervises it (its parent), if any.
_INSTITUTIONS = (
    ("县人民医院", "县卫生健康委员会"), ("县中医院", "县卫生健康委员会"),
    ("县疾病预防控制中心", "县卫生健康委员会"), ("县妇幼保健院", "县卫生健康委员会"),
    ("县第一高级中学", "县教育局"), ("县职业教育中心", "县教育局"), ("县实验中学", "县教育局"),
    ("县农业科学研究所", "县农业农村局"), ("县图书馆", "县文化广电和旅游局"),
    ("县广播电视台", None), ("县水文站", "县水利局"), ("县公证处", "县司法局"),
)  # fmt: skip
_MOBILE_PREFIXES: tuple[int, ...] = (
    130,
    131,
    132,
    133,
    135,
    136,
    137,
    138,
    139,
    150,
    151,
    152,
    155,
    156,
    157,
)
_MOBILE_PREFIXES += (158, 159, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 199)
_Maker = Callable[[], str]
_AREA_CODES = {"4108": "0391", "4103": "0379", "4101": "0371", "2202": "0432", "4331": "0743"}


def county_orgs(
    seed: int = 0,
    *,
    townships: int = 11,
    departments: int = 79,
    villages: int = 270,
    prefix: str = "410825",
    enterprises: int = 0,
    institutions: int = 0,
) -> list[OrgRow]:
    """An invented county: townships, county units and villages/communities, parents first.

    About one township in six is a sub-district (街道) whose villages are mostly communities
    (社区); some towns also have a town-seat community. Villages are spread unevenly over the
    townships, each getting at least one while there are enough. Codes: townships
    ``{prefix}001`` (街道) / ``{prefix}100`` (镇) / ``{prefix}200`` (乡); villages add three
    digits (社区 from 001, 村 from 200); departments ``{prefix}-D001``, enterprises
    ``{prefix}-E01`` and institutions ``{prefix}-S01``. ``enterprises`` and ``institutions``
    (default none, so the default county has exactly 360 orgs) add state enterprises and
    public institutions, the latter under their supervising department when it is present.
    ``row`` is the row number in the file the writers below produce (header = row 1).
    The same arguments always give the same county.
    """
    if min(townships, departments, villages, enterprises, institutions) < 0:
        raise ValueError("counts must not be negative")
    if villages and not townships:
        raise ValueError("villages need at least one township")
    rng = random.Random(f"xuncha-county-{seed}-{prefix}")
    used: set[str] = set(_REAL_NAMES)

    def place() -> str:
        return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND)

    orgs: list[OrgRow] = []

    def add(code: str, name: str, kind: OrgKind, parent: str | None, contact: bool) -> None:
        row = OrgRow(len(orgs) + 2, code, name, kind, parent)
        if kind == OrgKind.department:
            designation = _DESIGNATIONS.get(name, DepartmentDesignation.other)
            row = dataclasses.replace(row, designation=designation)
        orgs.append(_with_contact(rng, row, prefix) if contact else row)

    streets = round(townships * 0.18)
    township_rows: list[tuple[str, str, str]] = []  # (code, base name, suffix)
    counters = {"街道": 1, "镇": 100, "乡": 200}
    for i in range(townships):
        suffix = "街道" if i < streets else ("乡" if rng.random() < 0.25 else "镇")
        base = _unique(used, place)
        code = f"{prefix}{counters[suffix]:03d}"
        counters[suffix] += 1
        township_rows.append((code, base, suffix))
    township_rows.sort()  # 街道, then 镇, then 乡, as in the division code list
    for code, base, suffix in township_rows:
        add(code, base + suffix, OrgKind.township, None, contact=True)

    department_codes: dict[str, str] = {}
    for i in range(departments):
        name = (
            _DEPARTMENTS[i]
            if i < len(_DEPARTMENTS)
            else f"县直第{i - len(_DEPARTMENTS) + 1}联合党支部"
        )
        department_codes[name] = f"{prefix}-D{i + 1:03d}"
        add(department_codes[name], name, OrgKind.department, None, contact=True)
    for i in range(enterprises):
        name = _ENTERPRISES[i % len(_ENTERPRISES)] + ("" if i < len(_ENTERPRISES) else f"({i + 1})")
        add(f"{prefix}-E{i + 1:02d}", name, OrgKind.enterprise, None, contact=True)
    for i in range(institutions):
        name, supervisor = _INSTITUTIONS[i % len(_INSTITUTIONS)]
        if i >= len(_INSTITUTIONS):
            name += f"({i + 1})"
        parent = department_codes.get(supervisor) if supervisor else None
        add(f"{prefix}-S{i + 1:02d}", name, OrgKind.institution, parent, contact=True)

    weights = [rng.uniform(0.6, 1.5) * (1.3 if s == "街道" else 1.0) for _, _, s in township_rows]
    for (code, base, suffix), count in zip(township_rows, _spread(villages, weights), strict=True):
        if suffix == "街道":
            communities = math.ceil(count * 0.6)
        else:
            communities = 1 if suffix == "镇" and count >= 4 and rng.random() < 0.35 else 0
        for j in range(count):
            if j < communities:
                if suffix == "镇":
                    name = base + "社区"
                else:
                    name = _unique(used, lambda: rng.choice(_COMMUNITY_NAMES), place) + "社区"
                add(f"{code}{j + 1:03d}", name, OrgKind.community, code, rng.random() < 0.9)
            else:
                name = _unique(used, lambda: _village_name(rng)) + "村"
                seq = 200 + j - communities
                add(f"{code}{seq:03d}", name, OrgKind.village, code, rng.random() < 0.85)
    return orgs


def org_rows_to_xlsx(rows: Iterable[OrgRow], *, chinese_headers: bool = True) -> bytes:
    """An XLSX import file (one sheet, header in row 1) with the rows, parents first."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("被巡察对象")
    for letter, width in zip("ABCDEFGHI", (16, 30, 14, 16, 10, 16, 28, 16, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    for line in _table(rows, chinese_headers):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def org_rows_to_csv(
    rows: Iterable[OrgRow], *, chinese_headers: bool = True, encoding: str = "utf-8-sig"
) -> bytes:
    """A CSV import file with the rows, parents first.

    The default ``utf-8-sig`` (with BOM) is what Excel needs to open UTF-8 correctly; pass
    ``"gb18030"`` for the file a Chinese Excel writes when saving as CSV.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_table(rows, chinese_headers))
    return buffer.getvalue().encode(encoding)


def _table(rows: Iterable[OrgRow], chinese_headers: bool) -> list[list[str]]:
    header = [COLUMN_LABELS_ZH[c] if chinese_headers else c for c in COLUMNS]
    lines = [header]
    for r in parents_first(rows):
        kind = ORG_KIND_LABELS_ZH[r.kind] if chinese_headers else r.kind.value
        designation = None
        if r.designation is not None:
            designation = (
                DEPARTMENT_DESIGNATION_LABELS_ZH[r.designation]
                if chinese_headers
                else r.designation.value
            )
        optional = (
            r.parent_code, r.contact_name, r.contact_phone, r.contact_email, r.leader_account,
            designation,
        )  # fmt: skip
        lines.append([r.code, r.name, kind, *(value or "" for value in optional)])
    return lines


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), at least one each when possible."""
    n = len(weights)
    if n == 0:
        return []
    base = [1 if i < total else 0 for i in range(n)]
    rest = total - sum(base)
    shares = [rest * w / sum(weights) for w in weights]
    counts = [b + math.floor(s) for b, s in zip(base, shares, strict=True)]
    by_remainder = sorted(range(n), key=lambda i: shares[i] - math.floor(shares[i]), reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _village_name(rng: random.Random) -> str:
    surname = rng.choice(_SURNAMES)
    pattern = rng.random()
    if pattern < 0.3:
        return rng.choice(_DIRECTIONS) + surname  # 东王
    if pattern < 0.6:
        return surname + rng.choice(_SETTLEMENTS)  # 李庄
    if pattern < 0.85:
        return rng.choice(_DIRECTIONS) + surname + rng.choice(_SETTLEMENTS)  # 南陈庄
    return surname + "家" + rng.choice(_SETTLEMENTS)  # 何家沟


def _unique(used: set[str], *makers: _Maker) -> str:
    """A name not used before, from the first maker that still finds one."""
    for make in makers:
        for _ in range(200):
            name = make()
            if name not in used:
                used.add(name)
                return name
    raise ValueError("ran out of invented names; ask for fewer orgs")


def _with_contact(rng: random.Random, row: OrgRow, prefix: str) -> OrgRow:
    """The row with an invented contact person, phone and (sometimes) e-mail."""
    person = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    grassroots = row.kind in (OrgKind.village, OrgKind.community)
    if grassroots or rng.random() < 0.6:
        phone = f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
    else:
        area = _AREA_CODES.get(prefix[:4], "0" + prefix[1:4])
        phone = f"{area}-{rng.randint(2000000, 8999999)}"
    email = None
    if rng.random() < (0.1 if grassroots else 0.5):
        email = f"xc{row.code.lower().replace('-', '')}@example.com"
    return dataclasses.replace(row, contact_name=person, contact_phone=phone, contact_email=email)
