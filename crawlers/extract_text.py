"""Fields from what a person sees on a product page without markup: the current price near the title and the
buy button (struck-through, "was" and unit prices skipped), SKU/MPN and brand labels in spec tables
("SKU:", "Item model number", "Artikelnummer", "型番", "品牌"), stock phrases and the buy button's state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from parsel import Selector

from crawlers.availability import availability_phrase
from crawlers.prices import EURO_CENTS, MONEY, Locale, detect_currency, parse_price

MAX_ELEMENTS = 60_000
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "select", "option", "textarea"})
_NOISE_TOKEN = re.compile(r"(?i)^(?:(?:site|page|global|main|top|app)[-_]+)?(?:header|footer|nav|navbar|navigation|menu"
                          r"|megamenu|masthead)(?:$|[-_])")
_NOISE_PART = re.compile(r"(?i)mini-?cart|cart-(?:count|preview|contents|link|drawer|icon)|blockcart|related|upsell|"
                         r"cross-?sell|recommend|carousel|similar|also-?(?:bought|like|viewed)|recently|breadcrumb|"
                         r"(?<![a-z])reviews?(?![a-z])|newsletter|cookie|you-?may|sponsored")
_OLD = re.compile(r"(?<![a-z0-9])(?:old|was|compare|strike|before|original|orig|org(?![a-z])|rrp|msrp|uvp|crossed"
                  r"|barrato|tachado|prev|list-?price|reference-price|streich|deleted)")  # on camel-split, lower-cased attributes
_WEAK_OLD = re.compile(r"(?<![a-z0-9])(?:regular|list)")
_NOT_PRICE = re.compile(r"(?i)sav(?:e|ing)|discount|économisez|sparen|risparmi|ahorr|you save|payments? of|/\s*mo\b|"
                        r"month|monat|klarna|afterpay|shipping|delivery|versand|送料|ポイント|point|coupon|"
                        r"gutschein|installment|\bper\b|/\s*(?:kg|g|l|ml|m|oz|lb|100\s?g|stück|unit|ea)\b|\bover\b|"
                        r"\bfrom \d+ items|\bab \d+ stück")
_OLD_TEXT = re.compile(r"(?i)^\s*(?:list price|was|reg\.?|orig(?:inal)?\.?(?: price)?|compare at|"
                       r"rrp|msrp|m\.r\.p\.?|uvp|statt|ursprünglich\w*(?: preis)?|originalpreis|ehemals|vorher|bisher|"
                       r"prix (?:de référence|initial|barré|conseillé)|prezzo (?:consigliato|di listino)|prima|antes|"
                       r"tidigare(?: pris)?|ordinarie(?: pris)?|normalpris|参考価格|通常(?:販売)?価格|メーカー希望小売価格|"
                       r"原价|定价|市场价)(?:\W|$)")
_MONEY = MONEY
_AMOUNTS = re.compile(r"\d[\d.,'\u00a0\u202f ]*")
_RANGE = re.compile(r"\d\s*(?:-|–|—|~|〜|to|bis|à|a)\s*\D{0,5}\d")
_BUY = re.compile(r"(?i)add[ -_]?to[ -_]?(?:cart|basket|bag|trolley)|addtocart|buy[ -_]?(?:it )?now|in den (?:warenkorb|"
                  r"einkaufswagen)|ajouter au panier|aggiungi al carrello|añadir al carrito|agregar al carrito|"
                  r"lägg i varukorgen|in winkelwagen|do koszyka|adicionar ao carrinho|カートに入れる|買い物かごに入れる|"
                  r"カートへ|加入购物车|立即购买|加入購物車|장바구니")
_DISABLED = re.compile(r"(?i)sold-?out|unavailable|out-?of-?stock|(?<![\w-])btn-disabled?(?![\w-])")
_STOCK_ATTR = re.compile(r"(?i)stock|availab|inventory|disponib|lager|zaiko|delivery-status")

SKU_LABELS = (r"(?:[A-Z][a-z]+\s)?SKU|TCIN|Item\s*#|Item\s+(?:number|no\.?)|Product\s+(?:code|number|no\.?|ID)|Art(?:ikel)?\.?[\s-]*(?:Nr|nummer)"
              r"\.?|Artikelnummer|Bestellnummer|Référence|Ref(?:erence)?\.?|Codice(?:\s+articolo)?|Código|Cod\.|"
              r"Varenummer|Artikelnr\.?|Numer katalogowy|Referencia|Riferimento|Referentie|K[óo]d produktu|Číslo produktu|"
              r"Ürün kodu|Stok kodu|Tuotenumero|Cikkszám|商品番号|商品コード|品番|货号|商品编号|商品编码|ASIN|Style\s*(?:code|#)")
MPN_LABELS = (r"MPN|Part\s*(?:Number|No\.?|#)|Manufacturer\s+Part\s+(?:Number|No\.?)|Item model number"
              r"|Model(?:\s*(?:number|no\.?|#))?|Modell(?:nummer)?|Modèle|Modello|Modelo|Model(?:o|u)?"
              r"|Herstellernummer|Herstellerartikelnummer|Hersteller-?Nr\.?|Réf(?:érence|\.)?\s+fabricant"
              r"|Kod producenta|Código (?:del )?fabricante|Codice produttore|Numero di parte|Fabrikantcode|Model Kodu"
              r"|型番|型号|型號|모델명")
GTIN_LABELS = r"EAN(?:-?13)?|GTIN(?:-?1[234])?|UPC|JAN(?:コード)?|ISBN(?:-?13)?|Barcode|条形码|バーコード"
BRAND_LABELS = r"Brand(?:\s+name)?|Marke|Marque|Marca|Merk|Märke|Marka|Značka|Merkki|Márka|Μάρκα|ブランド(?:名)?|品牌|브랜드"
MAKER_LABELS = (r"Manufacturer|Hersteller|Fabricant|Produttore|Fabricante|Producent|Výrobce|Výrobca|Üretici|Tillverkare"
                r"|Valmistaja|Gyártó|Κατασκευαστής|メーカー|制造商|生产厂家|製造商")
_SEP = r"\s*(?:[:：#]|\s-\s)\s*"


def _label(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{pattern})(?P<sep>{_SEP}|(?<=#)\s+|\s*$)(?P<rest>.*)$", re.I | re.S)


_SKU_RE, _MPN_RE, _GTIN_RE, _BRAND_RE, _MAKER_RE = (_label(p) for p in (SKU_LABELS, MPN_LABELS, GTIN_LABELS,
                                                                          BRAND_LABELS, MAKER_LABELS))
_ANY_LABEL = re.compile("|".join(f"(?:{p})" for p in (SKU_LABELS, MPN_LABELS, GTIN_LABELS, BRAND_LABELS,
                                                      MAKER_LABELS)), re.I)
_CODE = re.compile(r"[\w][\w\-./#]{0,38}[\w#]|[\w][\w\-./#]{0,18}(?: [\w\-./#]{1,18}){1,2}")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060\ufeff]")
_BYLINE = re.compile(r"(?i)^\s*(?:visit the (.{1,50}?) store|brand:\s*(.{1,50})|shop all (.{1,50}?)(?: products)?"
                     r"|more from (.{1,50}?)|view all (.{1,50}?) products)\s*$")


@dataclass
class _Node:
    index: int
    element: Any
    noise: bool
    old: int  # 0 current, 1 "regular"/"list", 2 struck through or "was"


@dataclass
class _Text:
    index: int
    node: _Node
    text: str


def _attrs(element: Any) -> str:
    return " ".join(f"{k} {v}" for k, v in element.attrib.items() if k in ("class", "id", "itemprop", "data-price-type")
                    or k.startswith("data-a-strike"))


def _noisy(element: Any) -> bool:
    """Whether an element is site chrome or another product's block (header, menu, cart, related items…)."""
    marks = f"{element.attrib.get('class') or ''} {element.attrib.get('id') or ''}"
    return bool(_NOISE_PART.search(marks)) or any(_NOISE_TOKEN.match(token) for token in marks.split())


