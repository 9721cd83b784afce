"""Per-customer hold counters in memory, counted in under the limits' own rule (Held.allows)."""

from __future__ import annotations

from shared.reservations.limits import Held, HoldLimits
from shared.reservations.model import Line, Reservation
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryHoldCounters:
    def __init__(self) -> None:
        self.counted: dict[tuple[str, str], Held] = {}

    def held_by(self, customer_id: str, location_id: str) -> Held:
        held = self.counted.get((customer_id, location_id), Held(0, {}))
        return Held(held.holds, dict(held.units))

    def add_counted_in(self, tx: Transaction, *, reservation: Reservation, limits: HoldLimits) -> None:
        key = (reservation.customer_id, reservation.location_id)
        asked = {line.sku: line.quantity for line in reservation.lines}

        def check() -> Failure | None:
            held = self.held_by(*key)
            return None if held.allows(limits, asked) else Failure(limits, held)

        def apply() -> None:
            held = self.held_by(*key)
            self.counted[key] = Held(held.holds + 1, {
                sku: held.units.get(sku, 0) + asked.get(sku, 0) for sku in {*held.units, *asked}})

        memory(tx).add(item=("LIMITS", *key), check=check, apply=apply)

    def add_counted_out(self, tx: Transaction, *, reservation: Reservation, lines: tuple[Line, ...],
                        hold_ends: bool) -> None:
        key = (reservation.customer_id, reservation.location_id)

        def apply() -> None:
            held = self.held_by(*key)
            units = dict(held.units)
            for line in lines:
                units[line.sku] = units.get(line.sku, line.quantity) - line.quantity
            holds = held.holds if key in self.counted else 1  # as DynamoDB's if_not_exists(holds, 1) - 1
            self.counted[key] = Held(holds - 1 if hold_ends else holds, units)

        memory(tx).add(item=("LIMITS", *key), check=lambda: None, apply=apply)
