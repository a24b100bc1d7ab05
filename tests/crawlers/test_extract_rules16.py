"""Extraction rules found by the sixteenth held-out set (shops and locales the others lack): the rial and the
Moroccan dirham, codes written in Arabic-Indic digits, a wallet or in-basket price beside the price, "お取り寄せ" as
available to order: each rule on a minimal page, with the near case it must not catch."""

from __future__ import annotations

from decimal import Decimal

from crawlers.availability import availability_phrase
from crawlers.prices import detect_currency, page_locale
from tests.crawlers.test_extract_sources import jsonld, listing, page


def test_the_rial_and_the_moroccan_dirham() -> None:
    product = {"@context": "https://schema.org", "@type": "Product", "name": "Galaxy A55",
               "offers": {"@type": "Offer", "price": 189990000, "priceCurrency": "IRR"}}
    item = listing(page("<h1>Galaxy A55</h1>", lang="fa", head=jsonld(product)), "https://shop.example.ir/p/1")
    assert (item["price"], item["currency"]) == (Decimal("189990000"), "IRR")
    body = '<h1>Redmi Note 13</h1><span class="price">2 149,00 Dhs</span>'
    item = listing(page(body, lang="fr-MA"), "https://shop.example.ma/p/1")
    assert (item["price"], item["currency"]) == (Decimal("2149.00"), "MAD")
    # "Dhs" in the Emirates is their dirham
    assert detect_currency("Dhs 1,299", page_locale("https://shop.example.ae/p/1", "en-AE")) == "AED"


def test_a_code_in_arabic_indic_digits_is_read_in_ascii() -> None:
    body = '<h1>لابتوب لينوفو</h1><div>رمز المنتج: ١٠٠٤١٢٣٤٥</div><span class="price">٣٬٨٩٩ ر.س</span>'
    item = listing(page(body, lang="ar-SA"), "https://shop.example.sa/p/1")
    assert item["sku"] == "100412345"
    assert item["price"] == Decimal("3899")


def test_a_wallet_price_is_not_the_price() -> None:
    body = ('<h1>Кроссовки Gel-Venture 9</h1><p><span class="wallet-price">5 975 ₽</span><span>с WB Кошельком</span></p>'
            '<p><ins class="final-price">6 290 ₽</ins> <del class="old-price">11 990 ₽</del></p>')
    assert listing(page(body, lang="ru"), "https://shop.example.ru/p/1")["price"] == Decimal("6290")
    # without the wallet the first price is the price
    near = body.replace("с WB Кошельком", "Цена")
    assert listing(page(near, lang="ru"), "https://shop.example.ru/p/1")["price"] == Decimal("5975")


def test_an_in_basket_price_is_not_the_price() -> None:
    body = ('<h1>Philips Airfryer XL</h1><div class="newPrice">3.999,00 TL</div>'
            '<div class="basketPrice">Sepette <b>3.799,05 TL</b></div>')
    assert listing(page(body, lang="tr"), "https://shop.example.com.tr/p/1")["price"] == Decimal("3999.00")
    near = ('<h1>Philips Airfryer XL</h1><div class="basketPrice">Fiyat <b>3.799,05 TL</b></div>'
            '<div class="newPrice">3.999,00 TL</div>')
    assert listing(page(near, lang="tr"), "https://shop.example.com.tr/p/1")["price"] == Decimal("3799.05")


def test_otoriyose_is_available_to_order() -> None:
    assert availability_phrase("お取り寄せ（通常3～5日で発送）") == "BackOrder"
    assert availability_phrase("在庫あり") == "InStock"


SIZES = {"@context": "http://schema.org", "@type": "Product", "name": "Dew Drops", "brand": "Glow Recipe", "sku": "2421234",
         "offers": [{"@type": "Offer", "sku": "2421234", "price": "35.00", "priceCurrency": "USD",
                     "availability": "http://schema.org/InStock"},
                    {"@type": "Offer", "sku": "2399876", "price": "16.00", "priceCurrency": "USD",
                     "availability": "http://schema.org/InStock"}]}


def test_the_offer_of_the_products_own_sku_among_sizes() -> None:
    item = listing(page("<h1>Dew Drops</h1><p>Item 2421234</p>", head=jsonld(SIZES)))
    assert item["price"] == Decimal("35.00")
    # offers not naming the product's SKU: the lowest
    other = {**SIZES, "sku": "P466123"}
    assert listing(page("<h1>Dew Drops</h1>", head=jsonld(other)))["price"] == Decimal("16.00")


