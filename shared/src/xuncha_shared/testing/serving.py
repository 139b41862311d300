"""An ASGI app served by uvicorn on a real loopback port, in the test's own event loop: the
platform for the browser tests and the fuzzer, webhook receivers for notify.

The listening socket is made with ``IPPROTO_TCP`` named: asyncio sets ``TCP_NODELAY`` only on
connections whose socket says so, and a ``socket.socket()`` says protocol 0. Without it every
answer on a kept-alive connection waits about 40 ms (Nagle's algorithm holding the body until
the client's delayed acknowledgement of the headers): five times the cost of the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn


def loopback_socket() -> socket.socket:
    """A TCP socket bound to a free port on 127.0.0.1 (its URL before the app exists)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def socket_url(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextlib.asynccontextmanager
async def serving(
    app: Any,
    sock: socket.socket | None = None,
    *,
    startup_seconds: float = 60,
    **config: Any,
) -> AsyncIterator[str]:
    """Serve ``app`` on ``sock`` (a fresh :func:`loopback_socket` if none) until the block
    ends; yields its base URL. ``config`` goes to ``uvicorn.Config`` (lifespan off unless
    given)."""
    sock = sock or loopback_socket()
    config = {"lifespan": "off", "log_config": None, **config}
    server = uvicorn.Server(uvicorn.Config(app, **config))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(startup_seconds):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield socket_url(sock)
    finally:
        server.should_exit = True
        await task
        sock.close()
