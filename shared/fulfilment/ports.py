"""What routing needs from storage besides stock: each source's count of fulfilments taken on
per local day, against its ``Location.ship_capacity_per_day``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from shared.transactions import Transaction


@dataclass(frozen=True)
class CapacityTaken:
    """One fulfilment (a parcel or transfer to pick and pack) given to ``location_id`` on ``day``
    (its local date), where it may take ``per_day``."""

    location_id: str
    day: date
    per_day: int


class ShipCapacity(Protocol):
    def add_taken(self, tx: Transaction, *, taken: CapacityTaken) -> None:
        """+1 on the location's count of that day, refused (subject ``taken``, current: the count,
        an int) when it has reached ``per_day``: so concurrent orders never take more."""
        ...

    def used_on(self, day: date, location_ids: Sequence[str]) -> dict[str, int]:
        """Fulfilments each location took on that day (0 when none); every id asked is answered."""
        ...
