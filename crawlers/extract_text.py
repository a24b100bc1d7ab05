"""Fields from what a person sees on a product page without markup: the current price near the title and the
buy button (struck-through, "was" and unit prices skipped), SKU/MPN and brand labels in spec tables
("SKU:", "Item model number", "Artikelnummer", "型番", "品牌"), stock phrases and the buy button's state.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree
from parsel import Selector

from crawlers.availability import PREORDER, SOON, availability_phrase
from crawlers.prices import EURO_CENTS, MONEY, Locale, ascii_digits, detect_currency, parse_price

MAX_ELEMENTS = 60_000
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "select", "option", "textarea"})
_NOISE_TOKEN = re.compile(r"(?i)^(?:(?:site|page|global|main|top|app)[-_]+)?(?:header|footer|nav|navbar|navigation|menu"
                          r"|megamenu|masthead)(?:$|[-_])")
_NOISE_PART = re.compile(r"(?i)mini-?cart|cart-(?:count|preview|contents|link|drawer|icon)|blockcart|related|upsell|"
                         r"cross-?sell|recomm|carousel|similar|also-?(?:bought|like|viewed|purchased)|recently|breadcrumb|"
                         r"(?<![a-z])reviews?(?![a-z])|newsletter|cookie|you-?may|sponsored|other-?(?:sellers?|offers?|merchants?|vendors?)")
_OLD = re.compile(r"(?<![a-z0-9])(?<!with-)(?<!has-)(?:old|was|compare|strike|before|former|prior|original|orig|org(?![a-z])|rrp"
                  r"|msrp|uvp|crossed"
                  r"|barrato|tachado|prev|list-?price|reference-price|streich|deleted)")  # on camel-split, lower-cased attributes
_WEAK_OLD = re.compile(r"(?<![a-z0-9])(?:(?:regular|(?<!prices-)list|standard)(?=\s|$|[-_]*(?:price|preis|prix))"
                       r"|without-?tax|excl(?:uding)?-?tax|ex-?tax)")  # a tax-exclusive price beside the gross one
_NOT_PRICE = re.compile(r"(?i)sav(?:e|ing)|discount|économisez|economi[sz]e|poupe|sparen|\bspar(?:a|e)?\b|risparmi|ahorr|you save|payments? of|/\s*mo\b|"
                        r"month|monat|klarna|afterpay|shipping|delivery|versand|送料|ポイント|point|coupon|"
                        r"gutschein|installment|\bper\b|/\s*(?:kg|g|l|ml|m|oz|lb|100\s?g|stück|unit|ea)\b|\bover\b|"
                        r"\bfrom \d+ items|\bab \d+ stück|ex\.?\s*(?:tax|vat|gst)|excl?\.?\s*(?:vat|tax|gst|btw|mwst|iva)|exkl\.?|"
                        r"券|クーポン|쿠폰|满\d+减|"
                        # instalments and monthly amounts in more languages ("Järelmaks alates 15,28 € kuus")
                        r"järelmaks|\bkuus\b|/\s*(?:kuu|mėn|mēn|mes|mês|mois|mese|maand|měs|mies|hó)\b|\bmėn\.|dalimis|"
                        r"изплащане|на месец|месечн|mjesečn|mesečn|meses sin intereses|\bmeses\b|mensualit|"
                        r"ผ่อน|เดือนละ|"
                        r"zzgl\.?\s*(?:\d+\s*%\s*)?(?:mwst|ust)|plus vat|\+\s*vat\b|excl\.?\s*btw|"
                        r"\bnett[oó]\b|net price|hors tax|\bht\b|税抜|未税|без (?:ндс|пдв)|"
                        # the lowest price of the last 30 days that EU law makes shops print beside a reduction
                        r"(?:lowest|niedrigst|najniższ|plus bas|più bass|más baj|laagste|nejnižší|najnižšia|lägsta|"
                        r"laveste|alacsonyabb|legalacsonyabb|cel mai mic|alhaisin|alin|χαμηλότερ)\w*\D{0,40}\b30\s*(?:days?|tage?n?|"
                        r"dni|dní|dnů|jours|derniers|giorni|días|dias|dagen|dagar|dage|dager|päivän|nap|zile|ημερών)")
# words that describe the price itself, not another amount ("¥18,500 (税込) 送料込み", "$46 incl. VAT")
_QUALIFIERS = re.compile(r"(?i)送料込み?|送料無料|\(?税込\)?|tax incl\w*|\(?inc(?:l|luding)?\.?\s*(?:vat|tax|gst)\)?|"
                         r"inkl\.?\s*mwst\.?|"
                         r"zzgl\.?\s*versand\w*|free shipping|frete grátis|envío gratis|livraison gratuite|"
                         r"versandkostenfrei")
_INSTALMENT = re.compile(r"(?i)(?:payments?|installments?|instalments?|cuotas|parcelas|rate|raten|mensualités|دفعات"
                         r"|järelmaks\w* alates|dalimis nuo|месеца по|เดือนละ)"
                         r"(?: of| de| à| da| von| بقيمة)?\s*[:：]?\s*$|\b\d{1,2}\s?[x×]\s?(?:de\s)?$")
# the words after an amount that make it a monthly one ("€ 15,28 kuus", "$75/mo", "44,31 € на месец")
_MONTHLY = re.compile(r"(?i)\s*(?:/\s*|per\s+|a\s+|al\s+|par\s+|pro\s+|za\s+|на\s+|в\s+)?(?:mo|month|monat|mtl|mois|mes|mese"
                      r"|maand|kuus|kuu|mėn|mēn|měs|mies|hó|месец|месяц|міс|เดือน)(?![^\W\d_])")
# "Starting at $699", "ab 49 €": the lowest of the prices a product's options have, not the one chosen
_FROM_TEXT = re.compile(r"(?i)^\s*(?:starting at|starts at|from|as low as|à partir de|dès|desde|a partir de|vanaf|ab|od"
                        r"|från|fra|alkaen|от|від)\s*[:：]?\s*\D{0,4}\d")
_FROM_BEFORE = re.compile(r"(?i)(?:^|\W)(?:starting at|starts at|from|as low as|à partir de|dès|desde|a partir de|vanaf"
                          r"|ab)\s*[:：]?\s*$")
# a note right after an amount that makes it the tax-exclusive one ("￥19,800<span>(税抜)</span>")
_EXCL_NOTE = re.compile(r"(?i)^\s*[(（]?\s*(?:税抜|税別|本体価格|excl?\.?\s*(?:vat|tax|gst|btw|mwst|iva)|ex\.?\s*(?:vat|tax|gst)"
                        r"|zzgl\.?\s*(?:\d+\s*%\s*)?(?:mwst|ust)|\+\s*vat|plus vat|hors taxes?|ht(?![^\W\d_])|netto(?![^\W\d_])"
                        r"|без ндс|bez dph|sin iva|ohne mwst)")
# a label that names the amount after it as the one to pay
_PAY_LABEL = re.compile(r"(?i)^\s*(?:your price|you pay|price now|now|final price|sale price|ihr preis|jetzt nur|"
                        r"votre prix|prix final|su precio|tu precio|il tuo prezzo|uw prijs|twoja cena|din pris)\s*[:：]?\s*$")
# a price for members only ("Club price £11.00", "Beauty Insider price"): not the price everyone pays
_MEMBER = re.compile(r"(?i)(?:club|member(?:s|ship)?|loyalty|insider|rewards?|card(?:holder)?|plus)[\s-]*(?:price|prices|preis|prix)"
                     r"\s*[:：]?\s*$|(?<![a-z])(?:member|club|loyalty)-?price")
# the price for holders of the shop's card ("Precio con tarjeta CMR", "2 590 ₽ c Ozon Картой"): a members' price
_CARD = re.compile(r"(?i)(?<!\w)(?:con|with|mit|avec|com|c|с|ile)\s+(?:[^\W\d]+\s+){0,2}?(?:tarjeta|card|karte|carte|"
                   r"cartão|картой|kartı|kartą)(?!\w)")
_PERCENT = re.compile(r"[-−]?\d+(?:[.,]\d+)?\s*%")
_OLD_WORDS = (r"list price|was|reg\.?|orig(?:inal)?\.?(?: price)?|compare at|"
              r"rrp|msrp|m\.r\.p\.?|uvp|statt|ursprünglich\w*(?: preis)?|originalpreis|ehemals|vorher|bisher|"
              r"prix (?:de référence|initial|barré|conseillé)|prezzo (?:consigliato|di listino)|prima|antes|"
              r"tidigare(?: pris)?|ordinarie(?: pris)?|normalpris|参考価格|通常(?:販売)?価格|メーカー希望小売価格|"
              r"原价|定价|市场价|定価|市售價|原價|建議售價|prp|adviesprijs|før|eredeti ár|běžná cena|старая цена|"
              r"было|було|giá gốc|harga (?:asli|normal)")
_OLD_TEXT = re.compile(rf"(?i)^\s*(?:{_OLD_WORDS})(?:\W|$)")
_OLD_BEFORE = re.compile(rf"(?i)(?:^|\W)(?:{_OLD_WORDS})\s*[:：]?\s*$")  # "… 定価 ¥38,500 …"
_RELATED_HEADING = re.compile(
    r"(?i)^\s*(?:related|similar|recommended|you (?:may|might) also|customers (?:who|also)|frequently bought|"
    r"people (?:also|who)|recently viewed|more (?:from|items)|other (?:products|items)|also (?:bought|viewed)|"
    r"other (?:sellers|offers|merchants|vendors)|more (?:offers|sellers|buying choices)|weitere angebote|"
    r"autres (?:vendeurs|offres)|otros vendedores|outras ofertas|mais ofertas|altri venditori|andere verkopers|"
    r"diğer satıcılar|другие продавцы|その他の出品者|accessories|zubehör|tilbehør|ähnliche|empfohlen|kunden kauften|das könnte|produits (?:similaires|associés)|"
    r"kunden,? (?:die|welche) [^.]{0,40}(?:auch|ebenfalls)|vous aimerez|productos relacionados|los clientes también|también te|prodotti correlati|quem viu|рекомендуем|"
    r"похожие|(?:з|с) цим товаром|с этим товаром|この商品を見た人|おすすめ|この出品者の商品|相关推荐|猜你喜欢|看了此商品|"
    r"함께 보면|관련 상품|منتجات (?:مشابهة|ذات صلة)|قد يعجبك|lainnya di toko|sản phẩm tương tự|hasonló termékek|vaak samen gekocht)")
_MONEY = MONEY
_RAND = re.compile(r"(?:^|[:：]\s*)R\s?\d[\d\s.,]*$")  # the whole text, so "Canon EOS R50" is no price
_AMOUNTS = re.compile(r"\d[\d.,'\u00a0\u202f ]*")
_RANGE = re.compile(r"\d\s*(?:-|–|—|~|〜|to|bis|à|a)\s*\D{0,5}\d")
_BUY = re.compile(r"(?i)add[ -_]?to[ -_]?(?:cart|basket|bag|trolley)|addtocart|buy[ -_]?(?:it )?now|in den (?:warenkorb|"
                  r"einkaufswagen)|ajouter au panier|aggiungi al carrello|añadir al carrito|agregar al carrito|"
                  r"lägg i varukorgen|in winkelwagen|do koszyka|adicionar ao carrinho|カートに入れる|買い物かごに入れる|"
                  r"カートへ|加入购物车|立即购买|加入購物車|장바구니|구매하기|바로구매|立即購買|放入購物車|今すぐ購入|"
                  r"(?<!como )\bcomprar\b|adicionar à sacola|mua ngay|thêm vào giỏ|beli(?: langsung| sekarang)|"
                  r"keranjang|купить|в корзину|купити|у кошик|kosárba|ad[aă]ug[aă] [iî]n co[sș]|legg i handlekurv|"
                  r"læg i kurv|lisää ostoskoriin|sepete ekle|(?:أضف|إضافة|اضافة) (?:إلى |الى |لل)?(?:ال)?سلة|اشتر(?:ي)? الآن|"
                  r"הוסף לסל|הוספה לסל|lisa ostukorvi|(?:į|i) krepšelį|pievienot grozam|dodaj u košaricu|"
                  r"dodaj v košarico|(?<![\w])купи(?![\w])|(?:หยิบ|เพิ่ม)?ใส่ตะกร้า|เพิ่มลงตะกร้า|ซื้อ(?:เลย|ทันที)")
# a grocery or quick-add button whose whole label is the bare verb ("Añadir", "Add")
_BARE_BUY = re.compile(r"(?i)\s*(?:add|añadir|agregar|ajouter|hinzufügen|aggiungi|toevoegen|adicionar|dodaj|lisa)\s*")
_DISABLED = re.compile(r"(?i)sold-?out|unavailable|out-?of-?stock|(?<![\w-])btn-disabled?(?![\w-])")
# stock of a physical store ("Not available at nearby stores", "Nicht verfügbar in IKEA Berlin") is not the shop's
_STORE = re.compile(r"(?i)\bin (?:the |our )?stores?\b|in-store|nearby stores?|pick ?up\b|click (?:&|and) collect|abhol|"
                    r"im markt|in (?:der|unserer) filiale|en magasin|en tienda|in ikea|in de winkel|店頭|門市")
# a theme's badge for a state it shows by a class on the product ("price__badge-sold-out"): not a statement while
# the buy button is enabled
_STATE_BADGE = re.compile(r"(?i)sold-?out|out-?of-?stock|soldout|unavailable")
# home delivery not offered for an item that stores hold ("Sorry, delivery is not available for this item")
_NO_DELIVERY = re.compile(r"(?i)(?:delivery|shipping|lieferung|versand|livraison|envío|entrega|despacho|consegna)"
                          r"\s+(?:is\s+|ist\s+|n'est\s+pas\s+)?(?:not|nicht|non|no)\s+(?:available|verfügbar|möglich|"
                          r"disponible|disponível|disponibile)|(?:not|un)available for (?:home )?(?:delivery|shipping)")
_STOCK_ATTR = re.compile(r"(?i)stock|availab|inventory|disponib|lager|zaiko|delivery-status")

SKU_LABELS = (r"(?:[A-Z][a-z]+\s)?SKU|TCIN|Item\s*#|Item\s+(?:number|no\.?)|Product\s+(?:code|number|no\.?|ID)|Art(?:ikel)?\.?[\s-]*(?:Nr|nummer)"
              r"\.?|Artikelnummer|Bestellnummer|Référence|Ref(?:erence)?\.?|Codice(?:\s+articolo)?"
              r"|C[óo]d(?:igo|\.)?\s*(?:de |do |del )?(?:art[ií]culo|artigo|articolo|produ[ct]?to|prodotto)|Código|Cod\.|"
              r"Varenummer|Artikelnr\.?|Numer katalogowy|Referencia|Riferimento|Referentie|K[óo]d produktu|Číslo produktu|"
              r"Ürün kodu|Stok kodu|Tuotenumero|Tuotekoodi|Item(?=\s*$)|Cikkszám|商品番号|商品コード|品番|货号|商品编号|商品编码|ASIN|Style\s*(?:code|#)"
              r"|Item\s*code|TSIN|Varenr\.?|(?!Hersteller)[A-Za-z][\w.]{1,19}-Artikelnummer|Referência|Cod(?:ul)? produs"
              r"|Código (?:de|do|del) producto|Código do produto|商品編號|商品編碼|(?:商品)?貨號|상품번호|상품코드|Артикул"
              r"|Produktnummer|Produktnr\.?|Artikelcode|Art\.\s?nr\.?|Kód|Product\s*#|Article\s+(?:ID|number|no\.?)"
              r"|N[°º]\s*d['’]article|Code\s+(?:produit|article)|Cat\.\s?no\.?"
              r"|Our\s+(?:code|ref(?:erence)?|part\s+(?:no\.?|number))|Stock\s+code|注文コード|Tootekood|Prekės kodas"
              r"|Preces kods|Šifra(?:\s+(?:proizvoda|artikla))?|Код на (?:продукта|артикула)"
              r"|Код(?: товара| товару)?|رمز المنتج|رقم المنتج|كود المنتج|מק\"ט")
MPN_LABELS = (r"MPN|Part\s*(?:Number|No\.?|#)|Manufacturer\s+Part\s+(?:Number|No\.?)|Item model number"
              r"|M(?:FR|fr|FG|fg)\.?\s*(?:Part\s*|Model\s*)?(?:#|No\.?|Number)"
              r"|Model(?:\s*(?:number|no\.?|#))?|Modell(?:nummer)?|Modèle|Modello|Modelo|Model(?:o|u)?"
              r"|Herstellernummer|Herstellerartikelnummer|Hersteller-?Nr\.?|R[ée]f(?:[ée]rence|\.)?\s+(?:del? )?fabricante?"
              r"|Valmistajan (?:koodi|tuotekoodi)|Kod producenta|Código (?:del )?fabricante|Codice produttore|Numero di parte|Fabrikantcode|Model Kodu"
              r"|型番|型号|型號|모델명|Модель|Model\s+name|رقم الموديل|الموديل")
GTIN_LABELS = r"EAN(?:-?13)?|GTIN(?:-?1[234])?|UPC|JAN(?:コード)?|ISBN(?:-?13)?|Barcode|条形码|バーコード"
BRAND_LABELS = (r"Brand(?:\s+name)?|Marke|Marque|Marca|Merk|Merek|Märke|Marka|Značka|Merkki|Márka|Μάρκα|ブランド(?:名)?"
                r"|品牌(?:名稱|名称)?|브랜드(?:명)?|Thương hiệu|Бренд|Торгов(?:ая|а) марка|Varumärke|Varemerke|Mærke"
                r"|العلامة التجارية|الماركة|מותג|Kaubamärk|Prekės ženklas|Zīmols|Марка|Brend")
MAKER_LABELS = (r"Manufactured by|Manufacturer|Hersteller|Fabricant|Produttore|Fabricante|Producent|Výrobce|Výrobca|Üretici|Tillverkare"
                r"|Valmistaja|Gyártó|Κατασκευαστής|メーカー|制造商|生产厂家|製造商|Производитель|Виробник|Producător|제조사"
                r"|الشركة المصنعة|יצרן|Tootja|Gamintojas|Ražotājs|Производител|Proizvođač|Proizvajalec")
_SEP = r"\s*(?:[:：#]|\s-\s)\s*"
_INLINE_TAGS = frozenset({"span", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "small", "em", "label", "p"})
_PRODUCT_BLOCK = re.compile(r"(?i)product|item|entry|article|pdp|detail")


def _label(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{pattern})(?:\s*\([^()]{{1,20}}\))?(?P<sep>{_SEP}|(?<=[#.])\s+|\s*$)(?P<rest>.*)$",
                      re.I | re.S)


_SKU_RE, _MPN_RE, _GTIN_RE, _BRAND_RE, _MAKER_RE = (_label(p) for p in (SKU_LABELS, MPN_LABELS, GTIN_LABELS,
                                                                          BRAND_LABELS, MAKER_LABELS))
_ANY_LABEL = re.compile("|".join(f"(?:{p})" for p in (SKU_LABELS, MPN_LABELS, GTIN_LABELS, BRAND_LABELS,
                                                      MAKER_LABELS)), re.I)
_SKU_PREFIX = re.compile(rf"(?i)^\s*(?:(?:{SKU_LABELS})(?:\s*\([^()]{{1,20}}\))?\s*[:：#]?|[^:：\d]{{1,30}}[:：])\s*")
# "B&H # SOA7IV": a name and "#" that no other label claims is the shop's own item number (a fallback)
_SHOP_NUMBER_RE = re.compile(r"^\s*(?!(?:model|part|mfr|mfg|manufacturer|catalog|style|upc|ean|isbn|gtin|order|"
                             r"tracking|ref)\b)[A-Z][\w&'.]{0,15}(?:\s[A-Z][\w&'.]{0,15})?(?P<sep>\s?#\s*)"
                             r"(?P<rest>\S.*)$", re.S)
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
    hidden: bool = False  # display:none, the hidden attribute or a hiding class, here or on an ancestor


@dataclass
class _Candidate:
    key: tuple[int, int, int, int]  # (rank: -1 labelled to pay, 0, 1 regular; noise, distance from the title, text)
    amount: str
    currency: str | None
    node: _Node
    marked: bool  # the text names its currency ("15 999₴"), so it is a whole price, not a part of one


@dataclass
class _Text:
    index: int
    node: _Node
    text: str


def _attrs(element: Any) -> str:
    return " ".join(f"{k} {v}" for k, v in element.attrib.items() if k in ("class", "id", "itemprop", "data-price-type")
                    or k.startswith("data-a-strike"))


def _noisy(element: Any) -> bool:
    """Whether an element is site chrome or another product's block (header, menu, cart, related items…).

    A bare "header" class on a heading or inline element is typography (Semantic UI's "ui large header" on the
    price of a Sylius shop), not the site's header."""
    marks = f"{element.attrib.get('class') or ''} {element.attrib.get('id') or ''}"
    typographic = element.tag in _INLINE_TAGS
    return bool(_NOISE_PART.search(marks)) or any(_NOISE_TOKEN.match(token) and not (typographic and token == "header")
                                                  for token in marks.split())


