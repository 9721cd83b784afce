"""What order use cases need from storage: the order's record, added to the transaction that
also holds or ends its stock (``shared.reservations.holding``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.orders.model import Order
from shared.transactions import Transaction


class OrderStore(Protocol):
    def add_placed(self, tx: Transaction, *, order: Order) -> None:
        """The new order, refused (subject ``order``, current: the stored Order) when its id exists."""
        ...

    def add_saved(self, tx: Transaction, *, before: Order, after: Order) -> None:
        """``after`` in place of ``before``, refused (subject ``after``) when the order changed meanwhile."""
        ...

    def record_wrong_code(self, order: Order, max_attempts: int) -> int:
        """Count one wrong code for the order's current code, atomically; returns the count."""
        ...

    def get(self, order_id: str) -> Order | None: ...

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Order], str | None]: ...

    def list_open_at(self, location_id: str, limit: int = 50,
                     cursor: str | None = None) -> tuple[list[Order], str | None]: ...

    def waiting_until(self, moment: datetime) -> list[Order]: ...

    def unpaid_until(self, moment: datetime) -> list[Order]:
        """Open orders to be paid in a store whose payment deadline is at or before ``moment``."""
        ...

    def tasks_at(self, location_id: str, limit: int = 50,
                 cursor: str | None = None) -> tuple[list[tuple[Order, str]], str | None]:
        """Orders with a step due at the location (``Order.tasks``), oldest first, with the fulfilment."""
        ...

    def supplied_from(self, location_id: str) -> list[Order]:
        """Every open order with a fulfilment still to ship from this location (REQUESTED or
        WAITING): the holds there that are its orders', found by a shortfall at the source."""
        ...

    def tracked(self, carrier: str, tracking_number: str) -> tuple[str, str] | None:
        """(order id, fulfilment id) of a shipped parcel, found by its carrier's tracking number."""
        ...
