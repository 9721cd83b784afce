"""API models for orders: click & collect, ship-to-store and home delivery, and their fulfilments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, EmailStr, Field, StrictInt, field_validator, model_validator

from events.patterns import LOCATION_PATTERN
from shared.carriers.model import ParcelStatus, StatusUpdate
from shared.http.bodies import ApiModel, PickupDestinationBody
from shared.http.reservation_models import LineBody
from shared.loyalty.model import REDEEM_BLOCK_CENTS, REDEEM_BLOCK_POINTS
from shared.orders.fulfilments import DeliverTo, DeliveryAddress, Fulfilment, FulfilmentKind, FulfilmentStatus
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


class AddressBody(ApiModel):
    name: str = Field(min_length=1, max_length=100)
    street: str = Field(min_length=1, max_length=200)
    house_number: str = Field(min_length=1, max_length=20, pattern=r"^[0-9]{1,5}[ A-Za-z0-9-]{0,10}$")
    postal_code: str = Field(pattern=r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", description="Dutch, e.g. 3511 AB")
    city: str = Field(min_length=1, max_length=100)

    def to_domain(self) -> DeliveryAddress:
        return DeliveryAddress(name=self.name, street=self.street, house_number=self.house_number,
                               postal_code=self.postal_code.upper(), city=self.city)


class DeliverToBody(ApiModel):
    type: Literal["delivery"]
    address: AddressBody


class OrderBody(ApiModel):
    location_id: str | None = Field(default=None, pattern=LOCATION_PATTERN, description=(
        "Click & collect from this store's own shelves (or give a destination instead)"))
    destination: Annotated[PickupDestinationBody | DeliverToBody, Field(discriminator="type")] | None = \
        Field(default=None, description="Collect anywhere or deliver home: the server routes the lines to the "
                                        "locations that have them (POST /fulfilment-options shows how)")
    customer_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                    description="Store staff order for this customer (endless aisle)")
    slot_id: str | None = Field(default=None, max_length=100, pattern=r"^[a-z]+\.[a-z0-9-]+\.[0-9]{8}\.[0-9]{4}$",
                                description="A time slot from GET /slots (a delivery needs one)")
    lines: list[OrderLineBody] = Field(min_length=1, max_length=MAX_LINES)
    payment: Payment
    contact: ContactBody
    channel: Literal["web", "app", "kiosk", "store"] = "web"
    redeem_points: StrictInt | None = Field(default=None, ge=REDEEM_BLOCK_POINTS, le=1_000_000, description=(
        f"Loyalty points to pay with, in blocks of {REDEEM_BLOCK_POINTS} ({REDEEM_BLOCK_CENTS} cents each); "
        "more than the balance is a 409, given back if the order is not collected"))

    @model_validator(mode="after")
    def _one_destination(self) -> OrderBody:
        if (self.location_id is None) == (self.destination is None):
            raise ValueError("give either location_id or destination")
        return self

    @property
    def pickup_location_id(self) -> str | None:
        if isinstance(self.destination, PickupDestinationBody):
            return self.destination.location_id
        return self.location_id

    @property
    def delivery_address(self) -> DeliveryAddress | None:
        return self.destination.address.to_domain() if isinstance(self.destination, DeliverToBody) else None

    @property
    def anywhere(self) -> bool:
        """Routed to any locations (else: click & collect from location_id's own shelves, as before)."""
        return (self.destination is not None or self.customer_id is not None or self.slot_id is not None
                or self.payment is Payment.PAY_IN_STORE)

    @property
    def channel_value(self) -> Channel:
        return Channel(self.channel)

    @property
    def prices(self) -> dict[str, int]:
        """The prices the customer was shown (lines without one are not checked)."""
        return {line.sku: line.unit_price_cents for line in self.lines if line.unit_price_cents is not None}


class PaymentBody(ApiModel):
    amount_cents: StrictInt = Field(ge=0, le=100_000_000, description="What the till took: the order's amount due")
    reference: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:/-]+$",
                           description="The till's receipt number")


class RejectBody(ApiModel):
    reason: Literal["not_found", "damaged", "other"] = "not_found"


