"""Extraction rules found by the fifteenth held-out set (shops and locales the others lack): the sol's "S/" and
"元" by locale, list and tax-exclusive labels, a Chinese "79折" discount, a sale / discount / was block, new offers
over used ones, a variant named by the URL's query, structured data stale at the price now struck through,
"almost sold out", "not available for shipping", more SKU labels, a book's ISBN and a state's barcode: each rule on
a minimal page, with the near case it must not catch."""

from __future__ import annotations

import json
from decimal import Decimal

from crawlers.availability import availability_phrase
from crawlers.prices import detect_currency, page_locale
from tests.crawlers.test_extract_sources import jsonld, listing, page


def test_the_sol_is_written_before_the_amount() -> None:
    body = '<h1>Televisor LG OLED 55"</h1><span class="product-price">S/ 4,299</span>'
    item = listing(page(body, lang="es-PE"), "https://shop.example.com.pe/p/1")
    assert (item["price"], item["currency"]) == (Decimal("4299"), "PEN")
    assert detect_currency("S/. 129.90") == "PEN"
    # "S/S" after a year is a season, not money
    assert detect_currency("2024 S/S") is None


def test_yuan_on_a_taiwanese_page_is_the_taiwan_dollar() -> None:
    assert detect_currency("261元", page_locale("https://shop.example.com.tw/p/1", "zh-TW")) == "TWD"
    assert detect_currency("261元", page_locale("https://shop.example.cn/p/1", "zh-CN")) == "CNY"


BOOK = ('<h1>原子習慣</h1><ul class="price"><li>定價：<em>330</em>元</li>'
        '<li>優惠價：<strong><b>79</b></strong>折<strong class="price01"><b>261</b></strong>元</li></ul>'
        '<ul><li>ISBN：9789861755267</li></ul><a class="btn" href="#">放入購物車</a>')


def test_a_chinese_list_price_and_a_discount_in_zhe() -> None:
    item = listing(page(BOOK, lang="zh-TW"), "https://shop.example.com.tw/p/1")
    assert (item["price"], item["currency"]) == (Decimal("261"), "TWD")


def test_a_book_shows_its_isbn_as_its_code() -> None:
    assert listing(page(BOOK, lang="zh-TW"), "https://shop.example.com.tw/p/1")["sku"] == "9789861755267"
    # an ISBN only in structured data is not shown: no SKU
    data = {"@type": "Book", "name": "The Midnight Library", "isbn": "9781786892737",
            "offers": {"price": "9.99", "priceCurrency": "GBP"}}
    hidden = listing(page('<h1>The Midnight Library</h1><span class="price">£9.99</span>', head=jsonld(data)))
    assert hidden.get("sku") is None
    # a page with a model number keeps it
    model = BOOK.replace("<li>ISBN", "<li>型號：AH-2019</li><li>ISBN")
    assert listing(page(model, lang="zh-TW"), "https://shop.example.com.tw/p/1")["sku"] == "AH-2019"


def test_a_tax_exclusive_line_below_the_price_is_not_the_price() -> None:
    body = ('<h1>ポケットコイルマットレス</h1><div class="price-box"><p class="price"><span>29,990</span><span>円</span>'
            '<span>(税込)</span></p><p class="price-note">本体価格 27,264円</p></div>')
    assert listing(page(body, lang="ja"), "https://shop.example.jp/p/1")["price"] == Decimal("29990")
    # a note right after an amount still makes it the tax-exclusive one
    noted = ('<h1>マットレス</h1><div><p class="price"><span>27,264円</span><span>(本体価格)</span></p>'
             '<p class="price">29,990円(税込)</p></div>')
    assert listing(page(noted, lang="ja"), "https://shop.example.jp/p/1")["price"] == Decimal("29990")


def test_a_block_of_sale_price_discount_and_price_before() -> None:
    body = ('<h1>2pcs Silicone Stretch Lids</h1><div class="a1"><span>$</span><span>3</span><span>.48</span>'
            '<span class="b2">-62%</span><span class="c3">$9.27</span></div><button>Add to cart</button>')
    assert listing(page(body))["price"] == Decimal("3.48")
    # two amounts the discount does not join are no price block
    loose = body.replace("-62%", "-10%")
    assert listing(page(loose))["price"] == Decimal("9.27")


def test_a_new_items_offer_beside_an_open_box_one() -> None:
    offers = [{"@type": "Offer", "price": "349.99", "priceCurrency": "USD",
               "itemCondition": "http://schema.org/NewCondition"},
              {"@type": "Offer", "price": "279.99", "priceCurrency": "USD",
               "itemCondition": "http://schema.org/UsedCondition"}]
    data = {"@type": "Product", "name": "Ryzen 7 7800X3D", "sku": "659935", "brand": "AMD", "offers": offers}
    assert listing(page("<h1>Ryzen 7 7800X3D</h1>", head=jsonld(data)))["price"] == Decimal("349.99")
    # refurbished offers only: the lowest of them
    for offer, price in zip(offers, ("199.00", "189.00"), strict=True):
        offer.update(price=price, itemCondition="http://schema.org/RefurbishedCondition")
    assert listing(page("<h1>Ryzen 7 7800X3D</h1>", head=jsonld(data)))["price"] == Decimal("189.00")


