"""What the loyalty use cases need from storage."""

from __future__ import annotations

from typing import Protocol

from shared.loyalty.model import PointsAccount, PointsEntry
from shared.transactions import Transaction


class LoyaltyStore(Protocol):
    def add_entry(self, tx: Transaction, *, entry: PointsEntry) -> None:
        """The ledger entry, new only (refused, subject ``entry``, current the stored entry, when
        its reason and source were booked before), and its effect on the account (refused, subject
        ``AccountChange(entry)``, current the stored account, when it would take the balance or the
        net spend below 0)."""
        ...

    def account(self, customer_id: str) -> PointsAccount:
        """Read after every write before; an account nothing was booked on is all zeros."""
        ...

    def history(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[PointsEntry], str | None]:
        """The ledger, newest first, a page at a time."""
        ...
