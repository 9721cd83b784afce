"""Turns a committed order record change into the events it must publish (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import (
    FULFILMENT_EVENTS,
    ORDER_EVENTS,
    Contract,
    FulfilledLine,
    OrderedLine,
    OrderRouted,
    RoutedPick,
    detail,
)
from events.sources import ORDER_EVENT_SOURCE
from shared.orders.fulfilments import DeliverTo, Fulfilment, FulfilmentKind, FulfilmentStatus
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
    OrderStatus.SHIPPED: "OrderShipped",
    OrderStatus.DELIVERED: "OrderDelivered",
}
# What a fulfilment's new status means, and whom it concerns: its source, or the pickup store.
_ON_FULFILMENT = {
    FulfilmentStatus.REQUESTED: ("FulfilmentRequested", "source"),
    FulfilmentStatus.SHIPPED: ("ShipmentCreated", "source"),
    FulfilmentStatus.IN_TRANSIT: ("ShipmentInTransit", "source"),
    FulfilmentStatus.DELIVERED: ("ShipmentDelivered", "source"),
    FulfilmentStatus.FAILED: ("ShipmentFailed", "source"),
    FulfilmentStatus.RECEIVED: ("TransferReceived", "destination"),
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
        fewer = [(line.sku, line.quantity) for line in after.lines for b in before.lines
                 if b.sku == line.sku and not line.short and line.quantity < b.quantity]
        happened += [("OrderLineShort", f"short:{sku}:{quantity}") for sku, quantity in fewer]  # fewer units come
        if after.reminded and not before.reminded:
            happened.append(("OrderPickupReminder", "reminder"))
        if before.status is after.status is OrderStatus.READY_FOR_PICKUP and after.ready_notices > before.ready_notices:
            happened.append(("OrderReadyForPickup", f"notice:{after.ready_notices}"))
        if after.paid_at is not None and before.paid_at is None:
            happened.append(("OrderPaid", "paid"))
        if (before.earliest_date and after.earliest_date and after.earliest_date > before.earliest_date
                and after.is_open):
            happened.append(("OrderPromiseChanged", f"promise:{after.earliest_date.isoformat()}"))
    return happened


def _order_event(name: str, unique: str, after: Order, occurred_at: datetime) -> OutboundEvent:
    data = ORDER_EVENTS[name](
        order_id=after.order_id, customer_id=after.customer_id, location_id=after.location_id,
        status=after.status.value, payment=after.payment.value,
        lines=[OrderedLine(sku=line.sku, quantity=line.quantity, short=line.short,
                           unit_price_cents=line.unit_price_cents if line.list_price_cents is not None else None,
                           list_price_cents=line.list_price_cents, promotion_id=line.promotion_id,
                           vat_rate_percent=line.vat_rate_percent) for line in after.lines],
        pickup_deadline=after.pickup_deadline, notice=after.ready_notices,
        destination_type="delivery" if isinstance(after.destination, DeliverTo) else "pickup",
        slot_id=after.slot_id, slot_starts_at=after.slot_starts_at, slot_ends_at=after.slot_ends_at,
        earliest_date=after.earliest_date, delivery_fee_cents=after.delivery_fee_cents,
        tracking_urls=[f.label.tracking_url for f in after.fulfilments if f.label],
    )
    return _event(name, data, f"{after.order_id}|{unique}", occurred_at)


def _event(name: str, data: Contract, unique: str, occurred_at: datetime) -> OutboundEvent:
    event_id = str(uuid.uuid5(_NAMESPACE, unique))
    return OutboundEvent(ORDER_EVENT_SOURCE, name, detail(name, data, event_id, occurred_at, PRODUCER))


def _fulfilment_event(name: str, order: Order, f: Fulfilment, concerns: str, unique: str, occurred_at: datetime,
                      **extra: object) -> OutboundEvent:
    location = f.destination_location_id if concerns == "destination" and f.destination_location_id else f.source_id
    data = FULFILMENT_EVENTS[name](
        order_id=order.order_id, customer_id=order.customer_id, fulfilment_id=f.fulfilment_id, location_id=location,
        source_id=f.source_id, kind=f.kind.value, destination_location_id=f.destination_location_id,
        status=f.status.value, lines=[FulfilledLine(sku=line.sku, quantity=line.quantity) for line in f.lines],
        earliest_date=f.earliest_date, carrier=f.label.carrier if f.label else None,
        tracking_number=f.label.tracking_number if f.label else None,
        tracking_url=f.label.tracking_url if f.label else None, **extra)
    return _event(name, data, f"{order.order_id}|{f.fulfilment_id}|{unique}", occurred_at)


def _fulfilment_events(before: Order | None, after: Order, occurred_at: datetime) -> list[OutboundEvent]:
    events = []
    was = {f.fulfilment_id: f for f in before.fulfilments} if before else {}
    rerouted_skus = {line.sku for f in after.fulfilments if f.fulfilment_id not in was and before is not None
                     for line in f.lines}
    for f in after.fulfilments:
        old = was.get(f.fulfilment_id)
        if old is None or old.status is not f.status:
            name, concerns = _ON_FULFILMENT.get(f.status, ("", ""))
            if name:
                events.append(_fulfilment_event(name, after, f, concerns, f.status.value, occurred_at))
            if f.status is FulfilmentStatus.SHIPPED and f.kind is FulfilmentKind.TRANSFER:
                events.append(_fulfilment_event("TransferDispatched", after, f, "destination", "dispatched",
                                                occurred_at))
        newly_rejected = f.rejected[len(old.rejected):] if old is not None else ()
        for line in newly_rejected:
            events.append(_fulfilment_event(
                "LineRejected", after, f, "source", f"rejected:{line.sku}", occurred_at, sku=line.sku,
                quantity=line.quantity, reason=f.rejection_reason or "not_found",
                rerouted=line.sku in rerouted_skus))
    new = [f for f in after.fulfilments if f.fulfilment_id not in was]
    if new or (before is None and after.destination is not None):
        reason = "placed" if before is None else "rerouted"
        picks = [RoutedPick(sku=line.sku, location_id=after.location_id, quantity=line.quantity)
                 for line in after.local_lines]
        picks += [RoutedPick(sku=line.sku, location_id=f.source_id, quantity=line.quantity)
                  for f in after.fulfilments if f.is_live for line in f.lines]
        routed = OrderRouted(order_id=after.order_id, customer_id=after.customer_id, location_id=after.location_id,
                             reason=reason, picks=picks, earliest_date=after.earliest_date)
        events.append(_event("OrderRouted", routed, f"{after.order_id}|routed:{len(after.fulfilments)}",
                             occurred_at))
    return events


def events_for_order(before: Order | None, after: Order, occurred_at: datetime) -> list[OutboundEvent]:
    events = [_order_event(name, unique, after, occurred_at) for name, unique in _names(before, after)]
    return events + _fulfilment_events(before, after, occurred_at)
