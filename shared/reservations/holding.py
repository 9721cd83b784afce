"""A hold and its end as the writes they are, and what a refusal of them means (pure).

Holding k lines is k stock moves (HOLD), the reservation's record and, for a customer, one
count in their limits; ending it is the record's new status, k moves (HANDOVER when collected,
RELEASE otherwise) and the count out. Stores add those writes to one transaction (an order adds
its record to the same one); when a condition fails, the failures say which write it was, and
this module turns them into the answer: a retry of the first request, IdempotencyKeyReused,
the limits' 429, InsufficientStock with what each line could have had, or a Conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict

from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock
from shared.reservations.limits import Held, HoldLimits, refused
from shared.reservations.model import Line, Reservation, ReservationStatus
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.stock.model import HANDOVER, HOLD, RELEASE, Effect, StockLevel, StockMove
from shared.stock.ports import ChangeReceipt, StockStore
from shared.transactions import Refused, Transaction, Transactions


class HoldWrites(TypedDict):
    """The stores a hold (or its end) writes to and where its transaction begins, as the
    keyword arguments of the use cases that hold (``**wiring.holds()``)."""

    reservations: ReservationStore
    counters: HoldCounters
    stock: StockStore
    transactions: Transactions


# What the stock item's last change says a hold's move was (its ``kind``).
_KIND_OF_END = {ReservationStatus.FULFILLED: "collect", ReservationStatus.CANCELLED: "release",
                ReservationStatus.EXPIRED: "expire"}


def _now() -> datetime:
    return datetime.now(UTC)


def move_of(reservation: Reservation, line: Line, effect: Effect) -> StockMove:
    return StockMove(line.sku, reservation.location_id, effect, line.quantity)


def add_moves(tx: Transaction, *, stock: StockStore, reservation: Reservation, lines: tuple[Line, ...],
              effect: Effect, kind: str, default_threshold: int = 0) -> None:
    """One stock move per line, stamped as the hold's (``<id>:<kind>``)."""
    for line in lines:
        move = move_of(reservation, line, effect)
        change = ChangeReceipt.of_move(move, change_id=f"{reservation.reservation_id}:{kind}", kind=kind, at=_now(),
                                       source=f"reservation:{reservation.reservation_id}")
        stock.add_move(tx, move=move, change=change, default_threshold=default_threshold)


def add_hold(tx: Transaction, *, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
             reservation: Reservation, limits: HoldLimits | None, default_threshold: int) -> None:
    """Every line held, the hold counted for its customer (when limited) and recorded."""
    add_moves(tx, stock=stock, reservation=reservation, lines=reservation.lines, effect=HOLD, kind="reserve",
              default_threshold=default_threshold)
    if limits is not None and reservation.limited:
        counters.add_counted_in(tx, reservation=reservation, limits=limits)
    reservations.add_created(tx, reservation=reservation)


def add_end(tx: Transaction, *, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
            before: Reservation, after: Reservation, overdue_at: datetime | None = None,
            leaves_as: Effect | None = None) -> None:
    """The new status, the units handed over (collected) or released, the count out.
    ``leaves_as``: how fulfilled units leave instead of a handover (a transfer's dispatch)."""
    reservations.add_ended(tx, before=before, after=after, overdue_at=overdue_at)
    effect = (leaves_as or HANDOVER) if after.status is ReservationStatus.FULFILLED else RELEASE
    add_moves(tx, stock=stock, reservation=before, lines=before.lines, effect=effect,
              kind=effect.name if leaves_as else _KIND_OF_END[after.status])
    if before.limited:
        counters.add_counted_out(tx, reservation=before, lines=before.lines, hold_ends=True)


def add_line_released(tx: Transaction, *, reservations: ReservationStore, counters: HoldCounters,
                      stock: StockStore, before: Reservation, sku: str) -> Reservation:
    """One line's units given back (found short, rejected at a source); the rest stays held, and
    a hold left with nothing ends (cancelled). Returns the hold as it will be."""
    if all(line.sku == sku for line in before.lines):
        after = before.ended(ReservationStatus.CANCELLED)
        add_end(tx, reservations=reservations, counters=counters, stock=stock, before=before, after=after)
        return after
    line = next(line for line in before.lines if line.sku == sku)
    after = before.without_line(sku)
    reservations.add_lines_changed(tx, before=before, after=after)
    add_moves(tx, stock=stock, reservation=before, lines=(line,), effect=RELEASE, kind="short")
    if before.limited:
        counters.add_counted_out(tx, reservation=before, lines=(line,), hold_ends=False)
    return after


