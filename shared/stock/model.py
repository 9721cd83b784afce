"""Stock quantities and the rules every change obeys (pure: no I/O).

The DynamoDB adapter applies the same rules atomically with conditional expressions; the
in-memory store applies them with :meth:`StockLevel.apply`. Tests hold both to the same
outcomes, so the rules are written once here and proven equal there.
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

    # -- the rules -------------------------------------------------------------------------

    def with_delta(self, delta: int, fact: bool = False) -> StockLevel:
        """A relative change; a decrease is refused when it would take units that are held or
        absent, unless it is a fact (a sale): then it applies and any difference shows as
        shortfall. An increase always applies (also onto books a sale took below 0)."""
        if not fact and delta < 0 and self.on_hand + delta < self.reserved:
            raise InsufficientStock(
                f"{self.sku} at {self.location_id}: {-delta} requested, "
                f"{self.unreserved} not reserved.",
                requested=-delta,
                on_hand=self.on_hand,
                reserved=self.reserved,
            )
        return replace(self, on_hand=self.on_hand + delta, version=self.version + 1)

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
