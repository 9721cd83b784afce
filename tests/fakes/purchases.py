"""Purchases in memory: the records a till sale or a collected order leaves, with the units
that may still be returned (``remaining``, per SKU)."""

from __future__ import annotations

from shared.purchases.model import Purchase
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryPurchaseStore:
    def __init__(self) -> None:
        self.purchases: dict[str, Purchase] = {}
        self.fingerprints: dict[str, str] = {}
        self.remaining: dict[str, dict[str, int]] = {}

    def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
        def check() -> Failure | None:
            return Failure(purchase, self.purchases.get(purchase.purchase_id)) \
                if purchase.purchase_id in self.purchases else None

        def apply() -> None:
            self.purchases[purchase.purchase_id] = purchase
            self.fingerprints[purchase.purchase_id] = fingerprint
            self.remaining[purchase.purchase_id] = {line.sku: line.quantity for line in purchase.lines}

        memory(tx).add(check=check, apply=apply)

    def get_purchase(self, purchase_id: str) -> Purchase | None:
        return self.purchases.get(purchase_id)

    def timeline(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]:
        """Newest first, one page (the fakes do not page: unit tests hold few purchases)."""
        mine = [p for p in self.purchases.values() if p.customer_id == customer_id]
        return sorted(mine, key=lambda p: (p.purchased_at, p.purchase_id), reverse=True)[:limit], None
