"""What shop pages say around amounts and buy buttons: old, monthly, "from", net and members' prices, buy
buttons, stock and delivery phrases, in the languages the extractor has met."""

from __future__ import annotations

import re

OLD = re.compile(r"(?<![a-z0-9])(?<!with-)(?<!has-)(?:old|was|compare|strike|before|former|prior|original|orig|org(?![a-z])|rrp"
                 r"|msrp|uvp|crossed"
                 r"|barrato|tachado|prev|list-?price|reference-price|pre-?reduction|streich|deleted|line-?through)")  # on camel-split, lower-cased attributes
WEAK_OLD = re.compile(r"(?<![a-z0-9])(?:(?:regular|(?<!prices-)list|standard)(?=\s|$|[-_]*(?:price|preis|prix))"
                      r"|without-?tax|excl(?:uding)?-?tax|ex-?tax)")  # a tax-exclusive price beside the gross one
# the lowest price of the last 30 days that EU law makes shops print beside a reduction
LOWEST_30 = re.compile(
    r"(?:lowest|niedrigst|najniższ|plus bas|più bass|más baj|laagste|nejnižší|najnižšia|lägsta|"
    r"laveste|alacsonyabb|legalacsonyabb|cel mai mic|alhaisin|alin|χαμηλότερ)\w*\D{0,40}\b30\s*(?:days?|tage?n?|"
    r"dni|dní|dnů|jours|derniers|giorni|días|dias|dagen|dagar|dage|dager|päivän|nap|zile|ημερών)", re.I)
LOWEST_30_LABEL = re.compile(rf"(?:{LOWEST_30.pattern})\D{{0,30}}$", re.I)  # the label just before its amount
NOT_PRICE = re.compile(r"(?i)sav(?:e|ing)|discount|économisez|economi[sz]e|poupe|sparen|\bspar(?:a|e)?\b|risparmi|ahorr|you save|payments? of|/\s*mo\b|"
                       r"month|monat|klarna|afterpay|shipping|delivery|versand|送料|ポイント|point|coupon|"
                       r"gutschein|installment|\bper\b|/\s*(?:kg|g|l|ml|m|oz|lb|100\s?g|stück|unit|ea)\b|\bover\b|"
                       r"\bfrom \d+ items|\bab \d+ stück|ex\.?\s*(?:tax|vat|gst)|excl?\.?\s*(?:vat|tax|gst|btw|mwst|iva)|exkl\.?|"
                       r"\b(?:with|using) (?:promo |coupon )?code\b|券|クーポン|쿠폰|满\d+减|[满滿]\s?\D{0,3}\d|運費|运费|"
                       # instalments and monthly amounts in more languages ("Järelmaks alates 15,28 € kuus")
                       r"järelmaks|\bkuus\b|/\s*(?:kuu|mėn|mēn|mes|mês|mois|mese|maand|měs|mies|hó)\b|\bmėn\.|dalimis|"
                       r"изплащане|на месец|месечн|mjesečn|mesečn|meses sin intereses|\bmeses\b|mensualit|"
                       r"ผ่อน|เดือนละ|"
                       r"zzgl\.?\s*(?:\d+\s*%\s*)?(?:mwst|ust)|plus vat|\+\s*vat\b|excl\.?\s*btw|"
                       r"\bnett[oó]\b|net price|hors tax|\bht\b|税抜|本体価格|未税|без (?:ндс|пдв)|"
                       + LOWEST_30.pattern)
# an amount marked as approximate ("cca 423 €" beside "10 490 Kč"): a conversion for information, not the price paid
APPROX = re.compile(r"(?i)^\s*(?:≈|~|cca\.?|ca\.|approx\.?|approximately|około|ok\.|približno|περίπου|приблизно|примерно|約|约)\s*(?=\D{0,4}\d)")
# words that describe the price itself, not another amount ("¥18,500 (税込) 送料込み", "$46 incl. VAT")
QUALIFIERS = re.compile(r"(?i)送料込み?|送料無料|\(?税込\)?|tax incl\w*|\(?inc(?:l|luding)?\.?\s*(?:vat|tax|gst)\)?|"
                        r"inkl\.?\s*mwst\.?|"
                        r"zzgl\.?\s*versand\w*|free shipping|frete grátis|envío gratis|livraison gratuite|"
                        r"versandkostenfrei")
