"""What purchase and return use cases need from storage."""

from __future__ import annotations

from typing import Protocol

from shared.purchases.model import Purchase
from shared.returns.model import Return
from shared.transactions import Transaction


class PurchaseStore(Protocol):
    def record_sale(self, purchase: Purchase, fingerprint: str, threshold: int) -> tuple[Purchase, bool]: ...

    def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
        """The purchase's record, new only (refused, subject ``purchase``, when its id exists)."""
        ...

    def get_purchase(self, purchase_id: str) -> Purchase | None: ...

    def timeline(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]: ...


class ReturnStore(PurchaseStore, Protocol):
    def request(self, ret: Return) -> tuple[Return, bool]: ...

    def save(self, before: Return, after: Return, restore_remaining: bool = False) -> Return: ...

    def get(self, return_id: str) -> Return | None: ...

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Return], str | None]: ...

    def expected_at(self, location_id: str, limit: int = 50,
                    cursor: str | None = None) -> tuple[list[Return], str | None]: ...
