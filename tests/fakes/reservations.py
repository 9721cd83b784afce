"""Reservations in memory: records changed only as the DynamoDB conditions allow (an active
hold at the version read; an expiry only once overdue), the status rules the model's."""

from __future__ import annotations

from datetime import datetime

from shared.errors import Conflict
from shared.reservations.model import Reservation
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import LOCK, memory


class MemoryReservationStore:
    def __init__(self) -> None:
        self.reservations: dict[str, Reservation] = {}

    def _unchanged(self, before: Reservation) -> bool:
        current = self.reservations.get(before.reservation_id)
        return current is not None and current.is_active and current.version == before.version

    def _replaced(self, tx: Transaction, before: Reservation, after: Reservation) -> None:
        def check() -> Failure | None:
            return None if self._unchanged(before) else Failure(
                after, self.reservations.get(before.reservation_id))

        def apply() -> None:
            self.reservations[after.reservation_id] = after

        memory(tx).add(item=("RES", before.reservation_id), check=check, apply=apply)

    # -- writes ------------------------------------------------------------------------------

    def add_created(self, tx: Transaction, *, reservation: Reservation) -> None:
        def check() -> Failure | None:
            existing = self.reservations.get(reservation.reservation_id)
            return Failure(reservation, existing) if existing is not None else None

        def apply() -> None:
            self.reservations[reservation.reservation_id] = reservation

        memory(tx).add(item=("RES", reservation.reservation_id), check=check, apply=apply)

    def add_ended(self, tx: Transaction, *, before: Reservation, after: Reservation,
                  overdue_at: datetime | None = None) -> None:
        def check() -> Failure | None:
            current = self.reservations.get(before.reservation_id)
            overdue = overdue_at is None or (current is not None and current.expires_at <= overdue_at)
            return None if self._unchanged(before) and overdue else Failure(after, current)

        def apply() -> None:
            self.reservations[after.reservation_id] = after

        memory(tx).add(item=("RES", before.reservation_id), check=check, apply=apply)

    def add_lines_changed(self, tx: Transaction, *, before: Reservation, after: Reservation) -> None:
        self._replaced(tx, before, after)

    def extend(self, *, before: Reservation, after: Reservation) -> Reservation:
        with LOCK:
            if not self._unchanged(before):
                raise Conflict(f"Reservation {before.reservation_id} changed meanwhile; read it and retry.")
            self.reservations[after.reservation_id] = after
            return after

    # -- reads -------------------------------------------------------------------------------

    def get(self, reservation_id: str) -> Reservation | None:
        return self.reservations.get(reservation_id)

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Reservation], str | None]:
        """Newest first, one page (the fakes do not page: unit tests hold few)."""
        mine = [r for r in self.reservations.values() if r.customer_id == customer_id]
        return sorted(mine, key=lambda r: (r.created_at, r.reservation_id), reverse=True)[:limit], None

    def due(self, now: datetime, limit: int = 100) -> list[Reservation]:
        return sorted((r for r in self.reservations.values() if r.is_active and not r.order_id
                       and r.expires_at <= now), key=lambda r: (r.expires_at, r.reservation_id))

    def active_at(self, location_id: str) -> list[Reservation]:
        return [r for r in self.reservations.values()
                if r.is_active and not r.order_id and r.location_id == location_id]
