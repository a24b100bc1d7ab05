"""The demo marketplace web server: stdlib threading HTTP server, Jinja2 templates, hostile pages.

Routes: ``/`` (categories, deals, sellers), ``/category/<slug>?page=N``, ``/search?q=&page=N`` (fuzzy, see
:mod:`markwatch.demo_market.search`),
``/seller/<id>?page=N``, ``/product/<id>``, ``POST /ip/notices`` (the IP team's report endpoint: a JSON
``{"reference": ..., "urls": [...]}``; see :meth:`DemoMarket.receive_notice`), ``/img/<id>.jpg`` (a generated product photo, see
:mod:`markwatch.demo_market.images`), ``/live/`` and ``/live/product/<id>`` (filled in by scripts from ``/api/live/...json``, see
:mod:`markwatch.demo_market.live`), ``/robots.txt`` (disallows ``/private/`` and
``/cart``), ``/sitemap.xml``. Hostile product pages ``/product/x-<kind>``: truncated HTML, slow
response, GBK-encoded page, HTTP 500, huge page, gzip bomb, redirects to 10.0.0.1 and to
169.254.169.254.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import math
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from markwatch.demo_market.catalogue import Catalogue, Listing, build_catalogue
from markwatch.demo_market.images import listing_photo, photo_source
from markwatch.demo_market.live import listings_json, product_json
from markwatch.demo_market.search import SearchEngine

TEMPLATES = Path(__file__).parent / "templates"
PRIVATE_REDIRECTS = {"redirect-private": "http://10.0.0.1/product/p000000",
                     "redirect-metadata": "http://169.254.169.254/latest/meta-data/"}


def price_text(listing: Listing) -> str:
    """The price as the seller's locale writes it ("US $12.50", "1.299,00 €", "¥1,299.00", "12,50 zł")."""
    amount = f"{listing.price:,.2f}"
    if listing.currency == "USD":
        return f"US ${amount}"
    if listing.currency == "CNY":
        return f"¥{amount}"
    if listing.currency == "GBP":
        return f"£{amount}"
    european = amount.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"{european} €" if listing.currency == "EUR" else f"{european} zł"


def jsonld_for(listing: Listing, catalogue: Catalogue, base_url: str) -> str:
    seller = catalogue.sellers[listing.seller_id]
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Product", "name": listing.title,
        "description": listing.description, "sku": listing.modelno, "mpn": listing.modelno,
        "gtin13": listing.gtin, "image": [f"{base_url}/img/{listing.listing_id}.jpg"],
        "category": listing.category,
        "offers": {
            "@type": "Offer", "price": str(listing.price), "priceCurrency": listing.currency,
            "availability": f"https://schema.org/{listing.availability}",
            "url": f"{base_url}/product/{listing.listing_id}",
            "seller": {"@type": "Organization", "name": seller.name, "identifier": seller.seller_id,
                       "url": f"{base_url}/seller/{seller.seller_id}",
                       **({"telephone": seller.contact} if seller.contact else {})},
        },
    }
    if listing.brand:
        data["brand"] = {"@type": "Brand", "name": listing.brand}
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


