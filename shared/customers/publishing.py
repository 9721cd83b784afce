"""Turns a committed customer record change into the events it must publish for the ERP (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import CUSTOMER_EVENTS, CustomerConsents, detail
from events.sources import CUSTOMER_EVENT_SOURCE
from shared.customers.model import Customer
from shared.outbound import OutboundEvent

_NAMESPACE = uuid.UUID("7d6c5b4a-3f2e-4d1c-9b0a-8f7e6d5c4b3a")
PRODUCER = "stock-stream-publisher"


def events_for_customer(before: Customer | None, after: Customer, occurred_at: datetime) -> list[OutboundEvent]:
    if before is None:
        name = "CustomerRegistered"
    elif after.erased and not before.erased:
        name = "CustomerErased"
    elif after.version != before.version and not after.erased:
        name = "CustomerUpdated"
    else:
        return []
    data = CUSTOMER_EVENTS[name](
        customer_id=after.customer_id, card_number=after.card_number, language=after.language,
        consents=CustomerConsents(marketing_email=after.consents.marketing_email,
                                  marketing_sms=after.consents.marketing_sms),
        created_by=after.created_by.value, created_at=after.created_at, version=after.version)
    event_id = str(uuid.uuid5(_NAMESPACE, f"{after.customer_id}|{name}|{after.version}"))
    return [OutboundEvent(CUSTOMER_EVENT_SOURCE, name, detail(name, data, event_id, occurred_at, PRODUCER))]
