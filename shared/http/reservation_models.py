"""API models for reservations."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictInt

from events.patterns import LOCATION_PATTERN, SKU_PATTERN
from shared.http.bodies import ApiModel
from shared.reservations.model import MAX_LINES, Channel, Line, Reservation, ReservationStatus


class LineBody(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: StrictInt = Field(ge=1, le=1000)

    def to_domain(self) -> Line:
        return Line(self.sku, self.quantity)


class ReservationBody(ApiModel):
    location_id: str = Field(pattern=LOCATION_PATTERN)
    lines: list[LineBody] = Field(min_length=1, max_length=MAX_LINES)
    channel: Channel = Channel.WEB
    hold_seconds: StrictInt | None = Field(default=None, ge=1, le=14 * 24 * 3600,
                                     description="Shorter than the location's hold time, if wanted")
    customer_id: str | None = Field(default=None, min_length=1, max_length=128,
                                    description="Only when staff reserve on behalf of a customer")


class ExtendBody(ApiModel):
    hold_seconds: StrictInt = Field(ge=60, le=14 * 24 * 3600, description="New hold time from now")


class LineView(BaseModel, defer_build=True):
    sku: str
    quantity: int
    unit_price_cents: int | None = Field(default=None, description="What the customer pays per unit at the till")
    list_price_cents: int | None = None
    promotion_id: str | None = None
    vat_rate_percent: int | None = None


class ReservationView(BaseModel, defer_build=True):
    reservation_id: str
    status: ReservationStatus
    location_id: str
    lines: list[LineView]
    channel: Channel
    created_at: datetime
    expires_at: datetime
    order_id: str | None = None

    @staticmethod
    def of(r: Reservation) -> ReservationView:
        return ReservationView(
            reservation_id=r.reservation_id, status=r.status, location_id=r.location_id,
            lines=[_line_view(r, line) for line in r.lines], channel=r.channel,
            created_at=r.created_at, expires_at=r.expires_at, order_id=r.order_id,
        )


def _line_view(r: Reservation, line: Line) -> LineView:
    price = r.price_of(line.sku)
    if price is None:  # held before prices were recorded
        return LineView(sku=line.sku, quantity=line.quantity)
    return LineView(sku=line.sku, quantity=line.quantity, unit_price_cents=price.price_cents,
                    list_price_cents=price.list_price_cents, promotion_id=price.promotion_id,
                    vat_rate_percent=price.vat_rate_percent)


class ReservationList(BaseModel, defer_build=True):
    reservations: list[ReservationView]
    next_cursor: str | None = None  # pass as ?cursor= for the next page; absent on the last