class DemoMarket:
    """The demo marketplace, served from a background thread (``with DemoMarket(...) as market``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, seed: int = 7, size: int = 300,
                 data_dir: Path | None = None, page_size: int = 24, slow_seconds: float = 2.0,
                 huge_bytes: int = 12_000_000, bomb_bytes: int = 64_000_000, removal_delay: float = 2.0) -> None:
        self.host, self.port = host, port
        self.seed, self.size, self.page_size = seed, size, page_size
        self.slow_seconds, self.huge_bytes, self.bomb_bytes = slow_seconds, huge_bytes, bomb_bytes
        self.catalogue = build_catalogue(seed=seed, size=size, data_dir=data_dir)
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
        self._env.globals["price_text"] = price_text
        self._bomb: bytes | None = None
        self._photos: dict[str, bytes] = {}
        self._search: SearchEngine | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.removal_delay = removal_delay
        self.notices: list[dict[str, Any]] = []
        self._due: dict[str, float] = {}  # listing id → when the IP team takes it down
        self.removed: set[str] = set()
        self.relisted: dict[str, str] = {}  # re-listed copy's id → the removed listing's id

    @property
    def base_url(self) -> str:
        if self._server is not None:
            return f"http://{self.host}:{self._server.server_address[1]}"
        if self.port:
            return f"http://{self.host}:{self.port}"
        raise RuntimeError("the demo market is not started: use `with DemoMarket(...) as market`")

    def _bind(self) -> ThreadingHTTPServer:
        market = self

        class Handler(_Handler):
            demo = market

        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        server.request_queue_size = 128
        self._server = server
        return server

    def start(self) -> DemoMarket:
        """Bind and serve in a daemon thread."""
        server = self._bind()
        self._thread = threading.Thread(target=server.serve_forever, name="demo-market", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Bind and serve in the calling thread until interrupted."""
        server = self._bind()
        try:
            server.serve_forever()
        finally:
            server.server_close()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DemoMarket:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def product_urls(self, *, include_hostile: bool = False) -> list[str]:
        return [f"{self.base_url}/product/{x.listing_id}" for x in self.catalogue.listings
                if include_hostile or x.hostile is None]

    def ground_truth(self) -> list[dict[str, Any]]:
        """One record per product page (hostile pages that carry a listing included, as genuine)."""
        return [{
            "listing_id": x.listing_id, "marketplace": "demo-market",
            "url": f"{self.base_url}/product/{x.listing_id}", "title": x.title,
            "infringing": x.infringing, "kind": x.kind, "brand": x.true_brand,
            "stated_brand": x.brand, "mark": x.mark if x.infringing else None, "seller_id": x.seller_id,
            "price": str(x.price), "currency": x.currency, "language": x.language, "markup": x.markup,
            "hostile": x.hostile, "offer_price_usd": str(x.offer_price_usd),
            "photo": photo_source(x).label,
        } for x in self.catalogue.products]

    def write_ground_truth(self, path: Path) -> Path:
        """Write :meth:`ground_truth` as JSON lines (``ground_truth.jsonl``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            for record in self.ground_truth():
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return path

    def bomb(self) -> bytes:
        with self._lock:
            if self._bomb is None:
                self._bomb = gzip.compress(b"<html><body>" + b" " * self.bomb_bytes + b"</body></html>", 9)
            return self._bomb

    @property
    def search_engine(self) -> SearchEngine:
        """The shop's search over its product pages (built on first use)."""
        with self._lock:
            if self._search is None:
                self._search = SearchEngine(self.catalogue.products)
            return self._search

    def photo(self, listing: Listing) -> bytes:
        """The listing's generated photo, drawn once (a shop serves static files)."""
        original = self.relisted.get(listing.listing_id)
        if original is not None:  # a re-listing shows the removed listing's photo
            return self.photo(self.catalogue.by_id[original])
        photo = self._photos.get(listing.listing_id)
        if photo is None:
            photo = self._photos.setdefault(listing.listing_id, listing_photo(listing))
        return photo

    def receive_notice(self, notice: dict[str, Any]) -> dict[str, Any]:
        """The IP team's side of a notice: most cited listings are taken down after ``removal_delay`` seconds.

        Decided per listing id: about 70 % are removed, 15 % edited by the seller (title changed), 15 % left
        online. The first removed counterfeit is re-listed by its seller under a new id (same photo, near title).
        """
        urls = [str(u) for u in notice.get("urls") or [] if isinstance(u, str)]
        accepted = []
        with self._lock:
            for url in urls:
                listing_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
                if listing_id in self.catalogue.by_id and listing_id not in self.removed:
                    self._due.setdefault(listing_id, time.monotonic() + self.removal_delay)
                    accepted.append(listing_id)
            self.notices.append({"reference": notice.get("reference"), "listings": accepted})
        return {"reference": notice.get("reference"), "received": len(accepted)}

    @staticmethod
    def takedown_fate(listing_id: str) -> str:
        """``removed``, ``edited`` or ``ignored``, deterministically from the id."""
        draw = random.Random(f"takedown-{listing_id}").random()
        return "removed" if draw < 0.7 else "edited" if draw < 0.85 else "ignored"

    def apply_takedowns(self) -> None:
        """Carry out the takedowns whose delay has passed."""
        now = time.monotonic()
        with self._lock:
            for listing_id, when in list(self._due.items()):
                if when > now:
                    continue
                del self._due[listing_id]
                listing = self.catalogue.by_id[listing_id]
                fate = self.takedown_fate(listing_id)
                if fate == "edited":
                    listing.title = f"{listing.title} (new version)"
                elif fate == "removed":
                    self.removed.add(listing_id)
                    if listing.infringing and not self.relisted:
                        self._relist(listing)

    def _relist(self, listing: Listing) -> None:
        copy = dataclasses.replace(listing, listing_id=f"{listing.listing_id}r", title=f"{listing.title} NEW",
                                   gtin=listing.gtin)
        cat = self.catalogue
        cat.listings.append(copy)
        cat.by_id[copy.listing_id] = copy
        cat.by_category.setdefault(copy.category_slug, []).insert(0, copy)
        cat.by_seller.setdefault(copy.seller_id, []).insert(0, copy)
        self.relisted[copy.listing_id] = listing.listing_id

    def visible(self, listings: list[Listing]) -> list[Listing]:
        return [x for x in listings if x.listing_id not in self.removed]

    def render(self, template: str, **context: Any) -> str:
        return self._env.get_template(template).render(base_url=self.base_url, **context)

    def count(self, path: str) -> None:
        with self._lock:
            self.requests[path.strip("/").split("/", 1)[0] or "home"] += 1


