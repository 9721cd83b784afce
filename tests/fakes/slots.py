"""Slots in memory: places taken per slot (moved by BOOK and RELEASE on their conditions, read
from the rule itself as the DynamoDB adapter will) and one booking record per order."""

from __future__ import annotations

from collections.abc import Sequence

from shared.slots.model import BOOK, RELEASE, SlotBooking, SlotEffect
from shared.slots.ports import SlotCount
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemorySlotStore:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}  # slot id -> places taken (absent: never booked)
        self.bookings: dict[str, SlotBooking] = {}  # order id -> its booking, active or released

    def add_booked(self, tx: Transaction, *, booking: SlotBooking) -> None:
        def check() -> Failure | None:
            stored = self.bookings.get(booking.order_id)
            return Failure(booking, stored) if stored is not None else None

        def apply() -> None:
            self.bookings[booking.order_id] = booking

        memory(tx).add(item=("SLOTBOOKING", booking.order_id), check=check, apply=apply)
        self._add_count(tx, booking=booking, effect=BOOK)

    def add_released(self, tx: Transaction, *, booking: SlotBooking) -> None:
        def check() -> Failure | None:
            stored = self.bookings.get(booking.order_id)
            if stored is None or not stored.active or stored.slot.slot_id != booking.slot.slot_id:
                return Failure(booking, stored)
            return None

        def apply() -> None:
            self.bookings[booking.order_id] = booking

        memory(tx).add(item=("SLOTBOOKING", booking.order_id), check=check, apply=apply)
        self._add_count(tx, booking=booking, effect=RELEASE)

    def _add_count(self, tx: Transaction, *, booking: SlotBooking, effect: SlotEffect) -> None:
        slot_id = booking.slot.slot_id

        def check() -> Failure | None:
            booked = self.counts.get(slot_id, 0)
            broken = effect.broken(booked=booked, values=booking.values())
            return None if broken is None else Failure(booking, SlotCount(slot_id, booked))

        def apply() -> None:
            self.counts[slot_id] = self.counts.get(slot_id, 0) + effect.moves

        memory(tx).add(item=("SLOT", slot_id), check=check, apply=apply)

    def booking(self, order_id: str) -> SlotBooking | None:
        return self.bookings.get(order_id)

    def booked(self, slot_ids: Sequence[str]) -> dict[str, int]:
        return {slot_id: self.counts.get(slot_id, 0) for slot_id in slot_ids}