def _scan(root: Any, hint: str | None = None) -> tuple[list[_Node], list[_Text]]:
    """Elements and text pieces in document order, each with its inherited noise/old-price flags."""
    nodes: list[_Node] = []
    texts: list[_Text] = []
    related = _related_sections(root)
    stack: list[Any] = [(root, False, 0, False, False)]
    while stack and len(nodes) < MAX_ELEMENTS:
        item = stack.pop()
        if isinstance(item, _Text):
            texts.append(_Text(len(nodes), item.node, item.text))
            continue
        element, noise, old, inside, hidden = item
        if not isinstance(element.tag, str) or element.tag.lower() in _SKIP_TAGS:
            continue
        tag = element.tag.lower()
        attrs = _attrs(element)
        inside = inside or tag in ("main", "article") or "Product" in (element.attrib.get("itemtype") or "")
        chrome = tag in ("footer", "nav") or tag == "header" and not (inside or _PRODUCT_BLOCK.search(attrs))
        noise = noise or chrome or (_noisy(element) and not _holds_title(element, hint)) or id(element) in related
        style = (element.attrib.get("style") or "").replace(" ", "").lower()
        folded = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", attrs).lower()
        if tag in ("del", "s", "strike") or "line-through" in style or _OLD.search(folded):
            old = 2
        elif _WEAK_OLD.search(folded):
            old = max(old, 1)
        hidden = hidden or _hidden(element, style)
        node = _Node(len(nodes), element, noise, old, hidden)
        nodes.append(node)
        own = _INVISIBLE.sub("", element.text or "").strip()
        if own:
            texts.append(_Text(node.index, node, own))
        for child in reversed(list(element)):
            tail = _INVISIBLE.sub("", child.tail or "").strip()
            if tail:
                stack.append(_Text(0, node, tail))
            stack.append((child, noise, old, inside, hidden))
    return nodes, texts


