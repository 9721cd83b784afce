"""In-memory stores with the same contract as the DynamoDB ones, for fast unit tests.

They apply the rules of ``shared.stock.model`` under one lock, which is what DynamoDB's
conditional writes give per item; the integration tests hold the DynamoDB adapter to the
same outcomes.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from shared.errors import IdempotencyKeyReused
from shared.locations.model import Location
from shared.stock.model import StockLevel
from shared.stock.ports import ChangeReceipt, IdempotencyClaim


class MemoryLocationStore:
    def __init__(self) -> None:
        self.locations: dict[str, Location] = {}

    def get(self, location_id: str) -> Location | None:
        return self.locations.get(location_id)

    def list_all(self) -> list[Location]:
        return list(self.locations.values())

    def put(self, location: Location) -> bool:
        created = location.location_id not in self.locations
        self.locations[location.location_id] = location
        return created


class MemoryStockStore:
    def __init__(self) -> None:
        self.levels: dict[tuple[str, str], StockLevel] = {}
        self.claims: dict[tuple[str, str], tuple[str, ChangeReceipt]] = {}
        self.committed: list[tuple[StockLevel | None, StockLevel, ChangeReceipt]] = []  # a stream
        self._lock = threading.Lock()

    def get(self, sku: str, location_id: str, consistent: bool = False) -> StockLevel | None:
        return self.levels.get((sku, location_id))

    def list_for_sku(self, sku: str) -> list[StockLevel]:
        return [lvl for (s, _), lvl in self.levels.items() if s == sku]

    def list_at_location(self, location_id: str) -> list[StockLevel]:
        return [lvl for (_, loc), lvl in self.levels.items() if loc == location_id]

    def get_many(self, keys: list[tuple[str, str]]) -> list[StockLevel]:
        return [self.levels[k] for k in keys if k in self.levels]

    def _current(self, sku: str, location_id: str, threshold: int) -> StockLevel:
        return self.levels.get((sku, location_id)) or StockLevel(
            sku=sku, location_id=location_id, low_stock_threshold=threshold
        )

    def _replay(self, claim: IdempotencyClaim) -> ChangeReceipt | None:
        taken = self.claims.get((claim.scope, claim.key))
        if taken is None:
            return None
        if taken[0] != claim.fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.")
        return replace(taken[1], replayed=True)

    def _commit(self, before: StockLevel | None, after: StockLevel, receipt: ChangeReceipt,
                claim: IdempotencyClaim | None) -> None:
        self.levels[(after.sku, after.location_id)] = after
        if claim is not None:
            self.claims[(claim.scope, claim.key)] = (claim.fingerprint, receipt)
        self.committed.append((before, after, receipt))

    def apply_delta(self, sku: str, location_id: str, delta: int, receipt: ChangeReceipt,
                    claim: IdempotencyClaim, default_threshold: int, fact: bool = False) -> ChangeReceipt:
        with self._lock:
            replayed = self._replay(claim)
            if replayed:
                return replayed
            before = self.levels.get((sku, location_id))
            after = self._current(sku, location_id, default_threshold).with_delta(delta, fact)
            self._commit(before, after, receipt, claim)
            return receipt

    def apply_count(self, sku: str, location_id: str, on_hand: int, as_of: datetime,
                    receipt: ChangeReceipt, claim: IdempotencyClaim,
                    default_threshold: int) -> ChangeReceipt | None:
        with self._lock:
            replayed = self._replay(claim)
            if replayed:
                return replayed
            before = self.levels.get((sku, location_id))
            after = self._current(sku, location_id, default_threshold).with_count(on_hand, as_of)
            if after is None:
                return None
            self._commit(before, after, receipt, claim)
            return receipt

    def apply_settings(self, sku: str, location_id: str, safety_stock: int,
                       low_stock_threshold: int, receipt: ChangeReceipt) -> StockLevel:
        with self._lock:
            before = self.levels.get((sku, location_id))
            after = self._current(sku, location_id, low_stock_threshold).with_settings(
                safety_stock, low_stock_threshold
            )
            self._commit(before, after, receipt, None)
            return after
