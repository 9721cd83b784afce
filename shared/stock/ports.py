"""What the stock use cases need from storage, and the records that cross that boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.idempotency import IdempotencyClaim
from shared.stock.model import StockCount, StockLevel, StockMove
from shared.transactions import Transaction


@dataclass(frozen=True)
class ChangeReceipt:
    """What a caller gets back for a stock change; replayed verbatim on a retry."""

    change_id: str
    sku: str
    location_id: str
    kind: str  # a ChangeKind, "count" or "settings"
    on_hand_delta: int | None
    on_hand: int | None  # for counts: the counted quantity
    applied_at: datetime
    source: str
    correlation_id: str | None = None
    replayed: bool = False

    @classmethod
    def of_move(cls, move: StockMove, *, change_id: str, kind: str, at: datetime, source: str) -> ChangeReceipt:
        """The stamp of an effect another record causes (a hold, an order's parcel): its change to
        ``on_hand`` is the effect's own."""
        return cls(change_id=change_id, sku=move.sku, location_id=move.location_id, kind=kind,
                   on_hand_delta=move.effect.counters(move.quantity).get("on_hand", 0), on_hand=None,
                   applied_at=at, source=source)


class StockStore(Protocol):
    def get(self, sku: str, location_id: str, consistent: bool = False) -> StockLevel | None: ...

    def list_for_sku(self, sku: str) -> list[StockLevel]:
        """Every location's stock of one SKU: one query."""
        ...

    def list_at_location(self, location_id: str) -> list[StockLevel]: ...

    def get_many(self, keys: list[tuple[str, str]]) -> list[StockLevel]:
        """(sku, location_id) pairs; missing ones are left out."""
        ...

    def add_move(self, tx: Transaction, *, move: StockMove, change: ChangeReceipt, default_threshold: int) -> None:
        """The effect, refused (Failure subject ``move``, current StockLevel or None) when what it
        requires is short."""
        ...

    def add_count(self, tx: Transaction, *, count: StockCount, change: ChangeReceipt, default_threshold: int) -> None:
        """The count, refused (subject ``count``) when a count as new or newer was applied before."""
        ...

    def add_receipt(self, tx: Transaction, *, claim: IdempotencyClaim, receipt: ChangeReceipt) -> None:
        """The request's idempotency record, refused (subject ``claim``) when its key was taken."""
        ...

    def receipt_for(self, claim: IdempotencyClaim) -> ChangeReceipt | None:
        """The first answer to this key (replayed), None if never taken; IdempotencyKeyReused
        when the key was taken with another meaning."""
        ...

    def apply_settings(self, *, sku: str, location_id: str, safety_stock: int, low_stock_threshold: int,
                       change: ChangeReceipt) -> StockLevel:
        """Settings are set (not added), on their own: sending the same again leaves the same
        quantities (the item's version and last change still move)."""
        ...
