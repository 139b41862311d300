"""The public webhook target rule: a webhook is posted only to a public address.

A department names its endpoint by URL; whoever controls that name's DNS decides where the
platform's requests go. So the host is resolved and refused when any of its addresses is
loopback, private (RFC 1918, ULA), link-local (the cloud metadata address among them),
unspecified, multicast, reserved or otherwise not global: once when the subscription is
registered (a clear 422 for the department) and again on every connection, because DNS may
change in between. The connection then goes to the address that was checked (the pin), so a
second lookup cannot swap it; the URL is left as it is, so the ``Host`` header, TLS SNI and
certificate checks still use the name.

``webhook_allow_private_targets`` (tests only; production refuses to start with it) lets a
receiver on loopback through; the connection is still pinned.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[IPAddress]]]

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class TargetRefused(Exception):
    """The target cannot be posted to; ``zh`` and ``en`` say why (no address is named)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def refused_address_reason(ip: IPAddress) -> str | None:
    """Why a webhook may not be posted to ``ip`` (None: a public address)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks: list[tuple[bool, str]] = [
        (ip in METADATA_ADDRESSES, "metadata"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "not global"),
    ]
    return next((reason for refused, reason in checks if refused), None)


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an address literal resolves to itself)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TargetRefused("接收地址的主机名无法解析", "The host name does not resolve") from exc
    # The scope of an IPv6 link-local address ("%eth0") is dropped: such an address is
    # refused anyway.
    return list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
    )


def check_addresses(addresses: Iterable[IPAddress], *, allow_private: bool) -> list[IPAddress]:
    """The addresses, when every one of them may be posted to."""
    checked = list(addresses)
    if not checked:
        raise TargetRefused("接收地址的主机名无法解析", "The host name does not resolve")
    if allow_private:
        return checked
    for ip in checked:
        reason = refused_address_reason(ip)
        if reason is not None:
            raise TargetRefused(
                f"接收地址指向内部或保留地址（{reason}），不予推送",
                f"The target resolves to a {reason} address: webhooks go to public addresses only",
            )
    return checked


def check_scheme(url: httpx.URL, *, production: bool) -> None:
    """Production posts over https only (the signature proves who sent it, not that no one
    read it)."""
    if url.scheme not in ("http", "https"):
        raise TargetRefused("接收地址须为 http(s) 地址", "The URL must be http(s)")
    if production and url.scheme != "https":
        raise TargetRefused("接收地址须为 https 地址", "The URL must be https")


async def checked_target(
    host: str, port: int, *, allow_private: bool, resolve: Resolve = resolve_host
) -> list[IPAddress]:
    """Resolve ``host`` and apply the rule; the addresses a connection may go to."""
    return check_addresses(await resolve(host, port), allow_private=allow_private)


class PinnedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Opens each TCP connection to an address checked by the rule at that moment."""

    def __init__(self, *, allow_private: bool, resolve: Resolve = resolve_host) -> None:
        self._allow_private = allow_private
        self._resolve = resolve
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addresses = await checked_target(
                    host, port, allow_private=self._allow_private, resolve=self._resolve
                )
        except TimeoutError as exc:
            raise TargetRefused("解析接收地址超时", "Resolving the host timed out") from exc
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefused("不向本机套接字推送", "Webhooks are not posted to local sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over :class:`PinnedNetworkBackend`: no proxy from the environment
    (a proxy would make the connection, unchecked)."""

    def __init__(self, *, allow_private: bool, resolve: Resolve = resolve_host) -> None:
        super().__init__(trust_env=False)
        # httpx takes no network backend of its own; its pool is rebuilt with the pinned one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=PinnedNetworkBackend(allow_private=allow_private, resolve=resolve),
        )


def webhook_client(
    *, timeout: float, allow_private: bool, resolve: Resolve = resolve_host
) -> httpx.AsyncClient:
    """The client every delivery is posted with: pinned, redirects never followed."""
    return httpx.AsyncClient(
        transport=PinnedTransport(allow_private=allow_private, resolve=resolve),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
