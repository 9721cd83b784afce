"""Purchases in memory: the records a till sale or a collected order leaves, with the units
that may still be returned (``remaining``, per SKU), and the marks of long receipts' parts."""

from __future__ import annotations

from dataclasses import replace

from shared.purchases.model import Purchase, ReceiptPart, ReturnableUnits
from shared.purchases.ports import RecordedPurchase
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryPurchaseStore:
    def __init__(self) -> None:
        self.purchases: dict[str, Purchase] = {}
        self.fingerprints: dict[str, str] = {}
        self.remaining: dict[str, dict[str, int]] = {}
        self.parts: dict[ReceiptPart, str] = {}  # part -> fingerprint

    def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
        def check() -> Failure | None:
            return Failure(purchase, self.purchases.get(purchase.purchase_id)) \
                if purchase.purchase_id in self.purchases else None

        def apply() -> None:
            self.purchases[purchase.purchase_id] = purchase
            self.fingerprints[purchase.purchase_id] = fingerprint
            self.remaining[purchase.purchase_id] = {line.sku: line.quantity for line in purchase.lines}

        memory(tx).add(item=("PUR", purchase.purchase_id), check=check, apply=apply)

    def add_part_recorded(self, tx: Transaction, *, part: ReceiptPart, fingerprint: str) -> None:
        def check() -> Failure | None:
            return Failure(part, self.parts[part]) if part in self.parts else None

        def apply() -> None:
            self.parts[part] = fingerprint

        memory(tx).add(item=("PART", part), check=check, apply=apply)

    def add_returnable_taken(self, tx: Transaction, *, units: ReturnableUnits) -> None:
        def check() -> Failure | None:
            left = self.remaining.get(units.purchase_id)
            if left is None:
                return Failure(units)  # no purchase: nothing left to take (DynamoDB finds no item)
            return Failure(units, dict(left)) if units.taken_from(left) is None else None

        def apply() -> None:
            after = units.taken_from(self.remaining[units.purchase_id])
            assert after is not None
            self.remaining[units.purchase_id] = after

        memory(tx).add(item=("PUR", units.purchase_id), check=check, apply=apply)

    def add_returnable_restored(self, tx: Transaction, *, units: ReturnableUnits) -> None:
        def apply() -> None:  # a purchase that is not there fails, as DynamoDB refuses the path
            self.remaining[units.purchase_id] = units.restored_to(self.remaining[units.purchase_id])

        memory(tx).add(item=("PUR", units.purchase_id), check=lambda: None, apply=apply)

    def add_receipt_email_removed(self, tx: Transaction, *, purchase_id: str) -> None:
        def check() -> Failure | None:
            return None if purchase_id in self.purchases else Failure(purchase_id)

        def apply() -> None:
            self.purchases[purchase_id] = replace(self.purchases[purchase_id], receipt_email=None)

        memory(tx).add(item=("PUR", purchase_id), check=check, apply=apply)

    def recorded(self, purchase_id: str) -> RecordedPurchase | None:
        found = self.purchases.get(purchase_id)
        return RecordedPurchase(found, self.fingerprints[purchase_id]) if found else None

    def get_purchase(self, purchase_id: str) -> Purchase | None:
        return self.purchases.get(purchase_id)

    def timeline(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]:
        """Newest first, one page (the fakes do not page: unit tests hold few purchases)."""
        mine = [p for p in self.purchases.values() if p.customer_id == customer_id]
        return sorted(mine, key=lambda p: (p.purchased_at, p.purchase_id), reverse=True)[:limit], None

    def with_overrides_at(self, location_id: str, limit: int,
                          cursor: str | None) -> tuple[list[Purchase], str | None]:
        """Newest first, one page (the fakes do not page)."""
        found = [p for p in self.purchases.values() if p.location_id == location_id and p.deviates]
        return sorted(found, key=lambda p: (p.purchased_at, p.purchase_id), reverse=True)[:limit], None
