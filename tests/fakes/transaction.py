"""A transaction over the fakes: every write's condition is checked against the state before
any of them applies, under one lock for all fake stores (what DynamoDB gives a transaction)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.transactions import MAX_WRITES, Failure, Refused, TooManyWrites, Transaction

LOCK = threading.RLock()  # one "table": fake stores apply their writes under it


@dataclass
class MemoryTransaction:
    _writes: list[tuple[Callable[[], Failure | None], Callable[[], None]]] = field(default_factory=list)
    _items: set[tuple[object, ...]] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self._writes)

    def add(self, *, item: tuple[object, ...], check: Callable[[], Failure | None], apply: Callable[[], None]) -> None:
        """A write to ``item`` (its key); ``check`` returns the Failure that refuses the transaction,
        or None; ``apply`` writes. DynamoDB refuses a transaction that touches one item twice: so do we."""
        if item in self._items:
            raise ValueError(f"One transaction cannot write {item} twice.")
        self._items.add(item)
        self._writes.append((check, apply))

    def commit(self) -> None:
        if len(self._writes) > MAX_WRITES:
            raise TooManyWrites(f"{len(self._writes)} writes; one transaction holds {MAX_WRITES}.")
        with LOCK:
            failures = [failure for check, _ in self._writes if (failure := check()) is not None]
            if failures:
                raise Refused(failures)
            for _, apply in self._writes:
                apply()


class MemoryTransactions:
    def __init__(self) -> None:
        self.begun: list[MemoryTransaction] = []  # what the use cases wrote, for assertions on cost

    def begin(self) -> MemoryTransaction:
        self.begun.append(MemoryTransaction())
        return self.begun[-1]


def memory(tx: Transaction) -> MemoryTransaction:
    if not isinstance(tx, MemoryTransaction):
        raise TypeError(f"A fake store cannot write into a {type(tx).__name__}.")
    return tx
