"""Extraction rules found by the fourteenth held-out set (shops and locales the others lack) and four misses left
from earlier sets: a shop's own code beside the maker's, CJK labels with a space, stock lines of the shop and of a
store in one block, quantity tiers, structured data left at an earlier price or at OutOfStock, a ProductGroup with
no selected variant, a brand in capitals before its model code, "R 499" in a price block, a removed product's page,
a state's "reference": each rule on a minimal page, with the near case it must not catch."""

from __future__ import annotations

import json
from decimal import Decimal

from parsel import Selector

from crawlers.availability import availability_phrase
from crawlers.extract_state import from_state
from tests.crawlers.test_extract_sources import jsonld, listing, page


def test_the_shops_own_code_beside_the_makers_is_the_sku() -> None:
    body = ('<h1>Notebook ASUS ROG Strix G16</h1><div><span>Kod x-kom: 1159876</span>'
            '<span>Kod producenta: G614JV-N3094</span></div><span class="price">5 799,00 zł</span>')
    item = listing(page(body, lang="pl"), "https://shop.example.pl/p/1")
    assert (item["sku"], item["mpn"]) == ("1159876", "G614JV-N3094")
    # the maker's code alone is the MPN, and the SKU only as its fallback
    alone = listing(page(body.replace("<span>Kod x-kom: 1159876</span>", ""), lang="pl"), "https://shop.example.pl/p/1")
    assert (alone["sku"], alone["mpn"]) == ("G614JV-N3094", "G614JV-N3094")


def test_a_cjk_label_takes_a_space_as_its_separator() -> None:
    body = '<h1>ウルトラライトダウンジャケット</h1><p>商品番号 469870</p><p class="price">¥5,990</p>'
    assert listing(page(body, lang="ja"), "https://shop.example.jp/p/1")["sku"] == "469870"
    # a Latin label still needs its separator: "Item number one" is no code
    assert listing(page('<h1>Mug</h1><p>Item 42 of the range</p>'))["sku"] is None


def test_an_accented_ref_label_names_the_sku() -> None:
    body = '<h1>Sac à dos 20L</h1><div>Réf. : <span>8529017</span></div><span class="price">9,99 €</span>'
    assert listing(page(body, lang="fr"), "https://shop.example.fr/p/1")["sku"] == "8529017"


def test_vietnamese_maker_label_and_a_crumb_that_extends_its_category() -> None:
    spec = '<h1>Tủ lạnh Samsung Inverter 488 lít</h1><ul><li><p>Hãng:</p><div>Samsung</div></li></ul>'
    assert listing(page(spec, lang="vi"), "https://shop.example.vn/p/1")["brand"] == "Samsung"
    crumbs = ('<ul class="breadcrumb"><li><a href="/tu-lanh">Tủ lạnh</a></li><li><a href="/tu-lanh-samsung">'
              'Tủ lạnh Samsung</a></li></ul><h1>Tủ lạnh Samsung Inverter 488 lít</h1>')
    assert listing(page(crumbs, lang="vi"), "https://shop.example.vn/p/1")["brand"] == "Samsung"


BAUHAUS = ('<h1>Akku-Bohrschrauber UniversalDrill 18V-60</h1><div class="price-uvp">UVP 219,99 €</div>'
           '<div class="price-current">149,00 €</div><div class="availability">'
           '<div class="availability-online">Online verfügbar – Lieferzeit 2–4 Werktage</div>'
           '<div class="availability-store">Im Fachcentrum Spandau derzeit nicht vorrätig</div></div>'
           '<button>In den Warenkorb</button>')


def stale(price: str, availability: str) -> str:
    data = {"@type": "Product", "name": "Akku-Bohrschrauber UniversalDrill 18V-60", "sku": "29812345", "brand": "Bosch",
            "offers": {"price": price, "priceCurrency": "EUR", "availability": f"https://schema.org/{availability}"}}
    return jsonld(data)


def test_stock_lines_of_the_shop_and_a_store_in_one_block_speak_apart() -> None:
    assert listing(page(BAUHAUS, lang="de"), "https://shop.example.de/p/1")["availability"] == "InStock"


def test_structured_data_left_at_a_price_before_the_sale_gives_way_to_the_shown_one() -> None:
    assert listing(page(BAUHAUS, lang="de", head=stale("169.00", "InStock")), "https://shop.example.de/p/1")[
        "price"] == Decimal("149.00")
    # a structured price outside the sale's span, or one the page shows, is kept
    assert listing(page(BAUHAUS, lang="de", head=stale("139.00", "InStock")), "https://shop.example.de/p/1")[
        "price"] == Decimal("139.00")
    shown = BAUHAUS.replace("</button>", "</button><p>Set mit Koffer: <b>169,00 €</b></p>")
    assert listing(page(shown, lang="de", head=stale("169.00", "InStock")), "https://shop.example.de/p/1")[
        "price"] == Decimal("169.00")


