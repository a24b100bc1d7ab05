"""Site profiles: a TOML file adds a marketplace without code (see ``crawlers/profiles/*.toml``).

Keys: ``name``, ``marketplace``, ``start_urls``, ``allowed_domains``, ``product_url_pattern``
(regex on the URL path, group 1 = listing id), ``[links] follow / products`` (CSS selectors of
``<a>`` elements), ``[fields]`` (field → selector or list of selectors; ``xpath:`` prefix for
XPath, CSS otherwise; ``::text``/``::attr()`` allowed), ``[rate]`` (download_delay,
concurrent_requests_per_domain, autothrottle, autothrottle_target_concurrency) and ``render``
(``true``: pages are rendered in headless Chromium first, see :mod:`crawlers.render`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared_db.netsafety import url_origin

PROFILES_DIR = Path(__file__).parent / "profiles"
FIELD_NAMES = frozenset({
    "title", "description", "brand", "price", "currency", "seller_id", "seller_name", "seller_url", "images",
    "category", "availability", "sku", "gtin", "mpn", "language", "url",
})
RATE_SETTINGS = {
    "download_delay": "DOWNLOAD_DELAY", "concurrent_requests_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "autothrottle": "AUTOTHROTTLE_ENABLED", "autothrottle_target_concurrency": "AUTOTHROTTLE_TARGET_CONCURRENCY",
}


class ProfileError(ValueError):
    """A site profile is missing or invalid; the message names the file and the key."""


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
    render = data.get("render", False)
    if not isinstance(render, bool):
        raise ProfileError(f"{path}: render must be true or false, not {render!r}")
    return Profile(
        name=data.get("name", path.stem), marketplace=data["marketplace"], start_urls=list(data["start_urls"]),
        allowed_domains=list(data.get("allowed_domains", [])), product_url_pattern=data["product_url_pattern"],
        follow=list(links.get("follow", [])), products=list(links.get("products", [])), fields=fields,
        rate=rate, render=render, path=path,
    )
