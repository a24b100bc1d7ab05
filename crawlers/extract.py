"""Listing fields from a product page: JSON-LD, microdata, Open Graph (RDFa as a last resort), then heuristics.

The result is *raw*: the price may still be a text such as "1.299,00 €". :func:`crawlers.normalise.normalise_listing`
turns it into the listing contract (Decimal price, ISO currency, clean text, language).
Crawled content is only parsed here, never executed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawlers.prices import parse_price

PRODUCT_TYPES = ("Product", "ProductGroup", "IndividualProduct", "ProductModel", "Book", "Vehicle")
GTIN_KEYS = ("gtin13", "gtin", "gtin14", "gtin12", "gtin8", "isbn")
_PRICE_CLASS = ("contains(translate(@class,'PRICE','price'),'price') or contains(translate(@id,'PRICE','price'),'price')"
                " or @itemprop='price' or @data-price")


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Page text decoded per the Content-Type header, BOM or <meta charset> (GBK, Shift-JIS, …)."""
    _, text = html_to_unicode(content_type, body)
    return text


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type") or []
    values = value if isinstance(value, list) else [value]
    return [str(v).rsplit("/", 1)[-1] for v in values]


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD/microdata tree (``@graph`` and nesting included)."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _text(value: Any) -> str | None:
    """A scalar text from a string, number, list or ``{"name": …}``/``{"@value": …}`` node."""
    if value is None:
        return None
    if isinstance(value, list):
        for entry in value:
            text = _text(entry)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("url") or value.get("@id"))
    text = str(value).strip()
    return text or None


