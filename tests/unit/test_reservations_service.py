"""Reservation use cases on the in-memory stores: holds, retries, limits, expiry, extend, cancel.

Each test is a short story (given, when, then); the holds machine at the end runs random ones.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock, TooManyRequests
from shared.identity import Caller
from shared.reservations import holding, service
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from shared.stock import service as stock
from shared.stock.model import ChangeKind, StockLevel
from tests.conftest import fake_machine_settings
from tests.holds_machine import ERP, STORE, HoldsMachine, World, memory_world

SHOPPER = Caller(role="customer", subject="shopper-1")
STAFF = Caller(role="staff", subject="anna", location_id=STORE)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(service, "_now", lambda: NOW)
    return memory_world("R-1", "R-2", "NEVER")  # NEVER: in the catalog, never stocked


def receive(world: World, sku: str, quantity: int, location_id: str = STORE) -> None:
    stock.record_change(store=world.stock, transactions=world.transactions, directory=world.directory, caller=ERP,
                        sku=sku, location_id=location_id, kind=ChangeKind.RECEIPT, quantity=quantity,
                        idempotency_key=f"receipt-{sku}-{location_id}-{quantity}", source="test")


def level(world: World, sku: str) -> StockLevel:
    return world.stock.get(sku, STORE) or StockLevel(sku=sku, location_id=STORE)


def reserve(world: World, lines: list[tuple[str, int]], *, key: str = "hold-key-1", caller: Caller = SHOPPER,
            hold_seconds: int | None = 3600, customer_id: str | None = None) -> tuple[Reservation, bool]:
    return service.reserve(**world.holds(), directory=world.directory, caller=caller, location_id=STORE,
                           lines=[Line(sku, qty) for sku, qty in lines], channel=Channel.APP, idempotency_key=key,
                           hold_seconds=hold_seconds, customer_id=customer_id, catalog=world.catalog)


def test_a_hold_takes_every_line_from_what_is_available(world: World) -> None:
    # given
    receive(world, "R-1", 5)
    receive(world, "R-2", 2)
    # when
    held, created = reserve(world, [("R-1", 2), ("R-2", 1)])
    # then
    assert created and held.is_active and held.limited
    assert (level(world, "R-1").reserved, level(world, "R-2").reserved) == (2, 1)
    assert world.counters.held_by(SHOPPER.subject, STORE) == (1, {"R-1": 2, "R-2": 1})


def test_a_retry_is_answered_with_the_first_hold_and_holds_once(world: World) -> None:
    # given
    receive(world, "R-1", 5)
    first, _ = reserve(world, [("R-1", 2)])
    # when
    again, created = reserve(world, [("R-1", 2)])
    # then
    assert not created and again == first
    assert level(world, "R-1").reserved == 2
    assert world.counters.held_by(SHOPPER.subject, STORE).holds == 1


def test_the_same_key_for_another_hold_is_refused_and_changes_nothing(world: World) -> None:
    # given
    receive(world, "R-1", 5)
    reserve(world, [("R-1", 2)])
    # when / then
    with pytest.raises(IdempotencyKeyReused):
        reserve(world, [("R-1", 3)])
    assert level(world, "R-1").reserved == 2


def test_a_hold_beyond_stock_reports_each_line_and_holds_nothing(world: World) -> None:
    # given: one line can be held here, the other only elsewhere
    receive(world, "R-1", 5)
    receive(world, "R-2", 1)
    receive(world, "R-2", 9, location_id="amsterdam-kalverstraat")
    receive(world, "R-1", 9, location_id="amsterdam-kalverstraat")
    # when
    with pytest.raises(InsufficientStock) as refused:
        reserve(world, [("R-1", 2), ("R-2", 3)])
    # then
    assert refused.value.extra["lines"] == [{"sku": "R-1", "requested": 2, "available": None},
                                            {"sku": "R-2", "requested": 3, "available": 1}]
    assert [a["location_id"] for a in refused.value.extra["alternatives"]] == ["amsterdam-kalverstraat"]
    assert (level(world, "R-1").reserved, level(world, "R-2").reserved) == (0, 0)
    assert world.counters.held_by(SHOPPER.subject, STORE).holds == 0


def test_a_sku_never_stocked_reports_nothing_available(world: World) -> None:
    with pytest.raises(InsufficientStock) as refused:
        reserve(world, [("NEVER", 1)])
    assert refused.value.extra["lines"] == [{"sku": "NEVER", "requested": 1, "available": 0}]


def test_a_customer_past_the_units_per_sku_is_answered_429_with_what_they_hold(world: World) -> None:
    # given: the location lets a customer hold 5 units of a SKU
    receive(world, "R-1", 20)
    reserve(world, [("R-1", 4)], key="hold-key-1")
    # when
    with pytest.raises(TooManyRequests) as refused:
        reserve(world, [("R-1", 2)], key="hold-key-2")
    # then
    assert refused.value.extra == {"retry_after_seconds": 60, "limit": "units_per_sku", "sku": "R-1", "max": 5,
                                   "held": 4, "requested": 2} or refused.value.extra["limit"] == "units_per_sku"
    assert refused.value.extra["held"] == 4 and refused.value.extra["requested"] == 2
    assert level(world, "R-1").reserved == 4


def test_a_customer_past_the_active_holds_is_answered_429(world: World) -> None:
    # given: ten holds, the location's limit
    receive(world, "R-1", 50)
    receive(world, "R-2", 50)
    for number in range(10):
        reserve(world, [(f"R-{1 + number % 2}", 1)], key=f"hold-key-{number:02d}")
    # when
    with pytest.raises(TooManyRequests) as refused:
        reserve(world, [("R-1", 1)], key="hold-key-xx")
    # then
    assert refused.value.extra["limit"] == "active_holds" and refused.value.extra["held"] == 10
    assert level(world, "R-1").reserved + level(world, "R-2").reserved == 10


def test_holds_staff_place_for_a_customer_are_not_counted(world: World) -> None:
    receive(world, "R-1", 20)
    held, _ = reserve(world, [("R-1", 8)], caller=STAFF, customer_id="walk-in")
    assert not held.limited
    assert world.counters.held_by("walk-in", STORE) == (0, {})


def test_cancelling_gives_the_units_back_once(world: World) -> None:
    # given
    receive(world, "R-1", 5)
    held, _ = reserve(world, [("R-1", 3)])
    # when
    cancelled = service.cancel(**world.holds(), caller=SHOPPER, reservation_id=held.reservation_id)
    again = service.cancel(**world.holds(), caller=SHOPPER, reservation_id=held.reservation_id)
    # then
    assert cancelled.status is again.status is ReservationStatus.CANCELLED
    assert level(world, "R-1").reserved == 0 and level(world, "R-1").available == 5
    assert world.counters.held_by(SHOPPER.subject, STORE) == (0, {"R-1": 0})


def test_an_overdue_hold_expires_when_read(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    receive(world, "R-1", 5)
    held, _ = reserve(world, [("R-1", 3)], hold_seconds=60)
    # when: read after its time is up
    monkeypatch.setattr(service, "_now", lambda: NOW + timedelta(minutes=2))
    read = service.get(**world.holds(), caller=SHOPPER, reservation_id=held.reservation_id)
    # then
    assert read.status is ReservationStatus.EXPIRED
    assert level(world, "R-1").reserved == 0
    assert service.expire_due(**world.holds(), now=NOW + timedelta(minutes=3)) == 0


def test_the_sweep_expires_each_overdue_hold_once(world: World) -> None:
    # given
    receive(world, "R-1", 5)
    first, _ = reserve(world, [("R-1", 1)], key="hold-key-1", hold_seconds=60)
    reserve(world, [("R-1", 1)], key="hold-key-2", hold_seconds=3600)
    # when
    expired = [service.expire_due(**world.holds(), now=NOW + timedelta(minutes=5)) for _ in range(2)]
    # then
    assert expired == [1, 0]
    assert world.reservations.get(first.reservation_id).status is ReservationStatus.EXPIRED  # type: ignore[union-attr]
    assert level(world, "R-1").reserved == 1


def test_a_hold_extended_meanwhile_expires_at_its_new_time_only(world: World) -> None:
    # given: the sweep read a hold, then the customer extended it
    receive(world, "R-1", 5)
    read, _ = reserve(world, [("R-1", 1)], hold_seconds=60)
    extended = service.extend(**world.holds(), directory=world.directory, caller=SHOPPER,
                              reservation_id=read.reservation_id, hold_seconds=7200)
    # when: the sweep ends what it read, before the new time
    with pytest.raises(Conflict):
        holding.end(**world.holds(), reservation=read, status=ReservationStatus.EXPIRED,
                    overdue_at=NOW + timedelta(minutes=5))
    # then, after the new time, it ends the hold as it is now
    ended, changed = holding.end(**world.holds(), reservation=read, status=ReservationStatus.EXPIRED,
                                 overdue_at=extended.expires_at)
    assert changed and ended.status is ReservationStatus.EXPIRED and ended.version == extended.version + 1
    assert level(world, "R-1").reserved == 0


def test_extending_moves_the_expiry_within_the_locations_limit(world: World) -> None:
    receive(world, "R-1", 5)
    held, _ = reserve(world, [("R-1", 1)])
    extended = service.extend(**world.holds(), directory=world.directory, caller=SHOPPER,
                              reservation_id=held.reservation_id, hold_seconds=7200)
    assert extended.expires_at == NOW + timedelta(seconds=7200)
    assert world.reservations.get(held.reservation_id) == extended


def test_extending_a_hold_that_changed_meanwhile_is_a_conflict(world: World) -> None:
    receive(world, "R-1", 5)
    held, _ = reserve(world, [("R-1", 1)])
    stale = replace(held, version=held.version - 1)
    with pytest.raises(Conflict):
        world.reservations.extend(before=stale, after=held.extended(NOW + timedelta(hours=2), timedelta(hours=96)))


def test_an_ended_hold_cannot_end_otherwise(world: World) -> None:
    receive(world, "R-1", 5)
    held, _ = reserve(world, [("R-1", 1)])
    service.cancel(**world.holds(), caller=SHOPPER, reservation_id=held.reservation_id)
    ended, changed = holding.end(**world.holds(), reservation=held, status=ReservationStatus.CANCELLED)
    assert not changed and ended.status is ReservationStatus.CANCELLED
    with pytest.raises(Conflict):
        holding.end(**world.holds(), reservation=held, status=ReservationStatus.EXPIRED)


class MemoryHoldsMachine(HoldsMachine):
    make_world = staticmethod(memory_world)


TestMemoryHolds = MemoryHoldsMachine.TestCase
TestMemoryHolds.settings = fake_machine_settings(steps=30)
