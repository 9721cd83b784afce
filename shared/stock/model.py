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

    def check_invariants(self) -> None:
        assert self.on_hand >= 0, self
        assert self.reserved >= 0, self
        assert self.reserved <= self.on_hand, self
        assert self.safety_stock >= 0 and self.damaged >= 0 and self.quality_check >= 0, self

    # -- the rules -------------------------------------------------------------------------

    def with_delta(self, delta: int) -> StockLevel:
        """A relative change; refused when it would take units that are held or absent."""
        if self.on_hand + delta < self.reserved:
            raise InsufficientStock(
                f"{self.sku} at {self.location_id}: {-delta} requested, "
                f"{self.unreserved} not reserved.",
                requested=-delta,
                on_hand=self.on_hand,
                reserved=self.reserved,
            )
        return replace(self, on_hand=self.on_hand + delta, version=self.version + 1)

    def with_count(self, on_hand: int, as_of: datetime) -> StockLevel | None:
        """An absolute count; ``None`` when a newer count was already applied (ignored)."""
        if self.counted_as_of is not None and as_of <= self.counted_as_of:
            return None
        if on_hand < self.reserved:
            raise InsufficientStock(
                f"{self.sku} at {self.location_id}: counted {on_hand}, but {self.reserved} "
                "are held for customers; release or fulfil those holds first.",
                requested=self.reserved,
                on_hand=on_hand,
                reserved=self.reserved,
            )
        return replace(self, on_hand=on_hand, counted_as_of=as_of, version=self.version + 1)

    def with_settings(self, safety_stock: int, low_stock_threshold: int) -> StockLevel:
        return replace(
            self,
            safety_stock=safety_stock,
            low_stock_threshold=low_stock_threshold,
            version=self.version + 1,
        )
