"""Site profiles: a TOML file adds a marketplace without code (see ``crawlers/profiles/*.toml``).

Keys: ``name``, ``marketplace``, ``start_urls``, ``allowed_domains``, ``product_url_pattern``
(regex on the URL path, group 1 = listing id), ``[links] follow / products`` (CSS selectors of
``<a>`` elements), ``[fields]`` (field → selector or list of selectors; ``xpath:`` prefix for
XPath, CSS otherwise; ``::text``/``::attr()`` allowed) and ``[rate]`` (download_delay,
concurrent_requests_per_domain, autothrottle, autothrottle_target_concurrency) and ``render``
(``true``: pages are rendered in headless Chromium first, see :mod:`crawlers.render`).

A site with a search engine also sets ``search_url`` (``https://shop.example/search?q={query}&page={page}``:
``{query}`` required, ``{page}`` optional, nothing else in braces) and ``[search]``: ``results`` (selectors
of the result links), ``next`` (pagination link selectors), ``pages_per_run`` (the marketplace's budget:
search and listing pages together), ``max_pages_per_query``, ``recency_hours`` (listings fetched more
recently are not fetched again), ``batch_size`` (queries per scheduled crawl task) and ``lookalikes``
(look-alike spellings searched per mark). See :mod:`crawlers.search`. An optional ``[notice]``
says how the marketplace's IP team takes takedown notices: ``template``, ``per_mark``, ``ip_contact``,
``submit_url``.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from shared_db.netsafety import url_origin

PROFILES_DIR = Path(__file__).parent / "profiles"
FIELD_NAMES = frozenset({
    "title", "description", "brand", "price", "currency", "seller_id", "seller_name", "seller_url", "seller_contact", "images",
    "category", "availability", "sku", "gtin", "mpn", "language", "url",
})
RATE_SETTINGS = {
    "download_delay": "DOWNLOAD_DELAY", "concurrent_requests_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "autothrottle": "AUTOTHROTTLE_ENABLED", "autothrottle_target_concurrency": "AUTOTHROTTLE_TARGET_CONCURRENCY",
}

NOTICE_KEYS = frozenset({"template", "per_mark", "ip_contact", "submit_url"})


SEARCH_DEFAULTS: dict[str, Any] = {
    "pages_per_run": 200, "max_pages_per_query": 5, "recency_hours": 24.0, "batch_size": 25, "lookalikes": 4,
}


class ProfileError(ValueError):
    """A site profile is missing or invalid; the message names the file and the key."""


@dataclass(frozen=True)
class SearchSettings:
    """How a site is searched: the URL template, result and pagination selectors, the budget."""

    url: str
    results: list[str]
    next: list[str] = field(default_factory=list)
    pages_per_run: int = SEARCH_DEFAULTS["pages_per_run"]
    max_pages_per_query: int = SEARCH_DEFAULTS["max_pages_per_query"]
    recency_hours: float = SEARCH_DEFAULTS["recency_hours"]
    batch_size: int = SEARCH_DEFAULTS["batch_size"]
    lookalikes: int = SEARCH_DEFAULTS["lookalikes"]

    @property
    def paged(self) -> bool:
        """True when the template numbers its pages (``{page}``)."""
        return "page" in template_fields(self.url)

    def page_url(self, query: str, page: int = 1) -> str:
        """The result page ``page`` for ``query``; the query is percent-encoded (nothing of it stays syntax)."""
        return self.url.format(query=quote(query, safe=""), page=page)

    def rebased(self, origin_url: str) -> SearchSettings:
        """The same template on another origin (scheme, host, port): a mirror or a test server."""
        target, own = urlsplit(origin_url), urlsplit(self.url)
        return replace(self, url=urlunsplit((target.scheme, target.netloc, own.path, own.query, own.fragment)))


@dataclass(frozen=True)
class Profile:
    name: str
    marketplace: str
    start_urls: list[str]
    allowed_domains: list[str]
    product_url_pattern: str
    follow: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    rate: dict[str, Any] = field(default_factory=dict)
    search: SearchSettings | None = None
    notice: dict[str, Any] = field(default_factory=dict)
    render: bool = False
    path: Path | None = None

    def scrapy_settings(self) -> dict[str, Any]:
        """The profile's rate limits (and rendering) as Scrapy settings."""
        values: dict[str, Any] = {RATE_SETTINGS[k]: v for k, v in self.rate.items()}
        if self.render:
            values["MARKWATCH_RENDER"] = True
        return values

    def covers(self, url: str) -> bool:
        """True when ``url`` is on the profile's site: an allowed domain with a scheme and port of its start URLs.

        The port counts: another service on the same host (``127.0.0.1:9200`` beside a marketplace
        on ``127.0.0.1:8800``) is not the marketplace.
        """
        origin = url_origin(url)
        if origin is None or origin.host not in {d.lower() for d in self.allowed_domains}:
            return False
        return any(start is not None and (start.scheme, start.port) == (origin.scheme, origin.port)
                   for start in map(url_origin, self.start_urls))


