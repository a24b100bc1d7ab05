"""No request or redirect to loopback, private, link-local or reserved addresses unless allow-listed.

``MARKWATCH_ALLOWED_PRIVATE_HOSTS`` lists origins (``host:port`` or ``scheme://host[:port]``, see
:mod:`shared_db.netsafety`): a request may reach a private address only through the host and port
of an entry, so the demo marketplace is crawled but Elasticsearch or the review UI on other ports of
the same loopback are not. Host names are resolved (every address must be public), so
``metadata.internal`` or a name that points at 10.0.0.1 is refused too. Redirects and image
requests come back through the downloader middlewares as new requests, so they are refused the
same way. The connection's own look-up goes through :class:`PublicOnlyResolver` (``DNS_RESOLVER``),
which refuses a non-public answer for a name that is not an allow-listed host, so a name that
changes its answer between the two look-ups is still refused.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from shared_db.netsafety import allow_listed_hosts, is_allow_listed, is_public_address, parse_allow_list

FAILED_URLS = "markwatch/failed_urls"


def note_failed_url(crawler: Any, request: Any, kind: str) -> None:
    """Record why a start URL gave no page (stat ``markwatch/failed_urls``: URL -> first kind), for reports."""
    url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL asked for, before redirects
    spider = getattr(crawler, "spider", None)
    if spider is None or url not in (getattr(spider, "start_urls", None) or ()):
        return
    failed = dict(crawler.stats.get_value(FAILED_URLS) or {})
    failed.setdefault(url, kind)
    crawler.stats.set_value(FAILED_URLS, failed)


class PrivateAddressBlocked(IgnoreRequest):
    """The URL's host is (or resolves to) a loopback/private/link-local address and its origin is not allow-listed."""


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[str, ...]:
    """Every address ``host`` resolves to (an IP literal resolves to itself); empty when unresolvable."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return (host.strip("[]"),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_reason(url: str, allowed_hosts: Iterable[str]) -> str | None:
    """Why ``url`` must not be fetched, or None when it may be."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not crawled"
    host = (parts.hostname or "").lower()
    if not host:
        return "no host"
    if is_allow_listed(parts, allowed_hosts):
        return None
    for address in resolve(host):
        if not is_public_address(address):
            return f"{parts.netloc} resolves to non-public address {address} and is not an allow-listed origin"
    return None


def _allow_list(crawler: Any) -> tuple[str, ...]:
    entries = tuple(crawler.settings.getlist("MARKWATCH_ALLOWED_PRIVATE_HOSTS"))
    parse_allow_list(entries)  # an entry without a port fails here, before anything is fetched
    return entries


class PrivateAddressMiddleware:
    """Downloader middleware enforcing :func:`blocked_reason` on every request, redirects and images included."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.allowed = _allow_list(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateAddressMiddleware:
        from scrapy import signals

        middleware = cls(crawler)
        # also at scheduling time, before the offsite filter hides a redirect to a private host
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        return middleware

    def request_scheduled(self, request: Any, spider: Any = None) -> None:
        self.process_request(request)

    def process_request(self, request: Any, spider: Any = None) -> None:
        reason = blocked_reason(request.url, self.allowed)
        if reason is not None:
            self.crawler.stats.inc_value("markwatch/blocked/private_address")
            note_failed_url(self.crawler, request, "refused_unsafe")
            raise PrivateAddressBlocked(f"refused {request.url}: {reason}; add its origin (host:port) to "
                                        "MARKWATCH_ALLOWED_PRIVATE_HOSTS only if it is yours")
        return None


class PublicOnlyResolver(CachingThreadedResolver):
    """DNS resolver for connections: a non-public answer for a host that is not allow-listed fails.

    This closes the gap between the middleware's look-up and the connection's own look-up
    (DNS rebinding): whatever address the connection would use is checked again here. The port is
    the middleware's business; here only allow-listed host names (or the literal address) pass.
    """

    allowed: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allowed = allow_listed_hosts(_allow_list(crawler))
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 - Twisted's interface
        return super().getHostByName(name, timeout).addCallback(self.check, name)

    def check(self, address: str, name: str) -> str:
        """``address`` if ``name`` may connect to it, else :class:`DNSLookupError`."""
        if not is_public_address(address) and name.lower().strip("[]") not in self.allowed:
            raise DNSLookupError(f"{name} resolved to non-public address {address}; refused")
        return address
