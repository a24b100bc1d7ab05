"""A page scanned into elements and text pieces in document order, each flagged as site chrome, old price or
hidden, with the element helpers the visible-text heuristics share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawlers.page_words import BUTTON_CLASS, OLD, RELATED_HEADING, WEAK_OLD

MAX_ELEMENTS = 60_000
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "select", "option", "textarea"})
NOISE_TOKEN = re.compile(r"(?i)^(?:(?:site|page|global|main|top|app)[-_]+)?(?:header|footer|nav|navbar|navigation|menu"
                         r"|megamenu|masthead)(?:$|[-_])")
NOISE_PART = re.compile(r"(?i)mini-?cart|cart-(?:count|preview|contents|link|drawer|icon)|blockcart|related|upsell|"
                        r"cross-?sell|recomm|carousel|similar|also-?(?:bought|like|viewed|purchased)|recently|breadcrumb|"
                        r"(?<![a-z])reviews?(?![a-z])|newsletter|cookie|you-?may|sponsored|other-?(?:sellers?|offers?|merchants?|vendors?)")
INLINE_TAGS = frozenset({"span", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "small", "em", "label", "p"})
PRODUCT_BLOCK = re.compile(r"(?i)product|item|entry|article|pdp|detail")
_TEST_HOOKS = ("data-testid", "data-test", "data-qa", "data-at", "data-automation-id")
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060\ufeff]")


@dataclass
class Node:
    index: int
    element: Any
    noise: bool
    old: int  # 0 current, 1 "regular"/"list", 2 struck through or "was"
    hidden: bool = False  # display:none, the hidden attribute or a hiding class, here or on an ancestor


@dataclass
class Candidate:
    key: tuple[int, int, int, int]  # (rank: -1 labelled to pay, 0, 1 regular; noise, distance from the title, text)
    amount: str
    currency: str | None
    node: Node
    marked: bool  # the text names its currency ("15 999₴"), so it is a whole price, not a part of one


@dataclass
class Text:
    index: int
    node: Node
    text: str


def marking_attrs(element: Any) -> str:
    """The attributes that mark an element's role (class, id, itemprop, price type, strike flags) as one string."""
    return " ".join(f"{k} {v}" for k, v in element.attrib.items() if k in ("class", "id", "itemprop", "data-price-type")
                    or k.startswith("data-a-strike"))


def noisy(element: Any) -> bool:
    """Whether an element is site chrome or another product's block (header, menu, cart, related items…).

    A bare "header" class on a heading or inline element is typography (Semantic UI's "ui large header" on the
    price of a Sylius shop), not the site's header."""
    marks = f"{element.attrib.get('class') or ''} {element.attrib.get('id') or ''}"
    typographic = element.tag in INLINE_TAGS
    return bool(NOISE_PART.search(marks)) or any(NOISE_TOKEN.match(token) and not (typographic and token == "header")
                                                 for token in marks.split())


def scan_page(root: Any, hint: str | None = None) -> tuple[list[Node], list[Text]]:
    """Elements and text pieces in document order, each with its inherited noise/old-price flags."""
    nodes: list[Node] = []
    texts: list[Text] = []
    related = related_sections(root)
    stack: list[Any] = [(root, False, 0, False, False)]
    while stack and len(nodes) < MAX_ELEMENTS:
        item = stack.pop()
        if isinstance(item, Text):
            texts.append(Text(len(nodes), item.node, item.text))
            continue
        element, noise, old, inside, hidden = item
        if not isinstance(element.tag, str) or element.tag.lower() in SKIP_TAGS:
            continue
        tag = element.tag.lower()
        attrs = marking_attrs(element)
        inside = inside or tag in ("main", "article") or "Product" in (element.attrib.get("itemtype") or "")
        chrome = tag in ("footer", "nav") or tag == "header" and not (inside or PRODUCT_BLOCK.search(attrs))
        noise = noise or chrome or (noisy(element) and not holds_title(element, hint)) or id(element) in related
        style = (element.attrib.get("style") or "").replace(" ", "").lower()
        hooks = " ".join(element.attrib.get(k, "") for k in _TEST_HOOKS)  # data-testid="price-original"
        folded = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", f"{attrs} {hooks}").lower()
        if tag in ("del", "s", "strike") or "line-through" in style or OLD.search(folded):
            old = 2
        elif WEAK_OLD.search(folded):
            old = max(old, 1)
        hidden = hidden or is_hidden(element, style)
        node = Node(len(nodes), element, noise, old, hidden)
        nodes.append(node)
        own = INVISIBLE.sub("", element.text or "").strip()
        if own:
            texts.append(Text(node.index, node, own))
        for child in reversed(list(element)):
            tail = INVISIBLE.sub("", child.tail or "").strip()
            if tail:
                stack.append(Text(0, node, tail))
            stack.append((child, noise, old, inside, hidden))
    return nodes, texts


