"""Promotions for products like the ones a customer bought (scenario D): the catalog's relations
(similar products, accessories) of what they bought, in stock somewhere, not bought already,
with a running promotion first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.catalog.model import PriceList, Product, Promotion, Text, UnitPrice
from shared.catalog.ports import Catalog
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.purchases.ports import PurchaseStore
from shared.stock.ports import StockStore
from shared.stock.service import stock_of_sku

HISTORY = 50  # the most recent purchases looked at
MOST = 6  # recommendations shown


@dataclass(frozen=True)
class Recommendation:
    product_id: str
    name: Text
    sku: str  # the variant in stock with the best price
    price: UnitPrice
    promotion: Promotion | None
    because_of: str  # the bought product it is related to


def for_customer(*, purchases: PurchaseStore, catalog: Catalog, stock: StockStore, directory: LocationDirectory,
                 caller: Caller, now: datetime) -> list[Recommendation]:
    caller.require({"customer"})
    bought, _ = purchases.timeline(caller.subject, HISTORY, None)
    bought_skus = {line.sku for purchase in bought for line in purchase.lines}
    if not bought_skus:
        return []
    bought_products = {entry.product_id for entry in catalog.price_list(bought_skus).entries.values()}
    related: dict[str, str] = {}  # candidate -> the bought product it came from (first wins)
    for product in catalog.products(bought_products):
        for candidate in (*product.similar, *product.accessories):
            if candidate not in bought_products:
                related.setdefault(candidate, product.product_id)
    candidates = catalog.products(related)
    prices = catalog.price_list(v.sku for product in candidates for v in product.variants)
    promotions = {promotion.promotion_id: promotion for promotion in prices.promotions}
    found = []
    for product in candidates:
        best = _best_in_stock(product, prices=prices, stock=stock, directory=directory, now=now)
        if best is not None:
            found.append(Recommendation(
                product_id=product.product_id, name=product.name, sku=best.sku, price=best,
                promotion=promotions.get(best.promotion_id or ""), because_of=related[product.product_id]))
    found.sort(key=lambda r: (r.promotion is None, r.price.price_cents - r.price.list_price_cents, r.product_id))
    return found[:MOST]


def _best_in_stock(product: Product, *, prices: PriceList, stock: StockStore, directory: LocationDirectory,
                   now: datetime) -> UnitPrice | None:
    """The variant with the lowest price that is available at some location."""
    offers = [offer for v in product.variants if (offer := prices.price_if_sold(v.sku, now)) is not None]
    for offer in sorted(offers, key=lambda o: (o.price_cents, o.sku)):
        if any(level.available > 0 for level in stock_of_sku(store=stock, directory=directory, sku=offer.sku)):
            return offer
    return None
