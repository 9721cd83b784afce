"""Putting SKUs in a catalog for a test: the same for the in-memory catalog and the DynamoDB one.

Every reservation, order and sale is priced by the server, so a test that sells a SKU prices it
first. ``price_skus`` goes through the catalog's writer port (``upsert_product``, ``set_prices``),
so the fakes and the adapter are seeded the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared.catalog.model import PricePoint, PriceSchedule
from shared.catalog.ports import CatalogWriter
from tests.fakes.catalog import ALWAYS, product_for


def price_skus(catalog: CatalogWriter, skus: Iterable[str], cents: int, *, since: datetime = ALWAYS,
               version: int = 1) -> None:
    """Each SKU its own product with one price from ``since`` (a newer ``version`` changes a price)."""
    for sku in skus:
        catalog.upsert_product(product_for([sku]))
        catalog.set_prices(sku, PriceSchedule((PricePoint(cents, since),), version=version))