_HIDING_CLASSES = frozenset({"hidden", "hide", "d-none", "displaynone", "display-none", "is-hidden", "invisible",
                             "u-hidden", "visually-hidden-always"})
_RESPONSIVE_DISPLAY = re.compile(r"^(?:sm|md|lg|xl|2xl):(?:block|flex|inline|inline-block|grid|table)$|^d-(?:sm|md|lg|xl)-")


def _hidden(element: Any, style: str) -> bool:
    """Whether an element is not shown: inline ``display:none``/``visibility:hidden``, the ``hidden`` attribute
    or a hiding class ("displaynone", "d-none"; Tailwind's "hidden md:block" is shown on wide screens)."""
    if "display:none" in style or "visibility:hidden" in style or "hidden" in element.attrib:
        return True
    tokens = (element.attrib.get("class") or "").lower().split()
    return any(t in _HIDING_CLASSES for t in tokens) and not any(_RESPONSIVE_DISPLAY.match(t) for t in tokens)


def _holds_title(element: Any, hint: str | None) -> bool:
    """Whether a block that looks like chrome by its class holds the product's <h1> (Bootstrap's page-header)."""
    h1 = next(element.iter("h1"), None) if hint else None
    if h1 is None:
        return False
    text = _text_of(h1, 300)
    return len(text) >= max(8, len(hint or "") // 3) and _similar(text, hint)


def _related_sections(root: Any) -> dict[int, Any]:
    """The elements (by id, kept alive so ids stay unique) that follow a "Related products" / "You may also
    like" heading in its parent, except a block holding a <h1> (the product may come after such a heading)."""
    out: dict[int, Any] = {}
    if not isinstance(root, etree._Element):
        return out
    for count, heading in enumerate(root.iter("h2", "h3", "h4", "h5")):
        if count > 500:
            break
        if _RELATED_HEADING.match(_text_of(heading, 80)):
            out.update((id(sibling), sibling) for sibling in heading.itersiblings()
                       if sibling.tag not in ("main", "article") and next(sibling.iter("h1"), None) is None)
    return out


def _price_text(element: Any, limit: int = 60) -> str:
    """The element's text with superscript cents read as decimals ("$79<sup>99</sup>" → "$79.99")."""
    if not element.xpath(".//sup"):
        return _text_of(element, limit)
    parts: list[str] = []

    def visit(node: Any) -> None:
        if node.tag == "sup" and re.fullmatch(r"\s*\d{2}\s*", node.text or "") and re.search(r"\d$", "".join(parts)):
            dot_thousands = re.search(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+$", "".join(parts).strip())
            parts.append(("," if dot_thousands else ".") + node.text.strip())
        else:
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    visit(child)
                parts.append(child.tail or "")

    visit(element)
    text = " ".join("".join(parts).split())
    return text if len(text) <= limit else ""


def _unchosen(element: Any) -> bool:
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


def _note_after(element: Any) -> str:
    """The short text right after an element: its tail, else its next sibling's text."""
    tail = (element.tail or "").strip()
    if tail:
        return tail[:30]
    following = element.getnext()
    return _text_of(following, 30) if following is not None and isinstance(following.tag, str) else ""


_DATA_PRICE_KEYS = ("data-price", "data-product-price", "data-price-amount", "data-final-price", "data-sale-price")


def _data_price(element: Any) -> str | None:
    """A decimal amount in a data- price attribute with its data- currency ("489.00 EUR"), else None; integers
    are left alone (they may be cents)."""
    value = next((element.attrib[k].strip() for k in _DATA_PRICE_KEYS if k in element.attrib), "")
    if not re.fullmatch(r"\d{1,9}\.\d{1,2}", value):
        return None
    currency = (element.attrib.get("data-currency") or element.attrib.get("data-price-currency") or "").strip()
    return f"{value} {currency}" if re.fullmatch(r"[A-Z]{3}", currency) else value


def _text_of(element: Any, limit: int = 120) -> str:
    parts: list[str] = []
    size = 0
    for piece in element.itertext():
        if parts and parts[-1][-1:].isdigit() and piece[:1].isdigit():
            parts.append(" ")  # two numbers in two elements ("1,899" + "26% OFF") are not one
        parts.append(piece)
        size += len(piece)
        if size > limit:
            return ""
    return " ".join("".join(parts).split())


class Page:
    """One parsed page for the visible-text heuristics (scanned once)."""

    def __init__(self, sel: Selector, locale: Locale | None = None, title_hint: str | None = None) -> None:
        self.sel, self.locale = sel, locale
        self.rand = locale is not None and locale.country == "ZA"  # "R 499" is money only on South African sites
        root = sel.root
        if not isinstance(root, etree._Element):
            self.nodes, self.texts = [], []
        else:
            self.nodes, self.texts = _scan(root, title_hint)
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
                                                  or n.element.attrib.get("role") == "button" or _styled_button(n.element))
                        and not n.noise
                        and (_BUY.search(_button_marks(n.element)) or PREORDER.search(_button_label(n.element))
                             or (n.element.tag in ("button", "input") and _BARE_BUY.fullmatch(_button_label(n.element))))]
        headings = [n for n in self.nodes if n.element.tag == "h1" and not n.noise]
        # the longest <h1> named like the page: a brand in an <h1> of its own above the name (Myntra) is not the title
        named = [n for n in headings if _similar(_text_of(n.element, 300), title_hint)]
        h1 = max(named, key=lambda n: len(_text_of(n.element, 300)), default=None) or (
            headings[0] if headings else None) or self._title_element(title_hint)
        self.heading, self.hint = h1, title_hint
        anchor = h1 or (self.buttons[0] if self.buttons else None)
        self.anchor = anchor.index if anchor else 0
        self.title = _text_of(h1.element, 300) if h1 is not None else None

    def _title_element(self, hint: str | None) -> _Node | None:
        """Without a clean <h1>: an <h1> in a page-header block, else a heading or title/name element, named
        like the page's og:title or <title>."""
        if not hint:
            return None
        for node in self.nodes:
            tag, marks = node.element.tag, f"{node.element.attrib.get('class', '')} {node.element.attrib.get('id', '')}"
            if tag == "h1" or (not node.noise and (tag in ("h2", "h3", "h4") or re.search(r"(?i)title|name", marks))):
                text = _text_of(node.element, 300)
                if len(text) >= max(8, len(hint) // 3) and _similar(text, hint):
                    return node
        return None

    def _distance(self, index: int) -> int:
        return index - self.anchor if index >= self.anchor else 100_000 + self.anchor - index

    def price(self) -> tuple[str, str | None] | None:
        """(price as a plain decimal text, currency or None) of the current price nearest the title."""
        candidates: list[_Candidate] = []
        seen: set[int] = set()
        for node in self.nodes:
            element = node.element
            attrs = _attrs(element).lower()
            priced = "price" in attrs or "prezzo" in attrs or "preis" in attrs or "prix" in attrs or any(
                k.startswith("data-price") for k in element.attrib)
            if not priced:
                continue
            text = element.attrib.get("content") or _price_text(element)
            found = self._candidate(node, text, 0) if text and re.search(r"\d", text) else []
            if not found and (value := _data_price(element)):
                # the amount only in an attribute that a script renders ("<div data-price=489.00>…<span
                # class=js-price></span>"): a last resort, after the prices the page shows as text
                found = self._candidate(node, value, 2, own=True)
            candidates.extend(found)
        for piece in self.texts:
            if (len(piece.text) < 60 and re.search(r"\d", piece.text) and piece.node.old == 0
                    and id(piece.node.element) in self.holds_old):
                # text of its own in a block that also holds the old price ("<s>59,90</s><br>Nur 44,90 EUR")
                if _MONEY.search(piece.text):
                    candidates.extend(self._candidate(piece.node, piece.text, 1, own=True))
                continue
            if len(piece.text) < 60 and re.search(r"\d", piece.text) and id(piece.node.element) not in seen:
                seen.add(id(piece.node.element))
                node, text = piece.node, _price_text(piece.node.element) or piece.text
                if not _MONEY.search(text) and _AMOUNTS.fullmatch(text.strip()):  # "119,000" + "<span>원</span>"
                    parent = node.element.getparent()
                    outer = _price_text(parent, 40) if parent is not None else ""
                    if outer and _MONEY.search(outer) and id(parent) in self.position:
                        node, text = self.position[id(parent)], outer
                if _MONEY.search(text) or (self.rand and _RAND.search(text)):
                    candidates.extend(self._candidate(node, text, 1))
        if not candidates:
            return None
        candidates.sort(key=lambda c: c.key)
        best = candidates[0]
        if not best.marked:  # "<i>¥</i><span>89</span><span>.50</span>": the block's reading, not its integer part
            ancestors = {id(a) for a in list(best.node.element.iterancestors())[:2]}
            part = _text_of(best.node.element, 40).strip()
            whole = [c for c in candidates if c.marked and id(c.node.element) in ancestors and part
                     and part in _price_text(c.node.element)]
            best = whole[0] if whole else best
        # two current prices side by side in one block: the higher one is the price before a discount
        parent = best.node.element.getparent()
        if parent is None or not _text_of(parent, 80):
            return best.amount, best.currency
        rivals = [c for c in candidates if c.key[0] == best.key[0] and c.node.element.getparent() is parent
                  and (c is best or c.marked)]  # a split "59" + ",99" is one price, not two
        lowest = min((c for c in rivals if Decimal(c.amount) * 4 >= Decimal(best.amount)), key=lambda c: Decimal(c.amount))
        return lowest.amount, lowest.currency

    def old_prices(self) -> list[str]:
        """The struck-through or "was" amounts of the page outside related-product blocks."""
        out = []
        for node in self.nodes:
            if node.old == 2 and not node.noise and (text := _price_text(node.element)) and _MONEY.search(text):
                amount, _ = parse_price(ascii_digits(text), None, self.locale)
                if amount is not None and amount > 0:
                    out.append(str(amount))
        return out

    def _text_before(self, index: int) -> str:
        """The last text piece that comes before the element at ``index`` in document order."""
        at = bisect.bisect_left(self.text_positions, index) - 1
        return self.texts[at].text if at >= 0 and not self.texts[at].node.noise else ""

    def _candidate(self, node: _Node, text: str, kind: int, own: bool = False) -> list[_Candidate]:
        if node.noise:
            return []
        if node.old == 0 and id(node.element) in self.holds_old and not own:
            return []  # a block holding both the old and the current price: its children are candidates
        text = ascii_digits(text)
        probe = _PERCENT.sub(" ", EURO_CENTS.sub(r"\1,\2 €", text))  # "199€99" is one amount, "-30%" none
        if len(_AMOUNTS.findall(probe)) > 1 and not _RANGE.search(probe):
            return []
        parent = node.element.getparent()
        context = ascii_digits(_unqualified(_text_of(parent, 100))) if parent is not None else ""
        single = len(_AMOUNTS.findall(_PERCENT.sub(" ", context))) == 1
        bare = _unqualified(text)
        if _NOT_PRICE.search(bare) or (single and _NOT_PRICE.search(context) and not _MONEY.fullmatch(text)):
            return []
        at = context.find(bare.strip()[:20]) if bare.strip() else -1
        if at > 0 and _INSTALMENT.search(context[max(0, at - 40):at]):
            return []  # "or 4 interest-free payments of <b>$2.25</b>", "10x de <b>R$ 217,65</b>"
        end = at + len(bare.strip()) if at >= 0 and context.startswith(bare.strip(), at) else -1
        if end > 0 and _MONTHLY.match(context[end:end + 20]):
            return []  # "Järelmaks alates <b>15,28 €</b> kuus", "<b>$75</b>/mo": a monthly amount
        if len(_AMOUNTS.sub("", _MONEY.sub("", _PERCENT.sub("", bare))).strip()) > 30:
            return []  # a sentence that mentions an amount, not a price block
        money = _MONEY.search(text)
        if money and _OLD_BEFORE.search(text[:money.start()]):
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
        if _OLD_TEXT.search(text) or (single and _OLD_TEXT.search(context) and len(context) < 60):
            return []  # a struck-through or "was" price is never the price, even when nothing else is found
        if old == 2:
            return []
        alts = " ".join(node.element.xpath(".//img/@alt")[:3] + (parent.xpath("./img/@alt")[:3] if parent is not None else []))
        if (_MEMBER.search(self._text_before(node.index)) or _MEMBER.search(_attrs(node.element).lower()[:200])
                or _CARD.search(f"{alts} {text}") or (single and _CARD.search(context))):
            old = max(old, 1)  # a members' price only when nothing else is found
        if old == 0 and (_FROM_TEXT.match(text) or _FROM_BEFORE.search(self._text_before(node.index))
                         or _unchosen(node.element) or _EXCL_NOTE.match(_note_after(node.element))):
            old = 1  # a "from" price, the price of an option not chosen, a tax-exclusive one: only when nothing else is
        if kind == 2:
            old = max(old, 1)
        if old == 0 and _PAY_LABEL.match(self._text_before(node.index)):
            old = -1  # "Your Price $799.99" beside an unlabelled online price
        key = (old, int(node.noise), self._distance(node.index), kind)
        return [_Candidate(key, str(amount), currency, node, bool(_MONEY.search(text)))]

    def _labelled(self, pattern: re.Pattern[str], valid: Any) -> str | None:
        for position, piece in enumerate(self.texts):
            if piece.node.noise or len(piece.text) > 120:
                continue
            match = pattern.match(piece.text)
            if not match:
                continue
            rest = match.group("rest").split(" | ")[0].strip()  # "Art.-Nr. 1834567 | Model-Nr. …"
            if rest and (match.group("sep").strip() or piece.text[:match.start("sep")].endswith(("#", "."))):
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
                     lambda a: any(re.search(r"(?:^|[-_])sku$", t) for t in (a.get("class") or "").lower().split())):
            for node in self.nodes:
                attrs = node.element.attrib
                if not node.noise and test(attrs):
                    # its own text first: a child may be a control ("SKU: sz23041865 <span>Copy</span>")
                    for text in (attrs.get("content"), _own_text(node.element), _text_of(node.element, 60)):
                        value = _code(_SKU_PREFIX.sub("", text or ""))
                        if value:
                            return value
        return self._labelled(_SKU_RE, _code) or self._labelled(_SHOP_NUMBER_RE, _code)

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
            logo = re.search(r"(?:brand|manufacturer|vendor)[-_]?logo", marks)  # the brand's logo, not the shop's
            if (node.noise or not re.search(r"brand|vendor|manufacturer|supplier", marks)
                    or re.search(r"(?<!product-)brands|navbar|site-?brand|header|footer|carousel|slider|seller", marks)
                    or ("logo" in marks and not logo) or self._around_heading(node.element)):
                continue
            text = attrs.get("content") or _text_of(node.element, 80)
            text = re.sub(rf"(?i)^\s*(?:{BRAND_LABELS}|{MAKER_LABELS})\s*[:：]?\s*|^[^:：]{{1,20}}[:：]\s*(?=\S)", "",
                          text or "")
            if not text:
                text = next(iter(node.element.xpath(".//img/@alt") + node.element.xpath(".//a/@title")), "")
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
        found = self._title_brand()
        if found:
            return found
        links = self.sel.xpath("//*[contains(@class,'breadcrumb') or @aria-label='breadcrumb']"
                               "//a[contains(@href,'brand')]")[:20]
        return next((b for link in links if (b := _brand(link.xpath("normalize-space(.)").get()))), None) or (
            self._crumb_brand())

    def _crumb_brand(self) -> str | None:
        """The breadcrumb's deepest category when the <h1> names it inside ("Eletroportáteis > Mondial" over
        "Fritadeira Air Fryer Mondial Family 5L"): a shop that files products under their brand. Not a first crumb,
        not a product noun that ends the title ("Soundbar > Sonos Arc Soundbar"), not a lower-case word."""
        if not self.title:
            return None
        trail = self.sel.xpath("(//*[contains(@class,'breadcrumb') or @aria-label='breadcrumb'])[1]")
        crumbs = trail.xpath(".//a").xpath("normalize-space(.)").getall()[:12]
        # the product's own crumb, when it is a link, is most of the title
        crumbs = [c for c in crumbs if c and not (len(c) * 2 > len(self.title) and _similar(c, self.title))]
        if len(crumbs) < 2 or len(crumbs[-1].split()) > 3 or not re.search(r"[^\W\d_]", crumbs[-1]):
            return None
        deepest = crumbs[-1]
        if deepest[0].islower() or not re.search(rf"(?<!\w){re.escape(deepest)}(?!\w)(?=.*\w)", self.title):
            return None
        return _brand(deepest)

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
            value = _brand(_text_of(first, 60))
            if value and self.title and self.title.casefold().startswith(value.casefold()):
                return value
        previous = element.getprevious()
        if previous is not None and previous.tag == "a" and len(previous) == 1:
            # a brand logo linked just before the <h1> ("<a href=/brand/sony><img alt=Sony></a><h1>Sony a7 IV"), not
            # the product's photo, whose alt is the title
            alts = previous.xpath("./img/@alt")
            value = _brand(alts[0]) if alts and not _text_of(previous, 60) else None
            if (value and self.title and len(value) * 2 <= len(self.title)
                    and re.match(rf"{re.escape(value.casefold())}\b", self.title.casefold())):
                return value
        before = [p for p in self.texts if p.index < self.heading.index and not p.node.noise][-1:]
        hint = " ".join((self.hint or "").split()).casefold()
        if before and self.title and len(before[0].text) <= 40:
            value = _brand(before[0].text)
            title = self.title.casefold()
            if value and hint.startswith(value.casefold()) and (value.casefold() not in title or (
                    re.match(rf"{re.escape(value.casefold())}\s", title) and len(value) * 2 <= len(title))):
                return value  # or a vendor line over a title that starts with it (Shopify Dawn)
        return None

    def currency(self) -> str | None:
        """The currency of the first amount shown after the title, for a price read elsewhere without one."""
        for piece in self.texts:
            if piece.index >= self.anchor and not piece.node.noise and len(piece.text) < 60 and _MONEY.search(piece.text):
                return detect_currency(piece.text, self.locale)
        return None

    def availability(self) -> str | None:
        return self.availability_shown()[0]

    def availability_shown(self) -> tuple[str | None, bool]:
        """(term, whether the page plainly says the item cannot be bought): an out-of-stock or "coming soon"
        statement with no enabled buy button, which outweighs structured data left at InStock."""
        enabled = [b for b in self.buttons if not b.hidden and "disabled" not in b.element.attrib
                   and b.element.attrib.get("aria-disabled") != "true"
                   and not _DISABLED.search(b.element.attrib.get("class", ""))
                   and not (_styled_button(b.element) and "disabled" in b.element.attrib.get("class", "").lower())]
        for node in self.nodes:
            if node.noise or node.hidden or not _STOCK_ATTR.search(_attrs(node.element)):
                continue
            text = _text_of(node.element, 120) or node.element.attrib.get("title")
            term = availability_phrase(text)
            if term and not _STORE.search(text or "") and not _NO_DELIVERY.search(text or ""):
                return term, term == "OutOfStock" and not enabled and not _OPTION_MARKS.search(_state_marks(node.element))
        soon = not enabled and any(not p.node.noise and not p.node.hidden and len(p.text) < 60 and SOON.search(p.text)
                                   for p in self.texts)
        phrases = [(self._distance(p.index), term, not _OPTION_MARKS.search(_state_marks(p.node.element)))
                   for p in self.texts
                   if not p.node.noise and not p.node.hidden and len(p.text) < 60
                   and (term := availability_phrase(p.text)) and not _STORE.search(p.text)
                   and not _NO_DELIVERY.search(p.text)
                   and not (enabled and term == "OutOfStock" and _STATE_BADGE.search(_state_marks(p.node.element)))]
        if self.buttons and not enabled:  # said plainly when a statement, not an option's badge, goes with it
            return "OutOfStock", soon or any(term == "OutOfStock" and plain for _, term, plain in phrases)
        if any(term == "OutOfStock" for _, term, _ in phrases):  # "Notify me" beside "Coming soon" is said plainly
            return min((d, t) for d, t, _ in phrases if t == "OutOfStock")[1], soon
        if soon:
            return "OutOfStock", True  # announced, not yet on sale, and nothing to buy it with
        if enabled and all(PREORDER.search(_button_label(b.element)) for b in enabled):
            return "PreOrder", False  # the only way to buy is to order ahead of the release ("Jetzt vorbestellen")
        if self.buttons:
            return "InStock", False
        return (phrases[0][1] if phrases else None), False


