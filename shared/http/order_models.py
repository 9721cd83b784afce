"""API models for click & collect orders."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, StrictInt

from events.patterns import LOCATION_PATTERN
from shared.http.bodies import ApiModel
from shared.http.reservation_models import LineBody
from shared.loyalty.model import REDEEM_BLOCK_CENTS, REDEEM_BLOCK_POINTS
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.reservations.model import MAX_LINES, Channel


class ContactBody(ApiModel):
    email: EmailStr
    language: Literal["nl", "en"] = "nl"
    phone: str | None = Field(default=None, pattern=r"^\+[1-9][0-9]{7,14}$", description="E.164, for an SMS too")

    name: str | None = Field(default=None, min_length=1, max_length=100, description="Shown to staff at pickup")

    def to_domain(self) -> Contact:
        return Contact(email=str(self.email), language=self.language, phone=self.phone, name=self.name)


class OrderLineBody(LineBody):
    unit_price_cents: StrictInt | None = Field(default=None, ge=0, le=10_000_000, description=(
        "The price per unit in euro cents the customer was shown. The server prices every line from the "
        "catalog; if this differs, the answer is 409 price-changed with the current prices and nothing is held"))


class OrderBody(ApiModel):
    location_id: str = Field(pattern=LOCATION_PATTERN)
    lines: list[OrderLineBody] = Field(min_length=1, max_length=MAX_LINES)
    payment: Payment
    contact: ContactBody
    channel: Literal["web", "app", "kiosk"] = "web"
    redeem_points: StrictInt | None = Field(default=None, ge=REDEEM_BLOCK_POINTS, le=1_000_000, description=(
        f"Loyalty points to pay with, in blocks of {REDEEM_BLOCK_POINTS} ({REDEEM_BLOCK_CENTS} cents each); "
        "more than the balance is a 409, given back if the order is not collected"))

    @property
    def channel_value(self) -> Channel:
        return Channel(self.channel)

    @property
    def prices(self) -> dict[str, int]:
        """The prices the customer was shown (lines without one are not checked)."""
        return {line.sku: line.unit_price_cents for line in self.lines if line.unit_price_cents is not None}


class CollectBody(ApiModel):
    pickup_code: str = Field(pattern=r"^[0-9]{6}$")


class NameView(BaseModel, defer_build=True):
    nl: str
    en: str


class OrderLineView(BaseModel, defer_build=True):
    sku: str
    quantity: int
    unit_price_cents: int = Field(description="What the customer pays per unit, priced by the server")
    short: bool
    list_price_cents: int | None = None
    promotion_id: str | None = None
    vat_rate_percent: int | None = None
    name: NameView | None = None
    attributes: list[tuple[str, str]] = Field(default_factory=list, description="The variant, e.g. size and colour")

    @staticmethod
    def of(x: OrderLine) -> OrderLineView:
        return OrderLineView(sku=x.sku, quantity=x.quantity, unit_price_cents=x.unit_price_cents, short=x.short,
                             list_price_cents=x.list_price_cents, promotion_id=x.promotion_id,
                             vat_rate_percent=x.vat_rate_percent,
                             name=NameView(nl=x.name.nl, en=x.name.en) if x.name else None,
                             attributes=list(x.attributes))


class OrderView(BaseModel, defer_build=True):
    order_id: str
    status: OrderStatus
    location_id: str
    lines: list[OrderLineView]
    payment: Payment
    placed_at: datetime
    ready_at: datetime | None = None
    pickup_deadline: datetime | None = None
    reservation_id: str
    customer_name: str | None = Field(default=None, description="As the customer gave it, for staff at pickup")
    total_cents: int = Field(description="What the customer pays for the lines that are not short, before points")
    redeemed_points: int = 0
    points_discount_cents: int = 0  # off the lines' total, paid with the points

    @staticmethod
    def of(order: Order) -> OrderView:
        return OrderView(
            order_id=order.order_id, status=order.status, location_id=order.location_id,
            lines=[OrderLineView.of(x) for x in order.lines],
            total_cents=sum(x.quantity * x.unit_price_cents for x in order.lines if not x.short),
            payment=order.payment, placed_at=order.placed_at, ready_at=order.ready_at,
            pickup_deadline=order.pickup_deadline, reservation_id=order.reservation_id,
            customer_name=order.contact.name, redeemed_points=order.redeemed_points,
            points_discount_cents=order.points_discount_cents,
        )


class OrderList(BaseModel, defer_build=True):
    orders: list[OrderView]
    next_cursor: str | None = None  # pass as ?cursor= for the next page; absent on the last