INSTALMENT = re.compile(r"(?i)(?:payments?|installments?|instalments?|cuotas|parcelas|rate|raten|mensualités|دفعات"
                        r"|järelmaks\w* alates|dalimis nuo|месеца по|เดือนละ)"
                        r"(?: of| de| à| da| von| بقيمة)?\s*[:：]?\s*$|\b\d{1,2}\s?[x×]\s?(?:de\s)?$")
# the words after an amount that make it a monthly one ("€ 15,28 kuus", "$75/mo", "44,31 € на месец")
MONTHLY = re.compile(r"(?i)\s*(?:/\s*|per\s+|a\s+|al\s+|par\s+|pro\s+|za\s+|на\s+|в\s+)?(?:mo|month|monat|mtl|mois|mes|mese"
                     r"|maand|kuus|kuu|mėn|mēn|měs|mies|hó|месец|месяц|міс|เดือน)(?![^\W\d_])")
# "Starting at $699", "ab 49 €": the lowest of the prices a product's options have, not the one chosen
FROM_WORDS = r"starting at|starts at|from|as low as|à partir de|dès|desde|a partir de|vanaf|ab|od|från|fra|alkaen|от|від"
FROM_TEXT = re.compile(rf"(?i)^\s*(?:{FROM_WORDS})\s*[:：]?\s*\D{{0,4}}\d")
FROM_BEFORE = re.compile(rf"(?i)(?:^|\W)(?:{FROM_WORDS})\s*[:：]?\s*$")
# a note right after an amount that makes it the tax-exclusive one ("￥19,800<span>(税抜)</span>")
EXCL_NOTE = re.compile(r"(?i)^\s*[(（]?\s*(?:税抜|税別|本体価格|excl?\.?\s*(?:vat|tax|gst|btw|mwst|iva)|ex\.?\s*(?:vat|tax|gst)"
                       r"|zzgl\.?\s*(?:\d+\s*%\s*)?(?:mwst|ust)|\+\s*vat|plus vat|hors taxes?|ht(?![^\W\d_])|netto(?![^\W\d_])"
                       r"|без ндс|bez dph|sin iva|ohne mwst)")
# a label that names the amount after it as the one to pay
PAY_LABEL = re.compile(r"(?i)^\s*(?:your price|you pay|price now|now|final price|sale price|ihr preis|jetzt nur|"
                       r"votre prix|prix final|su precio|tu precio|il tuo prezzo|uw prijs|twoja cena|din pris)\s*[:：]?\s*$")
# a price for members only ("Club price £11.00", "Beauty Insider price"): not the price everyone pays
MEMBER = re.compile(r"(?i)(?:club|member(?:s|ship)?|loyalty|insider|rewards?|card(?:holder)?|plus)[\s-]*(?:price|prices|preis|prix)"
                    r"\s*[:：]?\s*$|(?<![a-z])(?:member|club|loyalty)-?price")
SAVING_MARK = re.compile(r"(?i)saving|you-?save")
# a subscription's price ("Autoship $80.73", "Subscribe & Save"): like a members' price, only when nothing else is found
SUBSCRIPTION = re.compile(r"(?i)auto-?ship|subscri(?:be|ption)|\babonnement|\bspar-?abo\b|repeat delivery")
# the label of the price before a coupon is taken off ("优惠前 ¥299" under "¥259 券后价"): what everyone pays, whatever
# its class calls it ("originPrice")
BEFORE_COUPON = re.compile(r"(?i)(?:^|\s)(?:优惠前|優惠前|券前价?|before coupon|without coupon|sans coupon|ohne gutschein)\s*[:：]?\s*$")
# a price once a promo code is entered ("$58.00 with code FRIEND"): a coupon's, never the price
WITH_CODE = re.compile(r"(?i)^\s*(?:with|w/|using|use) (?:promo |coupon )?code\b|^\s*(?:mit|avec le|con el|com o) (?:code|código|cupom)")
# the price for holders of the shop's card or wallet ("Precio con tarjeta CMR", "2 590 ₽ c Ozon Картой", "5 975 ₽ с WB
# Кошельком") or once in the basket ("Sepette 3.799,05 TL"): a members' price
CARD = re.compile(r"(?i)(?<!\w)(?:con|with|mit|avec|com|c|с|ile)\s+(?:[^\W\d]+\s+){0,2}?(?:tarjeta|card|karte|carte|"
                  r"cartão|картой|kartı|kartą|кошельком|wallet)(?!\w)|(?<!\w)(?:sepette|sepet fiyatı)(?!\w)"
                  # a label naming the shop's card before the amount ("Tarjeta Hites $299.990")
                  r"|^\s*(?:tarjeta|cartão|carte)\s+[^\W\d]+\s*[:：]?\s*(?=\D{0,4}\d)")
