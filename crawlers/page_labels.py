"""Spec-table labels for codes and brands ("SKU:", "Item model number", "Artikelnummer", "型番", "品牌") and the
checks that a labelled value is a code or a brand name."""

from __future__ import annotations

import re

SKU_LABELS = (r"(?:[A-Z][a-z]+[®™]?\s)?SKU|Keycode|TCIN|Item\s*#|Item\s+(?:number|no\.?)|Product\s+(?:code|number|no\.?|ID)|Art(?:ikel)?\.?[\s-]*(?:Nr|nummer)"
              r"\.?|Artikelnummer|Bestellnummer|Référence|R[eé]f(?:[eé]rence)?\.?|Codice(?:\s+articolo)?"
              r"|C[óo]d(?:igo|\.)?\s*(?:de |do |del )?(?:art[ií]culo|artigo|articolo|art\.|produ[ct]?to|prodotto)|Código|Cod\.|"
              r"Varenummer|Artikelnr\.?|Numer katalogowy|Referencia|Riferimento|Referentie|K[óo]d produktu|Číslo produktu|"
              r"Ürün kodu|Stok kodu|Tuotenumero|Tuotekoodi|Item(?=\s*$)|Cikkszám|商品番号|商品コード|品番|품번|货号|商品编号|商品编码|ASIN|Style\s*(?:code|#)"
              # a code the shop names after itself ("PB Tech Code:"), not the maker's, a postcode or a coupon's
              r"|(?!(?:M(?:fr|FR|fg|FG)|Manufacturer|Maker|Vendor|Supplier|Postal|Post|Zip|Pin|Promo|Discount|Coupon|Voucher|Gift|Referral|Security|Tracking|Your|Enter|Country|Colou?r|Area|Tax)\b)"
              r"(?:[A-Z][A-Za-z]{1,15}\s){1,2}Code(?=\s*[:：])|Item\s*code|TSIN|Varenr\.?|(?!Hersteller)[A-Za-z][\w.]{1,19}-Artikelnummer|Referência|Cod(?:ul)? produs"
              r"|Kod(?:\s+(?!producenta\b|EAN\b|kreskowy\b)[\w.\-]{2,20})?|Código (?:de|do|del) producto|Código do produto|商品編號|商品編碼|(?:商品)?貨號|상품번호|상품코드|Артикул"
              r"|Produktnummer|Produktnr\.?|Artikelcode|Art\.\s?nr\.?|Kód|Product\s*#|Article\s+(?:ID|number|no\.?)"
              r"|N[°º]\s*d['’]article|Code\s+(?:produit|article)|Cat\.\s?no\.?"
              r"|Our\s+(?:code|ref(?:erence)?|part\s+(?:no\.?|number))|Stock\s+code|注文コード|Tootekood|Prekės kodas"
              r"|Preces kods|Šifra(?:\s+(?:proizvoda|artikla))?|Код на (?:продукта|артикула)"
              r"|Код(?: товара| товару)?|رمز المنتج|رقم المنتج|كود المنتج|מק\"ט|SUPC|उत्पाद कोड|Κωδ(?:ικός)?\.?(?:\s+προϊόντος)?"
              # a reference the shop names after itself ("Referência Fnac"), not the maker's or a barcode
              r"|(?:Referência|Référence|Referencia|Riferimento|Código|Codice)\s+(?!(?:d[aeiou]l?|d[oa]s?|du)\b)"
              r"(?!fabric|manufact|produ|herstell|fornec|provee|EAN|GTIN|UPC|interna?\b)[A-Z][\w+]{1,15}(?=\s*[:：]|\s*$)")
MPN_LABELS = (r"MPN|Part\s*(?:Number|No\.?|#)|Manufacturer\s+Part\s+(?:Number|No\.?)|Item model number"
              r"|M(?:FR|fr|FG|fg)\.?\s*(?:Part\s*|Model\s*)?(?:#|No\.?|Number)"
              r"|Model(?:\s*(?:number|no\.?|#))?|Modell(?:nummer)?|Modèle|Modello|Modelo|Model(?:o|u)?"
              r"|Herstellernummer|Herstellerartikelnummer|Hersteller-?Nr\.?|R[ée]f(?:[ée]rence|\.)?\s+(?:del? )?fabricante?"
              r"|Valmistajan (?:koodi|tuotekoodi)|Kod producenta|Código (?:del )?fabricante|Codice produttore|Numero di parte|Fabrikantcode|Model Kodu"
              r"|型番|型号|型號|모델명|Модель|Model\s+name|رقم الموديل|الموديل")
