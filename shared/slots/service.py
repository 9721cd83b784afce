"""Slot use cases: which slots a destination offers, a place booked for an order in the order's
own transaction, and given back when the order is cancelled.

``add_booking`` and ``add_release`` never commit: placing (or cancelling) an order adds them to
its transaction, so the place is taken exactly when the order exists. Should that transaction be
refused, ``retried_booking`` and ``booking_refusal`` say what the slot's part of the refusal
means. ``book`` and ``release`` are the same steps in a transaction of their own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.errors import Conflict, DomainError, InvalidRequest
from shared.slots.model import (
    BOOK,
    AvailableSlot,
    SlotBooking,
    SlotCalendar,
    SlotOwner,
    available_slots,
    refusal_error,
)
from shared.slots.ports import SlotCount, SlotStore
from shared.transactions import Refused, Transaction, Transactions

BOOKING_HORIZON = timedelta(days=90)  # how far ahead a slot can be booked (and asked for)
WRITES_PER_BOOKING = 2  # the booking's record and its slot's count: room an order's transaction keeps


# -- what is offered -----------------------------------------------------------------------


def delivery_slots(*, calendar: SlotCalendar, slots: SlotStore, postcode: str, first_day: date, last_day: date,
                   at: datetime, field: str = "postal_code") -> list[AvailableSlot]:
    """The delivery slots a booking at ``at`` could take for an address with this postcode;
    InvalidRequest naming ``field`` when no zone delivers there."""
    zone = calendar.zone_for(postcode, field=field)
    return offered(calendar=calendar, slots=slots, owner=SlotOwner.delivery(zone.zone_id), first_day=first_day,
                   last_day=last_day, at=at)


def pickup_slots(*, calendar: SlotCalendar, slots: SlotStore, location_id: str, first_day: date, last_day: date,
                 at: datetime) -> list[AvailableSlot]:
    """The pickup slots of a location (none when it has no slot templates)."""
    return offered(calendar=calendar, slots=slots, owner=SlotOwner.pickup(location_id), first_day=first_day,
                   last_day=last_day, at=at)


def offered(*, calendar: SlotCalendar, slots: SlotStore, owner: SlotOwner, first_day: date, last_day: date,
            at: datetime) -> list[AvailableSlot]:
    """Not full and before the cut-off at ``at``, with the places left: one read of the counts."""
    made = calendar.slots(owner=owner, first_day=first_day, last_day=last_day)
    booked = slots.booked([slot.slot_id for slot in made]) if made else {}
    return available_slots(slots=made, booked=booked, at=at)


# -- booking -------------------------------------------------------------------------------


def add_booking(*, tx: Transaction, calendar: SlotCalendar, slots: SlotStore, order_id: str, slot_id: str,
                destination: SlotOwner, at: datetime, field: str = "slot_id") -> tuple[SlotBooking, bool]:
    """A place in ``slot_id`` for the order, added to ``tx``. Returns (booking, added): an order
    that already holds this slot (a retry) adds nothing and gets its booking back.

    InvalidRequest (naming ``field``) for a slot that does not exist or is not ``destination``'s;
    Conflict when the order holds another slot or gave its place back; SlotFull or SlotClosed
    when the counts read now refuse it. The read is a courtesy (a clear answer without a
    write): what keeps the capacity is the condition of the write, at commit. One transaction
    books a slot once (it writes the slot's count, and a transaction writes an item once).
    """
    slot = calendar.slot(slot_id, field=field)
    if slot.day > at.date() + BOOKING_HORIZON:
        raise InvalidRequest(f"Time slots can be booked up to {BOOKING_HORIZON.days} days ahead.", field=field)
    if slot.owner != destination:
        raise InvalidRequest(f"Time slot {slot_id} is not one of this destination's.", field=field)
    existing = slots.booking(order_id)
    if existing is not None:
        return _held(existing, slot_id=slot_id), False
    refusal = slot.refusal(booked=slots.booked([slot_id])[slot_id], at=at)
    if refusal is not None:
        raise refusal
    booking = SlotBooking(order_id=order_id, slot=slot, booked_at=at)
    slots.add_booked(tx, booking=booking)
    return booking, True


def _held(existing: SlotBooking, *, slot_id: str) -> SlotBooking:
    """The order's booking when it is this slot's and active (a retry); Conflict otherwise."""
    if not existing.active:
        raise Conflict(f"Order {existing.order_id} gave its time slot back; it cannot book again.",
                       order_id=existing.order_id)
    if existing.slot.slot_id != slot_id:
        raise Conflict(f"Order {existing.order_id} holds time slot {existing.slot.slot_id}.",
                       order_id=existing.order_id, slot_id=existing.slot.slot_id)
    return existing


def retried_booking(*, refused: Refused, booking: SlotBooking) -> SlotBooking | None:
    """The booking a concurrent request for the same order made first, in the same slot (this was
    its retry), or None. Conflict when that order took another slot or gave its place back."""
    for failure in refused:
        if failure.subject == booking and isinstance(failure.current, SlotBooking):
            return _held(failure.current, slot_id=booking.slot.slot_id)
    return None


def booking_refusal(*, refused: Refused, booking: SlotBooking) -> DomainError | None:
    """What the slot's part of a refused transaction means: SlotFull or SlotClosed from the counts
    at commit (after ``retried_booking`` found no retry), or None when no write of ``booking``
    was refused (something else in the transaction was)."""
    for failure in refused:
        if failure.subject == booking and isinstance(failure.current, SlotCount):
            broken = BOOK.broken(booked=failure.current.booked, values=booking.values())
            return refusal_error(broken, booking.slot) if broken is not None else \
                Conflict(f"Time slot {booking.slot.slot_id} changed meanwhile; try again.")
    return None


def book(*, transactions: Transactions, calendar: SlotCalendar, slots: SlotStore, order_id: str, slot_id: str,
         destination: SlotOwner, at: datetime) -> tuple[SlotBooking, bool]:
    """A place for the order in a transaction of its own. Returns (booking, created); booking
    again for the same order and slot is the same booking, once."""
    tx = transactions.begin()
    booking, added = add_booking(tx=tx, calendar=calendar, slots=slots, order_id=order_id, slot_id=slot_id,
                                 destination=destination, at=at)
    if not added:
        return booking, False
    try:
        tx.commit()
    except Refused as refused:
        first = retried_booking(refused=refused, booking=booking)
        if first is not None:
            return first, False
        raise (booking_refusal(refused=refused, booking=booking)
               or Conflict(f"Time slot {slot_id} could not be booked; try again.")) from None
    return booking, True


# -- giving a place back -------------------------------------------------------------------


def add_release(*, tx: Transaction, slots: SlotStore, order_id: str, at: datetime) -> SlotBooking | None:
    """The order's place given back, added to ``tx`` (a cancellation's). Returns the released
    booking; None when there is nothing to give back (never booked, or given back before:
    releasing twice frees one place)."""
    existing = slots.booking(order_id)
    if existing is None or not existing.active:
        return None
    released = existing.released(at)
    slots.add_released(tx, booking=released)
    return released


def release(*, transactions: Transactions, slots: SlotStore, order_id: str,
            at: datetime) -> tuple[SlotBooking | None, bool]:
    """The order's place given back in a transaction of its own. Returns (booking, changed): the
    booking as it is now (None: never booked), and whether this call gave the place back."""
    tx = transactions.begin()
    released = add_release(tx=tx, slots=slots, order_id=order_id, at=at)
    if released is None:
        return slots.booking(order_id), False
    try:
        tx.commit()
    except Refused:
        current = slots.booking(order_id)
        if current is not None and not current.active:
            return current, False  # a concurrent cancellation gave it back first
        raise Conflict(f"The time slot of order {order_id} could not be given back; try again.",
                       order_id=order_id) from None
    return released, True
