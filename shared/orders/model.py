"""The order and its lifecycle (pure).

Pickup: PLACED -> ACCEPTED -> PICKING -> READY_FOR_PICKUP -> COLLECTED; CANCELLED from any state
before collection; NOT_COLLECTED when the pickup window ends. Home delivery: PLACED -> SHIPPED
(every parcel left) -> DELIVERED (every parcel arrived). The pickup store's own units are held by
a reservation from placing until collection (handed over) or the end (released); units from
other locations by their fulfilments' holds (``shared.orders.fulfilments``).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.catalog.model import Text
from shared.errors import Conflict, DomainError, InvalidRequest, NotFound, TooManyRequests
from shared.loyalty.model import discount_cents
from shared.orders.fulfilments import (
    BEFORE_SHIPPING,
    DeliverTo,
    Fulfilment,
    FulfilmentKind,
    FulfilmentStatus,
    OrderDestination,
)
from shared.reservations.model import Channel, Line


class OrderStatus(StrEnum):
    PLACED = "PLACED"
    ACCEPTED = "ACCEPTED"
    PICKING = "PICKING"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    COLLECTED = "COLLECTED"
    CANCELLED = "CANCELLED"
    NOT_COLLECTED = "NOT_COLLECTED"
    SHIPPED = "SHIPPED"  # home delivery: every parcel is with the carrier
    DELIVERED = "DELIVERED"


class Payment(StrEnum):
    PAID_ONLINE = "paid_online"
    PAY_AT_PICKUP = "pay_at_pickup"
    PAY_IN_STORE = "pay_in_store"  # an associate's order, paid at a till before anything ships


OPEN = {OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.PICKING, OrderStatus.READY_FOR_PICKUP,
        OrderStatus.SHIPPED}
NEXT = {
    OrderStatus.PLACED: {OrderStatus.ACCEPTED, OrderStatus.CANCELLED, OrderStatus.SHIPPED},
    OrderStatus.ACCEPTED: {OrderStatus.PICKING, OrderStatus.CANCELLED, OrderStatus.SHIPPED},
    OrderStatus.PICKING: {OrderStatus.READY_FOR_PICKUP, OrderStatus.CANCELLED},
    OrderStatus.READY_FOR_PICKUP: {OrderStatus.COLLECTED, OrderStatus.CANCELLED, OrderStatus.NOT_COLLECTED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED, OrderStatus.CANCELLED},  # cancelled: every parcel failed
}
BEFORE_READY = {OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.PICKING}
REMIND_BEFORE = timedelta(hours=12)  # or halfway through a shorter window
PAY_WITHIN = timedelta(hours=24)  # an order to be paid in a store waits this long for the till, then ends
MAX_CODE_ATTEMPTS = 5  # wrong pickup codes before the code is void and staff must issue a new one


class PickupCodeLocked(TooManyRequests):
    """Too many wrong codes: this code is void; staff of the pickup store issue a new one."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"Too many wrong pickup codes for order {order_id}: the code is void. Staff of the "
                         "pickup store issue a new one (POST /orders/{order_id}/pickup-code), which is sent "
                         "to the customer.", retry_after_seconds=60, new_code_required=True)


