"""Catalog use cases: what shoppers read (a product page, lists and search, running promotions,
what goes with what) and what the ERP writes (products, prices, promotions).

Writes come from the API and from bus events alike; each applies only when its version is newer
than what is stored, so an older or redelivered update is answered "ignored" and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from shared.catalog.listing import BoughtTogether, Keep, ProductListing
from shared.catalog.model import CatalogEntry, PriceList, PriceSchedule, Product, Promotion, UnitPrice
from shared.catalog.ports import Catalog, CatalogWriter, ProductPage
from shared.errors import InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.stock.ports import StockStore
from shared.stock.service import stock_of_sku

T = TypeVar("T")
ERP = ("integration", "admin")
VAT_RATES = (0, 9, 21)  # the Netherlands: exempt, reduced, standard
MAX_SUGGESTIONS = 5
MAX_SUGGESTED_PRODUCTS = 8  # candidate products read for suggestions (one query each)
MAX_OFFERED = 90  # SKUs looked at for suggestions: their prices and stock here are one read each


# -- reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    location_id: str
    available: int


@dataclass(frozen=True)
class Offer:
    """A variant as it is sold now: its price (None: not priced yet) and where it is available."""

    sku: str
    attributes: tuple[tuple[str, str], ...]
    price: UnitPrice | None
    availability: tuple[Availability, ...] = ()


@dataclass(frozen=True)
class ProductOffer:
    product: Product
    variants: tuple[Offer, ...]
    promotions: tuple[Promotion, ...]  # running now for at least one variant


@dataclass(frozen=True)
class ProductSummary:
    """A product in a list: the lowest price of its variants (None: none priced)."""

    product: Product
    lowest: UnitPrice | None


def _page_prices(page: ProductPage) -> PriceList:
    return PriceList(entries={entry.sku: entry for entry in page.entries}, promotions=page.promotions)


def product_page(*, catalog: Catalog, stock: StockStore, directory: LocationDirectory, product_id: str,
                 at: datetime) -> ProductOffer:
    """A product with each variant's price now and its availability per active location (one query per SKU)."""
    page = catalog.product_page(product_id)
    if page is None:
        raise NotFound(f"Product {product_id!r} was not found.")
    prices = _page_prices(page)
    variants = []
    for variant in page.product.variants:
        levels = stock_of_sku(store=stock, directory=directory, sku=variant.sku)
        variants.append(Offer(sku=variant.sku, attributes=variant.attributes,
                              price=prices.price_if_sold(variant.sku, at),
                              availability=tuple(Availability(level.location_id, max(0, level.available))
                                                 for level in levels)))
    used = {offer.price.promotion_id for offer in variants if offer.price and offer.price.promotion_id}
    return ProductOffer(product=page.product, variants=tuple(variants),
                        promotions=tuple(sorted((p for p in page.promotions if p.promotion_id in used),
                                                key=lambda p: p.promotion_id)))


def _lowest_prices(catalog: Catalog, products: Sequence[Product], at: datetime) -> dict[str, UnitPrice]:
    """Each product's lowest priced variant (one price-list read per 99 SKUs)."""
    skus = [variant.sku for product in products for variant in product.variants]
    lowest: dict[str, UnitPrice] = {}
    price_list = catalog.price_list(skus)
    for sku, entry in price_list.entries.items():
        price = price_list.price_if_sold(sku, at)
        known = lowest.get(entry.product_id)
        if price is not None and (known is None or price.price_cents < known.price_cents):
            lowest[entry.product_id] = price
    return lowest


def list_products(*, listing: ProductListing, catalog: Catalog, stock: StockStore, directory: LocationDirectory,
                  category: str | None, text: str | None, in_stock_at: str | None, limit: int, cursor: str | None,
                  at: datetime) -> tuple[list[ProductSummary], str | None]:
    """A page of products by id, with their lowest price; ``in_stock_at`` keeps those with a
    variant available at that location (one stock read per page of candidates)."""
    keep: Keep | None = None
    if in_stock_at is not None:
        directory.get(in_stock_at)  # 404 for a location that does not exist
        keep = _available_at(stock, in_stock_at)
    words = " ".join(text.split()) if text else None
    found, next_cursor = listing.list_products(category=category, text=words or None, limit=limit, cursor=cursor,
                                               keep=keep)
    lowest = _lowest_prices(catalog, found, at)
    return [ProductSummary(product, lowest.get(product.product_id)) for product in found], next_cursor


