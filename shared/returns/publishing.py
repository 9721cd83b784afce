"""Turns committed purchase and return records into the events they must publish (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import (
    RETURN_STATUS_EVENTS,
    Contract,
    PaidLine,
    PriceOverride,
    PurchaseRecorded,
    RefundRequested,
    ReturnedLine,
    detail,
)
from events.sources import RETURN_EVENT_SOURCE
from shared.outbound import OutboundEvent
from shared.purchases.model import Purchase
from shared.returns.model import Return, ReturnStatus

_NAMESPACE = uuid.UUID("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e")
PRODUCER = "stock-stream-publisher"


def _event(name: str, data: Contract, unique: str, occurred_at: datetime) -> OutboundEvent:
    event_id = str(uuid.uuid5(_NAMESPACE, unique))
    return OutboundEvent(RETURN_EVENT_SOURCE, name, detail(name, data, event_id, occurred_at, PRODUCER))


def events_for_purchase(before: Purchase | None, after: Purchase, occurred_at: datetime) -> list[OutboundEvent]:
    if before is not None:
        return []  # only its creation is news; later changes are return bookkeeping
    data = PurchaseRecorded(
        purchase_id=after.purchase_id, channel=after.channel.value, location_id=after.location_id,
        customer_id=after.customer_id, reference=after.reference, purchased_at=after.purchased_at,
        lines=[PaidLine(sku=x.sku, quantity=x.quantity, unit_price_cents=x.unit_price_cents,
                        list_price_cents=x.list_price_cents, promotion_id=x.promotion_id,
                        vat_rate_percent=x.vat_rate_percent, catalog_price_cents=x.catalog_price_cents,
                        price_override=PriceOverride(reason=x.override.reason, approved_by=x.override.approved_by)
                        if x.override else None, approved=x.approved) for x in after.lines],
        total_cents=after.total_cents, e_receipt=after.receipt_email is not None)
    return [_event("PurchaseRecorded", data, f"purchase|{after.purchase_id}", occurred_at)]


def events_for_return(before: Return | None, after: Return, occurred_at: datetime) -> list[OutboundEvent]:
    if before is not None and before.status is after.status:
        return []
    name = f"Return{after.status.value.capitalize()}"
    data = RETURN_STATUS_EVENTS[name](
        return_id=after.return_id, purchase_id=after.purchase_id, customer_id=after.customer_id,
        location_id=after.location_id, status=after.status.value, refund_cents=after.refund_cents,
        lines=[ReturnedLine(sku=x.sku, quantity=x.quantity, unit_price_cents=x.unit_price_cents,
                            disposition=x.disposition.value if x.disposition else None) for x in after.lines])
    events = [_event(name, data, f"return|{after.return_id}|{after.status.value}", occurred_at)]
    if after.status is ReturnStatus.INSPECTED:
        refund = RefundRequested(return_id=after.return_id, purchase_id=after.purchase_id,
                                 amount_cents=after.refund_cents)
        events.append(_event("RefundRequested", refund, f"refund|{after.return_id}", occurred_at))
    return events
