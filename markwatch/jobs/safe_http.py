"""An httpx client that connects only where the crawler may: every request URL is checked with
:func:`crawlers.safety.blocked_reason` (scheme, allow-listed origins, every resolved address public), and the
connection itself resolves the host once more and connects to a checked address, so a name that changes its
answer between the two look-ups (DNS rebinding) is still refused — as the crawler's ``PublicOnlyResolver`` does.
Redirects are not followed by the client: callers check each hop.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from shared_db.netsafety import allow_listed_hosts, is_public_address


class PublicOnlyBackend(httpcore.SyncBackend):
    """Connects to a host's first resolved address after checking that every one is public (or the host allowed)."""

    def __init__(self, allowed_hosts: frozenset[str]) -> None:
        self.allowed_hosts = allowed_hosts

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        name = host.strip("[]").lower()
        try:
            addresses = [str(info[4][0]) for info in socket.getaddrinfo(name, port, proto=socket.IPPROTO_TCP)]
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host} does not resolve: {exc}") from exc
        if name not in self.allowed_hosts and (not addresses or not all(map(is_public_address, addresses))):
            raise httpcore.ConnectError(f"{host} resolved to a non-public address; refused")
        return super().connect_tcp(addresses[0], port, timeout=timeout, local_address=local_address,
                                   socket_options=socket_options)


class PublicOnlyTransport(httpx.HTTPTransport):
    def __init__(self, allowed: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        ssl_context = self._pool._ssl_context  # noqa: SLF001 - httpx builds it from ``verify``; keep it
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context,
                                             network_backend=PublicOnlyBackend(allow_listed_hosts(tuple(allowed))))


def blocked(url: str, allowed: Iterable[str]) -> str | None:
    """Why the crawler would not fetch ``url`` (None: it may)."""
    from crawlers.safety import blocked_reason

    return blocked_reason(url, tuple(allowed))


def public_client(allowed: Iterable[str], *, timeout: float, user_agent: str) -> httpx.Client:
    """A client whose connections go only to public addresses or the allow-listed hosts; no redirects followed."""
    allowed = tuple(allowed)
    return httpx.Client(transport=PublicOnlyTransport(allowed), timeout=timeout, follow_redirects=False,
                        headers={"User-Agent": user_agent}, trust_env=False)
