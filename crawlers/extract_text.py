"""Fields from what a person sees on a product page without markup: the current price near the title and the
buy button (struck-through, "was" and unit prices skipped), SKU/MPN and brand labels in spec tables
("SKU:", "Item model number", "Artikelnummer", "型番", "品牌"), stock phrases and the buy button's state.
"""

from __future__ import annotations

import bisect
import re
from copy import deepcopy
from decimal import Decimal
from typing import Any

from lxml import etree
from parsel import Selector

from crawlers.availability import PREORDER, SOON, availability_phrase
from crawlers.page_labels import (
    ANY_LABEL,
    BRAND_LABELS,
    BRAND_RE,
    BYLINE,
    CJK,
    GTIN_RE,
    ISBN_RE,
    MAKER_LABELS,
    MAKER_RE,
    MPN_RE,
    SHOP_NUMBER_RE,
    SKU_PREFIX,
    SKU_RE,
    brand_name,
    product_code,
)
from crawlers.page_nodes import (
    Candidate,
    Node,
    button_label,
    button_marks,
    data_price,
    marking_attrs,
    note_after,
    own_text,
    price_text,
    scan_page,
    similar_text,
    state_marks,
    styled_button,
    text_of,
    unchosen,
    with_split_cents,
)
from crawlers.page_words import (
    AMOUNTS,
    APPROX,
    BARE_BUY,
    BEFORE_COUPON,
    BUY,
    CARD,
    DISABLED,
    EXCL_NOTE,
    FROM_BEFORE,
    FROM_TEXT,
    IN_INSTALMENTS,
    INSTALMENT,
    LOWEST_30_LABEL,
    MEMBER,
    MONTHLY,
    NO_DELIVERY,
    NOT_PRICE,
    OLD_BEFORE,
    OLD_TEXT,
    ONLINE,
    OPTION_MARKS,
    PAY_LABEL,
    PERCENT,
    PIX,
    RAND,
    RANGE,
    SAVING_MARK,
    STATE_BADGE,
    STOCK_ATTR,
    STORE,
    STORE_ONLY,
    SUBSCRIPTION,
    WITH_CODE,
    unqualified,
)
from crawlers.prices import EURO_CENTS, MONEY, Locale, ascii_digits, detect_currency, parse_price

CJK_END = re.compile(f"[{CJK}]$")  # "商品番号 469870": a space is its separator


def as_rand(text: str) -> str:
    """"R 499" written as "ZAR 499", for a price block on a site that names no country."""
    return re.sub(r"(?<![A-Za-z])R(?=\s?\d)", "ZAR ", text, count=1)


