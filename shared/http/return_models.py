"""API models for returns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, StrictInt

from events.patterns import LOCATION_PATTERN, SKU_PATTERN
from shared.http.bodies import ApiModel
from shared.http.params import ID_PATTERN
from shared.returns.model import Disposition, Return, ReturnStatus


class ReturnLineBody(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: StrictInt = Field(ge=1, le=1000)


class ReturnBody(ApiModel):
    purchase_id: str = Field(pattern=ID_PATTERN)
    location_id: str = Field(pattern=LOCATION_PATTERN, description="Where it is brought or sent")
    lines: list[ReturnLineBody] = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=500)
    contact_email: EmailStr | None = None
    language: Literal["nl", "en"] = "nl"


class InspectBody(ApiModel):
    dispositions: dict[str, Disposition] = Field(description="Per returned SKU: RESTOCK, DAMAGED, QUALITY_CHECK")


class RefundedBody(ApiModel):
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
