"""Publishing to the EventBridge bus, in batches of 10 (the PutEvents limit)."""

from __future__ import annotations

import json

from shared.adapters.aws import client
from shared.outbound import OutboundEvent
from shared.settings import settings


class PublishFailed(Exception):
    """Some entries were not accepted after retries; the caller's batch must be retried."""


class EventBridgePublisher:
    def __init__(self, bus_name: str | None = None, attempts: int = 3) -> None:
        self._bus = bus_name or settings().event_bus_name
        self._attempts = attempts

    def publish(self, events: list[OutboundEvent]) -> None:
        for start in range(0, len(events), 10):
            self._put(events[start:start + 10])

    def _put(self, batch: list[OutboundEvent]) -> None:
        entries = [
            {"EventBusName": self._bus, "Source": e.source, "DetailType": e.detail_type,
             "Detail": json.dumps(e.detail, separators=(",", ":"))}
            for e in batch
        ]
        for _ in range(self._attempts):
            result = client("events").put_events(Entries=entries)
            if not result.get("FailedEntryCount"):
                return
            entries = [entry for entry, outcome in zip(entries, result["Entries"], strict=True)
                       if outcome.get("ErrorCode")]
        raise PublishFailed(f"{len(entries)} events were not accepted by the bus")
