"""Headless Chromium (Debian's) that obeys the crawler's network rules on every request it makes.

Every request of a page — the document, its redirects, scripts, images, ``fetch``/XHR, frames —
passes :class:`RequestGuard`: it is refused unless :func:`crawlers.safety.blocked_reason` allows
its URL (the private-address rule and the ``host:port`` allow-list), then fetched *by the guard*
without following redirects, so a redirect's target is checked before the browser asks for it (the
browser's request for the target comes back through the guard), and a body over the size limit is
refused. WebSockets are checked the same way and closed when refused. Service workers, downloads
and non-proxied WebRTC are off, so nothing goes around the guard.

Used by rendered crawls (:mod:`crawlers.render`, profiles with ``render = true``) and by screenshot
evidence (:mod:`markwatch.jobs.screenshots`).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from crawlers.safety import blocked_reason

LAUNCH_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp", "--disable-features=DnsOverHttps",
)
VIEWPORT = {"width": 1280, "height": 900}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class BrowserUnavailable(RuntimeError):
    """The configured Chromium executable is missing; install Debian's ``chromium`` package."""


def launch_options(executable: Path | str) -> dict[str, Any]:
    """Playwright ``launch()`` options for the local Chromium (never a downloaded browser)."""
    path = Path(executable)
    if not path.exists():
        raise BrowserUnavailable(f"no browser at {path}: `apt-get install chromium` or set "
                                 "MARKWATCH_BROWSER_EXECUTABLE to a Chromium executable")
    return {"executable_path": str(path), "headless": True, "args": list(LAUNCH_ARGS),
            "chromium_sandbox": False, "handle_sigint": False, "handle_sigterm": False}


def context_options(user_agent: str) -> dict[str, Any]:
    """``new_context()`` options: no service workers (they would bypass the routes), no downloads."""
    return {"service_workers": "block", "accept_downloads": False, "viewport": dict(VIEWPORT),
            "user_agent": user_agent, "java_script_enabled": True}


class RequestGuard:
    """Playwright route and WebSocket handlers that apply the crawler's network rules.

    ``blocked`` counts refusals by kind (``private_address``, ``too_large``, ``failed``), ``refused``
    keeps the refused URLs and ``failures`` why fetches failed (for the crawl stats and the screenshot
    record).
    """

    def __init__(self, allowed_hosts: Iterable[str], *, max_bytes: int, timeout_seconds: float) -> None:
        self.allowed = tuple(allowed_hosts)
        self.max_bytes = max_bytes
        self.timeout_ms = timeout_seconds * 1000
        self.blocked: Counter[str] = Counter()
        self.refused: list[str] = []
        self.failures: list[str] = []

    async def reason(self, url: str) -> str | None:
        """Why ``url`` must not be fetched (the host is resolved off the event loop), or None."""
        return await asyncio.to_thread(blocked_reason, url, self.allowed)

    def _refuse(self, kind: str, url: str) -> None:
        self.blocked[kind] += 1
        if len(self.refused) < 100:
            self.refused.append(url)

    async def route(self, route: Any, request: Any) -> None:
        """Handle one request of the page: refuse it, or fetch it here and hand the response over."""
        from playwright.async_api import Error as PlaywrightError

        url = request.url
        if await self.reason(url) is not None:
            self._refuse("private_address", url)
            await route.abort("blockedbyclient")
            return
        try:
            response = await route.fetch(max_redirects=0, timeout=self.timeout_ms)
        except PlaywrightError as exc:
            self.blocked["failed"] += 1
            if len(self.failures) < 20:
                self.failures.append(f"{url}: {str(exc).splitlines()[0][:300]}")
            await route.abort("failed")
            return
        location = response.headers.get("location")
        if response.status in REDIRECT_STATUSES and location:
            target = urljoin(url, location)
            if await self.reason(target) is not None:
                self._refuse("private_address", target)
                await route.abort("blockedbyclient")
                return
        length = response.headers.get("content-length", "")
        if (length.isdigit() and int(length) > self.max_bytes) or len(await response.body()) > self.max_bytes:
            self._refuse("too_large", url)
            await route.abort("blockedbyclient")
            return
        await route.fulfill(response=response)

    async def websocket(self, ws: Any) -> None:
        """Connect a page's WebSocket only when its http(s) twin URL may be fetched."""
        http_url = "http" + ws.url[2:] if ws.url.startswith("ws") else ws.url
        if await self.reason(http_url) is not None:
            self._refuse("private_address", ws.url)
            await ws.close(code=1008, reason="refused")
            return
        ws.connect_to_server()

    async def install(self, target: Any) -> None:
        """Route every request and WebSocket of a page or browser context through this guard."""
        await target.route("**/*", self.route)
        await target.route_web_socket("**/*", self.websocket)
