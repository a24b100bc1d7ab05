"""Extraction rules found by the twentieth held-out set (hard pages of shops the others lack): the 30-day lowest price
labelled just before its amount, an approximate conversion, prices in two currencies never compared by number, Czech
'nedostupné' and notify-me buttons as a plain sold-out statement, a reference named after the shop, the Greek 'Κωδ.',
screen-reader text in a brand block, a 'maker' block: each rule on a minimal page, with the near case it must not catch."""

from __future__ import annotations

from decimal import Decimal

from crawlers.availability import availability_phrase
from tests.crawlers.test_extract_sources import jsonld, listing, page

PL = "https://sklep.example.pl/p/1"
CZ = "https://obchod.example.cz/p/1"
BR = "https://loja.example.com.br/p/1"


def test_the_30_day_lowest_price_labelled_before_its_amount_is_not_the_price() -> None:
    body = ('<h1>Pralka WW90T</h1><div class="is-regular-price"><div class="main-price"><span class="whole">1 899</span>'
            '<span class="cents">00</span><span class="currency">zł</span></div></div><div class="omnibus-price">'
            'Najniższa cena z 30 dni przed obniżką: <span>2 099,00 zł</span></div><button>Do koszyka</button>')
    assert listing(page(body, lang="pl"), PL)["price"] == Decimal("1899.00")
    # a price after another amount that follows the label is not the label's ("…30 giorni: 899,00 € €799,–")
    near = ('<h1>Galaxy S24</h1><div class="pdp-price"><span>Prezzo più basso degli ultimi 30 giorni: 899,00 €</span>'
            '<div><span>€</span><span>799</span><span>,–</span></div></div><section><h2>Spesso acquistati insieme</h2>'
            '<div><p>Caricatore</p><span>24,99 €</span></div></section><button>Aggiungi al carrello</button>')
    assert listing(page(near, lang="it"), "https://negozio.example.it/p/1")["price"] == Decimal("799")


def test_an_approximate_conversion_is_not_the_price() -> None:
    body = ('<h1>Kávovar Magnifica Evo</h1><div class="price-wrapper"><div class="price price--eur"><span>cca</span> 423 €'
            '</div><div class="price price--main"><span class="price__actual">10 490 Kč</span></div></div>'
            '<button>Přidat do košíku</button>')
    got = listing(page(body, lang="cs"), CZ)
    assert (got["price"], got["currency"]) == (Decimal("10490"), "CZK")
    # a euro price with no such mark is the price of a page that shows nothing else
    near = '<h1>Kávovar Magnifica Evo</h1><div class="price">423 €</div><button>Přidat do košíku</button>'
    got = listing(page(near, lang="cs"), CZ)
    assert (got["price"], got["currency"]) == (Decimal("423"), "EUR")


def test_prices_side_by_side_in_two_currencies_are_not_compared_by_number() -> None:
    body = ('<h1>Kávovar Magnifica Evo</h1><div class="price-box"><span class="price">423 €</span>'
            '<span class="price">10 490 Kč</span></div><button>Přidat do košíku</button>')
    got = listing(page(body, lang="cs"), CZ)
    assert (got["price"], got["currency"]) == (Decimal("10490"), "CZK")  # the site's own currency, not the smaller figure
    # Bulgaria is on the euro: its euro price is the price even when the lev price comes first
    bg = ('<h1>Прахосмукачка X-Force</h1><div class="pricing"><span class="price">429,99 лв.</span>'
          '<span class="price">219,85 €</span></div><button>Добави в количката</button>')
    got = listing(page(bg, lang="bg"), "https://shop.example.bg/p/1")
    assert (got["price"], got["currency"]) == (Decimal("219.85"), "EUR")
    # two prices in one currency side by side stay the lower one
    near = ('<h1>Kávovar Magnifica Evo</h1><div class="price-box"><span class="price">12 990 Kč</span>'
            '<span class="price">10 490 Kč</span></div><button>Přidat do košíku</button>')
    assert listing(page(near, lang="cs"), CZ)["price"] == Decimal("10490")