class CarrierEventBody(ApiModel):
    event_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")
    tracking_number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    status: Literal["in_transit", "delivered", "failed"]
    occurred_at: AwareDatetime = Field(description="When it happened, with its offset")

    def to_domain(self, carrier_id: str) -> StatusUpdate:
        return StatusUpdate(carrier=carrier_id, tracking_number=self.tracking_number,
                            status=ParcelStatus[self.status.upper()], occurred_at=self.occurred_at,
                            event_id=self.event_id)

    @field_validator("occurred_at")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        if not 2000 <= value.year <= 2999:
            raise ValueError("not a plausible moment")
        return value


class CarrierEventAnswer(BaseModel, defer_build=True):
    status: Literal["applied", "ignored"]


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


class FulfilmentLineView(BaseModel, defer_build=True):
    sku: str
    quantity: int


class FulfilmentView(BaseModel, defer_build=True):
    fulfilment_id: str
    source_id: str = Field(description="The location the units come from")
    kind: FulfilmentKind
    status: FulfilmentStatus
    lines: list[FulfilmentLineView]
    earliest_date: date
    destination_location_id: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    rejected: list[FulfilmentLineView] = Field(default_factory=list)

    @staticmethod
    def of(f: Fulfilment) -> FulfilmentView:
        return FulfilmentView(
            fulfilment_id=f.fulfilment_id, source_id=f.source_id, kind=f.kind, status=f.status,
            lines=[FulfilmentLineView(sku=x.sku, quantity=x.quantity) for x in f.lines], earliest_date=f.earliest_date,
            destination_location_id=f.destination_location_id, carrier=f.label.carrier if f.label else None,
            tracking_number=f.label.tracking_number if f.label else None,
            tracking_url=f.label.tracking_url if f.label else None,
            rejected=[FulfilmentLineView(sku=x.sku, quantity=x.quantity) for x in f.rejected])


class AddressView(BaseModel, defer_build=True):
    name: str
    street: str
    house_number: str
    postal_code: str
    city: str


class DestinationView(BaseModel, defer_build=True):
    type: Literal["pickup", "delivery"]
    location_id: str | None = None
    address: AddressView | None = None


class BookedSlotView(BaseModel, defer_build=True):
    slot_id: str
    starts_at: datetime
    ends_at: datetime


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
    destination: DestinationView
    slot: BookedSlotView | None = None
    earliest_date: date | None = Field(default=None, description="The promise: ready or delivered on this day")
    delivery_fee_cents: int = 0
    amount_due_cents: int = Field(description="Lines, delivery fee, less points: what the customer pays")
    paid_at: datetime | None = Field(default=None, description="Paid in a store: when the till recorded it")
    placed_by: str | None = Field(default=None, description="The store whose associate placed it")
    fulfilments: list[FulfilmentView] = Field(default_factory=list,
                                              description="Units from other locations, per parcel")

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
            destination=_destination_view(order), delivery_fee_cents=order.delivery_fee_cents,
            slot=BookedSlotView(slot_id=order.slot_id, starts_at=order.slot_starts_at, ends_at=order.slot_ends_at)
            if order.slot_id and order.slot_starts_at and order.slot_ends_at else None,
            earliest_date=order.earliest_date, amount_due_cents=order.amount_due_cents, paid_at=order.paid_at,
            placed_by=order.placed_by, fulfilments=[FulfilmentView.of(f) for f in order.fulfilments],
        )


def _destination_view(order: Order) -> DestinationView:
    if isinstance(order.destination, DeliverTo):
        a = order.destination.address
        return DestinationView(type="delivery", address=AddressView(
            name=a.name, street=a.street, house_number=a.house_number, postal_code=a.postal_code, city=a.city))
    return DestinationView(type="pickup", location_id=order.location_id)


class TaskView(BaseModel, defer_build=True):
    """A step due at a store: ship a parcel (``ship``) or receive a transfer (``receive``)."""

    step: Literal["ship", "receive"]
    order: OrderView
    fulfilment: FulfilmentView

    @staticmethod
    def of(order: Order, fulfilment_id: str) -> TaskView:
        f = order.fulfilment(fulfilment_id)
        shipping = f.status in (FulfilmentStatus.REQUESTED, FulfilmentStatus.WAITING)
        return TaskView(step="ship" if shipping else "receive", order=OrderView.of(order),
                        fulfilment=FulfilmentView.of(f))


class TaskList(BaseModel, defer_build=True):
    tasks: list[TaskView]
    next_cursor: str | None = None


class OrderList(BaseModel, defer_build=True):
    orders: list[OrderView]
    next_cursor: str | None = None  # pass as ?cursor= for the next page; absent on the last
