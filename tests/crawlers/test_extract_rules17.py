"""Extraction rules found by the seventeenth held-out set (shops and platforms the others lack): cents in an element
named for them, "Cod. Art.", a store-only item whose online shop says unavailable, size offers' SKUs sharing the
product's code, one JSON-LD Product per size, a state's parent SKU beside the variant's code shown: each rule on a
minimal page, with the near case it must not catch."""

from __future__ import annotations

from decimal import Decimal

from crawlers.page_labels import SKU_RE
from tests.crawlers.test_extract_sources import jsonld, listing, page

NL = "https://shop.example.nl/p/1"


def test_cents_in_an_element_named_for_them() -> None:
    body = ('<h1>Oil &amp; Care Shampoo</h1><div class="pricebadge__new-price"><span class="pricebadge__euros">5</span>'
            '<span class="pricebadge__new-price-fractional">99</span></div>')
    assert listing(page(body, lang="nl"), NL)["price"] == Decimal("5.99")
    # an integer part named "fraction" (Mercado Libre's andes-money-amount__fraction) is no cents
    near = ('<h1>Freidora Ninja</h1><div class="price-line"><span class="money-amount--cents-superscript"><span>$</span>'
            '<span class="money-amount__fraction">1,899</span></span><span class="discount">26% OFF</span></div>')
    assert listing(page(near, lang="es-MX"), "https://shop.example.com.mx/p/1")["price"] == Decimal("1899")


def test_cod_art_labels_the_item_code() -> None:
    assert SKU_RE.match("Cod. Art. 210123456").group("rest") == "210123456"
    assert SKU_RE.match("Cod. 12345").group("rest") == "12345"


STORE_ONLY = ('<h1>Akku-Rasenmäher AdvancedRotak 36-750</h1><span class="price">299,00 €</span>'
              '<div class="availability__online"><span>Online nicht verfügbar</span></div>'
              '<div class="availability__store"><span>Im Markt vorrätig: Berlin-Lichtenberg (3 Stück)</span></div>')


def test_unavailable_online_but_held_by_the_store_is_in_stock() -> None:
    assert listing(page(STORE_ONLY, lang="de"), "https://shop.example.de/p/1")["availability"] == "InStock"
    # the store holds none either: sold out
    near = STORE_ONLY.replace("Im Markt vorrätig: Berlin-Lichtenberg (3 Stück)", "Im Markt: Berlin-Lichtenberg")
    assert listing(page(near, lang="de"), "https://shop.example.de/p/1")["availability"] == "OutOfStock"


def test_out_of_stock_online_with_a_store_check_link_stays_out_of_stock() -> None:
    body = ('<h1>Waffle Bath Towel</h1><span class="price">$15.00</span><div class="delivery-availability">'
            '<b>Out of stock online</b></div><a href="/stores">Check stock in store</a>'
            '<button class="add-to-cart" disabled>Out of stock</button>')
    assert listing(page(body, lang="en-NZ"), "https://shop.example.co.nz/p/1")["availability"] == "OutOfStock"


def _sizes(skus: list[str]) -> dict[str, object]:
    return {"@context": "https://schema.org", "@type": "Product", "name": "Air Max 90", "brand": "Nike",
            "offers": [{"@type": "Offer", "sku": s, "price": "130.00", "priceCurrency": "GBP",
                        "availability": "http://schema.org/InStock"} for s in skus]}


def test_size_offers_sharing_the_code_the_page_shows() -> None:
    product = _sizes(["19384756.0195866789012", "19384756.0195866789029"])
    body = "<h1>Air Max 90</h1><p>Product Code: 19384756_shopuk</p>"
    assert listing(page(body, head=jsonld(product)), "https://shop.example.co.uk/p/1")["sku"] == "19384756"
    # the page shows one size's SKU: that one (Shopify's variants)
    variants = _sizes(["HK-BEAN-GRY", "HK-BEAN-NVY"])
    body = "<h1>Air Max 90</h1><p>SKU: HK-BEAN-GRY</p>"
    assert listing(page(body, head=jsonld(variants)), "https://shop.example.co.uk/p/1")["sku"] == "HK-BEAN-GRY"


def _per_size(size: str, availability: str) -> dict[str, object]:
    return {"@context": "http://schema.org/", "@type": "Product", "sku": f"298765432-250-{size}", "name": "CAMISA LINO",
            "brand": "ZARA", "mpn": f"04387144250-{size}",
            "offers": {"@type": "Offer", "price": "29.95", "priceCurrency": "EUR", "availability": availability}}


def test_one_product_per_size_gives_the_reference_the_page_shows() -> None:
    sizes = [_per_size("1", "https://schema.org/InStock"), _per_size("2", "https://schema.org/OutOfStock")]
    body = '<h1>CAMISA LINO</h1><span class="price">29,95 EUR</span><p>Blanco | 4387/144/250</p>'
    item = listing(page(body, lang="es", head=jsonld(sizes)), "https://shop.example.es/p/1")
    assert item["sku"] == "4387/144/250"
    # without the reference shown: no size's id as the product's code
    bare = body.replace("Blanco | 4387/144/250", "Blanco")
    assert listing(page(bare, lang="es", head=jsonld(sizes)), "https://shop.example.es/p/1").get("sku") is None
    # one Product alone keeps its SKU
    assert listing(page(bare, lang="es", head=jsonld(sizes[0])), "https://shop.example.es/p/1")["sku"] == "298765432-250-1"


def test_a_state_sku_shown_only_as_the_start_of_the_code_shown_is_the_parents() -> None:
    state = ('<script>window.__APOLLO_STATE__ = {"ConfigurableProduct:1":{"sku":"FB-HAR-LCH","name":"Harlow Chair",'
             '"price_range":{"maximum_price":{"final_price":{"currency":"GBP","value":649}}}}};</script>')
    body = ('<h1>Harlow Chair</h1><p class="product-price"><span>£</span><span>649</span><span>.</span><span>00</span></p>'
            '<section><h2>SKU</h2><strong>FB-HAR-LCH-OAT</strong></section>')
    assert listing(page(body + state, lang="en-GB"), "https://shop.example.co.uk/p/1")["sku"] == "FB-HAR-LCH-OAT"
    # the parent's code shown as such: the state's
    shown = body.replace("FB-HAR-LCH-OAT", "FB-HAR-LCH")
    assert listing(page(shown + state, lang="en-GB"), "https://shop.example.co.uk/p/1")["sku"] == "FB-HAR-LCH"
