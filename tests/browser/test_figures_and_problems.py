"""成绩单 and 发现问题 in headless Chromium over the demo county: the figures on the page are
the figures API's, each opens to records whose count is the figure; the problem ledger
filters as the API does and exports its XLSX; letters download as Word; and each role sees
what the findings and planning APIs let it see, with their refusal where they refuse."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import Download, Locator, Page, expect
from xuncha_shared.auth import Role

from tests.browser.signing_in import dev_sign_in, nav_links

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(300)]

PLANNING = "/api/planning"
FINDINGS = "/api/findings"
HELD = ["feedback", "rectifying", "closed"]


async def get(base_url: str, token: str, path: str, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        r = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
        return r.json()


async def settled_figures(platform: Any, token: str) -> dict[str, Any]:
    """The figures once the events behind them have all arrived: planning counts problems
    fed back from findings' events, so wait until it agrees with findings."""
    fed_back = (await get(platform.base_url, token, f"{FINDINGS}/problems", fed_back="true"))[
        "total"
    ]
    last: dict[str, Any] | None = None
    for _ in range(120):
        figures = await get(platform.base_url, token, f"{PLANNING}/figures")
        if figures["problems_fed_back"] == fed_back and figures == last:
            return dict(figures)
        last = figures
        await asyncio.sleep(0.5)
    raise AssertionError(f"figures did not settle: {last} (fed back {fed_back})")


def shown(value: float | int | None) -> str:
    """A number as the page prints it (JavaScript drops a trailing .0)."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


async def refusal(base_url: str, token: str, path: str, **params: Any) -> str:
    """The API's 403 for ``path``: its Chinese message."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        r = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403, f"{path}: {r.status_code} {r.text}"
    return str(r.json()["message_zh"])


async def saved(download: Download) -> Path:
    path = await download.path()
    assert path is not None
    return Path(path)


def xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    return [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]


def total(table: Locator) -> Locator:
    return table.locator(".total")


