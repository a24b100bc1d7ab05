"""Extraction rules found by the tenth held-out set (club prices, shipping after a tax note, code labels) and the
eleventh (preorders, role=button buy buttons, analytics ids, Spanish code labels, brands filed as a breadcrumb
category) and the twelfth (typographic header classes, other sellers' offers, store-card prices, delivery-only
unavailability, backorders, AggregateOffer ranges, brands in their own <h1> or a state's attributes): each rule on a
minimal page, with the near case it must not catch."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from crawlers.availability import availability_phrase
from tests.crawlers.test_extract_sources import jsonld, listing, page


def price_of(body: str, *, lang: str = "en", url: str = "https://shop.example/p/1") -> tuple:
    item = listing(page(body, lang=lang), url)
    return item["price"], item["currency"]


def test_a_members_price_is_not_the_price_everyone_pays() -> None:
    body = ('<h1>CeraVe Hydrating Cleanser 236ml</h1><div class="price-info"><div class="price-now">£13.50</div>'
            '<div class="offer"><span>Carters Club price</span> <span class="value">£11.00</span></div></div>')
    assert price_of(body, url="https://shop.example.co.uk/c") == (Decimal("13.50"), "GBP")
    by_class = body.replace('<span>Carters Club price</span> <span class="value">',
                            '<span class="member-price">')
    assert price_of(by_class, url="https://shop.example.co.uk/c") == (Decimal("13.50"), "GBP")
    only = '<h1>CeraVe Hydrating Cleanser</h1><div><span>Club price</span> <span class="value">£11.00</span></div>'
    assert price_of(only, url="https://shop.example.co.uk/c")[0] == Decimal("11.00")  # the only price stays


def test_a_club_in_the_title_is_no_members_price() -> None:
    body = '<h1>Callaway Golf Club Driver</h1><div><span class="price">$299.00</span></div>'
    assert price_of(body) == (Decimal("299.00"), "USD")


def test_shipping_after_a_tax_percentage_is_not_the_price() -> None:
    body = ('<h1>Weber Spirit EPX-325S</h1><div class="price-box"><span class="regular-price"><span class="price">'
            '1.299,00 EUR</span></span><div class="tax-details">inkl. 20% USt., zzgl. <a href="/versand">'
            'Versandkosten</a> (49,00 EUR)</div></div>')
    assert price_of(body, lang="de-AT", url="https://shop.example.at/w")[0] == Decimal("1299.00")
    noted = ('<h1>Weber Spirit EPX-325S</h1><div><span class="p">1.299,00 EUR</span> inkl. 20% USt., zzgl. Versand</div>')
    assert price_of(noted, lang="de-AT", url="https://shop.example.at/w")[0] == Decimal("1299.00")  # a note after it


@pytest.mark.parametrize(("html", "lang", "sku"), [
    ('<div class="ids">Product # <span>0851234</span></div>', "en", "0851234"),
    ('<div class="code">Article ID: 494421847</div>', "en", "494421847"),
    ('<div class="artno">N° d\'article <span>0003812094</span></div>', "fr", "0003812094"),
    ('<div class="code">Article: <span>Blue tee</span></div>', "en", None),
])
def test_product_hash_and_article_labels(html: str, lang: str, sku: str | None) -> None:
    assert listing(page(f"<h1>Product</h1>{html}", lang=lang)).get("sku") == sku


STALE_HEAD = ('<script type="application/ld+json">{"@context":"https://schema.org/","@type":"Product","name":"Fissler '
              'Pfanne 28 cm","sku":"KB-84358","brand":{"@type":"Brand","name":"Fissler"},"offers":{"@type":"Offer",'
              '"price":"119.00","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script>')


def test_structured_price_the_page_shows_struck_through_gives_way_to_the_shown_price() -> None:
    body = ('<h1>Fissler Pfanne 28 cm</h1><div class="price-container"><p class="product-detail-price with-list-price">'
            '89,95&nbsp;€*</p><span class="list-price">statt <span class="list-price-price">119,00&nbsp;€*</span></span>'
            '</div>')
    item = listing(page(body, lang="de", head=STALE_HEAD), "https://shop.example.de/p")
    assert (item["price"], item["currency"]) == (Decimal("89.95"), "EUR")
    current = body.replace("89,95", "119,00").replace("statt <span class=\"list-price-price\">119,00",
                                                      "statt <span class=\"list-price-price\">149,00")
    item = listing(page(current, lang="de", head=STALE_HEAD), "https://shop.example.de/p")
    assert item["price"] == Decimal("119.00")  # the structured price the page shows as current stays


def test_a_with_list_price_class_is_the_current_price_a_list_price_class_is_not() -> None:
    body = ('<h1>Fissler Pfanne</h1><div><p class="product-price with-list-price">89,95 €</p>'
            '<span class="list-price">119,00 €</span></div>')
    assert price_of(body, lang="de", url="https://shop.example.de/p")[0] == Decimal("89.95")


NUXT = ('<script>window.__NUXT__={layout:"default",data:[{product:{id:180501,name:"Théière Bodum Assam",'
        'brand:{name:"Bodum"},price:{amount:34.9,crossed:39.9,currency:\'EUR\'},stock:{available:!0}}}]};</script>')


def test_a_state_written_as_a_javascript_object_literal_is_read() -> None:
    item = listing(page('<div id="__nuxt"></div>' + NUXT, lang="fr"), "https://shop.example.fr/p")
    assert (item["price"], item["currency"], item["brand"]) == (Decimal("34.9"), "EUR", "Bodum")


def test_a_javascript_literal_that_needs_evaluating_is_not_read() -> None:
    code = NUXT.replace("amount:34.9", "amount:basePrice*0.9")
    item = listing(page('<div id="__nuxt"></div>' + code, lang="fr"), "https://shop.example.fr/p")
    assert item.get("price") is None


def test_a_brand_block_that_holds_the_title_is_not_the_brand_its_link_is() -> None:
    body = ('<div class="pdp-brand-title"><a class="pdp-brand" href="/brands/yeti">YETI</a>'
            '<h1>Tundra 45 Cooler, Navy</h1></div><span class="price">$399.99</span>')
    assert listing(page(body))["brand"] == "YETI"
    no_link = body.replace('<a class="pdp-brand" href="/brands/yeti">YETI</a>', "")
    assert listing(page(no_link)).get("brand") is None  # the block's text is the title, never a brand


def test_a_vendor_line_over_a_title_that_starts_with_it_is_the_brand() -> None:
    def brand(line: str, h1: str) -> str | None:
        html = (f'<!doctype html><html lang="nl"><head><title>{h1} – Koffiehuis Delft</title></head><body>'
                f'<p class="product__text">{line}</p><h1>{h1}</h1><span class="price">€249,00</span></body></html>')
        return listing(html, "https://shop.example.nl/p").get("brand")
    assert brand("Moccamaster", "Moccamaster KBG Select Polished Silver") == "Moccamaster"
    assert brand("Moccamaster KBG", "Moccamaster KBG Select") is None  # a line that is most of the title


@pytest.mark.parametrize(("text", "term"), [
    ("Vorbestellbar – voraussichtlicher Versand ab 05.06.2026", "PreOrder"),
    ("予約受付中", "PreOrder"),
    ("Pre-order now", "PreOrder"),
    ("Disponible en précommande", "PreOrder"),
    ("Auf Lager", "InStock"),  # the near cases keep their terms
    ("Nicht mehr lieferbar", "OutOfStock"),
    ("Order now", None),
])
def test_preorder_wording_is_a_preorder(text: str, term: str | None) -> None:
    assert availability_phrase(text) == term


def availability_of(body: str, *, lang: str = "en") -> str | None:
    return listing(page(f"<h1>Nintendo Switch 2 Bundle</h1><span class=\"price\">509,99 €</span>{body}",
                        lang=lang), "https://shop.example.de/p").get("availability")


def test_a_page_whose_only_buy_button_orders_ahead_is_a_preorder() -> None:
    assert availability_of("<button>Jetzt vorbestellen</button>", lang="de") == "PreOrder"
    assert availability_of('<button type="submit" class="add-cart">予約する</button>', lang="ja") == "PreOrder"
    both = "<button>In den Warenkorb</button><button>Vorbestellen (Farbe Rot)</button>"
    assert availability_of(both, lang="de") == "InStock"  # one variant can be bought now
    assert availability_of("<button>In den Warenkorb</button>", lang="de") == "InStock"


def test_a_role_button_is_a_buy_button() -> None:
    button = '<div class="sqs-add-to-cart-button" role="button" tabindex="0">Add To Cart</div>'
    assert availability_of(button) == "InStock"
    assert availability_of(button.replace('role="button"', 'role="button" aria-disabled="true"')) == "OutOfStock"
    plain = '<div class="sqs-add-to-cart" tabindex="0">Add To Cart</div>'
    assert availability_of(plain) is None  # a block that neither role nor class makes a button says nothing


@pytest.mark.parametrize(("html", "sku"), [
    ('<div class="codes"><span>Cód. artículo: <strong>1087766</strong></span></div>', "1087766"),
    ('<div class="codes"><span>Código do produto: <b>AFN-50-BI</b></span></div>', "AFN-50-BI"),
    ('<div class="codes"><span>Cód. artículo: <strong>Azul</strong></span></div>', None),
])
def test_spanish_and_portuguese_article_code_labels(html: str, sku: str | None) -> None:
    assert listing(page(f"<h1>ASUS TUF Gaming VG27AQ3A</h1>{html}", lang="es")).get("sku") == sku


DATALAYER = ('<script>dataLayer.push({"event":"view_item","ecommerce":{"currency":"PLN","items":[{"item_id":"18277",'
             '"item_name":"Philips Airfryer XL","price":449.00}]}});</script>')


def test_an_analytics_id_the_page_never_shows_gives_way_to_the_code_it_labels() -> None:
    body = '<h1>Philips Airfryer XL</h1><strong class="price">449,00 zł</strong>{}'
    shown = '<ul><li>Kod produktu: <strong>HD9270/90</strong></li></ul>'
    url = "https://shop.example.pl/product-pol-18277-airfryer.html"
    assert listing(page(body.format(shown), lang="pl", head=DATALAYER), url)["sku"] == "HD9270/90"
    assert listing(page(body.format(""), lang="pl", head=DATALAYER), url)["sku"] == "18277"  # no code shown
    with_id = shown + "<p>Nr katalogowy 18277</p>"
    assert listing(page(body.format(with_id), lang="pl", head=DATALAYER), url)["sku"] == "18277"  # the page shows it


def crumb_brand(crumbs: str, h1: str) -> str | None:
    body = (f'<div class="breadcrumbs"><a href="/">Início</a> &gt; {crumbs}</div><h1>{h1}</h1>'
            '<span class="price">R$1.234,56</span>')
    return listing(page(body, lang="pt-BR"), "https://loja.example.com.br/produtos/p").get("brand")


def test_a_brand_filed_as_the_deepest_breadcrumb_category_is_the_brand() -> None:
    crumbs = '<a href="/eletro/">Eletroportáteis</a> &gt; <a href="/eletro/mondial/">Mondial</a>'
    assert crumb_brand(crumbs, "Fritadeira Air Fryer Mondial Family 5L") == "Mondial"
    assert crumb_brand(crumbs, "Fritadeira Air Fryer Family 5L") is None  # the title does not name it
    noun = '<a href="/audio/">Audio</a> &gt; <a href="/audio/soundbar/">Soundbar</a>'
    assert crumb_brand(noun, "Sonos Arc Soundbar") is None  # the product noun that ends the title
    lower = '<a href="/cafe/">Café</a> &gt; <a href="/cafe/moido/">moído</a>'
    assert crumb_brand(lower, "Café Pilão moído 500g") is None
    home = ('<div class="breadcrumbs"><a href="/">Mondial</a></div><h1>Fritadeira Air Fryer Mondial Family</h1>'
            '<span class="price">R$1.234,56</span>')
    assert listing(page(home, lang="pt-BR")).get("brand") is None  # the only crumb is the way home


# --- rules found by the twelfth held-out set ------------------------------------------------------------------

def test_a_header_class_on_a_heading_or_span_is_typography_not_site_chrome() -> None:
    body = ('<h1 class="ui huge header">Slip Le Marius bleu marine</h1><div class="ui grid"><span class="ui large header"'
            ' id="product-price">39,00 €</span><span class="ui small sub header"><del>45,00 €</del></span></div>')
    assert price_of(body, lang="fr", url="https://shop.example.fr/p") == (Decimal("39.00"), "EUR")
    chrome = '<div class="header"><span>Panier 5,00 €</span></div><h1>Slip Le Marius bleu marine</h1>'
    assert listing(page(chrome, lang="fr"), "https://shop.example.fr/p").get("price") is None


@pytest.mark.parametrize(("html", "lang", "sku"), [
    ('<small>Code produit : <span>MARIUS-MAR</span></small>', "fr", "MARIUS-MAR"),
    ('<p class="cat-no">Cat. no. <span>845/2301</span></p>', "en", "845/2301"),
    ('<p>Cat food: <span>Whiskas</span></p>', "en", None),
])
def test_french_product_code_and_catalogue_number_labels(html: str, lang: str, sku: str | None) -> None:
    assert listing(page(f"<h1>Product</h1>{html}", lang=lang)).get("sku") == sku


OTHER_SELLERS = ('<h1>Philips Airfryer XXL HD9650/90</h1><div class="price">7.499,00 TL</div>'
                 '<button id="addToCart">Sepete ekle</button><div class="other-merchants"><h3>Diğer satıcılar (3)</h3>'
                 '<table><tr><td>EvAletiDünyası</td><td>7.799,90 TL</td><td>Tükendi</td></tr></table></div>')


def test_other_sellers_sold_out_offers_are_not_the_pages_stock() -> None:
    item = listing(page(OTHER_SELLERS, lang="tr"), "https://shop.example.com.tr/p")
    assert (item["price"], item["availability"]) == (Decimal("7499.00"), "InStock")
    by_heading = OTHER_SELLERS.replace('class="other-merchants"', 'class="box"')
    assert listing(page(by_heading, lang="tr"), "https://shop.example.com.tr/p")["availability"] == "InStock"
    own = OTHER_SELLERS.replace('<button id="addToCart">Sepete ekle</button>', '<p class="stock">Tükendi</p>')
    assert listing(page(own, lang="tr"), "https://shop.example.com.tr/p")["availability"] == "OutOfStock"


def test_a_brand_in_its_own_h1_above_the_name_and_a_seller_block_that_is_no_brand() -> None:
    def html(heads: str) -> str:
        return ('<!doctype html><html lang="en"><head><title>Roadster Men Olive Green Cotton Casual Shirt</title>'
                f'</head><body>{heads}<span class="pdp-price">₹759</span><p class="supplier-productSellerContainer">'
                'Seller: <span class="supplier-productSellerName">Omnitech Retail</span></p></body></html>')
    url = "https://shop.example.in/p"
    split = html('<h1 class="pdp-title">Roadster</h1><h1 class="pdp-name">Men Olive Green Cotton Casual Shirt</h1>')
    assert listing(split, url)["brand"] == "Roadster"
    one = html("<h1>Roadster Men Olive Green Cotton Casual Shirt</h1>")
    assert listing(one, url).get("brand") is None  # neither the seller nor a guess from the title


def test_a_div_styled_as_a_button_is_a_buy_button_a_wrapper_of_one_is_not() -> None:
    body = '<h1>Casual Shirt</h1><span class="price">₹759</span><div class="pdp-add-to-bag pdp-button">ADD TO BAG</div>'
    assert listing(page(body), "https://shop.example.in/p")["availability"] == "InStock"
    wrapped = ('<h1>Casual Shirt</h1><span class="price">₹759</span><div class="product-form__buttons">'
               '<button type="submit" disabled>Add to cart</button></div>')
    assert listing(page(wrapped), "https://shop.example.in/p")["availability"] == "OutOfStock"
    greyed = body.replace("pdp-button", "pdp-button pdp-button--disabled")
    assert listing(page(greyed), "https://shop.example.in/p")["availability"] == "OutOfStock"


def test_a_store_card_price_is_a_members_price() -> None:
    body = ('<h1>Maleta Spin Tech 5.0 55 cm</h1><ol class="prices-list"><li class="prices-0"><div>'
            '<span>$ 17.990</span><img src="/cmr.svg" alt="Precio con tarjeta CMR"></div></li><li class="prices-1">'
            '<div><span>$ 19.990</span><span>Internet</span></div></li><li class="prices-2"><div>'
            '<span class="crossed">$ 29.990</span></div></li></ol>')
    assert price_of(body, lang="es-CL", url="https://shop.example.cl/p") == (Decimal("19990"), "CLP")
    worded = ('<h1>Сковорода Tefal 26 см</h1><div class="price-card"><span>2 590 ₽</span> <span>c Озон Картой</span>'
              '</div><div class="price-main"><span>2 890 ₽</span> <span>без Озон Карты</span></div>')
    assert price_of(worded, lang="ru", url="https://shop.example.ru/p")[0] == Decimal("2890")
    only = '<h1>Сковорода Tefal 26 см</h1><div><span>2 590 ₽</span> <span>c Озон Картой</span></div>'
    assert price_of(only, lang="ru", url="https://shop.example.ru/p")[0] == Decimal("2590")  # the only price stays


def test_delivery_not_offered_for_an_item_in_stores_is_not_out_of_stock() -> None:
    body = ('<h1>Dyson V8 Advanced</h1><h2>£279.99</h2><div class="delivery"><p class="unavailable">Sorry, delivery is '
            'not available for this item</p></div><div class="collection"><p class="stock-status">In stock at <b>Leeds'
            '</b></p></div><button>Add to trolley for collection</button>')
    assert listing(page(body), "https://shop.example.co.uk/p")["availability"] == "InStock"
    gone = body.replace("Sorry, delivery is not available for this item", "Out of stock").replace("In stock at", "")
    assert listing(page(gone), "https://shop.example.co.uk/p")["availability"] == "OutOfStock"


@pytest.mark.parametrize(("text", "term"), [
    ("Backordered – ships in 3-5 weeks", "BackOrder"),
    ("Available on backorder", "BackOrder"),
    ("27 in stock (can be backordered)", "InStock"),
    ("Ships in 3-5 days", "InStock"),
])
def test_backorder_wording(text: str, term: str) -> None:
    assert availability_phrase(text) == term


def aggregate_page(shown: str) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": "iPhone 13 128 Go", "sku": "IP13-128",
            "brand": {"@type": "Brand", "name": "Apple"},
            "offers": {"@type": "AggregateOffer", "priceCurrency": "EUR", "lowPrice": "389.00", "highPrice": "469.00",
                       "offerCount": 3, "availability": "https://schema.org/InStock"}}
    return page(f'<h1>iPhone 13 128 Go</h1><span class="price">{shown}</span>', lang="fr", head=jsonld(data))


@pytest.mark.parametrize(("shown", "price"), [("429,00 €", "429.00"), ("389,00 €", "389.00"), ("19,00 €", "389.00")])
def test_an_aggregate_offers_low_price_gives_way_to_the_shown_price_within_its_range(shown: str, price: str) -> None:
    assert listing(aggregate_page(shown), "https://shop.example.fr/p")["price"] == Decimal(price)


def saleor_page(attribute: str) -> str:
    state = {"props": {"pageProps": {"product": {
        "name": "Plecak Kånken 16 l", "attributes": [{"attribute": {"slug": attribute.lower(), "name": attribute},
                                                       "values": [{"name": "Fjällräven"}]}],
        "variants": [{"sku": "F23510-326", "pricing": {"price": {"gross": {"amount": 349.99, "currency": "PLN"}}}}]}}}}
    return page('<div id="__next"><h1>Plecak Kånken 16 l</h1></div><script id="__NEXT_DATA__" '
                f'type="application/json">{json.dumps(state)}</script>', lang="pl")


def test_a_brand_among_a_state_products_named_attributes() -> None:
    assert listing(saleor_page("Marka"), "https://shop.example.pl/p")["brand"] == "Fjällräven"
    assert listing(saleor_page("Kolor"), "https://shop.example.pl/p").get("brand") is None
