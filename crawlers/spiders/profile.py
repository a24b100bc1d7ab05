"""A spider driven by a site profile file: ``markwatch crawl <profile>`` (see crawlers.profile).

A profile with a ``search_url`` is crawled by watch queries when given some (``queries_file``, see
:mod:`crawlers.spiders.search`), else by walking its catalogue from the start URLs. Start URLs given on
the command line (a mirror, a test server) move the search template to their origin too.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import TextResponse

from crawlers.profile import load_profile
from crawlers.spiders.base import _split
from crawlers.spiders.search import SearchDrivenSpider


class ProfileSpider(SearchDrivenSpider):
    """Selectors from the profile take precedence; structured data and heuristics fill the gaps."""

    name = "profile"

    def __init__(self, *args: Any, profile: str = "", **kwargs: Any) -> None:
        loaded = load_profile(profile)
        self.profile = loaded
        self.profile_name = loaded.name
        self.marketplace = loaded.marketplace
        self.start_urls = loaded.start_urls
        self.allowed_domains = loaded.allowed_domains
        self.product_url_re = loaded.product_url_pattern
        self.follow_css = tuple(loaded.follow)
        self.product_css = tuple(loaded.products)
        self.search = loaded.search
        overrides = _split(kwargs.get("start_urls"))
        if self.search is not None and overrides:
            self.search = self.search.rebased(overrides[0])
        super().__init__(*args, **kwargs)

    def extra_fields(self, response: TextResponse) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, selectors in self.profile.fields.items():
            for selector in selectors:
                if selector.startswith("xpath:"):
                    values = response.xpath(selector[6:]).getall()
                else:
                    values = response.css(selector).getall()
                values = [v.strip() for v in values if v and v.strip()]
                if values:
                    out[name] = [response.urljoin(v) for v in values] if name == "images" else (
                        response.urljoin(values[0]) if name in ("seller_url", "url") else " ".join(values))
                    break
        return out
