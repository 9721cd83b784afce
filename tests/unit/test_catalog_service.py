"""The catalog on fakes: a product page with prices, promotions and availability; lists and
search; versioned updates from the ERP (older or repeated ones ignored); what goes with what."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from shared.catalog import service
from shared.catalog.model import PricePoint, PriceSchedule, Product, Promotion, Text, Variant
from shared.errors import Forbidden, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Address, Coordinates, Location, LocationType
from shared.stock import service as stock_service
from shared.stock.model import ChangeKind
from tests.fakes.catalog_browsing import BrowsableCatalog, MemoryBoughtTogether
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.stock import MemoryStockStore
from tests.fakes.transaction import MemoryTransactions
from tests.names import Names

UTRECHT, ROTTERDAM = "utrecht-oudegracht", "rotterdam-lijnbaan"
ERP = Caller(role="integration", subject="erp")
SHOPPER = Caller(role="public")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
JANUARY = datetime(2026, 1, 1, tzinfo=UTC)


def a_location(location_id: str) -> Location:
    return Location(location_id=location_id, name=location_id, type=LocationType.STORE,
                    address=Address(street="Straat 1", postal_code="1234 AB", city="Utrecht"),
                    coordinates=Coordinates(lat=52.09, lon=5.12))


def product(product_id: str, category: str, nl: str, en: str, sizes: tuple[str, ...] = ("OS",), *,
            accessories: tuple[str, ...] = (), version: int = 1) -> Product:
    return Product(product_id=product_id, name=Text(nl, en), description=Text(f"Over {nl}", f"About {en}"),
                   category=category, vat_rate_percent=21,
                   variants=tuple(Variant(f"{product_id}-{size}", (("size", size),)) for size in sizes),
                   accessories=accessories, version=version)


def schedule(*points: tuple[int, datetime], version: int = 1) -> PriceSchedule:
    return PriceSchedule(tuple(PricePoint(cents, since) for cents, since in points), version=version)


SCARVES_20 = Promotion(promotion_id="winter-scarves", name=Text("20% korting op sjaals", "20% off scarves"),
                       starts_at=JANUARY, ends_at=datetime(2031, 1, 1, tzinfo=UTC), percent_off=20,
                       categories=frozenset({"scarves"}))


@dataclass
class Shop:
    catalog: BrowsableCatalog = field(default_factory=BrowsableCatalog)
    together: MemoryBoughtTogether = field(default_factory=MemoryBoughtTogether)
    stock: MemoryStockStore = field(default_factory=MemoryStockStore)
    names: Names = field(default_factory=lambda: Names("catalog"))
    directory: LocationDirectory = field(init=False)

    def __post_init__(self) -> None:
        locations = MemoryLocationStore()
        for location_id in (UTRECHT, ROTTERDAM):
            locations.put(a_location(location_id))
        self.directory = LocationDirectory(locations)

    def add(self, item: Product, price_cents: int) -> None:
        service.upsert_product(writer=self.catalog, caller=ERP, product=item)
        for variant in item.variants:
            service.set_prices(writer=self.catalog, caller=ERP, sku=variant.sku,
                               schedule=schedule((price_cents, JANUARY)))

    def receive(self, sku: str, location_id: str, quantity: int, kind: ChangeKind = ChangeKind.RECEIPT) -> None:
        stock_service.record_change(store=self.stock, transactions=MemoryTransactions(), directory=self.directory,
                                    caller=ERP, sku=sku, location_id=location_id, kind=kind, quantity=quantity,
                                    idempotency_key=self.names(), source="test")

    def listed(self, **query: object) -> tuple[list[service.ProductSummary], str | None]:
        arguments: dict = {"category": None, "text": None, "in_stock_at": None, "limit": 20, "cursor": None} | query
        return service.list_products(listing=self.catalog, catalog=self.catalog, stock=self.stock,
                                     directory=self.directory, at=NOW, **arguments)


JACKET = product("JKT-RAIN-NAVY", "jackets", "Regenjas navy", "Rain jacket navy", ("M", "L"),
                 accessories=("SCF-KNIT-RED", "BAG-CANVAS-OLIVE"))
SCARF = product("SCF-KNIT-RED", "scarves", "Gebreide sjaal rood", "Knitted scarf red")
BAG = product("BAG-CANVAS-OLIVE", "bags", "Canvas tas olijfgroen", "Canvas bag olive")
SOCKS = product("SOCK-3PK-MIX", "socks", "Sokken 3-pack", "Socks 3-pack", ("39-42", "43-46"))


@pytest.fixture
def shop() -> Shop:
    world = Shop()
    for item, price in ((JACKET, 8999), (SCARF, 2499), (BAG, 3499), (SOCKS, 1299)):
        world.add(item, price)
    service.put_promotion(writer=world.catalog, caller=ERP, promotion=SCARVES_20)
    return world


# -- the product page ---------------------------------------------------------------------------


def test_a_product_page_has_each_variants_price_promotion_and_availability(shop: Shop) -> None:
    # given
    shop.receive("SCF-KNIT-RED-OS", UTRECHT, 3)
    shop.receive("SCF-KNIT-RED-OS", ROTTERDAM, 2)
    shop.receive("SCF-KNIT-RED-OS", ROTTERDAM, 2, kind=ChangeKind.SALE)
    # when
    page = service.product_page(catalog=shop.catalog, stock=shop.stock, directory=shop.directory,
                                product_id="SCF-KNIT-RED", at=NOW)
    # then
    (scarf,) = page.variants
    assert scarf.price is not None
    assert (scarf.price.list_price_cents, scarf.price.price_cents, scarf.price.promotion_id) == (
        2499, 1999, "winter-scarves")
    assert [(a.location_id, a.available) for a in scarf.availability] == [(ROTTERDAM, 0), (UTRECHT, 3)]
    assert [p.promotion_id for p in page.promotions] == ["winter-scarves"]
    assert page.product.name.in_("en") == "Knitted scarf red"


def test_a_variant_without_a_price_yet_is_shown_unpriced(shop: Shop) -> None:
    # given
    service.upsert_product(writer=shop.catalog, caller=ERP, product=replace(
        JACKET, variants=(*JACKET.variants, Variant("JKT-RAIN-NAVY-XL", (("size", "XL"),))), version=2))
    # when
    page = service.product_page(catalog=shop.catalog, stock=shop.stock, directory=shop.directory,
                                product_id="JKT-RAIN-NAVY", at=NOW)
    # then
    assert [(v.sku, v.price.price_cents if v.price else None) for v in page.variants] == [
        ("JKT-RAIN-NAVY-M", 8999), ("JKT-RAIN-NAVY-L", 8999), ("JKT-RAIN-NAVY-XL", None)]
    assert page.promotions == ()


def test_an_unknown_product_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        service.product_page(catalog=shop.catalog, stock=shop.stock, directory=shop.directory,
                                product_id="NOPE", at=NOW)


def test_a_scheduled_price_applies_from_its_moment(shop: Shop) -> None:
    # given
    later = datetime(2026, 12, 26, tzinfo=UTC)
    service.set_prices(writer=shop.catalog, caller=ERP, sku="BAG-CANVAS-OLIVE-OS",
                       schedule=schedule((2999, later), (3499, JANUARY), version=2))
    # when
    before = service.product_page(catalog=shop.catalog, stock=shop.stock, directory=shop.directory,
                                product_id="BAG-CANVAS-OLIVE", at=NOW)
    after = service.product_page(catalog=shop.catalog, stock=shop.stock, directory=shop.directory,
                                product_id="BAG-CANVAS-OLIVE", at=later)
    # then
    assert before.variants[0].price and before.variants[0].price.price_cents == 3499
    assert after.variants[0].price and after.variants[0].price.price_cents == 2999


# -- lists and search -----------------------------------------------------------------------------


def test_products_are_listed_by_id_with_their_lowest_price_now(shop: Shop) -> None:
    found, cursor = shop.listed()
    assert [(s.product.product_id, s.lowest.price_cents if s.lowest else None) for s in found] == [
        ("BAG-CANVAS-OLIVE", 3499), ("JKT-RAIN-NAVY", 8999), ("SCF-KNIT-RED", 1999), ("SOCK-3PK-MIX", 1299)]
    assert cursor is None


def test_a_category_lists_only_its_products(shop: Shop) -> None:
    found, _ = shop.listed(category="scarves")
    assert [s.product.product_id for s in found] == ["SCF-KNIT-RED"]


@pytest.mark.parametrize("text", ["sjaal", "SCARF", "  Knitted   scarf "])
def test_text_search_finds_dutch_and_english_names_whatever_the_case(shop: Shop, text: str) -> None:
    found, _ = shop.listed(text=text)
    assert [s.product.product_id for s in found] == ["SCF-KNIT-RED"]


def test_in_stock_at_keeps_products_with_a_variant_available_there(shop: Shop) -> None:
    # given
    shop.receive("JKT-RAIN-NAVY-L", UTRECHT, 1)
    shop.receive("SOCK-3PK-MIX-39-42", UTRECHT, 2)
    shop.receive("SOCK-3PK-MIX-39-42", UTRECHT, 2, kind=ChangeKind.SALE)
    shop.receive("BAG-CANVAS-OLIVE-OS", ROTTERDAM, 4)
    # when
    found, _ = shop.listed(in_stock_at=UTRECHT)
    # then
    assert [s.product.product_id for s in found] == ["JKT-RAIN-NAVY"]


def test_in_stock_at_an_unknown_location_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.listed(in_stock_at="atlantis")


def test_pages_follow_each_other_without_gaps_or_repeats(shop: Shop) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        found, cursor = shop.listed(limit=3, cursor=cursor)
        seen += [s.product.product_id for s in found]
        if cursor is None:
            break
    assert seen == ["BAG-CANVAS-OLIVE", "JKT-RAIN-NAVY", "SCF-KNIT-RED", "SOCK-3PK-MIX"]


def test_only_running_promotions_are_listed(shop: Shop) -> None:
    # given
    ended = replace(SCARVES_20, promotion_id="summer", starts_at=JANUARY, ends_at=datetime(2026, 9, 1, tzinfo=UTC))
    service.put_promotion(writer=shop.catalog, caller=ERP, promotion=ended)
    # when / then
    assert [p.promotion_id for p in service.running_promotions(catalog=shop.catalog, at=NOW)] == ["winter-scarves"]


# -- updates from the ERP -------------------------------------------------------------------------


def test_an_older_or_repeated_product_update_is_ignored(shop: Shop) -> None:
    # given
    renamed = replace(SCARF, name=Text("Sjaal rood", "Scarf red"), version=3)
    assert service.upsert_product(writer=shop.catalog, caller=ERP, product=renamed).status == "applied"
    # when
    again = service.upsert_product(writer=shop.catalog, caller=ERP, product=renamed)
    older = service.upsert_product(writer=shop.catalog, caller=ERP, product=replace(SCARF, version=2))
    # then
    assert (again.status, older.status) == ("ignored", "ignored")
    page = service.product_page(catalog=shop.catalog, stock=shop.stock, directory=shop.directory,
                                product_id="SCF-KNIT-RED", at=NOW)
    assert page.product.name.nl == "Sjaal rood"


def test_an_older_price_never_overwrites_a_newer_one(shop: Shop) -> None:
    # given
    newer = service.set_prices(writer=shop.catalog, caller=ERP, sku="BAG-CANVAS-OLIVE-OS",
                               schedule=schedule((3999, JANUARY), version=5))
    # when
    older = service.set_prices(writer=shop.catalog, caller=ERP, sku="BAG-CANVAS-OLIVE-OS",
                               schedule=schedule((100, JANUARY), version=4))
    # then
    assert (newer.applied, older.applied) == (True, False)
    assert shop.catalog.price_list(["BAG-CANVAS-OLIVE-OS"]).price("BAG-CANVAS-OLIVE-OS", NOW).price_cents == 3999


def test_a_promotion_update_applies_only_when_newer(shop: Shop) -> None:
    thirty = replace(SCARVES_20, percent_off=30, version=2)
    assert service.put_promotion(writer=shop.catalog, caller=ERP, promotion=thirty).applied
    assert not service.put_promotion(writer=shop.catalog, caller=ERP, promotion=SCARVES_20).applied
    assert shop.catalog.price_list(["SCF-KNIT-RED-OS"]).price("SCF-KNIT-RED-OS", NOW).price_cents == 1749


@pytest.mark.parametrize("caller", [SHOPPER, Caller(role="customer", subject="c"),
                                    Caller(role="staff", subject="s", location_id=UTRECHT)])
def test_only_the_erp_and_head_office_update_the_catalog(shop: Shop, caller: Caller) -> None:
    with pytest.raises(Forbidden):
        service.upsert_product(writer=shop.catalog, caller=caller, product=replace(SCARF, version=9))
    with pytest.raises(Forbidden):
        service.set_prices(writer=shop.catalog, caller=caller, sku="SCF-KNIT-RED-OS",
                           schedule=schedule((1, JANUARY), version=9))
    assert shop.catalog.products_by_id["SCF-KNIT-RED"].version == 1


@pytest.mark.parametrize("bad", [
    replace(SCARF, variants=()),
    replace(SCARF, variants=(Variant("X-1"), Variant("X-1"))),
    replace(SCARF, vat_rate_percent=19),
    replace(SCARF, accessories=("SCF-KNIT-RED",)),
])
def test_a_product_that_breaks_a_rule_is_refused(shop: Shop, bad: Product) -> None:
    with pytest.raises(InvalidRequest):
        service.upsert_product(writer=shop.catalog, caller=ERP, product=replace(bad, version=7))


@pytest.mark.parametrize("bad", [
    replace(SCARVES_20, ends_at=JANUARY),
    replace(SCARVES_20, percent_off=0),
    replace(SCARVES_20, categories=frozenset()),
])
def test_a_promotion_that_breaks_a_rule_is_refused(shop: Shop, bad: Promotion) -> None:
    with pytest.raises(InvalidRequest):
        service.put_promotion(writer=shop.catalog, caller=ERP, promotion=replace(bad, version=7))


def test_an_import_applies_each_item_once_and_reports_each(shop: Shop) -> None:
    # given
    hat = product("HAT-WOOL-GREY", "hats", "Muts grijs", "Beanie grey")
    # when
    first = service.import_batch(writer=shop.catalog, caller=ERP, products=[hat, SCARF],
                                 prices=[("HAT-WOOL-GREY-OS", schedule((1999, JANUARY)))], promotions=[SCARVES_20])
    again = service.import_batch(writer=shop.catalog, caller=ERP, products=[hat],
                                 prices=[("HAT-WOOL-GREY-OS", schedule((1999, JANUARY)))])
    # then
    assert [(o.kind, o.id, o.status) for o in first] == [
        ("product", "HAT-WOOL-GREY", "applied"), ("product", "SCF-KNIT-RED", "ignored"),
        ("price", "HAT-WOOL-GREY-OS", "applied"), ("promotion", "winter-scarves", "ignored")]
    assert [o.status for o in again] == ["ignored", "ignored"]


def test_an_import_with_one_bad_item_changes_nothing(shop: Shop) -> None:
    # given
    hat = product("HAT-WOOL-GREY", "hats", "Muts grijs", "Beanie grey")
    # when
    with pytest.raises(InvalidRequest) as refused:
        service.import_batch(writer=shop.catalog, caller=ERP, products=[hat],
                             prices=[("HAT-WOOL-GREY-OS", schedule((1999, JANUARY), (2999, JANUARY)))])
    # then
    assert refused.value.extra["field"] == "prices.0.prices"
    assert "HAT-WOOL-GREY" not in shop.catalog.products_by_id


# -- what goes with what ----------------------------------------------------------------------------


def test_suggestions_are_accessories_available_here_then_what_is_bought_together(shop: Shop) -> None:
    # given
    for sku, quantity in (("SCF-KNIT-RED-OS", 2), ("BAG-CANVAS-OLIVE-OS", 5), ("SOCK-3PK-MIX-43-46", 4),
                          ("JKT-RAIN-NAVY-L", 1)):
        shop.receive(sku, UTRECHT, quantity)
    shop.receive("SOCK-3PK-MIX-39-42", ROTTERDAM, 9)
    service.count_bought_together(catalog=shop.catalog, together=shop.together, purchase_id="p-1",
                                  skus=["JKT-RAIN-NAVY-M", "SOCK-3PK-MIX-43-46"])
    # when
    found = service.goes_with(catalog=shop.catalog, together=shop.together, stock=shop.stock,
                              location_id=UTRECHT, skus=["JKT-RAIN-NAVY-M"], at=NOW)
    # then: the relations' order first (scarf, bag), then socks; never the jacket itself
    assert [(s.sku, s.price.price_cents, s.available) for s in found] == [
        ("SCF-KNIT-RED-OS", 1999, 2), ("BAG-CANVAS-OLIVE-OS", 3499, 5), ("SOCK-3PK-MIX-43-46", 1299, 4)]
    assert found[0].entry.name.nl == "Gebreide sjaal rood"


def test_a_purchase_counts_once_however_often_it_is_delivered(shop: Shop) -> None:
    for _ in range(3):
        service.count_bought_together(catalog=shop.catalog, together=shop.together, purchase_id="p-1",
                                      skus=["JKT-RAIN-NAVY-M", "SOCK-3PK-MIX-43-46", "UNKNOWN-SKU"])
    assert shop.together.partners("JKT-RAIN-NAVY", 5) == [("SOCK-3PK-MIX", 1)]
    assert shop.together.partners("SOCK-3PK-MIX", 5) == [("JKT-RAIN-NAVY", 1)]


def test_one_product_bought_alone_counts_nothing(shop: Shop) -> None:
    counted = service.count_bought_together(catalog=shop.catalog, together=shop.together, purchase_id="p-2",
                                            skus=["JKT-RAIN-NAVY-M", "JKT-RAIN-NAVY-L"])
    assert not counted and shop.together.counts == {}


# -- the language of a page ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "accept", "expected"), [
    (None, None, "nl"),
    ("en", "nl", "en"),
    (None, "en-GB,en;q=0.9", "en"),
    (None, "de-DE,de;q=0.9,en;q=0.5,nl;q=0.4", "en"),
    (None, "en;q=0.2,nl-BE;q=0.8", "nl"),
    (None, "fr, en;q=0", "nl"),
    (None, "en;q=x", "nl"),
])
def test_the_language_is_the_query_first_then_the_best_of_accept_language(lang: str | None, accept: str | None,
                                                                           expected: str) -> None:
    from shared.http.catalog_models import language_of

    assert language_of(lang, accept) == expected
