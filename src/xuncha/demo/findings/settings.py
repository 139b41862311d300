"""The office sets findings up once for the county: 文号 prefix, reply deadlines, copies."""

from __future__ import annotations

from typing import Any

from xuncha.demo.context import DemoContext, Step
from xuncha.demo.county import DemoCounty
from xuncha.demo.findings.common import API

__all__ = ["ISSUER_SHORT", "copied_codes", "findings_settings_step"]

ISSUER_SHORT = "温"
"""文号 prefix the office sets (温巡建〔2027〕3号)."""


def findings_settings_step() -> Step:
    """The office sets findings up for the county: 文号 prefix and issuer, reply deadlines,
    who the feedback is copied to (纪委监委, 组织部)."""

    async def done(ctx: DemoContext) -> bool:
        got = (await ctx.call("GET", f"{API}/settings", token=ctx.office)).json()
        return not got["is_default"]

    async def run(ctx: DemoContext) -> None:
        copies = [await ctx.org_id(code) for code in copied_codes(ctx.county)]
        body = {
            "issuer_short": ISSUER_SHORT,
            "issuer_name": "中共温县县委巡察工作领导小组",
            "letter_reply_workdays": 15,
            "forward_reply_workdays": 10,
            "similarity_threshold": 60,
            "feedback_copy_org_ids": copies,
        }

        async def attempt() -> dict[str, Any] | None:
            response = await ctx.call(
                "PUT", f"{API}/settings", token=ctx.office, json=body, ok=(200, 201, 422)
            )
            return None if response.status_code == 422 else dict(response.json())

        await ctx.eventually(attempt, what="findings to know the county's orgs", timeout=90.0)

    return Step("findings.settings", "巡察发现：发文机关和抄送设置", 1, run, done)


def copied_codes(county: DemoCounty) -> list[str]:
    return [code for code, role in county.consulted if role in ("discipline", "organization")]
