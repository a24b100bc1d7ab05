"""Extraction rules found by the eighteenth held-out set (hard pages: several prices each, stale meta, codes and
stock in odd places): ranges of days or sizes before an amount, spend thresholds, savings blocks, promo-code, Pix and
subscription prices, "MSRP:" as an old price, a stray itemprop price, a price block named "…_sku", a barcode that keys
the page, "جنيه", Arabic buy buttons, "Plus que N articles disponibles", a disabled option's "sold out": each rule on
a minimal page, with the near case it must not catch."""

from __future__ import annotations

import json
from decimal import Decimal

from crawlers.availability import availability_phrase
from crawlers.prices import parse_price
from tests.crawlers.test_extract_sources import listing, page

US = "https://shop.example.com/p/1"
BR = "https://loja.example.com.br/p/1"


def test_a_range_of_days_before_the_money_is_no_price() -> None:
    body = ('<h1>Pain Reliever 100 ea</h1><div class="fulfil"><span>Arrives in 3-5 days · Free on $35+</span></div>'
            '<div id="regular-price-box"><div class="product__price">$13.99</div></div><button>Add to cart</button>')
    assert listing(page(body), US)["price"] == Decimal("13.99")
    # a price range keeps its money: "$10 - $20" is a range, read from its low end
    near = '<h1>Pain Reliever 100 ea</h1><div class="product__price">$10 - $20</div><button>Add to cart</button>'
    assert listing(page(near), US)["price"] == Decimal("10")


def test_a_spend_threshold_is_no_price() -> None:
    body = ('<div class="title">空氣淨化器 4 Lite</div><div><label>運費</label><div>免運費 · 滿$499，免運費</div></div>'
            '<div class="pqTWkA">$4,295</div><button>加入購物車</button>')
    assert listing(page(body, lang="zh-Hant"), "https://shop.example.tw/p/1")["price"] == Decimal("4295")


def test_a_savings_block_is_no_price() -> None:
    body = ('<h1>Tênis Revolution 7</h1><div class="price-box"><div class="price-box__saving">R$ 399,99</div>'
            '<div class="default-price">R$ 279,99</div></div><button>Comprar</button>')
    assert listing(page(body, lang="pt-BR"), BR)["price"] == Decimal("279.99")
    # a "discount" price is the sale price, not a saving
    near = body.replace("price-box__saving", "price-box__list").replace("default-price", "discount-price")
    assert listing(page(near, lang="pt-BR"), BR)["price"] == Decimal("279.99")


def test_pix_and_promo_code_prices_are_not_the_price() -> None:
    body = ('<h1>Tênis Revolution 7</h1><div class="price-box"><div class="default-price">R$ 279,99</div>'
            '<div class="pix-price">R$ 265,99 no Pix</div></div><button>Comprar</button>')
    assert listing(page(body, lang="pt-BR"), BR)["price"] == Decimal("279.99")
    coded = ('<h1>Jersey Dress</h1><div class="price-wrapper"><div class="sale-price">Sale $72.50</div>'
             '<div class="promo-price"><span>$58.00</span> with code <b>FRIEND</b></div></div><button>Add To Bag</button>')
    assert listing(page(coded), US)["price"] == Decimal("72.50")
    # two plain prices side by side stay the lower one (the higher one the price before a discount)
    near = coded.replace(" with code <b>FRIEND</b>", "")
    assert listing(page(near), US)["price"] == Decimal("58.00")


def test_a_checked_autoship_price_is_no_one_time_price() -> None:
    body = ('<h1>Dry Dog Food, 30-lb bag</h1><div><label><input type="radio" name="p"> Buy once</label>'
            '<div class="product-price__current">$84.98</div></div><div><label><input type="radio" name="p" checked> '
            'Autoship</label><div class="product-price product-price--autoship">$80.73</div></div><button>Add to Cart</button>')
    assert listing(page(body), US)["price"] == Decimal("84.98")
    # the autoship price alone is still a price
    alone = '<h1>Dry Dog Food</h1><div class="product-price product-price--autoship">$80.73</div><button>Add to Cart</button>'
    assert listing(page(alone), US)["price"] == Decimal("80.73")


