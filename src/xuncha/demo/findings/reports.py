"""Reporting: one report per assignment and a comprehensive one for a township, through the
discipline commission's review (one returned once) to the leadership group's approval."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from planning.domain import OrgKind

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import DemoCounty, RoundPlan
from xuncha.demo.findings.common import API, discipline_token, round_id, round_view, total

__all__ = ["expected_reports", "reports_step"]


def _comprehensive_township(county: DemoCounty, plan: RoundPlan) -> str | None:
    by_code = county.by_code()
    return next((c for c in plan.org_codes if by_code[c].kind == OrgKind.township), None)


def expected_reports(county: DemoCounty, plan: RoundPlan) -> int:
    return len(plan.org_codes) + (1 if _comprehensive_township(county, plan) else 0)


def _sections(plan: RoundPlan, name: str, comprehensive: bool) -> dict[str, str]:
    scope = f"{name}及所辖村（社区）" if comprehensive else name
    return {
        "overview": (
            f"根据县委统一部署，县委巡察组于{plan.on_site_from:%Y年%m月%d日}至"
            f"{plan.on_site_until:%Y年%m月%d日}对{scope}党组织开展了巡察。巡察组通过个别谈话、"
            "民主测评、问卷调查、查阅资料、走访群众等方式，全面了解领导班子和干部队伍情况。"
        ),
        "portrait": (
            "领导班子总体能够贯彻落实上级决策部署，但政治站位不够高，抓党建促发展的办法不多。"
        ),
        "main_problems": "",
        "typical_cases": "个别村集体资金支出未经民主程序，群众意见较大，已移交立行立改。",
        "causes": "一是主体责任压得不实；二是制度执行不严；三是监督管理存在薄弱环节。",
        "recommendations": (
            "一是提高政治站位，切实履行全面从严治党主体责任；二是规范“三资”管理和惠民政策落实；"
            "三是举一反三，建立健全长效机制。"
        ),
    }


def _returned_once(county: DemoCounty, plan: RoundPlan) -> str | None:
    """The org code whose report the discipline commission returns once."""
    codes = list(plan.org_codes)
    return (
        random.Random(f"demo-return-{county.seed}-{plan.number}").choice(codes) if codes else None
    )


def reports_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        approved = await total(ctx, "/reports", round_id=rid, status="approved")
        return approved >= expected_reports(ctx.county, plan)

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        by_code = ctx.county.by_code()
        ids = await ctx.org_ids()
        returned_code = _returned_once(ctx.county, plan)
        town = _comprehensive_township(ctx.county, plan)
        existing = await ctx.all_items(
            f"{API}/reports", token=ctx.office, params={"round_id": rnd.id}
        )
        by_assignment = {r["assignment_id"]: r for r in existing if r["kind"] == "assignment"}
        comprehensive = {r["org_id"]: r for r in existing if r["kind"] == "comprehensive"}
        wanted: list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]] = []
        for code in plan.org_codes:
            a = rnd.assignments[code]
            body = {
                "kind": "assignment",
                "assignment_id": a["id"],
                "title": f"关于对{a['org_name']}党组织巡察情况的报告",
                "sections": _sections(plan, a["org_name"], False),
            }
            wanted.append((code, body, by_assignment.get(a["id"]), code == returned_code))
        if town is not None:
            name = by_code[town].name
            body = {
                "kind": "comprehensive",
                "round_id": rnd.id,
                "township_org_id": ids[town],
                "title": f"关于对{name}及所辖村（社区）巡察情况的综合报告",
                "sections": _sections(plan, name, True),
            }
            wanted.append((town, body, comprehensive.get(ids[town]), False))
        limit = asyncio.Semaphore(3)
        count = 0

        async def one(
            code: str, body: dict[str, Any], report: dict[str, Any] | None, ret: bool
        ) -> None:
            nonlocal count
            group = rnd.assignments[code]["group_id"]
            writer = rnd.member(ctx, group, 1)
            async with limit:
                if report is None:
                    report = await _create_report(ctx, writer, body)
                await _through_review(ctx, report, writer, ret)
            count += 1
            ctx.report(count / len(wanted))

        await asyncio.gather(*(one(*w) for w in wanted))

    return Step(
        f"round{plan.number}.reports",
        f"第{plan.number}轮：巡察报告起草、纪委审核、书记专题会审定",
        max(2, len(plan.org_codes) // 6),
        run,
        done,
    )


async def _create_report(ctx: DemoContext, writer: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await ctx.call("POST", f"{API}/reports", token=writer, json=body, ok=(201, 409))
    if response.status_code == 409:
        problem = response.json()
        if problem.get("code") != "report-exists" or "report_id" not in problem:
            raise DemoError(f"report refused: {response.text[:400]}")
        response = await ctx.call("GET", f"{API}/reports/{problem['report_id']}", token=writer)
    created: dict[str, Any] = response.json()
    return created


async def _through_review(
    ctx: DemoContext, report: dict[str, Any], writer: str, return_once: bool
) -> None:
    """Move a report on until the leadership group has approved it."""
    path = f"{API}/reports/{report['id']}"
    for _ in range(8):
        status = report["status"]
        if status == "approved":
            return
        if status == "draft":
            response = await ctx.call("POST", f"{path}/submit", token=writer)
        elif status == "submitted":
            if return_once and not report["review_comments"]:
                body = {
                    "decision": "return",
                    "comments": (
                        "问题定性不够准确，典型案例不够具体，请补充问题成因分析后重新报送。"
                    ),
                }
            else:  # (the findings API keeps only the last review's comments)
                again = "已按意见修改，" if return_once else ""
                body = {"decision": "pass", "comments": f"{again}同意报送书记专题会审定。"}
            response = await ctx.call(
                "POST", f"{path}/review", token=discipline_token(ctx), json=body
            )
        elif status == "returned":
            sections = {
                **report["sections"],
                "causes": report["sections"]["causes"]
                + "四是村级财务监督机制不健全，村务监督委员会作用发挥不充分。",
            }
            await ctx.call(
                "PATCH",
                path,
                token=writer,
                json={"sections": sections},
                headers={"If-Match": f'"{report["version"]}"'},
            )
            response = await ctx.call("POST", f"{path}/submit", token=writer)
        elif status == "passed":
            response = await ctx.call("POST", f"{path}/approve", token=ctx.leadership)
        else:
            raise DemoError(f"report {report['id']} is {status}")
        report = response.json()
    raise DemoError(f"report {report['id']} did not get approved")
