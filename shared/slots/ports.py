"""What the slot use cases need from storage.

A slot has a record only once booked: its count of places taken (:data:`~shared.slots.model.BOOKED`),
moved by :data:`~shared.slots.model.BOOK` and :data:`~shared.slots.model.RELEASE` on their
conditions. A booking has a record keyed by its order, so an order holds one place at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.slots.model import SlotBooking
from shared.transactions import Transaction


@dataclass(frozen=True)
class SlotCount:
    """What a slot's record held when a write to it was refused (``current`` of the Failure)."""

    slot_id: str
    booked: int


class SlotStore(Protocol):
    def add_booked(self, tx: Transaction, *, booking: SlotBooking) -> None:
        """The booking's record, new only, and one place taken in its slot under :data:`BOOK`.
        Refused with subject ``booking``: current the stored SlotBooking when the order has one,
        a SlotCount when the slot is full (or ``booking.booked_at`` is past its cut-off)."""
        ...

    def add_released(self, tx: Transaction, *, booking: SlotBooking) -> None:
        """``booking`` is the released one (``released_at`` set): its record marked so, on condition
        that the stored one is still active in the same slot, and one place given back under
        :data:`RELEASE`. Refused with subject ``booking``: current the stored SlotBooking (or None)
        when it is not active there, a SlotCount when no place is taken."""
        ...

    def booking(self, order_id: str) -> SlotBooking | None:
        """The order's booking, active or released."""
        ...

    def booked(self, slot_ids: Sequence[str]) -> dict[str, int]:
        """Places taken in each slot (0 for a slot never booked); every id asked is in the answer."""
        ...
