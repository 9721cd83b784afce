"""Per-customer hold counters: one item per customer and location, written in the same
transaction as the hold (counted in, with the limit as its condition) and as its end
(counted out), so concurrent requests of one customer can never exceed the limit.

Counter item: pk=LIMITS#<customer>, sk=LOC#<location>; ``holds`` counts active holds and
``units#<sku>`` the units held per SKU. Only holds with ``limited`` set are counted.
"""

from __future__ import annotations

from typing import Any

from shared.adapters import items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.reservations.limits import Held, HoldLimits
from shared.reservations.model import Line, Reservation
from shared.settings import settings
from shared.transactions import Transaction


def counter_key(customer_id: str, location_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"LIMITS#{customer_id}"}, "sk": {"S": f"LOC#{location_id}"}}


def _units(sku: str) -> tuple[str]:
    return (f"units#{sku}",)  # a SKU may hold a dot: one attribute, not a map path


def held_from_item(item: dict[str, Any] | None) -> Held:
    current = items.from_item(item or {})
    units = {str(k).removeprefix("units#"): int(v) for k, v in current.items() if str(k).startswith("units#")}
    return Held(int(current.get("holds", 0)), units)


class DynamoDBHoldCounters:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    def add_counted_in(self, tx: Transaction, *, reservation: Reservation, limits: HoldLimits) -> None:
        """+1 hold and +q units per line, on condition that the result stays within the limits;
        refused (subject ``limits``, current: what the customer holds)."""
        update = Update(counter_key(reservation.customer_id, reservation.location_id))
        update.add("holds", 1).set("customer_id", reservation.customer_id)
        update.set("location_id", reservation.location_id)
        update.require_absent_or_below("holds", limits.active_holds)
        for line in reservation.lines:
            name, cap = _units(line.sku), limits.units_per_sku - line.quantity
            update.add(name, line.quantity)
            # a missing count is 0: fine unless the line alone is over the limit (cap < 0: always refused)
            update.require(f"(attribute_not_exists({update.name(name)}) OR {update.name(name)} <= {update.value(cap)})"
                           if cap >= 0 else f"{update.name(name)} <= {update.value(cap)}")
        dynamodb(tx).update(update.build(), subject=limits, decode=held_from_item)

    def add_counted_out(self, tx: Transaction, *, reservation: Reservation, lines: tuple[Line, ...],
                        hold_ends: bool) -> None:
        """-q units per line (and -1 hold when the hold ends); unconditional: an end is never refused."""
        update = Update(counter_key(reservation.customer_id, reservation.location_id))
        if hold_ends:
            update.set_expression("holds", f"{update.current('holds', 1)} - {update.value(1)}")
        for line in lines:
            name = _units(line.sku)
            update.set_expression(name, f"{update.current(name, line.quantity)} - {update.value(line.quantity)}")
        dynamodb(tx).update(update.build(), subject=(reservation.reservation_id, lines, hold_ends))

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def held_by(self, customer_id: str, location_id: str) -> Held:
        """What the customer's limits count at a location: (active holds, units per SKU)."""
        return held(self._db, self._table, customer_id, location_id)


def held(db: Any, table: str, customer_id: str, location_id: str) -> Held:
    """(active holds, units per SKU) counted for a customer at a location."""
    item = db.get_item(TableName=table, Key=counter_key(customer_id, location_id), ConsistentRead=True).get("Item")
    return held_from_item(item)
