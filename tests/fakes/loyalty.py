"""Points in memory: the ledger (one entry per reason and source) and the account's sums."""

from __future__ import annotations

from shared.loyalty.model import AccountChange, PointsAccount, PointsEntry
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryLoyaltyStore:
    def __init__(self) -> None:
        self.accounts: dict[str, PointsAccount] = {}
        self.entries: dict[tuple[str, str], PointsEntry] = {}  # (customer, reason#source) -> entry

    def add_entry(self, tx: Transaction, *, entry: PointsEntry) -> None:
        key = (entry.customer_id, entry.key)

        def check_entry() -> Failure | None:
            return Failure(entry, self.entries[key]) if key in self.entries else None

        def apply_entry() -> None:
            self.entries[key] = entry

        def check_account() -> Failure | None:
            stored = self.accounts.get(entry.customer_id)
            return None if self._current(entry.customer_id).after(entry) else Failure(AccountChange(entry), stored)

        def apply_account() -> None:
            after = self._current(entry.customer_id).after(entry)
            assert after is not None
            self.accounts[entry.customer_id] = after

        memory(tx).add(item=("POINTS", entry.customer_id, entry.key), check=check_entry, apply=apply_entry)
        memory(tx).add(item=("POINTS", entry.customer_id), check=check_account, apply=apply_account)

    def account(self, customer_id: str) -> PointsAccount:
        return self._current(customer_id)

    def _current(self, customer_id: str) -> PointsAccount:
        return self.accounts.get(customer_id) or PointsAccount(customer_id)

    def history(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[PointsEntry], str | None]:
        """Newest first, one page (the fakes do not page)."""
        mine = [e for (customer, _), e in self.entries.items() if customer == customer_id]
        return sorted(mine, key=lambda e: (e.at, e.key), reverse=True)[:limit], None