def _scan(root: Any) -> tuple[list[_Node], list[_Text]]:
    """Elements and text pieces in document order, each with its inherited noise/old-price flags."""
    nodes: list[_Node] = []
    texts: list[_Text] = []
    stack: list[Any] = [(root, False, 0)]
    while stack and len(nodes) < MAX_ELEMENTS:
        item = stack.pop()
        if isinstance(item, _Text):
            texts.append(_Text(len(nodes), item.node, item.text))
            continue
        element, noise, old = item
        if not isinstance(element.tag, str) or element.tag.lower() in _SKIP_TAGS:
            continue
        tag = element.tag.lower()
        attrs = _attrs(element)
        noise = noise or tag in ("header", "footer", "nav") or _noisy(element)
        style = (element.attrib.get("style") or "").replace(" ", "").lower()
        folded = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", attrs).lower()
        if tag in ("del", "s", "strike") or "line-through" in style or _OLD.search(folded):
            old = 2
        elif _WEAK_OLD.search(folded):
            old = max(old, 1)
        node = _Node(len(nodes), element, noise, old)
        nodes.append(node)
        own = _INVISIBLE.sub("", element.text or "").strip()
        if own:
            texts.append(_Text(node.index, node, own))
        for child in reversed(list(element)):
            tail = _INVISIBLE.sub("", child.tail or "").strip()
            if tail:
                stack.append(_Text(0, node, tail))
            stack.append((child, noise, old))
    return nodes, texts


