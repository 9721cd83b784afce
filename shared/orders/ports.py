"""What order use cases need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from shared.orders.model import Order
from shared.reservations.limits import HoldLimits
from shared.reservations.model import Reservation, ReservationStatus


class OrderStore(Protocol):
    def place(self, order: Order, hold: Reservation, default_threshold: int, *,
              limits: HoldLimits | None = None) -> tuple[Order, bool]: ...

    def save(self, before: Order, after: Order) -> Order: ...

    def finish(self, before: Order, after: Order, hold_ends_as: ReservationStatus,
               extra: list[dict[str, Any]] | None = None) -> Order: ...

    def record_wrong_code(self, order: Order, max_attempts: int) -> int:
        """Count one wrong code for the order's current code, atomically; returns the count."""
        ...

    def mark_short(self, before: Order, after: Order, sku: str) -> Order: ...

    def get(self, order_id: str) -> Order | None: ...

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Order], str | None]: ...

    def list_open_at(self, location_id: str, limit: int = 50,
                     cursor: str | None = None) -> tuple[list[Order], str | None]: ...

    def waiting_until(self, moment: datetime) -> list[Order]: ...
