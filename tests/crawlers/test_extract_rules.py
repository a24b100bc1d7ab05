"""Extraction rules found by the fifth held-out set (platforms and locales the other sets lack): each rule on
a minimal page, with the near case it must not catch."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawlers.extract import extract_listing
from crawlers.normalise import normalise_listing
from crawlers.page_input import UnusablePage, page_bytes
from markwatch.cli import app
from tests.crawlers.test_extract_sources import jsonld, listing, page


def price_of(body: str, *, lang: str = "en", head: str = "", url: str = "https://shop.example/p/1") -> tuple:
    item = listing(page(body, lang=lang, head=head), url)
    return item["price"], item["currency"]


# --- which visible amount is the price ---------------------------------------------------------------------

def test_a_list_class_is_not_a_list_price() -> None:
    body = ('<h1>Canon EOS R50</h1><ul class="list-unstyled"><li><h2>$679.00</h2></li></ul>'
            '<ul><li><span class="price list">$749.00</span> <span class="price sale">$699.00</span></li></ul>')
    assert price_of('<h1>Canon EOS R50</h1><ul class="list-unstyled"><li><h2>$679.00</h2></li></ul>') == (
        Decimal("679.00"), "USD")
    assert price_of(body.replace("<h2>$679.00</h2>", "")) == (Decimal("699.00"), "USD")  # a list price still loses


def test_prices_after_a_related_products_heading_are_other_products() -> None:
    related = ('<h3>Related Products</h3><div class="row"><p class="price"><span class="price-new">$249.00</span>'
               '</p></div>')
    assert price_of(f'<h1>Camera body</h1><div><h2>$679.00</h2></div>{related}')[0] == Decimal("679.00")
    assert price_of(f'<h1>Camera body</h1>{related}')[0] is None
    before = '<h2>You may also like</h2><div class="tiles"><span class="price">$19.00</span></div>'
    assert price_of(f'{before}<main><h1>Camera body</h1><span class="price">$679.00</span></main>')[0] == Decimal("679.00")


PRICE_CASES = {  # rule: (body, lang, url, (price, currency))
    "a standard price beside a sales price is the old one": (
        '<h1>Ashby Wax Jacket</h1><div class="product-price"><span class="price-standard">£259.00</span>'
        '<span class="price-sales">£181.30</span></div>', "en-GB", None, ("181.30", "GBP")),
    "of two current prices in one block the lower is the price": (
        '<h1>Ноутбук ASUS Vivobook 15</h1><div class="product-price__wrap"><p class="product-price__small">17 499₴</p>'
        '<p class="product-price__big">15 999₴</p></div>', "uk", None, ("15999", "UAH")),
    "superscript cents after dot thousands": (
        '<h1>Laptop Lenovo IdeaPad</h1><p class="product-new-price">1.899<sup>99</sup> <span>Lei</span></p>', "ro", None,
        ("1899.99", "RON")),
    "roubles written 'р.'": ('<h1>Дрель Bosch GSR 120-LI</h1><ul><li><h2>8 490 р.</h2></li></ul>', "ru", None,
                             ("8490", "RUB")),
    "a price split into integer and decimals is one price": (
        '<h1>KALLAX Regal</h1><span class="pip-price"><span class="sr-text">Preis € 59,99</span>'
        '<span class="pip-price__integer">59</span><span class="pip-price__decimal">,99</span><span>€</span></span>',
        "de-DE", None, ("59.99", "EUR")),
    "numbers in neighbouring elements stay apart": (
        '<h1>Freidora Ninja AF101</h1><div class="ui-pdp-price__second-line"><span class="price-part"><span>$</span>'
        '<span>1,899</span></span><span class="discount">26% OFF</span></div>', "en", "https://articulo.mercadolibre.com.mx/M",
        ("1899", "MXN")),
    "a former-price class is an old price": (
        '<h1>Sage the Barista Express</h1><div class="sales-price"><strong class="sales-price__former-price">849,-</strong>'
        '<strong class="sales-price__current">749,-</strong></div>', "nl", None, ("749", "EUR")),
}


@pytest.mark.parametrize("rule", PRICE_CASES)
def test_which_visible_amount_is_the_price(rule: str) -> None:
    body, lang, url, (price, currency) = PRICE_CASES[rule]
    assert price_of(body, lang=lang, url=url or "https://shop.example/p/1") == (Decimal(price), currency)


def test_a_saving_beside_the_price_is_not_the_lower_price() -> None:
    body = ('<h1>Sony WH-1000XM5</h1><div class="product-price"><span class="product-price-now">3 790,-</span>'
            '<span class="product-price-save">Spar 700,-</span></div>')
    assert price_of(body, lang="nb-NO") == (Decimal("3790"), "NOK")
    far_below = ('<h1>Sony WH-1000XM5</h1><div class="product-price"><span class="price-a">3 790,-</span>'
                 '<span class="price-b">700,-</span></div>')
    assert price_of(far_below, lang="nb-NO")[0] == Decimal("3790")  # not a discount of more than 75 %


def test_a_bare_number_beside_its_currency_sign_is_a_price() -> None:
    body = ('<h3 class="name">로지텍 MX Keys Mini 무선 키보드</h3><del><span>139,000</span>원</del>'
            '<strong><span class="blind">할인가</span><span>119,000</span><span class="won">원</span></strong>')
    head = '<meta property="og:title" content="로지텍 MX Keys Mini 무선 키보드 : 키보드나라">'
    assert price_of(body, lang="ko", head=head) == (Decimal("119000"), "KRW")


def test_percentages_and_tax_or_shipping_notes_do_not_hide_a_price() -> None:
    assert price_of('<h1>スウェット</h1><div class="price--discount">¥10,780<span>税込</span><span>30%OFF</span></div>',
                    lang="ja") == (Decimal("10780"), "JPY")
    assert price_of('<h1>ヌプシジャケット</h1><div class="price"><span>¥</span><span>18,500</span><span>(税込)</span>'
                    '<span>送料込み</span></div>', lang="ja") == (Decimal("18500"), "JPY")
    assert price_of('<h1>Kettle</h1><div class="promo">Free shipping on orders $50+</div>')[0] is None
    assert price_of('<h1>Licuadora</h1><div class="price-block"><p>$1,899.00</p><p>$1,299.00</p> <span>-32%</span>'
                    '</div>', lang="es-MX") == (Decimal("1299.00"), "MXN")


def test_an_amount_in_a_sentence_or_after_a_list_price_word_is_not_the_price() -> None:
    assert price_of('<h1>Jacket</h1><p>Barely worn, no marks at all, bought for ¥38,500 last winter.</p>',
                    lang="ja")[0] is None
    assert price_of('<h1>ジャケット</h1><p>美品。定価 ¥38,500</p>', lang="ja")[0] is None


def test_net_and_ex_tax_prices_are_not_the_price() -> None:
    body = ('<h1>Gorenje K17FE Vízforraló</h1><div class="price-net">Nettó ár: 7 472 Ft</div>'
            '<div class="price-gross"><span>9 490 Ft</span></div>')
    assert price_of(body, lang="hu") == (Decimal("9490"), "HUF")
    assert price_of('<h1>Camera</h1><ul><li><h2>$679.00</h2></li><li>Ex Tax: $565.83</li></ul>')[0] == Decimal("679.00")


def test_rand_on_south_african_sites_only() -> None:
    body = '<h1>Russell Hobbs Kettle</h1><div class="buybox"><span>R 499</span></div>'
    assert price_of(body, url="https://www.shop.co.za/kettle") == (Decimal("499"), "ZAR")
    assert price_of(body, lang="en-ZA") == (Decimal("499"), "ZAR")
    assert price_of(body.replace("R 499", "Canon EOS R50"), url="https://www.shop.co.za/kettle")[0] is None
    assert price_of(body, lang="en-GB")[0] is None


def test_shift_jis_yen_sign_at_the_backslash_code_point() -> None:
    html = ('<html lang="ja"><head><meta charset="Shift_JIS"><title>スウェット</title></head><body><h1>スウェット</h1>'
            '<div class="price">¥10,780</div></body></html>').encode("shift_jis")
    assert b"\\10,780" in html  # the codec writes the yen sign as 0x5C
    item = normalise_listing(extract_listing(html, "https://zozo.jp/goods/1/"))
    assert (item["price"], item["currency"]) == (Decimal("10780"), "JPY")


# --- the title the visible fields are read around ------------------------------------------------------------

def test_without_an_h1_the_element_named_like_the_page_title_anchors_the_price() -> None:
    head = '<meta property="og:title" content="[Qoo10] Laneige Water Sleeping Mask 70ml">'
    body = ('<div class="box"><span class="price">S$9.90</span></div>'
            '<h2 class="name">Laneige Water Sleeping Mask 70ml</h2><div class="prc"><strong>S$29.90</strong></div>')
    assert price_of(body, head=head, url="https://www.qoo10.sg/item/1") == (Decimal("29.90"), "SGD")


def test_a_page_header_block_holding_the_title_is_not_site_chrome() -> None:
    head = '<title>Laptop Lenovo IdeaPad Slim 3 - eMAG.ro</title>'
    body = ('<div class="page-header"><h1>Laptop Lenovo IdeaPad Slim 3</h1><div>Cod produs: DX4K2MBM</div></div>'
            '<table><tr><td>Model</td><td>82XB0052RM</td></tr></table>')
    item = normalise_listing(extract_listing(f'<html lang="ro"><head>{head}</head><body>{body}</body></html>',
                                             "https://www.emag.ro/p/1"))
    assert item["sku"] == "DX4K2MBM"
    site = '<div class="page-header"><span class="cart-total">0,00 Lei</span></div><h1>Laptop</h1><p>Cod produs: X-1</p>'
    assert listing(page(site, lang="ro"))["price"] is None


def test_a_header_element_inside_the_product_is_not_site_chrome() -> None:
    body = ('<header class="site"><span class="brand">Kräuterladen</span></header><article><header class="product--header">'
            '<h1>Bio Bergkräuter Tee</h1><div class="product--supplier"><a title="Weitere Artikel von Sonnentor">'
            '<img alt="Sonnentor"></a></div></header><span class="price">€ 4,90</span></article>')
    item = listing(page(body, lang="de"))
    assert (item["title"], item["brand"], item["price"]) == ("Bio Bergkräuter Tee", "Sonnentor", Decimal("4.90"))


# --- brand, SKU and availability ------------------------------------------------------------------------------

def test_brand_is_the_first_brand_link_of_the_breadcrumbs() -> None:
    crumbs = ('<ol class="breadcrumb"><li><a href="/brands/">Our Brands</a></li><li><a href="/brands/barbour/">Barbour</a>'
              '</li><li><a href="/brands/barbour/jackets/">Jackets</a></li></ol><h1>Ashby Wax Jacket</h1>')
    assert listing(page(crumbs))["brand"] == "Barbour"


def test_brand_linked_at_the_start_of_the_title_or_just_above_it() -> None:
    linked = '<h1><a href="/arzum">Arzum</a> <span>Okka Minio</span></h1><span class="price">1.299,99 TL</span>'
    assert listing(page(linked, lang="tr"))["brand"] == "Arzum"
    above = '<h3><span>adidas Originals</span></h3><h1>SAMBA OG - Sneaker low</h1>'
    titled = page(above, lang="de").replace("<title>t</title>", "<title>adidas Originals SAMBA OG | Zalando</title>")
    assert listing(titled)["brand"] == "adidas Originals"
    category = '<h3><span>Sneaker</span></h3><h1>SAMBA OG - Sneaker low</h1>'  # in the title too: not a brand
    assert listing(page(category, lang="de").replace("<title>t</title>", "<title>SAMBA OG Sneaker</title>"))[
        "brand"] is None


@pytest.mark.parametrize(("html", "lang", "field", "value"), [
    ("<li>Модель: GSR 120-LI</li>", "ru", "sku", "GSR 120-LI"),
    ("<li>Производитель: <a href='/bosch'>Bosch</a></li>", "ru", "brand", "Bosch"),
    ("<span class='product__code'>Код:&nbsp;389123456</span>", "uk", "sku", "389123456"),
    ("<p>商品編號：10123456</p><table><tr><th>型號</th><td>JNL-502</td></tr></table>", "zh-TW", "sku", "10123456"),
    ("<table><tr><th>品牌名稱</th><td><a>THERMOS 膳魔師</a></td></tr></table>", "zh-TW", "brand", "THERMOS 膳魔師"),
    ("<table><tr><th>상품번호</th><td>5612345678</td><th>모델명</th><td>MX Keys Mini</td></tr></table>", "ko", "sku",
     "5612345678"),
    ("<div>Xiaomi Redmi Buds 5 Pro<br>Merek: Xiaomi<br>Warna: Hitam</div>", "id", "brand", "Xiaomi"),
    ("<div><h3>Thương hiệu</h3><a>Sunhouse</a></div>", "vi", "brand", "Sunhouse"),
    ("<table><tr><th>Herstellernummer</th><td>A1263011</td></tr><tr><th>Kaufland-Artikelnummer</th><td>478123456</td>"
     "</tr></table>", "de", "sku", "478123456"),
    ("<table><tr><th>Hersteller-Artikelnummer</th><td>A1263011</td></tr></table>", "de", "sku", None),
    ("<p>Código de producto: <span>1098765432</span></p><li>Modelo: BLSTMG-B00</li>", "es-MX", "sku", "1098765432"),
    ("<div><span>Referência</span><span>: </span><span>AF-30</span></div>", "pt-BR", "sku", "AF-30"),
    ("<div class='code'>Item Code: 712345678</div>", "en", "sku", "712345678"),
    ("<div class='product-details__product-sku ec-text-muted'>SKU 00042</div>", "en", "sku", "00042"),
    ("<div class='product-sku-selector'>SKU 00042</div>", "en", "sku", None),
    ("<div><span>Produktnummer:</span> <span>6.7601</span></div>", "de-CH", "sku", "6.7601"),
    ("<div class='product-code'>Artikelcode: VDC-02W</div>", "nl", "sku", "VDC-02W"),
    ("<div><span>Kód:</span> <span>JBL0523b3</span> <span>P/N:</span> <span>JBLFLIP6BLU</span></div>", "cs", "sku",
     "JBL0523b3"),
    ("<table><tr><td>Model Name</td><td><ul><li>Rockerz 450</li></ul></td></tr></table>", "en", "sku", "Rockerz 450"),
    ("<table><tr><td>Varumärke</td><td>Philips Hue</td></tr></table>", "sv", "brand", "Philips Hue"),
])
def test_labels_in_more_languages(html: str, lang: str, field: str, value: str | None) -> None:
    assert listing(page(f"<h1>Product</h1>{html}", lang=lang))[field] == value


@pytest.mark.parametrize(("html", "lang", "availability"), [
    ('<button class="btn btn--sold-out">Sold Out</button><div class="back-in-stock"><p>Notify me when this product '
     'is available:</p></div>', "en", "OutOfStock"),
    ('<button class="add">Add to cart</button><a href="/alerts">Notify me of price drops</a>', "en", "InStock"),
    ('<p class="status-label">Немає в наявності</p><button>Повідомити про наявність</button>', "uk", "OutOfStock"),
    ('<button class="vtex-button">Comprar</button>', "pt-BR", "InStock"),
    ('<a href="/como-comprar">Como comprar</a>', "pt-BR", None),
    ('<button>Beli Langsung</button>', "id", "InStock"),
    ('<button type="button">Mua ngay</button>', "vi", "InStock"),
    ('<button class="page_artdet_addtocart_button">Kosárba</button>', "hu", "InStock"),
])
def test_stock_phrases_and_buy_buttons_in_more_languages(html: str, lang: str, availability: str | None) -> None:
    assert listing(page(f"<h1>Product</h1><span class='price'>10,00 €</span>{html}", lang=lang))[
        "availability"] == availability


def test_limited_availability_gives_way_to_a_visible_not_available() -> None:
    micro = ('<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Bergkräuter Tee</h1>'
             '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="4.90">'
             '<meta itemprop="priceCurrency" content="EUR"><link itemprop="availability" '
             'href="https://schema.org/LimitedAvailability">{}</div><span itemprop="sku">SW-5521</span>'
             '<meta itemprop="brand" content="Sonnentor"></div>')
    gone = micro.format('<p class="delivery--information">Dieser Artikel steht derzeit nicht zur Verfügung!</p>')
    few = micro.format('<p class="delivery--information">Nur noch 2 auf Lager</p>')
    assert listing(page(gone, lang="de"))["availability"] == "OutOfStock"
    assert listing(page(few, lang="de"))["availability"] == "InStock"


def test_the_fetched_urls_variant_picks_the_offer_when_the_canonical_url_has_none() -> None:
    product = {"@context": "https://schema.org", "@type": "Product", "name": "Speckled Mug", "sku": "MUG-10",
               "brand": {"@type": "Brand", "name": "Clay Bay"},
               "offers": [{"@type": "Offer", "sku": "MUG-10", "price": 38.0, "priceCurrency": "USD",
                           "availability": "http://schema.org/InStock", "url": "https://clay.example/products/mug?variant=1"},
                          {"@type": "Offer", "sku": "MUG-16", "price": 46.0, "priceCurrency": "USD",
                           "availability": "http://schema.org/OutOfStock",
                           "url": "https://clay.example/products/mug?variant=2"}]}
    html = page("<h1>Speckled Mug</h1>", head='<link rel="canonical" href="https://clay.example/products/mug">'
                + jsonld(product))
    chosen = listing(html, "https://clay.example/products/mug?variant=2")
    assert (chosen["price"], chosen["sku"], chosen["availability"]) == (Decimal("46.0"), "MUG-16", "OutOfStock")
    plain = listing(html, "https://clay.example/products/mug")
    assert (plain["price"], plain["sku"], plain["availability"]) == (Decimal("38.0"), "MUG-10", "InStock")


def test_state_discounted_price_and_product_title() -> None:
    state = ('<script>window.__PRELOADED_STATE__={"product":{"A":{"name":"로지텍 K380","salePrice":39000,'
             '"discountedSalePrice":29900}}};</script>')
    head = f'{state}<meta property="og:title" content="로지텍 K380 : 키보드나라">'
    assert price_of("<h3>로지텍 K380</h3>", lang="ko", head=head)[0] == Decimal("29900")
    data = {"props": {"pageProps": {"product": {"sku": "N53345123A", "brand": "Sony",
                                                "product_title": "WH-CH520 Wireless Headphones"}}}}
    head = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
    item = listing(page("<h1>WH-CH520 Wireless Headphones</h1><div>AED 149.00</div>", head=head))
    assert (item["sku"], item["brand"], item["currency"]) == ("N53345123A", "Sony", "AED")


# --- store stock, brands blocks, currencies, labels, Shopify variants ----------------------------------------

def test_stock_of_a_physical_store_is_not_the_shops() -> None:
    body = ('<h1>KALLAX Regal</h1><span class="price">€ 59,99</span><div>Lieferung verfügbar</div>'
            '<button>In den Warenkorb</button><div>Nicht verfügbar in IKEA Berlin-Lichtenberg</div>')
    assert listing(page(body, lang="de"))["availability"] == "InStock"
    assert listing(page(body.replace("in IKEA Berlin-Lichtenberg", ""), lang="de"))["availability"] == "OutOfStock"
    pickup = '<h1>TV</h1><div class="fulfillment-store">Pick Up: Not Available at nearby stores</div><button>Add to cart</button>'
    assert listing(page(pickup))["availability"] == "InStock"


def test_a_product_brands_block_names_the_brand_a_brands_carousel_does_not() -> None:
    plugin = ('<h1>Kaya Schoudertas</h1><div class="pwb-single-product-brands"><a href="/merk/kaya/" title="Kaya">'
              '<img alt="Kaya" src="/kaya.png"></a></div>')
    assert listing(page(plugin, lang="nl"))["brand"] == "Kaya"
    carousel = '<h1>Kaya Schoudertas</h1><div class="brands-carousel"><img alt="Kaya" src="/kaya.png"></div>'
    assert listing(page(carousel, lang="nl"))["brand"] is None


@pytest.mark.parametrize(("text", "url", "currency"), [
    ("₦ 259,900", "https://www.jumia.com.ng/tv.html", "NGN"),
    ("Rs. 8,499", "https://www.daraz.pk/products/x.html", "PKR"),
    ("Rs. 8,499", "https://www.shop.in/products/x.html", "INR"),
    ("KSh 4,500", "https://www.shop.example/x", "KES"),
])
def test_more_currency_markers(text: str, url: str, currency: str) -> None:
    assert price_of(f'<h1>Product</h1><span class="price">{text}</span>', url=url)[1] == currency


def test_a_label_ended_by_a_full_stop_and_values_cut_at_a_bar() -> None:
    body = '<h1>PHILIPS 55PUS8909/12</h1><p>Art.-Nr. 1834567 | Model-Nr. 55PUS8909/12</p>'
    assert listing(page(body, lang="nl"))["sku"] == "1834567"
    assert listing(page('<h1>Dyson V8</h1><div>商品貨號：DY-V8SF-HK</div><p>型號：SV10K</p>', lang="zh-HK"))[
        "sku"] == "DY-V8SF-HK"


def test_a_shopify_product_whose_price_varies_shows_its_first_available_variant() -> None:
    product = {"title": "Pressed Flower Card", "vendor": "Wildflower Studio", "price": 650, "price_varies": True,
               "variants": [{"id": 1, "sku": "A6", "price": 650, "available": False},
                            {"id": 2, "sku": "A5", "price": 850, "available": True}]}
    head = ('<meta property="og:price:amount" content="6.50"><meta property="og:price:currency" content="GBP">'
            f'<script type="application/json" id="ProductJson-product-template">{json.dumps(product)}</script>')
    item = listing(page("<h1>Pressed Flower Card</h1>", head=head))
    assert (item["price"], item["sku"], item["brand"]) == (Decimal("8.50"), "A5", "Wildflower Studio")
    head = head.replace('"price_varies": true', '"price_varies": false')  # one price: og:price is it
    assert listing(page("<h1>Pressed Flower Card</h1>", head=head))["price"] == Decimal("6.50")


# --- bad input: a clear error per source, the other sources still read -----------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3", "is a PDF document"),
    (bytes(range(256)) * 4, "binary data"),
    (b"just some words, no markup at all", "no HTML markup"),
    (b"\x1f\x8b\x08\x00garbage", "damaged or truncated gzip"),
])
def test_page_bytes_names_what_a_non_page_is(data: bytes, message: str) -> None:
    with pytest.raises(UnusablePage, match=message):
        page_bytes(data, "x.html")


def test_page_bytes_limits_pages_and_what_gzip_unpacks_to() -> None:
    import gzip

    with pytest.raises(UnusablePage, match="more than the page limit of 1000 bytes"):
        page_bytes(b"<html>" + b" " * 2000, "big.html", max_bytes=1000)
    with pytest.raises(UnusablePage, match="unpacks to more than the page limit"):
        page_bytes(gzip.compress(b"<html>" + b" " * 100_000), "bomb.html.gz", max_bytes=1000)
    assert page_bytes(gzip.compress(b"<html><h1>ok</h1>"), "ok.html.gz") == b"<html><h1>ok</h1>"
    utf16 = "<html><h1>Tasse</h1></html>".encode("utf-16")
    assert page_bytes(utf16, "utf16.html") == utf16


def test_extract_cli_reports_bad_sources_by_name_and_reads_the_rest(tmp_path: Path, settings: object) -> None:
    good = tmp_path / "mug.html"
    good.write_text('<html><body><h1>Mug<div><span class="price">$5.00', encoding="utf-8")  # unclosed tags
    image = tmp_path / "photo.html"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = CliRunner().invoke(app, ["extract", str(image), str(good), str(tmp_path / "missing.html")])
    assert result.exit_code == 3, result.output
    assert [json.loads(line)["price"] for line in result.stdout.splitlines()] == ["5.00"]
    errors = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(e["source"], "PNG image" in e["error"] or "No such file" in e["error"]) for e in errors] == [
        (str(image), True), (str(tmp_path / "missing.html"), True)]
    only_bad = CliRunner().invoke(app, ["extract", str(image)])
    assert only_bad.exit_code == 1
