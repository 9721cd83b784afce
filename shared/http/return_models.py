"""API models for purchases and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictInt

from events.patterns import LOCATION_PATTERN, SKU_PATTERN
from shared.http.models import PastInstant
from shared.http.params import ID_PATTERN
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.returns.model import Disposition, Return, ReturnStatus


class Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")


class SaleLineBody(Strict):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: StrictInt = Field(ge=1, le=1000)
    unit_price_cents: StrictInt = Field(ge=0, le=10_000_000, description="Paid per unit, after discounts")

    def to_domain(self) -> PurchasedLine:
        return PurchasedLine(self.sku, self.quantity, self.unit_price_cents)


class StoreSaleBody(Strict):
    """What the till sends when a sale is paid."""

    location_id: str = Field(pattern=LOCATION_PATTERN)
    receipt_id: str = Field(min_length=1, max_length=64, description="Unique per store; a resend is ignored")
    lines: list[SaleLineBody] = Field(min_length=1, max_length=200)
    purchased_at: PastInstant = Field(description="When it was paid, with a time zone; not in the future")
    customer_id: str | None = Field(default=None, max_length=128, description="From the loyalty card")
    receipt_email: EmailStr | None = Field(default=None, description="Send the e-receipt here")
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


class ReturnLineBody(Strict):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: StrictInt = Field(ge=1, le=1000)


class ReturnBody(Strict):
    purchase_id: str = Field(pattern=ID_PATTERN)
    location_id: str = Field(pattern=LOCATION_PATTERN, description="Where it is brought or sent")
    lines: list[ReturnLineBody] = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=500)
    contact_email: EmailStr | None = None
    language: Literal["nl", "en"] = "nl"


class InspectBody(Strict):
    dispositions: dict[str, Disposition] = Field(description="Per returned SKU: RESTOCK, DAMAGED, QUALITY_CHECK")


class RefundedBody(Strict):
    refund_reference: str = Field(min_length=1, max_length=128)


class ReturnLineView(BaseModel, defer_build=True):
    sku: str
    quantity: int
    unit_price_cents: int
    disposition: Disposition | None


class HistoryView(BaseModel, defer_build=True):
    status: ReturnStatus
    at: datetime


class ReturnView(BaseModel, defer_build=True):
    return_id: str
    purchase_id: str
    location_id: str
    status: ReturnStatus
    lines: list[ReturnLineView]
    refund_cents: int
    refund_reference: str | None
    history: list[HistoryView]

    @staticmethod
    def of(r: Return) -> ReturnView:
        return ReturnView(
            return_id=r.return_id, purchase_id=r.purchase_id, location_id=r.location_id, status=r.status,
            lines=[ReturnLineView(sku=x.sku, quantity=x.quantity, unit_price_cents=x.unit_price_cents,
                                  disposition=x.disposition) for x in r.lines],
            refund_cents=r.refund_cents, refund_reference=r.refund_reference,
            history=[HistoryView(status=h.status, at=h.at) for h in r.history])


class ReturnList(BaseModel, defer_build=True):
    returns: list[ReturnView]
    next_cursor: str | None = None  # pass as ?cursor= for the next page; absent on the last
