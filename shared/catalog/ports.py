"""What the catalog use cases, and every use case that prices a line, need from storage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from shared.catalog.model import CatalogEntry, PriceList, PriceSchedule, Product, Promotion


@dataclass(frozen=True)
class ProductPage:
    """A product with its SKUs (each with its price schedule) and the promotions: what a product page shows."""

    product: Product
    entries: tuple[CatalogEntry, ...]
    promotions: tuple[Promotion, ...]


class PriceLists(Protocol):
    def price_list(self, skus: Iterable[str]) -> PriceList:
        """The entries of these SKUs (unknown ones left out) and all promotions, in one read."""
        ...


class Catalog(PriceLists, Protocol):
    def product_page(self, product_id: str) -> ProductPage | None: ...

    def products(self, product_ids: Iterable[str]) -> list[Product]:
        """These products (unknown ones left out), in one read."""
        ...


class CatalogWriter(Protocol):
    """Updates from the ERP (API or bus). Each returns False when it was not newer than what is
    stored (an older or repeated update changes nothing)."""

    def upsert_product(self, product: Product) -> bool: ...

    def set_prices(self, sku: str, schedule: PriceSchedule) -> bool: ...

    def put_promotion(self, promotion: Promotion) -> bool: ...