def test_an_og_price_at_the_msrp_gives_way_to_the_price_shown() -> None:
    head = '<meta property="og:price:amount" content="140.00"><meta property="og:price:currency" content="USD">'
    body = ('<h1>Ghost 16</h1><div><span class="Tt-z">$112.00</span> <span class="jl-z">MSRP: <span>$140.00</span>'
            '</span></div><button>Add to Cart</button>')
    assert listing(page(body, head=head), US)["price"] == Decimal("112.00")
    # an og price the page shows as its price stays
    near = body.replace("MSRP: <span>$140.00</span>", "")
    assert listing(page(near, head=head.replace("140.00", "112.00")), US)["price"] == Decimal("112.00")


def test_a_stray_itemprop_price_shown_nowhere_is_left_behind() -> None:
    head = '<meta itemprop="price" content="39800">'
    body = '<h1>ドライヤー ナノケア</h1><span class="price1">価格</span> <span class="price2">34,800円</span>'
    assert listing(page(body, lang="ja", head=head), "https://shop.example.jp/p/1")["price"] == Decimal("34800")
    # an Open Graph price keeps precedence over the visible one (it is the shop's own statement)
    og = '<meta property="product:price:amount" content="39800"><meta property="product:price:currency" content="JPY">'
    assert listing(page(body, lang="ja", head=og), "https://shop.example.jp/p/1")["price"] == Decimal("39800")


def test_a_price_block_named_sku_is_no_code() -> None:
    body = ('<h1>OfficeJet Pro 9125e</h1><div><span>Item #: 24512345</span></div>'
            '<div class="price-info__final_price_sku"><span>$</span>229<span class="cents">.99</span></div>')
    assert listing(page(body), US)["sku"] == "24512345"
    near = '<h1>OfficeJet Pro 9125e</h1><span class="product-sku">HP-9125E</span><span class="price">$229.99</span>'
    assert listing(page(near), US)["sku"] == "HP-9125E"


def test_a_barcode_that_keys_the_page_is_its_item_code() -> None:
    body = ('<h1>Pâte à tartiner 750g</h1><span class="price">5,69 €</span><dl><dt>EAN</dt><dd>3017620425035</dd></dl>'
            '<button>Ajouter au panier</button>')
    assert listing(page(body, lang="fr"), "https://shop.example.fr/p/pate-a-tartiner-3017620425035")["sku"] == "3017620425035"
    # the barcode alone, not in the address: no item code
    assert listing(page(body, lang="fr"), "https://shop.example.fr/p/pate-a-tartiner").get("sku") is None
    # an ISBN in a book's address stays its ISBN
    book = body.replace("3017620425035", "9781786892737")
    assert listing(page(book, lang="fr"), "https://shop.example.fr/livre/9781786892737").get("sku") is None


def test_egyptian_pounds_and_an_arabic_cart_button() -> None:
    assert parse_price("9,999.00 جنيه")[1] == "EGP"
    body = ('<h1>شاومي ريدمي نوت 13</h1><span class="-b">9,999.00 جنيه</span><p>متبقي بعض الوحدات فقط</p>'
            '<button class="add">أضف إلى عربة التسوق</button>')
    item = listing(page(body, lang="ar"), "https://shop.example.com.eg/ar/p/1")
    assert (item["price"], item["currency"], item["availability"]) == (Decimal("9999.00"), "EGP", "InStock")


def test_articles_left_say_in_stock() -> None:
    assert availability_phrase("Plus que 2 articles disponibles") == "InStock"
    assert availability_phrase("Article non disponible") == "OutOfStock"


