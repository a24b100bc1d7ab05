"""Availability as schema.org terms, from structured values ("http://schema.org/InStock", "oos", true)
and from the phrases shops print ("Sold out", "Auf Lager", "在庫あり", "无货").

Terms kept: InStock, OutOfStock, PreOrder, BackOrder, Discontinued. Limited/online/in-store-only
availability counts as InStock, SoldOut as OutOfStock.
"""

from __future__ import annotations

import re
from typing import Any

_TERMS = {
    "instock": "InStock", "in_stock": "InStock", "available": "InStock", "availablefororder": "InStock",
    "limitedavailability": "InStock", "onlineonly": "InStock", "instoreonly": "InStock", "yes": "InStock",
    "true": "InStock", "1": "InStock", "outofstock": "OutOfStock", "oos": "OutOfStock", "soldout": "OutOfStock",
    "unavailable": "OutOfStock", "notavailable": "OutOfStock", "false": "OutOfStock", "no": "OutOfStock",
    "0": "OutOfStock", "preorder": "PreOrder", "presale": "PreOrder", "backorder": "BackOrder",
    "discontinued": "Discontinued",
}
# "notify me when available" and the like come first: their "available" is not a stock statement
OUT_PHRASES = (
    r"notify me(?! (?:of|about) (?:price|new|deal|offer))|e-?mail me when|let me know when|back in stock|when (?:it is |it's |this (?:product|item) is )?"
    r"(?:back|available)|benachrichtig|sobald .{0,30}(?:lieferbar|verfügbar)|me prévenir|avísame|avisarme|avise-me|"
    r"hlídat dostupnost|gelince haber ver|"
    r"入荷お知らせ|再入荷|到货通知|재입고 알림|сообщить о (?:поступлении|наличии)|уведомить о поступлении|"
    r"повідомити про наявність|немає в наявності|закінчився|stok habis|hết hàng|"
    r"out of stock|(?<!almost )(?<!nearly )sold out|currently unavailable|temporarily unavailable|no longer available|not available"
    r"|unavailable|nicht (?:mehr )?(?:zur verfügung|auf lager|verfügbar|lieferbar|vorrätig)|(?<!fast )ausverkauft|vergriffen"
    r"|rupture de stock|épuisé|epuise|indisponible|(?:non|plus|n'est plus) disponible|agotado|sin stock|no disponible|esaurito|non disponibile"
    r"|niet (?:op voorraad|leverbaar|beschikbaar)|uitverkocht|slutsåld|slut i lager|ej i lager|udsolgt"
    r"|utsolgt|brak w magazynie|niedostępny|wyprzedane|нет в наличии|esgotado|indisponível|není skladem|vyprodáno"
    r"|(?:momentálně |dočasně |aktuálně )?nedostupn[éýá]|(?:momentálne |dočasne )?nedostupn[ýá]"
    r"|nie je skladom|tükendi|stokta yok|elfogyott|nincs raktáron|stoc epuizat|loppu varastosta|εξαντλήθηκε"
    r"|在庫なし|在庫切れ|売り切れ|完売|品切れ|販売終了|无货|缺货|售罄|已售完|暂时售完|已下架|暂无库存|품절|일시품절"
    r"|غير متوفر|غير متاح|نفدت الكمية|نفذت الكمية|نفد من المخزون|אזל מהמלאי|לא במלאי"
    r"|pole laos|läbi müüdud|otsas|išparduota|nėra sandėlyje|nav noliktavā|nav pieejams|izpārdots|изчерпан"
    r"|няма наличност|не е налич\w*|(?:nema|nije) na (?:stanju|zalihi|lageru)|rasprodano|ni na zalogi|razprodano"
    r"|ไม่มีสินค้า|สินค้าหมด|หมดชั่วคราว|स्टॉक में नहीं|स्टॉक से बाहर|उपलब्ध नहीं"
    # a second-hand or one-off item that found its buyer: "Vendu", "This item has been sold" (not "Sold by …")
    r"|(?:this item|the item|cet article|l'article|dieser artikel|der artikel|este artículo|questo articolo|dit artikel)"
    r" (?:has been|was|a été|wurde|fue|è stato|is) (?:sold|vendu|verkauft|vendido|venduto|verkocht)(?! by| par| von| por| da| door)"
)
# a status badge that is the one word "sold" in a language
_SOLD = re.compile(r"(?i)^\s*(?:sold|vendu|vendue|verkauft|vendido|vendida|venduto|venduta|verkocht|såld|solgt|sprzedan[eya]"
                   r"|prodáno|продано|продан|已售出|売却済み?|販売済み?|판매완료)\s*[.!]?\s*$")