# the block of one option ("swatch", "size", "variant"): its "Sold out" is that option's, not the product's
_OPTION_MARKS = re.compile(r"(?i)swatch|size|variant|option|colou?r|select")
_BUTTON_CLASS = re.compile(r"(?i)(?:^|[-_\s])(?:btn|button)(?:$|[-_\s])")


def _styled_button(element: Any) -> bool:
    """A <div>/<span> styled as a button ("<div class=pdp-add-to-bag pdp-button>ADD TO BAG</div>") that holds no
    real control (a wrapper of a <button> is not the button)."""
    return (element.tag in ("div", "span") and bool(_BUTTON_CLASS.search(element.attrib.get("class") or ""))
            and not element.xpath(".//button|.//a|.//input"))


def _button_label(element: Any) -> str:
    return f"{_text_of(element, 80)} {element.attrib.get('value', '')}"


def _button_marks(element: Any) -> str:
    """A button's label with the attributes that name its action (name, id, class, title)."""
    attrs = element.attrib
    return " ".join((_button_label(element), attrs.get("name", ""), attrs.get("id", ""), attrs.get("class", ""),
                     attrs.get("title", "")))


def _state_marks(element: Any) -> str:
    parent = element.getparent()
    outer = (parent.attrib.get("class") or "") if parent is not None else ""
    return f"{element.attrib.get('class') or ''} {outer}"


