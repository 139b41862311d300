"""Metrics, JSON logs with trace ids, and the request middleware that ties them together."""

from __future__ import annotations

import logging
import sys
import time
import traceback
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xuncha_shared.tracing import current_traceparent, new_traceparent, parse_traceparent, trace_id


@dataclass(frozen=True)
class Metrics:
    """One service's Prometheus metrics, in a registry of its own (nothing global)."""

    registry: CollectorRegistry
    requests: Counter
    request_seconds: Histogram
    relay_published: Counter
    events_consumed: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry(auto_describe=True)
        return cls(
            registry=registry,
            requests=Counter(
                "xuncha_http_requests",
                "HTTP requests by route and status",
                ["method", "route", "status"],
                registry=registry,
            ),
            request_seconds=Histogram(
                "xuncha_http_request_seconds",
                "HTTP request latency",
                ["method", "route"],
                registry=registry,
            ),
            relay_published=Counter(
                "xuncha_outbox_published",
                "Outbox rows published to the bus",
                registry=registry,
            ),
            events_consumed=Counter(
                "xuncha_events_consumed",
                "Events consumed by outcome (handled, skipped, dead_lettered)",
                ["outcome"],
                registry=registry,
            ),
        )


access_log = logging.getLogger("xuncha.access")
error_log = logging.getLogger("xuncha.errors")


def log_unexpected_error(request: Request, exc: BaseException) -> None:
    """Log an error nothing expected: its type, the route, the trace id and where it
    happened (the traceback's frames), never its message. A message may carry what the
    request sent or a statement's values (a citizen's report, a name, a phone number); the
    trace id finds the request, the frames find the line."""
    route = getattr(request.scope.get("route"), "path", "unmatched")
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    error_log.error(
        "unexpected %s on %s %s",
        kind,
        request.method,
        route,
        extra={
            "error_type": kind,
            "route": route,
            "trace_id": trace_id(),
            "frames": "".join(traceback.format_tb(exc.__traceback__)),
        },
    )


class _TraceFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = trace_id()
        return True


def configure_logging(level: str = "INFO", *, json_format: bool = True) -> None:
    """JSON log lines with a trace id on stderr. Idempotent: safe to call per app."""
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        if getattr(h, "_xuncha", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler._xuncha = True  # type: ignore[attr-defined]
    handler.addFilter(_TraceFilter())
    if json_format:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    # aiokafka logs an ERROR ~10 times a second per client while a broker is away; the relay
    # and consumer report outages themselves (one warning per back-off), so keep only its worst.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)


def internal_error_response(request: Request) -> JSONResponse:
    """The 500 answer to an unexpected error, as problem+json."""
    from xuncha_shared.problems import problem_response  # problems' handlers log through here

    return problem_response(
        request,
        status=500,
        code="internal",
        title="Internal error",
        message_zh="服务器内部错误",
        message_en="Internal server error",
    )


class RequestObservability:
    """Pure ASGI middleware (no ``BaseHTTPMiddleware`` task and body streams per request):
    sets the trace context from ``traceparent`` (or starts one), echoes it on the response,
    answers an unexpected error with a 500 problem, writes the access log and counts."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        incoming = parse_traceparent(request.headers.get("traceparent"))
        traceparent = new_traceparent(incoming)
        token = current_traceparent.set(traceparent)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_trace(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)["traceparent"] = traceparent
            await send(message)

        try:
            try:
                await self.app(scope, receive, send_with_trace)
            except Exception as exc:
                if response_started:
                    raise
                # Answered here, so the server's own handler never logs it with its message.
                log_unexpected_error(request, exc)
                await internal_error_response(request)(scope, receive, send_with_trace)
            elapsed = time.perf_counter() - started
            # Paths and status only: bodies and query strings may carry personal data.
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.url.path,
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                },
            )
        finally:
            current_traceparent.reset(token)
        route = scope.get("route")
        path = getattr(route, "path", "unmatched")
        self.metrics.requests.labels(request.method, path, str(status)).inc()
        self.metrics.request_seconds.labels(request.method, path).observe(elapsed)
