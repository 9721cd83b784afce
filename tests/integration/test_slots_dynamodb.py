"""The DynamoDB slot store on moto: what it stores, and that its conditions are the rule's.

The count's condition comes from BOOK and RELEASE: a write that bypasses the courtesy read is
still refused by storage, with what the count held; the cut-off is decided when the write is
built, with the domain's own refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import boto3
import pytest

from local.provision import Provisioned
from shared import wiring
from shared.adapters.dynamodb_slots import count_update
from shared.slots import service as slots
from shared.slots.model import (
    BOOK,
    RELEASE,
    CutOff,
    DeliveryZone,
    PostcodeRange,
    SlotBooking,
    SlotCalendar,
    SlotClosed,
    SlotFull,
    SlotOwner,
    SlotTemplate,
    slot_id_for,
)
from shared.slots.ports import SlotCount
from shared.transactions import Refused

ZONE, STORE = SlotOwner.delivery("utrecht"), SlotOwner.pickup("utrecht-oudegracht")
TUESDAY = date(2026, 12, 1)
CALENDAR = SlotCalendar(
    zones=(DeliveryZone("utrecht", (PostcodeRange(3500, 3585),)),),
    templates=(SlotTemplate(ZONE, 1, time(9), time(12), capacity=2),
               SlotTemplate(STORE, 1, time(16), time(18), capacity=1, cutoff=CutOff(days_before=0, at=time(12)))),
)
MORNING = CALENDAR.slot(slot_id_for(ZONE, TUESDAY, time(9)))
PICKUP = CALENDAR.slot(slot_id_for(STORE, TUESDAY, time(16)))
AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("aws")


def book(order_id: str, slot_id: str = MORNING.slot_id, at: datetime = AT) -> tuple[SlotBooking, bool]:
    return slots.book(transactions=wiring.transactions(), calendar=CALENDAR, slots=wiring.slot_store(),
                      order_id=order_id, slot_id=slot_id, destination=CALENDAR.slot(slot_id).owner, at=at)


def test_a_booking_is_stored_whole_and_released_once(aws: Provisioned) -> None:
    booking, created = book("order-1", PICKUP.slot_id)
    assert created and wiring.slot_store().booking("order-1") == booking
    released, changed = slots.release(transactions=wiring.transactions(), slots=wiring.slot_store(),
                                      order_id="order-1", at=AT + timedelta(hours=1))
    assert changed and wiring.slot_store().booking("order-1") == released == booking.released(AT + timedelta(hours=1))
    assert wiring.slot_store().booked([PICKUP.slot_id]) == {PICKUP.slot_id: 0}
    # the records are keyed by slot and by order, as the design says
    keys = {(it["pk"]["S"], it["sk"]["S"]) for it in boto3.client("dynamodb").scan(TableName=aws.table_name)["Items"]}
    assert {(f"SLOT#{PICKUP.slot_id}", "#"), ("SLOTBOOKING#order-1", "#")} <= keys


def test_a_write_past_the_courtesy_read_is_refused_by_the_count_condition() -> None:
    # given the slot is full
    book("order-1"), book("order-2")
    # when a booking is written without the read (as two racing requests would both pass it)
    late = SlotBooking(order_id="order-3", slot=MORNING, booked_at=AT)
    tx = wiring.transactions().begin()
    wiring.slot_store().add_booked(tx, booking=late)
    with pytest.raises(Refused) as refused:
        tx.commit()
    # then storage refused it with what the count held, which the domain reads as full
    assert [f.current for f in refused.value if f.subject == late] == [SlotCount(MORNING.slot_id, 2)]
    assert type(slots.booking_refusal(refused=refused.value, booking=late)) is SlotFull
    assert wiring.slot_store().booking("order-3") is None
    assert wiring.slot_store().booked([MORNING.slot_id]) == {MORNING.slot_id: 2}


def test_a_booking_past_the_cutoff_is_refused_before_anything_is_written() -> None:
    closed = SlotBooking(order_id="order-1", slot=PICKUP, booked_at=PICKUP.cutoff_at)
    tx = wiring.transactions().begin()
    with pytest.raises(SlotClosed):
        wiring.slot_store().add_booked(tx, booking=closed)
    assert len(tx) == 0  # type: ignore[arg-type]


def test_the_conditions_are_read_from_the_rule() -> None:
    booking = SlotBooking(order_id="order-1", slot=MORNING, booked_at=AT)
    booked = count_update(booking, BOOK)
    names = {v: k for k, v in booked["ExpressionAttributeNames"].items()}
    capacity = next(k for k, v in booked["ExpressionAttributeValues"].items() if v == {"N": "2"})
    assert booked["ConditionExpression"] == (f"(attribute_not_exists({names['booked']}) OR "
                                             f"{names['booked']} < {capacity})")
    released = count_update(booking.released(AT), RELEASE)
    names = {v: k for k, v in released["ExpressionAttributeNames"].items()}
    zero = next(k for k, v in released["ExpressionAttributeValues"].items() if v == {"N": "0"})
    assert released["ConditionExpression"] == f"{zero} < {names['booked']}"  # no record: nothing to give back


def test_giving_back_a_place_never_taken_is_refused_with_no_booking() -> None:
    never = SlotBooking(order_id="never", slot=MORNING, booked_at=AT, released_at=AT)
    tx = wiring.transactions().begin()
    wiring.slot_store().add_released(tx, booking=never)
    with pytest.raises(Refused) as refused:
        tx.commit()
    assert [f.current for f in refused.value if f.subject == never] == [None, SlotCount(MORNING.slot_id, 0)]


def test_counts_of_many_slots_are_read_in_batches_of_100() -> None:
    book("order-1")
    wanted = [MORNING.slot_id] + [slot_id_for(ZONE, TUESDAY + timedelta(days=7 * n), time(9)) for n in range(1, 150)]
    counts = wiring.slot_store().booked(wanted)
    assert counts[MORNING.slot_id] == 1 and len(counts) == 150 and sum(counts.values()) == 1
