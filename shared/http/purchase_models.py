"""API models for purchases: the till's sale, a purchase, a customer's timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, StrictInt

from events.patterns import LOCATION_PATTERN, SKU_PATTERN
from shared.http.bodies import ApiModel
from shared.http.models import PastInstant
from shared.pricing import MAX_REASON
from shared.purchases.model import PriceOverride, Purchase, PurchaseChannel, PurchasedLine


class PriceOverrideBody(ApiModel):
    """Why the till charged another price than the catalog; only store staff may send one."""

    reason: str = Field(min_length=1, max_length=MAX_REASON, pattern=r"\S")
    approved_by: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$",
                             description="The id of the staff member who approved it")


class SaleLineBody(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: StrictInt = Field(ge=1, le=1000)
    unit_price_cents: StrictInt = Field(ge=0, le=10_000_000, description=(
        "What the till charged per unit. If it differs from the catalog's price at purchased_at, the line "
        "needs price_override (422 price-override-required otherwise)"))
    price_override: PriceOverrideBody | None = None

    def to_domain(self) -> PurchasedLine:
        override = self.price_override
        return PurchasedLine(self.sku, self.quantity, self.unit_price_cents,
                             override=PriceOverride(override.reason, override.approved_by) if override else None)


class StoreSaleBody(ApiModel):
    """What the till sends when a sale is paid."""

    location_id: str = Field(pattern=LOCATION_PATTERN)
    receipt_id: str = Field(min_length=1, max_length=64, description="Unique per store; a resend is ignored")
    lines: list[SaleLineBody] = Field(min_length=1, max_length=200)
    purchased_at: PastInstant = Field(description="When it was paid, with a time zone; not in the future")
    customer_id: str | None = Field(default=None, max_length=128, description="From the loyalty card")
    loyalty_card: str | None = Field(default=None, pattern=r"^[0-9]{13}$",
                                     description="The scanned loyalty card: the sale joins its customer's account")
    receipt_email: EmailStr | None = Field(default=None, description="Send the e-receipt here")
    receipt_language: Literal["nl", "en"] | None = Field(default=None, description=(
        "The e-receipt's language when the sale has no customer account (whose language it is then)"))
    order_id: str | None = Field(default=None, max_length=64, description=(
        "A pay-at-pickup order rung up with this sale: its units leave once, as the order's collection"))


class PriceOverrideView(BaseModel, defer_build=True):
    reason: str
    approved_by: str


class PurchaseLineView(BaseModel, defer_build=True):
    sku: str
    quantity: int
    unit_price_cents: int = Field(description="What was paid per unit")
    list_price_cents: int | None = None
    promotion_id: str | None = None
    vat_rate_percent: int | None = None
    catalog_price_cents: int | None = Field(default=None, description=(
        "The catalog's price at the time of purchase (absent: the SKU was not in the catalog)"))
    price_override: PriceOverrideView | None = None
    approved: bool = Field(default=True, description=(
        "False: the till reported another price (or an unknown SKU) without an approved override"))

    @staticmethod
    def of(x: PurchasedLine) -> PurchaseLineView:
        return PurchaseLineView(
            sku=x.sku, quantity=x.quantity, unit_price_cents=x.unit_price_cents, list_price_cents=x.list_price_cents,
            promotion_id=x.promotion_id, vat_rate_percent=x.vat_rate_percent,
            catalog_price_cents=x.catalog_price_cents, approved=x.approved,
            price_override=PriceOverrideView(reason=x.override.reason, approved_by=x.override.approved_by)
            if x.override else None)


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
                            lines=[PurchaseLineView.of(x) for x in p.lines])


class Timeline(BaseModel, defer_build=True):
    purchases: list[PurchaseView]
    next_cursor: str | None = None


class PriceOverrideLine(BaseModel, defer_build=True):
    """One till line charged at another price than the catalog's."""

    purchase_id: str
    reference: str
    purchased_at: datetime
    line: PurchaseLineView


class PriceOverrideList(BaseModel, defer_build=True):
    """A store's price overrides and unapproved deviations, newest purchase first."""

    overrides: list[PriceOverrideLine]
    next_cursor: str | None = None

    @staticmethod
    def of(found: list[Purchase], next_cursor: str | None) -> PriceOverrideList:
        return PriceOverrideList(next_cursor=next_cursor, overrides=[
            PriceOverrideLine(purchase_id=p.purchase_id, reference=p.reference, purchased_at=p.purchased_at,
                              line=PurchaseLineView.of(x)) for p in found for x in p.lines if x.deviates])
