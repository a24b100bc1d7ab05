"""Extraction rules found by the twenty-first held-out set (hard pages of shops the others lack): 'Redovna cena' and
Spanish 'Normal' as the price before a reduction, a label naming the shop's card, amounts in three-decimal currencies
('KD 69.900'), a 'pre-reduction' price class, cents split off with their point ('$149' + '.99'), a code the shop
names after itself ('PB Tech Code:') cut at the next label: each rule on a minimal page, with the near case it must
not catch."""

from __future__ import annotations

from decimal import Decimal

from crawlers.prices import parse_price
from tests.crawlers.test_extract_sources import jsonld, listing, page

RS = "https://prodavnica.example.rs/p/1"
CL = "https://tienda.example.cl/p/1"
KW = "https://shop.example.com.kw/p/1"
NZ = "https://shop.example.co.nz/p/1"


def test_a_regular_price_label_marks_the_price_before_a_reduction() -> None:
    body = ('<h1>Galaxy A55</h1><div class="price-box"><div class="ppnormal">Redovna cena: <span>56.999 RSD</span></div>'
            '<div class="ppcena"><span>49.999</span> <span>RSD</span></div></div><button>Dodaj u korpu</button>')
    assert listing(page(body, lang="sr"), RS)["price"] == Decimal("49999")
    # a price under any other label stays a candidate: alone it is the price
    near = '<h1>Galaxy A55</h1><div class="ppcena">Cena: <span>56.999 RSD</span></div><button>Dodaj u korpu</button>'
    assert listing(page(near, lang="sr"), RS)["price"] == Decimal("56999")


def test_structured_data_at_the_normal_price_gives_way_to_the_offer_price() -> None:
    head = jsonld({"@type": "Product", "name": "Refrigerador Altus", "offers": {
        "price": "449990", "priceCurrency": "CLP", "availability": "https://schema.org/InStock"}})
    body = ('<h1>Refrigerador Altus</h1><div class="prices"><div class="price-item"><span>Tarjeta Hites</span>'
            '<span>$299.990</span></div><div class="price-item"><span>Precio Oferta</span><span>$329.990</span></div>'
            '<div class="price-item"><span>Normal</span><span>$449.990</span></div></div><button>Agregar al carro</button>')
    assert listing(page(body, lang="es-CL", head=head), CL)["price"] == Decimal("329990")
    # without the store card's price the offer price stands, and a shipping note named "normal" is no old price
    near = ('<h1>Refrigerador Altus</h1><div class="price"><span>Precio Oferta</span><span>$329.990</span></div>'
            '<button>Agregar al carro</button>')
    assert listing(page(near, lang="es-CL"), CL)["price"] == Decimal("329990")


def test_three_decimal_currencies() -> None:
    assert parse_price("KD 69.900", None) == (Decimal("69.900"), "KWD")
    assert parse_price("1,250.000", "KWD")[0] == Decimal("1250.000")
    # dot thousands elsewhere are unchanged
    assert parse_price("1.299 €", None)[0] == Decimal("1299")
    head = jsonld({"@type": "Product", "name": "AirPods Pro", "offers": {"price": "79.900", "priceCurrency": "KWD"}})
    body = ('<h1>AirPods Pro</h1><div class="pdp-price"><span class="was">KD 79.900</span><span class="now">KD 69.900</span>'
            '</div><button>Add to Cart</button>')
    assert listing(page(body, head=head), KW)["price"] == Decimal("69.900")


def test_a_pre_reduction_price_class_is_the_old_price() -> None:
    head = '<meta property="og:price:amount" content="749.00"><meta property="og:price:currency" content="AED">'
    body = ('<h1>Ultraboost Light</h1><div class="ProductPrice_container"><span class="ProductPrice_sellingPrice">AED 524.30'
            '</span><span class="ProductPrice_preReductionPrice">AED 749.00</span></div><button>Add To Bag</button>')
    assert listing(page(body, head=head), "https://shop.example.ae/p/1")["price"] == Decimal("524.30")
    # "reduced" alone marks no old price: the selling price named so is the price
    near = ('<h1>Ultraboost Light</h1><div class="ProductPrice_container"><span class="ProductPrice_reducedPrice">'
            'AED 524.30</span></div><button>Add To Bag</button>')
    assert listing(page(near), "https://shop.example.ae/p/1")["price"] == Decimal("524.30")


def test_cents_split_off_with_their_point() -> None:
    body = ('<h1>MX Master 3S</h1><div class="price"><div class="ginc"><span class="label">Price incl GST</span> '
            '<span class="dollars">$149</span><span class="cents">.99</span></div><div class="gexc">'
            '<span class="label">excl GST</span> $130.43</div></div><button>Add to cart</button>')
    assert listing(page(body, lang="en-NZ"), NZ)["price"] == Decimal("149.99")
    # an amount that has its decimals already takes no more
    near = ('<h1>MX Master 3S</h1><div class="price"><span class="dollars">$149.50</span><span class="cents">.99</span>'
            '</div><button>Add to cart</button>')
    assert listing(page(near, lang="en-NZ"), NZ)["price"] == Decimal("149.50")


def test_a_code_named_after_the_shop_cut_at_the_next_label() -> None:
    body = ('<h1>MX Master 3S</h1><div class="code">PB Tech Code: MSELOG910559 &nbsp; Mfr Code: 910-006561</div>'
            '<div class="price">$149.99</div><button>Add to cart</button>')
    assert listing(page(body, lang="en-NZ"), NZ)["sku"] == "MSELOG910559"
    # a promo code is no item code
    near = ('<h1>MX Master 3S</h1><div class="promo">Promo Code: SAVE10NOW</div><div class="price">$149.99</div>'
            '<button>Add to cart</button>')
    assert listing(page(near, lang="en-NZ"), NZ).get("sku") is None
