"""What reservation use cases need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.reservations.limits import HoldLimits
from shared.reservations.model import Reservation, ReservationStatus


class ReservationStore(Protocol):
    def create(self, reservation: Reservation, default_threshold: int, *,
               limits: HoldLimits | None = None) -> tuple[Reservation, bool]: ...

    def end(self, reservation: Reservation, status: ReservationStatus, now: datetime | None = None,
            default_threshold: int = 0) -> tuple[Reservation, bool]: ...

    def extend(self, reservation: Reservation, extended: Reservation) -> Reservation: ...

    def get(self, reservation_id: str) -> Reservation | None: ...

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Reservation], str | None]: ...

    def due(self, now: datetime, limit: int = 100) -> list[Reservation]:
        """Every overdue hold that can expire on its own (not an order's), read page by page."""
        ...

    def active_at(self, location_id: str) -> list[Reservation]: ...
