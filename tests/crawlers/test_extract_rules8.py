"""Extraction rules found by the eighth held-out set (PrestaShop 8, WooCommerce blocks, JTL, BigCommerce Stencil,
Shopify without JSON-LD, Cafe24, Salla, Webflow, Vinted, SHEIN, B&H, Gambio, Youzan, …) and the ninth (Costco, Zen
Cart, OXID, Verkkokauppa): each rule on a minimal page, with the near case it must not catch."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.crawlers.test_extract_sources import listing, page


def price_of(body: str, *, lang: str = "en", head: str = "", url: str = "https://shop.example/p/1") -> tuple:
    item = listing(page(body, lang=lang, head=head), url)
    return item["price"], item["currency"]


def stock_of(body: str, lang: str = "en") -> str | None:
    return listing(page(f"<h1>Speckled Mug</h1><span class='price'>$34.00</span>{body}", lang=lang))["availability"]


# --- which visible amount is the price ---------------------------------------------------------------------

def test_a_tax_exclusive_price_beside_the_gross_one_is_not_the_price() -> None:
    both = ('<h1>Smeg Kettle KLF03</h1><div class="productView-price">'
            '<div class="price-section"><span class="price price--withTax">$149.95</span><abbr>(Inc. GST)</abbr></div>'
            '<div class="price-section"><span class="price price--withoutTax">$136.32</span><abbr>(Ex. GST)</abbr></div>'
            '</div>')
    assert price_of(both, url="https://shop.example.com.au/k") == (Decimal("149.95"), "AUD")
    classes_only = both.replace("(Ex. GST)", "").replace("(Inc. GST)", "")  # the class alone ranks it behind
    assert price_of(classes_only, url="https://shop.example.com.au/k")[0] == Decimal("149.95")
    alone = '<h1>Smeg Kettle KLF03</h1><div class="price-section"><span class="price price--withoutTax">$136.32</span></div>'
    assert price_of(alone)[0] == Decimal("136.32")  # the only price shown is still the price


def test_the_lowest_price_of_the_last_30_days_is_not_the_price() -> None:
    body = ('<h1>Patelnia Tefal Unlimited 28 cm</h1><div class="price-container"><em class="main-price">129,99 zł</em>'
            '<del>179,99 zł</del></div><div class="omnibus-info">Najniższa cena z 30 dni przed obniżką: '
            '<span>119,99 zł</span></div>')
    assert price_of(body, lang="pl") == (Decimal("129.99"), "PLN")
    german = ('<h1>Astschere PX94</h1><p class="omnibus">Niedrigster Preis der letzten 30 Tage: 37,49 €</p>'
              '<div class="price">39,99 €</div>')
    assert price_of(german, lang="de")[0] == Decimal("39.99")
    finnish = '<h1>MX Master 3S</h1><div class="omnibus">Alin hinta 30 päivän aikana: 94,90 €</div>'
    assert price_of(finnish, lang="fi")[0] is None
    assert price_of('<h1>Astschere PX94</h1><div class="price">Lowest price: $30.00</div>')[0] == Decimal("30.00")


def test_text_of_its_own_in_a_block_holding_the_old_price_is_the_price() -> None:
    body = ('<h1>WMF Kult X Mixer</h1><div class="current-price-container"><span class="productOldPrice">Unser '
            'bisheriger Preis 59,90 EUR</span><br>Nur 44,90 EUR</div>')
    assert price_of(body, lang="de") == (Decimal("44.90"), "EUR")
    assert price_of(body.replace("<br>Nur 44,90 EUR", ""), lang="de")[0] is None  # the old price alone is no price


def test_a_customers_also_bought_block_in_german_is_other_products() -> None:
    related = ('<h2>Kunden, welche diesen Artikel kauften, haben auch folgende Artikel gekauft:</h2>'
               '<div class="box"><div class="price">14,95 EUR</div></div>')
    assert price_of(f'<h1>WMF Kult X Mixer</h1>{related}', lang="de")[0] is None
    reviews = '<h2>Kundenbewertungen</h2><div class="box"><div class="price">14,95 EUR</div></div>'
    assert price_of(f'<h1>WMF Kult X Mixer</h1>{reviews}', lang="de")[0] == Decimal("14.95")


def test_coupon_amounts_are_not_the_price() -> None:
    body = ('<div class="goods-price"><span class="goods-price__current">¥89.00</span></div><h1>回力 经典帆布鞋</h1>'
            '<div class="goods-coupon"><span>满199减20</span><span>新人券 ¥5</span></div>')
    assert price_of(body, lang="zh-CN") == (Decimal("89.00"), "CNY")
    assert price_of(body.replace("新人券 ", ""), lang="zh-CN")[0] == Decimal("5")  # a plain amount after the title


def test_an_instalment_amount_is_not_the_price() -> None:
    body = ('<h1>Oversized Tee</h1><div class="afterpay">or 4 interest-free payments of <b>$2.25</b> with afterpay'
            '</div>')
    assert price_of(body)[0] is None
    assert price_of('<h1>Placa RTX 4060</h1><div class="parcels">Em até 10x de <b>R$ 217,65</b> sem juros</div>',
                    lang="pt-BR")[0] is None
    assert price_of('<h1>Oversized Tee</h1><div class="price-box"><b>$8.99</b> or pay later</div>')[0] == Decimal("8.99")


def test_a_price_split_into_sign_integer_and_decimals_before_the_title_is_read_whole() -> None:
    body = ('<div class="goods-price"><span class="goods-price__current"><i>¥</i><span class="goods-price__num">89</span>'
            '<span class="goods-price__decimal">.50</span></span></div><h1>回力 经典帆布鞋</h1>')
    assert price_of(body, lang="zh-CN") == (Decimal("89.50"), "CNY")


@pytest.mark.parametrize(("text", "price", "currency"), [
    ("١٤٩٫٠٠ ر.س", "149.00", "SAR"),
    ("١٬٢٩٩٫٠٠ د.إ", "1299.00", "AED"),
    ("149.00 ر.س", "149.00", "SAR"),
    ("￥４９，５００", "49500", "JPY"),
])
def test_arabic_indic_and_full_width_digits_and_gulf_currencies(text: str, price: str, currency: str) -> None:
    lang = "ja" if "￥" in text else "ar"
    body = f'<h1>دهن عود كمبودي</h1><h4 class="total-price">{text}</h4><span class="before-price line-through">١٩٩ ر.س</span>'
    assert price_of(body, lang=lang) == (Decimal(price), currency)


def test_a_price_from_the_page_state_takes_the_currency_the_page_shows() -> None:
    state = '<script>window.gbRawData = {"productIntroData":{"detail":{"salePrice":{"amount":"8.99"}}}};</script>'
    head = state + '<meta property="og:price:amount" content="8.99">'
    assert price_of('<h1>Oversized Tee</h1><p>Standard Shipping $3.99</p>', head=head) == (Decimal("8.99"), "USD")
    assert price_of('<h1>Oversized Tee</h1>', head=head, url="https://shop.example.de/p/1") == (Decimal("8.99"), "EUR")


# --- availability ------------------------------------------------------------------------------------------

def test_hidden_stock_messages_are_not_read() -> None:
    button = '<button type="submit">Add to Cart</button>'
    assert stock_of(f'{button}<div style="display:none" class="out-of-stock-state">This product is out of stock.</div>'
                    ) == "InStock"
    assert stock_of(f'{button}<span class="displaynone">SOLD OUT</span>') == "InStock"
    assert stock_of(f'{button}<p hidden>Sold out</p>') == "InStock"
    assert stock_of(f'{button}<span class="hidden md:block">Sold out</span>') == "OutOfStock"  # shown on wide screens
    assert stock_of(f'{button}<span class="hidden-sm-down">Sold out</span>') == "OutOfStock"


def test_a_themes_sold_out_badge_gives_way_to_an_enabled_buy_button() -> None:
    badge = '<span class="badge price__badge-sold-out">Sold out</span>'
    assert stock_of(f'{badge}<button type="submit" name="add">Add to cart</button>') == "InStock"
    assert stock_of(f'{badge}<button type="submit" name="add" disabled>Sold out</button>') == "OutOfStock"
    assert stock_of('<p class="note">Sold out</p><button type="submit">Add to cart</button>') == "OutOfStock"


@pytest.mark.parametrize(("html", "lang", "availability"), [
    ('<div class="badge"><span>Vendu</span></div><p>Cet article a été vendu.</p>', "fr", "OutOfStock"),
    ('<div class="badge">Sold</div>', "en", "OutOfStock"),
    ('<p>Vendu par <a href="/member/1">camille</a></p><p>Vendu et expédié par Fnac</p>', "fr", None),
    ('<span>37 sold</span> <span>Sold by Amazon</span>', "en", None),
    ('<div class="stock"><span class="value">متوفر</span></div>', "ar", "InStock"),
    ('<div class="stock"><span class="value">غير متوفر</span></div>', "ar", "OutOfStock"),
    ('<button class="s-button-primary">إضافة للسلة</button>', "ar", "InStock"),
])
def test_sold_items_and_arabic_stock_phrases(html: str, lang: str, availability: str | None) -> None:
    assert listing(page(f"<h1>Product</h1>{html}", lang=lang))["availability"] == availability


# --- SKU and brand -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("html", "lang", "sku"), [
    ('<div class="product-intro__head-sku">SKU: sz2304186541207315 <span class="copy">Copy</span></div>', "en",
     "sz2304186541207315"),
    ('<div class="product-sku"><strong>SKU:</strong> <span>AB-12</span></div>', "en", "AB-12"),
    ('<div class="sku"><span class="label">رمز المنتج (SKU):</span> <span class="value">RM-OUD-KH-3</span></div>', "ar",
     "RM-OUD-KH-3"),
    ('<p>Product code (SKU): KLF03CRAU</p>', "en", "KLF03CRAU"),
    ('<div><span>B&amp;H # SOA7IV</span> <span>MFR # ILCE7M4/B</span></div>', "en", "SOA7IV"),
    ('<div><span>MFR # ILCE7M4/B</span></div>', "en", "ILCE7M4/B"),
    ('<div><span>Model # DCD771C2</span></div>', "en", "DCD771C2"),
    ('<div>Internet # 204279858</div><div>Model # DCD771C2</div><div>Store SKU # 1000051329</div>', "en", "1000051329"),
])
def test_sku_labels_and_values(html: str, lang: str, sku: str) -> None:
    item = listing(page(f"<h1>Product</h1>{html}", lang=lang))
    assert item["sku"] == sku


def test_mfr_number_is_the_mpn_not_the_sku() -> None:
    item = listing(page('<h1>Sony a7 IV</h1><div><span>B&amp;H # SOA7IV</span> <span>MFR # ILCE7M4/B</span></div>'))
    assert (item["sku"], item["mpn"]) == ("SOA7IV", "ILCE7M4/B")


def test_a_brand_logo_linked_just_before_the_title_is_the_brand() -> None:
    logo = '<div><a href="/c/browse/sony"><img src="/sony.png" alt="Sony"></a><h1>Sony Alpha a7 IV Mirrorless Camera</h1></div>'
    assert listing(page(logo))["brand"] == "Sony"
    photo = logo.replace('alt="Sony"', 'alt="Front view"')
    assert listing(page(photo))["brand"] is None
    shop = logo.replace('alt="Sony"', 'alt="Sonya Shop"')  # the title does not start with it as a word
    assert listing(page(shop))["brand"] is None


def test_arabic_brand_label() -> None:
    body = '<div class="product-brand"><span>العلامة التجارية:</span> <a href="/brands/alreem">عطور الريم</a></div>'
    assert listing(page(f"<h1>دهن عود</h1>{body}", lang="ar"))["brand"] == "عطور الريم"



# --- found by the ninth held-out set ---------------------------------------------------------------------------

def test_a_price_labelled_as_the_one_to_pay_beats_an_unlabelled_one() -> None:
    body = ('<h1>Hisense 65" U8 Series</h1><div class="your-price"><div class="online-price"><span>$999.99</span></div>'
            '<div class="label">Your Price</div><div class="value"><span>$799.99</span></div></div>')
    assert price_of(body) == (Decimal("799.99"), "USD")
    unlabelled = body.replace("Your Price", "Members save")
    assert price_of(unlabelled)[0] == Decimal("999.99")  # without the label the first price after the title stays


def test_the_products_photo_before_the_title_is_not_a_brand_logo() -> None:
    photo = ('<div id="productMainImage"><img src="/c.jpg" alt="Brass Nautical Compass"></div>'
             '<h1>Brass Nautical Compass 3 inch</h1><ul><li>Manufactured by: Harbor Brassworks</li></ul>')
    assert listing(page(photo))["brand"] == "Harbor Brassworks"
    linked = '<a href="/brand/harbor"><img src="/h.png" alt="Harbor"></a><h1>Harbor Brass Compass 3 inch</h1>'
    assert listing(page(linked))["brand"] == "Harbor"


def test_a_brand_logo_block_names_the_brand_the_shops_logo_does_not() -> None:
    brand = '<h1>Zwilling Pro Kochmesser</h1><div class="brandLogo"><a title="Zwilling"><img alt="Zwilling"></a></div>'
    assert listing(page(brand, lang="de"))["brand"] == "Zwilling"
    shop = '<h1>Pro Kochmesser</h1><div class="site-logo"><a title="Messerhaus"><img alt="Messerhaus"></a></div>'
    assert listing(page(shop, lang="de"))["brand"] is None


@pytest.mark.parametrize(("html", "lang", "sku"), [
    ('<div class="info">Item <span>1781234</span></div><div class="info">Model <span>65U8N</span></div>', "en", "1781234"),
    ('<div class="info">Item <span>Blue tee</span></div>', "en", None),
    ('<span class="code">Tuotekoodi: <b>812345</b></span> <span>Valmistajan koodi: 910-006559</span>', "fi", "812345"),
    ('<span>Valmistajan koodi: 910-006559</span>', "fi", "910-006559"),
])
def test_item_and_finnish_code_labels(html: str, lang: str, sku: str | None) -> None:
    assert listing(page(f"<h1>Product</h1>{html}", lang=lang))["sku"] == sku
