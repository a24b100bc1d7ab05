"""Is a URL safe to fetch on a user's behalf? Rejects loopback, private, link-local and reserved targets.

Used by the review UI (suspect reports) and the crawler. The host is resolved and *every* address
it resolves to must be public, so ``localhost`` or a DNS name pointing at ``10.0.0.1`` is refused as
well as the literal addresses (including ``127.1``, ``0x7f000001``, ``[::1]`` and IPv4-mapped IPv6).

The only exception is an allow-listed *origin* (``MARKWATCH_ALLOWED_PRIVATE_HOSTS``): ``host:port``
(any http(s) scheme) or ``scheme://host[:port]``. It opens that one port of that host as written,
never its other ports (Elasticsearch and the review UI live on the demo's loopback too).

What a refused host resolves to is logged, never told to the user: the message would otherwise
be an oracle for internal DNS names.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from shared_db.messages import reports

log = logging.getLogger(__name__)

Resolver = Callable[[str], list[str]]
ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", re.IGNORECASE)
NOT_ALLOWED = reports.NOT_ALLOWED()


class UnsafeURLError(ValueError):
    """The URL points somewhere markwatch must not fetch (or is not a usable http(s) URL)."""


class AllowListError(ValueError):
    """An allow-list entry is not ``host:port`` or an http(s) origin."""


class Origin(NamedTuple):
    """One allow-listed target: ``scheme`` None means http or https."""

    scheme: str | None
    host: str
    port: int


def url_origin(url: str | SplitResult) -> Origin | None:
    """(scheme, host, port) of an http(s) URL, the scheme's default port filled in; None if it has none."""
    parts = urlsplit(url) if isinstance(url, str) else url
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return Origin(scheme, host.lower(), port or DEFAULT_PORTS[scheme])


def same_origin(first: str, second: str) -> bool:
    """True when both URLs have the same scheme, host and port."""
    origin = url_origin(first)
    return origin is not None and origin == url_origin(second)


def parse_origin(entry: str) -> Origin:
    """An allow-list entry as an :class:`Origin`; :class:`AllowListError` when it is not one port of one host."""
    text = entry.strip()
    has_scheme = "://" in text
    try:
        parts = urlsplit(text if has_scheme else f"//{text}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = parts = None
    scheme = parts.scheme.lower() if parts and has_scheme else None
    valid = (parts is not None and host is not None and _is_host(host) and parts.path in ("", "/")
             and not parts.query and not parts.fragment and "@" not in parts.netloc
             and (scheme is None or scheme in DEFAULT_PORTS))
    if valid and scheme and port is None and not parts.netloc.endswith(":"):  # type: ignore[union-attr]
        port = DEFAULT_PORTS[scheme]  # an origin without a port means its scheme's default port
    if not valid or not port:
        raise AllowListError(
            f"MARKWATCH_ALLOWED_PRIVATE_HOSTS entry {entry!r} is not host:port or an origin: write "
            "127.0.0.1:8800 or http://127.0.0.1:8800 (a bare host would open every port of it)")
    return Origin(scheme, str(host).lower(), port)


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOST_NAME.fullmatch(host))


@lru_cache(maxsize=64)
def parse_allow_list(entries: tuple[str, ...]) -> frozenset[Origin]:
    """Every entry parsed (see :func:`parse_origin`)."""
    return frozenset(parse_origin(entry) for entry in entries)


def is_allow_listed(url: str | SplitResult, allowed: Iterable[str]) -> bool:
    """True when the URL's scheme, host (as written) and port match an allow-list entry."""
    origin = url_origin(url)
    if origin is None:
        return False
    return any(entry.host == origin.host and entry.port == origin.port
               and entry.scheme in (None, origin.scheme) for entry in parse_allow_list(tuple(allowed)))


def allow_listed_hosts(allowed: Iterable[str]) -> frozenset[str]:
    """The host names of the allow-list entries (any port)."""
    return frozenset(entry.host for entry in parse_allow_list(tuple(allowed)))


def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to, via the system resolver; empty when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
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

    ``allowed_hosts`` lists allow-listed origins (``host:port`` or ``scheme://host[:port]``, the local
    demo marketplace) exempt from the check. Raises :class:`UnsafeURLError` otherwise; a refused
    address gets :data:`NOT_ALLOWED` only, whatever the reason, and the reason goes to the log.
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise UnsafeURLError(reports.URL_TOO_LONG(limit=MAX_URL_LENGTH))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURLError(reports.URL_SCHEME())
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise UnsafeURLError(reports.URL_MALFORMED(error=exc)) from exc
    if not host:
        raise UnsafeURLError(reports.URL_NO_HOST())
    if is_allow_listed(parts, allowed_hosts):
        return url
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolver(host)
    blocked = [a for a in addresses if not is_public_address(a)]
    if not addresses or blocked:
        log.warning("refused to fetch %s: %s", url,
                    f"{host} resolves to non-public {', '.join(blocked)}" if blocked else f"{host} does not resolve")
        raise UnsafeURLError(NOT_ALLOWED)
    return url
