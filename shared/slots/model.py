"""Delivery zones, slot templates, the slots they make and the rule that books them (pure: no I/O).

A slot's capacity is kept by one rule written as data (:data:`BOOK`, :data:`RELEASE`): the
domain reads it to say which slots are offered and why a booking is refused, the fake store
checks it at commit, and the DynamoDB adapter is to build its ConditionExpression from it
(``:at < :cutoff_at AND (attribute_not_exists(booked) OR booked < :capacity)``), so what is
offered and what storage lets through cannot drift apart. Counting first and booking after oversells under concurrency;
the condition on the write is what never does.

Times of day are local (Europe/Amsterdam); moments (``at``, ``cutoff_at``) are aware datetimes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.errors import Conflict, DomainError, InvalidRequest
from shared.locations.model import Coordinates

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
MAX_DAYS = 31  # the longest range of days one question for slots may cover (bounded reads)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")  # zone ids as location ids: no dots (slot ids use them)
_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*(?:[A-Za-z]{2})?\s*$")


class SlotFull(Conflict):
    """Every place in the slot is booked."""


class SlotClosed(Conflict):
    """The slot's cut-off has passed: it can no longer be booked."""


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("A moment must carry its time zone.")


# -- zones ---------------------------------------------------------------------------------


def postcode_area(postcode: str, *, field: str) -> int:
    """The four digits of a Dutch postcode ("1012 AB", "1012ab", "1012"). The value itself is
    never echoed: with a house number it points at a home."""
    match = _POSTCODE.match(postcode)
    if match is None:
        raise InvalidRequest("Not a Dutch postcode (four digits, then two letters).", field=field)
    return int(match.group(1))


@dataclass(frozen=True)
class PostcodeRange:
    """Postcode areas ``first`` to ``last``, both included, by their four digits (1000-1109)."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if not 1000 <= self.first <= self.last <= 9999:
            raise ValueError(f"Not a range of postcode areas: {self.first}-{self.last}.")

    @classmethod
    def parse(cls, text: str) -> PostcodeRange:
        """"1000-1109", or one area "1012"."""
        first, _, last = text.strip().partition("-")
        try:
            return cls(int(first), int(last or first))
        except ValueError:
            raise ValueError(f"Not a range of postcode areas: {text!r}.") from None

    def covers(self, area: int) -> bool:
        return self.first <= area <= self.last

    def overlaps(self, other: PostcodeRange) -> bool:
        return self.first <= other.last and other.first <= self.last

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


@dataclass(frozen=True)
class DeliveryZone:
    """Where a home delivery can go: the postcode areas one set of delivery slots serves.
    ``centre`` stands for every address in it when routing measures distances (no geocoding)."""

    zone_id: str
    ranges: tuple[PostcodeRange, ...]
    name: str = ""
    centre: Coordinates | None = None

    def __post_init__(self) -> None:
        if not ID_PATTERN.match(self.zone_id):
            raise ValueError(f"Not a zone id: {self.zone_id!r}.")
        if not self.ranges:
            raise ValueError(f"Zone {self.zone_id} covers no postcode.")

    def covers(self, area: int) -> bool:
        return any(r.covers(area) for r in self.ranges)


# -- slots ---------------------------------------------------------------------------------


class SlotKind(StrEnum):
    DELIVERY = "delivery"  # at the customer's address, in a delivery zone
    PICKUP = "pickup"  # collected at a store or pickup point


@dataclass(frozen=True, order=True)
class SlotOwner:
    """Who offers a slot: a delivery zone, or a location where orders are collected."""

    kind: SlotKind
    owner_id: str

    def __post_init__(self) -> None:
        if not ID_PATTERN.match(self.owner_id):
            raise ValueError(f"Not an id for a {self.kind.value} slot's owner: {self.owner_id!r}.")

    @classmethod
    def delivery(cls, zone_id: str) -> SlotOwner:
        return cls(SlotKind.DELIVERY, zone_id)

    @classmethod
    def pickup(cls, location_id: str) -> SlotOwner:
        return cls(SlotKind.PICKUP, location_id)


@dataclass(frozen=True)
class CutOff:
    """When booking a slot closes: ``at`` (local time) ``days_before`` the slot's day."""

    days_before: int = 1
    at: time = time(22, 0)

    def __post_init__(self) -> None:
        if self.days_before < 0 or self.at.tzinfo is not None:
            raise ValueError("A cut-off is a local time, on the slot's day or a day before.")

    def moment(self, day: date) -> datetime:
        return local_moment(day - timedelta(days=self.days_before), self.at)


def local_moment(day: date, at: time) -> datetime:
    """A local time on a day, as a UTC moment (zoneinfo settles the days the clocks change)."""
    return datetime.combine(day, at, tzinfo=LOCAL_TIME).astimezone(UTC)


def slot_id_for(owner: SlotOwner, day: date, start: time) -> str:
    """The same owner, day and start are always the same slot: "delivery.ams-centrum.20261201.0900"."""
    return f"{owner.kind.value}.{owner.owner_id}.{day:%Y%m%d}.{start:%H%M}"


