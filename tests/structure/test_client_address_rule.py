"""Rule *client address from uvicorn only*: code reads a caller's address through
:func:`xuncha_shared.trusted_proxies.client_address`, which uvicorn resolved (a forwarded
header believed only from the configured trusted proxies), and never reads a forwarded
header or ``request.client`` itself."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "shared" / "src" / "xuncha_shared" / "trusted_proxies.py"
FORWARDED_HEADERS = frozenset(
    {"x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "x-client-ip"}
)


def sources() -> Iterator[Path]:
    yield from (ROOT / "shared" / "src").rglob("*.py")
    yield from (ROOT / "src").rglob("*.py")
    yield from (ROOT / "services").glob("*/src/**/*.py")


def client_address_reads(path: Path) -> Iterator[str]:
    """Where ``path`` reads a forwarded header by name or ``<request>.client`` itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "client"
            and isinstance(node.value, ast.Name)
            and node.value.id in {"request", "websocket", "connection"}
        ):
            yield f"line {node.lineno}: {ast.unparse(node)}"
        if (
            isinstance(node, ast.Subscript | ast.Call)
            and any(
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and arg.value.lower() in FORWARDED_HEADERS
                for arg in ast.walk(node)
            )
            and "headers" in ast.unparse(node)
        ):
            yield f"line {node.lineno}: {ast.unparse(node)}"


def test_only_the_trusted_proxies_module_reads_a_client_address() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in sources()
        if path != HOME
        for what in client_address_reads(path)
    ]
    assert not found, "read the caller's address with client_address():\n" + "\n".join(found)


def test_the_rule_catches_what_it_names(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(request):\n"
        "    a = request.headers.get('X-Forwarded-For')\n"
        "    b = request.headers['x-real-ip']\n"
        "    return request.client.host, a, b\n",
        encoding="utf-8",
    )
    assert len(list(client_address_reads(sample))) == 3
    assert list(client_address_reads(HOME))  # the one allowed home does read it
