"""Extraction rules found by the nineteenth held-out set (hard pages of shops the others lack): cents in the element
after the amount, the lev, Hindi labels and stock words, a sold-out label on a disabled buy button, Italian store
stock, a card price named by a data attribute, the price before a coupon, a state id beside the model the page shows:
each rule on a minimal page, with the near case it must not catch."""

from __future__ import annotations

from decimal import Decimal

from parsel import Selector

from crawlers.availability import availability_phrase
from crawlers.extract import extract_listing
from crawlers.extract_text import visible_fields
from crawlers.prices import Locale
from tests.crawlers.test_extract_sources import jsonld, listing, page

US = "https://shop.example.com/p/1"
ES = "https://tienda.example.es/p/1"


def test_cents_in_the_next_element_join_the_amount() -> None:
    body = ('<h1>Extra-Virgin Olive Oil (2 L, 2 pk.)</h1><div class="Price-group"><span class="Price-characteristic">'
            '<sup>$</sup>25</span><span class="Price-mantissa">98</span></div><button>Add to cart</button>')
    assert listing(page(body), US)["price"] == Decimal("25.98")
    # an amount with its own cents keeps them: a superscript after it is a footnote
    near = '<h1>Olive Oil</h1><div class="Price-group"><span class="price">$25.50</span><sup>12</sup></div><button>Add to cart</button>'
    assert listing(page(near), US)["price"] == Decimal("25.50")


def test_an_amount_split_at_its_decimal_comma_is_one_price() -> None:
    body = ('<h1>MAG B650 TOMAHAWK WIFI</h1><div id="pdp-price"><span id="pdp-price-current-integer">199,</span>'
            '<span class="sc-decimals">90€</span><span class="sc-strike"><s>259,90€</s></span></div><button>Comprar</button>')
    assert listing(page(body, lang="es"), ES)["price"] == Decimal("199.90")
    # two whole prices side by side stay the lower one
    near = ('<h1>MAG B650 TOMAHAWK WIFI</h1><div id="pdp-price"><span class="a">199,90€</span><span class="b">159,90€</span>'
            '</div><button>Comprar</button>')
    assert listing(page(near, lang="es"), ES)["price"] == Decimal("159.90")


def test_the_lev_is_a_currency() -> None:
    head = jsonld({"@type": "Product", "name": "Прахосмукачка", "offers": {"price": "429.99", "priceCurrency": "BGN"}})
    got = listing(page("<h1>Прахосмукачка</h1>", lang="bg", head=head), "https://shop.example.bg/p/1")
    assert (got["price"], got["currency"]) == (Decimal("429.99"), "BGN")
    # a Bulgarian page showing both currencies keeps the euro price (Bulgaria is on the euro)
    near = ('<h1>Dyson V12</h1><div class="new-price"><span class="eur">511,29 €</span> <span>/</span> '
            '<span class="bgn">999,99 лв.</span></div><button>Добави в количката</button>')
    got = listing(page(near, lang="bg"), "https://shop.example.bg/p/1")
    assert (got["price"], got["currency"]) == (Decimal("511.29"), "EUR")


def test_hindi_labels_and_stock_words() -> None:
    body = ('<h1>Prestige PIC 20 इंडक्शन कुकटॉप</h1><div class="price">Rs. 1,749</div><button>कार्ट में डालें</button>'
            '<table><tr><td>ब्रांड</td><td>Prestige</td></tr><tr><td>SUPC</td><td>SDL123456789</td></tr></table>')
    got = listing(page(body, lang="hi"), "https://shop.example.in/p/1")
    assert (got["brand"], got["sku"]) == ("Prestige", "SDL123456789")
    assert availability_phrase("यह उत्पाद अभी स्टॉक में नहीं है") == "OutOfStock"
    assert availability_phrase("स्टॉक में है") == "InStock"
    # "notify me when available" says nothing of the stock
    assert availability_phrase("उपलब्ध होने पर सूचित करें") is None


