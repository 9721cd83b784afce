"""API models for purchases: the till's sale, a purchase, a customer's timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, StrictInt

from events.patterns import LOCATION_PATTERN, SKU_PATTERN
from shared.http.bodies import ApiModel
from shared.http.models import PastInstant
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine


class SaleLineBody(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: StrictInt = Field(ge=1, le=1000)
    unit_price_cents: StrictInt = Field(ge=0, le=10_000_000, description="Paid per unit, after discounts")

    def to_domain(self) -> PurchasedLine:
        return PurchasedLine(self.sku, self.quantity, self.unit_price_cents)


class StoreSaleBody(ApiModel):
    """What the till sends when a sale is paid."""

    location_id: str = Field(pattern=LOCATION_PATTERN)
    receipt_id: str = Field(min_length=1, max_length=64, description="Unique per store; a resend is ignored")
    lines: list[SaleLineBody] = Field(min_length=1, max_length=200)
    purchased_at: PastInstant = Field(description="When it was paid, with a time zone; not in the future")
    customer_id: str | None = Field(default=None, max_length=128, description="From the loyalty card")
    receipt_email: EmailStr | None = Field(default=None, description="Send the e-receipt here")
    receipt_language: Literal["nl", "en"] | None = Field(default=None, description=(
        "The e-receipt's language when the sale has no customer account (whose language it is then)"))
    order_id: str | None = Field(default=None, max_length=64, description=(
        "A pay-at-pickup order rung up with this sale: its units leave once, as the order's collection"))


class PurchaseLineView(BaseModel, defer_build=True):
    sku: str
    quantity: int
    unit_price_cents: int


class PurchaseView(BaseModel, defer_build=True):
    purchase_id: str
    channel: PurchaseChannel
    location_id: str
    reference: str
    purchased_at: datetime
    lines: list[PurchaseLineView]
    total_cents: int

    @staticmethod
    def of(p: Purchase) -> PurchaseView:
        return PurchaseView(purchase_id=p.purchase_id, channel=p.channel, location_id=p.location_id,
                            reference=p.reference, purchased_at=p.purchased_at, total_cents=p.total_cents,
                            lines=[PurchaseLineView(sku=x.sku, quantity=x.quantity, unit_price_cents=x.unit_price_cents)
                                   for x in p.lines])


class Timeline(BaseModel, defer_build=True):
    purchases: list[PurchaseView]
    next_cursor: str | None = None
