"""Turns a committed reservation record change into the event it must publish (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import RESERVATION_EVENTS, HeldLine, detail
from events.sources import RESERVATION_EVENT_SOURCE
from shared.outbound import OutboundEvent
from shared.reservations.model import Line, Reservation, ReservationStatus

_NAMESPACE = uuid.UUID("a1f0c2d3-4b5e-4f60-8a71-9b2c3d4e5f60")
_EVENT_FOR = {
    ReservationStatus.ACTIVE: "ReservationCreated",
    ReservationStatus.CANCELLED: "ReservationCancelled",
    ReservationStatus.EXPIRED: "ReservationExpired",
    ReservationStatus.FULFILLED: "ReservationFulfilled",
}
PRODUCER = "stock-stream-publisher"


def _held(reservation: Reservation, line: Line) -> HeldLine:
    price = reservation.price_of(line.sku)
    if price is None:
        return HeldLine(sku=line.sku, quantity=line.quantity)
    return HeldLine(sku=line.sku, quantity=line.quantity, unit_price_cents=price.price_cents,
                    list_price_cents=price.list_price_cents, promotion_id=price.promotion_id,
                    vat_rate_percent=price.vat_rate_percent)


def events_for_reservation(
    before: Reservation | None, after: Reservation, occurred_at: datetime
) -> list[OutboundEvent]:
    """One event per status a reservation enters; extensions and replays publish nothing."""
    if before is not None and before.status is after.status:
        return []
    name = _EVENT_FOR[after.status]
    data = RESERVATION_EVENTS[name](
        reservation_id=after.reservation_id, customer_id=after.customer_id, location_id=after.location_id,
        lines=[_held(after, line) for line in after.lines], channel=after.channel.value,
        status=after.status.value, expires_at=after.expires_at, order_id=after.order_id,
    )
    event_id = str(uuid.uuid5(_NAMESPACE, f"{after.reservation_id}|{after.status.value}"))
    return [OutboundEvent(RESERVATION_EVENT_SOURCE, name, detail(name, data, event_id, occurred_at, PRODUCER))]
