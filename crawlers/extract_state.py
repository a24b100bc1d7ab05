"""Product fields from the JSON state shops embed in their pages: ``__NEXT_DATA__``, ``window.__INITIAL_STATE__``
and the like, Shopify's ``ShopifyAnalytics.meta`` and product JSON, ``dataLayer`` e-commerce pushes.

Scripts are only ever parsed as JSON (``json``), never evaluated; sizes and tree walks are bounded.
"""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any

from parsel import Selector

from crawlers.availability import availability_term

MAX_SCRIPT_CHARS = 3_000_000
MAX_SCRIPTS = 200
MAX_NODES = 30_000
MAX_DECODES = 60  # JSON values decoded from inline scripts per page
_ASSIGNMENT = re.compile(
    r"(?:window\.|self\.|globalThis\.)([A-Za-z_$][\w$]*)\s*=\s*(?=[{\[])|window\[['\"]([\w$]+)['\"]\]\s*=\s*(?=[{\[])"
    r"|(?:var\s+|let\s+|const\s+)?(__[A-Z][A-Z0-9_]*__|[A-Za-z]*(?:[Ss]tate|[Dd]ata|[Pp]roduct)[A-Za-z]*"
    r"|meta)\s*=\s*(?=[{\[])|dataLayer\.push\(\s*(?=\{)|gtag\(\s*['\"]event['\"]\s*,\s*['\"]view_item['\"]\s*,\s*(?=\{)")
NAME_KEYS = ("name", "title", "productName", "product_name", "item_name", "displayName", "product_title",
             "productTitle")
PRICE_KEYS = ("discountedSalePrice", "discountedPrice", "salePrice", "sale_price", "currentPrice", "current_price", "finalPrice", "final_price",
              "sellingPrice", "selling_price", "offerPrice", "specialPrice", "price", "priceValue", "amount",
              "priceInfo", "pricing", "prices", "priceRange")
PRICE_PARTS = ("current", "sale", "final", "selling", "now", "value", "amount", "raw", "price", "min",
               "minVariantPrice", "minPrice", "lowPrice", "minimum")
SKU_KEYS = ("sku", "skuId", "sku_id", "skuCode", "productSku", "itemNumber", "productCode", "product_code",
            "item_id", "itemId", "usItemId", "productId", "product_id", "partNumber", "reference")
BRAND_KEYS = ("brand", "brandName", "brand_name", "vendor", "manufacturer", "item_brand")
STOCK_KEYS = ("availability", "stockStatus", "stock_status", "inventoryStatus", "availabilityStatus", "inStock",
              "in_stock", "isInStock", "is_in_stock", "available", "isAvailable", "availableForSale", "soldOut",
              "sold_out")
VARIANT_KEYS = ("selectedVariant", "selected_variant", "currentVariant", "selectedOrFirstAvailableVariant",
                "selected_or_first_available_variant", "defaultVariant", "variant")
CURRENCY_KEYS = ("currency", "currencyCode", "currency_code", "priceCurrency")
_ISO = re.compile(r"[A-Z]{3}")
_PRICE_TEXT = re.compile(r"[^\d]{0,6}\d[\d.,'\s\u00a0]{0,20}[^\d]{0,6}")


def state_documents(sel: Selector) -> list[tuple[str, Any]]:
    """(kind, JSON value) of every embedded state the page carries; kinds: ``shopify``, ``json``, ``script``."""
    found: list[tuple[str, Any]] = []
    decoder = json.JSONDecoder()
    decodes = 0
    for script in sel.xpath("//script")[:MAX_SCRIPTS]:
        kind = (script.attrib.get("type") or "").lower()
        if "ld+json" in kind:
            continue
        text = script.xpath("string()").get() or ""
        if len(text) > MAX_SCRIPT_CHARS or not text.strip():
            continue
        if "json" in kind:
            value = _loads(text)
            if value is not None:
                ident = (script.attrib.get("id") or "") + " " + " ".join(script.attrib.keys())
                shopify = "productjson" in ident.lower().replace("-", "") or "data-product-json" in ident
                found.append(("shopify" if shopify else "json", value))
            continue
        if kind and "javascript" not in kind and "module" not in kind:
            continue
        if "__next_f.push(" in text:
            found.extend(("script", value) for value in _flight_values(text))
            continue
        for match in _ASSIGNMENT.finditer(text):
            decodes += 1
            if decodes > MAX_DECODES:
                break
            try:
                value, _ = decoder.raw_decode(text, match.end())
            except (ValueError, RecursionError):
                value = js_literal(text, match.end())  # {layout:"default",data:[…]}: unquoted keys
                if value is None:
                    continue
            shopify = match.group(3) == "meta" and isinstance(value, dict) and "product" in value
            found.append(("shopify" if shopify else "script", value))
    return found


_FLIGHT_PUSH = re.compile(r'__next_f\.push\(\s*(\[\s*1\s*,\s*"(?:[^"\\]|\\.)*"\s*\])\s*\)')
_FLIGHT_ROW = re.compile(r"^[0-9a-f]{1,6}:(?=[\[{])", re.M)