def test_a_disabled_size_sold_out_beside_an_enabled_buy_button() -> None:
    body = ('<h1>Pull en maille</h1><span class="price">172,00 €</span><ul class="pdp__opts"><li><button>S</button></li>'
            '<li><button disabled>L - Épuisé</button></li></ul><button class="add">Ajouter au panier</button>')
    assert listing(page(body, lang="fr"), "https://shop.example.fr/p/1")["availability"] == "InStock"
    # the sold-out statement outside any control, the buy button disabled: sold out
    near = body.replace("<button disabled>L - Épuisé</button>", "<button>L</button>").replace(
        '<button class="add">', '<p>Épuisé</p><button class="add" disabled>')
    assert listing(page(near, lang="fr"), "https://shop.example.fr/p/1")["availability"] == "OutOfStock"


# --- leftovers of the fifteenth and sixteenth sets ------------------------------------------------------------

MX = "https://tienda.example.com.mx/p/1"


def test_a_test_hook_naming_the_original_price_marks_it_old() -> None:
    body = ('<h1>Geladeira Duplex 474L</h1><div data-testid="price-box"><p data-testid="price-original">R$ 5.299,00</p>'
            '<p data-testid="installment">R$ 4.699,00 em 10x de R$ 469,90 sem juros</p></div><button>Comprar</button>')
    assert listing(page(body, lang="pt-BR"), BR)["price"] == Decimal("4699.00")
    # an instalment alone is no price: "10x de R$ 469,90" names no total
    near = body.replace("R$ 4.699,00 em 10x de R$ 469,90 sem juros", "10x de R$ 469,90 sem juros")
    assert listing(page(near, lang="pt-BR"), BR).get("price") != Decimal("469.90")


def test_a_credit_total_beside_the_cash_price() -> None:
    body = ('<h1>Refrigerador 11 pies</h1><div><p class="label">Precio de contado</p><p class="price">$8,999</p></div>'
            '<div><p class="abono">$340 quincenales</p><p class="total">Precio a crédito: $12,699</p></div>')
    head = ('<script type="application/ld+json">{"@type": "Product", "name": "Refrigerador 11 pies", "offers": '
            '{"price": "12699.00", "priceCurrency": "MXN"}}</script>')
    assert listing(page(body, lang="es-MX", head=head), MX)["price"] == Decimal("8999")
    # without the credit label the structured price stands
    near = body.replace("Precio a crédito: $12,699", "$12,699")
    assert listing(page(near, lang="es-MX", head=head), MX)["price"] == Decimal("12699.00")


def test_a_code_after_a_label_and_a_space() -> None:
    body = '<h1>Geladeira Duplex</h1><p>Código 237843900 | <a href="/marcas/x/">Electrolux</a></p><span class="price">R$ 10,00</span>'
    assert listing(page(body, lang="pt-BR"), BR)["sku"] == "237843900"
    # a short number after a label and a space is no code ("Código 12 de barras")
    near = body.replace("Código 237843900 | ", "Código 12 | ")
    assert listing(page(near, lang="pt-BR"), BR).get("sku") is None


def test_a_state_model_only_in_the_title_yields_to_the_labelled_code() -> None:
    state = '<script>window.__STATE__ = {"product": {"name": "Geladeira IF55 Inox", "reference": "IF55", "price": 10}};</script>'
    body = f'<h1>Geladeira IF55 Inox</h1><p>Código: 237843900</p><span class="price">R$ 10,00</span>{state}'
    assert listing(page(body, lang="pt-BR"), BR)["sku"] == "237843900"
    # the model also in a spec row: the state's code stands
    near = body.replace("<p>Código: 237843900</p>", "<p>Código: 237843900</p><p>IF55</p>")
    assert listing(page(near, lang="pt-BR"), BR)["sku"] == "IF55"


