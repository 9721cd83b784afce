"""200 orders book one slot with room for 10, all at once, against the real DynamoDB code: exactly
10 get a place, every other one is told the slot is full, and the count says 10.

The read before the write (is there room?) lets many through at once; what keeps the capacity is
the condition on the count's write. In-process moto does not lock (two threads can read one old
item and both write), so this runs against moto's server behind ``local.emulator``, which applies
one DynamoDB request at a time: atomic per request, as DynamoDB is per item."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time

from shared import wiring
from shared.errors import DomainError
from shared.slots import service as slots
from shared.slots.model import DeliveryZone, PostcodeRange, SlotCalendar, SlotFull, SlotOwner, SlotTemplate, slot_id_for

ZONE = SlotOwner.delivery("utrecht")
TUESDAY = date(2026, 12, 1)
CALENDAR = SlotCalendar(zones=(DeliveryZone("utrecht", (PostcodeRange(3500, 3585),)),),
                        templates=(SlotTemplate(ZONE, 1, time(9), time(12), capacity=10),))
SLOT_ID = slot_id_for(ZONE, TUESDAY, time(9))
AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday morning: open until 22:00
ORDERS = 200


def book(n: int) -> bool | DomainError:
    try:
        _, created = slots.book(transactions=wiring.transactions(), calendar=CALENDAR, slots=wiring.slot_store(),
                                order_id=f"order-{n:03d}", slot_id=SLOT_ID, destination=ZONE, at=AT)
    except DomainError as refused:
        return refused
    return created


def test_200_concurrent_bookings_of_a_slot_for_10_fill_it_exactly(emulated: str) -> None:
    # when 200 orders book the same slot at once
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(book, range(ORDERS)))
    # then exactly 10 got a place, every other one was told it is full, and the count is 10
    booked = [n for n, outcome in enumerate(outcomes) if outcome is True]
    refused = [outcome for outcome in outcomes if outcome is not True]
    assert len(booked) == 10
    assert len(refused) == ORDERS - 10 and all(type(outcome) is SlotFull for outcome in refused), {
        type(outcome).__name__ for outcome in refused}
    assert wiring.slot_store().booked([SLOT_ID]) == {SLOT_ID: 10}
    assert all(wiring.slot_store().booking(f"order-{n:03d}") is not None for n in booked)
    assert sum(wiring.slot_store().booking(f"order-{n:03d}") is not None for n in range(ORDERS)) == 10
    # and a place given back is one more place for the next order
    slots.release(transactions=wiring.transactions(), slots=wiring.slot_store(), order_id=f"order-{booked[0]:03d}",
                  at=AT)
    assert book(ORDERS) is True and wiring.slot_store().booked([SLOT_ID]) == {SLOT_ID: 10}
