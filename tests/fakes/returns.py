"""Returns in memory: saved whole, on the version that was read."""

from __future__ import annotations

from shared.returns.model import ON_ITS_WAY, Return
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryReturnStore:
    def __init__(self) -> None:
        self.returns: dict[str, Return] = {}

    def add_requested(self, tx: Transaction, *, ret: Return) -> None:
        def check() -> Failure | None:
            return Failure(ret, self.returns[ret.return_id]) if ret.return_id in self.returns else None

        def apply() -> None:
            self.returns[ret.return_id] = ret

        memory(tx).add(item=("RET", ret.return_id), check=check, apply=apply)

    def add_saved(self, tx: Transaction, *, before: Return, after: Return) -> None:
        def check() -> Failure | None:
            stored = self.returns.get(before.return_id)
            return None if stored is not None and stored.version == before.version else Failure(after, stored)

        def apply() -> None:
            self.returns[after.return_id] = after

        memory(tx).add(item=("RET", before.return_id), check=check, apply=apply)

    def get(self, return_id: str) -> Return | None:
        return self.returns.get(return_id)

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Return], str | None]:
        """Newest first, one page (the fakes do not page)."""
        mine = [r for r in self.returns.values() if r.customer_id == customer_id]
        return sorted(mine, key=lambda r: (r.requested_at, r.return_id), reverse=True)[:limit], None

    def expected_at(self, location_id: str, limit: int = 50,
                    cursor: str | None = None) -> tuple[list[Return], str | None]:
        """Oldest first, as the location's index sorts them; only returns still on their way."""
        coming = [r for r in self.returns.values() if r.location_id == location_id and r.status in ON_ITS_WAY]
        return sorted(coming, key=lambda r: (r.requested_at, r.return_id))[:limit], None
