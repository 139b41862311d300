"""The services keep one shape: SQL in repositories, routers in routes.py, no service
importing another, the web kit's helpers not written again, no prefixed role files, no
worksheet row written outside the one safe helper (rules.py says each).

Code written before the rules is counted in known.json by rule and file, and may only shrink:
a new offence fails, and so does a count that fell without known.json being lowered
(``python -m tests.structure.rules --write`` after moving code into shape). Each rule is
also shown to catch what it names.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.structure import rules


def test_no_new_offence_and_every_allowance_still_needed() -> None:
    known: dict[str, dict[str, int]] = json.loads(rules.KNOWN.read_text(encoding="utf-8"))
    found = rules.offences()
    now = rules.counts(found)
    new = [o for o in found if now[o.rule][o.file] > known.get(o.rule, {}).get(o.file, 0)]
    assert not new, "offences against the services' shape:\n" + "\n".join(
        f"  {o.rule}: {o.file}: {o.what}" for o in new
    )
    stale = {
        (rule, file): (count, now.get(rule, {}).get(file, 0))
        for rule, files in known.items()
        for file, count in files.items()
        if now.get(rule, {}).get(file, 0) < count
    }
    assert not stale, (
        "fewer offences than known.json allows (well done): lower it with "
        "`python -m tests.structure.rules --write`:\n"
        + "\n".join(f"  {r}: {f}: {was} -> {n}" for (r, f), (was, n) in sorted(stale.items()))
    )


def _check(source: str, path: str) -> list[str]:
    file = rules.ROOT / path
    tree = ast.parse(source)
    found = [
        *rules.sql_outside_repository(file, tree),
        *rules.router_outside_routes(file, tree),
        *rules.service_imports_service("findings", file, tree),
        *rules.kit_redefined(file, tree),
        *rules.role_file_prefixed(file),
        *rules.worksheet_cell_by_hand(file, tree),
    ]
    return sorted(o.rule for o in found)


F = "services/findings/src/findings/letters"


@pytest.mark.parametrize(
    ("source", "path", "expected"),
    [
        ("from sqlalchemy import select\n", f"{F}/service.py", ["sql-outside-repository"]),
        (
            "async def f(session):\n    await session.execute(q)\n",
            f"{F}/routes.py",
            ["sql-outside-repository"],
        ),
        ("from sqlalchemy import select\n", f"{F}/repository.py", []),
        ("router = APIRouter()\n", f"{F}/service.py", ["router-outside-routes"]),
        ("router = APIRouter()\n", f"{F}/routes.py", []),
        ("from planning.models import Org\n", f"{F}/service.py", ["service-imports-service"]),
        ("import clues.ledger\n", f"{F}/service.py", ["service-imports-service"]),
        ("from findings.models import Letter\n", f"{F}/service.py", []),
        ("def local_day(m):\n    return m\n", f"{F}/service.py", ["kit-redefined"]),
        ("ERRORS = {401: {}}\n", f"{F}/routes.py", ["kit-redefined"]),
        ("SHANGHAI = ZoneInfo('Asia/Shanghai')\n", f"{F}/service.py", ["kit-redefined"]),
        ("", "services/planning/src/planning/pool/group_routes.py", ["role-file-prefixed"]),
        ("", f"{F}/schemas.py", []),
        ("ws = book.active\nws.append(['=1'])\n", f"{F}/export.py", ["worksheet-cell-by-hand"]),
        (
            "def f(s: Worksheet):\n    s.append(row)\n",
            f"{F}/export.py",
            ["worksheet-cell-by-hand"],
        ),
        (
            "s = book.create_sheet('x')\ns.append(row)\n",
            f"{F}/export.py",
            ["worksheet-cell-by-hand"],
        ),
        ("ws.cell(row=2, column=1, value=text)\n", f"{F}/export.py", ["worksheet-cell-by-hand"]),
        ("ws['A1'].value = text\n", f"{F}/export.py", ["worksheet-cell-by-hand"]),
        ("ws = book.active\nappend_row(ws, row)\nrows.append(row)\n", f"{F}/export.py", []),
        ("ws.cell(row=2, column=1).number_format = '0.00'\n", f"{F}/export.py", []),
        ("sheet = book.active\nsheet.append(headers)\n", rules.SHEET_HELPER, []),
    ],
)
def test_each_rule_catches_what_it_names(source: str, path: str, expected: list[str]) -> None:
    assert _check(source, path) == expected


def test_the_rules_read_every_service() -> None:
    read = {service for service, _ in rules.service_files()}
    assert read == set(rules.SERVICES)
    assert all(Path(rules.ROOT / "services" / s / "src" / s).is_dir() for s in rules.SERVICES)