def test_czech_unavailable_words() -> None:
    assert availability_phrase("Momentálně nedostupné") == "OutOfStock"
    assert availability_phrase("Hlídat dostupnost") == "OutOfStock"
    # "available at once" is no sold-out statement
    assert availability_phrase("Dostupné ihned") != "OutOfStock"


def test_a_notify_me_button_without_a_buy_button_outweighs_stale_structured_data() -> None:
    head = jsonld({"@type": "Product", "name": "Tênis Ultraboost", "offers": {
        "price": "999.99", "priceCurrency": "BRL", "availability": "https://schema.org/InStock"}})
    body = ('<h1>Tênis Ultraboost</h1><div class="_16x8">R$ 999,99</div><div class="_b4a"><p>Produto esgotado</p>'
            '<button type="button">Avise-me</button></div>')
    assert listing(page(body, lang="pt-BR", head=head), BR)["availability"] == "OutOfStock"
    # with a buy button the page can still sell it: the structured data stands
    near = body.replace('<button type="button">Avise-me</button>', '<button type="button">Comprar</button>')
    assert listing(page(near, lang="pt-BR", head=head), BR)["availability"] == "InStock"


def test_a_reference_named_after_the_shop_is_its_item_code() -> None:
    body = ('<h1>Auscultadores WH-1000XM5</h1><div class="price">349,99 €</div><button>Adicionar ao carrinho</button>'
            '<table><tr><th>Referência Fnac</th><td>9876543</td></tr><tr><th>Modelo</th><td>WH1000XM5B.CE7</td></tr></table>')
    assert listing(page(body, lang="pt"), "https://loja.example.pt/p/1")["sku"] == "9876543"
    greek = ('<h1>Apple iPad 10.9</h1><div class="product-code">Κωδ.: 1701234</div><div class="price">379,00 €</div>'
             '<button>Προσθήκη στο καλάθι</button><table><tr><td>Part Number</td><td>MPQ13HC/A</td></tr></table>')
    assert listing(page(greek, lang="el"), "https://shop.example.gr/p/1")["sku"] == "1701234"
    # the maker's reference is no shop code: the model stays the code
    near = body.replace("Referência Fnac", "Referência Fabricante").replace("9876543", "WH1000XM5B")
    assert listing(page(near, lang="pt"), "https://loja.example.pt/p/1")["sku"] == "WH1000XM5B.CE7"


def test_screen_reader_text_is_not_part_of_the_brand() -> None:
    body = ('<div class="cdtl_info_brand"><a href="/brand/2000001234">LG전자 <span class="blind">브랜드관</span></a></div>'
            '<h2>[LG전자] 코드제로 A9S</h2><div class="price">749,000원</div><button>장바구니</button>')
    assert listing(page(body, lang="ko"), "https://shop.example.kr/p/1")["brand"] == "LG전자"
    # a visible part of the name stays
    near = ('<div class="product-brand"><a href="/b/1">Fenwick <span class="amp">&amp;</span> Bale</a></div>'
            '<h1>Linen Shirt</h1><div class="price">£45.00</div><button>Add to bag</button>')
    assert listing(page(near), "https://shop.example.co.uk/p/1")["brand"] == "Fenwick & Bale"


def test_a_maker_block_names_the_brand() -> None:
    body = ('<div class="bcs_maker"><a href="/bc/category/?entr_nm=x">パナソニック</a></div><h1>ドラム式洗濯乾燥機 NA-LX127DL</h1>'
            '<div class="price">358,000円</div><button>カートに入れる</button>')
    assert listing(page(body, lang="ja"), "https://shop.example.jp/p/1")["brand"] == "パナソニック"
    # a word that only ends in "maker" is no maker block
    near = ('<div class="shoemaker-tips">Pflegetipps</div><h1>Lederschuh Classic</h1><div class="price">89,00 €</div>'
            '<button>In den Warenkorb</button>')
    assert listing(page(near, lang="de"), "https://shop.example.de/p/1").get("brand") is None
