"""The rules of a service's shape, read from the source with :mod:`ast`.

Each rule yields ``(file, what)`` offences; a file is named relative to the repository.

- ``sql-outside-repository``: SQL is built or run only in a feature's ``repository.py`` (or a
  ``repository/`` package), its ``models.py``, a projection handler's module
  (``handlers.py``) and the service's ``app.py``;
- ``router-outside-routes``: an ``APIRouter`` is made only in ``routes.py``;
- ``service-imports-service``: a service never imports another service's package;
- ``kit-redefined``: the web kit's helpers are not written again (a ``local_day``, a cursor
  decoder, an error-response dict, a Beijing time zone, an XLSX media type);
- ``role-file-prefixed``: a role file carries no prefix (``group_routes.py``): a prefix is a
  feature folder waiting to be made;
- ``worksheet-cell-by-hand``: a worksheet row is written only by
  ``xuncha_shared.exports.append_row`` (control characters dropped, a formula-like text kept
  as text), never by a sheet's own ``append``, ``cell(..., value=...)`` or ``.value =``; the
  shared library is read for this rule too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("planning", "findings", "clues", "rectification", "notify", "accounts")

# The names that build SQL; importing them is writing SQL.
SQL_BUILDERS = frozenset(
    {"select", "insert", "update", "delete", "text", "func", "and_", "or_", "exists", "union"}
)
# Session and connection methods that run SQL.
SQL_RUNNERS = frozenset({"execute", "scalar", "scalars", "stream", "get", "merge"})
SQL_HOMES = frozenset({"repository.py", "models.py", "handlers.py", "app.py"})

KIT_FUNCTIONS = frozenset(
    {"local_day", "time_id_key", "upsert", "versioned", "_versioned", "org_uuid", "_org_uuid"}
)
KIT_CONSTANTS = frozenset({"ERRORS", "VERSIONED", "CONFLICT", "CHANGE", "SHANGHAI", "XLSX"})


@dataclass(frozen=True, order=True)
class Offence:
    rule: str
    file: str
    what: str


def service_files() -> Iterator[tuple[str, Path]]:
    """Every production module of every service, with its service's name."""
    for name in SERVICES:
        for path in sorted((ROOT / "services" / name / "src" / name).rglob("*.py")):
            yield name, path


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


ROLES = ("models", "schemas", "repository", "service", "routes", "handlers", "jobs")


def _in_sql_home(path: Path) -> bool:
    return path.name in SQL_HOMES or path.parent.name == "repository"


def role_file_prefixed(path: Path) -> Iterator[Offence]:
    stem = path.stem
    for role in ROLES:
        if stem.endswith(f"_{role}"):
            yield Offence("role-file-prefixed", _relative(path), path.name)


def sql_outside_repository(path: Path, tree: ast.Module) -> Iterator[Offence]:
    if _in_sql_home(path):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            for alias in node.names:
                if alias.name in SQL_BUILDERS:
                    yield Offence("sql-outside-repository", _relative(path), alias.name)
        if (
            isinstance(node, ast.Await)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in SQL_RUNNERS
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id in {"session", "conn", "connection"}
        ):
            yield Offence("sql-outside-repository", _relative(path), f".{node.value.func.attr}()")


def router_outside_routes(path: Path, tree: ast.Module) -> Iterator[Offence]:
    if path.name == "routes.py":
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "APIRouter":
            yield Offence("router-outside-routes", _relative(path), "APIRouter()")


def service_imports_service(service: str, path: Path, tree: ast.Module) -> Iterator[Offence]:
    others = set(SERVICES) - {service}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in others:
                yield Offence("service-imports-service", _relative(path), name)


def kit_redefined(path: Path, tree: ast.Module) -> Iterator[Offence]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name in KIT_FUNCTIONS or "cursor" in node.name
        ):
            yield Offence("kit-redefined", _relative(path), f"def {node.name}")
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in KIT_CONSTANTS:
                yield Offence("kit-redefined", _relative(path), target.id)


SHEET_HELPER = "shared/src/xuncha_shared/exports.py"


def _worksheet_names(tree: ast.Module) -> set[str]:
    """Names bound to a worksheet: ``book.active``, ``book.create_sheet(...)``, or a
    parameter annotated ``Worksheet``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            is_sheet = (isinstance(value, ast.Attribute) and value.attr == "active") or (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr == "create_sheet"
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if is_sheet:
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.arg) and "Worksheet" in ast.unparse(
            node.annotation or ast.Pass()
        ):
            names.add(node.arg)
    return names


def worksheet_cell_by_hand(path: Path, tree: ast.Module) -> Iterator[Offence]:
    if _relative(path) == SHEET_HELPER:
        return
    sheets = _worksheet_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver, method = node.func.value, node.func.attr
            if method == "append" and isinstance(receiver, ast.Name) and receiver.id in sheets:
                yield Offence("worksheet-cell-by-hand", _relative(path), f"{receiver.id}.append()")
            if method == "cell" and (
                len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)
            ):
                yield Offence("worksheet-cell-by-hand", _relative(path), ".cell(value=...)")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "value"
                    and isinstance(target.value, ast.Subscript | ast.Call)
                ):
                    yield Offence("worksheet-cell-by-hand", _relative(path), ".value =")


def shared_files() -> Iterator[Path]:
    """Every production module of the shared library."""
    yield from sorted((ROOT / "shared" / "src" / "xuncha_shared").rglob("*.py"))


def offences() -> list[Offence]:
    """Every offence in the services today, sorted."""
    found: list[Offence] = []
    for service, path in service_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += sql_outside_repository(path, tree)
        found += router_outside_routes(path, tree)
        found += service_imports_service(service, path, tree)
        found += kit_redefined(path, tree)
        found += role_file_prefixed(path)
        found += worksheet_cell_by_hand(path, tree)
    for path in shared_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += worksheet_cell_by_hand(path, tree)
    return sorted(set(found))


def counts(found: list[Offence]) -> dict[str, dict[str, int]]:
    """Offences counted by rule, then file."""
    table: dict[str, dict[str, int]] = {}
    for o in found:
        table.setdefault(o.rule, {}).setdefault(o.file, 0)
        table[o.rule][o.file] += 1
    return table


KNOWN = Path(__file__).with_name("known.json")

if __name__ == "__main__":
    # `python -m tests.structure.rules --write`: after moving code into shape, lower the counts.
    import json
    import sys

    table = counts(offences())
    if "--write" in sys.argv:
        KNOWN.write_text(json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(json.dumps({rule: sum(files.values()) for rule, files in table.items()}))
