"""What the orders need of a carrier."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.carriers.model import Label, ShipmentRequest, StatusUpdate


class Carrier(Protocol):
    def create_shipment(self, request: ShipmentRequest) -> Label:
        """A label for the parcel; the same ``shipment_id`` again gives the same label (a retry ships once)."""
        ...

    def due(self, now: datetime) -> list[StatusUpdate]:
        """Simulated carriers only: the steps of parcels due by ``now`` (a real carrier calls us instead)."""
        ...

    def advanced(self, update: StatusUpdate) -> bool:
        """Marks the step done, once: False when it was done already (another sweep, a redelivery)."""
        ...
