"""Listing fields from a product page of any shop.

Sources, in order of trust (a later one only fills what the earlier left empty): schema.org Product in
JSON-LD (``@graph``, arrays, ``@id`` references, nested offers, AggregateOffer, ProductGroup/hasVariant),
microdata, RDFa; meta tags (Open Graph ``product:``/``og:price:*``, ``itemprop``, Twitter labels); the
embedded JSON state (:mod:`crawlers.extract_state`); the visible page (:mod:`crawlers.extract_text`).
Amounts are parsed here with the site's locale, so "¥" on a Japanese shop is JPY; the SKU falls back to
the MPN when the page names no SKU.

The result is *raw*: :func:`crawlers.normalise.normalise_listing` turns it into the listing contract.
Crawled content is only parsed here, never executed; JSON is read with :mod:`json`, sizes are bounded.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import extruct
from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawlers.availability import availability_term
from crawlers.extract_state import from_state
from crawlers.extract_text import visible_fields
from crawlers.prices import Locale, normalise_currency, page_locale, parse_price

PRODUCT_TYPES = ("Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts", "Book", "Vehicle")
GTIN_KEYS = ("gtin13", "gtin", "gtin14", "gtin12", "gtin8", "isbn")
MAX_JSONLD_CHARS = 2_000_000
MAX_NODES = 20_000
_YEN_AT_BACKSLASH = frozenset({"shiftjis", "sjis", "cp932", "mskanji", "windows31j", "shiftjis2004", "shiftjisx0213",
                               "eucjp", "eucjis2004", "eucjisx0213", "iso2022jp"})
_LISTS = ("ItemList", "ListItem", "OfferCatalog", "BreadcrumbList", "SearchResultsPage", "CollectionPage")
_RELATED_KEYS = ("isRelatedTo", "isSimilarTo", "isAccessoryOrSparePartFor", "isConsumableFor", "itemListElement",
                 "mentions", "relatedLink", "subjectOf")
_OLD_PRICE_TYPES = ("StrikethroughPrice", "ListPrice", "MSRP", "SRP", "InvoicePrice", "MinimumAdvertisedPrice")


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Page text decoded per the Content-Type header, BOM or <meta charset> (GBK, Shift-JIS, …).

    Japanese encodings put the yen sign at the backslash's code point, so "\\1,280" is "¥1,280"."""
    encoding, text = html_to_unicode(content_type, body)
    if re.sub(r"[-_]", "", encoding.lower()) in _YEN_AT_BACKSLASH:
        text = re.sub(r"\\(?=\s?\d)", "¥", text)
    return text


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type") or []
    values = value if isinstance(value, list) else [value]
    return [str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values]


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD/microdata tree (``@graph`` and nesting included), at most MAX_NODES."""
    return [n for n, _ in _walk_context(node)]


def _walk_context(root: Any) -> list[tuple[dict[str, Any], bool]]:
    """(dict, whether it sits in a list of other products or a related-product property)."""
    found: list[tuple[dict[str, Any], bool]] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack and len(found) < MAX_NODES:
        item, nested = stack.pop()
        if isinstance(item, dict):
            found.append((item, nested))
            inner = nested or bool(set(_types(item)) & set(_LISTS))
            for key, value in item.items():
                if isinstance(value, dict | list):
                    stack.append((value, inner or key in _RELATED_KEYS))
        elif isinstance(item, list):
            stack.extend((v, nested) for v in reversed(item[:1000]))
    return found


def _text(value: Any) -> str | None:
    """A scalar text from a string, number, list or ``{"name": …}``/``{"@value": …}`` node."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, list):
        for entry in value:
            text = _text(entry)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("value") or value.get("url")
                     or value.get("@id"))
    text = str(value).strip()
    return text[:500] or None


