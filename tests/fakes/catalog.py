"""The catalog in memory, with the same rules as the DynamoDB one: an update applies only when
its version is newer; a SKU is known once its product says so and priced once it has a price."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from shared.catalog.model import CatalogEntry, PriceList, PricePoint, PriceSchedule, Product, Promotion, Text, Variant
from shared.catalog.ports import ProductPage

ALWAYS = datetime(2020, 1, 1, tzinfo=UTC)  # a price valid since before anything a test does


def product_for(skus: Iterable[str], *, product_id: str | None = None, category: str | None = None,
                vat_rate_percent: int = 21) -> Product:
    """A plain product whose variants are these SKUs (named after the first)."""
    variants = tuple(Variant(sku) for sku in skus)
    first = variants[0].sku
    return Product(product_id=product_id or f"P-{first}", name=Text(nl=f"Artikel {first}", en=f"Item {first}"),
                   description=Text(nl="", en=""), category=category or first.split("-", 1)[0],
                   vat_rate_percent=vat_rate_percent, variants=variants)


class MemoryCatalog:
    def __init__(self) -> None:
        self.products_by_id: dict[str, Product] = {}
        self.entries: dict[str, CatalogEntry] = {}
        self.schedules: dict[str, PriceSchedule] = {}
        self.promotions: dict[str, Promotion] = {}

    def stock_up(self, skus: Iterable[str], *, price_cents: int = 1000, since: datetime = ALWAYS) -> None:
        """Each SKU its own product with one price: what most tests need to sell it."""
        for sku in skus:
            self.upsert_product(product_for([sku]))
            self.set_prices(sku, PriceSchedule((PricePoint(price_cents, since),), version=1))

    def upsert_product(self, product: Product) -> bool:
        known = self.products_by_id.get(product.product_id)
        if known is not None and known.version >= product.version:
            return False
        if known is not None:  # variants it no longer lists are no longer sold
            for dropped in {v.sku for v in known.variants} - {v.sku for v in product.variants}:
                self.entries.pop(dropped, None)
        self.products_by_id[product.product_id] = product
        for variant in product.variants:
            self.entries[variant.sku] = CatalogEntry(
                sku=variant.sku, product_id=product.product_id, category=product.category, name=product.name,
                vat_rate_percent=product.vat_rate_percent, attributes=variant.attributes)
        return True

    def set_prices(self, sku: str, schedule: PriceSchedule) -> bool:
        known = self.schedules.get(sku)
        if known is not None and known.version >= schedule.version:
            return False
        self.schedules[sku] = schedule
        return True

    def put_promotion(self, promotion: Promotion) -> bool:
        known = self.promotions.get(promotion.promotion_id)
        if known is not None and known.version >= promotion.version:
            return False
        self.promotions[promotion.promotion_id] = promotion
        return True

    def _entry(self, sku: str) -> CatalogEntry | None:
        entry = self.entries.get(sku)
        return None if entry is None else replace(entry, schedule=self.schedules.get(sku))

    def price_list(self, skus: Iterable[str]) -> PriceList:
        found = {sku: entry for sku in set(skus) if (entry := self._entry(sku)) is not None}
        return PriceList(entries=found, promotions=tuple(self.promotions.values()))

    def products(self, product_ids: Iterable[str]) -> list[Product]:
        return [self.products_by_id[pid] for pid in sorted(set(product_ids)) if pid in self.products_by_id]

    def product_page(self, product_id: str) -> ProductPage | None:
        product = self.products_by_id.get(product_id)
        if product is None:
            return None
        entries = tuple(e for v in product.variants if (e := self._entry(v.sku)) is not None)
        return ProductPage(product=product, entries=entries, promotions=tuple(self.promotions.values()))
