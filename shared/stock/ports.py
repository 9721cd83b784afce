"""What the stock use cases need from storage, and the records that cross that boundary."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.stock.model import StockLevel

_CHANGE_NAMESPACE = uuid.UUID("6f1c1b9e-2f52-4a53-9d5e-8f0b4f6a2c11")


@dataclass(frozen=True)
class IdempotencyClaim:
    """A caller's promise that two requests with this key are the same request.

    ``scope`` keeps callers apart (an ERP and a POS may both send key "1"); the fingerprint
    is a hash of what the request means (not of its raw bytes), so that the same key with
    another meaning is refused rather than silently replayed.
    """

    scope: str
    key: str
    fingerprint: str

    @property
    def change_id(self) -> str:
        return str(uuid.uuid5(_CHANGE_NAMESPACE, f"{self.scope}\n{self.key}"))

    @staticmethod
    def for_request(scope: str, key: str, meaning: dict[str, Any]) -> IdempotencyClaim:
        canonical = json.dumps(meaning, sort_keys=True, separators=(",", ":"), default=str)
        return IdempotencyClaim(scope, key, hashlib.sha256(canonical.encode()).hexdigest())


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


class StockStore(Protocol):
    def get(self, sku: str, location_id: str, consistent: bool = False) -> StockLevel | None: ...

    def list_for_sku(self, sku: str) -> list[StockLevel]:
        """Every location's stock of one SKU: one query."""
        ...

    def list_at_location(self, location_id: str) -> list[StockLevel]: ...

    def get_many(self, keys: list[tuple[str, str]]) -> list[StockLevel]:
        """(sku, location_id) pairs; missing ones are left out."""
        ...

    def apply_delta(
        self, sku: str, location_id: str, delta: int, receipt: ChangeReceipt,
        claim: IdempotencyClaim, default_threshold: int, fact: bool = False,
    ) -> ChangeReceipt:
        """Apply once per claim; raise InsufficientStock (never for a fact), IdempotencyKeyReused."""
        ...

    def apply_count(
        self, sku: str, location_id: str, on_hand: int, as_of: datetime,
        receipt: ChangeReceipt, claim: IdempotencyClaim, default_threshold: int,
    ) -> ChangeReceipt | None:
        """Apply once per claim; None when a count as new or newer was applied before."""
        ...

    def apply_settings(
        self, sku: str, location_id: str, safety_stock: int, low_stock_threshold: int,
        receipt: ChangeReceipt,
    ) -> StockLevel: ...
