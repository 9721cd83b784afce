"""Delivery zones and time slots on the fakes: which zone an address is in, which slots are
offered, and a place booked once per order, never past capacity or cut-off, given back once
when the order is cancelled. Given/When/Then."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import Conflict, DomainError, InvalidRequest
from shared.slots import service as slots
from shared.slots.model import (
    BOOK,
    CLOSED,
    EFFECTS,
    FULL,
    LOCAL_TIME,
    MAX_DAYS,
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
from shared.transactions import Failure, Refused
from tests.fakes.slots import MemorySlotStore
from tests.fakes.transaction import MemoryTransactions, memory
from tests.names import Names

CENTRUM, OOST = SlotOwner.delivery("ams-centrum"), SlotOwner.delivery("ams-oost")
STORE = SlotOwner.pickup("amsterdam-kalverstraat")
TUESDAY = date(2026, 12, 1)
CALENDAR = SlotCalendar(
    zones=(DeliveryZone("ams-centrum", (PostcodeRange.parse("1000-1019"), PostcodeRange.parse("1050-1059"))),
           DeliveryZone("ams-oost", (PostcodeRange.parse("1090-1099"),))),
    templates=(
        SlotTemplate(CENTRUM, 1, time(9), time(12), capacity=2),  # Tuesdays; cut-off the day before 22:00
        SlotTemplate(CENTRUM, 1, time(18), time(21), capacity=10),
        SlotTemplate(OOST, 3, time(9), time(12), capacity=1),  # Thursdays
        SlotTemplate(STORE, 1, time(16), time(18), capacity=1, cutoff=CutOff(days_before=0, at=time(12))),
    ),
)
MORNING = CALENDAR.slot(slot_id_for(CENTRUM, TUESDAY, time(9)))
EVENING = CALENDAR.slot(slot_id_for(CENTRUM, TUESDAY, time(18)))
PICKUP = CALENDAR.slot(slot_id_for(STORE, TUESDAY, time(16)))
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> MemorySlotStore:
    return MemorySlotStore()


@pytest.fixture
def transactions() -> MemoryTransactions:
    return MemoryTransactions()


@pytest.fixture
def names() -> Names:
    return Names("slots")


def book(store: MemorySlotStore, transactions: MemoryTransactions, order_id: str, slot_id: str = MORNING.slot_id,
         *, destination: SlotOwner = CENTRUM, at: datetime = MONDAY_NOON) -> tuple[SlotBooking, bool]:
    return slots.book(transactions=transactions, calendar=CALENDAR, slots=store, order_id=order_id,
                      slot_id=slot_id, destination=destination, at=at)


def release(store: MemorySlotStore, transactions: MemoryTransactions, order_id: str,
            at: datetime = MONDAY_NOON) -> tuple[SlotBooking | None, bool]:
    return slots.release(transactions=transactions, slots=store, order_id=order_id, at=at)


def remaining(store: MemorySlotStore, slot_id: str, at: datetime = MONDAY_NOON) -> int | None:
    offered = slots.offered(calendar=CALENDAR, slots=store, owner=CALENDAR.slot(slot_id).owner,
                            first_day=TUESDAY, last_day=TUESDAY, at=at)
    return next((a.remaining for a in offered if a.slot.slot_id == slot_id), None)


# -- zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("postcode", "zone_id"), [
    ("1000 AA", "ams-centrum"), ("1019ZZ", "ams-centrum"), ("1055 ab", "ams-centrum"), ("1012", "ams-centrum"),
    (" 1091 XK ", "ams-oost"), ("1099", "ams-oost"),
])
def test_an_address_is_in_the_zone_whose_ranges_hold_its_four_digits(postcode: str, zone_id: str) -> None:
    assert CALENDAR.zone_for(postcode).zone_id == zone_id


@pytest.mark.parametrize("postcode", ["1020 AA", "1049", "1100 AB", "9999 ZZ"])
def test_an_address_outside_every_zone_is_invalid_naming_the_field(postcode: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        CALENDAR.zone_for(postcode, field="address.postal_code")
    assert refused.value.extra == {"field": "address.postal_code"}
    assert postcode.strip() not in refused.value.detail  # part of an address: never in messages


@pytest.mark.parametrize("postcode", ["", "0123 AB", "12345", "1012 ABC", "AB 1012", "1012-AB"])
def test_what_is_not_a_dutch_postcode_is_invalid(postcode: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        CALENDAR.zone_for(postcode)
    assert refused.value.extra == {"field": "postal_code"}


def test_zones_that_overlap_or_slots_of_an_unknown_zone_are_refused_when_configured() -> None:
    with pytest.raises(ValueError, match="overlap"):
        SlotCalendar(zones=(DeliveryZone("a-zone", (PostcodeRange(1000, 1109),)),
                            DeliveryZone("b-zone", (PostcodeRange(1100, 1200),))))
    with pytest.raises(ValueError, match="unknown zone"):
        SlotCalendar(templates=(SlotTemplate(SlotOwner.delivery("nowhere"), 1, time(9), time(12), capacity=1),))
    with pytest.raises(ValueError, match="same slot"):
        SlotCalendar(templates=(SlotTemplate(STORE, 1, time(9), time(12), capacity=1),
                                SlotTemplate(STORE, 1, time(9), time(10), capacity=2)))
    with pytest.raises(ValueError, match="closes before"):
        SlotTemplate(STORE, 1, time(9), time(12), capacity=1, cutoff=CutOff(days_before=0, at=time(10)))
    with pytest.raises(ValueError, match="range of postcode areas"):
        PostcodeRange.parse("1109-1000")


# -- slots and their ids -------------------------------------------------------------------


def test_a_slot_id_is_its_owner_day_and_start_and_names_the_same_slot_again() -> None:
    assert MORNING.slot_id == "delivery.ams-centrum.20261201.0900"
    assert PICKUP.slot_id == "pickup.amsterdam-kalverstraat.20261201.1600"
    assert CALENDAR.slot(MORNING.slot_id) == MORNING
    assert (MORNING.starts_at, MORNING.ends_at) == (datetime(2026, 12, 1, 9, tzinfo=LOCAL_TIME),
                                                    datetime(2026, 12, 1, 12, tzinfo=LOCAL_TIME))


@pytest.mark.parametrize("slot_id", [
    "delivery.ams-centrum.20261202.0900",  # a Wednesday: no template
    "delivery.ams-centrum.20261201.1000",  # no slot starts then
    "delivery.ams-oost.20261201.0900",  # not this zone's
    "delivery.ams-centrum.20261201.900", "delivery.ams-centrum.2026121.0900", "delivery.ams-centrum.20261301.0900",
    "parcel.ams-centrum.20261201.0900", "delivery.ams-centrum.20261201", "", "....",
])
def test_an_id_no_template_makes_is_invalid(slot_id: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        CALENDAR.slot(slot_id)
    assert refused.value.extra == {"field": "slot_id"}


@pytest.mark.parametrize(("day", "cutoff_utc"), [
    (date(2026, 3, 24), datetime(2026, 3, 23, 21, 0, tzinfo=UTC)),  # Monday 22:00 winter time
    (date(2026, 3, 31), datetime(2026, 3, 30, 20, 0, tzinfo=UTC)),  # Monday 22:00 summer time
    (date(2026, 10, 27), datetime(2026, 10, 26, 21, 0, tzinfo=UTC)),  # back to winter time
])
def test_the_cut_off_is_the_day_before_at_22_local_time_whatever_the_season(day: date, cutoff_utc: datetime) -> None:
    assert CALENDAR.slot(slot_id_for(CENTRUM, day, time(9))).cutoff_at == cutoff_utc


def test_slots_offered_are_before_their_cut_off_and_not_full_with_the_places_left(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    book(store, transactions, names("order"))
    offered = slots.delivery_slots(calendar=CALENDAR, slots=store, postcode="1012 AB", first_day=date(2026, 11, 30),
                                   last_day=date(2026, 12, 8), at=MONDAY_NOON)
    assert [(a.slot.slot_id, a.remaining) for a in offered] == [
        ("delivery.ams-centrum.20261201.0900", 1),
        ("delivery.ams-centrum.20261201.1800", 10),
        ("delivery.ams-centrum.20261208.0900", 2),
        ("delivery.ams-centrum.20261208.1800", 10),
    ]
    book(store, transactions, names("order"))  # the morning is full now
    later = slots.delivery_slots(calendar=CALENDAR, slots=store, postcode="1012 AB", first_day=TUESDAY,
                                 last_day=TUESDAY, at=MONDAY_NOON)
    assert [a.slot.slot_id for a in later] == [EVENING.slot_id]
    past_cut_off = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)  # Monday 22:00 in Amsterdam
    assert slots.delivery_slots(calendar=CALENDAR, slots=store, postcode="1012 AB", first_day=TUESDAY,
                                last_day=TUESDAY, at=past_cut_off) == []


def test_pickup_slots_are_the_locations_own_and_none_where_it_has_none(store: MemorySlotStore) -> None:
    offered = slots.pickup_slots(calendar=CALENDAR, slots=store, location_id=STORE.owner_id, first_day=TUESDAY,
                                 last_day=TUESDAY, at=MONDAY_NOON)
    assert [(a.slot, a.remaining) for a in offered] == [(PICKUP, 1)]
    assert slots.pickup_slots(calendar=CALENDAR, slots=store, location_id="utrecht-oudegracht", first_day=TUESDAY,
                              last_day=TUESDAY, at=MONDAY_NOON) == []


def test_a_range_of_days_backwards_or_too_long_is_invalid(store: MemorySlotStore) -> None:
    for last_day in (TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=MAX_DAYS)):
        with pytest.raises(InvalidRequest) as refused:
            slots.pickup_slots(calendar=CALENDAR, slots=store, location_id=STORE.owner_id, first_day=TUESDAY,
                               last_day=last_day, at=MONDAY_NOON)
        assert refused.value.extra == {"field": "last_day"}


def test_asking_for_slots_outside_every_zone_is_invalid_naming_the_field(store: MemorySlotStore) -> None:
    with pytest.raises(InvalidRequest) as refused:
        slots.delivery_slots(calendar=CALENDAR, slots=store, postcode="3511 AB", first_day=TUESDAY, last_day=TUESDAY,
                             at=MONDAY_NOON, field="address.postal_code")
    assert refused.value.extra == {"field": "address.postal_code"}


# -- booking -------------------------------------------------------------------------------


def test_a_full_slot_is_refused_and_nothing_is_written(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    first, second, third = names("order"), names("order"), names("order")
    book(store, transactions, first)
    book(store, transactions, second)
    with pytest.raises(SlotFull) as refused:
        book(store, transactions, third)
    assert refused.value.extra == {"slot_id": MORNING.slot_id, "remaining": 0}
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 2}
    assert store.booking(third) is None
    assert len(transactions.begun[-1]) == 0


def test_booking_closes_at_the_cut_off(store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    just_before = datetime(2026, 11, 30, 20, 59, 59, tzinfo=UTC)  # Monday 21:59:59 in Amsterdam
    booking, created = book(store, transactions, names("order"), at=just_before)
    assert created and booking.active
    with pytest.raises(SlotClosed) as refused:
        book(store, transactions, names("order"), at=just_before + timedelta(seconds=1))
    assert refused.value.extra == {"slot_id": MORNING.slot_id, "cutoff_at": "2026-11-30T21:00:00+00:00"}
    assert "2026-11-30 22:00" in refused.value.detail  # told in local time


def test_a_pickup_slot_closes_on_its_own_day_at_noon(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    tuesday_morning = datetime(2026, 12, 1, 10, 59, tzinfo=UTC)
    book(store, transactions, names("order"), PICKUP.slot_id, destination=STORE, at=tuesday_morning)
    with pytest.raises(SlotClosed):
        book(store, transactions, names("order"), PICKUP.slot_id, destination=STORE,
             at=datetime(2026, 12, 1, 11, 0, tzinfo=UTC))


def test_a_slot_of_another_destination_or_none_at_all_is_invalid(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    for slot_id, destination in ((MORNING.slot_id, OOST), (PICKUP.slot_id, CENTRUM),
                                 ("delivery.ams-centrum.20261202.0900", CENTRUM)):
        with pytest.raises(InvalidRequest) as refused:
            book(store, transactions, names("order"), slot_id, destination=destination)
        assert refused.value.extra == {"field": "slot_id"}
    assert store.counts == {} and store.bookings == {}


def test_booking_twice_for_the_same_order_is_one_booking(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    order_id = names("order")
    booking, created = book(store, transactions, order_id)
    again, created_again = book(store, transactions, order_id, at=MONDAY_NOON + timedelta(minutes=5))
    assert (created, created_again) == (True, False)
    assert again == booking
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 1}
    assert len(transactions.begun[-1]) == 0  # the retry wrote nothing


def test_an_order_holding_a_slot_cannot_book_another(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    order_id = names("order")
    book(store, transactions, order_id)
    with pytest.raises(Conflict) as refused:
        book(store, transactions, order_id, EVENING.slot_id)
    assert refused.value.extra == {"order_id": order_id, "slot_id": MORNING.slot_id}
    assert store.booked([MORNING.slot_id, EVENING.slot_id]) == {MORNING.slot_id: 1, EVENING.slot_id: 0}


def test_two_requests_for_one_order_that_race_book_one_place(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    """Both read no booking and add one; the record keyed by the order refuses the second at
    commit, and the second answers with the first's booking."""
    order_id = names("order")
    first_tx, second_tx = transactions.begin(), transactions.begin()
    first, _ = slots.add_booking(tx=first_tx, calendar=CALENDAR, slots=store, order_id=order_id,
                                 slot_id=MORNING.slot_id, destination=CENTRUM, at=MONDAY_NOON)
    second, _ = slots.add_booking(tx=second_tx, calendar=CALENDAR, slots=store, order_id=order_id,
                                  slot_id=MORNING.slot_id, destination=CENTRUM, at=MONDAY_NOON + timedelta(seconds=1))
    first_tx.commit()
    with pytest.raises(Refused) as refused:
        second_tx.commit()
    assert slots.retried_booking(refused=refused.value, booking=second) == first
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 1}