def parse_slot_id(slot_id: str, *, field: str = "slot_id") -> tuple[SlotOwner, date, time]:
    """The owner, day and start a slot id names; InvalidRequest when it names none."""
    try:
        kind, owner_id, day, start = slot_id.split(".")
        named = (SlotOwner(SlotKind(kind), owner_id), datetime.strptime(day, "%Y%m%d").date(),
                 datetime.strptime(start, "%H%M").time())
    except ValueError:
        raise InvalidRequest("Not a time slot id.", field=field) from None
    if slot_id_for(*named) != slot_id:  # one spelling per slot ("900" is not "0900")
        raise InvalidRequest("Not a time slot id.", field=field)
    return named


@dataclass(frozen=True)
class Slot:
    """One time slot on one day, as its template makes it: ``capacity`` places until ``cutoff_at``."""

    owner: SlotOwner
    day: date
    start: time
    end: time
    capacity: int
    cutoff_at: datetime

    @property
    def slot_id(self) -> str:
        return slot_id_for(self.owner, self.day, self.start)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start, tzinfo=LOCAL_TIME)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.day, self.end, tzinfo=LOCAL_TIME)

    def remaining(self, booked: int) -> int:
        return max(0, self.capacity - booked)

    def refusal(self, *, booked: int, at: datetime) -> DomainError | None:
        """Why a booking at ``at`` is refused with ``booked`` places taken (by :data:`BOOK`), or None."""
        broken = BOOK.broken(booked=booked, values=booking_values(self, at))
        return None if broken is None else refusal_error(broken, self)


@dataclass(frozen=True)
class SlotTemplate:
    """A slot every ``weekday`` (0 is Monday) from ``start`` to ``end`` (local), with its capacity."""

    owner: SlotOwner
    weekday: int
    start: time
    end: time
    capacity: int
    cutoff: CutOff = CutOff()

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"Not a weekday: {self.weekday}.")
        if self.start.tzinfo is not None or self.end.tzinfo is not None or not self.start < self.end:
            raise ValueError("A slot starts before it ends, in local time.")
        if self.capacity < 1:
            raise ValueError("A slot has room for at least one order.")
        if self.cutoff.days_before == 0 and self.cutoff.at > self.start:
            raise ValueError("Booking closes before the slot starts.")

    def slot_on(self, day: date) -> Slot:
        if day.weekday() != self.weekday:
            raise ValueError(f"{day} is not weekday {self.weekday}.")
        return Slot(self.owner, day, self.start, self.end, self.capacity, self.cutoff.moment(day))


# -- the booking rule, as data -------------------------------------------------------------

BOOKED = "booked"  # the one stored quantity of a slot: the places taken (no record yet: 0)
FULL, CLOSED, NOTHING_BOOKED = "full", "closed", "nothing booked"
Value = int | datetime


@dataclass(frozen=True)
class Below:
    """``left < right`` must hold before the write. A side is :data:`BOOKED` (stored), the name
    of a value the write carries (``capacity``, ``at``, ``cutoff_at``: see :func:`booking_values`)
    or a number. ``refusal`` says what it means when it does not hold. A requirement with no
    stored side (the cut-off) does not depend on storage: an adapter whose conditions cannot
    compare two values may decide it when it builds the write, with the same answer."""

    left: str | int
    right: str | int
    refusal: str

    def holds(self, *, booked: int, values: Mapping[str, Value]) -> bool:
        left, right = _side(self.left, booked, values), _side(self.right, booked, values)
        if isinstance(left, datetime) and isinstance(right, datetime):
            return left < right
        if isinstance(left, int) and isinstance(right, int):
            return left < right
        raise TypeError(f"{self.left} and {self.right} cannot be compared.")


def _side(side: str | int, booked: int, values: Mapping[str, Value]) -> Value:
    if isinstance(side, int):
        return side
    return booked if side == BOOKED else values[side]


@dataclass(frozen=True)
class SlotEffect:
    """A change of :data:`BOOKED` by ``moves``, allowed when every requirement holds."""

    name: str
    moves: int
    requires: tuple[Below, ...]

    def broken(self, *, booked: int, values: Mapping[str, Value]) -> Below | None:
        """The first requirement the write breaks, or None: it may happen."""
        return next((below for below in self.requires if not below.holds(booked=booked, values=values)), None)


# A place is taken before the cut-off while one is free (a closed slot says so, full or not);
# it is given back while one is taken.
BOOK = SlotEffect("book", 1, (Below("at", "cutoff_at", CLOSED), Below(BOOKED, "capacity", FULL)))
RELEASE = SlotEffect("release", -1, (Below(0, BOOKED, NOTHING_BOOKED),))
EFFECTS = (BOOK, RELEASE)


def booking_values(slot: Slot, at: datetime) -> dict[str, Value]:
    """What a write for ``slot`` at ``at`` carries, for its effect's requirements to compare."""
    _require_aware(at)
    return {"capacity": slot.capacity, "at": at, "cutoff_at": slot.cutoff_at}


