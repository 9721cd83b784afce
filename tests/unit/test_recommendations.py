"""Scenario D's promotions for similar products, on the fakes: related to what the customer bought,
in stock somewhere, never what they bought already, promotions first."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from shared.catalog.model import PricePoint, PriceSchedule, Promotion, Text
from shared.catalog.recommendations import for_customer
from shared.errors import Forbidden
from shared.identity import Caller
from shared.purchases.model import PurchasedLine
from shared.purchases.service import record_store_sale
from shared.stock import service as stock_service
from tests.fakes.catalog import ALWAYS, MemoryCatalog, product_for
from tests.returns_machine import Shop, memory_shop

STORE = "amsterdam-kalverstraat"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
CUSTOMER = Caller(role="customer", subject="d-1")
ERP = Caller(role="integration", subject="erp")


@pytest.fixture
def shop() -> Shop:
    return memory_shop()


@pytest.fixture
def catalog() -> MemoryCatalog:
    catalog = MemoryCatalog()
    products = {
        "JKT": replace(product_for(["JKT-1"], product_id="JKT"), similar=("PARKA", "COAT"), accessories=("SCARF",)),
        "PARKA": product_for(["PARKA-1"], product_id="PARKA"),
        "COAT": product_for(["COAT-S", "COAT-M"], product_id="COAT"),
        "SCARF": product_for(["SCARF-1"], product_id="SCARF"),
    }
    for product in products.values():
        catalog.upsert_product(product)
        for variant in product.variants:
            catalog.set_prices(variant.sku, PriceSchedule((PricePoint(5000, ALWAYS),), version=1))
    catalog.put_promotion(Promotion("scarves", Text(nl="Sjaals", en="Scarves"), starts_at=ALWAYS,
                                    ends_at=datetime(2030, 1, 1, tzinfo=UTC), percent_off=20,
                                    skus=frozenset({"SCARF-1"})))
    return catalog


def count(shop: Shop, sku: str, units: int) -> None:
    stock_service.record_count(store=shop.stock, transactions=shop.transactions, directory=shop.directory, caller=ERP,
                               sku=sku, location_id=STORE, on_hand=units, as_of=NOW, idempotency_key=f"count-{sku}",
                               source="test")


def buy(shop: Shop, sku: str) -> None:
    record_store_sale(purchases=shop.purchases, stock=shop.stock, transactions=shop.transactions,
                      directory=shop.directory, caller=Caller(role="staff", subject="till", location_id=STORE),
                      location_id=STORE, receipt_id=f"r-{sku}", lines=[PurchasedLine(sku, 1, 5000)], purchased_at=NOW,
                      customer_id=CUSTOMER.subject, receipt_email=None)


def recommend(shop: Shop, catalog: MemoryCatalog, caller: Caller = CUSTOMER) -> list[str]:
    found = for_customer(purchases=shop.purchases, catalog=catalog, stock=shop.stock, directory=shop.directory,
                         caller=caller, now=NOW)
    return [r.product_id for r in found]


def test_related_products_in_stock_come_with_promotions_first(shop: Shop, catalog: MemoryCatalog) -> None:
    for sku in ("JKT-1", "PARKA-1", "COAT-M", "SCARF-1"):
        count(shop, sku, 3)
    buy(shop, "JKT-1")
    found = for_customer(purchases=shop.purchases, catalog=catalog, stock=shop.stock, directory=shop.directory,
                         caller=CUSTOMER, now=NOW)
    assert [r.product_id for r in found] == ["SCARF", "COAT", "PARKA"]
    scarf, coat = found[0], found[1]
    assert scarf.promotion is not None and scarf.price.price_cents == 4000 and scarf.because_of == "JKT"
    assert coat.sku == "COAT-M"  # the variant that is in stock


def test_nothing_out_of_stock_and_nothing_bought_already(shop: Shop, catalog: MemoryCatalog) -> None:
    for sku in ("JKT-1", "SCARF-1", "COAT-S"):
        count(shop, sku, 2)
    buy(shop, "JKT-1")
    buy(shop, "SCARF-1")
    assert recommend(shop, catalog) == ["COAT"]  # the parka has no stock, the scarf is bought


def test_a_customer_who_bought_nothing_gets_nothing_and_staff_may_not_ask(shop: Shop,
                                                                          catalog: MemoryCatalog) -> None:
    assert recommend(shop, catalog) == []
    with pytest.raises(Forbidden):
        recommend(shop, catalog, Caller(role="staff", subject="anna", location_id=STORE))
