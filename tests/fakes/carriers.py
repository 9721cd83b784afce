"""The sandbox carrier in memory: the same parcels, labels and steps as ``SandboxCarrier``, with
time passed in (``clock`` for creating, ``now`` for what is due) instead of read."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared.carriers.model import Label, Parcel, ShipmentRequest, StatusUpdate, new_parcel

CARRIER = "sandbox"
PREFIX = "SBX"
TRACKING_URL = "https://track.sandbox-carrier.example/"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class MemoryCarrier:
    step: timedelta = timedelta(hours=1)
    clock: Callable[[], datetime] = lambda: EPOCH
    parcels: dict[str, Parcel] = field(default_factory=dict)  # by tracking number
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create_shipment(self, request: ShipmentRequest) -> Label:
        parcel = new_parcel(carrier=CARRIER, request=request, tracking_url=TRACKING_URL, prefix=PREFIX,
                            at=self.clock(), step=self.step)
        with self._lock:
            return self.parcels.setdefault(parcel.tracking_number, parcel).label

    def due(self, now: datetime) -> list[StatusUpdate]:
        waiting = sorted((p for p in self.parcels.values() if p.due_at is not None and p.due_at <= now),
                         key=lambda p: (p.due_at or now, p.tracking_number))
        return [update for p in waiting if (update := p.next_update()) is not None]

    def advanced(self, update: StatusUpdate) -> bool:
        with self._lock:
            stored = self.parcels.get(update.tracking_number)
            moved = stored.advanced(update, self.step) if stored and update.carrier == CARRIER else None
            if moved is None:
                return False
            self.parcels[update.tracking_number] = moved
            return True


if TYPE_CHECKING:  # mypy holds the fake to the port it stands in for
    from shared.carriers.ports import Carrier

    _carrier: Carrier = MemoryCarrier()
