"""Forwarded headers are believed only from the proxies a deployment names.

A client address matters to the platform in two places: the public report form counts
submissions per address (its rate limit), and sign-ins are counted and audited per address.
Both read ``request.client``, the address uvicorn resolved, and never a forwarded header
themselves (a structure test holds that). Uvicorn replaces ``request.client`` with the last
``X-Forwarded-For`` entry only when the connection comes from a trusted proxy: here, only from
the addresses or networks in the service's ``trusted_proxies`` setting. Left empty (the
default, and the embedded run's), no forwarded header is believed at all, so that a client
writing a different ``X-Forwarded-For`` on each request is still one address.

The gateway sets (never appends to) ``X-Forwarded-For`` to the address it saw, so the one
entry a trusted gateway sends is the real client's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from fastapi import Request

__all__ = ["client_address", "forwarded_header_options", "trusted_proxy_entry"]


def trusted_proxy_entry(entry: str) -> str:
    """One trusted proxy: an IP address or a network in CIDR notation, written canonically.

    Uvicorn would take anything else (``*``, a host name, a typo) as a literal or as "trust
    everyone"; a setting that means either is refused instead of silently trusting.
    """
    text = entry.strip()
    try:
        if "/" in text:
            return str(ipaddress.ip_network(text, strict=False))
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(
            f"trusted_proxies：{entry!r} 不是 IP 地址或 CIDR 网段 / "
            f"trusted_proxies: {entry!r} is not an IP address or a CIDR network"
        ) from None


def forwarded_header_options(trusted_proxies: Sequence[str]) -> dict[str, Any]:
    """The ``uvicorn.Config`` options that believe forwarded headers only from
    ``trusted_proxies`` (none when it is empty)."""
    trusted = [trusted_proxy_entry(p) for p in trusted_proxies]
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


def client_address(request: Request, *, unknown: str = "unknown") -> str:
    """The caller's address as uvicorn resolved it (a trusted proxy's forwarded address,
    or the connection's peer); ``unknown`` when the server gave none."""
    return request.client.host if request.client else unknown
