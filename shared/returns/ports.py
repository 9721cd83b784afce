"""What the return use cases need from storage (the purchase's part is the PurchaseStore's)."""

from __future__ import annotations

from typing import Protocol

from shared.returns.model import Return
from shared.transactions import Transaction


class ReturnStore(Protocol):
    def add_requested(self, tx: Transaction, *, ret: Return) -> None:
        """The new return, refused (subject ``ret``) when its id exists: the same request before,
        or another under the same key."""
        ...

    def add_saved(self, tx: Transaction, *, before: Return, after: Return) -> None:
        """A step, refused (subject ``after``) unless the stored return is still ``before``'s version."""
        ...

    def get(self, return_id: str) -> Return | None:
        """Read after every write before (consistent)."""
        ...

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Return], str | None]: ...

    def expected_at(self, location_id: str, limit: int = 50,
                    cursor: str | None = None) -> tuple[list[Return], str | None]: ...