async def test_figures_are_the_apis_and_open_to_their_records(
    page: Page, demo_platform: Any, screenshot: Any
) -> None:
    platform = demo_platform
    office = platform.token(Role.office, name="张艳")
    figures = await settled_figures(platform, office)
    assert figures["problems_fed_back"] > 0

    await dev_sign_in(page, platform.base_url, Role.office, name="张艳")
    await expect(page).to_have_url(re.compile(r"/figures$"))
    cards = page.get_by_test_id("figure-cards")
    expected = {
        "rounds_held": shown(figures["rounds_held"]),
        "coverage": f"{shown(figures['coverage']['coverage_percent'])}%",
        "problems_fed_back": shown(figures["problems_fed_back"]),
        "clues_transferred": shown(figures["clues_transferred"]),
        "cases_filed": shown(figures["cases_filed"]),
        "persons_sanctioned": shown(figures["persons_sanctioned"]),
        "organizational_handlings": shown(figures["organizational_handlings"]),
        "money_recovered_yuan": str(figures["money_recovered_yuan"]),
        "institutions_built": shown(figures["institutions_built"]),
        "tasks_total": shown(figures["tasks_total"]),
        "completion_rate": (
            "—" if figures["completion_rate"] is None else f"{shown(figures['completion_rate'])}%"
        ),
        "livelihood_problems_solved": shown(figures["livelihood_problems_solved"]),
    }
    for key, value in expected.items():
        await expect(cards.get_by_test_id(f"figure-{key}").locator(".value")).to_have_text(value)
    coverage = figures["coverage"]
    await expect(cards.get_by_test_id("figure-coverage")).to_contain_text(
        f"已巡 {coverage['orgs_covered']} / 应巡 {coverage['orgs_in_scope']}"
    )
    await expect(page.locator(".chart canvas").first).to_be_visible()
    by_round = await get(platform.base_url, office, f"{PLANNING}/figures/breakdown", by="round")
    breakdown = page.get_by_test_id("breakdown-table")
    await expect(breakdown.locator("tbody tr")).to_have_count(len(by_round["rows"]))
    await screenshot(page, "figures")

    # 反馈问题 opens to the problems fed back: as many as the figure, each one readable.
    await cards.get_by_test_id("figure-problems_fed_back").click()
    drill = page.get_by_test_id("figure-drill")
    records = drill.get_by_test_id("figure-records")
    n = figures["problems_fed_back"]
    await expect(total(records)).to_contain_text(f"共 {n} 条")
    await expect(drill.get_by_test_id("drill-quantity")).to_contain_text(f"合计 {n}")
    await expect(records.locator("tbody tr")).to_have_count(min(n, 20))
    await records.locator("tbody tr").first.get_by_role("button", name="查看").click()
    await expect(drill.get_by_test_id("record-detail")).to_contain_text(re.compile(r"\S{4,}"))
    await screenshot(page, "figures-drilldown")

    async with page.expect_download() as info:
        await drill.get_by_role("button", name="导出明细 XLSX").click()
    download = await info.value
    assert download.suggested_filename.endswith(".xlsx")
    rows = xlsx_rows(await saved(download))
    assert rows[0][:3] == ("序号", "轮次", "被巡察对象")
    assert len(rows) == 1 + n + 1 and rows[-1][0] == "合计" and rows[-1][-2] == n

    # The completion rate opens to the accepted tasks; rounds held to the rounds.
    await cards.get_by_test_id("figure-completion_rate").click()
    await expect(total(drill.get_by_test_id("figure-records"))).to_contain_text(
        f"共 {figures['tasks_accepted']} 条"
    )
    await cards.get_by_test_id("figure-rounds_held").click()
    await expect(total(drill.get_by_test_id("figure-rounds"))).to_contain_text(
        f"共 {figures['rounds_held']} 条"
    )
    held = await get(platform.base_url, office, f"{PLANNING}/rounds", status=HELD)
    assert held["total"] == figures["rounds_held"]

    # One round: the page asks the API for that round's figures.
    round_ = held["items"][0]
    await page.locator("select[name=round_id]").select_option(round_["id"])
    of_round = await get(platform.base_url, office, f"{PLANNING}/figures", round_id=round_["id"])
    await expect(cards.get_by_test_id("figure-problems_fed_back").locator(".value")).to_have_text(
        shown(of_round["problems_fed_back"])
    )
    await expect(cards.get_by_test_id("figure-rounds_held").locator(".value")).to_have_text("1")

    # The figures' own workbook, with the same filter.
    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出成绩单 XLSX").click()
    book = load_workbook(io.BytesIO((await saved(await info.value)).read_bytes()))
    assert book.sheetnames == ["成绩单", "按轮次", "按对象类型"]
    values = {r[0]: r[1] for r in book["成绩单"].iter_rows(values_only=True)}
    assert values["反馈问题数"] == of_round["problems_fed_back"]


