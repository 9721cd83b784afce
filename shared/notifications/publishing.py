"""Turns a committed review request into the event that asks the notifier to send it (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import ReviewRequested, detail
from events.sources import MESSAGE_EVENT_SOURCE
from shared.notifications.model import ReviewRequest
from shared.outbound import OutboundEvent

_NAMESPACE = uuid.UUID("6d1f0c2a-3b4e-4f5a-8c7d-9e0a1b2c3d4e")
PRODUCER = "stock-stream-publisher"


def events_for_review(before: ReviewRequest | None, after: ReviewRequest, occurred_at: datetime) -> list[OutboundEvent]:
    """ReviewRequested when a sweep marked it requested; its id is the request's, so a replay dedupes."""
    if after.requested_at is None or (before is not None and before.requested_at is not None):
        return []
    data = ReviewRequested(source=after.source.value, source_id=after.source_id, location_id=after.location_id,
                           customer_id=after.customer_id, skus=list(after.skus), due_at=after.due_at)
    event_id = str(uuid.uuid5(_NAMESPACE, f"review|{after.source_id}"))
    return [OutboundEvent(MESSAGE_EVENT_SOURCE, "ReviewRequested",
                          detail("ReviewRequested", data, event_id, occurred_at, PRODUCER))]
