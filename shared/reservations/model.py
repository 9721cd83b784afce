"""A reservation: units held for one customer at one location until they expire (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from shared.catalog.model import UnitPrice
from shared.errors import Conflict, InvalidRequest

MAX_LINES = 40  # k stock updates + the reservation record stay well inside a 100-item transaction


class ReservationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class Channel(StrEnum):
    WEB = "web"
    APP = "app"
    STORE = "store"
    KIOSK = "kiosk"
    PHONE = "phone"


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    customer_id: str
    location_id: str
    lines: tuple[Line, ...]
    channel: Channel
    status: ReservationStatus
    created_at: datetime
    expires_at: datetime
    fingerprint: str
    order_id: str | None = None
    version: int = 1
    limited: bool = False  # counted against the customer's limits at its location (shared.reservations.limits)
    prices: tuple[UnitPrice, ...] = ()  # per SKU, priced by the server when held: what the customer pays at the till

    def price_of(self, sku: str) -> UnitPrice | None:
        return next((price for price in self.prices if price.sku == sku), None)

    @property
    def is_active(self) -> bool:
        return self.status is ReservationStatus.ACTIVE

    def overdue(self, now: datetime) -> bool:
        return self.is_active and self.expires_at <= now

    def ended(self, status: ReservationStatus) -> Reservation:
        """ACTIVE -> FULFILLED | CANCELLED | EXPIRED, once; anything else is a conflict."""
        if status is ReservationStatus.ACTIVE or not self.is_active:
            raise Conflict(f"Reservation {self.reservation_id} is {self.status.value}; it cannot become "
                           f"{status.value}.", current_status=self.status.value)
        return replace(self, status=status, version=self.version + 1)

    def without_line(self, sku: str) -> Reservation:
        """One line no longer held (its units given back); the others stay."""
        return replace(self, lines=tuple(line for line in self.lines if line.sku != sku), version=self.version + 1)

    def extended(self, until: datetime, max_hold: timedelta) -> Reservation:
        if not self.is_active:
            raise Conflict(f"Reservation {self.reservation_id} is {self.status.value}.",
                           current_status=self.status.value)
        if until <= self.expires_at:
            raise InvalidRequest("An extension must move expires_at later.", field="expires_at")
        if until - self.created_at > max_hold:
            raise InvalidRequest(f"A hold may last at most {max_hold} from creation at this location.",
                                 field="expires_at")
        return replace(self, expires_at=until, version=self.version + 1)


def merge_lines(lines: list[Line]) -> tuple[Line, ...]:
    """One line per SKU (a transaction may touch an item once), in a stable order."""
    if not lines or len(lines) > MAX_LINES:
        raise InvalidRequest(f"A reservation has 1 to {MAX_LINES} lines.", field="lines")
    totals: dict[str, int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise InvalidRequest("Quantities must be positive.", field="lines")
        totals[line.sku] = totals.get(line.sku, 0) + line.quantity
    return tuple(Line(sku, qty) for sku, qty in sorted(totals.items()))


def hold_until(created_at: datetime, policy_hours: int, requested_seconds: int | None) -> datetime:
    """The location's hold time, or a shorter/equal one the caller asks for."""
    longest = timedelta(hours=policy_hours)
    if requested_seconds is None:
        return created_at + longest
    if requested_seconds < 1 or timedelta(seconds=requested_seconds) > longest:
        raise InvalidRequest(f"hold_seconds must be between 1 and {int(longest.total_seconds())} here.",
                             field="hold_seconds")
    return created_at + timedelta(seconds=requested_seconds)