def _available_at(stock: StockStore, location_id: str) -> Keep:
    def keep(products: list[Product]) -> list[Product]:
        keys = [(variant.sku, location_id) for product in products for variant in product.variants]
        available = {level.sku for level in stock.get_many(keys) if level.available > 0}
        return [p for p in products if any(variant.sku in available for variant in p.variants)]

    return keep


def running_promotions(*, catalog: Catalog, at: datetime) -> list[Promotion]:
    """The promotions running now, in every channel (one read)."""
    running = [p for p in catalog.price_list([]).promotions if p.starts_at <= at < p.ends_at]
    return sorted(running, key=lambda p: (p.ends_at, p.promotion_id))


# -- what goes with what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A SKU to offer with what a customer takes: its product, price now and what is available here."""

    sku: str
    product_id: str
    entry: CatalogEntry
    price: UnitPrice
    available: int


def goes_with(*, catalog: Catalog, together: BoughtTogether, stock: StockStore, location_id: str,
              skus: Sequence[str], at: datetime, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """SKUs to offer with these: the products' accessories first, then what is bought with them
    most often; priced, available at this location, not among ``skus``. Reads: the SKUs' entries,
    their products, one query per product for its partners, the candidates with their prices,
    and the stock here (the latter three one call each)."""
    own = sorted({entry.product_id for entry in catalog.price_list(skus).entries.values()})
    accessories = [p for product in catalog.products(own) for p in product.accessories]
    counts: dict[str, int] = {}
    for product_id in own:
        for partner, count in together.partners(product_id, MAX_SUGGESTED_PRODUCTS):
            counts[partner] = counts.get(partner, 0) + count
    often = sorted(counts, key=lambda p: (-counts[p], p))
    candidates = [p for p in dict.fromkeys(accessories + often) if p not in own][:MAX_SUGGESTED_PRODUCTS]
    rank = {product_id: position for position, product_id in enumerate(candidates)}
    offered = [v.sku for product in catalog.products(candidates) for v in product.variants if v.sku not in skus]
    offered = offered[:MAX_OFFERED]
    if not offered:
        return []
    prices = catalog.price_list(offered)
    levels = {level.sku: level.available for level in stock.get_many([(sku, location_id) for sku in offered])}
    found = []
    for sku, entry in prices.entries.items():
        price = prices.price_if_sold(sku, at)
        available = levels.get(sku, 0)
        if price is not None and available > 0:
            found.append((rank[entry.product_id], -available, sku, Suggestion(sku, entry.product_id, entry, price,
                                                                               available)))
    return [suggestion for *_, suggestion in sorted(found, key=lambda x: x[:3])][:limit]


def count_bought_together(*, catalog: Catalog, together: BoughtTogether, purchase_id: str,
                          skus: Iterable[str]) -> bool:
    """Counts each pair of products in one purchase, once per purchase (SKUs not in the catalog are
    left out: a purchase is a fact). False when there is nothing (new) to count."""
    products = sorted({entry.product_id for entry in catalog.price_list(skus).entries.values()})
    if len(products) < 2:
        return False
    return together.record(purchase_id, products)


# -- writes from the ERP ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one update did: ``applied``, or ``ignored`` because what is stored is as new or newer."""

    kind: str  # product | price | promotion
    id: str
    version: int
    applied: bool

    @property
    def status(self) -> str:
        return "applied" if self.applied else "ignored"


def _validate_product(product: Product) -> None:
    skus = [variant.sku for variant in product.variants]
    if not skus:
        raise InvalidRequest("A product has at least one variant.", field="variants")
    if len(set(skus)) != len(skus):
        raise InvalidRequest("Each variant has its own SKU.", field="variants")
    if product.vat_rate_percent not in VAT_RATES:
        raise InvalidRequest(f"VAT rate is one of {', '.join(map(str, VAT_RATES))}.", field="vat_rate_percent")
    if product.product_id in product.accessories or product.product_id in product.similar:
        raise InvalidRequest("A product is not its own accessory or look-alike.", field="related")
    if product.version < 1:
        raise InvalidRequest("Versions start at 1.", field="version")


def _validate_schedule(schedule: PriceSchedule) -> None:
    starts = [point.valid_from for point in schedule.points]
    if not starts:
        raise InvalidRequest("A price schedule has at least one price.", field="prices")
    if len(set(starts)) != len(starts):
        raise InvalidRequest("Two prices cannot start at the same moment.", field="prices")
    if any(point.price_cents < 0 for point in schedule.points):
        raise InvalidRequest("A price is not negative.", field="prices")
    if schedule.version < 1:
        raise InvalidRequest("Versions start at 1.", field="version")


def _validate_promotion(promotion: Promotion) -> None:
    if promotion.ends_at <= promotion.starts_at:
        raise InvalidRequest("A promotion ends after it starts.", field="ends_at")
    if not 0 <= promotion.percent_off <= 100 or promotion.amount_off_cents < 0:
        raise InvalidRequest("A discount is 0 to 100 percent, or a positive amount.", field="percent_off")
    if not promotion.percent_off and not promotion.amount_off_cents:
        raise InvalidRequest("A promotion takes something off.", field="percent_off")
    if not promotion.skus and not promotion.categories:
        raise InvalidRequest("A promotion is for some SKUs or categories.", field="skus")
    if promotion.version < 1:
        raise InvalidRequest("Versions start at 1.", field="version")


def upsert_product(*, writer: CatalogWriter, caller: Caller, product: Product) -> Outcome:
    caller.require(ERP)
    _validate_product(product)
    return Outcome("product", product.product_id, product.version, writer.upsert_product(product))


def set_prices(*, writer: CatalogWriter, caller: Caller, sku: str, schedule: PriceSchedule) -> Outcome:
    caller.require(ERP)
    _validate_schedule(schedule)
    ordered = PriceSchedule(tuple(sorted(schedule.points, key=lambda p: p.valid_from)), schedule.version)
    return Outcome("price", sku, schedule.version, writer.set_prices(sku, ordered))


def put_promotion(*, writer: CatalogWriter, caller: Caller, promotion: Promotion) -> Outcome:
    caller.require(ERP)
    _validate_promotion(promotion)
    return Outcome("promotion", promotion.promotion_id, promotion.version, writer.put_promotion(promotion))


def import_batch(*, writer: CatalogWriter, caller: Caller, products: Sequence[Product] = (),
                 prices: Sequence[tuple[str, PriceSchedule]] = (),
                 promotions: Sequence[Promotion] = ()) -> list[Outcome]:
    """Many updates at once: all are checked first (one bad one refuses the lot, nothing changes),
    then each applies on its own, idempotently; products go first, so their prices find them."""
    caller.require(ERP)
    for kind, ids in (("products", [p.product_id for p in products]), ("prices", [sku for sku, _ in prices]),
                      ("promotions", [p.promotion_id for p in promotions])):
        if len(set(ids)) != len(ids):
            raise InvalidRequest(f"Each of the {kind} appears once in an import.", field=kind)
    for index, product in enumerate(products):
        _checked(_validate_product, product, f"products.{index}")
    for index, (_, schedule) in enumerate(prices):
        _checked(_validate_schedule, schedule, f"prices.{index}")
    for index, promotion in enumerate(promotions):
        _checked(_validate_promotion, promotion, f"promotions.{index}")
    return ([upsert_product(writer=writer, caller=caller, product=p) for p in products]
            + [set_prices(writer=writer, caller=caller, sku=sku, schedule=s) for sku, s in prices]
            + [put_promotion(writer=writer, caller=caller, promotion=p) for p in promotions])


def _checked(validate: Callable[[T], None], value: T, where: str) -> None:
    """Names the item of an import that breaks a rule."""
    try:
        validate(value)
    except InvalidRequest as error:
        raise InvalidRequest(f"{where}: {error.detail}", field=f"{where}.{error.extra.get('field', '')}") from None