# -- what a refusal means ------------------------------------------------------------------


def first_hold(refusal: Refused, *, reservations: ReservationStore, reservation: Reservation) -> Reservation | None:
    """The hold a first request with this key made (this one is its retry), or None when the
    record was not what refused; IdempotencyKeyReused when the key meant another hold."""
    failure = refusal.about(reservation)
    if failure is None:
        return None
    existing = failure.current if isinstance(failure.current, Reservation) \
        else reservations.get(reservation.reservation_id)
    if existing is not None and existing.fingerprint != reservation.fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was used before for a different reservation.")
    return existing


def hold_refused(refusal: Refused, *, reservation: Reservation, limits: HoldLimits | None) -> Exception:
    """The answer to a hold that was not a retry: over the customer's limits, or short of stock."""
    if limits is not None:
        counted = refusal.about(limits)
        if counted is not None:
            held = counted.current if isinstance(counted.current, Held) else Held(0, {})
            asked = {line.sku: line.quantity for line in reservation.lines}
            return refused(limits=limits, location_id=reservation.location_id, holds=held.holds, units=held.units,
                           asked=asked)
    return InsufficientStock(f"Not every line can be held at {reservation.location_id}.",
                             lines=shortfall_report(refusal, reservation))


def shortfall_report(refusal: Refused, reservation: Reservation) -> list[dict[str, object]]:
    """Per line: requested, and what was available where a line could not be held (None for
    a line that could have been)."""
    report: list[dict[str, object]] = []
    for line in reservation.lines:
        failure = refusal.about(move_of(reservation, line, HOLD))
        available: int | None = None
        if failure is not None:
            level = failure.current
            available = max(0, level.sellable) if isinstance(level, StockLevel) else 0
        report.append({"sku": line.sku, "requested": line.quantity, "available": available})
    return report


# -- use-case steps ------------------------------------------------------------------------


def hold(*, transactions: Transactions, reservations: ReservationStore, counters: HoldCounters,
         stock: StockStore, reservation: Reservation, limits: HoldLimits | None,
         default_threshold: int) -> tuple[Reservation, bool]:
    """Hold every line or none. Returns (reservation, created); a retry returns the first."""
    tx = transactions.begin()
    add_hold(tx, reservations=reservations, counters=counters, stock=stock, reservation=reservation,
             limits=limits, default_threshold=default_threshold)
    try:
        tx.commit()
    except Refused as refusal:
        existing = first_hold(refusal, reservations=reservations, reservation=reservation)
        if existing is not None:
            return existing, False
        raise hold_refused(refusal, reservation=reservation, limits=limits) from None
    return reservation, True


def end(*, transactions: Transactions, reservations: ReservationStore, counters: HoldCounters,
        stock: StockStore, reservation: Reservation, status: ReservationStatus,
        overdue_at: datetime | None = None) -> tuple[Reservation, bool]:
    """ACTIVE -> status with the stock effect, once. ``overdue_at`` given: only if overdue then
    (expiry). Returns (reservation, changed); ending it again in the same way is not an error."""
    after = reservation.ended(status)
    tx = transactions.begin()
    add_end(tx, reservations=reservations, counters=counters, stock=stock, before=reservation, after=after,
            overdue_at=overdue_at)
    try:
        tx.commit()
    except Refused:
        current = reservations.get(reservation.reservation_id)
        if current is not None and current.status is status:
            return current, False
        if current is not None and current.is_active and current.version != reservation.version:
            return end(transactions=transactions, reservations=reservations, counters=counters, stock=stock,
                       reservation=current, status=status, overdue_at=overdue_at)  # extended meanwhile
        raise Conflict(f"Reservation {reservation.reservation_id} could not become {status.value}.",
                       current_status=current.status.value if current else None) from None
    return after, True