def find_profile(name_or_path: str) -> Path | None:
    """The profile file for a name (packaged profiles) or a path to a ``.toml`` file."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" and candidate.exists():
        return candidate
    packaged = PROFILES_DIR / f"{name_or_path}.toml"
    return packaged if packaged.exists() else None


def list_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))


def load_profile(name_or_path: str) -> Profile:
    path = find_profile(name_or_path)
    if path is None:
        raise ProfileError(f"no profile {name_or_path!r}: known profiles are {', '.join(list_profiles())}, "
                           "or pass a path to a .toml file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: invalid TOML: {exc}") from exc
    for key in ("marketplace", "start_urls", "product_url_pattern"):
        if key not in data:
            raise ProfileError(f"{path}: missing required key {key!r}")
    fields = {k: [v] if isinstance(v, str) else list(v) for k, v in data.get("fields", {}).items()}
    unknown = set(fields) - FIELD_NAMES
    if unknown:
        raise ProfileError(f"{path}: unknown field(s) {sorted(unknown)}; allowed: {sorted(FIELD_NAMES)}")
    rate = data.get("rate", {})
    if set(rate) - set(RATE_SETTINGS):
        raise ProfileError(f"{path}: unknown rate key(s) {sorted(set(rate) - set(RATE_SETTINGS))}")
    links = data.get("links", {})
    allowed_domains = list(data.get("allowed_domains", []))
    notice = data.get("notice", {})
    if set(notice) - NOTICE_KEYS:
        raise ProfileError(f"{path}: unknown notice key(s) {sorted(set(notice) - NOTICE_KEYS)}; "
                           f"allowed: {sorted(NOTICE_KEYS)}")
    render = data.get("render", False)
    if not isinstance(render, bool):
        raise ProfileError(f"{path}: render must be true or false, not {render!r}")
    return Profile(
        name=data.get("name", path.stem), marketplace=data["marketplace"], start_urls=list(data["start_urls"]),
        allowed_domains=allowed_domains, product_url_pattern=data["product_url_pattern"],
        follow=list(links.get("follow", [])), products=list(links.get("products", [])), fields=fields,
        rate=rate, search=_search_settings(path, data, allowed_domains), notice=dict(notice), render=render,
        path=path,
    )


def template_fields(template: str) -> list[str]:
    """The ``{names}`` of a URL template (ValueError for unbalanced braces)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _search_settings(path: Path, data: dict[str, Any], allowed_domains: list[str]) -> SearchSettings | None:
    """``search_url`` and ``[search]`` checked: a template that could point anywhere else is refused."""
    template, section = data.get("search_url"), data.get("search")
    if template is None:
        if section is not None:
            raise ProfileError(f"{path}: [search] needs a search_url template")
        return None
    if not isinstance(template, str):
        raise ProfileError(f"{path}: search_url must be a string like 'https://shop.example/search?q={{query}}'")
    try:
        names = template_fields(template)
    except ValueError as exc:
        raise ProfileError(f"{path}: search_url {template!r} is malformed ({exc}); write literal braces as "
                           "{{ and }}") from exc
    if "query" not in names or set(names) - {"query", "page"}:
        raise ProfileError(f"{path}: search_url {template!r} must contain {{query}} and may contain {{page}}, "
                           f"nothing else in braces (found {sorted(set(names))})")
    if any(spec or conversion for _, name, spec, conversion in string.Formatter().parse(template) if name):
        raise ProfileError(f"{path}: search_url {template!r}: placeholders take no format spec or conversion")
    samples = [urlsplit(template.format(query=quote(q, safe=""), page=1)) for q in ("a", "b/c")]
    first = samples[0]
    if first.scheme not in ("http", "https") or not first.hostname:
        raise ProfileError(f"{path}: search_url {template!r} must be an http(s) URL with a host")
    if any((s.scheme, s.netloc) != (first.scheme, first.netloc) for s in samples):
        raise ProfileError(f"{path}: search_url {template!r}: the query must not be part of the host")
    if allowed_domains and first.hostname.lower() not in {d.lower() for d in allowed_domains}:
        raise ProfileError(f"{path}: search_url host {first.hostname!r} is not in allowed_domains {allowed_domains}")
    section = dict(section or {})
    unknown = set(section) - {"results", "next", *SEARCH_DEFAULTS}
    if unknown:
        raise ProfileError(f"{path}: unknown [search] key(s) {sorted(unknown)}")
    results, nxt = section.pop("results", None), section.pop("next", [])
    results = [results] if isinstance(results, str) else results
    nxt = [nxt] if isinstance(nxt, str) else nxt
    if not results or not all(isinstance(r, str) and r for r in results):
        raise ProfileError(f"{path}: [search] results must name the selector(s) of the result links")
    if not all(isinstance(n, str) and n for n in nxt):
        raise ProfileError(f"{path}: [search] next must be selector strings")
    for key, value in section.items():
        kind = float if key == "recency_hours" else int
        if isinstance(value, bool) or not isinstance(value, int | float) or value < (0 if key in (
                "recency_hours", "lookalikes") else 1) or (kind is int and not isinstance(value, int)):
            raise ProfileError(f"{path}: [search] {key} must be a {'number' if kind is float else 'whole number'} "
                               f"{'>= 0' if key in ('recency_hours', 'lookalikes') else '>= 1'}, got {value!r}")
    return SearchSettings(url=template, results=list(results), next=list(nxt),
                          **{k: (float(v) if k == "recency_hours" else v) for k, v in section.items()})