def test_a_structured_code_shown_grouped_with_its_check_digit() -> None:
    head = ('<script type="application/ld+json">{"@type": "Product", "name": "Impact Driver Kit", "sku": "0542713P", '
            '"offers": {"price": "149.99", "priceCurrency": "CAD"}}</script>')
    body = '<h1>Impact Driver Kit</h1><div class="product__code">#054-2713-4</div>'
    assert listing(page(body, head=head), "https://shop.example.ca/p/1")["sku"] == "054-2713-4"
    # another grouped number (a phone number) is no rendering of the code
    near = body.replace("#054-2713-4", "Call 1-800-555-0199")
    assert listing(page(near, head=head), "https://shop.example.ca/p/1")["sku"] == "0542713P"


def _flight(product: str) -> str:
    row = '5:["$","$L12",null,{"product":' + product + '}]\n'
    return '<script>self.__next_f.push([1,' + json.dumps(row) + '])</script>'


def test_the_brand_in_a_react_server_components_payload() -> None:
    body = ('<h1>Trail Runner 2</h1><span class="price">$129.95</span>'
            + _flight('{"name":"Trail Runner 2","sku":"NP-TR2","brand":{"name":"Northpeak"},"prices":{"price":129.95}}'))
    assert listing(page(body), US)["brand"] == "Northpeak"


def test_a_first_size_code_is_no_product_code() -> None:
    variants = ('{"title":"Merino Crew Tee","variants":[{"title":"S","sku":"NB-MCT-S","calculated_price":45},'
                '{"title":"M","sku":"NB-MCT-M","calculated_price":45}]}')
    body = '<h1>Merino Crew Tee</h1><span class="price">CA$45.00</span>' + _flight(variants)
    assert listing(page(body), "https://shop.example.ca/p/1").get("sku") is None
    # a first variant's code that names no size (a colour's "F23510-326") is still taken
    colours = variants.replace('"S","sku":"NB-MCT-S"', '"Ox Red","sku":"F23510-326"')
    coloured = '<h1>Merino Crew Tee</h1><span class="price">CA$45.00</span>' + _flight(colours)
    assert listing(page(coloured), "https://shop.example.ca/p/1")["sku"] == "F23510-326"


def _group(name: str) -> str:
    variants = [{"@type": "Product", "name": f"{name} - {size}", "sku": f"HB-{size[:2]}",
                 "offers": {"@type": "Offer", "price": price, "priceCurrency": "USD"}}
                for size, price in (("32 fl oz", "18.00"), ("64 fl oz", "32.00"))]
    return ('<script type="application/ld+json">' + json.dumps(
        {"@type": "ProductGroup", "name": name, "productGroupID": "81234", "hasVariant": variants}) + "</script>")


def test_the_variant_named_after_the_checked_option() -> None:
    body = ('<h1>Cold Brew</h1><span class="price">$18.00</span><fieldset><label><input type="radio" name="Size" '
            'value="32 fl oz" checked>32 fl oz</label><label><input type="radio" name="Size" value="64 fl oz">64 fl oz'
            '</label></fieldset><button>Add to cart</button>')
    assert listing(page(body, head=_group("Cold Brew")), US)["sku"] == "HB-32"
    # no option checked: no size's code
    near = body.replace(" checked>", ">")
    assert listing(page(near, head=_group("Cold Brew")), US).get("sku") is None


def test_structured_data_at_the_price_before_a_shown_discount() -> None:
    head = ('<script type="application/ld+json">{"@type": "Product", "name": "Café Huila 1 kg", "offers": '
            '{"price": "21990", "priceCurrency": "CLP"}}</script>')
    body = ('<h1>Café Huila 1 kg</h1><div class="form-group"><span class="product-form-price">$17.990</span> '
            '<span class="product-form-discount">$21.990</span> <span class="badge">Oferta -18%</span></div>')
    url = "https://tienda.example.cl/p/1"
    assert listing(page(body, lang="es-CL", head=head), url)["price"] == Decimal("17990")
    # a percent that does not take the one to the other (points earned) leaves the structured price
    near = body.replace("Oferta -18%", "Acumula 5% en puntos")
    assert listing(page(near, lang="es-CL", head=head), url)["price"] == Decimal("21990")