async def test_problem_ledger_filters_like_the_api_and_exports_its_xlsx(
    page: Page, demo_platform: Any, screenshot: Any
) -> None:
    platform = demo_platform
    office = platform.token(Role.office, name="张艳")
    await dev_sign_in(page, platform.base_url, Role.office, name="张艳")
    await page.click("nav >> text=发现问题")
    table = page.get_by_test_id("problems-table")
    everything = await get(platform.base_url, office, f"{FINDINGS}/problems")
    await expect(total(table)).to_contain_text(f"共 {everything['total']} 条")
    await expect(table.locator("tbody tr").first).to_contain_text("第")

    rounds = await get(platform.base_url, office, f"{PLANNING}/rounds", status=HELD)
    round_id = rounds["items"][-1]["id"]
    ledger = page.locator("form.filter-bar").first
    await ledger.locator("select[name=round_id]").select_option(round_id)
    of_round = await get(platform.base_url, office, f"{FINDINGS}/problems", round_id=round_id)
    await expect(total(table)).to_contain_text(f"共 {of_round['total']} 条")

    immediate = await get(
        platform.base_url, office, f"{FINDINGS}/problems", round_id=round_id, immediate="true"
    )
    category = immediate["items"][0]["category"]
    await ledger.locator("select[name=category]").select_option(category)
    await ledger.locator("select[name=immediate]").select_option("true")
    query = {"round_id": round_id, "category": category, "immediate": "true"}
    narrowed = await get(platform.base_url, office, f"{FINDINGS}/problems", **query)
    assert 0 < narrowed["total"] < everything["total"]
    await expect(total(table)).to_contain_text(f"共 {narrowed['total']} 条")
    names = {p["category_name"] for p in narrowed["items"]}
    cells = await table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert set(cells) == names
    await expect(table.locator("tbody tr td:nth-child(6)").first).to_have_text("是")
    await table.locator("tbody tr").first.click()
    await expect(page.get_by_test_id("problem-detail")).to_contain_text("立行立改")
    await screenshot(page, "problems")

    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出 XLSX").click()
    download = await info.value
    assert download.suggested_filename.endswith(".xlsx")
    rows = xlsx_rows(await saved(download))
    assert rows[0][0] == "序号" and rows[0][-2:] == ("轮次", "被巡察对象")
    assert len(rows) - 1 == narrowed["total"]
    assert {r[4] for r in rows[1:]} == names and {r[7] for r in rows[1:]} == {"是"}
    await expect(page.get_by_role("progressbar", name="导出").first).to_have_attribute(
        "aria-valuenow", "100"
    )


async def test_common_problems_and_letters_with_their_word_documents(
    page: Page, demo_platform: Any, screenshot: Any
) -> None:
    platform = demo_platform
    office = platform.token(Role.office, name="张艳")
    await dev_sign_in(page, platform.base_url, Role.office, name="张艳")
    await page.goto(f"{platform.base_url}/problems?tab=common")
    terms = await get(platform.base_url, office, f"{PLANNING}/terms")
    common = await get(
        platform.base_url, office, f"{FINDINGS}/common-problems", term_id=terms["items"][0]["id"]
    )
    await expect(page.get_by_test_id("common-summary")).to_contain_text(f"共 {common['total']} 组")
    await expect(total(page.get_by_test_id("common-table"))).to_contain_text(
        f"共 {common['total']} 条"
    )

    # The letters ledger is on its own page (函件).
    await page.goto(f"{platform.base_url}/letters")
    letters = page.get_by_test_id("letters-table")
    listed = await get(platform.base_url, office, f"{FINDINGS}/letters")
    assert listed["total"] > 0
    await expect(total(letters)).to_contain_text(f"共 {listed['total']} 条")
    await page.locator("select[name=kind]").select_option("recommendation")
    recommended = await get(platform.base_url, office, f"{FINDINGS}/letters", kind="recommendation")
    await expect(total(letters)).to_contain_text(f"共 {recommended['total']} 条")
    first = recommended["items"][0]
    row = letters.locator("tbody tr", has_text=first["doc_number"])
    await expect(row).to_contain_text("巡察建议书")
    await screenshot(page, "letters")

    await row.click()
    detail = page.get_by_test_id("letter-detail")
    await expect(detail.get_by_test_id("letter-number")).to_have_text(first["doc_number"])
    async with page.expect_download() as info:
        await detail.get_by_test_id("letter-docx").click()
    download = await info.value
    assert download.suggested_filename == f"{first['doc_number']}.docx"
    with zipfile.ZipFile(await saved(download)) as docx:
        assert "word/document.xml" in docx.namelist()
        assert first["addressee_name"] in docx.read("word/document.xml").decode()

    async with page.expect_download() as info:
        await page.get_by_role("button", name="导出 XLSX").click()
    rows = xlsx_rows(await saved(await info.value))
    assert len(rows) - 1 == recommended["total"]
    assert {r[2] for r in rows[1:]} == {"巡察建议书"}