def test_a_disabled_button_labelled_sold_out_is_the_buy_button() -> None:
    head = jsonld({"@type": "Product", "name": "Induction Cooktop",
                   "offers": {"price": "1749", "priceCurrency": "INR", "availability": "http://schema.org/InStock"}})
    body = '<h1>Induction Cooktop</h1><div class="price">Rs. 1,749</div><div class="btn cart-button" disabled>स्टॉक में नहीं</div>'
    assert listing(page(body, lang="hi", head=head), "https://shop.example.in/p/1")["availability"] == "OutOfStock"
    # a disabled size option that is sold out leaves an enabled buy button in stock
    near = ('<h1>Induction Cooktop</h1><div class="price">Rs. 1,749</div><button disabled>Sold out</button>'
            '<button>Add to cart</button>')
    assert listing(page(near, head=head), "https://shop.example.in/p/1")["availability"] == "InStock"


def test_italian_store_stock_beside_no_online_sale() -> None:
    body = ('<h1>Galaxy S24</h1><div class="price">799,00 €</div><div><span>Consegna a domicilio</span>'
            '<span>Non disponibile online</span></div><div><span>Ritiro in negozio</span><span>Disponibile in 3 negozi</span>'
            '</div><button disabled>Aggiungi al carrello</button>')
    assert visible_fields(Selector(text=page(body, lang="it")), Locale("IT", "it"))["availability"] == "InStoreOnly"
    assert extract_listing(page(body, lang="it"), "https://shop.example.it/p/1")["availability"] == "InStock"  # counted so
    # not sold online and held by no store: sold out
    near = ('<h1>Galaxy S24</h1><div class="price">799,00 €</div><div><span>Non disponibile</span></div>'
            '<button disabled>Aggiungi al carrello</button>')
    assert extract_listing(page(near, lang="it"), "https://shop.example.it/p/1")["availability"] == "OutOfStock"


def test_a_card_price_named_by_a_data_attribute_is_not_the_price() -> None:
    prices = ('<ol><li data-cmr-price="5.699.900"><span class="copy10">$ 5.699.900</span></li>'
              '<li data-event-price="6.299.900"><span class="copy10">$ 6.299.900</span></li>'
              '<li data-normal-price="8.999.900"><span class="crossed"><s>$ 8.999.900</s></span></li></ol>')
    body = f'<h1>Televisor OLED 55</h1><div class="prices">{prices}</div><button>Agregar al Carro</button>'
    assert listing(page(body, lang="es-CO"), "https://shop.example.com.co/p/1")["price"] == Decimal("6299900")
    # without the card's attribute the lower price is the sale price
    near = body.replace("data-cmr-price", "data-internet-price")
    assert listing(page(near, lang="es-CO"), "https://shop.example.com.co/p/1")["price"] == Decimal("5699900")


def test_the_price_before_a_coupon_is_the_price() -> None:
    body = ('<h1>美的电饭煲家用4L智能</h1><div class="Price--root"><div class="Price--priceWrap"><span>¥</span><span>259</span>'
            '<span>券后价</span></div><div class="Price--originWrap"><span>优惠前</span><span class="Price--originPrice">¥299'
            '</span></div><div><span>淘宝价</span><del>¥599</del></div></div><button>加入购物车</button>')
    assert listing(page(body, lang="zh-CN"), "https://item.example.cn/item.htm?id=1")["price"] == Decimal("299")
    # an original price ("原价") stays an old price beside the current one
    near = ('<h1>美的电饭煲家用4L智能</h1><div class="Price--root"><div class="Price--priceWrap"><span class="p">¥259</span>'
            '</div><div class="Price--originWrap"><span>原价</span><span class="Price--originPrice">¥299</span></div></div>'
            '<button>加入购物车</button>')
    assert listing(page(near, lang="zh-CN"), "https://item.example.cn/item.htm?id=1")["price"] == Decimal("259")


def test_a_state_id_beside_the_model_the_page_shows_gives_way() -> None:
    state = '<script>window.__INIT_DATA__={"item":{"title":"电饭煲","skuId":"5012345678901"}};</script>'
    body = ('<h1>电饭煲</h1><div class="price">¥299</div><button>加入购物车</button>'
            '<div><span>型号</span><span>MB-FB40E511</span></div>')
    url = "https://item.example.cn/item.htm?id=7"
    assert listing(page(body, lang="zh-CN", head=state), url)["sku"] == "MB-FB40E511"
    # the id the page's address names is the shop's item code, beside a model
    assert listing(page(body, lang="zh-CN", head=state), "https://item.example.cn/p/5012345678901")["sku"] == "5012345678901"
