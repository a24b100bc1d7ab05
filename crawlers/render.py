"""Rendered crawls: pages of a ``render = true`` profile are loaded in the guarded headless Chromium.

:class:`RenderMiddleware` sends the spider's own page requests (not robots.txt, not images) to
scrapy-playwright, waiting for the network to go quiet so that listings filled in by scripts are
in the HTML the spider reads; :class:`SafePlaywrightHandler` is scrapy-playwright's download
handler with :class:`crawlers.browser.RequestGuard` routing every request the browser makes. The
page timeout is ``MARKWATCH_RENDER_TIMEOUT_SECONDS``, the concurrency limit
``MARKWATCH_RENDER_MAX_PAGES`` pages at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawlers.browser import RequestGuard, context_options, launch_options

RENDER_KEY = "MARKWATCH_RENDER"


class SafePlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler whose per-page request routing is :class:`RequestGuard`.

    scrapy-playwright routes each page with one handler that sends every request straight to the
    network; here that handler is the guard, and each browser context guards WebSockets too.
    Requests without ``meta["playwright"]`` go through Scrapy's HTTP handler as usual.
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.guard = RequestGuard(crawler.settings.getlist("MARKWATCH_ALLOWED_PRIVATE_HOSTS"),
                                  max_bytes=crawler.settings.getint("DOWNLOAD_MAXSIZE"),
                                  timeout_seconds=crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        crawler.signals.connect(self._record_stats, signal=signals.spider_closed)

    def _make_request_handler(self, *args: Any, **kwargs: Any) -> Any:
        return self.guard.route

    async def _create_browser_context(self, name: str, context_kwargs: dict[str, Any] | None,
                                      spider: Any = None) -> Any:
        wrapper = await super()._create_browser_context(name, context_kwargs, spider)
        await wrapper.context.route_web_socket("**/*", self.guard.websocket)
        return wrapper

    def _record_stats(self, spider: Any = None) -> None:
        for kind, count in self.guard.blocked.items():
            key = "markwatch/blocked/private_address" if kind == "private_address" else f"markwatch/render/{kind}"
            self.stats.inc_value(key, count)


class RenderMiddleware:
    """Downloader middleware: the spider's page requests are rendered when the run renders."""

    def __init__(self, crawler: Any) -> None:
        self.enabled = crawler.settings.getbool(RENDER_KEY)
        self.max_bytes = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.stats = crawler.stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RenderMiddleware:
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        owner = getattr(request.callback, "__self__", None)
        if self.enabled and owner is spider and "playwright" not in request.meta:
            request.meta["playwright"] = True
            request.meta["playwright_page_goto_kwargs"] = {"wait_until": "networkidle"}
            self.stats.inc_value("markwatch/render/pages")
        return None

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if "playwright" in response.flags and len(response.body) > self.max_bytes:
            self.stats.inc_value("markwatch/render/too_large")
            raise IgnoreRequest(f"rendered page larger than DOWNLOAD_MAXSIZE ({self.max_bytes} bytes)")
        return response


def render_settings(*, executable: Path | str, user_agent: str, timeout_seconds: float,
                    max_pages: int) -> dict[str, Any]:
    """Scrapy settings that render the spider's pages in the guarded browser."""
    return {
        RENDER_KEY: True,
        "DOWNLOAD_HANDLERS": {"http": "crawlers.render.SafePlaywrightHandler",
                              "https": "crawlers.render.SafePlaywrightHandler"},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(executable),
        "PLAYWRIGHT_CONTEXTS": {"default": context_options(user_agent)},
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": max_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_seconds * 1000,
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": False,
    }
