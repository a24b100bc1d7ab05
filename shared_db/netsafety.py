"""Is a URL safe to fetch on a user's behalf? Rejects loopback, private, link-local and reserved targets.

Used by the review UI (suspect reports) and reusable by the crawler. The host is resolved and
*every* address it resolves to must be public, so ``localhost`` or a DNS name pointing at
``10.0.0.1`` is refused as well as the literal addresses (including ``127.1``, ``0x7f000001``,
``[::1]`` and IPv4-mapped IPv6).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Resolver = Callable[[str], list[str]]
ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048


class UnsafeURLError(ValueError):
    """The URL points somewhere markwatch must not fetch (or is not a usable http(s) URL)."""


def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to, via the system resolver."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURLError(f"the host {host!r} cannot be resolved; check the URL") from exc
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """True when ``address`` is a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
                or ip.is_multicast or ip.is_unspecified or not ip.is_global)


def check_public_url(url: str, *, allowed_hosts: Iterable[str] = (),
                     resolver: Resolver = system_resolver) -> str:
    """Return ``url`` (stripped) if it is an http(s) URL whose host resolves only to public addresses.

    ``allowed_hosts`` lists host names or addresses exempt from the check (a local demo marketplace).
    Raises :class:`UnsafeURLError` saying what is wrong otherwise.
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise UnsafeURLError(f"give an http(s) URL of at most {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURLError("only http:// and https:// URLs can be reported")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise UnsafeURLError(f"the URL is malformed: {exc}") from exc
    if not host:
        raise UnsafeURLError("the URL has no host name")
    if host in set(allowed_hosts):
        return url
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolver(host)
    if not addresses:
        raise UnsafeURLError(f"the host {host!r} does not resolve to any address")
    blocked = [a for a in addresses if not is_public_address(a)]
    if blocked:
        raise UnsafeURLError(
            f"the host {host!r} points to a loopback, private, link-local or reserved address "
            f"({', '.join(blocked)}); only public listings can be reported"
        )
    return url
