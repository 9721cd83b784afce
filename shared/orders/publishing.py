"""Turns a committed order record change into the events it must publish (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import ORDER_EVENTS, OrderedLine, detail
from events.sources import ORDER_EVENT_SOURCE
from shared.orders.model import Order, OrderStatus
from shared.outbound import OutboundEvent

_NAMESPACE = uuid.UUID("e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b")
_ON_STATUS = {
    OrderStatus.PLACED: "OrderPlaced",
    OrderStatus.ACCEPTED: "OrderAccepted",
    OrderStatus.PICKING: "OrderPickingStarted",
    OrderStatus.READY_FOR_PICKUP: "OrderReadyForPickup",
    OrderStatus.COLLECTED: "OrderCollected",
    OrderStatus.CANCELLED: "OrderCancelled",
    OrderStatus.NOT_COLLECTED: "OrderNotCollected",
}
PRODUCER = "stock-stream-publisher"


def _names(before: Order | None, after: Order) -> list[tuple[str, str]]:
    """(event name, what makes it unique) for each thing that happened in this change."""
    happened = []
    if before is None or before.status is not after.status:
        happened.append((_ON_STATUS[after.status], after.status.value))
    if before is not None:
        newly_short = [line.sku for line in after.lines
                       if line.short and not any(b.sku == line.sku and b.short for b in before.lines)]
        happened += [("OrderLineShort", f"short:{sku}") for sku in newly_short]
        if after.reminded and not before.reminded:
            happened.append(("OrderPickupReminder", "reminder"))
        if before.status is after.status is OrderStatus.READY_FOR_PICKUP and after.ready_notices > before.ready_notices:
            happened.append(("OrderReadyForPickup", f"notice:{after.ready_notices}"))
    return happened


def events_for_order(before: Order | None, after: Order, occurred_at: datetime) -> list[OutboundEvent]:
    events = []
    for name, unique in _names(before, after):
        data = ORDER_EVENTS[name](
            order_id=after.order_id, customer_id=after.customer_id, location_id=after.location_id,
            status=after.status.value, payment=after.payment.value,
            lines=[OrderedLine(sku=line.sku, quantity=line.quantity, short=line.short,
                               unit_price_cents=line.unit_price_cents if line.list_price_cents is not None else None,
                               list_price_cents=line.list_price_cents, promotion_id=line.promotion_id,
                               vat_rate_percent=line.vat_rate_percent) for line in after.lines],
            pickup_deadline=after.pickup_deadline, notice=after.ready_notices,
        )
        event_id = str(uuid.uuid5(_NAMESPACE, f"{after.order_id}|{unique}"))
        events.append(OutboundEvent(ORDER_EVENT_SOURCE, name, detail(name, data, event_id, occurred_at, PRODUCER)))
    return events
