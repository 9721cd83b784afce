"""Turns a committed change of a points account into the events it must publish (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import CustomerTierChanged, detail
from events.sources import LOYALTY_EVENT_SOURCE
from shared.loyalty.model import PointsAccount
from shared.outbound import OutboundEvent

_NAMESPACE = uuid.UUID("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b")
PRODUCER = "stock-stream-publisher"


def events_for_account(before: PointsAccount | None, after: PointsAccount, occurred_at: datetime,
                       ) -> list[OutboundEvent]:
    """CustomerTierChanged when the tier differs from the one before (a new account starts BRONZE);
    its id is the account's version, the same on every redelivery of the stream record."""
    old_tier = before.tier if before is not None else PointsAccount(after.customer_id).tier
    if old_tier is after.tier:
        return []
    data = CustomerTierChanged(customer_id=after.customer_id, old_tier=old_tier.value, new_tier=after.tier.value,
                               net_spend_cents=after.net_spend_cents, balance=after.balance)
    event_id = str(uuid.uuid5(_NAMESPACE, f"tier|{after.customer_id}|{after.version}"))
    name = "CustomerTierChanged"
    return [OutboundEvent(LOYALTY_EVENT_SOURCE, name, detail(name, data, event_id, occurred_at, PRODUCER))]
