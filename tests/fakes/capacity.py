"""Each source's fulfilments per day in memory, refused at its capacity as the DynamoDB condition is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from shared.fulfilment.ports import CapacityTaken
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryShipCapacity:
    def __init__(self) -> None:
        self.used: dict[tuple[str, date], int] = {}

    def add_taken(self, tx: Transaction, *, taken: CapacityTaken) -> None:
        key = (taken.location_id, taken.day)

        def check() -> Failure | None:
            used = self.used.get(key, 0)
            return Failure(taken, used) if used >= taken.per_day else None

        def apply() -> None:
            self.used[key] = self.used.get(key, 0) + 1

        memory(tx).add(item=("CAPACITY", *key), check=check, apply=apply)

    def used_on(self, day: date, location_ids: Sequence[str]) -> dict[str, int]:
        return {location_id: self.used.get((location_id, day), 0) for location_id in location_ids}
