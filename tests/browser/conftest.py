"""The dashboard in a real browser: the one-process platform (every service and the built
dashboard, as ``xuncha run`` serves them) on a real port over a test database, seeded
through planning's REST API, driven by Debian's Chromium through Playwright.

Chromium is never downloaded (``playwright install`` is not used): the system's
``/usr/bin/chromium`` is launched with an explicit executable path. With ``CI=true`` a
missing browser or an unbuilt dashboard fails the run; elsewhere the tests skip and say why.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import BrowserContext, Page, async_playwright
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.plugin import unavailable

from tests.platform_server import load_small_demo, serve_platform
from xuncha.demo import SMALL, build_county
from xuncha.demo.county import DemoCounty
from xuncha.demo.data.orgs import county_orgs, org_rows_to_xlsx

ROOT = Path(__file__).resolve().parents[2]
# The built dashboard; XUNCHA_WEB_DIST names another build (one per working copy).
DIST = Path(os.environ.get("XUNCHA_WEB_DIST", ROOT / "web" / "dist"))
CHROMIUM = Path(os.environ.get("XUNCHA_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
J = "410825"  # 温县
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _requirements() -> None:
    if not (DIST / "index.html").exists():
        unavailable("the built dashboard", FileNotFoundError(f"{DIST}: run `make web`"))
    if not CHROMIUM.exists():
        unavailable("Chromium", FileNotFoundError(f"{CHROMIUM}: apt-get install chromium"))


@dataclass
class Seeded:
    """What the seed put in: ids the tests look for on the pages."""

    base_url: str
    auth: AuthConfig
    term_id: str = ""
    rounds: dict[str, dict[str, Any]] = field(default_factory=dict)
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    covered: list[str] = field(default_factory=list)
    remaining: int = 0
    demo: DemoCounty | None = None

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The seeded orgs of one kind, in the seed's order."""
        return [o for o in self.orgs.values() if o["kind"] == kind]

    def token(
        self, *roles: Role, org_id: str | None = None, subject: str = "", name: str = ""
    ) -> str:
        return mint_dev_token(
            self.auth,
            subject=subject or f"browser-{'-'.join(roles)}",
            roles=roles,
            jurisdiction=J,
            org_id=org_id,
            name=name,
        )


