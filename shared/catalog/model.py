"""Products, SKUs, prices and promotions, and the one rule that prices a line (pure).

A client never sets what a customer pays: every reservation, order and till line is priced here
from the price valid at that moment, with the best running promotion applied. Prices are euro
cents including VAT; each product has its VAT rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shared.errors import InvalidRequest

Language = Literal["nl", "en"]


@dataclass(frozen=True)
class Text:
    """What a customer reads, in Dutch and English."""

    nl: str
    en: str

    def in_(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class PricePoint:
    price_cents: int
    valid_from: datetime


@dataclass(frozen=True)
class PriceSchedule:
    """A SKU's price now and its scheduled changes; ``version`` orders updates from the ERP."""

    points: tuple[PricePoint, ...]
    version: int

    def at(self, moment: datetime) -> int | None:
        """The price valid at ``moment``: the latest point that started by then (None: not yet priced)."""
        started = [point for point in self.points if point.valid_from <= moment]
        return max(started, key=lambda point: point.valid_from).price_cents if started else None


@dataclass(frozen=True)
class Promotion:
    """A time-bounded discount on SKUs or whole categories, in every channel alike."""

    promotion_id: str
    name: Text
    starts_at: datetime
    ends_at: datetime
    percent_off: int = 0
    amount_off_cents: int = 0
    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    version: int = 1

    def applies(self, *, sku: str, category: str, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at and (sku in self.skus or category in self.categories)

    def discounted(self, price_cents: int) -> int:
        """The price after this promotion, rounded to the cent in the customer's favour, never below 0."""
        off = -(-price_cents * self.percent_off // 100) + self.amount_off_cents  # a part cent off is a cent off
        return max(0, price_cents - off)


@dataclass(frozen=True)
class Variant:
    """One SKU of a product: a size or colour."""

    sku: str
    attributes: tuple[tuple[str, str], ...] = ()  # e.g. (("size", "M"), ("colour", "navy"))


@dataclass(frozen=True)
class Product:
    product_id: str
    name: Text
    description: Text
    category: str
    vat_rate_percent: int  # 21 (standard) or 9 (reduced) in the Netherlands, 0 for exempt goods
    variants: tuple[Variant, ...]
    attributes: tuple[tuple[str, str], ...] = ()
    images: tuple[str, ...] = ()
    accessories: tuple[str, ...] = ()  # product ids worth offering with this one
    similar: tuple[str, ...] = ()  # product ids a customer of this one may like
    version: int = 1


@dataclass(frozen=True)
class CatalogEntry:
    """What the server knows of one SKU to price and describe a line."""

    sku: str
    product_id: str
    category: str
    name: Text
    vat_rate_percent: int
    attributes: tuple[tuple[str, str], ...] = ()
    schedule: PriceSchedule | None = None


@dataclass(frozen=True)
class UnitPrice:
    """A line's price as recorded: the list price, what is paid (after a promotion) and the VAT rate."""

    sku: str
    list_price_cents: int
    price_cents: int
    vat_rate_percent: int
    promotion_id: str | None = None


class UnknownSkus(InvalidRequest):
    """SKUs that are not in the catalog, or have no price yet: nothing can be sold at a made-up price."""

    def __init__(self, skus: Iterable[str]) -> None:
        named = sorted(set(skus))
        super().__init__(f"Not in the catalog or without a price: {', '.join(named)}.", field="lines", skus=named)


@dataclass(frozen=True)
class PriceList:
    """The catalog entries of some SKUs and the promotions, as read in one call."""

    entries: Mapping[str, CatalogEntry]
    promotions: tuple[Promotion, ...] = field(default=())

    def price(self, sku: str, at: datetime) -> UnitPrice:
        return self.prices([sku], at)[sku]

    def price_if_sold(self, sku: str, at: datetime) -> UnitPrice | None:
        """The SKU's price at ``at`` with its best promotion; None when the catalog does not sell it then."""
        entry = self.entries.get(sku)
        listed = entry.schedule.at(at) if entry is not None and entry.schedule is not None else None
        return None if entry is None or listed is None else _best_price(entry, listed, self.promotions, at)

    def prices(self, skus: Iterable[str], at: datetime) -> dict[str, UnitPrice]:
        """Each SKU's price at ``at``; UnknownSkus names every SKU that has none."""
        found = {sku: self.price_if_sold(sku, at) for sku in skus}
        unknown = [sku for sku, price in found.items() if price is None]
        if unknown:
            raise UnknownSkus(unknown)
        return {sku: price for sku, price in found.items() if price is not None}


def _best_price(entry: CatalogEntry, listed: int, promotions: Iterable[Promotion], at: datetime) -> UnitPrice:
    """Promotions do not stack: the one that leaves the lowest price wins (ties: the lowest id, for stability)."""
    running = [p for p in promotions if p.applies(sku=entry.sku, category=entry.category, at=at)]
    best = min(running, key=lambda p: (p.discounted(listed), p.promotion_id), default=None)
    return UnitPrice(sku=entry.sku, list_price_cents=listed, vat_rate_percent=entry.vat_rate_percent,
                     price_cents=best.discounted(listed) if best else listed,
                     promotion_id=best.promotion_id if best else None)
