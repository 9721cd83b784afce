"""Stock in memory: effects applied with ``StockLevel.apply``, the rules DynamoDB's conditions
are built from (tests/integration/test_stock_effects_agree.py holds the two to one outcome)."""

from __future__ import annotations

from dataclasses import replace

from shared.errors import IdempotencyKeyReused, InsufficientStock
from shared.idempotency import IdempotencyClaim
from shared.stock.model import StockCount, StockLevel, StockMove
from shared.stock.ports import ChangeReceipt
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import LOCK, memory


class MemoryStockStore:
    def __init__(self) -> None:
        self.levels: dict[tuple[str, str], StockLevel] = {}
        self.receipts: dict[tuple[str, str], tuple[str, ChangeReceipt]] = {}
        self.committed: list[tuple[StockLevel | None, StockLevel, ChangeReceipt]] = []  # a stream

    # -- reads -------------------------------------------------------------------------------

    def get(self, sku: str, location_id: str, consistent: bool = False) -> StockLevel | None:
        return self.levels.get((sku, location_id))

    def list_for_sku(self, sku: str) -> list[StockLevel]:
        return [lvl for (s, _), lvl in self.levels.items() if s == sku]

    def list_at_location(self, location_id: str) -> list[StockLevel]:
        return [lvl for (_, loc), lvl in self.levels.items() if loc == location_id]

    def get_many(self, keys: list[tuple[str, str]]) -> list[StockLevel]:
        return [self.levels[k] for k in keys if k in self.levels]

    # -- writes ------------------------------------------------------------------------------

    def _current(self, sku: str, location_id: str, threshold: int) -> StockLevel:
        return self.levels.get((sku, location_id)) or StockLevel(
            sku=sku, location_id=location_id, low_stock_threshold=threshold)

    def _write(self, after: StockLevel, change: ChangeReceipt) -> None:
        self.committed.append((self.levels.get((after.sku, after.location_id)), after, change))
        self.levels[(after.sku, after.location_id)] = after

    def add_move(self, tx: Transaction, *, move: StockMove, change: ChangeReceipt, default_threshold: int) -> None:
        def check() -> Failure | None:
            try:
                self._current(move.sku, move.location_id, default_threshold).apply(move.effect, move.quantity)
            except InsufficientStock:
                return Failure(move, self.levels.get((move.sku, move.location_id)))
            return None

        def apply() -> None:
            level = self._current(move.sku, move.location_id, default_threshold)
            self._write(level.apply(move.effect, move.quantity), change)

        memory(tx).add(item=("SKU", move.sku, move.location_id), check=check, apply=apply)

    def add_count(self, tx: Transaction, *, count: StockCount, change: ChangeReceipt, default_threshold: int) -> None:
        def counted() -> StockLevel | None:
            return self._current(count.sku, count.location_id, default_threshold).with_count(count.on_hand, count.as_of)

        def check() -> Failure | None:
            return Failure(count, self.levels.get((count.sku, count.location_id))) if counted() is None else None

        def apply() -> None:
            after = counted()
            assert after is not None
            self._write(after, change)

        memory(tx).add(item=("SKU", count.sku, count.location_id), check=check, apply=apply)

    def add_receipt(self, tx: Transaction, *, claim: IdempotencyClaim, receipt: ChangeReceipt) -> None:
        key = (claim.scope, claim.key)

        def check() -> Failure | None:
            return Failure(claim) if key in self.receipts else None

        def apply() -> None:
            self.receipts[key] = (claim.fingerprint, receipt)

        memory(tx).add(item=("IDEM", *key), check=check, apply=apply)

    def receipt_for(self, claim: IdempotencyClaim) -> ChangeReceipt | None:
        taken = self.receipts.get((claim.scope, claim.key))
        if taken is None:
            return None
        if taken[0] != claim.fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.")
        return replace(taken[1], replayed=True)

    def apply_settings(self, *, sku: str, location_id: str, safety_stock: int, low_stock_threshold: int,
                       change: ChangeReceipt) -> StockLevel:
        with LOCK:
            after = self._current(sku, location_id, low_stock_threshold).with_settings(
                safety_stock, low_stock_threshold)
            self._write(after, change)
            return after
