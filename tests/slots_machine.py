"""A hypothesis state machine for time slots, run against any slot store (memory now, DynamoDB next).

Random sequences of bookings (new orders, and orders that booked before: a retry, another slot,
a cancelled order), two bookings in one transaction (both or neither), two requests for one
order racing, cancellations given back once or again, and the clock moving past cut-offs.
After every step, in every slot: the places taken are the active bookings in it, never more
than its capacity, and each answer was the one a plain model of the rules predicts.

Everything derives from the draws and the machine's own counters, so a replay takes the same path.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared.errors import Conflict, DomainError
from shared.slots import service as slots_service
from shared.slots.model import (
    CutOff,
    DeliveryZone,
    PostcodeRange,
    Slot,
    SlotCalendar,
    SlotClosed,
    SlotFull,
    SlotOwner,
    SlotTemplate,
)
from shared.slots.ports import SlotStore
from shared.transactions import Refused, Transactions

ZONE = SlotOwner.delivery("ams-centrum")
STORE = SlotOwner.pickup("amsterdam-kalverstraat")
CALENDAR = SlotCalendar(
    zones=(DeliveryZone("ams-centrum", (PostcodeRange(1000, 1109),)),),
    templates=(
        SlotTemplate(ZONE, 1, time(9), time(12), capacity=2),  # Tuesday, booked until Monday 22:00
        SlotTemplate(ZONE, 1, time(18), time(21), capacity=3),
        SlotTemplate(ZONE, 2, time(9), time(12), capacity=1),  # Wednesday
        SlotTemplate(STORE, 1, time(16), time(18), capacity=1, cutoff=CutOff(days_before=0, at=time(12))),
        SlotTemplate(STORE, 3, time(10), time(12), capacity=2, cutoff=CutOff(days_before=0, at=time(8))),
    ),
)
FIRST_DAY, LAST_DAY = date(2026, 11, 30), date(2026, 12, 6)
SLOTS: tuple[Slot, ...] = tuple(
    CALENDAR.slots(owner=ZONE, first_day=FIRST_DAY, last_day=LAST_DAY)
    + CALENDAR.slots(owner=STORE, first_day=FIRST_DAY, last_day=LAST_DAY))
START = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)  # Sunday evening: every slot still open


class SlotsMachine(RuleBasedStateMachine):
    def open_slots(self) -> tuple[SlotStore, Transactions]:
        raise NotImplementedError

    def __init__(self) -> None:
        super().__init__()
        self.slots, self.transactions = self.open_slots()
        self.now = START
        self.active: dict[str, Slot] = {}  # the model: order -> the slot it holds a place in
        self.released: dict[str, Slot] = {}  # orders that gave their place back
        self.orders = 0

    # -- the model -----------------------------------------------------------------------

    def _new_order(self) -> str:
        self.orders += 1
        return f"order-{self.orders:03d}"

    def _taken(self, slot: Slot) -> int:
        return sum(1 for held in self.active.values() if held == slot)

    def _expected_refusal(self, slot: Slot, extra: int = 0) -> type[DomainError] | None:
        if self.now >= slot.cutoff_at:
            return SlotClosed
        return SlotFull if self._taken(slot) + extra >= slot.capacity else None

    def _known(self, pick: int) -> str:
        known = sorted([*self.active, *self.released])
        return known[pick % len(known)]

    def _book(self, order_id: str, slot: Slot) -> tuple[object, bool] | DomainError:
        try:
            return slots_service.book(transactions=self.transactions, calendar=CALENDAR, slots=self.slots,
                                      order_id=order_id, slot_id=slot.slot_id, destination=slot.owner, at=self.now)
        except DomainError as error:
            return error

    # -- the rules -----------------------------------------------------------------------

    @rule(pick=st.integers(0, len(SLOTS) - 1))
    def book_new_order(self, pick: int) -> None:
        slot, order_id = SLOTS[pick], self._new_order()
        expected = self._expected_refusal(slot)
        outcome = self._book(order_id, slot)
        if expected is None:
            assert not isinstance(outcome, DomainError), outcome
            assert outcome[1] is True
            self.active[order_id] = slot
        else:
            assert type(outcome) is expected, outcome

    @precondition(lambda self: self.active or self.released)
    @rule(order=st.integers(0, 99), pick=st.integers(0, len(SLOTS) - 1))
    def book_known_order(self, order: int, pick: int) -> None:
        """An order that booked before: the same slot is a retry, anything else a Conflict."""
        order_id, slot = self._known(order), SLOTS[pick]
        outcome = self._book(order_id, slot)
        if self.active.get(order_id) == slot:
            assert not isinstance(outcome, DomainError), outcome
            assert outcome[1] is False
        else:
            assert type(outcome) is Conflict, outcome

    @precondition(lambda self: self.active)
    @rule(order=st.integers(0, 99))
    def retry_booking(self, order: int) -> None:
        held = sorted(self.active)
        order_id = held[order % len(held)]
        outcome = self._book(order_id, self.active[order_id])
        assert not isinstance(outcome, DomainError), outcome
        assert outcome[1] is False

    @rule(first=st.integers(0, len(SLOTS) - 1), second=st.integers(0, len(SLOTS) - 1))
    def book_two_in_one_transaction(self, first: int, second: int) -> None:
        """Two orders' bookings in one transaction: both places are taken, or neither. (In two
        slots: a transaction writes each slot's count once, as DynamoDB writes an item once.)"""
        slot_a, slot_b = SLOTS[first], SLOTS[(second if second != first else first + 1) % len(SLOTS)]
        order_a, order_b = self._new_order(), self._new_order()
        both = self._expected_refusal(slot_a) is None and self._expected_refusal(slot_b) is None
        tx = self.transactions.begin()
        try:
            for order_id, slot in ((order_a, slot_a), (order_b, slot_b)):
                slots_service.add_booking(tx=tx, calendar=CALENDAR, slots=self.slots, order_id=order_id,
                                          slot_id=slot.slot_id, destination=slot.owner, at=self.now)
            tx.commit()
        except (DomainError, Refused):
            assert not both
            return
        assert both
        self.active[order_a], self.active[order_b] = slot_a, slot_b

    @rule(pick=st.integers(0, len(SLOTS) - 1))
    def two_requests_for_one_order_race(self, pick: int) -> None:
        """Both read no booking; the first to commit books, the second finds it and answers with it.
        The second arrives a moment later: two requests sent at the very same moment are one
        request to DynamoDB (its ClientRequestToken is made from the writes), applied once."""
        slot, order_id = SLOTS[pick], self._new_order()
        if self._expected_refusal(slot) is not None:
            return
        first_tx, second_tx = self.transactions.begin(), self.transactions.begin()
        first, _ = slots_service.add_booking(tx=first_tx, calendar=CALENDAR, slots=self.slots, order_id=order_id,
                                             slot_id=slot.slot_id, destination=slot.owner, at=self.now)
        second, _ = slots_service.add_booking(tx=second_tx, calendar=CALENDAR, slots=self.slots, order_id=order_id,
                                              slot_id=slot.slot_id, destination=slot.owner,
                                              at=self.now + timedelta(microseconds=1))
        first_tx.commit()
        self.active[order_id] = slot
        refusal: Refused | None = None
        try:
            second_tx.commit()
        except Refused as refused:
            refusal = refused
        assert refusal is not None, "The same order was booked twice."
        assert slots_service.retried_booking(refused=refusal, booking=second) == first

    @precondition(lambda self: self.active or self.released)
    @rule(order=st.integers(0, 99))
    def cancel(self, order: int) -> None:
        """The order's place given back; given back again (a redelivered cancellation), nothing changes."""
        order_id = self._known(order)
        booking, changed = slots_service.release(transactions=self.transactions, slots=self.slots,
                                                 order_id=order_id, at=self.now)
        assert changed is (order_id in self.active)
        assert booking is not None and not booking.active
        if changed:
            self.released[order_id] = self.active.pop(order_id)

    @rule(order=st.integers(0, 99))
    def cancel_an_order_that_never_booked(self, order: int) -> None:
        booking, changed = slots_service.release(transactions=self.transactions, slots=self.slots,
                                                 order_id=f"never-{order}", at=self.now)
        assert (booking, changed) == (None, False)

    @rule(hours=st.integers(1, 30))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    # -- after every step ----------------------------------------------------------------

    @invariant()
    def places_taken_are_the_active_bookings_within_capacity(self) -> None:
        booked = self.slots.booked([slot.slot_id for slot in SLOTS])
        for slot in SLOTS:
            assert booked[slot.slot_id] == self._taken(slot) <= slot.capacity, slot.slot_id

    @invariant()
    def every_order_holds_what_the_model_says(self) -> None:
        for order_id, slot in self.active.items():
            stored = self.slots.booking(order_id)
            assert stored is not None and stored.active and stored.slot == slot
        for order_id, slot in self.released.items():
            stored = self.slots.booking(order_id)
            assert stored is not None and not stored.active and stored.slot == slot

    @invariant()
    def offered_slots_are_the_open_ones_with_what_is_left(self) -> None:
        offered = {a.slot.slot_id: a.remaining
                   for owner in (ZONE, STORE)
                   for a in slots_service.offered(calendar=CALENDAR, slots=self.slots, owner=owner,
                                                  first_day=FIRST_DAY, last_day=LAST_DAY, at=self.now)}
        expected = {slot.slot_id: slot.capacity - self._taken(slot)
                    for slot in SLOTS if self._expected_refusal(slot) is None}
        assert offered == expected


def memory_slots() -> tuple[SlotStore, Transactions]:
    from tests.fakes.slots import MemorySlotStore
    from tests.fakes.transaction import MemoryTransactions

    return MemorySlotStore(), MemoryTransactions()