def _price_text(element: Any, limit: int = 60) -> str:
    """The element's text with superscript cents read as decimals ("$79<sup>99</sup>" → "$79.99")."""
    if not element.xpath(".//sup"):
        return _text_of(element, limit)
    parts: list[str] = []

    def visit(node: Any) -> None:
        if node.tag == "sup" and re.fullmatch(r"\s*\d{2}\s*", node.text or "") and re.search(r"\d$", "".join(parts)):
            parts.append("." + node.text.strip())
        else:
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    visit(child)
                parts.append(child.tail or "")

    visit(element)
    text = " ".join("".join(parts).split())
    return text if len(text) <= limit else ""


def _text_of(element: Any, limit: int = 120) -> str:
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit:
            return ""
    return " ".join("".join(parts).split())


class Page:
    """One parsed page for the visible-text heuristics (scanned once)."""

    def __init__(self, sel: Selector, locale: Locale | None = None, title_hint: str | None = None) -> None:
        self.sel, self.locale = sel, locale
        root = sel.root
        if not isinstance(root, etree._Element):
            self.nodes, self.texts = [], []
        else:
            self.nodes, self.texts = _scan(root)
        self.position = {id(n.element): n for n in self.nodes}
        self.holds_old: set[int] = set()
        for node in self.nodes:
            if node.old == 2 and (parent := node.element.getparent()) is not None and id(parent) in self.position:
                while parent is not None and id(parent) not in self.holds_old and self.position.get(id(parent)):
                    if self.position[id(parent)].old == 2:
                        break
                    self.holds_old.add(id(parent))
                    parent = parent.getparent()
        self.buttons = [n for n in self.nodes if n.element.tag in ("button", "a", "input") and not n.noise
                        and _BUY.search(" ".join((_text_of(n.element, 80), n.element.attrib.get("value", ""),
                                                  n.element.attrib.get("name", ""), n.element.attrib.get("id", ""),
                                                  n.element.attrib.get("class", ""), n.element.attrib.get("title", ""))))]
        headings = [n for n in self.nodes if n.element.tag == "h1" and not n.noise]
        h1 = next((n for n in headings if _similar(_text_of(n.element, 300), title_hint)), None) or (
            headings[0] if headings else None)
        anchor = h1 or (self.buttons[0] if self.buttons else None)
        self.anchor = anchor.index if anchor else 0
        self.title = _text_of(h1.element, 300) if h1 is not None else None

    def _distance(self, index: int) -> int:
        return index - self.anchor if index >= self.anchor else 100_000 + self.anchor - index

    def price(self) -> tuple[str, str | None] | None:
        """(price as a plain decimal text, currency or None) of the current price nearest the title."""
        candidates: list[tuple[tuple[int, int, int, int], str, str | None]] = []
        seen: set[int] = set()
        for node in self.nodes:
            element = node.element
            attrs = _attrs(element).lower()
            priced = "price" in attrs or "prezzo" in attrs or "preis" in attrs or "prix" in attrs or any(
                k.startswith("data-price") for k in element.attrib)
            if not priced:
                continue
            text = element.attrib.get("content") or _price_text(element)
            if text and re.search(r"\d", text):
                candidates.extend(self._candidate(node, text, 0))
        for piece in self.texts:
            if len(piece.text) < 60 and re.search(r"\d", piece.text) and id(piece.node.element) not in seen:
                seen.add(id(piece.node.element))
                text = _price_text(piece.node.element) or piece.text
                if _MONEY.search(text):
                    candidates.extend(self._candidate(piece.node, text, 1))
        if not candidates:
            return None
        candidates.sort(key=lambda c: c[0])
        return candidates[0][1], candidates[0][2]

    def _candidate(self, node: _Node, text: str, kind: int) -> list[tuple[tuple[int, int, int, int], str, str | None]]:
        if node.noise:
            return []
        if node.old == 0 and id(node.element) in self.holds_old:
            return []  # a block holding both the old and the current price: its children are candidates
        probe = EURO_CENTS.sub(r"\1,\2 €", text)  # "199€99" is one amount
        if len(_AMOUNTS.findall(probe)) > 1 and not _RANGE.search(probe):
            return []
        parent = node.element.getparent()
        context = _text_of(parent, 100) if parent is not None else ""
        single = len(_AMOUNTS.findall(context)) == 1
        if _NOT_PRICE.search(text) or (single and _NOT_PRICE.search(context) and not _MONEY.fullmatch(text)):
            return []
        amount, currency = parse_price(text, None, self.locale)
        if amount is None or amount <= 0:
            return []
        if currency is None and context:
            currency = detect_currency(context, self.locale)
        old = node.old
        if _OLD_TEXT.search(text) or (single and _OLD_TEXT.search(context) and len(context) < 60):
            return []  # a struck-through or "was" price is never the price, even when nothing else is found
        if old == 2:
            return []
        return [((old, int(node.noise), self._distance(node.index), kind), str(amount), currency)]

    def _labelled(self, pattern: re.Pattern[str], valid: Any) -> str | None:
        for position, piece in enumerate(self.texts):
            if piece.node.noise or len(piece.text) > 120:
                continue
            match = pattern.match(piece.text)
            if not match:
                continue
            rest = match.group("rest").strip()
            if rest and (match.group("sep").strip() or piece.text[:match.start("sep")].endswith("#")):
                value = valid(rest)
                if value:
                    return value
                continue
            if rest:
                continue
            for follow in self.texts[position + 1:position + 4]:
                candidate = follow.text.strip(" :：#|-\u00a0")
                if not candidate:
                    continue
                if _ANY_LABEL.fullmatch(candidate):
                    break
                value = valid(candidate)
                if value:
                    return value
                break
        return None

    def sku(self) -> str | None:
        for test in (lambda a: a.get("itemprop") == "sku" or "data-product-sku" in a,
                     lambda a: "sku" in (a.get("class") or "").split()):
            for node in self.nodes:
                attrs = node.element.attrib
                if not node.noise and test(attrs):
                    text = attrs.get("content") or _text_of(node.element, 60)
                    value = _code(re.sub(rf"(?i)^\s*(?:{SKU_LABELS})\s*[:：#]?\s*", "", text))
                    if value:
                        return value
        return self._labelled(_SKU_RE, _code)

    def mpn(self) -> str | None:
        return self._labelled(_MPN_RE, _code)

    def gtin(self) -> str | None:
        return self._labelled(_GTIN_RE, lambda t: t if re.fullmatch(r"\d{8}|\d{12,14}", t.replace(" ", "")) else None)

    def brand(self) -> str | None:
        found = self._labelled(_BRAND_RE, _brand)
        if found:
            return found
        for node in self.nodes:
            attrs = node.element.attrib
            marks = " ".join((attrs.get("class") or "", attrs.get("itemprop") or "", attrs.get("id") or "")).lower()
            if (node.noise or not re.search(r"brand|vendor|manufacturer", marks)
                    or re.search(r"logo|brands|navbar|site-?brand|header|footer|carousel|slider", marks)):
                continue
            text = attrs.get("content") or _text_of(node.element, 80)
            text = re.sub(rf"(?i)^\s*(?:{BRAND_LABELS}|{MAKER_LABELS})\s*[:：]?\s*|^[^:：]{{1,20}}[:：]\s*(?=\S)", "",
                          text or "")
            if not text:
                text = next(iter(node.element.xpath(".//img/@alt | .//a/@title")), "")
            value = _brand(text)
            if value:
                return value
        found = self._labelled(_MAKER_RE, _brand)
        if found:
            return found
        for piece in self.texts:
            match = _BYLINE.match(piece.text)
            if match and not piece.node.noise:
                value = _brand(next(g for g in match.groups() if g))
                if value:
                    return value
        link = self.sel.xpath("normalize-space((//*[contains(@class,'breadcrumb') or @aria-label='breadcrumb']"
                              "//a[contains(@href,'brand')])[last()])").get()
        return _brand(link) if link else None

    def availability(self) -> str | None:
        for node in self.nodes:
            if node.noise or not _STOCK_ATTR.search(_attrs(node.element)):
                continue
            term = availability_phrase(_text_of(node.element, 120) or node.element.attrib.get("title"))
            if term:
                return term
        disabled = [b for b in self.buttons if "disabled" in b.element.attrib
                    or _DISABLED.search(b.element.attrib.get("class", ""))]
        if self.buttons and len(disabled) == len(self.buttons):
            return "OutOfStock"
        phrases = [(self._distance(p.index), term) for p in self.texts
                   if not p.node.noise and len(p.text) < 60 and (term := availability_phrase(p.text))]
        if any(term == "OutOfStock" for _, term in phrases):
            return min((d, t) for d, t in phrases if t == "OutOfStock")[1]
        if self.buttons:
            return "InStock"
        return phrases[0][1] if phrases else None


