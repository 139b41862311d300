"""Reports, their review and approval, and the feedback to each inspected org."""

from __future__ import annotations

from xuncha_shared.auth import Role

from tests.e2e.scenario import Cast, Scenario
from tests.e2e.stages.on_site import Problems, advance
from tests.e2e.stages.registry_and_round import Round


async def reports_and_feedback(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> None:
    """Each task's report: drafted and submitted by the group, reviewed by the discipline
    commission (one returned once), approved by the leadership; then feedback to each org."""
    await advance(s, rnd, "reporting")
    jw = s.token(Role.discipline, org_id=s.org(cast.discipline), subject="jw.wang")
    for code in cast.inspected:
        a = rnd.assignments[code]
        group = "第一巡察组" if code in (cast.town, *cast.villages) else "第二巡察组"
        writer = s.group_member(rnd.members[group][0])
        report = await s.until(
            "POST",
            "/api/findings/reports",
            writer,
            expect=201,
            json={
                "kind": "assignment",
                "assignment_id": a["id"],
                "title": f"关于对{a['org_name']}党组织巡察情况的报告",
                "sections": report_sections(a["org_name"]),
            },
        )
        path = f"/api/findings/reports/{report['id']}"
        report = await s.call("POST", f"{path}/submit", writer)
        if code == cast.town:
            report = await s.call(
                "POST",
                f"{path}/review",
                jw,
                json={"decision": "return", "comments": "问题成因分析不够深入，请补充后重新报送。"},
            )
            assert report["status"] == "returned"
            sections = {**report["sections"], "causes": "一是主体责任压得不实；二是监督薄弱。"}
            await s.call(
                "PATCH",
                path,
                writer,
                json={"sections": sections},
                headers={"If-Match": f'"{report["version"]}"'},
            )
            report = await s.call("POST", f"{path}/submit", writer)
        report = await s.call(
            "POST", f"{path}/review", jw, json={"decision": "pass", "comments": "同意报送。"}
        )
        report = await s.call("POST", f"{path}/approve", s.leadership)
        assert report["status"] == "approved"
    s.lap("reports_approved")

    await advance(s, rnd, "feedback")
    copies = [s.org(cast.discipline), s.org(cast.organization)]
    for code in cast.inspected:
        a = rnd.assignments[code]
        await s.call(
            "POST",
            f"/api/findings/assignments/{a['id']}/feedback",
            s.office,
            json={"copied_to_org_ids": copies},
            expect=201,
        )
    fed = await s.items("/api/findings/problems", s.office, round_id=rnd.id)
    assert sorted(p["id"] for p in fed) == sorted(problems.all)
    assert all(p["fed_back_at"] for p in fed)
    await advance(s, rnd, "rectifying")
    s.lap("feedback_issued")


def report_sections(name: str) -> dict[str, str]:
    return {
        "overview": (
            f"县委巡察组对{name}党组织开展了巡察，通过个别谈话、查阅资料、走访群众等方式了解情况。"
        ),
        "portrait": "领导班子总体能够贯彻落实上级决策部署，但抓党建促发展的办法不多。",
        "main_problems": "",
        "typical_cases": "个别项目资金支出未经集体研究，群众意见较大，已移交立行立改。",
        "causes": "一是主体责任压得不实；二是制度执行不严。",
        "recommendations": "一是切实履行主体责任；二是举一反三，建立健全长效机制。",
    }
