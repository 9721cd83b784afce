"""Stock quantities and the rules every change obeys (pure: no I/O).

Each relative change is an :class:`Effect`, a definition as data: :meth:`StockLevel.apply`
carries it out in memory, and the DynamoDB adapter builds its update and condition from the
same definition (``shared.adapters.dynamodb_stock.effect_update``). A test holds both to the
same outcome for every effect, so the rules are written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from shared.errors import InsufficientStock, InvalidRequest


class ChangeKind(StrEnum):
    """Relative changes to ``on_hand``; the sign comes from the kind, not the caller."""

    SALE = "sale"
    RECEIPT = "receipt"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    CORRECTION = "correction"  # signed: the only kind whose quantity may be negative


# The counters a stock item stores, and the sums of them it stores beside them: a DynamoDB
# condition compares one attribute with a value and cannot add, so every rule below needs
# its quantity stored (and moved by every effect that moves one of its counters).
COUNTERS = ("on_hand", "reserved", "safety_stock", "damaged", "quality_check", "in_transit")
DERIVED: dict[str, dict[str, int]] = {
    "unreserved": {"on_hand": 1, "reserved": -1},
    "sellable": {"on_hand": 1, "reserved": -1, "safety_stock": -1},
    "committed": {"reserved": 1, "safety_stock": 1},
}


@dataclass(frozen=True)
class Effect:
    """A relative change of ``quantity`` units: how much each counter moves per unit, and which
    quantity must cover the units first (``None``: a fact, recorded whatever the books say)."""

    name: str
    moves: tuple[tuple[str, int], ...]
    requires: str | None = None

    def counters(self, quantity: int) -> dict[str, int]:
        return {counter: per_unit * quantity for counter, per_unit in self.moves}

    def derived(self, quantity: int) -> dict[str, int]:
        """How far each stored sum moves (0 where the effect leaves it alone)."""
        moved = self.counters(quantity)
        return {name: sum(weight * moved.get(counter, 0) for counter, weight in parts.items())
                for name, parts in DERIVED.items()}


HOLD = Effect("hold", (("reserved", 1),), requires="sellable")
RELEASE = Effect("release", (("reserved", -1),), requires="reserved")
HANDOVER = Effect("handover", (("on_hand", -1), ("reserved", -1)), requires="reserved")
INCREASE = Effect("increase", (("on_hand", 1),))  # a receipt, a transfer in, a restocked return
DECREASE = Effect("decrease", (("on_hand", -1),), requires="unreserved")  # never takes held units
SALE = Effect("sale", (("on_hand", -1),))  # a till's sale is a fact: a shortfall, never a refusal
INTO_DAMAGED = Effect("into_damaged", (("damaged", 1),))
INTO_QUALITY_CHECK = Effect("into_quality_check", (("quality_check", 1),))
# A transfer between locations: the held units leave the source (still its units, in transit),
# and arrive held at the destination; the source's in_transit clears when they were received.
# Over all locations, on_hand + in_transit stays the same throughout.
DISPATCH = Effect("dispatch", (("on_hand", -1), ("reserved", -1), ("in_transit", 1)), requires="reserved")
TRANSFER_ARRIVED = Effect("transfer_arrived", (("in_transit", -1),), requires="in_transit")
RECEIVE_HELD = Effect("receive_held", (("on_hand", 1), ("reserved", 1)))  # a fact: arrived, held at once
_SHORT_OF = {"unreserved": "not reserved", "sellable": "available", "reserved": "held", "in_transit": "in transit"}
EFFECTS = (HOLD, RELEASE, HANDOVER, INCREASE, DECREASE, SALE, INTO_DAMAGED, INTO_QUALITY_CHECK,
           DISPATCH, TRANSFER_ARRIVED, RECEIVE_HELD)


@dataclass(frozen=True)
class StockMove:
    """An effect on one SKU at one location: what a store adds to a transaction, and what a
    refusal names when the stock there could not cover it."""

    sku: str
    location_id: str
    effect: Effect
    quantity: int


@dataclass(frozen=True)
class StockCount:
    """An absolute count taken at ``as_of``: applied unless a count as new or newer is in."""

    sku: str
    location_id: str
    on_hand: int
    as_of: datetime


def effect_of_delta(delta: int, fact: bool = False) -> Effect:
    """The effect of a signed change to ``on_hand`` (a fact's decrease is a sale)."""
    if delta >= 0:
        return INCREASE
    return SALE if fact else DECREASE


INCREASING = {ChangeKind.RECEIPT, ChangeKind.TRANSFER_IN}
DECREASING = {ChangeKind.SALE, ChangeKind.TRANSFER_OUT}
# Facts happened elsewhere (a till sold it): always recorded, never refused (PRODUCT.md).
FACTS = {ChangeKind.SALE}


def on_hand_delta(kind: ChangeKind, quantity: int) -> int:
    """The signed change to ``on_hand`` for a change of this kind."""
    if kind is ChangeKind.CORRECTION:
        if quantity == 0:
            raise InvalidRequest("A correction must change the quantity.", field="quantity")
        return quantity
    if quantity <= 0:
        raise InvalidRequest(f"A {kind.value} needs a positive quantity.", field="quantity")
    return quantity if kind in INCREASING else -quantity


@dataclass(frozen=True)
class StockLevel:
    """One SKU at one location. ``available`` is what may be promised to a customer."""

    sku: str
    location_id: str
    on_hand: int = 0
    reserved: int = 0
    safety_stock: int = 0
    damaged: int = 0
    quality_check: int = 0
    in_transit: int = 0  # shipped from here to another location, not received there yet
    low_stock_threshold: int = 0
    counted_as_of: datetime | None = None
    version: int = 0

    @property
    def unreserved(self) -> int:
        return self.on_hand - self.reserved

    @property
    def sellable(self) -> int:
        """May be negative internally (safety stock above what is free); never shown so."""
        return self.on_hand - self.reserved - self.safety_stock

    @property
    def available(self) -> int:
        return max(0, self.sellable)

    @property
    def shortfall(self) -> int:
        """Units held for customers that the books no longer have (a fact took them).

        ``on_hand`` itself may go below 0 when a till sells what the books say is not there;
        that is a difference for the next count, not units someone can hold.
        """
        return max(0, self.reserved - max(0, self.on_hand))

    def check_invariants(self) -> None:
        assert self.reserved >= 0, self
        assert self.available >= 0, self
        assert self.safety_stock >= 0 and self.damaged >= 0 and self.quality_check >= 0, self
        assert self.in_transit >= 0, self

    # -- the rules -------------------------------------------------------------------------

    def apply(self, effect: Effect, quantity: int) -> StockLevel:
        """The effect of ``quantity`` units, or InsufficientStock when what it requires is short."""
        if effect.requires is not None and getattr(self, effect.requires) < quantity:
            raise InsufficientStock(
                f"{self.sku} at {self.location_id}: {quantity} requested, "
                f"{max(0, getattr(self, effect.requires))} {_SHORT_OF[effect.requires]}.",
                requested=quantity,
                on_hand=self.on_hand,
                reserved=self.reserved,
            )
        moved = {counter: getattr(self, counter) + change for counter, change in effect.counters(quantity).items()}
        return replace(self, **moved, version=self.version + 1)

    def with_delta(self, delta: int, fact: bool = False) -> StockLevel:
        """A relative change; a decrease is refused when it would take units that are held or
        absent, unless it is a fact (a sale): then it applies and any difference shows as
        shortfall. An increase always applies (also onto books a sale took below 0)."""
        return self.apply(effect_of_delta(delta, fact), abs(delta))

    def with_count(self, on_hand: int, as_of: datetime) -> StockLevel | None:
        """An absolute count; ``None`` when a newer count was already applied (ignored).

        A count is a fact: fewer units than are held is recorded, and shows as shortfall.
        """
        if self.counted_as_of is not None and as_of <= self.counted_as_of:
            return None
        return replace(self, on_hand=on_hand, counted_as_of=as_of, version=self.version + 1)

    def with_settings(self, safety_stock: int, low_stock_threshold: int) -> StockLevel:
        return replace(
            self,
            safety_stock=safety_stock,
            low_stock_threshold=low_stock_threshold,
            version=self.version + 1,
        )
