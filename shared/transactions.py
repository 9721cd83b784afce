"""Writes that must happen together: stores add them to one transaction, the use case commits once.

A store never takes another store. A use case opens a transaction, asks each store to add its
part (the stock lines of a hold, the order record, the purchase a collection becomes) and
commits. When a condition fails nothing is written, and :class:`Refused` names, for each write
that failed, the domain object it was for and what is stored there now (decoded by the store
that added it), so the use case decides what the refusal means without reading storage shapes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

# DynamoDB's limit on the items of one TransactWriteItems; fakes keep it too.
MAX_WRITES = 100

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """One write whose condition failed: what it was for, and what is stored now (None: nothing)."""

    subject: Any
    current: Any = None


class Refused(Exception):
    """A condition of the transaction failed; none of its writes happened."""

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__(f"{len(failures)} condition(s) failed")
        self.failures = tuple(failures)

    def __iter__(self) -> Iterator[Failure]:
        return iter(self.failures)

    def of(self, kind: type[T]) -> list[Failure]:
        """The failed writes whose subject is a ``kind`` (a Line, a Reservation, an Order...)."""
        return [failure for failure in self.failures if isinstance(failure.subject, kind)]

    def about(self, subject: object) -> Failure | None:
        return next((failure for failure in self.failures if failure.subject == subject), None)


class TooManyWrites(Exception):
    """More writes than one transaction may hold; the caller splits its work (see MAX_WRITES)."""


class Transaction(Protocol):
    """Collects writes from stores; ``commit`` applies all of them or none.

    Raises Refused when a condition fails, TooManyWrites past MAX_WRITES, and
    ``shared.errors.Unavailable`` when contention outlasts the retries.
    """

    def __len__(self) -> int: ...

    def commit(self) -> None: ...


class Transactions(Protocol):
    """Where use cases get a new transaction from (DynamoDB in Lambda, memory in unit tests)."""

    def begin(self) -> Transaction: ...
