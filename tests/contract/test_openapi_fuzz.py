"""The committed OpenAPI documents tell the truth: schemathesis, with every check, finds no
failure in any service: for the office with every phase (examples, coverage, fuzzing,
stateful), and for the roles that see less (a group member, an inspected org, the
discipline commission) with the generated and stateful ones.

The platform runs on a real port over a real PostgreSQL, filled with the small demo county
through the same REST APIs, so generated requests reach real records. The schedulers are off:
webhook and e-mail deliveries would otherwise go to whatever addresses the fuzzer invents,
and nothing here may leave this machine. ``schemathesis.toml`` says which statuses count as
"a rule the schema cannot express"; everything else must be in the document.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from xuncha_shared.auth import Role, mint_dev_token
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES

from tests.platform_server import Served, load_small_demo, serve_platform

ROOT = Path(__file__).resolve().parents[2]
J = "410825"
REPORTS = ROOT / "test-artifacts" / "schemathesis"
ALL_PHASES = "examples,coverage,fuzzing,stateful"
# The office reaches every operation's logic, so it gets every phase, the coverage phase's
# boundary values of every parameter included (most of the run's time). The narrower roles
# are refused earlier; they get the generated and stateful phases, to find what they may
# reach that the document does not say.
RUNS = {
    "office": (ALL_PHASES, 5),
    "group": ("examples,fuzzing,stateful", 3),
    "inspected": ("examples,fuzzing,stateful", 3),
    "discipline": ("examples,fuzzing,stateful", 3),
}

pytestmark = pytest.mark.timeout(1800)


@dataclass(frozen=True)
class Fuzzed:
    served: Served
    tokens: dict[str, str]


async def _get(client: httpx.AsyncClient, token: str, path: str) -> dict[str, object]:
    response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def _role_tokens(served: Served) -> dict[str, str]:
    """A token per role, each for someone the demo gave records to."""

    def token(role: Role, **claims: Any) -> str:
        return mint_dev_token(
            served.auth,
            subject=claims.pop("subject", f"fuzz-{role}"),
            roles=[role],
            jurisdiction=J,
            name="模糊测试",
            **claims,
        )

    office = token(Role.office)
    async with httpx.AsyncClient(base_url=served.base_url, timeout=60) as client:
        problems = await _get(client, office, "/api/findings/problems?limit=1")
        clues = await _get(client, office, "/api/clues/clues?limit=1")
    problem = problems["items"][0]  # type: ignore[index]
    clue = clues["items"][0]  # type: ignore[index]
    return {
        "office": office,
        "group": token(Role.group, subject=problem["created_by"]),
        "inspected": token(Role.inspected, org_id=problem["org_id"]),
        "discipline": token(Role.discipline, org_id=clue["recipient_org_id"]),
    }


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fuzzed(pg: LocalPostgres, template_db: str) -> AsyncIterator[Fuzzed]:
    name = f"fuzz{os.getpid()}"
    async with serve_platform(
        pg, template_db, name, settings={"scheduler_enabled": False}
    ) as served:
        await load_small_demo(served.base_url, served.auth, J)
        yield Fuzzed(served, await _role_tokens(served))


@pytest.mark.parametrize("role", list(RUNS))
@pytest.mark.parametrize("service", SERVICES)
async def test_document_holds_under_fuzzing(fuzzed: Fuzzed, service: str, role: str) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{service}-{role}.txt"
    phases, examples = RUNS[role]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(ROOT / "docs" / "openapi" / f"{service}.json"),
        "--url",
        fuzzed.served.base_url,
        "--header",
        f"Authorization: Bearer {fuzzed.tokens[role]}",
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        str(examples),
        "--seed",
        "20261206",
        # One worker: hypothesis' lambda-source cache is not thread-safe.
        "--workers",
        "1",
        "--no-color",
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.fuzz_checks"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    # The platform serves from this event loop: wait without blocking it.
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    report.write_text(text, encoding="utf-8")
    assert process.returncode == 0, f"schemathesis found failures ({report}):\n{text[-20000:]}"