def _unqualified(text: str) -> str:
    """The text without the notes that follow an amount and qualify it ("¥18,500 (税込) 送料込み"); a note before
    the amount stays ("Free shipping on orders $50+" is no price)."""
    first = re.search(r"\d(?!\d*(?:[.,]\d+)?\s*%)", text)  # "inkl. 20% USt., zzgl. Versand (49,00 EUR)"
    return text[:first.start()] + _QUALIFIERS.sub(" ", text[first.start():]) if first else text


def _own_text(element: Any) -> str:
    """The element's text outside its child elements ("SKU: AB-12" of "SKU: AB-12 <button>Copy</button>")."""
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return " ".join(" ".join(parts).split())


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
    latin = re.fullmatch(r"([A-Za-z][\w&'.\- ]*?)\s*[（(]([^）()]+)[）)]", text)
    if latin and not re.search(r"[A-Za-z]", latin.group(2)):
        text = latin.group(1)  # "TRUSCO（トラスコ中山）": the brand with its name in another script
    if re.fullmatch(r"(?i)(?:our |all |shop by |top |popular )?(?:brands?|marken?|marques?)|n/?a|none|other|generic"
                    r"|unbranded", text):
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
    else:
        out["currency"] = page.currency()
    availability, unavailable = page.availability_shown()
    out.update(sku=page.sku(), mpn=page.mpn(), gtin=page.gtin(), brand=page.brand(), availability=availability,
               old_prices=page.old_prices() if price else None, unavailable_shown=unavailable)
    return {k: v for k, v in out.items() if v}
