"""A service's OpenAPI document that tells the truth about what the service does.

FastAPI's own document knows the routes' parameters and success bodies; it does not know
that every error is ``application/problem+json``, which statuses a route can answer, that an
update needs ``If-Match``, or what an operation should be called. :func:`refine` adds that
from what the routes declare (their dependencies, parameters, methods), so the document is
derived from the code rather than written beside it, and a generated client or a fuzzer can
rely on it:

* operationIds are ``<service>.<routeName>`` (the route function's name in camelCase): one
  convention, stable while the function keeps its name, unique across the platform;
* every 4xx/5xx response is ``application/problem+json`` with the one ``Problem`` schema;
* the statuses a route can answer are declared from what it depends on (a principal: 401
  and 403; a path parameter: 404; a write: 409 and Idempotency-Key; ``If-Match``: 412 and
  428; a page: 400; an upload: 413; the database: 503 with ``Retry-After``);
* ``If-Match`` is required where the route requires it; ``ETag``, ``Location``,
  ``Content-Disposition`` and ``Retry-After`` are declared on the answers that carry them;
* a create links to the operations on what it created (``$response.body#/id``);
* the schemas say what the validators take and the answers carry: a decimal's digits and
  places, a stripped text's real minimum, every field of an answer (``schemas.py``).

The server holds requests to the same document (``http.hold_to_document``, ``http.IsoDate``,
``app.literal_segments_first``), and ``tests/contract`` fuzzes the two against each other.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from xuncha_shared.openapi.document import operation_id, refine
from xuncha_shared.openapi.schemas import teach_schema_generator

__all__ = ["install_openapi", "operation_id", "refine"]


def install_openapi(app: FastAPI) -> None:
    """Serve the refined document at the app's ``openapi_url``, refined once per version of
    FastAPI's own (which FastAPI rebuilds when routes change)."""
    teach_schema_generator()
    generate = app.openapi
    # The raw document FastAPI holds, and ours refined from it.
    refined: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def openapi() -> dict[str, Any]:
        raw = generate()
        if not refined or refined[0][0] is not raw:
            refined[:] = [(raw, refine(raw, app))]
        return refined[0][1]

    app.openapi = openapi  # type: ignore[method-assign]