# the card price as the total of its instalments ("R$ 4.699,00 em 10x de R$ 469,90 sem juros"): that total
IN_INSTALMENTS = re.compile(r"(?i)^\s*(\D{0,4}\d[\d.,]*)\s+(?:em|en|in)\s+(?:até\s+)?\d{1,2}\s*x\b")
# the price paid by Pix or boleto ("R$ 265,99 no Pix"): a payment method's, only when nothing else is found
PIX = re.compile(r"(?i)(?:^|\s)(?:à vista\s+)?(?:no|via|pelo|com)\s+(?:pix|boleto)\b")
PERCENT = re.compile(r"[-−]?\d+(?:[.,]\d+)?\s*(?:%|折(?!扣))")  # "79折": 79 % of the list price
OLD_WORDS = (r"list price|was|reg\.?|orig(?:inal)?\.?(?: price)?|compare at|"
             r"rrp|msrp|m\.r\.p\.?|uvp|statt|ursprünglich\w*(?: preis)?|originalpreis|ehemals|vorher|bisher|"
             r"prix (?:de référence|initial|barré|conseillé)|prezzo (?:consigliato|di listino)|prima|antes|"
             r"tidigare(?: pris)?|ordinarie(?: pris)?|normalpris|参考価格|通常(?:販売)?価格|メーカー希望小売価格|"
             r"原价|定价|定價|市场价|定価|市售價|原價|建議售價|prp|adviesprijs|før|eredeti ár|běžná cena|старая цена|"
             r"было|було|giá gốc|redovna c(?:ij)?ena|precio normal|normal|ord\.? pris|harga (?:asli|normal)|precio a cr[ée]dito")  # a credit total beside the cash price
OLD_TEXT = re.compile(rf"(?i)^\s*(?:{OLD_WORDS})(?:\W|$)")
OLD_BEFORE = re.compile(rf"(?i)(?:^|\W)(?:{OLD_WORDS})\s*[:：]?\s*$")  # "… 定価 ¥38,500 …"
RELATED_HEADING = re.compile(
   r"(?i)^\s*(?:related|similar|recommended|you (?:may|might) also|customers (?:who|also)|frequently bought|"
   r"people (?:also|who)|recently viewed|more (?:from|items)|other (?:products|items)|also (?:bought|viewed)|"
   r"other (?:sellers|offers|merchants|vendors)|more (?:offers|sellers|buying choices)|weitere angebote|"
   r"autres (?:vendeurs|offres)|otros vendedores|outras ofertas|mais ofertas|altri venditori|andere verkopers|"
   r"diğer satıcılar|другие продавцы|その他の出品者|accessories|zubehör|tilbehør|ähnliche|empfohlen|kunden kauften|das könnte|produits (?:similaires|associés)|"
   r"kunden,? (?:die|welche) [^.]{0,40}(?:auch|ebenfalls)|vous aimerez|productos relacionados|los clientes también|también te|prodotti correlati|quem viu|рекомендуем|"
   r"похожие|(?:з|с) цим товаром|с этим товаром|この商品を見た人|おすすめ|この出品者の商品|相关推荐|猜你喜欢|看了此商品|"
   r"함께 보면|관련 상품|منتجات (?:مشابهة|ذات صلة)|قد يعجبك|lainnya di toko|sản phẩm tương tự|hasonló termékek|vaak samen gekocht)")
