"""What the deployment sends out to: a department's webhook endpoint and the mail server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from xuncha_shared.testing.plugin import eventually

from tests.distributed.processes import free_port


class Mailbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Rcpt-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class WebhookReceiver:
    """A department system's endpoint on 127.0.0.1: keeps what it gets, answers 204."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Delivery] = []
        app = FastAPI()

        @app.post("/hooks/xuncha")
        async def receive(request: Request) -> Response:
            self.received.append(Delivery(dict(request.headers), await request.body()))
            return Response(status_code=204)

        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/xuncha"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        await eventually(lambda: self._server.started, timeout=10)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


def signature_ok(secret: str, d: Delivery) -> bool:
    """Standard Webhooks: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{d.headers['webhook-id']}.{d.headers['webhook-timestamp']}.".encode() + d.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        version == "v1" and hmac.compare_digest(value, expected)
        for version, _, value in (p.partition(",") for p in d.headers["webhook-signature"].split())
    )
