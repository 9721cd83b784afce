"""Time slots in DynamoDB.

Count:   pk=SLOT#<slot id> sk=# (booked), created by the first booking; moved by BOOK and RELEASE.
Booking: pk=SLOTBOOKING#<order id> sk=#, new only (an order books once); released_at set once.
Both are written in the transaction of the order that books or gives back the place. TTL
removes them 90 days after the slot ended.

The count's condition is built from the rule itself (:data:`~shared.slots.model.BOOK`,
:data:`~shared.slots.model.RELEASE`): a requirement on the stored count becomes part of the
ConditionExpression; one that compares only what the write carries (the cut-off) is decided
here, when the write is built, with the refusal the domain gives. What is offered and what
storage lets through cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters import batches, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.settings import settings
from shared.slots.model import (
    BOOK,
    BOOKED,
    RELEASE,
    Below,
    Slot,
    SlotBooking,
    SlotEffect,
    SlotKind,
    SlotOwner,
    Value,
    refusal_error,
)
from shared.slots.ports import SlotCount
from shared.transactions import Transaction

SLOT_PREFIX = "SLOT#"
BOOKING_PREFIX = "SLOTBOOKING#"
KEEP_AFTER_SLOT = timedelta(days=90)


def slot_key(slot_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{SLOT_PREFIX}{slot_id}"}, "sk": {"S": "#"}}


def booking_key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{BOOKING_PREFIX}{order_id}"}, "sk": {"S": "#"}}


def _expires_epoch(slot: Slot) -> int:
    return int((slot.ends_at + KEEP_AFTER_SLOT).timestamp())


def booking_to_item(booking: SlotBooking) -> dict[str, Any]:
    slot = booking.slot
    return booking_key(booking.order_id) | items.to_item({
        "order_id": booking.order_id, "slot_id": slot.slot_id, "owner_kind": slot.owner.kind.value,
        "owner_id": slot.owner.owner_id, "day": slot.day.isoformat(), "start": slot.start.strftime("%H:%M"),
        "end": slot.end.strftime("%H:%M"), "capacity": slot.capacity, "cutoff_at": items.stamp(slot.cutoff_at),
        "booked_at": items.stamp(booking.booked_at),
        "released_at": items.stamp(booking.released_at) if booking.released_at else None,
        "expires_at_epoch": _expires_epoch(slot),
    })


def booking_from_item(item: dict[str, Any]) -> SlotBooking:
    v = items.from_item(item)
    slot = Slot(owner=SlotOwner(SlotKind(v["owner_kind"]), str(v["owner_id"])), day=date.fromisoformat(v["day"]),
                start=datetime.strptime(v["start"], "%H:%M").time(), end=datetime.strptime(v["end"], "%H:%M").time(),
                capacity=int(v["capacity"]), cutoff_at=items.parse_stamp(v["cutoff_at"]))
    released = v.get("released_at")
    return SlotBooking(order_id=str(v["order_id"]), slot=slot, booked_at=items.parse_stamp(v["booked_at"]),
                       released_at=items.parse_stamp(released) if released else None)


def _booking_or_none(item: dict[str, Any] | None) -> SlotBooking | None:
    """The booking a refused write found (None: the order has none)."""
    return booking_from_item(item) if item and "order_id" in item else None


def _count_decoder(slot_id: str) -> Any:
    def decode(item: dict[str, Any] | None) -> SlotCount:
        """What the refused count held (no record yet: nothing booked)."""
        return SlotCount(slot_id, int(items.from_item(item).get(BOOKED, 0)) if item else 0)

    return decode


def _operand(update: Update, side: str | int, values: dict[str, Value]) -> str:
    if side == BOOKED:
        return update.name(BOOKED)
    value = side if isinstance(side, int) else values[side]
    return update.value(items.stamp(value) if isinstance(value, datetime) else value)


def _require(update: Update, below: Below, values: dict[str, Value]) -> None:
    """One requirement on the stored count, as a condition; a count never written is 0, so when
    the requirement holds at 0 an absent count passes too."""
    condition = f"{_operand(update, below.left, values)} < {_operand(update, below.right, values)}"
    if below.holds(booked=0, values=values):
        condition = f"(attribute_not_exists({update.name(BOOKED)}) OR {condition})"
    update.require(condition)


def count_update(booking: SlotBooking, effect: SlotEffect) -> dict[str, Any]:
    """The effect's move of the slot's count, conditioned by its requirements. One that does not
    read the stored count is decided now: refused here with the domain's own refusal (SlotClosed)."""
    slot, values = booking.slot, booking.values()
    update = Update(slot_key(slot.slot_id))
    for below in effect.requires:
        if BOOKED in (below.left, below.right):
            _require(update, below, values)
        elif not below.holds(booked=0, values=values):
            raise refusal_error(below, slot)
    update.set("slot_id", slot.slot_id).add(BOOKED, effect.moves)
    update.set("updated_at", items.stamp(booking.released_at or booking.booked_at))
    return update.set("expires_at_epoch", _expires_epoch(slot)).build()


class DynamoDBSlotStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- writes (added to the caller's transaction) -------------------------------------

    def add_booked(self, tx: Transaction, *, booking: SlotBooking) -> None:
        count = count_update(booking, BOOK)  # before any write: a closed slot adds nothing
        writes = dynamodb(tx)
        writes.put(booking_to_item(booking), subject=booking, new=True, decode=_booking_or_none)
        writes.update(count, subject=booking, decode=_count_decoder(booking.slot.slot_id))

    def add_released(self, tx: Transaction, *, booking: SlotBooking) -> None:
        if booking.released_at is None:
            raise ValueError(f"The booking of order {booking.order_id} is not released.")
        count = count_update(booking, RELEASE)
        update = Update(booking_key(booking.order_id)).set("released_at", items.stamp(booking.released_at))
        update.require_equal("slot_id", booking.slot.slot_id)
        update.require(f"attribute_not_exists({update.name('released_at')})")
        writes = dynamodb(tx)
        writes.update(update.build(), subject=booking, decode=_booking_or_none)
        writes.update(count, subject=booking, decode=_count_decoder(booking.slot.slot_id))

    # -- reads ---------------------------------------------------------------------------

    def booking(self, order_id: str) -> SlotBooking | None:
        item = self._db.get_item(TableName=self._table, Key=booking_key(order_id), ConsistentRead=True).get("Item")
        return booking_from_item(item) if item else None

    def booked(self, slot_ids: Sequence[str]) -> dict[str, int]:
        """Consistent reads: the places left that are shown are the ones a booking now meets."""
        found = dict.fromkeys(slot_ids, 0)
        for item in batches.get_items(self._db, table=self._table, keys=[slot_key(slot_id) for slot_id in found],
                                      consistent=True, projection={
                                          "ProjectionExpression": "#id, #booked",
                                          "ExpressionAttributeNames": {"#id": "slot_id", "#booked": BOOKED}}):
            values = items.from_item(item)
            found[str(values["slot_id"])] = int(values.get(BOOKED, 0))
        return found