def test_the_urls_query_names_the_selected_offer_by_its_sku() -> None:
    offers = [{"@type": "Offer", "sku": sku, "price": price, "priceCurrency": "EUR"}
              for sku, price in (("081433", "99.99"), ("081434", "129.99"))]
    data = {"@type": "Product", "name": "Sauvage Eau de Parfum", "sku": "3000041367", "brand": "Dior", "offers": offers}
    head = jsonld(data) + '<link rel="canonical" href="https://shop.example.de/p/3000041367?variant=081434">'
    item = listing(page("<h1>Sauvage Eau de Parfum</h1>", lang="de", head=head), "https://shop.example.de/p/3000041367")
    assert (item["price"], item["sku"]) == (Decimal("129.99"), "081434")
    # no variant in the URL: the lowest offer and the product's code
    plain = listing(page("<h1>Sauvage Eau de Parfum</h1>", lang="de", head=jsonld(data)),
                    "https://shop.example.de/p/3000041367")
    assert (plain["price"], plain["sku"]) == (Decimal("99.99"), "3000041367")


def test_structured_data_at_the_struck_price_written_with_decimals() -> None:
    data = {"@type": "Product", "name": "Galaxy A55 5G", "sku": "100123456", "brand": "Samsung",
            "offers": {"price": "21499.00", "priceCurrency": "EGP", "availability": "http://schema.org/InStock"}}
    body = ('<h1>Galaxy A55 5G</h1><div class="price-box"><span class="special-price"><span class="price">'
            '19,999 EGP</span></span><span class="old-price"><span class="price">21,499 EGP</span></span></div>'
            '<button>Add to Cart</button>')
    assert listing(page(body, head=jsonld(data)), "https://shop.example.com/p/1")["price"] == Decimal("19999")
    # structured data at the shown current price is kept
    data["offers"]["price"] = "19999.00"
    assert listing(page(body, head=jsonld(data)), "https://shop.example.com/p/1")["price"] == Decimal("19999")


def test_almost_sold_out_is_in_stock() -> None:
    assert availability_phrase("Almost sold out") == "InStock"
    assert availability_phrase("Fast ausverkauft") == "InStock"
    assert availability_phrase("Sold out") == "OutOfStock"
    assert availability_phrase("Ausverkauft") == "OutOfStock"


def test_not_available_for_shipping_beside_store_pickup() -> None:
    body = ('<h1>Cordless Drill Kit</h1><span class="price">$79.99</span><div><div>Pick Up at Store<br>'
            'Available Today<br><span>42 in stock</span></div><div>Ship To Home<br>Not available for shipping</div>'
            '</div><button>Add to Cart</button>')
    assert listing(page(body))["availability"] == "InStock"
    # with the buy button disabled it cannot be bought
    assert listing(page(body.replace("<button>", "<button disabled>")))["availability"] == "OutOfStock"


def test_more_labels_name_the_shops_code() -> None:
    menards = ('<h1>Drill Kit</h1><div><span>Model Number: 2411234</span> | <span>Menards® SKU: 2411238</span></div>'
               '<span class="price">$79.99</span>')
    assert (lambda i: (i["sku"], i["mpn"]))(listing(page(menards))) == ("2411238", "2411234")
    kmart = '<h1>1.7L Kettle</h1><div>Keycode: 43123456</div><span class="price">$29</span>'
    assert listing(page(kmart, lang="en-AU"))["sku"] == "43123456"
    musinsa = '<h2>에어 포스 1</h2><ul><li><span>품번</span> CW2288-111</li></ul><strong>125,100원</strong>'
    assert listing(page(musinsa, lang="ko"), "https://shop.example.kr/p/1")["sku"] == "CW2288-111"
    # the maker's model number alone is the MPN, and the SKU only as its fallback
    alone = listing(page(menards.replace(" | <span>Menards® SKU: 2411238</span>", "")))
    assert (alone["sku"], alone["mpn"]) == ("2411234", "2411234")


def test_a_barcode_the_state_calls_sku_and_the_page_never_shows() -> None:
    def state(sku: str) -> str:
        data = {"productPage": {"product": {"sku": sku, "name": "Fit Me Foundation", "offerPrice": 489}}}
        return f"<script>window.__PRELOADED_STATE__ = {json.dumps(data)};</script>"
    body = '<h1>Fit Me Foundation</h1><span class="price">₹489</span><button>Add to Bag</button>'
    item = listing(page(body + state("8901526204120")), "https://shop.example.in/p/1")
    assert item.get("sku") is None
    # a shop code in the state is kept, and so is a barcode the page shows
    assert listing(page(body + state("NYK-34876")), "https://shop.example.in/p/1")["sku"] == "NYK-34876"
    shown = body.replace("</h1>", "</h1><p>8901526204120</p>")
    assert listing(page(shown + state("8901526204120")), "https://shop.example.in/p/1")["sku"] == "8901526204120"