def _images(value: Any, base: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for entry in values:
        src = entry.get("url") or entry.get("contentUrl") if isinstance(entry, dict) else entry
        if isinstance(src, str) and src.strip():
            out.append(urljoin(base, src.strip()))
    return list(dict.fromkeys(out))


def _offers(product: dict[str, Any]) -> list[dict[str, Any]]:
    offers = product.get("offers") or []
    offers = offers if isinstance(offers, list) else [offers]
    flat: list[dict[str, Any]] = []
    for offer in offers:
        if isinstance(offer, dict):
            flat.append(offer)
            nested = offer.get("offers")
            flat.extend(o for o in (nested if isinstance(nested, list) else [nested]) if isinstance(o, dict))
    return flat


def _offer_price(offer: dict[str, Any]) -> tuple[str | None, str | None]:
    spec = offer.get("priceSpecification")
    spec = spec[0] if isinstance(spec, list) and spec else spec
    price = _text(offer.get("price")) or _text(offer.get("lowPrice"))
    if price is None and isinstance(spec, dict):
        price = _text(spec.get("price"))
    currency = _text(offer.get("priceCurrency")) or (_text(spec.get("priceCurrency")) if isinstance(spec, dict) else None)
    return price, currency


def from_product(product: dict[str, Any], base: str) -> dict[str, Any]:
    """Listing fields from a schema.org Product node (JSON-LD or extruct's uniform microdata).

    The price is the lowest price among the offers (concrete offers and AggregateOffer.lowPrice).
    """
    out: dict[str, Any] = {
        "title": _text(product.get("name")), "description": _text(product.get("description")),
        "brand": _text(product.get("brand")) or _text(product.get("manufacturer")),
        "sku": _text(product.get("sku")) or _text(product.get("productID")), "mpn": _text(product.get("mpn")),
        "gtin": next((_text(product.get(k)) for k in GTIN_KEYS if _text(product.get(k))), None),
        "images": _images(product.get("image"), base), "category": _text(product.get("category")),
    }
    best: tuple[Decimal, str | None, str | None] | None = None
    for offer in _offers(product):
        price, currency = _offer_price(offer)
        amount, _ = parse_price(price, currency) if price else (None, None)
        if amount is not None and (best is None or amount < best[0]):
            best = (amount, price, currency)
        seller = offer.get("seller")
        if isinstance(seller, dict) and not out.get("seller_name"):
            out["seller_name"] = _text(seller.get("name"))
            out["seller_url"] = urljoin(base, s) if (s := _text(seller.get("url"))) else None
            out["seller_id"] = _text(seller.get("identifier"))
            contacts = [c for c in (_text(seller.get("email")), _text(seller.get("telephone"))) if c]
            out["seller_contact"] = "; ".join(contacts) or None
        out["availability"] = out.get("availability") or _text(offer.get("availability"))
        out["gtin"] = out["gtin"] or next((_text(offer.get(k)) for k in GTIN_KEYS if _text(offer.get(k))), None)
        out["sku"] = out["sku"] or _text(offer.get("sku"))
    if best is not None:
        out["price"], out["currency"] = best[1], best[2]
    elif (offers := _offers(product)) and (currency := _text(offers[0].get("priceCurrency"))):
        out["currency"] = currency
    return {k: v for k, v in out.items() if v not in (None, [], "")}


def _best_product(nodes: list[Any]) -> dict[str, Any] | None:
    products = [n for root in nodes for n in _walk(root) if set(_types(n)) & set(PRODUCT_TYPES)]
    if not products:
        return None
    return max(products, key=lambda p: (bool(p.get("name")), bool(p.get("offers")), len(p)))


def _from_opengraph(graphs: list[dict[str, Any]]) -> dict[str, Any]:
    og: dict[str, Any] = {}
    for graph in graphs:
        for key, value in graph.items():
            og.setdefault(key, value)
    out = {
        "title": og.get("og:title"), "description": og.get("og:description"),
        "url": og.get("og:url"), "images": [og["og:image"]] if og.get("og:image") else [],
        "price": og.get("product:price:amount") or og.get("og:price:amount"),
        "currency": og.get("product:price:currency") or og.get("og:price:currency"),
        "brand": og.get("product:brand") or og.get("og:brand"), "availability": og.get("product:availability"),
        "sku": og.get("product:retailer_item_id"), "gtin": og.get("product:gtin") or og.get("product:ean"),
        "mpn": og.get("product:mfr_part_no"), "category": og.get("product:category"),
    }
    return {k: _text(v) if k != "images" else v for k, v in out.items() if v}


def heuristics(sel: Selector, base: str) -> dict[str, Any]:
    """Fields of a page without markup: <h1>, price near the buy button, brand from meta or breadcrumbs."""
    out: dict[str, Any] = {}
    title = sel.xpath("normalize-space(//h1[1])").get() or sel.xpath("normalize-space(//title)").get()
    if title:
        out["title"] = title
    buy = sel.xpath("//*[self::button or self::a or self::input][re:test(concat(@class,' ',@id,' ',@name,' ',"
                    "normalize-space(.),' ',@value), '(?i)add[ -_]?to[ -_]?(cart|basket|bag)|buy|加入购物车|立即购买')]")
    # nearest enclosing block of the first buy button first, then wider, then the whole page
    scopes = [buy[0].xpath(f"ancestor::*[{level}]") for level in (1, 2, 3)] if buy else []
    scopes.append(sel)
    for scope in scopes:
        for node in scope.xpath(f".//*[{_PRICE_CLASS}]"):
            text = node.attrib.get("content") or node.xpath("normalize-space(.)").get() or ""
            amount, currency = parse_price(text)
            if amount is not None and re.search(r"\d", text):
                out["price"], out["currency"] = text, currency
                break
        if "price" in out:
            break
    brand = (sel.xpath("//meta[@name='brand' or @property='product:brand' or @property='og:brand'"
                       " or @itemprop='brand']/@content").get()
             or sel.xpath("normalize-space((//*[contains(concat(' ',normalize-space(@class),' '),' brand ')"
                          " or contains(@class,'product-brand') or contains(@class,'brand-name')][not(*)])[1])").get())
    if not brand:
        label = sel.xpath("normalize-space(//*[re:test(normalize-space(.), '^(Brand|品牌)\\s*[:：]')][not(*)])").get()
        brand = re.sub(r"^(Brand|品牌)\s*[:：]\s*", "", label) if label else None
    if not brand:
        brand = sel.xpath("normalize-space((//*[contains(@class,'breadcrumb') or @aria-label='breadcrumb']"
                          "//a[contains(@href,'brand')])[last()])").get()
    if brand:
        out["brand"] = brand
    seller = sel.xpath("(//a[contains(@class,'seller') or contains(@href,'/seller/') or contains(@href,'/store/')])[1]")
    if seller:
        out["seller_name"] = seller.xpath("normalize-space(.)").get()
        out["seller_url"] = urljoin(base, seller.attrib.get("href", ""))
    description = sel.xpath("//meta[@name='description']/@content").get()
    if description:
        out["description"] = description
    images = sel.xpath("//main//img/@src | //*[contains(@class,'product')]//img/@src").getall()[:5]
    if images:
        out["images"] = [urljoin(base, src) for src in images]
    return out


def extract_listing(html: str | bytes, url: str, *, content_type: str | None = None,
                    rdfa: bool = True) -> dict[str, Any]:
    """Raw listing fields of the product page at ``url`` (structured data first, heuristics to fill gaps)."""
    text = decode_body(html, content_type) if isinstance(html, bytes) else html
    sel = Selector(text=text)
    canonical = sel.xpath("//link[@rel='canonical']/@href").get()
    base = urljoin(url, sel.xpath("//base/@href").get() or "")
    data = extruct.extract(sel.root, base_url=base, syntaxes=["json-ld", "opengraph"], uniform=True, errors="ignore")
    product = _best_product(data.get("json-ld", []))
    if product is None:  # microdata only when JSON-LD has no product: it is the costliest syntax to read
        microdata = extruct.extract(sel.root, base_url=base, syntaxes=["microdata"], uniform=True, errors="ignore")
        product = _best_product(microdata.get("microdata", []))
    if product is None and rdfa:
        rdfa_data = extruct.extract(text, base_url=base, syntaxes=["rdfa"], uniform=True, errors="ignore")
        product = _best_product(rdfa_data.get("rdfa", []))
    out: dict[str, Any] = from_product(product, base) if product else {}
    sources = [_from_opengraph(data.get("opengraph", []))]
    if not all(out.get(k) for k in ("title", "price", "brand", "seller_url")):
        sources.append(heuristics(sel, base))  # only when structured data left gaps (it costs ~40 %)
    for source in sources:
        for key, value in source.items():
            if not out.get(key):
                out[key] = value
    if out.get("price") and not out.get("currency"):
        out["currency"] = parse_price(str(out["price"]))[1]
    out["url"] = urljoin(base, canonical) if canonical else out.get("url") or url
    if out.get("seller_url") and not out.get("seller_id"):
        out["seller_id"] = urlsplit(out["seller_url"]).path.rstrip("/").rsplit("/", 1)[-1] or None
    lang = sel.xpath("/html/@lang").get()
    if lang:
        out["language"] = lang.split("-")[0].lower()
    return out