class _Handler(BaseHTTPRequestHandler):
    demo: DemoMarket
    protocol_version = "HTTP/1.1"
    server_version = "DemoMarket/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        parts = urlsplit(self.path)
        self.demo.count(parts.path)
        length = int(self.headers.get("Content-Length") or 0)
        if parts.path != "/ip/notices" or not 0 < length <= 1_000_000:
            self._send(404 if parts.path != "/ip/notices" else 400, "{}", "application/json")
            return
        try:
            notice = json.loads(self.rfile.read(length))
        except ValueError:
            self._send(400, '{"error": "not JSON"}', "application/json")
            return
        if not isinstance(notice, dict):
            self._send(400, '{"error": "expected an object"}', "application/json")
            return
        self._send(202, json.dumps(self.demo.receive_notice(notice)), "application/json")

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.demo.count(parts.path)
        self.demo.apply_takedowns()
        try:
            self._route(parts.path, query)
        except (BrokenPipeError, ConnectionResetError):
            return

    def _route(self, path: str, query: dict[str, str]) -> None:
        demo, cat = self.demo, self.demo.catalogue
        page = max(1, int(query.get("page", "1"))) if query.get("page", "1").isdigit() else 1
        if path == "/":
            deals = [x for x in cat.listings if x.hostile] + cat.listings[:12]
            self._send(200, demo.render("home.html", categories=sorted(cat.categories.items()), deals=deals,
                                        sellers=sorted(cat.sellers.values(), key=lambda s: s.seller_id)))
        elif path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /private/\nDisallow: /cart\nSitemap: {demo.base_url}/sitemap.xml\n"
            self._send(200, body, "text/plain; charset=utf-8")
        elif path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{u}</loc></url>" for u in demo.product_urls(include_hostile=True)
                           if u.rsplit("/", 1)[-1] not in demo.removed)
            body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            self._send(200, body, "application/xml")
        elif path.startswith("/category/") and path[10:] in cat.by_category:
            slug = path[10:]
            self._list(cat.categories[slug], demo.visible(cat.by_category[slug]), page, f"/category/{slug}?")
        elif path.startswith("/seller/") and path[8:] in cat.sellers:
            seller = cat.sellers[path[8:]]
            self._list(seller.name, demo.visible(cat.by_seller.get(seller.seller_id, [])), page,
                       f"/seller/{seller.seller_id}?")
        elif path == "/search":
            q = query.get("q", "")
            self._list(f"Results for {q}", demo.visible(demo.search_engine.search(q)), page, f"/search?q={quote(q, safe='')}&")
        elif path.startswith("/product/") and path[9:] in demo.removed:
            self._send(404, "<html><body><h1>This listing has been removed</h1>"
                            "<p>It was taken down after an intellectual-property complaint.</p></body></html>")
        elif path.startswith("/product/") and path[9:] in cat.by_id:
            self._product(cat.by_id[path[9:]])
        elif path.startswith(("/live/", "/api/live/")):
            self._live(path)
        elif path.startswith("/img/") and path.endswith(".jpg") and path[5:-4] in cat.by_id:
            self._send(200, demo.photo(cat.by_id[path[5:-4]]), "image/jpeg")
        else:
            self._send(404, "<html><body><h1>Not found</h1></body></html>")

    def _live(self, path: str) -> None:
        demo, cat = self.demo, self.demo.catalogue
        if path == "/live/":
            self._send(200, demo.render("live.html", product_id=None))
        elif path == "/api/live/listings.json":
            self._send(200, json.dumps(listings_json(cat)), "application/json")
        elif path.startswith("/live/product/") and path[14:] in cat.by_id:
            self._send(200, demo.render("live.html", product_id=path[14:]))
        elif path.startswith("/api/live/product/") and path.endswith(".json") and path[18:-5] in cat.by_id:
            listing = cat.by_id[path[18:-5]]
            self._send(200, json.dumps(product_json(listing, cat, price_text(listing))), "application/json")
        else:
            self._send(404, "<html><body><h1>Not found</h1></body></html>")

    def _list(self, heading: str, listings: list[Listing], page: int, prefix: str) -> None:
        size = self.demo.page_size
        pages = max(1, math.ceil(len(listings) / size))
        shown = listings[(page - 1) * size: page * size]
        self._send(200, self.demo.render("list.html", heading=heading, listings=shown, page=page, pages=pages,
                                         page_url=lambda n: f"{prefix}page={n}"))

    def _product(self, listing: Listing) -> None:
        demo, hostile = self.demo, listing.hostile
        if hostile == "error":
            self._send(500, "<html><body>Internal Server Error</body></html>")
            return
        if hostile in PRIVATE_REDIRECTS:
            self.send_response(302)
            self.send_header("Location", PRIVATE_REDIRECTS[hostile])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if hostile == "bomb":
            body = demo.bomb()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if hostile == "slow":
            time.sleep(demo.slow_seconds)
        jsonld = jsonld_for(listing, demo.catalogue, demo.base_url) if listing.markup == "jsonld" else None
        padding = "x" * demo.huge_bytes if hostile == "huge" else None
        charset = "gbk" if hostile == "gbk" else "utf-8"
        html = demo.render("product.html", l=listing, seller=demo.catalogue.sellers[listing.seller_id],
                           jsonld=jsonld, padding=padding, charset=charset, lang=listing.language)
        body = html.encode(charset, errors="xmlcharrefreplace")
        if hostile == "truncated":
            body = body[: len(body) // 2]
        self._send(200, body, f"text/html; charset={charset}")

    def _send(self, status: int, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

