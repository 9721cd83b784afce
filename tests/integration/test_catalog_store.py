"""The DynamoDB catalog against the same rules as the one in memory: versions, prices with
validity, promotions, discontinued variants, and reads at their cost floor."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from local.provision import Provisioned
from shared import wiring
from shared.catalog.model import PricePoint, PriceSchedule, Promotion, Text, UnitPrice, UnknownSkus, Variant
from tests.fakes.catalog import MemoryCatalog, product_for

JAN, JUN, DEC = (datetime(2026, month, 1, tzinfo=UTC) for month in (1, 6, 12))


@pytest.fixture(params=["memory", "dynamodb"])
def catalog(request: pytest.FixtureRequest) -> object:
    if request.param == "memory":
        return MemoryCatalog()
    request.getfixturevalue("aws")
    return wiring.catalog()


def test_a_sku_is_sold_once_its_product_and_price_are_known(catalog: MemoryCatalog) -> None:
    jacket = product_for(["JKT-A-M", "JKT-A-L"], product_id="JKT-A")
    assert catalog.upsert_product(jacket)
    with pytest.raises(UnknownSkus) as unpriced:
        catalog.price_list(["JKT-A-M"]).prices(["JKT-A-M"], JUN)
    assert unpriced.value.extra["skus"] == ["JKT-A-M"]
    assert catalog.set_prices("JKT-A-M", PriceSchedule((PricePoint(8999, JAN), PricePoint(7999, JUN)), version=1))
    prices = catalog.price_list(["JKT-A-M"])
    assert prices.price("JKT-A-M", JAN).price_cents == 8999
    assert prices.price("JKT-A-M", DEC).price_cents == 7999  # the scheduled change applies from June
    assert prices.entries["JKT-A-M"].name == jacket.name


def test_an_older_or_repeated_update_changes_nothing(catalog: MemoryCatalog) -> None:
    product = product_for(["BAG-B-OS"], product_id="BAG-B")
    assert catalog.upsert_product(replace(product, version=2))
    assert not catalog.upsert_product(replace(product, version=2, name=Text(nl="Oud", en="Old")))
    assert not catalog.upsert_product(replace(product, version=1, name=Text(nl="Ouder", en="Older")))
    assert catalog.set_prices("BAG-B-OS", PriceSchedule((PricePoint(2999, JAN),), version=5))
    assert not catalog.set_prices("BAG-B-OS", PriceSchedule((PricePoint(1, JAN),), version=4))
    entry = catalog.price_list(["BAG-B-OS"]).entries["BAG-B-OS"]
    assert entry.name == product.name and entry.schedule is not None
    assert entry.schedule.at(JUN) == 2999


def test_the_best_running_promotion_applies_and_an_older_version_of_it_does_not(catalog: MemoryCatalog) -> None:
    catalog.upsert_product(product_for(["SCF-C-OS"], product_id="SCF-C", category="SCF"))
    catalog.set_prices("SCF-C-OS", PriceSchedule((PricePoint(1999, JAN),), version=1))
    winter = Promotion("winter", Text(nl="Winter", en="Winter"), starts_at=JUN, ends_at=DEC, percent_off=20,
                       categories=frozenset({"SCF"}), version=3)
    assert catalog.put_promotion(winter)
    assert not catalog.put_promotion(replace(winter, percent_off=90, version=2))
    prices = catalog.price_list(["SCF-C-OS"])
    assert prices.price("SCF-C-OS", JAN).price_cents == 1999  # not yet running
    assert prices.price("SCF-C-OS", JUN) == UnitPrice(
        sku="SCF-C-OS", list_price_cents=1999, price_cents=1599, vat_rate_percent=21, promotion_id="winter")


def test_a_product_page_lists_its_variants_in_order_and_not_the_ones_it_dropped(catalog: MemoryCatalog) -> None:
    tee = product_for(["TEE-D-S", "TEE-D-M", "TEE-D-L"], product_id="TEE-D")
    catalog.upsert_product(tee)
    for sku in ("TEE-D-S", "TEE-D-M", "TEE-D-L"):
        catalog.set_prices(sku, PriceSchedule((PricePoint(1499, JAN),), version=1))
    catalog.upsert_product(replace(tee, variants=(Variant("TEE-D-M", (("size", "M"),)), Variant("TEE-D-S")),
                                   version=2))
    page = catalog.product_page("TEE-D")
    assert page is not None and page.product.version == 2
    assert [e.sku for e in page.entries] == ["TEE-D-M", "TEE-D-S"]
    assert page.entries[0].attributes == (("size", "M"),)
    assert catalog.product_page("NOPE") is None


def test_the_price_of_three_lines_is_one_read(aws: Provisioned) -> None:
    catalog = wiring.catalog()
    for sku in ("A-1", "A-2", "A-3"):
        catalog.upsert_product(product_for([sku]))
        catalog.set_prices(sku, PriceSchedule((PricePoint(100, JAN),), version=1))
    calls: list[str] = []
    wiring.catalog()._db.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    prices = catalog.price_list(["A-1", "A-2", "A-3", "UNKNOWN"])
    assert calls == ["BatchGetItem"]
    assert sorted(prices.entries) == ["A-1", "A-2", "A-3"]


def test_a_dropped_variant_is_no_longer_sold(catalog: MemoryCatalog) -> None:
    sock = product_for(["SOCK-E-1", "SOCK-E-2"], product_id="SOCK-E")
    catalog.upsert_product(sock)
    for sku in ("SOCK-E-1", "SOCK-E-2"):
        catalog.set_prices(sku, PriceSchedule((PricePoint(599, JAN),), version=1))
    catalog.upsert_product(replace(sock, variants=sock.variants[:1], version=2))
    assert sorted(catalog.price_list(["SOCK-E-1", "SOCK-E-2"]).entries) == ["SOCK-E-1"]


def test_any_number_of_skus_is_priced_one_read_per_99(catalog: MemoryCatalog) -> None:
    skus = [f"MANY-{n:03d}" for n in range(150)]
    for first in range(0, 150, 30):  # a product has at most 49 variants (one transaction)
        catalog.upsert_product(product_for(skus[first:first + 30], product_id=f"MANY-{first}"))
    for sku in skus:
        catalog.set_prices(sku, PriceSchedule((PricePoint(100, JAN),), version=1))
    prices = catalog.price_list(skus)
    assert sorted(prices.entries) == skus and prices.price("MANY-149", JUN).price_cents == 100