HIDING_CLASSES = frozenset({"hidden", "hide", "d-none", "displaynone", "display-none", "is-hidden", "invisible",
                            "u-hidden", "visually-hidden-always"})
RESPONSIVE_DISPLAY = re.compile(r"^(?:sm|md|lg|xl|2xl):(?:block|flex|inline|inline-block|grid|table)$|^d-(?:sm|md|lg|xl)-")


def is_hidden(element: Any, style: str) -> bool:
    """Whether an element is not shown: inline ``display:none``/``visibility:hidden``, the ``hidden`` attribute
    or a hiding class ("displaynone", "d-none"; Tailwind's "hidden md:block" is shown on wide screens)."""
    if "display:none" in style or "visibility:hidden" in style or "hidden" in element.attrib:
        return True
    tokens = (element.attrib.get("class") or "").lower().split()
    return any(t in HIDING_CLASSES for t in tokens) and not any(RESPONSIVE_DISPLAY.match(t) for t in tokens)


def holds_title(element: Any, hint: str | None) -> bool:
    """Whether a block that looks like chrome by its class holds the product's <h1> (Bootstrap's page-header)."""
    h1 = next(element.iter("h1"), None) if hint else None
    if h1 is None:
        return False
    text = text_of(h1, 300)
    return len(text) >= max(8, len(hint or "") // 3) and similar_text(text, hint)


def related_sections(root: Any) -> dict[int, Any]:
    """The elements (by id, kept alive so ids stay unique) that follow a "Related products" / "You may also
    like" heading in its parent, except a block holding a <h1> (the product may come after such a heading)."""
    out: dict[int, Any] = {}
    if not isinstance(root, etree._Element):
        return out
    for count, heading in enumerate(root.iter("h2", "h3", "h4", "h5")):
        if count > 500:
            break
        if RELATED_HEADING.match(text_of(heading, 80)):
            siblings = list(heading.itersiblings())
            cards = sum(s.tag == "article" for s in siblings) >= 2  # a row of product cards, each an <article>
            out.update((id(sibling), sibling) for sibling in siblings
                       if (sibling.tag not in ("main", "article") or (cards and sibling.tag == "article"))
                       and next(sibling.iter("h1"), None) is None)
    return out


# an element of the cents alone, named so by its class ("<span class=price-fractional>99</span>")
CENTS_CLASS = re.compile(r"(?i)(?:^|[-_\s])(?:cents?|fraction(?:al)?|decimals?|mantissa)(?:$|[-_\s])")


def _cents(node: Any) -> bool:
    return node.tag == "sup" or bool(CENTS_CLASS.search(node.attrib.get("class") or "")
                                     and len(node) == 0 and re.fullmatch(r"\s*\d{2}\s*", node.text or ""))


def price_text(element: Any, limit: int = 60) -> str:
    """The element's text with superscript or class-named cents read as decimals ("$79<sup>99</sup>" → "$79.99",
    "<span>5</span><span class=price-fractional>99</span>" → "5.99")."""
    if not any(_cents(d) for d in element.iterdescendants() if isinstance(d.tag, str)):
        return text_of(element, limit)
    parts: list[str] = []

    def visit(node: Any) -> None:
        if _cents(node) and re.fullmatch(r"\s*\d{2}\s*", node.text or "") and re.search(r"\d$", "".join(parts)):
            dot_thousands = re.search(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+$", "".join(parts).strip())
            parts.append(("," if dot_thousands else ".") + node.text.strip())
        else:
            add(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    visit(child)
                add(child.tail or "")

    def add(piece: str) -> None:
        if piece[:1].isdigit() and next((p for p in reversed(parts) if p), "")[-1:].isdigit():
            parts.append(" ")  # two numbers in two elements are not one, as in text_of
        parts.append(piece)

    visit(element)
    text = " ".join("".join(parts).split())
    return text if len(text) <= limit else ""


def with_split_cents(element: Any, text: str) -> str:
    """``text`` of an amount whose cents are the next element ("<span>$25</span><span class=mantissa>98</span>",
    "<span>199,</span><span>90€</span>") joined to them; else ``text``."""
    after = element.getnext()
    if after is None or not isinstance(after.tag, str) or len(after) or (element.tail or "").strip():
        return text
    cents, stripped = (after.text or "").strip(), text.strip()
    if _cents(after) and re.fullmatch(r"\d{2}", cents) and re.search(r"(?<![.,]\d)(?<![.,]\d\d)\d$", stripped):
        return f"{stripped}.{cents}"
    if CENTS_CLASS.search(after.attrib.get("class") or "") and re.fullmatch(r"[.,]\d{2}", cents) and re.search(r"(?<![.,]\d)(?<![.,]\d\d)\d$", stripped):
        return f"{stripped}{cents}"  # "<span class=dollars>$149</span><span class=cents>.99</span>"
    if re.fullmatch(r"\d[\d.]*,|\d[\d,]*\.", stripped) and re.fullmatch(r"\d{2}\s?[^\w\s]{1,3}", cents):
        return f"{stripped}{cents}"
    return text


def unchosen(element: Any) -> bool:
    """Whether an amount sits in a choice that is not the chosen one: an option button with aria-checked="false"
    (a size's price), or a block whose one radio button is unchecked while another of its group is checked
    ("Subscribe & Save $40.46" beside the checked one-time purchase)."""
    for depth, block in enumerate([element, *element.iterancestors()]):
        if depth > 4:
            break
        attrs = block.attrib
        if "false" in (attrs.get("aria-checked"), attrs.get("aria-selected")):
            return True
        if "true" in (attrs.get("aria-checked"), attrs.get("aria-selected")):
            return False
        radios = block.xpath(".//input[@type='radio']")
        if len(radios) > 1:
            return False
        if radios:
            name = radios[0].attrib.get("name")
            return ("checked" not in radios[0].attrib and bool(name)
                    and bool(block.xpath("//input[@type='radio'][@name=$n][@checked]", n=name)))
    return False


def note_after(element: Any) -> str:
    """The short text right after an element: its tail, else its next sibling's text."""
    tail = (element.tail or "").strip()
    if tail:
        return tail[:30]
    following = element.getnext()
    return text_of(following, 30) if following is not None and isinstance(following.tag, str) else ""


DATA_PRICE_KEYS = ("data-price", "data-product-price", "data-price-amount", "data-final-price", "data-sale-price")


def data_price(element: Any) -> str | None:
    """A decimal amount in a data- price attribute with its data- currency ("489.00 EUR"), else None; integers
    are left alone (they may be cents)."""
    value = next((element.attrib[k].strip() for k in DATA_PRICE_KEYS if k in element.attrib), "")
    if not re.fullmatch(r"\d{1,9}\.\d{1,2}", value):
        return None
    currency = (element.attrib.get("data-currency") or element.attrib.get("data-price-currency") or "").strip()
    return f"{value} {currency}" if re.fullmatch(r"[A-Z]{3}", currency) else value


def text_of(element: Any, limit: int = 120) -> str:
    """The element's text, spaces folded, numbers in separate elements kept apart; "" when longer than ``limit``."""
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        if piece[:1].isdigit() and next((p for p in reversed(parts) if p), "")[-1:].isdigit():
            parts.append(" ")  # two numbers in two elements ("1,899" + "26% OFF") are not one
        parts.append(piece)
        size += len(piece)
        if size > limit:
            return ""
    return " ".join("".join(parts).split())


def styled_button(element: Any) -> bool:
    """A <div>/<span> styled as a button ("<div class=pdp-add-to-bag pdp-button>ADD TO BAG</div>") that holds no
    real control (a wrapper of a <button> is not the button)."""
    return (element.tag in ("div", "span") and bool(BUTTON_CLASS.search(element.attrib.get("class") or ""))
            and not element.xpath(".//button|.//a|.//input"))


def button_label(element: Any) -> str:
    """A button's visible label with its ``value`` (an <input type=submit> has only the latter)."""
    return f"{text_of(element, 80)} {element.attrib.get('value', '')}"


def button_marks(element: Any) -> str:
    """A button's label with the attributes that name its action (name, id, class, title, the test hooks of React
    shops: data-testid="bagButton", data-at="add_to_basket_btn")."""
    attrs = element.attrib
    return " ".join((button_label(element), attrs.get("name", ""), attrs.get("id", ""), attrs.get("class", ""),
                     attrs.get("title", ""), *(attrs.get(k, "") for k in _TEST_HOOKS)))


def state_marks(element: Any) -> str:
    """The classes of an element and its parent, where themes put a state ("sold-out", "is-disabled")."""
    parent = element.getparent()
    outer = (parent.attrib.get("class") or "") if parent is not None else ""
    return f"{element.attrib.get('class') or ''} {outer}"


def own_text(element: Any) -> str:
    """The element's text outside its child elements ("SKU: AB-12" of "SKU: AB-12 <button>Copy</button>")."""
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return " ".join(" ".join(parts).split())


def similar_text(a: str | None, b: str | None) -> bool:
    """Whether two texts are the same, case and spaces folded, or one holds the other (4 characters or more)."""
    if not a or not b:
        return False
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a)