def test_a_disabled_buy_button_named_by_a_test_hook_outweighs_variant_offers() -> None:
    body = ('<h1>Dew Drops</h1><p>Item 2421234</p><p><b data-at="price">$35.00</b></p>'
            '<button data-at="add_to_basket_btn" disabled>Out of Stock</button>')
    assert listing(page(body, head=jsonld(SIZES)))["availability"] == "OutOfStock"
    enabled = body.replace(" disabled>Out of Stock", ">Add to Basket")
    assert listing(page(enabled, head=jsonld(SIZES)))["availability"] == "InStock"


def test_an_amount_wrapped_twice_takes_the_currency_after_its_wrappers() -> None:
    body = ('<h1>ドラム式洗濯乾燥機 NA-LX129CL</h1><table><tr><th>価格</th>'
            '<td><span class="fsL"><strong>348,000</strong></span>円（税込）</td></tr></table>')
    item = listing(page(body, lang="ja"), "https://shop.example.jp/p/1")
    assert (item["price"], item["currency"]) == (Decimal("348000"), "JPY")
    # a block holding a discount and the price: the wrapped "79" is the discount, not the price
    book = ('<h1>原子習慣</h1><ul><li>優惠價：<strong><b>79</b></strong>折<strong class="price01"><b>261</b></strong>元</li>'
            '</ul>')
    assert listing(page(book, lang="zh-TW"), "https://shop.example.com.tw/p/1")["price"] == Decimal("261")


CATALYST = ('<h1>Trail Runner 2 Boot</h1><div><span class="sr-only">Sale price</span><span>$</span><span>129</span>'
            '<span class="align-super">.95</span> <span class="sr-only">Original price</span>'
            '<span class="line-through">$179.95</span></div>')


def test_a_price_split_into_symbol_amount_and_cents_beside_a_line_through_one() -> None:
    assert listing(page(CATALYST), "https://shop.example.com/p/1")["price"] == Decimal("129.95")
    # a Tailwind "line-through" price alone is still not the price
    alone = '<h1>Trail Runner 2 Boot</h1><span class="line-through">$179.95</span><span class="price">$149.00</span>'
    assert listing(page(alone), "https://shop.example.com/p/1")["price"] == Decimal("149.00")


def test_product_cards_in_articles_after_a_related_heading_are_not_the_price() -> None:
    body = ('<h1>Trail Runner 2 Boot</h1><button>Add to Cart</button>'
            '<section><h2>Related Products</h2><article><h3>Trail Sock</h3><span>$24.00</span></article>'
            '<article><h3>Spray</h3><span>$12.95</span></article></section>')
    assert listing(page(body), "https://shop.example.com/p/1").get("price") is None
    # one article after such a heading may be the product itself
    single = ('<section><h2>Related Products</h2><article><h3>Trail Runner 2 Boot</h3><span>$24.00</span>'
              '</article></section>')
    assert listing(page(single), "https://shop.example.com/p/1")["price"] == Decimal("24.00")


def test_a_link_to_the_brands_page_named_like_its_address() -> None:
    body = ('<h1>Geladeira Frost Free Duplex 474L IF55</h1><p>Código 237843900 | '
            '<a href="/marcas/electrolux/">Electrolux</a></p><span class="price">R$ 4.699,00</span>')
    assert listing(page(body, lang="pt-BR"), "https://shop.example.com.br/p/1")["brand"] == "Electrolux"
    # a link to the brands index, or one whose text is not the brand of its address, names no brand
    near = body.replace('<a href="/marcas/electrolux/">Electrolux</a>', '<a href="/marcas/electrolux/">Ver mais</a>')
    assert listing(page(near, lang="pt-BR"), "https://shop.example.com.br/p/1").get("brand") is None


def test_a_brand_in_the_product_header_block() -> None:
    body = ('<div class="product-page__header"><a class="product-page__header-brand" href="/b/9">ASICS</a>'
            '<h1>Кроссовки мужские Gel-Venture 9</h1></div><span class="price">6 290 ₽</span>')
    assert listing(page(body, lang="ru"), "https://shop.example.ru/p/1")["brand"] == "ASICS"
    # the site header's brand is the shop's
    site = ('<div class="header"><span class="header-brand">Wildberries</span></div>'
            '<h1>Кроссовки мужские Gel-Venture 9</h1><span class="price">6 290 ₽</span>')
    assert listing(page(site, lang="ru"), "https://shop.example.ru/p/1").get("brand") != "Wildberries"