async def test_each_role_sees_what_the_apis_allow(page: Page, demo_platform: Any) -> None:
    """Each role is offered the pages /me names for it and sees on them what the APIs let it
    see; outside them the APIs refuse it all the same."""
    platform = demo_platform
    office = platform.token(Role.office, name="张艳")
    fed = (await get(platform.base_url, office, f"{FINDINGS}/problems", fed_back="true"))["items"]
    org_id, org_name, org_kind = fed[0]["org_id"], fed[0]["org_name"], fed[0]["org_kind"]
    term_id = (await get(platform.base_url, office, f"{PLANNING}/terms"))["items"][0]["id"]

    # An inspected org: its own problems only; common problems and figures are refused. Its
    # pages are 发现问题, 函件, 本单位整改 (a township also 所辖村整改) and 消息.
    inspected = platform.token(Role.inspected, org_id=org_id, name=org_name)
    own = await get(platform.base_url, inspected, f"{FINDINGS}/problems")
    assert own["total"] > 0 and {p["org_id"] for p in own["items"]} == {org_id}
    common = await refusal(
        platform.base_url, inspected, f"{FINDINGS}/common-problems", term_id=term_id
    )
    assert "共性问题仅向巡察办和领导小组开放" in common
    figures_refused = await refusal(platform.base_url, inspected, f"{PLANNING}/figures")
    assert "只有巡察办、领导小组" in figures_refused
    await dev_sign_in(
        page, platform.base_url, Role.inspected, path="/figures", org_id=org_id, name=org_name
    )
    await expect(page).to_have_url(re.compile(r"/plan$"))
    villages = ["所辖村整改"] if org_kind == "township" else []
    assert await nav_links(page) == ["发现问题", "函件", "本单位整改", *villages, "消息"]

    # A department: the letters addressed to it; no problems (the API answers none).
    letters = (await get(platform.base_url, office, f"{FINDINGS}/letters"))["items"]
    addressee = next(x for x in letters if x["kind"] == "recommendation")
    department = platform.token(Role.department, org_id=addressee["addressee_org_id"])
    theirs = await get(platform.base_url, department, f"{FINDINGS}/letters")
    addressed = [x for x in letters if x["addressee_org_id"] == addressee["addressee_org_id"]]
    assert theirs["total"] == len(addressed) < len(letters)
    assert (await get(platform.base_url, department, f"{FINDINGS}/problems"))["total"] == 0

    # A group member: the problems of his own group's assignments; the figures are not his.
    account = fed[0]["created_by"]
    member = platform.token(Role.group, subject=account, name="巡察组成员")
    mine = await get(platform.base_url, member, f"{FINDINGS}/problems")
    assert (
        0 < mine["total"] < (await get(platform.base_url, office, f"{FINDINGS}/problems"))["total"]
    )
    await dev_sign_in(
        page, platform.base_url, Role.group, path="/problems", subject=account, name="巡察组成员"
    )
    await expect(total(page.get_by_test_id("problems-table"))).to_contain_text(
        f"共 {mine['total']} 条"
    )
    assert "成绩单" not in await nav_links(page)
    await page.goto(f"{platform.base_url}/figures")
    await expect(page).to_have_url(re.compile(r"/inspection$"))
    assert await refusal(platform.base_url, member, f"{PLANNING}/figures")

    # Discipline reads the figures but not the plan: the rounds behind a figure are refused.
    discipline = platform.token(Role.discipline, name="县纪委监委")
    figures = await settled_figures(platform, discipline)
    assert figures["problems_fed_back"] > 0
    assert "无权查看巡察轮次" in await refusal(platform.base_url, discipline, f"{PLANNING}/rounds")