@dataclass(frozen=True)
class Contact:
    email: str
    language: str = "nl"
    phone: str | None = None  # E.164; an SMS is sent as well when given
    name: str | None = None  # how staff greet the customer at pickup


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price_cents: int = 0  # what the customer pays per unit (after discounts), priced by the server
    short: bool = False
    list_price_cents: int | None = None  # the catalog price before a promotion (None: an order from before prices)
    promotion_id: str | None = None
    vat_rate_percent: int | None = None
    name: Text | None = None  # the product's name when it was ordered, for the store app and mails
    attributes: tuple[tuple[str, str], ...] = ()  # the variant, e.g. (("size", "M"), ("colour", "navy"))


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_id: str
    location_id: str
    lines: tuple[OrderLine, ...]
    payment: Payment
    contact: Contact
    reservation_id: str
    status: OrderStatus
    placed_at: datetime
    fingerprint: str
    pickup_code: str | None = None
    ready_at: datetime | None = None
    pickup_deadline: datetime | None = None
    reminded: bool = False
    ready_notices: int = 0
    version: int = 1
    failed_code_attempts: int = 0  # wrong codes given for the current pickup code
    redeemed_points: int = 0  # loyalty points paid with, taken when placed, back if it is not collected
    destination: OrderDestination | None = None  # None: collected at location_id (click & collect)
    fulfilments: tuple[Fulfilment, ...] = ()  # units from other locations than the pickup store
    slot_id: str | None = None  # the booked time slot (shared.slots)
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    earliest_date: date | None = None  # the promise: the day the last unit is there
    delivery_fee_cents: int = 0
    paid_at: datetime | None = None  # pay_in_store: when a till recorded the payment
    placed_by: str | None = None  # the store whose associate placed it (endless aisle)
    payment_reference: str | None = None  # pay_in_store: the till's receipt number

    @property
    def is_delivery(self) -> bool:
        return isinstance(self.destination, DeliverTo)

    @property
    def delivery_postcode(self) -> str | None:
        return self.destination.address.postal_code if isinstance(self.destination, DeliverTo) else None

    @property
    def channel(self) -> Channel:
        """Where the order was taken: in a store by an associate, or online."""
        return Channel.STORE if self.placed_by else Channel.WEB

    def ships_to(self, f: Fulfilment) -> str:
        """Where a parcel goes, as a carrier is told (a store, or a postcode: no name or street)."""
        if f.kind is FulfilmentKind.TRANSFER:
            return f"location:{f.destination_location_id}"
        return f"postcode:{self.delivery_postcode}"

    @property
    def goods_cents(self) -> int:
        return sum(line.quantity * line.unit_price_cents for line in self.lines if not line.short)

    @property
    def amount_due_cents(self) -> int:
        """What the customer pays: the goods, the delivery fee, less the points paid with."""
        return max(0, self.goods_cents + self.delivery_fee_cents - self.points_discount_cents)

    @property
    def awaits_payment(self) -> bool:
        return self.payment is Payment.PAY_IN_STORE and self.paid_at is None

    @property
    def payment_deadline(self) -> datetime | None:
        """When an unpaid pay-in-store order ends, its holds and slot freed."""
        return self.placed_at + PAY_WITHIN if self.awaits_payment and self.is_open else None

    @property
    def local_lines(self) -> tuple[Line, ...]:
        """What the pickup store supplies from its own shelves (nothing, for a delivery)."""
        if self.is_delivery:
            return ()
        left = ((line.sku, line.quantity - sum(f.quantity(line.sku) for f in self.fulfilments))
                for line in self.lines if not line.short)
        return tuple(Line(sku, quantity) for sku, quantity in left if quantity > 0)

    def involves(self, location_id: str) -> bool:
        """Staff of this location work on it: the pickup or selling store, a source, the placer."""
        return location_id in {self.location_id, self.placed_by, *(f.source_id for f in self.fulfilments)}

    def fulfilment(self, fulfilment_id: str) -> Fulfilment:
        found = next((f for f in self.fulfilments if f.fulfilment_id == fulfilment_id), None)
        if found is None:
            raise NotFound(f"Order {self.order_id} has no fulfilment {fulfilment_id!r}.")
        return found

    def with_fulfilment(self, after: Fulfilment) -> Order:
        fulfilments = tuple(after if f.fulfilment_id == after.fulfilment_id else f for f in self.fulfilments)
        return replace(self, fulfilments=fulfilments, version=self.version + 1)

    def tasks(self) -> frozenset[tuple[str, str]]:
        """(location, fulfilment id) for every step a store must take now (its work list). An
        ended order's unshipped parcels are cancelled; its transfers on their way still arrive."""
        return frozenset((location, f.fulfilment_id) for f in self.fulfilments
                         if (location := f.task_location()) is not None)

    def paid(self, at: datetime, reference: str) -> Order:
        if not self.is_open:
            raise Conflict(f"Order {self.order_id} is {self.status.value}.", current_status=self.status.value)
        return replace(self, paid_at=at, payment_reference=reference,
                       fulfilments=tuple(f.requested() for f in self.fulfilments), version=self.version + 1)

    def after_shipping(self) -> Order:
        """A delivery whose every live parcel has left is SHIPPED; whose every parcel arrived, DELIVERED."""
        live = [f for f in self.fulfilments if f.kind is FulfilmentKind.DELIVERY and f.status not in (
            FulfilmentStatus.REJECTED, FulfilmentStatus.CANCELLED)]
        if not self.is_delivery or not live or self.status not in NEXT or any(
                f.status in BEFORE_SHIPPING for f in live):
            return self
        order = self if self.status is OrderStatus.SHIPPED else self.moved_to(OrderStatus.SHIPPED)
        if all(f.status is FulfilmentStatus.DELIVERED for f in live):
            return order.moved_to(OrderStatus.DELIVERED)
        return order

    def all_arrived(self) -> bool:
        """Every transfer of a pickup order is booked in at the pickup store."""
        transfers = [f for f in self.fulfilments if f.kind is FulfilmentKind.TRANSFER
                     and f.status not in (FulfilmentStatus.REJECTED, FulfilmentStatus.CANCELLED)]
        return bool(transfers) and all(f.status is FulfilmentStatus.RECEIVED for f in transfers)

    def arrived_ready(self, now: datetime, hold_hours: int) -> Order:
        """The last transfer is in: ready for pickup, whatever step the store had recorded."""
        if self.status not in BEFORE_READY or self.awaits_payment:
            return self
        return replace(self, status=OrderStatus.PICKING).ready(now, hold_hours)

    @property
    def points_discount_cents(self) -> int:
        return discount_cents(self.redeemed_points)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def held_lines(self) -> tuple[Line, ...]:
        return tuple(Line(line.sku, line.quantity) for line in self.lines if not line.short)

    def moved_to(self, status: OrderStatus) -> Order:
        if self.is_delivery and status in (OrderStatus.ACCEPTED, OrderStatus.PICKING):
            raise Conflict(f"Order {self.order_id} is prepared by the stores that ship it.",
                           current_status=self.status.value)
        if status not in NEXT.get(self.status, set()):
            raise Conflict(f"Order {self.order_id} is {self.status.value}; it cannot become {status.value}.",
                           current_status=self.status.value)
        return replace(self, status=status, version=self.version + 1)

    def ready(self, now: datetime, hold_hours: int) -> Order:
        if not self.held_lines:
            raise Conflict("Every line is short: cancel the order instead.")
        if self.is_delivery:
            raise Conflict(f"Order {self.order_id} is delivered to the customer, not collected.",
                           current_status=self.status.value)
        if self.awaits_payment:
            raise Conflict(f"Order {self.order_id} is to be paid at a till first.", current_status=self.status.value)
        if any(f.kind is FulfilmentKind.TRANSFER and f.is_live and f.status is not FulfilmentStatus.RECEIVED
               for f in self.fulfilments):
            raise Conflict(f"Order {self.order_id} waits for units from other stores; it is ready when they are "
                           "received.", current_status=self.status.value)
        moved = self.moved_to(OrderStatus.READY_FOR_PICKUP)
        return replace(moved, pickup_code=f"{secrets.randbelow(10**6):06d}", ready_at=now,
                       pickup_deadline=now + timedelta(hours=hold_hours), ready_notices=1)

    def with_short_line(self, sku: str) -> Order:
        if self.status not in (OrderStatus.ACCEPTED, OrderStatus.PICKING):
            raise Conflict(f"Lines can be marked short while accepted or picking, not {self.status.value}.",
                           current_status=self.status.value)
        if not any(line.sku == sku for line in self.lines):
            raise NotFound(f"Order {self.order_id} has no line {sku!r}.")
        return replace(self, lines=self._without_local(sku), version=self.version + 1)

    def _without_local(self, sku: str) -> tuple[OrderLine, ...]:
        """The line without the pickup store's own units: short, unless other stores bring some."""
        coming = sum(f.quantity(sku) for f in self.fulfilments if f.is_live)
        return tuple((replace(line, quantity=coming) if coming else replace(line, short=True))
                     if line.sku == sku and not line.short else line for line in self.lines)

    def handed_over_at_till(self) -> Order:
        """Rung up at the till (pay at pickup): the customer has the goods, whatever step the
        store had recorded; a fact, so any open state may become COLLECTED."""
        if not self.is_open or self.is_delivery:
            raise Conflict(f"Order {self.order_id} is {self.status.value}.", current_status=self.status.value)
        return replace(self, status=OrderStatus.COLLECTED, version=self.version + 1)

    def without_line(self, sku: str) -> Order:
        """A line the location can no longer serve (a fact took its units), in any open state."""
        if not self.is_open:
            raise Conflict(f"Order {self.order_id} is {self.status.value}.", current_status=self.status.value)
        return replace(self, lines=self._without_local(sku), version=self.version + 1)

    def check_code(self, code: str) -> bool:
        """True when the code matches; refused outright when not ready or the code is void."""
        if self.status is not OrderStatus.READY_FOR_PICKUP or not self.pickup_code:
            raise Conflict(f"Order {self.order_id} is {self.status.value}, not ready for pickup.",
                           current_status=self.status.value)
        if self.failed_code_attempts >= MAX_CODE_ATTEMPTS:
            raise PickupCodeLocked(self.order_id)
        return hmac.compare_digest(self.pickup_code, code)

    def wrong_code(self, failed_attempts: int) -> DomainError:
        """The refusal for a wrong code, once it is recorded as the n-th failure."""
        if failed_attempts >= MAX_CODE_ATTEMPTS:
            return PickupCodeLocked(self.order_id)
        return InvalidRequest("The pickup code does not match this order.", field="pickup_code",
                              attempts_left=MAX_CODE_ATTEMPTS - failed_attempts)

    def with_new_code(self) -> Order:
        """A new pickup code (the old one is void), sent to the customer as a new ready notice."""
        if self.status is not OrderStatus.READY_FOR_PICKUP:
            raise Conflict(f"Order {self.order_id} is {self.status.value}, not ready for pickup.",
                           current_status=self.status.value)
        return replace(self, pickup_code=f"{secrets.randbelow(10**6):06d}", failed_code_attempts=0,
                       ready_notices=self.ready_notices + 1, version=self.version + 1)

    def reminder_due(self, now: datetime) -> bool:
        if self.status is not OrderStatus.READY_FOR_PICKUP or self.reminded or not self.pickup_deadline:
            return False
        window = self.pickup_deadline - (self.ready_at or self.placed_at)
        return now >= self.pickup_deadline - min(REMIND_BEFORE, window / 2)

    def overdue(self, now: datetime) -> bool:
        return (self.status is OrderStatus.READY_FOR_PICKUP and self.pickup_deadline is not None
                and now >= self.pickup_deadline)