def test_a_booking_is_taken_in_the_orders_transaction_and_refused_with_it(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    """The order placement adds the booking to its transaction: when the order's own write is
    refused, no place is taken; the refusal was not the slot's."""
    order_id = names("order")
    tx = transactions.begin()
    booking, added = slots.add_booking(tx=tx, calendar=CALENDAR, slots=store, order_id=order_id,
                                       slot_id=MORNING.slot_id, destination=CENTRUM, at=MONDAY_NOON)
    memory(tx).add(item=("ORDER", order_id), check=lambda: Failure(order_id), apply=lambda: None)
    assert added and len(tx) == slots.WRITES_PER_BOOKING + 1
    with pytest.raises(Refused) as refused:
        tx.commit()
    assert slots.retried_booking(refused=refused.value, booking=booking) is None
    assert slots.booking_refusal(refused=refused.value, booking=booking) is None
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 0} and store.booking(order_id) is None


def test_a_slot_filled_between_the_read_and_the_commit_is_refused_at_commit(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    """The read before the write is a courtesy: the write's condition keeps the capacity."""
    book(store, transactions, names("order"))
    late_tx = transactions.begin()
    late, _ = slots.add_booking(tx=late_tx, calendar=CALENDAR, slots=store, order_id=names("order"),
                                slot_id=MORNING.slot_id, destination=CENTRUM, at=MONDAY_NOON)
    book(store, transactions, names("order"))  # the last place goes meanwhile
    with pytest.raises(Refused) as refused:
        late_tx.commit()
    assert refused.value.failures == (Failure(late, SlotCount(MORNING.slot_id, 2)),)
    assert isinstance(slots.booking_refusal(refused=refused.value, booking=late), SlotFull)
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 2}