GTIN_LABELS = r"EAN(?:-?13)?|GTIN(?:-?1[234])?|UPC|JAN(?:コード)?|ISBN(?:-?13)?|Barcode|条形码|バーコード"
BRAND_LABELS = (r"Brand(?:\s+name)?|Marke|Marque|Marca|Merk|Merek|Märke|Marka|Značka|Merkki|Márka|Μάρκα|ブランド(?:名)?"
                r"|品牌(?:名稱|名称)?|브랜드(?:명)?|Thương hiệu|Hãng(?: sản xuất)?|Бренд|Торгов(?:ая|а) марка|Varumärke|Varemerke|Mærke"
                r"|العلامة التجارية|الماركة|מותג|Kaubamärk|Prekės ženklas|Zīmols|Марка|Brend|ब्रांड|ब्रैंड")
MAKER_LABELS = (r"Manufactured by|Manufacturer|Hersteller|Fabricant|Produttore|Fabricante|Producent|Výrobce|Výrobca|Üretici|Tillverkare"
                r"|Valmistaja|Gyártó|Κατασκευαστής|メーカー|制造商|生产厂家|製造商|Производитель|Виробник|Producător|제조사"
                r"|الشركة المصنعة|יצרן|Tootja|Gamintojas|Ražotājs|Производител|Proizvođač|Proizvajalec")
SEP = r"\s*(?:[:：#]|\s-\s)\s*"
CJK = "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"  # kana, Han and Hangul: their labels need no separator but a space


def label_pattern(pattern: str) -> re.Pattern[str]:
    """A regex for a labelled value ("SKU: AB-12", "Art.-Nr. 123"): the label, a separator, the value as ``rest``."""
    return re.compile(rf"^\s*(?:{pattern})(?:\s*\([^()]{{1,20}}\))?(?P<sep>{SEP}|(?<=[#.{CJK}])\s+|\s+(?=\d{{5,}}\s+\|)|\s*$)(?P<rest>.*)$",
                      re.I | re.S)


SKU_RE, MPN_RE, GTIN_RE, BRAND_RE, MAKER_RE, ISBN_RE = (label_pattern(p) for p in (
    SKU_LABELS, MPN_LABELS, GTIN_LABELS, BRAND_LABELS, MAKER_LABELS, r"ISBN(?:-?13)?"))
ANY_LABEL = re.compile("|".join(f"(?:{p})" for p in (SKU_LABELS, MPN_LABELS, GTIN_LABELS, BRAND_LABELS,
                                                     MAKER_LABELS)), re.I)
SKU_PREFIX = re.compile(rf"(?i)^\s*(?:(?:{SKU_LABELS})(?:\s*\([^()]{{1,20}}\))?\s*[:：#]?|[^:：\d]{{1,30}}[:：])\s*")
# "B&H # SOA7IV": a name and "#" that no other label claims is the shop's own item number (a fallback)
SHOP_NUMBER_RE = re.compile(r"^\s*(?!(?:model|part|mfr|mfg|manufacturer|catalog|style|upc|ean|isbn|gtin|order|"
                            r"tracking|ref)\b)[A-Z][\w&'.]{0,15}(?:\s[A-Z][\w&'.]{0,15})?(?P<sep>\s?#\s*)"
                            r"(?P<rest>\S.*)$", re.S)
CODE = re.compile(r"[\w][\w\-./#]{0,38}[\w#]|[\w][\w\-./#]{0,18}(?: [\w\-./#]{1,18}){1,2}")
BYLINE = re.compile(r"(?i)^\s*(?:visit the (.{1,50}?) store|brand:\s*(.{1,50})|shop all (.{1,50}?)(?: products)?"
                    r"|more from (.{1,50}?)|view all (.{1,50}?) products)\s*$")


def product_code(text: str | None) -> str | None:
    """The text if it reads as a product code (digits, separators or capitals, at most 40 characters), else None."""
    text = (text or "").strip()
    if len(text) > 40 or not CODE.fullmatch(text) or re.fullmatch(r"(?i)n/?a|none|null|tbd|unknown|0+", text):
        return None
    if " " in text:
        return text if re.search(r"\d", text) else None
    coded = re.search(r"\d", text) or re.search(r"[-_.]", text) or (len(text) >= 4 and text.isupper())
    return text if coded else None


def brand_name(text: str | None) -> str | None:
    """The text as a brand name ("by " and a name in another script removed), None for placeholders like "Generic"."""
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