class Page:
    """One parsed page for the visible-text heuristics (scanned once)."""

    def __init__(self, sel: Selector, locale: Locale | None = None, title_hint: str | None = None) -> None:
        self.sel, self.locale = sel, locale
        self.rand = locale is not None and locale.country == "ZA"  # "R 499" is money only on South African sites
        root = sel.root
        if not isinstance(root, etree._Element):
            self.nodes, self.texts = [], []
        else:
            self.nodes, self.texts = scan_page(root, title_hint)
        self.position = {id(n.element): n for n in self.nodes}
        self.text_positions = [t.index for t in self.texts]
        self.holds_old: set[int] = set()
        for node in self.nodes:
            if node.old == 2 and (parent := node.element.getparent()) is not None and id(parent) in self.position:
                while parent is not None and id(parent) not in self.holds_old and self.position.get(id(parent)):
                    if self.position[id(parent)].old == 2:
                        break
                    self.holds_old.add(id(parent))
                    parent = parent.getparent()
        self.buttons = [n for n in self.nodes if (n.element.tag in ("button", "a", "input")
                                                  or n.element.attrib.get("role") == "button" or styled_button(n.element))
                        and not n.noise
                        and (BUY.search(button_marks(n.element)) or PREORDER.search(button_label(n.element))
                             or (n.element.tag in ("button", "input") and BARE_BUY.fullmatch(button_label(n.element)))
                             or _sold_out_button(n.element))]
        headings = [n for n in self.nodes if n.element.tag == "h1" and not n.noise]
        # the longest <h1> named like the page: a brand in an <h1> of its own above the name (Myntra) is not the title
        named = [n for n in headings if similar_text(text_of(n.element, 300), title_hint)]
        h1 = max(named, key=lambda n: len(text_of(n.element, 300)), default=None) or (
            headings[0] if headings else None) or self._title_element(title_hint)
        self.heading, self.hint = h1, title_hint
        self.in_stock_said = False
        anchor = h1 or (self.buttons[0] if self.buttons else None)
        self.anchor = anchor.index if anchor else 0
        self.title = text_of(h1.element, 300) if h1 is not None else None

    def _title_element(self, hint: str | None) -> Node | None:
        """Without a clean <h1>: an <h1> in a page-header block, else a heading or title/name element, named
        like the page's og:title or <title>."""
        if not hint:
            return None
        for node in self.nodes:
            tag, marks = node.element.tag, f"{node.element.attrib.get('class', '')} {node.element.attrib.get('id', '')}"
            if tag == "h1" or (not node.noise and (tag in ("h2", "h3", "h4") or re.search(r"(?i)title|name", marks))):
                text = text_of(node.element, 300)
                if len(text) >= max(8, len(hint) // 3) and similar_text(text, hint):
                    return node
        return None

    def _distance(self, index: int) -> int:
        return index - self.anchor if index >= self.anchor else 100_000 + self.anchor - index

    def price(self) -> tuple[str, str | None] | None:
        """(price as a plain decimal text, currency or None) of the current price nearest the title."""
        candidates: list[Candidate] = []
        seen: set[int] = set()
        for node in self.nodes:
            element = node.element
            attrs = marking_attrs(element).lower()
            priced = "price" in attrs or "prezzo" in attrs or "preis" in attrs or "prix" in attrs or any(
                k.startswith("data-price") for k in element.attrib)
            if not priced:
                continue
            text = element.attrib.get("content") or with_split_cents(element, price_text(element))
            if text and not self.rand and not MONEY.search(text) and RAND.search(text):
                text = as_rand(text)  # "<div class=buybox-price>R 499</div>" on a .com site: South African rand
            found = self._candidate(node, text, 0) if text and re.search(r"\d", text) else []
            if not found and (value := data_price(element)):
                # the amount only in an attribute that a script renders ("<div data-price=489.00>…<span
                # class=js-price></span>"): a last resort, after the prices the page shows as text
                found = self._candidate(node, value, 2, own=True)
            candidates.extend(found)
        for at, piece in enumerate(self.texts):
            if (len(piece.text) < 60 and re.search(r"\d", piece.text) and piece.node.old == 0
                    and id(piece.node.element) in self.holds_old):
                # text of its own in a block that also holds the old price ("<s>59,90</s><br>Nur 44,90 EUR")
                if MONEY.search(piece.text):
                    candidates.extend(self._candidate(piece.node, piece.text, 1, own=True))
                continue
            if len(piece.text) < 60 and re.search(r"\d", piece.text) and id(piece.node.element) not in seen:
                seen.add(id(piece.node.element))
                node, text = piece.node, with_split_cents(piece.node.element, price_text(piece.node.element) or piece.text)
                if not MONEY.search(text) and (joined := self._split_amount(at)):
                    text = joined  # "<span>$</span><span>129</span><span>.95</span>"
                elif not MONEY.search(text) and AMOUNTS.fullmatch(text.strip()):  # "119,000" + "<span>원</span>"
                    parent = node.element.getparent()
                    for _ in range(2):  # through wrappers of the amount alone ("<span><strong>348,000</strong></span>円")
                        if parent is None or (up := parent.getparent()) is None or text_of(parent, 40).strip() != text.strip():
                            break
                        if len(AMOUNTS.findall(price_text(up, 40))) != 1:
                            break  # "<strong><b>79</b></strong>折<b>261</b>元": the block holds another amount
                        parent = up
                    outer = price_text(parent, 40) if parent is not None else ""
                    if outer and MONEY.search(outer) and id(parent) in self.position:
                        node, text = self.position[id(parent)], outer
                if MONEY.search(text) or (self.rand and RAND.search(text)):
                    candidates.extend(self._candidate(node, text, 1))
                elif RAND.search(text) and re.search(r"(?i)price|currency", marking_attrs(node.element)):
                    candidates.extend(self._candidate(node, as_rand(text), 1))  # "<span class=currency>R 499</span>"
        if not candidates:
            return None
        candidates.sort(key=lambda c: c.key)
        best = candidates[0]
        if not best.marked:  # "<i>¥</i><span>89</span><span>.50</span>": the block's reading, not its integer part
            ancestors = {id(a) for a in list(best.node.element.iterancestors())[:2]}
            part = text_of(best.node.element, 40).strip()
            whole = [c for c in candidates if c.marked and id(c.node.element) in ancestors and part
                     and part in price_text(c.node.element)]
            best = whole[0] if whole else best
        # two current prices side by side in one block: the higher one is the price before a discount
        parent = best.node.element.getparent()
        if parent is None or not text_of(parent, 80):
            return best.amount, best.currency
        own = price_text(best.node.element)
        cents = best.node.element.getnext() if with_split_cents(best.node.element, own) != own else None
        rivals = [c for c in candidates if c.key[0] == best.key[0] and c.node.element.getparent() is parent
                  and (c is best or c.marked) and c.node.element is not cents]  # a split "59" + ",99" is one price
        if len({c.amount for c in rivals}) > 2:  # a row of quantity tiers ("1 | 5 | 15 | 30+"): the first is one unit's
            return best.amount, best.currency
        pool = self._same_currency(best, rivals)
        ref = best if best in pool else pool[0]
        lowest = min((c for c in pool if Decimal(c.amount) * 4 >= Decimal(ref.amount)), key=lambda c: Decimal(c.amount))
        return lowest.amount, lowest.currency

    def _same_currency(self, best: Candidate, rivals: list[Candidate]) -> list[Candidate]:
        """The rivals whose amounts can be compared with each other: those in the site's own currency when the block
        shows it beside another ("499,99 лв. / 255,64 €", "10 490 Kč / 423 €"), else those in the best one's."""
        home = self.locale.currency if self.locale else None
        local = [c for c in rivals if c.currency == home]
        if home and local and best.currency != home:
            return local
        return [c for c in rivals if c.currency is None or best.currency is None or c.currency == best.currency]

    def _split_amount(self, at: int) -> str | None:
        """The price a bare amount makes with the symbol before it and the cents after it, each in an element of
        its own ("<span>$</span><span>129</span><span>.95</span>"), else None."""
        if not 0 < at < len(self.texts) - 1 or not AMOUNTS.fullmatch(self.texts[at].text.strip()):
            return None
        before, after = self.texts[at - 1].text.strip(), self.texts[at + 1].text.strip()
        if not (len(before) <= 3 and MONEY.fullmatch(f"{before}1") and re.fullmatch(r"[.,]\d{2}", after)):
            return None
        block = self.texts[at].node.element.getparent()
        if block is not None:  # beside it only struck prices: "$3 .48 -10% $9.27" is no sale block
            count = len(AMOUNTS.findall(PERCENT.sub(" ", text_of(block, 200))))
            struck = sum(len(AMOUNTS.findall(text_of(d, 60))) for d in block.iterdescendants()
                         if (n := self.position.get(id(d))) is not None and n.old == 2)
            if count - struck != 1:
                return None
        return f"{before}{self.texts[at].text.strip()}{after}"

    def amounts_shown(self) -> set[str]:
        """Every amount the page shows in a short money text (related blocks and old prices included)."""
        out = set()
        for node in self.nodes:
            text = price_text(node.element, 40)
            if text and MONEY.search(text) and len(AMOUNTS.findall(text)) == 1:
                amount, _ = parse_price(ascii_digits(EURO_CENTS.sub(r"\1,\2 €", text)), None, self.locale)
                if amount is not None:
                    out.add(str(amount.normalize()))
        return out

    def old_prices(self) -> list[str]:
        """The struck-through or "was" amounts of the page outside related-product blocks."""
        out = []
        for node in self.nodes:
            if node.noise or not (text := price_text(node.element)) or not MONEY.search(text):
                continue
            if node.old == 2 or (OLD_TEXT.match(text) and len(AMOUNTS.findall(text)) == 1):  # "MSRP: $140.00"
                amount, _ = parse_price(ascii_digits(text), None, self.locale)
                if amount is not None and amount > 0:
                    out.append(str(amount))
            elif before := _before_discount(text, self.locale):
                out.append(before)
        return out

    def _text_before(self, index: int) -> str:
        """The last text piece that comes before the element at ``index`` in document order."""
        at = bisect.bisect_left(self.text_positions, index) - 1
        return self.texts[at].text if at >= 0 and not self.texts[at].node.noise else ""

    def _candidate(self, node: Node, text: str, kind: int, own: bool = False) -> list[Candidate]:
        if node.noise or SAVING_MARK.search(marking_attrs(node.element)):
            return []  # "<div class=price-box__saving>": the amount saved, or the price before
        if node.old == 0 and id(node.element) in self.holds_old and not own:
            return []  # a block holding both the old and the current price: its children are candidates
        text = ascii_digits(text)
        probe = PERCENT.sub(" ", EURO_CENTS.sub(r"\1,\2 €", text))  # "199€99" is one amount, "-30%" none
        span = RANGE.search(probe)
        if span and len(AMOUNTS.findall(probe)) > 1 and (money := MONEY.search(probe)) and money.start() > span.end():
            return []  # a range of something else before the money ("3-5 days · Free on $35+", "8-14 坪 … $699")
        if len(AMOUNTS.findall(probe)) > 1 and (total := IN_INSTALMENTS.match(text)) and MONEY.search(total.group(1)):
            text = probe = total.group(1)
        if len(AMOUNTS.findall(probe)) > 1 and not span:
            sale = _discounted(text, self.locale)
            if sale is None:
                return []
            text = sale  # "$3.48 -62% $9.27" in one block: the sale price, its discount and the price before
        parent = node.element.getparent()
        context = ascii_digits(unqualified(text_of(parent, 100))) if parent is not None else ""
        single = len(AMOUNTS.findall(PERCENT.sub(" ", context))) == 1
        bare = unqualified(text)
        if NOT_PRICE.search(bare) or (single and NOT_PRICE.search(context) and not MONEY.fullmatch(text)):
            return []
        at = context.find(bare.strip()[:20]) if bare.strip() else -1
        if at > 0 and INSTALMENT.search(context[max(0, at - 40):at]):
            return []  # "or 4 interest-free payments of <b>$2.25</b>", "10x de <b>R$ 217,65</b>"
        if at > 0 and LOWEST_30_LABEL.search(context[max(0, at - 80):at]):
            return []  # "Najniższa cena z 30 dni przed obniżką: <span>2 099,00 zł</span>": the EU's 30-day lowest
        end = at + len(bare.strip()) if at >= 0 and context.startswith(bare.strip(), at) else -1
        if end > 0 and MONTHLY.match(context[end:end + 20]):
            return []  # "Järelmaks alates <b>15,28 €</b> kuus", "<b>$75</b>/mo": a monthly amount
        if len(AMOUNTS.sub("", MONEY.sub("", PERCENT.sub("", bare))).strip()) > 30:
            return []  # a sentence that mentions an amount, not a price block
        money = MONEY.search(text)
        if money and OLD_BEFORE.search(text[:money.start()]):
            return []  # "… 定価 ¥38,500 …"
        amount, currency = parse_price(text, None, self.locale)
        if amount is None or amount <= 0:
            return []
        if currency is None and context:
            currency = detect_currency(context, self.locale)
        old = node.old
        if old == 0 and any((inner := self.position.get(id(d))) is not None and inner.old == 1
                            for d in node.element.iterdescendants()):
            old = 1  # a block whose amount is a "regular" or tax-exclusive price inside it
        if OLD_TEXT.search(text) or (single and OLD_TEXT.search(context) and len(context) < 60):
            return []  # a struck-through or "was" price is never the price, even when nothing else is found
        if old == 2 and not BEFORE_COUPON.search(self._text_before(node.index)):
            return []
        alts = " ".join(node.element.xpath(".//img/@alt")[:3] + (parent.xpath("./img/@alt")[:3] if parent is not None else []))
        if WITH_CODE.match(note_after(node.element)):
            return []
        if (MEMBER.search(self._text_before(node.index)) or MEMBER.search(marking_attrs(node.element).lower()[:200])
                or SUBSCRIPTION.search(marking_attrs(node.element)[:200])
                or PIX.search(text) or PIX.match(f" {note_after(node.element)}")
                or CARD.search(f"{alts} {text}") or (single and CARD.search(context)) or _card_block(node.element)):
            old = max(old, 1)  # a members' price only when nothing else is found
        if old == 0 and (FROM_TEXT.match(text) or FROM_BEFORE.search(self._text_before(node.index))
                         or unchosen(node.element) or _excl_note(note_after(node.element))):
            old = 1  # a "from" price, the price of an option not chosen, a tax-exclusive one: only when nothing else is
        if kind == 2 or APPROX.match(text):
            old = max(old, 1)  # an attribute-only amount, an approximate conversion ("cca 423 €"): when nothing else is
        if old == 0 and PAY_LABEL.match(self._text_before(node.index)):
            old = -1  # "Your Price $799.99" beside an unlabelled online price
        key = (old, int(node.noise), self._distance(node.index), kind)
        return [Candidate(key, str(amount), currency, node, bool(MONEY.search(text)))]

    def _labelled(self, pattern: re.Pattern[str], valid: Any) -> str | None:
        for position, piece in enumerate(self.texts):
            if piece.node.noise or len(piece.text) > 120:
                continue
            match = pattern.match(piece.text)
            if not match:
                continue
            # "Art.-Nr. 1834567 | Model-Nr. …", "PB Tech Code: MSELOG910559 &nbsp; Mfr Code: …"
            rest = re.split(r"\s\|(?:\s|$)|\s{2,}(?=[^\W\d][^:：]{0,25}[:：])", match.group("rest"))[0].strip()
            before = piece.text[:match.start("sep")]
            if rest and (match.group("sep").strip() or before.endswith(("#", ".")) or CJK_END.search(before)
                         or (re.fullmatch(r"\d{5,}", rest) and " |" in piece.text)):  # "Código 237843900 | X"
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
                if ANY_LABEL.fullmatch(candidate):
                    break
                value = valid(candidate)
                if value:
                    return value
                break
        return None

    def sku(self) -> str | None:
        for test in (lambda a: a.get("itemprop") == "sku" or "data-product-sku" in a,
                     lambda a: any(re.search(r"(?:^|[-_])sku$", t) and "price" not in t  # a price block "price-info__final_price_sku"
                                  for t in (a.get("class") or "").lower().split())):
            for node in self.nodes:
                attrs = node.element.attrib
                if not node.noise and test(attrs):
                    # its own text first: a child may be a control ("SKU: sz23041865 <span>Copy</span>")
                    for text in (attrs.get("content"), own_text(node.element), text_of(node.element, 60)):
                        value = product_code(SKU_PREFIX.sub("", text or ""))
                        if value:
                            return value
        # a book's only code is the ISBN it shows
        return (self._labelled(SKU_RE, product_code) or self._labelled(SHOP_NUMBER_RE, product_code)
                or (None if self.mpn() else self._labelled(ISBN_RE, _isbn)))

    def mpn(self) -> str | None:
        return self._labelled(MPN_RE, product_code)

    def gtin(self) -> str | None:
        return self._labelled(GTIN_RE, lambda t: t if re.fullmatch(r"\d{8}|\d{12,14}", t.replace(" ", "")) else None)

    def brand(self) -> str | None:
        found = self._labelled(BRAND_RE, brand_name)
        if found:
            return found
        for node in self.nodes:
            attrs = node.element.attrib
            marks = " ".join((attrs.get("class") or "", attrs.get("itemprop") or "", attrs.get("id") or "")).lower()
            logo = re.search(r"(?:brand|manufacturer|vendor)[-_]?logo", marks)  # the brand's logo, not the shop's
            if (node.noise or not re.search(r"brand|vendor|manufacturer|supplier|(?<![a-z])maker(?![a-z])", marks)
                    or re.search(r"(?<!product-)brands|navbar|site-?brand|footer|carousel|slider|seller", marks)
                    or (re.search(r"header", marks) and not re.search(r"product[\w-]*header", marks))
                    or ("logo" in marks and not logo) or self._around_heading(node.element)):
                continue
            text = attrs.get("content") or _seen_text(node.element, 80)
            text = re.sub(rf"(?i)^\s*(?:{BRAND_LABELS}|{MAKER_LABELS})\s*[:：]?\s*|^[^:：]{{1,20}}[:：]\s*(?=\S)", "",
                          text or "")
            if not text:
                text = next(iter(node.element.xpath(".//img/@alt") + node.element.xpath(".//a/@title")), "")
            value = brand_name(text)
            if value:
                return value
        found = self._brand_link() or self._labelled(MAKER_RE, brand_name)
        if found:
            return found
        for piece in self.texts:
            match = BYLINE.match(piece.text)
            if match and not piece.node.noise:
                value = brand_name(next(g for g in match.groups() if g))
                if value:
                    return value
        found = self._title_brand()
        if found:
            return found
        links = self.sel.xpath("//*[contains(@class,'breadcrumb') or @aria-label='breadcrumb']"
                               "//a[contains(@href,'brand')]")[:20]
        return next((b for link in links if (b := brand_name(link.xpath("normalize-space(.)").get()))), None) or (
            self._crumb_brand())

    def _brand_link(self) -> str | None:
        """A link to the brand's page named as its address names it ("<a href=/marcas/electrolux/>Electrolux</a>"),
        outside the site's menus, the breadcrumb and other products' blocks."""
        for node in self.nodes:
            href = node.element.attrib.get("href", "") if node.element.tag == "a" else ""
            match = BRAND_HREF.search(href)
            if node.noise or not match:
                continue
            text = text_of(node.element, 60)
            if text and re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") == match.group(1).lower():
                return brand_name(text)
        return None

    def _crumb_brand(self) -> str | None:
        """The breadcrumb's deepest category when the <h1> names it inside ("Eletroportáteis > Mondial" over
        "Fritadeira Air Fryer Mondial Family 5L"): a shop that files products under their brand. Not a first crumb,
        not a product noun that ends the title ("Soundbar > Sonos Arc Soundbar"), not a lower-case word."""
        if not self.title:
            return None
        trail = self.sel.xpath("(//*[contains(@class,'breadcrumb') or @aria-label='breadcrumb'])[1]")
        crumbs = trail.xpath(".//a").xpath("normalize-space(.)").getall()[:12]
        # the product's own crumb, when it is a link, is most of the title
        crumbs = [c for c in crumbs if c and not (len(c) * 2 > len(self.title) and similar_text(c, self.title))]
        if len(crumbs) < 2 or len(crumbs[-1].split()) > 3 or not re.search(r"[^\W\d_]", crumbs[-1]):
            return None
        deepest = crumbs[-1]
        if deepest.casefold().startswith(crumbs[-2].casefold() + " "):
            deepest = deepest[len(crumbs[-2]):].strip()  # "Tủ lạnh > Tủ lạnh Samsung": the category, then its brand
        if not deepest or deepest[0].islower() or not re.search(rf"(?<!\w){re.escape(deepest)}(?!\w)(?=.*\w)", self.title):
            return None
        return brand_name(deepest)

    def _around_heading(self, element: Any) -> bool:
        """Whether ``element`` holds the <h1> ("<div class=pdp-brand-title><a>YETI</a><h1>…"): not a brand block."""
        return self.heading is not None and any(a is element for a in self.heading.element.iterancestors())

    def _title_brand(self) -> str | None:
        """A brand linked at the start of the <h1> ("<h1><a href=/arzum>Arzum</a> Okka Minio</h1>"), or a short
        line just above the <h1> that the page's <title> starts with ("adidas Originals" over "SAMBA OG")."""
        if self.heading is None:
            return None
        element = self.heading.element
        first = next(iter(element), None)
        if first is not None and first.tag == "a" and not (element.text or "").strip():
            value = brand_name(text_of(first, 60))
            if value and self.title and self.title.casefold().startswith(value.casefold()):
                return value
        previous = element.getprevious()
        if previous is not None and previous.tag == "a" and len(previous) == 1:
            # a brand logo linked just before the <h1> ("<a href=/brand/sony><img alt=Sony></a><h1>Sony a7 IV"), not
            # the product's photo, whose alt is the title
            alts = previous.xpath("./img/@alt")
            value = brand_name(alts[0]) if alts and not text_of(previous, 60) else None
            if (value and self.title and len(value) * 2 <= len(self.title)
                    and re.match(rf"{re.escape(value.casefold())}\b", self.title.casefold())):
                return value
        caps = re.match(r"([A-Z][A-Z&'\-]{2,19}) (?=[A-Z0-9-]{5,}\s)(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])", self.title or "")
        if caps and not (self.title or "").isupper():
            return brand_name(caps.group(1))  # "SAMSUNG QE55Q60DAUXXU 55\" Smart TV": the maker in capitals, its model code
        before = [p for p in self.texts if p.index < self.heading.index and not p.node.noise][-1:]
        hint = " ".join((self.hint or "").split()).casefold()
        if before and self.title and len(before[0].text) <= 40:
            value = brand_name(before[0].text)
            title = self.title.casefold()
            if value and hint.startswith(value.casefold()) and (value.casefold() not in title or (
                    re.match(rf"{re.escape(value.casefold())}\s", title) and len(value) * 2 <= len(title))):
                return value  # or a vendor line over a title that starts with it (Shopify Dawn)
        return None

    def currency(self) -> str | None:
        """The currency of the first amount shown after the title, for a price read elsewhere without one."""
        for piece in self.texts:
            if piece.index >= self.anchor and not piece.node.noise and len(piece.text) < 60 and MONEY.search(piece.text):
                return detect_currency(piece.text, self.locale)
        return None

    def _holds_stock_lines(self, node: Node) -> bool:
        """Whether a stock block holds stock lines of its own (online, then the local store): they speak apart."""
        return any(isinstance(d.tag, str) and STOCK_ATTR.search(marking_attrs(d)) and text_of(d, 120)
                   for d in node.element.iterdescendants())

    def _store_holds_it(self) -> bool:
        """Whether the page says its stores hold the item ("Im Markt vorrätig", "Nur im Markt erhältlich")."""
        return any(not p.node.noise and not p.node.hidden and len(p.text) < 80 and STORE.search(p.text)
                   and (STORE_ONLY.search(p.text) or availability_phrase(p.text) == "InStock") for p in self.texts)

    def availability(self) -> str | None:
        return self.availability_shown()[0]

    def _notify_control(self) -> bool:
        """Whether the page offers a button to be told when the item is back ("Avise-me", "Hlídat dostupnost"): with
        no buy button beside it, the page says plainly the item cannot be bought."""
        return any(not n.noise and not n.hidden and n.element.tag in ("button", "a", "input")
                   and availability_phrase(button_label(n.element)) == "OutOfStock" for n in self.nodes)

    def availability_shown(self) -> tuple[str | None, bool]:
        """(term, whether the page plainly says the item cannot be bought): an out-of-stock or "coming soon"
        statement with no enabled buy button, which outweighs structured data left at InStock."""
        enabled = [b for b in self.buttons if not b.hidden and "disabled" not in b.element.attrib
                   and b.element.attrib.get("aria-disabled") != "true"
                   and not DISABLED.search(b.element.attrib.get("class", ""))
                   and not (styled_button(b.element) and "disabled" in b.element.attrib.get("class", "").lower())]
        in_store = self._store_holds_it()
        for node in self.nodes:
            if node.noise or node.hidden or not STOCK_ATTR.search(marking_attrs(node.element)) or self._holds_stock_lines(node):
                continue
            text = text_of(node.element, 120) or node.element.attrib.get("title")
            term = availability_phrase(text)
            if in_store and term == "OutOfStock" and ONLINE.search(text or ""):
                continue
            if term and not STORE.search(text or "") and not NO_DELIVERY.search(text or ""):
                self.in_stock_said = term == "InStock" and bool(enabled)
                return term, term == "OutOfStock" and not enabled and not OPTION_MARKS.search(state_marks(node.element))
        soon = not enabled and any(not p.node.noise and not p.node.hidden and len(p.text) < 60 and SOON.search(p.text)
                                   for p in self.texts)
        phrases = [(self._distance(p.index), term, not OPTION_MARKS.search(state_marks(p.node.element)))
                   for p in self.texts
                   if not p.node.noise and not p.node.hidden and len(p.text) < 60
                   and (term := availability_phrase(p.text)) and not STORE.search(p.text)
                   and not NO_DELIVERY.search(p.text) and not (in_store and term == "OutOfStock" and ONLINE.search(p.text))
                   and not (enabled and term == "OutOfStock" and (STATE_BADGE.search(state_marks(p.node.element))
                                                                  or _disabled_option(p.node.element)))]
        if in_store and not enabled and not any(term == "OutOfStock" for _, term, _ in phrases):
            return "InStoreOnly", False  # not sold online, held by the shop's stores
        if self.buttons and not enabled:  # said plainly when a statement, not an option's badge, goes with it
            return "OutOfStock", soon or any(term == "OutOfStock" and plain for _, term, plain in phrases)
        if any(term == "OutOfStock" for _, term, _ in phrases):  # "Notify me" beside "Coming soon" is said plainly
            plain = soon or (not self.buttons and self._notify_control()
                             and any(term == "OutOfStock" and plain for _, term, plain in phrases))
            return min((d, t) for d, t, _ in phrases if t == "OutOfStock")[1], plain
        if soon:
            return "OutOfStock", True  # announced, not yet on sale, and nothing to buy it with
        if enabled and all(PREORDER.search(button_label(b.element)) for b in enabled):
            return "PreOrder", False  # the only way to buy is to order ahead of the release ("Jetzt vorbestellen")
        if self.buttons:
            return "InStock", False
        return (phrases[0][1] if phrases else None), False


BRAND_HREF = re.compile(r"/(?:brands?|marcas?|marken?|marques?|merk(?:en)?|thuong-hieu|markalar)/([a-z0-9][a-z0-9-]*)"
                        r"(?:\.html?)?/?(?:[?#]|$)", re.I)


# text for screen readers only ("<a>LG전자 <span class=blind>브랜드관</span></a>": "brand shop"), not shown
SCREEN_READER = re.compile(r"(?i)(?:^|\s)(?:blind|sr-only|visually-?hidden|screen-?reader-?(?:text|only)|a11y-hidden)(?:\s|$)")


def _seen_text(element: Any, limit: int) -> str:
    """The element's text as ``text_of`` reads it, without its screen-reader-only parts."""
    if not any(isinstance(d.tag, str) and SCREEN_READER.search(d.attrib.get("class", "")) for d in element.iterdescendants()):
        return text_of(element, limit)
    copy = deepcopy(element)
    for hidden in [d for d in copy.iterdescendants() if isinstance(d.tag, str) and SCREEN_READER.search(d.attrib.get("class", ""))]:
        _drop(hidden)
    return text_of(copy, limit)


def _drop(element: Any) -> None:
    """Remove ``element`` from its tree, keeping the text after it."""
    parent, tail = element.getparent(), element.tail or ""
    if parent is None:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _card_block(element: Any) -> bool:
    """Whether the amount sits in a block a data attribute names the shop card's price ("<li data-cmr-price=…>"),
    the price for holders of the store's card."""
    return any(CARD_PRICE_ATTR.search(key) for block in [element, *list(element.iterancestors())[:3]]
               for key in block.attrib if key.startswith("data-"))


CARD_PRICE_ATTR = re.compile(r"(?i)^data-(?:[\w-]*-)?(?:card|cmr|credit-?card|member)-price$")


def _sold_out_button(element: Any) -> bool:
    """Whether a disabled button's whole label says the item is sold out ("<div class=btn disabled>स्टॉक में नहीं</div>"):
    the buy button in its sold-out state, not an option's ("<button disabled>L - sold out</button>")."""
    label = button_label(element).strip()
    return (("disabled" in element.attrib or element.attrib.get("aria-disabled") == "true") and len(label) <= 30
            and availability_phrase(label) == "OutOfStock" and not OPTION_MARKS.search(state_marks(element))
            and not re.search(r"\d|\s[-–]\s", label))


def _disabled_option(element: Any) -> bool:
    """Whether the text sits in a disabled control ("<button disabled>L - Épuisé</button>"): a sold-out option."""
    return any(e.tag in ("button", "option", "input") and "disabled" in e.attrib
               for e in [element, *list(element.iterancestors())[:2]])


def _before_discount(text: str, locale: Locale | None) -> str | None:
    """The higher of two prices in a block with a discount that takes it to the lower ("$17.990 $21.990 Oferta
    -18%"), else None."""
    percent = PERCENT.search(text)
    if percent is None or "折" in percent.group() or len(PERCENT.findall(text)) != 1:
        return None
    pieces = [p for p in re.split(r"\s+(?=\D{0,4}\d)", PERCENT.sub(" ", ascii_digits(text))) if MONEY.search(p)]
    if len(pieces) != 2 or len(AMOUNTS.findall(PERCENT.sub(" ", text))) != 2:
        return None
    (low, _), (high, _) = sorted((parse_price(p, None, locale) for p in pieces), key=lambda a: a[0] or 0)
    rate = Decimal(re.sub(r"[^\d.,]", "", percent.group()).replace(",", ".")) / 100
    if low is None or high is None or not low < high or abs(low - high * (1 - rate)) > high * Decimal("0.02"):
        return None
    return str(high)


def _discounted(text: str, locale: Locale | None) -> str | None:
    """The sale price of a block that holds it, a discount and the price before ("$3.48 -62% $9.27") when the
    discount takes the one to the other, else None."""
    parts = PERCENT.split(text)
    percent = PERCENT.search(text)
    if len(parts) != 2 or percent is None or not all(MONEY.search(p) and len(AMOUNTS.findall(p)) == 1 for p in parts):
        return None
    (low, _), (high, _) = sorted((parse_price(p, None, locale) for p in parts), key=lambda a: a[0] or 0)
    rate = Decimal(re.sub(r"[^\d.,]", "", percent.group()).replace(",", ".")) / 100
    kept = rate if "折" in percent.group() else 1 - rate  # "79折" keeps 79 %, "-62%" takes 62 % off
    if low is None or high is None or not low < high or abs(low - high * kept) > high * Decimal("0.02"):
        return None
    return next(p for p in parts if parse_price(p, None, locale)[0] == low).strip()


def _excl_note(note: str) -> bool:
    """Whether the text after an amount marks it tax-exclusive ("(税抜)"), not labels an amount of its own
    ("本体価格 27,264円" on the next line, below the tax-inclusive price)."""
    return bool(EXCL_NOTE.match(note)) and not MONEY.search(note)


def _isbn(text: str) -> str | None:
    digits = re.sub(r"[\s-]", "", text)
    return digits if re.fullmatch(r"97[89]\d{10}|\d{9}[\dX]", digits) else None


def visible_fields(sel: Selector, locale: Locale | None = None, title_hint: str | None = None) -> dict[str, Any]:
    """Price, currency, SKU, MPN, brand and availability as the page shows them (empty values left out);
    ``title_hint`` (og:title or <title>) picks the product's <h1> when a page has several."""
    page = Page(sel, locale, title_hint)
    out: dict[str, Any] = {}
    price = page.price()
    if price:
        out["price"], out["currency"] = price
    else:
        out["currency"] = page.currency()
    availability, unavailable = page.availability_shown()
    out.update(sku=page.sku(), mpn=page.mpn(), gtin=page.gtin(), brand=page.brand(), availability=availability,
               old_prices=page.old_prices() if price else None, unavailable_shown=unavailable,
               available_shown=page.in_stock_said, amounts_shown=page.amounts_shown() if price else None,
               no_product=availability_phrase(page.title) == "OutOfStock")
    return {k: v for k, v in out.items() if v}
