"""The carrier rules and the fake sandbox carrier: labels once per shipment, steps in order, each once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shared.carriers.model import ParcelStatus, ShipmentRequest, next_status, previous_status, tracking_number
from shared.errors import InvalidRequest
from tests.fakes.carriers import MemoryCarrier

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def carrier() -> MemoryCarrier:
    return MemoryCarrier(step=HOUR, clock=lambda: T0)


def request(shipment_id: str = "ord-1:f1", destination: str = "postcode:3511 AB") -> ShipmentRequest:
    return ShipmentRequest(shipment_id=shipment_id, source_id="utrecht-oudegracht", destination=destination)


def test_steps_go_created_in_transit_delivered_and_end_there() -> None:
    assert next_status(ParcelStatus.CREATED) is ParcelStatus.IN_TRANSIT
    assert next_status(ParcelStatus.IN_TRANSIT) is ParcelStatus.DELIVERED
    assert next_status(ParcelStatus.DELIVERED) is None and next_status(ParcelStatus.FAILED) is None
    assert previous_status(ParcelStatus.DELIVERED) is ParcelStatus.IN_TRANSIT
    assert previous_status(ParcelStatus.CREATED) is None and previous_status(ParcelStatus.FAILED) is None


@pytest.mark.parametrize("destination", ["postcode:1234 AB", "postcode:1234AB", "location:amsterdam-kalverstraat"])
def test_a_location_or_a_postcode_is_a_destination(destination: str) -> None:
    assert request(destination=destination).destination == destination


@pytest.mark.parametrize("destination", ["Keizersgracht 1, Amsterdam", "postcode:0123 AB", "location:", "1234 AB"])
def test_nothing_else_leaves_for_the_carrier(destination: str) -> None:
    with pytest.raises(InvalidRequest):
        request(destination=destination)


def test_the_same_shipment_gets_the_same_label_and_one_parcel() -> None:
    sandbox = carrier()
    first = sandbox.create_shipment(request())
    assert sandbox.create_shipment(request()) == first
    assert first.carrier == "sandbox" and first.tracking_number == tracking_number("SBX", "ord-1:f1")
    assert first.tracking_number.startswith("SBX") and len(first.tracking_number) == 15
    assert first.tracking_url.endswith(first.tracking_number)
    assert sandbox.create_shipment(request("ord-1:f2")).tracking_number != first.tracking_number
    assert len(sandbox.parcels) == 2


def test_steps_come_due_a_step_apart_in_order_and_delivered_is_the_last() -> None:
    sandbox = carrier()
    label = sandbox.create_shipment(request())
    assert sandbox.due(T0 + HOUR - timedelta(seconds=1)) == []
    seen = []
    for hours in range(1, 5):
        for update in sandbox.due(T0 + hours * HOUR):
            assert update.tracking_number == label.tracking_number and update.carrier == "sandbox"
            assert sandbox.advanced(update)
            seen.append((update.status, update.occurred_at))
    assert seen == [(ParcelStatus.IN_TRANSIT, T0 + HOUR), (ParcelStatus.DELIVERED, T0 + 2 * HOUR)]
    assert sandbox.due(T0 + 100 * HOUR) == []


def test_a_late_sweep_sees_one_step_at_a_time_oldest_parcel_first() -> None:
    sandbox = carrier()
    newer = sandbox.create_shipment(request("b"))
    sandbox.clock = lambda: T0 - timedelta(minutes=5)
    older = sandbox.create_shipment(request("a"))
    due = sandbox.due(T0 + 10 * HOUR)
    assert [u.tracking_number for u in due] == [older.tracking_number, newer.tracking_number]
    assert {u.status for u in due} == {ParcelStatus.IN_TRANSIT}


def test_a_step_is_advanced_once_and_event_ids_repeat_for_the_same_step() -> None:
    sandbox = carrier()
    sandbox.create_shipment(request())
    [update] = sandbox.due(T0 + HOUR)
    assert [update] == sandbox.due(T0 + HOUR)  # read again before it was marked: the same event id
    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(lambda _: sandbox.advanced(update), range(4))) == [False, False, False, True]
    [following] = sandbox.due(T0 + 2 * HOUR)
    assert following.status is ParcelStatus.DELIVERED and following.event_id != update.event_id
    assert not sandbox.advanced(update)  # an old step again changes nothing


def test_updates_of_other_carriers_or_unknown_parcels_advance_nothing() -> None:
    sandbox = carrier()
    sandbox.create_shipment(request())
    [update] = sandbox.due(T0 + HOUR)
    assert not sandbox.advanced(type(update)(carrier="other", tracking_number=update.tracking_number,
                                             status=update.status, occurred_at=update.occurred_at, event_id="x"))
    assert not sandbox.advanced(type(update)(carrier="sandbox", tracking_number="SBX000000000000",
                                             status=update.status, occurred_at=update.occurred_at, event_id="y"))
    assert sandbox.due(T0 + HOUR) == [update]


def test_a_step_takes_an_hour_unless_the_environment_says_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.settings import settings

    monkeypatch.delenv("CARRIER_STEP_SECONDS", raising=False)
    monkeypatch.setenv("TABLE_NAME", "retail")
    settings.cache_clear()
    default = settings().carrier_step
    monkeypatch.setenv("CARRIER_STEP_SECONDS", "2")
    settings.cache_clear()
    local = settings().carrier_step
    settings.cache_clear()
    assert (default, local) == (HOUR, timedelta(seconds=2))