def _flight_values(text: str) -> list[Any]:
    """The JSON rows of a React Server Components flight payload (Next.js app router:
    ``self.__next_f.push([1,"5:[\"$\",\"$L12\",null,{…}]\n"])``)."""
    out: list[Any] = []
    for push in _FLIGHT_PUSH.finditer(text):
        try:
            chunk = json.loads(push.group(1))[1]
        except (ValueError, IndexError):
            continue
        for row in _FLIGHT_ROW.finditer(chunk):
            value = _loads(chunk[row.end():].split("\n", 1)[0])
            if value is not None:
                out.append(value)
    return out[:MAX_DECODES]


_JS_TOKEN = re.compile(r"""\s+|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[{}\[\],:]|!0|!1|void 0"""
                       r"|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z_$][\w$]*")
_KEY_FOLLOWS = re.compile(r"\s*:")
_JS_VALUES = {"true": "true", "false": "false", "null": "null", "undefined": "null", "void 0": "null", "!0": "true",
              "!1": "false"}


def js_literal(text: str, start: int, limit: int = 300_000) -> Any:
    """A JavaScript object literal of data only (unquoted keys, '…' strings, !0, void 0) read as JSON, else None;
    any name that is not a key or a constant (a variable, a call) gives None: nothing is evaluated."""
    out: list[str] = []
    depth, at, end = 0, start, min(len(text), start + limit)
    while at < end:
        token = _JS_TOKEN.match(text, at)
        if token is None:
            return None
        piece, at = token.group(), token.end()
        if piece[0] in "{[":
            depth += 1
        elif piece[0] in "}]":
            depth -= 1
        elif piece[0] == "'":
            piece = json.dumps(piece[1:-1].replace("\\'", "'"))
        elif piece[0].isalpha() or piece[0] in "_$!v":
            if _KEY_FOLLOWS.match(text, at):
                piece = json.dumps(piece)
            elif piece in _JS_VALUES:
                piece = _JS_VALUES[piece]
            else:
                return None
        out.append(piece)
        if depth == 0:
            return _loads("".join(out))
    return None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _walk(root: Any) -> list[tuple[str, dict[str, Any]]]:
    """(key it sits under, dict) for the dicts of a JSON tree, breadth first, at most MAX_NODES visited."""
    out: list[tuple[str, dict[str, Any]]] = []
    queue: deque[tuple[str, Any]] = deque([("", root)])
    seen = 0
    while queue and seen < MAX_NODES:
        key, node = queue.popleft()
        seen += 1
        if isinstance(node, dict):
            out.append((key, node))
            queue.extend((str(k), v) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            queue.extend((key, v) for v in node[:200])
    return out


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return text or None
    if isinstance(value, dict):
        return _scalar(value.get("name") or value.get("title") or value.get("value"))
    return None


def _price(value: Any, depth: int = 0) -> tuple[str | None, str | None]:
    """(amount text, currency) of a state price: a number, a text or ``{"value": …, "currency": …}``."""
    if isinstance(value, bool) or value is None or depth > 3:
        return None, None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return (text, None) if _PRICE_TEXT.fullmatch(text) else (None, None)
    if isinstance(value, dict):
        currency = next((str(value[k]) for k in CURRENCY_KEYS if isinstance(value.get(k), str)), None)
        for part in (*PRICE_KEYS[:13], *PRICE_PARTS):
            if part in value:
                amount, inner = _price(value[part], depth + 1)
                if amount:
                    return amount, inner or currency
    return None, None


def _first(node: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((node[k] for k in keys if node.get(k) not in (None, "", [], {})), None)


_BRAND_NAME = re.compile(r"(?i)^\s*(?:brand(?:[ _-]?name)?|marke|marque|marca|merk|merek|marka|märke|merkki|márka"
                         r"|značka|бренд|ブランド|品牌|브랜드|thương hiệu)\s*$")
ATTRIBUTE_KEYS = ("attributes", "specifications", "custom_attributes", "customAttributes", "properties", "features")


def _attribute_brand(node: dict[str, Any]) -> str | None:
    """The brand in a product's list of named attributes: Saleor's ``{"attribute": {"name": "Marka"}, "values":
    [{"name": "Fjällräven"}]}``, commercetools' or Magento's ``{"name": "brand", "value": "…"}``."""
    for key in ATTRIBUTE_KEYS:
        entries = node.get(key)
        for entry in entries[:100] if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            label = entry.get("attribute") if isinstance(entry.get("attribute"), dict) else entry
            names = [label.get(k) for k in ("name", "label", "code", "slug", "key", "attribute_code")]
            if not any(isinstance(n, str) and _BRAND_NAME.match(n) for n in names):
                continue
            for value in (entry.get("value"), entry.get("values"), entry.get("text")):
                if isinstance(value, list):
                    value = value[0] if value else None
                if isinstance(value, dict):
                    value = value.get("name") or value.get("label") or value.get("value")
                if isinstance(value, str) and value.strip():
                    return value.strip()[:200]
    return None


def _fields(node: dict[str, Any], *, cents: bool = False, depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"title": _scalar(_first(node, NAME_KEYS))}
    for key in PRICE_KEYS:
        amount, currency = _price(node.get(key))
        if amount:
            if cents and re.fullmatch(r"\d+", amount):
                amount = f"{int(amount) / 100:.2f}"
            out["price"], out["currency"] = amount, currency
            break
    out["currency"] = out.get("currency") or next(
        (str(node[k]) for k in CURRENCY_KEYS if isinstance(node.get(k), str) and _ISO.fullmatch(node[k])), None)
    out["sku"] = _scalar(_first(node, SKU_KEYS))
    out["brand"] = _scalar(_first(node, BRAND_KEYS)) or _attribute_brand(node)
    for key in STOCK_KEYS:
        value = node.get(key)
        if isinstance(value, dict):
            value = _first(value, STOCK_KEYS)
        if value is not None and not isinstance(value, list | dict):
            term = availability_term(value)
            if key in ("soldOut", "sold_out") and isinstance(value, bool):
                term = "OutOfStock" if value else "InStock"
            if term:
                out["availability"] = term
                break
    if "availability" not in out:
        for sub in ("inventory", "stock"):
            if isinstance(node.get(sub), dict):
                term = _fields(node[sub]).get("availability")
                if term:
                    out["availability"] = term
                    break
    variants = [v for v in node.get("variants") or [] if isinstance(v, dict)] if isinstance(
        node.get("variants"), list) else []
    chosen = next((node[k] for k in VARIANT_KEYS if isinstance(node.get(k), dict)), None)
    # a product whose price varies shows its first available variant (Shopify's selected_or_first_available_variant);
    # its own price is then the lowest, not the one on the page
    varies = chosen is None and node.get("price_varies") is True and variants
    if varies:
        chosen = next((v for v in variants if v.get("available") is True), variants[0])
    elif chosen is None and variants:  # the variant the state marks as selected, else the first
        chosen = next((v for v in variants if v.get("selected") is True or v.get("isSelected") is True), variants[0])
    if chosen is not None and depth < 2:
        first = _fields(chosen, cents=cents, depth=depth + 1)
        if len(variants) > 1 and chosen is variants[0] and _sized(first.get("sku"), first.get("title")):
            first.pop("sku")  # "NB-MCT-BLK-S" of size "S", no size chosen: one size's code, not the product's
        for key in ("sku", "price", "availability"):
            if first.get(key) and (varies or not out.get(key)):
                out[key] = first[key]
        if varies and first.get("price"):
            out["variant_price"] = True
    return {k: v for k, v in out.items() if v not in (None, "")}


def _sized(sku: str | None, title: str | None) -> bool:
    """Whether a variant's SKU ends with its own short title, a size ("NB-MCT-BLK-S" of "S")."""
    return bool(sku and title and len(title) <= 4 and re.search(rf"(?i)[-_/.]{re.escape(title)}$", sku))


def _similar(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a)


def from_state(sel: Selector, title_hint: str | None) -> dict[str, Any]:
    """The fields of the page's own product in its embedded state, or {} when none is recognisable.

    A dict is the product when its name matches the page title, or when it sits under a key such as
    ``product`` and carries a price; Shopify's state gives prices in cents.
    """
    best: tuple[int, dict[str, Any]] | None = None
    page_currency = named_brand = None
    for kind, document in state_documents(sel):
        for key, node in _walk(document):
            if page_currency is None:
                page_currency = next((str(node[k]) for k in CURRENCY_KEYS
                                      if isinstance(node.get(k), str) and _ISO.fullmatch(node[k])), None)
            if not any(k in node for k in (*PRICE_KEYS, *SKU_KEYS, *BRAND_KEYS, *VARIANT_KEYS, "variants")):
                continue
            fields = _fields(node, cents=kind == "shopify")
            named = _similar(fields.get("title"), title_hint)
            if not (fields.get("price") or fields.get("sku")):
                # Apollo's normalised cache keeps the price in another node ("GraphqlPrice:1834567")
                named_brand = named_brand or (fields.get("brand") if named else None)
                continue
            keyed = (re.search(r"(?i)product|item|detail|current", key) is not None
                     and re.search(r"(?i)recommend|related|similar|also|cart|basket|upsell|cross|bundle|list", key) is None)
            if not named and not (keyed and "price" in fields) and kind != "shopify":
                continue
            score = 4 * named + 2 * keyed + sum(k in fields for k in ("price", "sku", "brand", "availability"))
            score += 10 * (kind == "shopify" and key in ("", "product"))
            if best is None or score > best[0]:
                best = (score, fields)
    if best is None:
        return {"brand": named_brand} if named_brand else {}
    fields = dict(best[1])
    fields.setdefault("currency", page_currency)
    fields.setdefault("brand", named_brand)
    fields.pop("title", None)
    return {k: v for k, v in fields.items() if v}
