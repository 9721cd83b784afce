"""What the purchase use cases need from storage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.purchases.model import Purchase, ReceiptPart, ReturnableUnits
from shared.transactions import Transaction


@dataclass(frozen=True)
class RecordedPurchase:
    """A purchase as stored, with the fingerprint of the request that recorded it (a retry has the same)."""

    purchase: Purchase
    fingerprint: str


class PurchaseStore(Protocol):
    def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
        """The purchase's record, new only (refused, subject ``purchase``, current the stored
        Purchase, when its id exists)."""
        ...

    def add_part_recorded(self, tx: Transaction, *, part: ReceiptPart, fingerprint: str) -> None:
        """The mark that a part of a long receipt is written, new only (refused, subject ``part``,
        current the fingerprint it was written with, when it was written before)."""
        ...

    def add_returnable_taken(self, tx: Transaction, *, units: ReturnableUnits) -> None:
        """Units off what may still be returned; refused (subject ``units``) when any SKU has fewer
        left, or the purchase does not exist."""
        ...

    def add_returnable_restored(self, tx: Transaction, *, units: ReturnableUnits) -> None:
        """Units returnable again (a rejected return's)."""
        ...

    def add_receipt_email_removed(self, tx: Transaction, *, purchase_id: str) -> None:
        """The e-receipt address forgotten (the customer was erased); the purchase stays for the books."""
        ...

    def recorded(self, purchase_id: str) -> RecordedPurchase | None:
        """The purchase and its fingerprint, read after every write before (for a retry to compare)."""
        ...

    def get_purchase(self, purchase_id: str) -> Purchase | None: ...

    def timeline(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]: ...

    def with_overrides_at(self, location_id: str, limit: int,
                          cursor: str | None) -> tuple[list[Purchase], str | None]:
        """A store's purchases with a price override or an unapproved price deviation, newest first."""
        ...