def refusal_error(broken: Below, slot: Slot) -> DomainError:
    """What a broken requirement means to the one who asked."""
    if broken.refusal == FULL:
        return SlotFull(f"Time slot {slot.slot_id} is full.", slot_id=slot.slot_id, remaining=0)
    if broken.refusal == CLOSED:
        closed = slot.cutoff_at.astimezone(LOCAL_TIME)
        return SlotClosed(f"Booking time slot {slot.slot_id} closed at {closed:%Y-%m-%d %H:%M} (local time).",
                          slot_id=slot.slot_id, cutoff_at=slot.cutoff_at.isoformat())
    return Conflict(f"Time slot {slot.slot_id} has {broken.refusal}.", slot_id=slot.slot_id)


# -- bookings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotBooking:
    """One order's place in a slot; keyed by the order, so an order holds at most one place.
    A released booking stays (``released_at``): releasing it again finds it released."""

    order_id: str
    slot: Slot
    booked_at: datetime
    released_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None

    def released(self, at: datetime) -> SlotBooking:
        _require_aware(at)
        if not self.active:
            raise ValueError(f"The booking of order {self.order_id} was released before.")
        return replace(self, released_at=at)

    def values(self) -> dict[str, Value]:
        """What its write carries (:func:`booking_values` at the moment of the write)."""
        return booking_values(self.slot, self.released_at or self.booked_at)


@dataclass(frozen=True)
class AvailableSlot:
    slot: Slot
    remaining: int


def available_slots(*, slots: Iterable[Slot], booked: Mapping[str, int], at: datetime) -> list[AvailableSlot]:
    """The slots a booking at ``at`` could take (by :data:`BOOK`: not full, before the cut-off),
    earliest first, with the places left in each."""
    offered = []
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.slot_id)):
        taken = booked.get(slot.slot_id, 0)
        if slot.refusal(booked=taken, at=at) is None:
            offered.append(AvailableSlot(slot, slot.remaining(taken)))
    return offered


def days_between(first_day: date, last_day: date, *, last_field: str = "last_day") -> list[date]:
    """Every day from ``first_day`` to ``last_day``, both included; at most MAX_DAYS."""
    count = (last_day - first_day).days + 1
    if count < 1:
        raise InvalidRequest("The last day comes before the first.", field=last_field)
    if count > MAX_DAYS:
        raise InvalidRequest(f"Ask for at most {MAX_DAYS} days at once.", field=last_field)
    return [first_day + timedelta(days=n) for n in range(count)]


# -- the calendar: zones and templates together --------------------------------------------


@dataclass(frozen=True)
class SlotCalendar:
    """Every delivery zone and slot template: which zone an address is in, and which slots exist.
    Zones do not overlap, so an address is in one zone or none."""

    zones: tuple[DeliveryZone, ...] = ()
    templates: tuple[SlotTemplate, ...] = ()

    def __post_init__(self) -> None:
        ids = [zone.zone_id for zone in self.zones]
        if len(set(ids)) != len(ids):
            raise ValueError("Two zones have the same id.")
        ranges = [(zone.zone_id, r) for zone in self.zones for r in zone.ranges]
        for n, (zone_id, r) in enumerate(ranges):
            for other_id, other in ranges[n + 1:]:
                if r.overlaps(other):
                    raise ValueError(f"Postcodes {r} of {zone_id} and {other} of {other_id} overlap.")
        for template in self.templates:
            if template.owner.kind is SlotKind.DELIVERY and template.owner.owner_id not in ids:
                raise ValueError(f"Delivery slots for an unknown zone: {template.owner.owner_id}.")
        keys = [(t.owner, t.weekday, t.start) for t in self.templates]
        if len(set(keys)) != len(keys):
            raise ValueError("Two templates make the same slot (same owner, weekday and start).")

    def zone_for(self, postcode: str, *, field: str = "postal_code") -> DeliveryZone:
        """The zone that delivers to ``postcode``; InvalidRequest naming ``field`` when none does."""
        area = postcode_area(postcode, field=field)
        zone = next((zone for zone in self.zones if zone.covers(area)), None)
        if zone is None:
            raise InvalidRequest("We do not deliver to this postcode.", field=field)
        return zone

    def slots(self, *, owner: SlotOwner, first_day: date, last_day: date) -> list[Slot]:
        """Every slot ``owner`` offers on those days, booked or not, earliest first."""
        days = days_between(first_day, last_day)
        mine = [t for t in self.templates if t.owner == owner]
        made = [t.slot_on(day) for day in days for t in mine if t.weekday == day.weekday()]
        return sorted(made, key=lambda s: (s.starts_at, s.slot_id))

    def slot(self, slot_id: str, *, field: str = "slot_id") -> Slot:
        """The slot an id names; InvalidRequest naming ``field`` when no template makes it."""
        owner, day, start = parse_slot_id(slot_id, field=field)
        template = next((t for t in self.templates
                         if t.owner == owner and t.weekday == day.weekday() and t.start == start), None)
        if template is None:
            raise InvalidRequest("There is no such time slot.", field=field)
        return template.slot_on(day)
