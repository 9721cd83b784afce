"""Where an order goes and which other locations supply it (pure).

An order's units come from the pickup store's own shelves (its hold, ``Order.reservation_id``)
and from :class:`Fulfilment` s: one per other source location, each with its own hold there.
A fulfilment is either a transfer to the pickup store (ship-to-store) or a parcel to the
customer's address (home delivery, ship-from-store). The source picks, packs and hands it to a
carrier; a transfer is then received at the pickup store, a parcel delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from shared.carriers.model import Label  # what the carrier gave the parcel: its one home
from shared.errors import Conflict, NotFound
from shared.reservations.model import Line


class FulfilmentKind(StrEnum):
    TRANSFER = "transfer"  # to the pickup store, received there, held for the order
    DELIVERY = "delivery"  # to the customer's address


class FulfilmentStatus(StrEnum):
    WAITING = "WAITING"  # paid in a store, not yet: the source does not start
    REQUESTED = "REQUESTED"  # the source picks, packs and ships
    SHIPPED = "SHIPPED"  # with the carrier, tracking number known
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"  # at the address (or, for a transfer, at the store's door)
    RECEIVED = "RECEIVED"  # a transfer booked in at the pickup store
    FAILED = "FAILED"  # the carrier could not deliver
    REJECTED = "REJECTED"  # the source could supply none of its lines (they went elsewhere)
    CANCELLED = "CANCELLED"  # the order ended before it left


BEFORE_SHIPPING = frozenset({FulfilmentStatus.WAITING, FulfilmentStatus.REQUESTED})
ON_THE_WAY = frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.IN_TRANSIT, FulfilmentStatus.DELIVERED})
# What a carrier's status moves a shipped fulfilment to, and from which statuses (later ones ignore it).
CARRIER_STEPS: dict[str, tuple[FulfilmentStatus, frozenset[FulfilmentStatus]]] = {
    "IN_TRANSIT": (FulfilmentStatus.IN_TRANSIT, frozenset({FulfilmentStatus.SHIPPED})),
    "DELIVERED": (FulfilmentStatus.DELIVERED, frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.IN_TRANSIT})),
    "FAILED": (FulfilmentStatus.FAILED, frozenset({FulfilmentStatus.SHIPPED, FulfilmentStatus.IN_TRANSIT})),
}


@dataclass(frozen=True)
class DeliveryAddress:
    """Where a parcel goes. Personal data: never logged, never in an event or a key."""

    name: str = field(repr=False)
    street: str = field(repr=False)
    house_number: str = field(repr=False)
    postal_code: str = field(repr=False)
    city: str = field(repr=False)


@dataclass(frozen=True)
class PickupAt:
    location_id: str


@dataclass(frozen=True)
class DeliverTo:
    address: DeliveryAddress
    zone_id: str


OrderDestination = PickupAt | DeliverTo


@dataclass(frozen=True)
class Fulfilment:
    """Units of an order from one source location, in one parcel, with the hold that keeps them."""

    fulfilment_id: str
    source_id: str
    kind: FulfilmentKind
    lines: tuple[Line, ...]
    reservation_id: str  # the hold at the source until it ships
    status: FulfilmentStatus
    earliest_date: date
    destination_location_id: str | None = None  # the pickup store, for a transfer
    label: Label | None = None
    rejected: tuple[Line, ...] = ()  # what the source could not supply (re-routed or dropped)
    rejection_reason: str | None = None  # why, the last time
    shipped_at: datetime | None = None

    @property
    def arrival_reservation_id(self) -> str:
        """The hold at the pickup store once a transfer is received there."""
        return f"{self.reservation_id}.arrived"

    @property
    def shipment_id(self) -> str:
        return self.reservation_id

    @property
    def is_live(self) -> bool:
        """Still to be shipped, or on its way."""
        return self.status in BEFORE_SHIPPING or self.status in ON_THE_WAY

    def quantity(self, sku: str) -> int:
        return next((line.quantity for line in self.lines if line.sku == sku), 0)

    def requested(self) -> Fulfilment:
        return replace(self, status=FulfilmentStatus.REQUESTED) if self.status is FulfilmentStatus.WAITING else self

    def without(self, sku: str, reason: str = "not_found") -> Fulfilment:
        """The source could not supply ``sku``: it leaves this parcel (rejected with nothing left)."""
        if self.status not in BEFORE_SHIPPING:
            raise Conflict(f"Fulfilment {self.fulfilment_id} is {self.status.value}: its lines can no longer be "
                           "rejected.", current_status=self.status.value)
        line = next((line for line in self.lines if line.sku == sku), None)
        if line is None:
            raise NotFound(f"Fulfilment {self.fulfilment_id} has no line {sku!r}.")
        lines = tuple(x for x in self.lines if x.sku != sku)
        return replace(self, lines=lines, rejected=(*self.rejected, line), rejection_reason=reason,
                       status=self.status if lines else FulfilmentStatus.REJECTED)

    def to_ship(self) -> bool:
        """True when the source is to ship it now; False when it was shipped before (a repeat).
        Conflict while it waits for payment, or when it has nothing left to ship."""
        if self.status is FulfilmentStatus.WAITING:
            raise Conflict(f"Fulfilment {self.fulfilment_id} waits for the order to be paid in the store: do not "
                           "ship it yet.", current_status=self.status.value)
        if self.status in (FulfilmentStatus.REJECTED, FulfilmentStatus.CANCELLED):
            raise Conflict(f"Fulfilment {self.fulfilment_id} is {self.status.value}: there is nothing to ship.",
                           current_status=self.status.value)
        return self.status is FulfilmentStatus.REQUESTED

    def shipped(self, label: Label, at: datetime) -> Fulfilment:
        if not self.to_ship():
            raise Conflict(f"Fulfilment {self.fulfilment_id} is {self.status.value}.", current_status=self.status.value)
        return replace(self, status=FulfilmentStatus.SHIPPED, label=label, shipped_at=at)

    def carrier_step(self, status: str) -> Fulfilment | None:
        """The fulfilment after a carrier's status, or None when it says nothing new (a late or
        repeated update)."""
        target, from_ = CARRIER_STEPS[status]
        return replace(self, status=target) if self.status in from_ else None

    def received(self) -> Fulfilment:
        if self.kind is not FulfilmentKind.TRANSFER or self.status not in ON_THE_WAY:
            raise Conflict(f"Fulfilment {self.fulfilment_id} is a {self.kind.value} that is {self.status.value}: "
                           "there is nothing to receive.", current_status=self.status.value)
        return replace(self, status=FulfilmentStatus.RECEIVED)

    def cancelled(self) -> Fulfilment:
        return replace(self, status=FulfilmentStatus.CANCELLED) if self.status in BEFORE_SHIPPING else self

    def task_location(self) -> str | None:
        """Where someone must act on it now: the source ships it, the pickup store receives it."""
        if self.status is FulfilmentStatus.REQUESTED:
            return self.source_id
        if self.kind is FulfilmentKind.TRANSFER and self.status in ON_THE_WAY:
            return self.destination_location_id
        return None