def test_two_hundred_concurrent_bookings_of_a_slot_for_ten_take_exactly_ten(
        store: MemorySlotStore, transactions: MemoryTransactions) -> None:
    order_ids = [f"order-{n:03d}" for n in range(200)]
    start = threading.Barrier(len(order_ids))
    outcomes: dict[str, str] = {}

    def place(order_id: str) -> None:
        start.wait()
        try:
            book(store, transactions, order_id, EVENING.slot_id)
            outcomes[order_id] = "booked"
        except DomainError as error:
            outcomes[order_id] = type(error).__name__

    threads = [threading.Thread(target=place, args=(order_id,)) for order_id in order_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked = sorted(order_id for order_id, outcome in outcomes.items() if outcome == "booked")
    assert len(booked) == 10
    assert {outcome for outcome in outcomes.values() if outcome != "booked"} == {"SlotFull"}
    assert store.booked([EVENING.slot_id]) == {EVENING.slot_id: 10}
    assert sorted(o for o, b in store.bookings.items() if b.active and b.slot == EVENING) == booked


# -- giving a place back -------------------------------------------------------------------


def test_a_cancelled_order_frees_its_place_for_another(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    first, second, third = names("order"), names("order"), names("order")
    book(store, transactions, first)
    book(store, transactions, second)
    assert remaining(store, MORNING.slot_id) is None  # full: not offered
    released, changed = release(store, transactions, first)
    assert changed and released is not None and released.released_at == MONDAY_NOON
    assert remaining(store, MORNING.slot_id) == 1
    _, created = book(store, transactions, third)
    assert created and store.booked([MORNING.slot_id]) == {MORNING.slot_id: 2}


def test_releasing_twice_frees_one_place(store: MemorySlotStore, transactions: MemoryTransactions,
                                         names: Names) -> None:
    first, second = names("order"), names("order")
    book(store, transactions, first)
    book(store, transactions, second)
    once, changed = release(store, transactions, first)
    twice, changed_again = release(store, transactions, first, at=MONDAY_NOON + timedelta(hours=1))
    assert (changed, changed_again) == (True, False)
    assert twice == once
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 1}


def test_releasing_for_an_order_that_never_booked_changes_nothing(
        store: MemorySlotStore, transactions: MemoryTransactions) -> None:
    assert release(store, transactions, "order-without-slot") == (None, False)
    assert store.counts == {}


def test_two_cancellations_that_race_free_one_place(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    order_id = names("order")
    book(store, transactions, order_id)
    first_tx, second_tx = transactions.begin(), transactions.begin()
    first = slots.add_release(tx=first_tx, slots=store, order_id=order_id, at=MONDAY_NOON)
    second = slots.add_release(tx=second_tx, slots=store, order_id=order_id, at=MONDAY_NOON)
    assert first is not None and second is not None
    first_tx.commit()
    with pytest.raises(Refused) as refused:
        second_tx.commit()
    assert refused.value.about(second) == Failure(second, first)
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 0}


def test_a_cancelled_order_cannot_book_again(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    order_id = names("order")
    book(store, transactions, order_id)
    release(store, transactions, order_id)
    with pytest.raises(Conflict):
        book(store, transactions, order_id)
    assert store.booked([MORNING.slot_id]) == {MORNING.slot_id: 0}


def test_a_place_can_be_given_back_after_the_cut_off(
        store: MemorySlotStore, transactions: MemoryTransactions, names: Names) -> None:
    order_id = names("order")
    book(store, transactions, order_id)
    _, changed = release(store, transactions, order_id, at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    assert changed and store.booked([MORNING.slot_id]) == {MORNING.slot_id: 0}


# -- the rule as data ----------------------------------------------------------------------


def test_the_rule_names_what_breaks_it() -> None:
    values = {"capacity": 2, "at": MONDAY_NOON, "cutoff_at": MORNING.cutoff_at}
    full = BOOK.broken(booked=2, values=values)
    closed = BOOK.broken(booked=2, values={**values, "at": MORNING.cutoff_at})
    assert BOOK.broken(booked=1, values=values) is None
    assert full is not None and full.refusal == FULL
    assert closed is not None and closed.refusal == CLOSED  # closed says so, full or not
    assert RELEASE.broken(booked=0, values=values) is not None
    assert RELEASE.broken(booked=1, values=values) is None
    assert [effect.moves for effect in EFFECTS] == [1, -1]


@given(booked=st.integers(0, 4), capacity=st.integers(1, 4), minutes=st.integers(-90, 90))
def test_the_store_lets_through_exactly_what_the_rule_allows(booked: int, capacity: int, minutes: int) -> None:
    """The fake's condition is read from the rule; the domain's answer is read from it too: for
    any places taken, capacity and moment, storage and domain agree."""
    template = SlotTemplate(CENTRUM, 1, time(9), time(12), capacity=capacity)
    slot = template.slot_on(TUESDAY)
    at = slot.cutoff_at + timedelta(minutes=minutes)
    store = MemorySlotStore()
    store.counts[slot.slot_id] = booked
    tx = MemoryTransactions().begin()
    booking = SlotBooking(order_id="order-1", slot=slot, booked_at=at)
    store.add_booked(tx, booking=booking)
    refusal = slot.refusal(booked=booked, at=at)
    refused: Refused | None = None
    try:
        tx.commit()
    except Refused as raised:
        refused = raised
    if refusal is None:
        assert refused is None
        assert store.counts[slot.slot_id] == booked + 1 <= capacity
    else:
        assert refused is not None
        assert type(slots.booking_refusal(refused=refused, booking=booking)) is type(refusal)
        assert store.counts[slot.slot_id] == booked
