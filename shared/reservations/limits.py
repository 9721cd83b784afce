"""How much one customer may hold at one location at a time (OWASP API4/API6: no hoarding).

The location's policy sets the limits; reservations and click & collect orders count together.
Customers acting for themselves are limited. Staff, integrations and admins placing a hold for
a (walk-in or phone) customer are not: they are accountable, bound to their store, and throttled
per route; their holds are not counted either.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import TooManyRequests
from shared.identity import Caller
from shared.locations.model import Location

RETRY_AFTER_SECONDS = 60  # a hint: the limit frees up when one of the customer's holds ends


@dataclass(frozen=True)
class HoldLimits:
    units_per_sku: int
    active_holds: int


def limits_for(caller: Caller, location: Location) -> HoldLimits | None:
    if caller.role != "customer":
        return None
    return HoldLimits(units_per_sku=location.max_units_per_sku_per_customer,
                      active_holds=location.max_active_holds_per_customer)


def refused(*, limits: HoldLimits, location_id: str, holds: int, units: dict[str, int],
            asked: dict[str, int]) -> TooManyRequests:
    """The problem to answer when a new hold would break a limit, given what is held now."""
    if holds >= limits.active_holds:
        return TooManyRequests(
            f"A customer may have at most {limits.active_holds} active holds at {location_id}; "
            "collect or cancel one first.", retry_after_seconds=RETRY_AFTER_SECONDS,
            limit="active_holds", max=limits.active_holds, held=holds)
    over = sorted(sku for sku, quantity in asked.items() if units.get(sku, 0) + quantity > limits.units_per_sku)
    sku = over[0] if over else next(iter(sorted(asked)), "")
    return TooManyRequests(
        f"A customer may hold at most {limits.units_per_sku} units of {sku} at {location_id}.",
        retry_after_seconds=RETRY_AFTER_SECONDS, limit="units_per_sku", sku=sku, max=limits.units_per_sku,
        held=units.get(sku, 0), requested=asked.get(sku, 0))