IN_PHRASES = (
    r"in stock|available(?: now| to ship| for delivery)?|only \d+ left|\d+ (?:left|available)|more than \d+ available"
    r"|(?:almost|nearly) sold out|fast ausverkauft|ready to ship|ships (?:today|tomorrow|in \d)|(?:made (?:&|and) )?dispatched (?:in|within) \d|auf lager|lieferbar|sofort verfügbar|verfügbar|vorrätig"
    r"|en stock|disponibles?|en existencia|disponibile|op voorraad|leverbaar|i lager|finns i lager|på lager"
    r"|på lager|w magazynie|dostępny|в наличии|em estoque|skladem|na skladě|skladom|stokta(?: var)?|raktáron"
    r"|în stoc|varastossa|διαθέσιμο|在庫あり|在庫有り|即納|有货|现货|有库存|재고 있음|в наявності|є в наявності"
    r"|tersedia|còn \d+ sản phẩm|\d+ sản phẩm có sẵn|có sẵn|متوفر|متبقي|متوفرة|متاح|في المخزون|במלאי"
    r"|laos\s+\d+\+?\s*tk|saadaval|yra sandėlyje|prekė sandėlyje|turime sandėlyje|ir noliktavā|pieejams|в наличност|наличен|налично"
    r"|na (?:stanju|zalihi|zalogi|lageru)|มีสินค้า|พร้อมส่ง|स्टॉक में(?! नहीं)|उपलब्ध(?! नहीं| होने)"
)
# a product on sale before its release ("Vorbestellbar", "予約受付中"): neither in stock nor sold out
PRE_PHRASES = (
    r"pre-?order\w*|vorbestell\w*|pré-?commande|pr[eé]-?vent[ae]|pré-?venda|in preordine|preordina\w*|przedsprzedaż\w*"
    r"|p[řr]e?dobjednávk\w*|voorbestel\w*|förbeställ\w*|forudbestil\w*|forhåndsbestill\w*|ennakkotila\w*"
    r"|ön sipariş\w*|предзаказ\w*|передзамовлення"
    r"|予約受付中?|予約商品|予約販売|予約注文|予約する|预售|預購|예약\s?(?:판매|구매|주문)|사전\s?예약"
)
# an item the shop takes orders for and ships when its supplier delivers ("Backordered – ships in 3-5 weeks"), not
# an in-stock line that allows it ("27 in stock (can be backordered)")
# "Available to order" (UK shops), "お取り寄せ" (Japanese shops): not held in stock, ordered in from the maker ("usually dispatched within 10-14 days")
BACK_PHRASES = (r"(?<!can be )(?<!may be )back-?ordered|on back-?order|back-?order(?:ed)? (?:only|now|item)|"
                r"available (?:on|for|as) back-?order|en reliquat|im rückstand|(?<!also )available to order|お取り寄せ|取り寄せ品?")
_BACK = re.compile(rf"(?i)(?<![\w])(?:{BACK_PHRASES})(?![\w])")
_OUT = re.compile(rf"(?i)(?<![\w])(?:{OUT_PHRASES})")
# an item announced but not yet on sale ("Coming soon", "Bientôt disponible"): unavailable when nothing can be bought
SOON_PHRASES = (r"coming soon|bientôt disponible|prochainement disponible|demnächst (?:erhältlich|verfügbar)|próximamente"
                r"|disponible pronto|em breve|prossimamente|binnenkort (?:beschikbaar|verkrijgbaar|leverbaar)|wkrótce dostępn\w*"
                r"|近日発売|近日入荷|发售预告|即将(?:上市|开售|到货)|敬請期待|곧 출시|출시 예정|скоро в продаже|เร็วๆ นี้")
SOON = re.compile(rf"(?i)(?<![\w])(?:{SOON_PHRASES})")
PREORDER = re.compile(rf"(?i)(?<![\w])(?:{PRE_PHRASES})")
_IN = re.compile(rf"(?i)(?<![\w])(?:{IN_PHRASES})(?![\w])")


def availability_term(value: Any) -> str | None:
    """A schema.org term from a structured value (URL, code, boolean), else None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "InStock" if value else "OutOfStock"
    text = str(value).strip().rsplit("/", 1)[-1]
    folded = re.sub(r"[\s_\-]", "", text).lower()
    return _TERMS.get(folded) or _TERMS.get(text.lower()) or availability_phrase(text)


def availability_phrase(text: str | None) -> str | None:
    """InStock/OutOfStock/PreOrder/BackOrder from a short visible text ("14 in stock", "Sold out", "Vorbestellbar",
    "Backordered"), else None."""
    if not text or len(text) > 120:
        return None
    if PREORDER.search(text):
        return "PreOrder"
    if _BACK.search(text):
        return "BackOrder"
    if _OUT.search(text) or _SOLD.match(text):
        return "OutOfStock"
    if _IN.search(text):
        return "InStock"
    return None
