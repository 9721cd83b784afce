"""A purchase: what a customer bought where, at what price, and how much of it may still go back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PurchaseChannel(StrEnum):
    STORE = "store"  # a till sale
    CLICK_AND_COLLECT = "click_and_collect"  # a web/app order collected in a store
    HOME_DELIVERY = "home_delivery"  # an order delivered at the customer's address


@dataclass(frozen=True)
class PriceOverride:
    """Why a till charged another price than the catalog, and which staff member approved it."""

    reason: str
    approved_by: str


@dataclass(frozen=True)
class PurchasedLine:
    sku: str
    quantity: int
    unit_price_cents: int  # what was actually paid per unit, after discounts
    list_price_cents: int | None = None  # the catalog price before promotions (None: not in the catalog)
    promotion_id: str | None = None
    vat_rate_percent: int | None = None
    catalog_price_cents: int | None = None  # what the catalog asked at that moment (None: unknown SKU)
    override: PriceOverride | None = None
    approved: bool = True  # False: the till reported another price (or an unknown SKU) without an override

    @property
    def creditable_unit_cents(self) -> int:
        """What a refund pays back and points count per unit: the price paid; for a price the till
        charged without approval, at most the catalog's (nothing for a SKU it did not know), so a
        made-up till price never becomes a made-up refund."""
        if self.approved:
            return self.unit_price_cents
        return min(self.unit_price_cents, self.catalog_price_cents or 0)

    @property
    def deviates(self) -> bool:
        """Paid another price than the catalog's (an override), or a fact nobody approved."""
        return self.override is not None or not self.approved or (
            self.catalog_price_cents is not None and self.catalog_price_cents != self.unit_price_cents)


@dataclass(frozen=True)
class Purchase:
    purchase_id: str
    channel: PurchaseChannel
    location_id: str
    lines: tuple[PurchasedLine, ...]
    purchased_at: datetime
    reference: str  # the till receipt id or the order id
    customer_id: str | None = None  # from the login or the loyalty card
    receipt_email: str | None = None  # where the e-receipt goes, if the customer asked
    receipt_language: str | None = None  # the e-receipt's language as the till asked (nl|en), if it did
    points_discount_cents: int = 0  # paid with loyalty points (an order's redemption): never refunded as money

    @property
    def deviates(self) -> bool:
        """Listed in the store's price-override report."""
        return any(line.deviates for line in self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.quantity * line.unit_price_cents for line in self.lines)

    @property
    def creditable_cents(self) -> int:
        """What points are earned on (see ``PurchasedLine.creditable_unit_cents``)."""
        return sum(line.quantity * line.creditable_unit_cents for line in self.lines)

    def line(self, sku: str) -> PurchasedLine | None:
        return next((line for line in self.lines if line.sku == sku), None)


@dataclass(frozen=True)
class ReceiptPart:
    """One transaction's worth of a receipt too long for one (its lines in order, ``number`` from 0):
    recorded once, so a retry of the receipt skips the parts already written."""

    purchase_id: str
    number: int


@dataclass(frozen=True)
class ReturnableUnits:
    """Units of one purchase, per SKU, that a return takes off what may still be returned (or a
    rejection puts back): what may still be returned never goes below zero."""

    purchase_id: str
    quantities: tuple[tuple[str, int], ...]  # (sku, units)

    def taken_from(self, left: dict[str, int]) -> dict[str, int] | None:
        """What may still be returned after this return; None when a SKU has fewer left than asked."""
        if any(left.get(sku, 0) < quantity for sku, quantity in self.quantities):
            return None
        return {**left, **{sku: left[sku] - quantity for sku, quantity in self.quantities}}

    def restored_to(self, left: dict[str, int]) -> dict[str, int]:
        return {**left, **{sku: left.get(sku, 0) + quantity for sku, quantity in self.quantities}}
