"""Extraction rules found by the thirteenth held-out set (pages with several prices and availability phrased many
ways): monthly and instalment amounts, net prices beside gross ones, "from" prices, the prices of options not
chosen, prices only in data- attributes, structured data left at InStock on a page that cannot be bought, "coming
soon", "available to order", a state's selected variant, a variant's id as a product's SKU, code and brand labels in
more languages: each rule on a minimal page, with the near case it must not catch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from parsel import Selector

from crawlers.availability import availability_phrase
from crawlers.extract_state import from_state
from tests.crawlers.test_extract_sources import jsonld, listing, page


def price_of(body: str, *, lang: str = "en", url: str = "https://shop.example.com/p/1", head: str = "") -> tuple:
    item = listing(page(body, lang=lang, head=head), url)
    return item.get("price"), item.get("currency")


def test_a_monthly_amount_after_the_price_is_not_the_price() -> None:
    body = ('<h1>Philips EP3246 espressomasin</h1><div class="monthly">Maksa <b>15,28 €</b> kuus</div>'
            '<div class="box"><span>489,00 €</span></div>')
    assert price_of(body, lang="et", url="https://shop.example.ee/p")[0] == Decimal("489.00")
    assert price_of('<h1>Sofa</h1><p><b>$75</b>/mo with Affirm</p><p><span>$1,199</span></p>')[0] == Decimal("1199")
    # "mo" that starts another word is no month
    assert price_of('<h1>Sofa</h1><p><b>$75</b> more colours</p>')[0] == Decimal("75")


def test_an_instalment_in_estonian_or_lithuanian_is_not_the_price() -> None:
    body = '<h1>LEGO Technic 42171</h1><p>Mokėk dalimis nuo <b>14,17 €</b></p>'
    assert price_of(body, lang="lt", url="https://shop.example.lt/p")[0] is None
    assert price_of('<h1>LEGO Technic 42171</h1><p>Kaina nuo <b>14,17 €</b></p>', lang="lt",
                    url="https://shop.example.lt/p")[0] == Decimal("14.17")


def test_a_net_price_beside_the_gross_one_is_not_the_price() -> None:
    body = ('<h1>Makita DHP485Z</h1><p class="price">100,00 €<span> zzgl. MwSt.</span></p>'
            '<p class="price">119,00 € <span>inkl. 19% MwSt.</span></p>')
    assert price_of(body, lang="de", url="https://shop.example.de/p")[0] == Decimal("119.00")
    shipping = '<h1>Makita DHP485Z</h1><p class="price">119,00 €<span> zzgl. Versand</span></p>'
    assert price_of(shipping, lang="de", url="https://shop.example.de/p")[0] == Decimal("119.00")


def test_a_price_followed_by_a_tax_exclusive_note_ranks_below_the_tax_inclusive_one() -> None:
    body = ('<h1>TRUSCO 軽量棚 TLA-6X35</h1><div><span class="main">￥19,800</span><span>(税抜)</span>'
            '<span>￥21,780(税込)</span></div>')
    assert price_of(body, lang="ja", url="https://shop.example.jp/g/1")[0] == Decimal("21780")
    uk = '<h1>Record Power BS250</h1><div><span>£541.66</span><span>ex VAT</span> <span>£649.99</span></div>'
    assert price_of(uk, url="https://shop.example.co.uk/p")[0] == Decimal("649.99")
    other = uk.replace("ex VAT", "each")  # a note that says nothing of tax
    assert price_of(other, url="https://shop.example.co.uk/p")[0] == Decimal("541.66")


def test_a_from_price_ranks_below_the_chosen_one() -> None:
    body = ('<h1>CloudRest Hybrid Mattress</h1><p class="from">Starting at $699</p>'
            '<div class="size"><button>Queen</button></div><div class="now"><span>$1,199</span></div>')
    assert price_of(body)[0] == Decimal("1199")
    assert price_of('<h1>CloudRest Hybrid Mattress</h1><p class="from">Starting at $699</p>')[0] == Decimal("699")


@pytest.mark.parametrize(("word", "lang", "url"), [("ab", "de", "https://shop.example.de/p"),
                                                   ("od", "cs", "https://shop.example.cz/p"),
                                                   ("från", "sv", "https://shop.example.se/p"),
                                                   ("alkaen", "fi", "https://shop.example.fi/p")])
def test_a_from_word_in_its_own_element_makes_the_next_amount_a_from_price(word: str, lang: str, url: str) -> None:
    body = (f'<h1>Sängram Nordic 160</h1><p class="from"><span>{word}</span> <span>1 299 €</span></p>'
            '<div class="size"><button>180</button></div><div class="now"><span>1 499 €</span></div>')
    assert price_of(body, lang=lang, url=url)[0] == Decimal("1499")
    alone = body.replace(f"<span>{word}</span> ", "")  # without the word, the first amount is the price
    assert price_of(alone, lang=lang, url=url)[0] == Decimal("1299")


def test_the_price_of_an_option_not_chosen_is_not_the_price() -> None:
    buttons = ('<h1>Pro Plan Dry Dog Food</h1><div role="radiogroup">'
               '<button role="radio" aria-checked="false"><span>4-lb bag</span><span>$22.48</span></button>'
               '<button role="radio" aria-checked="true"><span>30-lb bag</span><span>$89.98</span></button></div>')
    assert price_of(buttons)[0] == Decimal("89.98")
    radios = ('<h1>Ultimate Omega 120 Soft Gels</h1>'
              '<label><input type="radio" name="buy" value="sub"> Autoship <span>$40.46</span></label>'
              '<label><input type="radio" name="buy" value="one" checked> One-time <span>$44.96</span></label>')
    assert price_of(radios)[0] == Decimal("44.96")
    unchecked = radios.replace(" checked>", ">")  # no choice made: nothing to tell the options apart
    assert price_of(unchecked)[0] == Decimal("40.46")


def test_a_price_only_in_a_data_attribute_is_a_last_resort() -> None:
    body = ('<div class="product" data-price="489.00" data-currency="EUR"><h1>Philips EP3246/70</h1>'
            '<span class="price js-price"></span></div>')
    assert price_of(body, lang="et", url="https://shop.example.ee/p") == (Decimal("489.00"), "EUR")
    shown = body.replace('<span class="price js-price"></span>', '<span class="price">479,00 €</span>')
    assert price_of(shown, lang="et", url="https://shop.example.ee/p")[0] == Decimal("479.00")  # the text wins
    cents = body.replace('data-price="489.00"', 'data-price="48900"')  # maybe cents: left alone
    assert price_of(cents, lang="et", url="https://shop.example.ee/p")[0] is None


@pytest.mark.parametrize(("html", "lang", "field", "value"), [
    ("<p>Tootekood: EP3246/70</p>", "et", "sku", "EP3246/70"),
    ("<p>Prekės kodas: 42171</p>", "lt", "sku", "42171"),
    ("<p>Код на продукта: <strong>448884-01</strong></p>", "bg", "sku", "448884-01"),
    ("<p>Šifra: <span>WO1151-010</span></p>", "hr", "sku", "WO1151-010"),
    ("<table><tr><td>Our Code:</td><td>RPBS250</td></tr></table>", "en", "sku", "RPBS250"),
    ("<table><tr><th>注文コード</th><td>01234567</td></tr></table>", "ja", "sku", "01234567"),
    ("<p>Our code of conduct applies to every order 2024</p>", "en", "sku", None),
    ("<p>Tootja: <a href='/philips'>Philips</a></p>", "et", "brand", "Philips"),
    ("<p>Gamintojas: <a href='/lego'>LEGO</a></p>", "lt", "brand", "LEGO"),
    ("<p>Марка: <a href='/dyson'>Dyson</a></p>", "bg", "brand", "Dyson"),
    ("<p>ブランド：<a href='/trusco'>TRUSCO（トラスコ中山）</a></p>", "ja", "brand", "TRUSCO"),
    ("<p>Brand: Levi's (Big &amp; Tall)</p>", "en", "brand", "Levi's (Big & Tall)"),
])
def test_code_and_brand_labels_in_more_languages(html: str, lang: str, field: str, value: str | None) -> None:
    assert listing(page(f"<h1>Product</h1>{html}", lang=lang)).get(field) == value


@pytest.mark.parametrize(("text", "term"), [
    ("Laos 12 tk · Tarne 1–2 tööpäeva", "InStock"),
    ("Laos", None),  # the country
    ("Otsas", "OutOfStock"),
    ("Наличност: в наличност (7 бр.)", "InStock"),
    ("Не е наличен", "OutOfStock"),
    ("Na stanju", "InStock"),
    ("Nema na stanju", "OutOfStock"),
    ("Available to order – usually dispatched within 10-14 working days", "BackOrder"),
    ("Also available to order in blue", "InStock"),
])
def test_more_availability_phrases(text: str, term: str | None) -> None:
    assert availability_phrase(text) == term


def availability_of(body: str, *, lang: str = "en", head: str = "", url: str = "https://shop.example.com/p") -> str:
    return listing(page(f"<h1>Queso curado 250 g</h1>{body}", lang=lang, head=head), url).get("availability")


def test_a_bare_add_button_is_a_buy_button() -> None:
    assert availability_of('<button class="btn-add">Añadir</button>', lang="es") == "InStock"
    assert availability_of('<a href="/list">Añadir</a>', lang="es") is None  # a link, not the shop's button
    assert availability_of('<button>Add review</button>') is None


STALE = jsonld({"@context": "https://schema.org", "@type": "Product", "name": "Queso curado 250 g", "sku": "QC-250",
                "brand": "García Baquero", "offers": {"@type": "Offer", "price": "4.69", "priceCurrency": "EUR",
                                                      "availability": "https://schema.org/InStock"}})


def test_a_page_that_says_it_cannot_be_bought_outweighs_stale_structured_data() -> None:
    body = ('<div class="stock unavailable"><span>Temporarily unavailable</span></div>'
            '<button class="tocart" disabled>Add to Basket</button>')
    assert availability_of(body, head=STALE) == "OutOfStock"
    enabled = body.replace(" disabled", "")  # the button still sells it: the structured data stands
    assert availability_of(enabled, head=STALE) == "InStock"
    swatch = ('<div class="swatch-size"><span>XL</span> <span>Sold out</span></div>'
              '<button class="tocart" disabled>Add to Basket</button>')  # disabled until a size is chosen
    assert availability_of(swatch, head=STALE) == "InStock"


def test_an_item_held_by_stores_only_is_not_made_out_of_stock_by_its_disabled_buy_box() -> None:
    head = STALE.replace("schema.org/InStock", "schema.org/InStoreOnly")
    body = ('<div class="stock">Not available online</div><button class="tocart" disabled>Add to cart</button>')
    assert availability_of(body, head=head) == "InStock"  # InStoreOnly counts as in stock
    assert availability_of(body, head=STALE) == "OutOfStock"


def test_coming_soon_with_nothing_to_buy_is_out_of_stock() -> None:
    body = '<div class="badge">Coming Soon</div><button class="btn-notify">Notify me</button>'
    assert availability_of(body, head=STALE) == "OutOfStock"
    buyable = '<p>More colours coming soon</p><button class="btn">Add to cart</button>'
    assert availability_of(buyable, head=STALE) == "InStock"


def test_the_offer_of_the_page_variant_keeps_its_own_availability() -> None:
    offers = [{"@type": "Offer", "sku": f"Q-{s}", "price": "4.69", "priceCurrency": "EUR",
               "url": f"https://shop.example.com/p?variant={n}",
               "availability": f"https://schema.org/{a}"} for n, s, a in ((1, "S", "OutOfStock"), (2, "M", "InStock"))]
    head = jsonld({"@context": "https://schema.org", "@type": "Product", "name": "Queso curado 250 g",
                   "brand": "X", "offers": offers})
    body = '<p class="stock">Sold out in S</p><button class="tocart" disabled>Add to Basket</button>'
    assert availability_of(body, head=head, url="https://shop.example.com/p?variant=2") == "InStock"


def test_a_state_variant_marked_selected_is_the_one_read() -> None:
    script = ('<script>window.productData = {"name": "Columbia Powder Lite II", "brand": "Columbia", "variants": ['
              '{"sku": "WO-S", "price": "139.90", "selected": false}, {"sku": "WO-M", "price": "149.90", '
              '"selected": true}]};</script>')
    sel = Selector(text=page("<h1>Columbia Powder Lite II</h1>", head=script))
    assert from_state(sel, "Columbia Powder Lite II")["sku"] == "WO-M"
    unmarked = script.replace('"selected": true', '"selected": false')
    assert from_state(Selector(text=page("<h1>Columbia Powder Lite II</h1>", head=unmarked)),
                      "Columbia Powder Lite II")["sku"] == "WO-S"


def test_a_product_sku_that_is_one_of_its_sizes_gives_way_to_the_mpn() -> None:
    offers = [{"@type": "Offer", "sku": s, "price": 759900, "priceCurrency": "COP",
               "availability": "http://schema.org/InStock"} for s in ("3000123", "3000124")]
    product = {"@context": "https://schema.org", "@type": "Product", "name": "Tenis adidas Ultraboost", "brand": "adidas",
               "sku": "3000123", "mpn": "HQ6339", "offers": {"@type": "AggregateOffer", "offers": offers}}
    url = "https://shop.example.com.co/p"
    assert listing(page("<h1>Tenis adidas Ultraboost</h1>", lang="es-CO", head=jsonld(product)), url)["sku"] == "HQ6339"
    own = {**product, "sku": "HQ6339-P", "mpn": "HQ6339"}  # a product-level SKU of its own stays
    assert listing(page("<h1>Tenis adidas Ultraboost</h1>", lang="es-CO", head=jsonld(own)), url)["sku"] == "HQ6339-P"
