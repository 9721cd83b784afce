"""A purchase: what a customer bought where, at what price, and how much of it may still go back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PurchaseChannel(StrEnum):
    STORE = "store"  # a till sale
    CLICK_AND_COLLECT = "click_and_collect"  # a web/app order collected in a store


@dataclass(frozen=True)
class PurchasedLine:
    sku: str
    quantity: int
    unit_price_cents: int  # what was actually paid per unit, after discounts


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

    @property
    def total_cents(self) -> int:
        return sum(line.quantity * line.unit_price_cents for line in self.lines)

    def line(self, sku: str) -> PurchasedLine | None:
        return next((line for line in self.lines if line.sku == sku), None)
