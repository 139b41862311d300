"""The published language, written down: JSON Schema, AsyncAPI and a README from the catalog.

``render()`` builds every file of ``docs/events/`` from :data:`~xuncha_shared.events.catalog.
CATALOG` and nothing else, deterministically (sorted keys, catalog order, trailing newline),
so a test can compare the committed files with a fresh rendering:

- ``schemas/<type>.schema.json``: the schema of one event type's ``data`` (JSON Schema draft
  2020-12), the event model's own; its ``$id`` is the ``dataschema`` every envelope of the
  type carries, so a consumer holding an event can find the schema its data adheres to;
- ``schemas/<type>.cloudevent.schema.json``: the whole CloudEvents envelope of the type, with
  ``data`` a reference to the schema above (a relative one, which resolves the same way
  against the ``$id`` and against the file's location);
- ``asyncapi.yaml``: an AsyncAPI 3.0.0 document with a channel per producer topic and per
  dead-letter topic, a message per event type (its payload the envelope schema) and a
  ``send`` operation per producer. ``tools/asyncapi`` validates it with the AsyncAPI
  project's own parser (``make asyncapi-check``);
- ``README.md``: a table of every event type.

Modules: :mod:`.schemas` the JSON Schemas with their ids and paths, :mod:`.asyncapi` the
AsyncAPI document, :mod:`.readme` the table; this module renders, checks and writes them all,
and ``__main__`` is the command line.

Regenerate with ``uv run --no-sync python -m xuncha_shared.events.docs``; ``--check`` exits 1
naming the stale files instead of writing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.events.docs.asyncapi import asyncapi, to_yaml
from xuncha_shared.events.docs.readme import readme
from xuncha_shared.events.docs.schemas import (
    ASYNCAPI_PATH,
    DOCS_DIR,
    README_PATH,
    SCHEMAS_DIR,
    data_schema,
    envelope_schema_path,
    event_schema,
    schema_id,
    schema_path,
    to_json,
)

__all__ = [
    "ASYNCAPI_PATH",
    "DOCS_DIR",
    "README_PATH",
    "SCHEMAS_DIR",
    "asyncapi",
    "check",
    "data_schema",
    "envelope_schema_path",
    "event_schema",
    "main",
    "readme",
    "render",
    "schema_id",
    "schema_path",
    "write",
]


def render() -> dict[Path, str]:
    """Every file of ``docs/events/``: path relative to the repository root → content."""
    files = {schema_path(t): to_json(data_schema(cls)) for t, cls in CATALOG.items()}
    files |= {envelope_schema_path(t): to_json(event_schema(cls)) for t, cls in CATALOG.items()}
    files[ASYNCAPI_PATH] = to_yaml(asyncapi())
    files[README_PATH] = readme()
    return dict(sorted(files.items()))


def _extra_schemas(root: Path, expected: dict[Path, str]) -> list[Path]:
    directory = root / SCHEMAS_DIR
    if not directory.is_dir():
        return []
    found = (p.relative_to(root) for p in directory.iterdir() if p.is_file())
    return sorted(p for p in found if p not in expected)


def _differs(path: Path, content: str) -> bool:
    try:
        return path.read_bytes() != content.encode()
    except FileNotFoundError:
        return True


def check(root: Path) -> list[Path]:
    """Stale files, relative to ``root``: rendered files that are missing or differ, and
    files in ``docs/events/schemas`` that no catalog type renders. Empty when up to date."""
    expected = render()
    stale = [path for path, content in expected.items() if _differs(root / path, content)]
    return sorted(stale + _extra_schemas(root, expected))


def write(root: Path) -> list[Path]:
    """Bring ``docs/events/`` under ``root`` up to date; returns the relative paths it
    created, rewrote or removed (empty when nothing was stale). Unchanged files are not
    touched."""
    expected = render()
    changed: list[Path] = []
    for path, content in expected.items():
        target = root / path
        if _differs(target, content):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode())
            changed.append(path)
    for path in _extra_schemas(root, expected):
        (root / path).unlink()
        changed.append(path)
    return sorted(changed)


def _find_root(start: Path) -> Path:
    """The workspace root (the directory holding ``uv.lock``) at or above ``start``."""
    for directory in (start, *start.parents):
        if (directory / "uv.lock").is_file():
            return directory
    return start


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write the docs, or with ``--check`` report stale ones and exit 1."""
    parser = argparse.ArgumentParser(
        prog="python -m xuncha_shared.events.docs",
        description="Generate docs/events/ (JSON Schema, AsyncAPI, README) from the catalog.",
    )
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument(
        "--root", type=Path, default=None, help="repository root (default: the uv workspace)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root or _find_root(Path.cwd())
    if args.check:
        stale = check(root)
        if stale:
            names = "\n".join(f"  {p}" for p in stale)
            print(
                f"event docs are stale:\n{names}\n"
                "regenerate with: uv run --no-sync python -m xuncha_shared.events.docs",
                file=sys.stderr,
            )
            return 1
        print("event docs are up to date")
        return 0
    changed = write(root)
    for path in changed:
        print(f"{'updated' if (root / path).exists() else 'removed'} {path}")
    if not changed:
        print("event docs are up to date")
    return 0