def _brand_text(value: Any) -> str | None:
    if isinstance(value, list):
        return next((b for v in value if (b := _brand_text(v))), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("alternateName")
    text = _text(value)
    if not text or re.match(r"(?i)^(https?:|www\.|/|#)", text):
        return None
    return text


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


def _offer_price(offer: dict[str, Any]) -> tuple[Any, str | None]:
    """(price, currency) of an offer: its price, else AggregateOffer.lowPrice, else the current (not
    struck-through) price specification."""
    currency = _text(offer.get("priceCurrency"))
    price = offer.get("price")
    if isinstance(price, dict | list):
        price = _text(price)
    if price in (None, ""):
        price = offer.get("lowPrice")
    if price in (None, ""):
        specs = offer.get("priceSpecification")
        specs = specs if isinstance(specs, list) else [specs]
        current = [s for s in specs if isinstance(s, dict) and s.get("price") not in (None, "")
                   and not any(t in str(s.get("priceType") or "") for t in _OLD_PRICE_TYPES)]
        if current:
            price, currency = current[0].get("price"), currency or _text(current[0].get("priceCurrency"))
    return price, currency


def _amount(price: Any, currency: str | None, locale: Locale | None,
            machine: bool = True) -> tuple[Decimal | None, str | None]:
    if isinstance(price, bool) or price in (None, ""):
        return None, normalise_currency(currency, locale)
    if isinstance(price, int | float):
        price = repr(price) if isinstance(price, float) else str(price)
    if re.match(r"\s*-\s*\d", str(price)):
        return None, None
    try:
        amount, found = parse_price(str(price)[:200], currency, locale, machine=machine)
    except (ValueError, ArithmeticError):
        return None, None
    return (amount if amount is not None and amount > 0 else None), found


def _same_url(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    pa, pb = urlsplit(a), urlsplit(b)
    return pa.path.rstrip("/") == pb.path.rstrip("/") and pa.query == pb.query


def from_product(product: dict[str, Any], base: str, *, page_url: str | None = None,
                 locale: Locale | None = None) -> dict[str, Any]:
    """Listing fields from a schema.org Product node (JSON-LD or extruct's uniform microdata).

    The price is that of the offer for the page's URL (a selected variant) if one is, else the lowest
    among the offers (concrete offers and AggregateOffer.lowPrice); availability likewise, else InStock
    when any offer is in stock.
    """
    out: dict[str, Any] = {
        "title": _text(product.get("name")), "description": _text(product.get("description")),
        "brand": _brand_text(product.get("brand")) or _brand_text(product.get("manufacturer")),
        "sku": _text(product.get("sku")), "mpn": _text(product.get("mpn")),
        "gtin": next((_text(product.get(k)) for k in GTIN_KEYS if _text(product.get(k))), None),
        "images": _images(product.get("image"), base), "category": _text(product.get("category")),
    }
    offers = _offers(product)
    conditions = [str(o.get("itemCondition") or "").rsplit("/", 1)[-1].lower() for o in offers]
    if "newcondition" in conditions and len(set(conditions)) > 1:
        # a new item's offer beside used or refurbished ones (open box, second hand): the page's own item is new
        offers = [o for o, c in zip(offers, conditions, strict=True) if c in ("newcondition", "")]
    chosen = [o for o in offers if _same_url(_text(o.get("url")), page_url)]
    query = {v for _, v in parse_qsl(urlsplit(page_url or "").query) if len(v) >= 3}
    if not chosen and query and len(offers) > 1:
        # "?variant=081434" naming one offer by its SKU (the size selected on the page)
        chosen = [o for o in offers if _text(o.get("sku")) in query]
    offer_skus = {_text(o.get("sku")) for o in offers} - {None}
    own = [o for o in offers if _text(o.get("sku")) == out["sku"]] if not chosen and not out["mpn"] else []
    picked = chosen[:1] or (own if len(own) == 1 and len(offer_skus) > 1 else offers)
    # several sizes' offers and the product's SKU naming one: the page shows that size (Sephora's "Item 2421234")
    best: tuple[Decimal, Decimal, str | None] | None = None
    for offer in picked:
        price, currency = _offer_price(offer)
        amount, found = _amount(price, currency, locale)
        if amount is not None and (best is None or amount < best[0]):
            best = (amount, amount, found)
    if best is not None:
        out["price"], out["currency"] = str(best[1]), best[2]
        spread = [o for o in picked if o.get("price") in (None, "") and o.get("highPrice") not in (None, "")]
        high, _ = _amount(spread[0]["highPrice"], spread[0].get("priceCurrency"), locale) if len(spread) == 1 else (None, None)
        if high is not None and high > best[0]:
            out["price_span"] = (best[0], high)  # the lowest of several sellers' or conditions' prices
    elif offers and (currency := _text(offers[0].get("priceCurrency"))):
        out["currency"] = currency
    raw_terms = [_text(o.get("availability")) or "" for o in picked]
    if raw_terms and all("limitedavailability" in t.lower() for t in raw_terms):
        out["availability_limited"] = True  # some platforms (Shopware) say so of items they cannot deliver
    terms = [availability_term(t) for t in raw_terms]
    terms = [t for t in terms if t] or [availability_term(_text(product.get("availability")))]
    out["availability"] = "InStock" if "InStock" in terms and not chosen else (terms[0] if terms else None)
    if len(offer_skus) > 1:
        out["variant_offers"] = True  # the page shows one of them: its stock is for the page to say
        if not chosen and not out["sku"] and not out["mpn"] and (stem := _sku_stem(offer_skus)):
            out["sku_stem"] = stem  # "19384756.0195866789012", "19384756.0195866789029": sizes of product 19384756
    if not chosen and len(offer_skus) > 1 and out["sku"] in offer_skus and out["mpn"]:
        out["sku"] = out["mpn"]  # the product's "sku" is one of its sizes' (VTEX's first item id): its reference is the MPN
    if (chosen and len(offers) > 1) or any(re.sub(r"[\s_-]", "", t).lower().endswith("instoreonly") for t in raw_terms):
        out["availability_fixed"] = True  # the offer of the page's own variant, or held by stores: not the page's buy box
    if chosen and (variant_sku := _text(chosen[0].get("sku"))):
        out["sku"] = variant_sku  # the offer of the page's variant names its own SKU
    for offer in chosen[:1] or offers:
        seller = offer.get("seller")
        if isinstance(seller, dict) and not out.get("seller_name"):
            out["seller_name"] = _text(seller.get("name"))
            out["seller_url"] = urljoin(base, s) if (s := _text(seller.get("url"))) else None
            out["seller_id"] = _text(seller.get("identifier"))
            contacts = [c for c in (_text(seller.get("email")), _text(seller.get("telephone"))) if c]
            out["seller_contact"] = "; ".join(contacts) or None
        out["gtin"] = out["gtin"] or next((_text(offer.get(k)) for k in GTIN_KEYS if _text(offer.get(k))), None)
        out["sku"] = out["sku"] or _text(offer.get("sku"))
        out["mpn"] = out["mpn"] or _text(offer.get("mpn"))
    product_id = _text(product.get("productID"))
    if not out["sku"] and product_id:
        out["sku"] = product_id.split(":", 1)[-1] if re.match(r"^[a-z]+:", product_id) else product_id
    return {k: v for k, v in out.items() if v not in (None, [], "")}


def _sku_stem(skus: set[str]) -> str | None:
    """The code that every SKU starts with before a separator and a part of its own ("AB12.1", "AB12.2" → "AB12")."""
    parts = [re.fullmatch(r"(.{4,}?)[._/-]([^._/-]+)", s) for s in skus]
    stems = {m.group(1) for m in parts if m}
    return stems.pop() if len(stems) == 1 and all(parts) else None


def _size_twins(documents: list[Any], product: dict[str, Any]) -> bool:
    """Whether the page's JSON-LD holds other Products of the same name with SKUs of their own (one per size)."""
    name, sku = _text(product.get("name")), _text(product.get("sku"))
    roots = [n for root in documents for n in _as_list(root) if isinstance(n, dict)]
    return bool(name and sku) and any(set(_types(n)) & set(PRODUCT_TYPES) and _text(n.get("name")) == name
                                      and _text(n.get("sku")) not in (None, sku) for n in roots)


def _shown_grouped(sel: Selector, sku: str) -> str | None:
    """The code the page shows in digit groups ("054-2713-4") whose digits begin with the leading digits (six or
    more) of ``sku`` ("0542713P"), when ``sku`` itself is shown nowhere, else None."""
    lead = re.match(r"\d{6,}", sku)
    if not lead or _shown(sel, sku):
        return None
    texts = _visible_texts(sel)
    for text in texts:
        for code in re.findall(r"(?<![\w/.-])\d+(?:-\d+)+(?![\w/.-])", text) if len(text) < 80 else []:
            if re.sub(r"\D", "", code).startswith(lead.group()) and code != lead.group():
                return code
    return None


def _shown_packed(sel: Selector, ids: list[str]) -> str | None:
    """A reference the page shows with separators whose characters, separators dropped, are part of one of ``ids``
    ("4387/144/250" shown, "04387144250-1" in the JSON-LD), else None."""
    texts = _visible_texts(sel)
    for text in texts:
        for code in re.findall(r"(?<![\w/.-])\d+(?:[/.-]\d+)+(?![\w/.-])", text) if len(text) < 80 else []:
            packed = re.sub(r"\D", "", code)
            if len(packed) >= 6 and any(packed in re.sub(r"[^\w]", "", i) for i in ids):
                return code
    return None


def _similar(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a)


def _best_product(nodes: list[Any], title: str | None = None, page_url: str | None = None,
                  checked: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The page's own product: not one inside a list or a related-product property, named like the page's
    title, with offers; a ProductGroup gives its variant for the page's URL (else its first), merged with
    the group's fields."""
    index: dict[str, dict[str, Any]] = {}
    candidates: list[tuple[dict[str, Any], bool]] = []
    for root in nodes:
        for node, nested in _walk_context(root):
            if isinstance(node.get("@id"), str) and len(node) > 2:
                index.setdefault(node["@id"], node)
            if set(_types(node)) & set(PRODUCT_TYPES):
                candidates.append((node, nested))
    if not candidates:
        return None
    variant_ids = {id(v) for node, _ in candidates for v in _as_list(node.get("hasVariant")) if isinstance(v, dict)}

    def rank(item: tuple[dict[str, Any], bool]) -> tuple[int, ...]:
        node, nested = item
        name = _text(node.get("name"))
        return (not nested, id(node) not in variant_ids, _similar(name, title), bool(node.get("offers"))
                or bool(node.get("hasVariant")), bool(name), len(node))

    product = dict(max(candidates, key=rank)[0])
    if not product.get("offers"):  # Squarespace and others emit the Offer as a document of its own
        loose = [n for root in nodes for n in _as_list(root) if isinstance(n, dict)
                 and set(_types(n)) & {"Offer", "AggregateOffer"}]
        if loose:
            product["offers"] = loose
    for key in ("brand", "manufacturer", "offers"):
        ref = product.get(key)
        if isinstance(ref, dict) and set(ref) <= {"@id", "@type"} and ref.get("@id") in index:
            product[key] = index[ref["@id"]]
    variants = [v for v in _as_list(product.get("hasVariant")) if isinstance(v, dict)]
    if variants and not product.get("offers"):
        chosen = next((v for v in variants if _same_url(_text(v.get("url")), page_url)), None)
        # the variant named after the option the page has checked ("… - 32 fl oz" beside <input value="32 fl oz" checked>)
        named = [v for v in variants if any((_text(v.get("name")) or "").endswith(f" {c}") for c in checked)]
        chosen = chosen or (named[0] if len(named) == 1 else None)
        if chosen is None and _text(product.get("productGroupID")) and not any(_text(v.get("url")) for v in variants):
            # no variant named by the page's URL: all its variants' offers, and the code the page shows (the group's
            # or the selected model's), not its first size's
            return {**product, "offers": [o for v in variants for o in _offers(v)]}
        chosen = chosen or variants[0]
        merged = {**product, **{k: v for k, v in chosen.items() if v not in (None, "", [])}}
        merged["brand"] = chosen.get("brand") or product.get("brand")
        merged["name"] = product.get("name") or chosen.get("name")
        if chosen.get("offers") and not _offers_have_url(chosen) and _text(chosen.get("url")):
            merged["offers"] = [{**o, "url": chosen["url"]} for o in _offers(chosen)]
        return merged
    return product


def _offers_have_url(product: dict[str, Any]) -> bool:
    return any(o.get("url") for o in _offers(product))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def jsonld_documents(sel: Selector) -> list[Any]:
    """Every JSON-LD script parsed with :mod:`json`; a malformed or oversized one is skipped, not fatal."""
    out = []
    for raw in sel.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]/text()").getall()[:100]:
        if len(raw) > MAX_JSONLD_CHARS:
            continue
        text = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
        text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):
            try:
                out.append(json.loads(attempt, strict=False))
                break
            except (ValueError, RecursionError):
                continue
    return out


def meta_fields(sel: Selector) -> dict[str, Any]:
    """Product fields from meta tags: Open Graph ``product:*``/``og:*``, ``itemprop`` metas, Twitter labels."""
    meta: dict[str, str] = {}
    for node in sel.xpath("//meta[@content][@property or @name or not(ancestor::*[@itemscope])]")[:2000]:
        key = (node.attrib.get("property") or node.attrib.get("name") or node.attrib.get("itemprop") or "").lower()
        if key and node.attrib["content"].strip():
            meta.setdefault(key, node.attrib["content"].strip())
    for number in "1234":
        label = meta.get(f"twitter:label{number}", "").lower()
        if label in ("price", "preis", "prix", "prezzo", "precio", "価格", "价格"):
            meta.setdefault("twitter:price", meta.get(f"twitter:data{number}", ""))
    key = next((k for k in ("product:sale_price:amount", "product:price:amount", "og:price:amount",
                            "price", "twitter:price", "product:price") if meta.get(k)), None)
    price = meta[key] if key else None
    out = {
        "title": meta.get("og:title"), "description": meta.get("og:description") or meta.get("description"),
        "url": meta.get("og:url"), "images": [meta["og:image"]] if meta.get("og:image") else [],
        "price": price,
        "currency": next((meta[k] for k in ("product:sale_price:currency", "product:price:currency",
                                            "og:price:currency", "pricecurrency") if meta.get(k)), None),
        "brand": next((meta[k] for k in ("product:brand", "og:brand", "brand", "product:manufacturer")
                       if meta.get(k)), None),
        "availability": next((meta[k] for k in ("product:availability", "og:availability", "availability")
                              if meta.get(k)), None),
        "sku": meta.get("product:retailer_item_id") or meta.get("product:sku") or meta.get("sku"),
        "gtin": meta.get("product:gtin") or meta.get("product:ean") or meta.get("gtin13") or meta.get("gtin"),
        "mpn": meta.get("product:mfr_part_no") or meta.get("mpn"), "category": meta.get("product:category"),
    }
    out["availability"] = availability_term(out["availability"]) or out["availability"]
    out["stray_price"] = key == "price"  # an itemprop meta outside any item, or <meta name=price>
    return {k: v for k, v in out.items() if v}


def heuristics(sel: Selector, base: str, locale: Locale | None = None) -> dict[str, Any]:
    """Fields of a page without markup: <h1>, the visible price, brand, SKU and stock, seller link, images."""
    hint = sel.xpath("//meta[@property='og:title']/@content").get() or sel.xpath("normalize-space(//title)").get()
    out: dict[str, Any] = visible_fields(sel, locale, hint)
    title = sel.xpath("normalize-space(//h1[1])").get() or sel.xpath("normalize-space(//title)").get()
    if title:
        out["title"] = title
    seller = sel.xpath("(//a[contains(@class,'seller') or contains(@href,'/seller/') or contains(@href,'/store/')"
                       " or contains(@href,'/str/')])[1]")
    if seller:
        out["seller_name"] = seller.xpath("normalize-space(.)").get()
        out["seller_url"] = urljoin(base, seller.attrib.get("href", ""))
    description = sel.xpath("//meta[@name='description']/@content").get()
    if description:
        out["description"] = description
    images = sel.xpath("//main//img/@src | //*[contains(@class,'product')]//img/@src").getall()[:5]
    if images:
        out["images"] = [urljoin(base, src) for src in images]
    return {k: v for k, v in out.items() if v}


def _structured_product(sel: Selector, text: str, base: str, title: str | None, url: str,
                        rdfa: bool) -> list[dict[str, Any]]:
    """The page's product in each structured syntax that has one (JSON-LD, then microdata, then RDFa)."""
    found = []
    documents = jsonld_documents(sel)
    checked = tuple(v.strip() for v in sel.xpath("//input[@type='radio'][@checked]/@value | //option[@selected]/@value")
                    .getall()[:20] if len(v.strip()) >= 2)
    product = _best_product(documents, title, url, checked)
    if product and _size_twins(documents, product) and not _shown(sel, str(product["sku"])):
        # one size's id, not the product's code; the page may show the reference they pack ("4387/144/250")
        packed = [_text(product.get(k)) for k in ("mpn", "sku")]
        product = {k: v for k, v in product.items() if k not in ("sku", "mpn")}
        if shown := _shown_packed(sel, [p for p in packed if p]):
            product["sku"] = shown
    if product:
        found.append(product)
    if not found or not _complete(found[0]):
        microdata = extruct.extract(sel.root, base_url=base, syntaxes=["microdata"], uniform=True, errors="ignore")
        if product := _best_product(microdata.get("microdata", []), title, url):
            found.append(product)
    if not found and rdfa:
        rdfa_data = extruct.extract(text, base_url=base, syntaxes=["rdfa"], uniform=True, errors="ignore")
        if product := _best_product(compact_rdfa(rdfa_data.get("rdfa", [])), title, url):
            found.append(product)
    return found


def compact_rdfa(nodes: list[Any]) -> list[dict[str, Any]]:
    """extruct's expanded RDFa (``{"http://schema.org/name": [{"@value": …}]}``, blank-node references) as
    compact schema.org dicts (``{"name": …, "brand": {…}}``), references resolved to a bounded depth."""
    flat = [n for n in nodes if isinstance(n, dict)][:MAX_NODES]
    by_id = {n["@id"]: n for n in flat if isinstance(n.get("@id"), str)}

    def compact(node: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": [str(t).rsplit("/", 1)[-1] for t in _as_list(node.get("@type"))]}
        for key, values in node.items():
            if not key.startswith(("http://schema.org/", "https://schema.org/")):
                continue
            converted = []
            for value in _as_list(values):
                if isinstance(value, dict) and "@value" in value:
                    converted.append(value["@value"])
                elif isinstance(value, dict) and "@id" in value:
                    ref = by_id.get(value["@id"])
                    converted.append(compact(ref, depth + 1) if ref is not None and depth < 4 else value["@id"])
            out[key.rsplit("/", 1)[-1]] = converted[0] if len(converted) == 1 else converted
        return out

    return [compact(n, 0) for n in flat if n.get("@type")]


def _complete(product: dict[str, Any]) -> bool:
    return bool(product.get("offers") and product.get("brand") and (product.get("sku") or product.get("mpn")))


def extract_listing(html: str | bytes, url: str, *, content_type: str | None = None,
                    rdfa: bool = True) -> dict[str, Any]:
    """Raw listing fields of the product page at ``url`` (structured data first, then meta tags, embedded
    state and the visible page to fill gaps); ``price`` is a plain decimal text with its ``currency``."""
    text = decode_body(html, content_type) if isinstance(html, bytes) else html
    sel = Selector(text=text or "<html></html>")
    canonical = sel.xpath("//link[@rel='canonical']/@href").get()
    base = urljoin(url, sel.xpath("//base/@href").get() or "")
    page_url = urljoin(base, canonical) if canonical else url
    lang = (sel.xpath("/html/@lang").get() or sel.xpath("//meta[@property='og:locale']/@content").get()
            or sel.xpath("//meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content").get()
            or _script_language(sel.xpath("normalize-space(//title)").get() or ""))
    locale = page_locale(page_url if canonical else url, lang)
    meta = meta_fields(sel)
    stray = meta.pop("stray_price", False)
    title = sel.xpath("normalize-space(//h1[1])").get() or meta.get("title")
    # the fetched URL names the variant (Shopify's ?variant=…) when the canonical URL is the product's
    offer_url = url if urlsplit(url).query and _same_url(url.split("?")[0], page_url.split("?")[0]) else page_url
    structured = [from_product(p, base, page_url=offer_url, locale=locale)
                  for p in _structured_product(sel, text, base, title, offer_url, rdfa)]
    limited = any(s.pop("availability_limited", False) for s in structured)
    variants = any(s.pop("variant_offers", False) for s in structured[:1])
    spans = [s.pop("price_span", None) for s in structured]
    stem = structured[0].pop("sku_stem", None) if structured else None
    if stem and not _shown(sel, str(structured[0]["sku"])) and _shown(sel, stem, start=True):
        structured[0]["sku"] = stem  # the page shows the sizes' common code, not one size's
    if structured and structured[0].get("sku") and (shown := _shown_grouped(sel, str(structured[0]["sku"]))):
        structured[0]["sku"] = shown  # the page shows the code grouped, with its check digit ("#054-2713-4")
    sources: list[dict[str, Any]] = [*structured, meta]
    visible: dict[str, Any] = {}
    no_product = False
    if limited or variants or not all(s.get("sku") or s.get("mpn") for s in structured[:1]) or not _has_all(structured, meta):
        state = from_state(sel, title)
        # og:price of a product whose price varies is its lowest; the state names the variant on the page
        sources.insert(len(structured) if state.pop("variant_price", False) else len(sources), state)
        visible = heuristics(sel, base, locale)
        shown_amounts = visible.pop("amounts_shown", None)
        available_shown = visible.pop("available_shown", False)
        no_product = visible.pop("no_product", False)
        sources.append(visible)  # only when structured data left gaps (it costs ~40 %)
        if state.get("sku") and not _shown(sel, str(state["sku"]), titled=False) and (
                sources[-1].get("sku") not in (None, state["sku"])
                or (sources[-1].get("mpn") not in (None, state["sku"]) and str(state["sku"]) not in page_url)):
            # an analytics id the page never shows ("item_id": "18277"), or a model only in the product's name
            # ("reference": "IF55"), is not the code the page labels; nor an id neither the page nor its address
            # shows beside the model it labels ("skuId": "5012…" beside "型号 MB-FB40E511")
            del state["sku"]
        if state.get("sku") and _ean13(str(state["sku"])) and not _shown(sel, str(state["sku"])):
            state.setdefault("gtin", state.pop("sku"))  # a barcode the state calls "sku" and the page never shows
        if limited and sources[-1].get("availability") == "OutOfStock":
            for source in structured:
                source["availability"] = "OutOfStock"
        if visible.pop("unavailable_shown", False) and not availability_fixed(structured):
            # the page says it cannot be bought ("Temporarily unavailable", no enabled buy button) while the
            # structured data, generated apart from the stock, still says InStock
            for source in sources[:-1]:
                if availability_term(source.get("availability")) == "InStock":
                    source["availability"] = "OutOfStock"
        if (available_shown and not availability_fixed(structured)
                and all(availability_term(s.get("availability")) in ("OutOfStock", None) for s in sources[:-1])):
            # the page's stock line says in stock beside an enabled buy button; structured data says sold out
            for source in sources[:-1]:
                source.pop("availability", None)
        if stray and shown_amounts and visible.get("price") and _unshown(meta, shown_amounts, locale):
            meta.pop("price")  # a stray itemprop price the page shows nowhere beside the one it shows: left behind
        if shown_amounts and visible.get("price") and visible.get("old_prices"):
            low, high = Decimal(visible["price"]), max(Decimal(p) for p in visible["old_prices"])
            for source in sources[:-1]:
                amount = _amount(source.get("price"), source.get("currency"), locale)[0] if source.get("price") else None
                if amount is not None and low < amount < high and str(amount.normalize()) not in shown_amounts:
                    # a price the page shows nowhere, between its sale price and the struck-through one: the
                    # structured data left at an earlier price, before the sale
                    source.pop("price", None)
    for source in structured:
        source.pop("availability_fixed", None)
    seen = sources[-1] if sources[-1].get("old_prices") else {}
    seen_old = seen.pop("old_prices", [])
    out: dict[str, Any] = {}
    for source in sources:  # every source's price is a data value (the heuristics give parsed amounts)
        if not out.get("price") and source.get("price"):
            amount, currency = _amount(source["price"], source.get("currency"), locale)
            if amount is not None:
                out["price"], out["currency"] = str(amount), currency
        for key, value in source.items():
            if key not in ("price", "currency") and not out.get(key):
                out[key] = value
    if (seen_old and out.get("price") and Decimal(out["price"]) in {Decimal(p) for p in seen_old} and seen.get("price")
            and not _is_old(seen, seen_old, locale)):
        # structured data left at the price the page now shows struck through: the page's current price
        amount, currency = _amount(seen["price"], seen.get("currency") or out.get("currency"), locale)
        if amount is not None:
            out["price"], out["currency"] = str(amount), currency
    span = spans[0] if spans and out.get("price") == structured[0].get("price") else None
    if span and visible.get("price") and _within(visible, span, out["price"], locale):
        # an AggregateOffer's lowPrice is the cheapest of several sellers or conditions; the page shows its own
        amount, currency = _amount(visible["price"], visible.get("currency") or out.get("currency"), locale)
        out["price"], out["currency"] = str(amount), currency or out.get("currency")
    if out.get("price") and not out.get("currency"):
        declared = next((s["currency"] for s in sources if s.get("currency")), None)
        out["currency"] = normalise_currency(declared, locale) or locale.currency
    out["availability"] = availability_term(out.get("availability")) or out.get("availability")
    if no_product and not any(out.get(k) for k in ("price", "sku", "mpn", "gtin", "brand")):
        out.pop("availability", None)  # a removed product's page ("<h1>No longer available") has no stock to report
    if not out.get("sku") and out.get("mpn"):
        out["sku"] = out["mpn"]
    if _keyed_by_barcode(out.get("sku"), out.get("gtin"), page_url):
        out["sku"] = out["gtin"]
    out["url"] = page_url if canonical else out.get("url") or url
    if out.get("seller_url") and not out.get("seller_id"):
        out["seller_id"] = urlsplit(out["seller_url"]).path.rstrip("/").rsplit("/", 1)[-1] or None
    if lang:
        out["language"] = lang.split("-")[0].split("_")[0].lower()
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def availability_fixed(structured: list[dict[str, Any]]) -> bool:
    """Whether the structured availability is that of the offer for the page's own variant URL, or InStoreOnly:
    a buy box the page disables does not contradict it."""
    return any(s.get("availability_fixed") for s in structured)


def _ean13(value: str) -> bool:
    """Whether ``value`` is an EAN-13 with a valid check digit."""
    if not re.fullmatch(r"\d{13}", value):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(value[:12]))
    return (10 - total % 10) % 10 == int(value[12])


def _shown(sel: Selector, value: str, *, start: bool = False, titled: bool = True) -> bool:
    """Whether ``value`` is in the page's visible text (outside scripts, styles and attributes) as a whole code, not
    the start of a longer one ("FB-12" of "FB-12-OAT" is the parent's code, not the one shown); with ``start``, also
    as a code's first part ("19384756" of "19384756_shopuk"); without ``titled``, outside the <h1>."""
    texts = _visible_texts(sel, titled=titled)
    pattern = re.compile(rf"(?<![\w-]){re.escape(value)}" + (r"(?![^\W_])" if start else r"(?![\w-])"))
    return any(value in text and pattern.search(text) for text in texts)


def _visible_texts(sel: Selector, *, titled: bool = True) -> list[str]:
    """The page's visible text nodes (outside scripts and styles); without ``titled``, outside the <h1> too."""
    heading = "" if titled else " or ancestor::h1"
    return sel.xpath(f"//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript{heading})]").getall()


def _within(source: dict[str, Any], span: tuple[Decimal, Decimal], price: str | None,
            locale: Locale | None) -> bool:
    """Whether the visible price is another amount of an AggregateOffer's range (lowPrice..highPrice)."""
    amount, _ = _amount(source["price"], source.get("currency"), locale)
    return amount is not None and span[0] < amount <= span[1] and str(amount) != price


def _keyed_by_barcode(sku: Any, gtin: Any, page_url: str) -> bool:
    """Whether a page without an item code is keyed by the barcode it shows ("/p/pate-…-3017620425035"): the shop's
    item code then (a book's ISBN, 978/979…, stays the ISBN)."""
    code = str(gtin or "")
    return not sku and bool(code) and not code.startswith(("978", "979")) and code in urlsplit(page_url).path


def _unshown(source: dict[str, Any], shown: set[str], locale: Locale | None) -> bool:
    amount = _amount(source.get("price"), source.get("currency"), locale)[0]
    return amount is not None and str(amount.normalize()) not in shown


def _is_old(source: dict[str, Any], old: list[str], locale: Locale | None) -> bool:
    amount, _ = _amount(source["price"], source.get("currency"), locale)
    return amount is None or amount in {Decimal(p) for p in old}


def _script_language(text: str) -> str | None:
    """ja/ko/zh from the script of a page title, for pages that declare no language."""
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else None


def _has_all(structured: list[dict[str, Any]], meta: dict[str, Any]) -> bool:
    merged = {**meta, **(structured[0] if structured else {})}
    return all(merged.get(k) for k in ("title", "price", "brand", "availability", "seller_url"))
