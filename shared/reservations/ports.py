"""What reservation use cases need from storage: each store adds its part of a hold (or of its
end) to the use case's transaction; the composition lives in ``shared.reservations.holding``."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.reservations.limits import Held, HoldLimits
from shared.reservations.model import Line, Reservation
from shared.transactions import Transaction


class ReservationStore(Protocol):
    def add_created(self, tx: Transaction, *, reservation: Reservation) -> None:
        """The new record (also the request's idempotency record): refused (subject
        ``reservation``, current: the stored Reservation) when its id exists."""
        ...

    def add_ended(self, tx: Transaction, *, before: Reservation, after: Reservation,
                  overdue_at: datetime | None = None) -> None:
        """ACTIVE ``before`` -> ``after``'s status, refused (subject ``after``) when it is no longer
        ``before`` or, with ``overdue_at``, not yet overdue then."""
        ...

    def add_lines_changed(self, tx: Transaction, *, before: Reservation, after: Reservation) -> None:
        """The lines it still holds, refused (subject ``after``) when it is no longer ``before``."""
        ...

    def extend(self, *, before: Reservation, after: Reservation) -> Reservation:
        """A later expiry on its own (no stock moves); Conflict when it changed meanwhile."""
        ...

    def get(self, reservation_id: str) -> Reservation | None: ...

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Reservation], str | None]: ...

    def due(self, now: datetime, limit: int = 100) -> list[Reservation]:
        """Every overdue hold that can expire on its own (not an order's), read page by page."""
        ...

    def active_at(self, location_id: str) -> list[Reservation]: ...


class HoldCounters(Protocol):
    """What each customer holds at each location, counted with the holds themselves."""

    def add_counted_in(self, tx: Transaction, *, reservation: Reservation, limits: HoldLimits) -> None:
        """+1 hold and its units, refused (subject ``limits``, current: what the customer holds,
        a Held) when that would break the limits."""
        ...

    def add_counted_out(self, tx: Transaction, *, reservation: Reservation, lines: tuple[Line, ...],
                        hold_ends: bool) -> None:
        """The lines' units (and the hold when it ends) no longer counted; never refused."""
        ...

    def held_by(self, customer_id: str, location_id: str) -> Held: ...