def test_a_stock_line_and_an_enabled_buy_button_outweigh_structured_out_of_stock() -> None:
    assert listing(page(BAUHAUS, lang="de", head=stale("149.00", "OutOfStock")), "https://shop.example.de/p/1")[
        "availability"] == "InStock"
    disabled = BAUHAUS.replace("<button>", "<button disabled>")
    assert listing(page(disabled, lang="de", head=stale("149.00", "OutOfStock")), "https://shop.example.de/p/1")[
        "availability"] == "OutOfStock"


def test_a_row_of_quantity_tiers_gives_the_single_units_price() -> None:
    tiers = ('<h1>Corrugated Boxes 12 x 12 x 12"</h1><table><tr><td class="price">$41</td><td class="price">$37</td>'
             '<td class="price">$34</td><td class="price">$31</td></tr></table>')
    assert listing(page(tiers))["price"] == Decimal("41")
    # two prices side by side are a price before and after a discount: the lower one
    pair = '<h1>Jacket</h1><div><span class="price">$40.00</span><span class="price">$28.00</span></div>'
    assert listing(page(pair))["price"] == Decimal("28.00")


def test_a_product_group_without_a_selected_variant_is_not_its_first_size() -> None:
    variants = [{"@type": "Product", "sku": f"20512346{n}", "size": size, "offers": {
        "price": "40.00", "priceCurrency": "GBP", "availability": f"https://schema.org/{stock}"}}
        for n, (size, stock) in enumerate([("XS", "OutOfStock"), ("S", "InStock"), ("M", "InStock")])]
    group = {"@type": "ProductGroup", "name": "Borg fleece jacket", "productGroupID": "205123456",
             "brand": {"@type": "Brand", "name": "ASOS DESIGN"}, "hasVariant": variants}
    body = '<h1>Borg fleece jacket</h1><p>Product Code: 205123456</p><button>Add to bag</button>'
    item = listing(page(body, head=jsonld(group)))
    assert (item["sku"], item["availability"], item["price"]) == ("205123456", "InStock", Decimal("40.00"))
    # a variant named by the page's URL is still the one the page shows
    for variant, url in zip(variants, ("/p?s=xs", "/p?s=s", "/p?s=m"), strict=True):
        variant["url"] = f"https://shop.example/p/1{url}"
    chosen = listing(page(body, head=jsonld(group)), "https://shop.example/p/1/p?s=xs")
    assert (chosen["sku"], chosen["availability"]) == ("205123460", "OutOfStock")


def test_a_brand_in_capitals_before_a_model_code_starts_the_title() -> None:
    tv = '<h1>SAMSUNG QE55Q60DAUXXU 55" Smart 4K QLED TV</h1><span class="price">£499.00</span>'
    assert listing(page(tv), "https://shop.example.co.uk/p/1")["brand"] == "SAMSUNG"
    for title in ('LED 4K TV Stand 120cm', 'USB C Cable 2m braided', 'SAMSUNG Galaxy S24 Ultra 256GB'):
        assert listing(page(f'<h1>{title}</h1><span class="price">£19.00</span>'),
                       "https://shop.example.co.uk/p/1").get("brand") is None, title


def test_rand_in_a_price_block_on_a_site_of_no_country() -> None:
    body = '<h1>Russell Hobbs Kettle</h1><div class="buybox-price"><span class="currency">R 499</span></div>'
    assert (lambda i: (i["price"], i["currency"]))(listing(page(body), "https://shop.example.com/p/1")) == (
        Decimal("499"), "ZAR")
    # outside a price block a capital R and a number is no money ("Canon EOS R 50")
    assert listing(page('<h1>Canon EOS</h1><p>R 50</p>'), "https://shop.example.com/p/1")["price"] is None


def test_a_removed_products_page_reports_no_stock() -> None:
    removed = ('<h1>Dieser Artikel ist leider nicht mehr verfügbar</h1><section class="related-products">'
               '<div class="product-tile"><a href="/p2">WMF Kochtopfset</a><div class="price">249,99 €</div>'
               '<button>In den Warenkorb</button></div></section>')
    item = listing(page(removed, lang="de"), "https://shop.example.de/p/1")
    assert (item["price"], item["availability"]) == (None, None)
    # a product's page that only says it is sold keeps saying so
    assert listing(page('<h1>Vintage Lamp</h1><div class="badge">Sold</div>'))["availability"] == "OutOfStock"


def test_a_states_reference_is_the_sku() -> None:
    state = json.dumps({"product": {"id": 180501, "reference": "1805-01", "name": "Théière Bodum Assam",
                                    "price": {"amount": 34.9, "currency": "EUR"}}})
    sel = Selector(text=f"<html><body><h1>Théière Bodum Assam</h1><script>window.__STATE__ = {state};</script></body></html>")
    assert from_state(sel, "Théière Bodum Assam")["sku"] == "1805-01"


def test_a_made_to_order_dispatch_promise_is_in_stock() -> None:
    assert availability_phrase("Made & dispatched in 5 working days") == "InStock"
    assert availability_phrase("Available to order – usually dispatched within 10-14 days") == "BackOrder"