class Api:
    """A small REST client for seeding, as a department system would call the APIs."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        for _ in range(3):
            r = await self.client.request(
                method, f"/api/planning{path}", headers=self.headers, **kwargs
            )
            if r.status_code != 503:
                break
            # The database is busy (a loaded machine): retry after the time the API asks.
            await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None


def _task(group: dict[str, Any], org: dict[str, Any], approach: str | None) -> dict[str, Any]:
    return {"group_id": group["id"], "org_id": org["id"], "approach": approach}


async def seed(seeded: Seeded) -> None:
    """A small county (温县-like, invented names) one term into its inspection plan: two
    rounds fed back (so part covered), one on site with a consultation, one planned."""
    office_token = seeded.token(Role.office, name="张艳")
    async with httpx.AsyncClient(base_url=seeded.base_url, timeout=30) as client:
        office = Api(client, office_token)
        rows = county_orgs(7, townships=6, departments=10, villages=24)
        await office.call(
            "POST", "/orgs/import", files={"file": ("orgs.xlsx", org_rows_to_xlsx(rows))}
        )
        page = await office.call("GET", "/orgs", params={"limit": 500})
        seeded.orgs = {o["code"]: o for o in page["items"]}
        orgs = list(seeded.orgs.values())
        towns = [o for o in orgs if o["kind"] == "township"]
        depts = [o for o in orgs if o["kind"] == "department"]

        def villages_of(town: dict[str, Any]) -> list[dict[str, Any]]:
            return [o for o in orgs if o["parent_id"] == town["id"]]

        term = await office.call(
            "POST",
            "/terms",
            201,
            json={
                "name": "十三届县委",
                "starts_on": "2024-01-01",
                "ends_on": "2028-12-31",
                "planned_rounds": 12,
            },
        )
        seeded.term_id = term["id"]
        cadres = []
        for i, (name, specialty) in enumerate(
            [
                ("赵德胜", "discipline"),
                ("钱晓东", "finance_audit"),
                ("孙立平", "agriculture"),
                ("李文华", "organization"),
                ("周两全", "discipline"),
                ("吴海燕", "finance_audit"),
                ("郑国强", "law"),
                ("王小梅", "publicity"),
            ]
        ):
            cadres.append(
                await office.call(
                    "POST",
                    "/cadres",
                    201,
                    json={
                        "code": f"C{i + 1:03d}",
                        "name": name,
                        "unit_name": "县委巡察办",
                        "specialties": [specialty],
                        "account": f"cadre{i + 1}",
                    },
                )
            )
        plans = [
            ("r1", "regular", None, "2024-03-01", "2024-04-30", "closed"),
            ("r2", "special", "扶贫领域", "2024-09-01", "2024-10-31", "feedback"),
            ("r3", "regular", None, "2026-10-10", "2026-12-10", "on_site"),
            ("r4", "mobile", None, "2027-03-01", "2027-03-15", "planned"),
        ]
        lifecycle = ["planned", "mobilized", "on_site", "reporting", "feedback", "rectifying"]
        lifecycle.append("closed")
        for index, (key, mode, theme, start, end, target) in enumerate(plans):
            body: dict[str, Any] = {"mode": mode, "on_site_from": start, "on_site_until": end}
            if theme:
                body |= {"theme": theme, "focus_checklist": ["扶贫资金落实", "第一书记履职"]}
            rnd = await office.call("POST", f"/terms/{term['id']}/rounds", 201, json=body)
            seeded.rounds[key] = rnd
            if index < 3:
                leader, member = cadres[2 * index], cadres[2 * index + 1]
                group = await office.call(
                    "POST",
                    f"/rounds/{rnd['id']}/groups",
                    201,
                    json={
                        "name": f"第{'一二三'[index]}巡察组",
                        "members": [
                            {"cadre_id": leader["id"], "role": "leader"},
                            {"cadre_id": member["id"], "role": "member"},
                        ],
                    },
                )
                seeded.groups[key] = group
                town = towns[index]
                path = f"/rounds/{rnd['id']}/assignments"
                # The township first: its villages are inspected with it (巡乡带村).
                targets: list[tuple[dict[str, Any], str | None]] = [(town, None)]
                await office.call("POST", path, 201, json=_task(group, town, None))
                later: list[tuple[dict[str, Any], str | None]] = [
                    (v, "extended") for v in villages_of(town)
                ]
                later += [(d, None) for d in depts[index * 2 : index * 2 + 2]]
                await asyncio.gather(
                    *(office.call("POST", path, 201, json=_task(group, o, a)) for o, a in later)
                )
                if target in ("closed", "feedback"):
                    seeded.covered += [org["name"] for org, _ in targets + later]
            if key == "r3":
                discipline_org = depts[-1]
                consultation = await office.call(
                    "POST",
                    "/consultations",
                    201,
                    json={
                        "round_id": rnd["id"],
                        "department_org_id": discipline_org["id"],
                        "topics": ["discipline_reports", "clues"],
                    },
                )
                dept = Api(client, seeded.token(Role.discipline, org_id=discipline_org["id"]))
                for org_id, severity, text in [
                    (towns[2]["id"], "serious", "信访举报12件，反映班子成员违规发放补贴"),
                    (depts[4]["id"], "minor", "信访举报2件，已办结"),
                ]:
                    await dept.call(
                        "PUT",
                        f"/consultations/{consultation['id']}/answers/{org_id}",
                        201,
                        json={
                            "severity": severity,
                            "text": text,
                            "petition_count": 12 if severity == "serious" else 2,
                            "clue_count": 3 if severity == "serious" else 0,
                        },
                    )
            for status in lifecycle[1 : lifecycle.index(target) + 1]:
                await office.call(
                    "POST", f"/rounds/{rnd['id']}/transitions", json={"to_status": status}
                )
        leadership = Api(client, seeded.token(Role.leadership))
        await leadership.call(
            "POST",
            f"/rounds/{seeded.rounds['r3']['id']}/briefings",
            201,
            json={
                "stage": "before",
                "held_on": "2026-10-08",
                "summary": "听取第3轮巡察工作方案汇报",
            },
        )
        # Two villages classified for the term (the export has rows to show).
        for village in villages_of(towns[3])[:2]:
            await office.call(
                "POST",
                "/village-classifications",
                201,
                json={
                    "term_id": term["id"],
                    "village_id": village["id"],
                    "collective_income": "300000.00",
                    "petitions": 2,
                    "prior_problems": 1,
                    "assets": "1500000.00",
                    "judgement": "ordinary",
                    "judgement_reason": "村务公开不及时",
                },
            )
        coverage = await office.call("GET", f"/terms/{term['id']}/coverage")
        seeded.remaining = coverage["remaining"]


@contextlib.asynccontextmanager
async def _platform(
    pg: LocalPostgres,
    template_db: str,
    name: str,
    settings: dict[str, Any] | None = None,
    **create_kwargs: Any,
) -> AsyncIterator[Seeded]:
    """The platform with the dashboard on a real port, over a database of its own, as
    ``xuncha run`` serves it (``settings`` override every service's; ``create_kwargs`` go to
    every service, e.g. a ``clock``)."""
    _requirements()
    # The departments' webhook receivers of these tests listen on loopback.
    settings = {"webhook_allow_private_targets": True, **(settings or {})}
    async with serve_platform(
        pg, template_db, name, dashboard=DIST, settings=settings, **create_kwargs
    ) as served:
        yield Seeded(base_url=served.base_url, auth=served.auth)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def platform_url(pg: LocalPostgres, template_db: str) -> AsyncIterator[Seeded]:
    """The platform seeded by :func:`seed` once for the module's tests."""
    async with _platform(pg, template_db, f"browser{os.getpid()}") as seeded:
        await seed(seeded)
        yield seeded


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def demo_platform(pg: LocalPostgres, template_db: str) -> AsyncIterator[Seeded]:
    """The platform filled with the small demo county (``xuncha demo`` through the same
    REST APIs), once for every module that looks at the demo's rounds, problems, clues,
    tasks and figures. ``demo_platform.demo`` is the county the demo loaded."""
    async with _platform(pg, template_db, f"browserdemo{os.getpid()}") as seeded:
        today = await load_small_demo(seeded.base_url, seeded.auth, J)
        seeded.demo = build_county(0, size=SMALL, jurisdiction=J, today=today)
        yield seeded


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser_context() -> AsyncIterator[BrowserContext]:
    """Debian's Chromium with a fresh profile; downloads accepted."""
    _requirements()
    profile = tempfile.mkdtemp(prefix="xuncha-chromium-")
    try:
        async with async_playwright() as p:
            context = await p.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                accept_downloads=True,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                viewport={"width": 1280, "height": 860},
            )
            try:
                yield context
            finally:
                await context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser_context: BrowserContext) -> AsyncIterator[Page]:
    """A new tab: its own sessionStorage, so each test signs in afresh."""
    tab = await browser_context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    await tab.close()


Shoot = Callable[[Page, str], Awaitable[None]]


@pytest.fixture
def screenshot() -> Shoot:
    """``await screenshot(page, "coverage")``: keep a picture of the page as a test
    artifact (test-artifacts/screenshots/coverage.png); with
    ``XUNCHA_UPDATE_DOCS_SCREENSHOTS=1`` also the README's (docs/screenshots/)."""

    async def shoot(page: Page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.wait_for_timeout(700)  # let the charts finish their entry animation
        await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if os.environ.get("XUNCHA_UPDATE_DOCS_SCREENSHOTS"):
            # The README's pictures: the first screen only, to keep the repository small.
            await page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"))

    return shoot