def _code(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > 40 or not _CODE.fullmatch(text) or re.fullmatch(r"(?i)n/?a|none|null|tbd|unknown|0+", text):
        return None
    if " " in text:
        return text if re.search(r"\d", text) else None
    coded = re.search(r"\d", text) or re.search(r"[-_.]", text) or (len(text) >= 4 and text.isupper())
    return text if coded else None


def _brand(text: str | None) -> str | None:
    text = " ".join((text or "").split()).strip(" :：|-")
    text = re.sub(r"(?i)^(?:by|von|par|di|door|de|från|av)\s+", "", text)
    if not text or len(text) > 60 or len(text.split()) > 6 or not re.search(r"[^\W\d_]", text):
        return None
    if re.fullmatch(r"(?i)brands?|marken?|marques?|shop by brand|all brands|n/?a|none|other|generic|unbranded", text):
        return None
    return text


def _similar(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a)


def visible_fields(sel: Selector, locale: Locale | None = None, title_hint: str | None = None) -> dict[str, Any]:
    """Price, currency, SKU, MPN, brand and availability as the page shows them (empty values left out);
    ``title_hint`` (og:title or <title>) picks the product's <h1> when a page has several."""
    page = Page(sel, locale, title_hint)
    out: dict[str, Any] = {}
    price = page.price()
    if price:
        out["price"], out["currency"] = price
    out.update(sku=page.sku(), mpn=page.mpn(), gtin=page.gtin(), brand=page.brand(), availability=page.availability())
    return {k: v for k, v in out.items() if v}