RAND = re.compile(r"(?:^|[:：]\s*)R\s?\d[\d\s.,]*$")  # the whole text, so "Canon EOS R50" is no price
AMOUNTS = re.compile(r"\d[\d.,'\u00a0\u202f ]*")
RANGE = re.compile(r"\d\s*(?:-|–|—|~|〜|to|bis|à|a)\s*\D{0,5}\d")
BUY = re.compile(r"(?i)add[ -_]?to[ -_]?(?:cart|basket|bag|trolley)|addtocart|buy[ -_]?(?:it )?now|in den (?:warenkorb|"
                 r"einkaufswagen)|ajouter au panier|aggiungi al carrello|añadir al carrito|agregar al carrito|"
                 r"lägg i varukorgen|in winkelwagen|do koszyka|adicionar ao carrinho|カートに入れる|買い物かごに入れる|"
                 r"カートへ|加入购物车|立即购买|加入購物車|장바구니|구매하기|바로구매|立即購買|放入購物車|今すぐ購入|"
                 r"(?<!como )\bcomprar\b|adicionar à sacola|mua ngay|thêm vào giỏ|beli(?: langsung| sekarang)|"
                 r"keranjang|купить|в корзину|купити|у кошик|kosárba|ad[aă]ug[aă] [iî]n co[sș]|legg i handlekurv|"
                 r"læg i kurv|lisää ostoskoriin|sepete ekle|(?:أضف|إضافة|اضافة) (?:إلى |الى |لل)?(?:(?:ال)?سلة|عربة (?:ال)?تسوق)|اشتر(?:ي)? الآن|"
                 r"הוסף לסל|הוספה לסל|lisa ostukorvi|(?:į|i) krepšelį|pievienot grozam|dodaj u košaricu|"
                 r"dodaj v košarico|(?<![\w])купи(?![\w])|(?:หยิบ|เพิ่ม)?ใส่ตะกร้า|เพิ่มลงตะกร้า|ซื้อ(?:เลย|ทันที)")
# a grocery or quick-add button whose whole label is the bare verb ("Añadir", "Add")
BARE_BUY = re.compile(r"(?i)\s*(?:add|añadir|agregar|ajouter|hinzufügen|aggiungi|toevoegen|adicionar|dodaj|lisa)\s*")
DISABLED = re.compile(r"(?i)sold-?out|unavailable|out-?of-?stock|(?<![\w-])btn-disabled?(?![\w-])")
# stock of a physical store ("Not available at nearby stores", "Nicht verfügbar in IKEA Berlin") is not the shop's
STORE = re.compile(r"(?i)\bin (?:the |our )?stores?\b|in-store|nearby stores?|pick ?up\b|click (?:&|and) collect|abhol|"
                   r"im markt|in (?:der|unserer) filiale|en magasin|en tienda|in ikea|in de winkel|店頭|門市|\bin (?:\d+ )?negozi[o]?\b")
# a theme's badge for a state it shows by a class on the product ("price__badge-sold-out"): not a statement while
# the buy button is enabled
STATE_BADGE = re.compile(r"(?i)sold-?out|out-?of-?stock|soldout|unavailable")
# home delivery not offered for an item that stores hold ("Sorry, delivery is not available for this item")
NO_DELIVERY = re.compile(r"(?i)(?:delivery|shipping|lieferung|versand|livraison|envío|entrega|despacho|consegna)"
                         r"\s+(?:is\s+|ist\s+|n'est\s+pas\s+)?(?:not|nicht|non|no)\s+(?:available|verfügbar|möglich|"
                         r"disponible|disponível|disponibile)|(?:not\s|un)available for (?:home )?(?:delivery|shipping)")
# a statement about the online shop alone ("Online nicht verfügbar", "Out of stock online"): beside a store's stock
# line it says the item is sold in stores only, not that it is sold out
ONLINE = re.compile(r"(?i)\bonline\b|\ben ligne\b|\bwebshop\b|\bonlineshop\b")
STORE_ONLY = re.compile(r"(?i)\bnur im markt\b|\bin-store only\b|\bonly (?:available )?in stores?\b|\ben magasin seulement\b"
                        r"|\buniquement en magasin\b|\bsolo en tienda\b|\balleen in de winkel\b")
STOCK_ATTR = re.compile(r"(?i)stock|availab|inventory|disponib|lager|zaiko|delivery-status")
# the block of one option ("swatch", "size", "variant"): its "Sold out" is that option's, not the product's
OPTION_MARKS = re.compile(r"(?i)swatch|size|variant|option|colou?r|select")
BUTTON_CLASS = re.compile(r"(?i)(?:^|[-_\s])(?:btn|button)(?:$|[-_\s])")


def unqualified(text: str) -> str:
    """The text without the notes that follow an amount and qualify it ("¥18,500 (税込) 送料込み"); a note before
    the amount stays ("Free shipping on orders $50+" is no price)."""
    first = re.search(r"\d(?!\d*(?:[.,]\d+)?\s*%)", text)  # "inkl. 20% USt., zzgl. Versand (49,00 EUR)"
    return text[:first.start()] + QUALIFIERS.sub(" ", text[first.start():]) if first else text
