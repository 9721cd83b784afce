"""The sandbox carrier on DynamoDB (moto): a label once per shipment, steps due on gsi3 in order,
each advanced once however many sweeps race for it, and the sweeper moving parcels on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3

from functions.reservation_sweeper import handler as sweeper
from infra.topology import TOPOLOGY
from local.environment import LOCAL_ENVIRONMENT
from local.lambdas import FakeContext
from local.provision import Provisioned
from shared.adapters import items
from shared.adapters.sandbox_carrier import SandboxCarrier
from shared.carriers.model import ParcelStatus, ShipmentRequest
from shared.settings import settings

T0 = datetime(2024, 5, 6, 9, tzinfo=UTC)  # long past: the sweeper's own clock finds every step due
STEP = timedelta(hours=1)
CTX = FakeContext(function_name="reservation-sweeper", aws_request_id="r")


def carrier(at: datetime = T0) -> SandboxCarrier:
    return SandboxCarrier(TOPOLOGY.table.name, step=STEP, clock=lambda: at)


def request(shipment_id: str = "ord-1:f1") -> ShipmentRequest:
    return ShipmentRequest(shipment_id=shipment_id, source_id="utrecht-oudegracht", destination="postcode:3511 AB")


def _raw(number: str) -> dict:
    return boto3.client("dynamodb").get_item(TableName=TOPOLOGY.table.name, ConsistentRead=True,
                                             Key={"pk": {"S": f"PARCEL#{number}"}, "sk": {"S": "#"}})["Item"]


def test_a_shipment_created_again_gets_its_stored_label(aws: Provisioned) -> None:
    first = carrier().create_shipment(request())
    again = carrier(T0 + 5 * STEP).create_shipment(request())  # a retry, later: the parcel as first made
    assert again == first and first.carrier == "sandbox" and first.tracking_number.startswith("SBX")
    stored = carrier().parcel(first.tracking_number)
    assert stored is not None and stored.created_at == T0 and stored.status is ParcelStatus.CREATED
    raw = _raw(first.tracking_number)
    assert raw["gsi3pk"] == {"S": "PARCELS#DUE"}
    assert raw["gsi3sk"] == {"S": f"{items.stamp(T0 + STEP)}#{first.tracking_number}"}
    assert raw["destination"] == {"S": "postcode:3511 AB"}  # a postcode: no name, no address


def test_steps_come_due_in_order_and_a_delivered_parcel_leaves_the_index(aws: Provisioned) -> None:
    sandbox = carrier()
    label = sandbox.create_shipment(request())
    assert sandbox.due(T0 + STEP - timedelta(microseconds=1)) == []
    seen = []
    for hours in range(1, 5):
        for update in sandbox.due(T0 + hours * STEP):
            assert sandbox.advanced(update) and not sandbox.advanced(update)
            seen.append((update.status, update.occurred_at))
    assert seen == [(ParcelStatus.IN_TRANSIT, T0 + STEP), (ParcelStatus.DELIVERED, T0 + 2 * STEP)]
    raw = _raw(label.tracking_number)
    assert raw["status"] == {"S": "DELIVERED"} and not {"gsi3pk", "gsi3sk", "due_at"} & raw.keys()
    assert sandbox.due(T0 + 100 * STEP) == []


def test_due_is_oldest_first_and_only_what_is_due(aws: Provisioned) -> None:
    later = carrier(T0 + 30 * timedelta(minutes=1)).create_shipment(request("b"))
    earlier = carrier().create_shipment(request("a"))
    assert [u.tracking_number for u in carrier().due(T0 + STEP)] == [earlier.tracking_number]
    assert [u.tracking_number for u in carrier().due(T0 + 2 * STEP)] == [earlier.tracking_number,
                                                                        later.tracking_number]


def test_the_step_comes_from_settings(aws: Provisioned) -> None:
    assert settings().carrier_step == timedelta(seconds=int(LOCAL_ENVIRONMENT["CARRIER_STEP_SECONDS"]))
    sandbox = SandboxCarrier(clock=lambda: T0)
    label = sandbox.create_shipment(request())
    [update] = sandbox.due(T0 + settings().carrier_step)
    assert update.tracking_number == label.tracking_number


def test_the_sweeper_moves_parcels_on_one_step_per_run(aws: Provisioned) -> None:
    sandbox = carrier()
    label = sandbox.create_shipment(request())
    assert sweeper.lambda_handler({}, CTX)["parcels_advanced"] == 1
    assert sandbox.parcel(label.tracking_number).status is ParcelStatus.IN_TRANSIT  # type: ignore[union-attr]
    assert sweeper.lambda_handler({}, CTX)["parcels_advanced"] == 1
    assert sandbox.parcel(label.tracking_number).status is ParcelStatus.DELIVERED  # type: ignore[union-attr]
    assert sweeper.lambda_handler({}, CTX)["parcels_advanced"] == 0


def test_racing_creates_make_one_parcel_and_racing_sweeps_advance_a_step_once(emulated: str) -> None:
    sandbox = carrier()
    with ThreadPoolExecutor(8) as pool:
        labels = set(pool.map(lambda _: sandbox.create_shipment(request()), range(8)))
    assert len(labels) == 1
    [update] = sandbox.due(T0 + STEP)
    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(lambda _: sandbox.advanced(update), range(8))) == 1
    [following] = sandbox.due(T0 + 2 * STEP)
    assert following.status is ParcelStatus.DELIVERED
    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(lambda _: sandbox.advanced(following), range(8))) == 1
    assert sandbox.due(T0 + 10 * STEP) == []
