"""Reservations (handlers and DynamoDB on moto): all or nothing, once per key, released once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import boto3
import pytest

from functions.reservation_sweeper import handler as sweeper
from functions.reservations_api import handler as api
from functions.stock_stream_publisher import handler as publisher
from local.lambdas import FakeContext
from local.pollers import StreamPoller
from local.provision import Provisioned
from shared import wiring
from shared.identity import Caller
from shared.reservations import service
from shared.reservations.model import ReservationStatus
from shared.stock import service as stock_service
from shared.stock.model import ChangeKind
from tests.integration.conftest import CLAIMS, http
from tests.names import Names

unique = Names("reservations")
pytestmark = pytest.mark.usefixtures("locations")
ERP = Caller(role="integration", subject="erp")
CTX = FakeContext(function_name="test", aws_request_id="r")
UTRECHT = "utrecht-oudegracht"


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-7", "B-1"], 2495)


def stock(sku: str, loc: str, qty: int) -> None:
    stock_service.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                                directory=wiring.location_directory(), caller=ERP, sku=sku, location_id=loc,
                                kind=ChangeKind.RECEIPT, quantity=qty, idempotency_key=unique(f"seed-{sku}-{loc}"),
                                source="test")


def level(sku: str, loc: str = UTRECHT):
    return wiring.stock_store().get(sku, loc)


def reserve(lines: list[dict], key: str | None = None, as_: str = "customer", **extra) -> tuple[int, dict, dict]:
    body = {"location_id": UTRECHT, "lines": lines, **extra}
    return http(api, "POST /reservations", body=body, as_=as_, headers={"idempotency-key": key or unique()})


def test_all_lines_are_held_or_none_with_what_is_short_and_where_else() -> None:
    stock("A-1", UTRECHT, 3)
    stock("B-1", UTRECHT, 1)
    stock("A-1", "amsterdam-kalverstraat", 5)
    stock("B-1", "amsterdam-kalverstraat", 5)
    status, problem, _ = reserve([{"sku": "A-1", "quantity": 2}, {"sku": "B-1", "quantity": 2}])
    assert status == 409 and problem["type"].endswith("/insufficient-stock")
    assert problem["lines"] == [{"sku": "A-1", "requested": 2, "available": None},
                                {"sku": "B-1", "requested": 2, "available": 1}]
    assert [alt["location_id"] for alt in problem["alternatives"]] == ["amsterdam-kalverstraat"]
    assert (level("A-1").reserved, level("B-1").reserved) == (0, 0)  # never half-held
    status, body, _ = reserve([{"sku": "A-1", "quantity": 2}, {"sku": "B-1", "quantity": 1}])
    assert status == 201 and body["status"] == "ACTIVE"
    assert (level("A-1").reserved, level("A-1").available, level("B-1").available) == (2, 1, 0)


def test_a_retry_returns_the_same_reservation_and_holds_once() -> None:
    stock("A-2", UTRECHT, 5)
    key = unique()
    first = reserve([{"sku": "A-2", "quantity": 2}], key)
    again = reserve([{"sku": "A-2", "quantity": 2}], key)
    assert (first[0], again[0]) == (201, 200)
    assert again[1]["reservation_id"] == first[1]["reservation_id"]
    assert level("A-2").reserved == 2
    status, problem, _ = reserve([{"sku": "A-2", "quantity": 3}], key)
    assert status == 422 and problem["type"].endswith("/idempotency-key-reused")


def test_cancel_releases_once_and_only_the_owner_or_store_sees_it() -> None:
    stock("A-3", UTRECHT, 4)
    rid = reserve([{"sku": "A-3", "quantity": 3}])[1]["reservation_id"]
    params = {"reservation_id": rid}
    assert http(api, "GET /reservations/{reservation_id}", params, as_="staff-utrecht")[0] == 200
    CLAIMS["other-customer"] = {"sub": "cust-2", "cognito:groups": "[customer]"}
    assert http(api, "GET /reservations/{reservation_id}", params, as_="other-customer")[0] == 404
    assert http(api, "POST /reservations/{reservation_id}/cancel", params, as_="other-customer")[0] == 404
    for _ in range(2):
        status, body, _ = http(api, "POST /reservations/{reservation_id}/cancel", params, as_="customer")
        assert status == 200 and body["status"] == "CANCELLED"
    assert (level("A-3").reserved, level("A-3").available) == (0, 4)
    status, mine, _ = http(api, "GET /reservations", as_="customer")
    assert status == 200 and rid in [r["reservation_id"] for r in mine["reservations"]]


def test_an_overdue_hold_expires_once_on_read_or_by_overlapping_sweeps() -> None:
    stock("A-4", UTRECHT, 2)
    stock("A-5", UTRECHT, 2)
    first = reserve([{"sku": "A-4", "quantity": 2}], hold_seconds=1)[1]["reservation_id"]
    second = reserve([{"sku": "A-5", "quantity": 1}], hold_seconds=1)[1]["reservation_id"]
    store = wiring.reservation_store()
    later = max(store.get(rid).expires_at for rid in (first, second)) + timedelta(seconds=1)  # the holds' own clock
    expired = service.expire_due(**wiring.holds(), now=later) + service.expire_due(**wiring.holds(), now=later)
    assert expired == 2  # overlapping: once each
    assert store.get(first).status is ReservationStatus.EXPIRED
    assert (level("A-4").reserved, level("A-5").reserved) == (0, 0)
    assert sweeper.lambda_handler({}, CTX) == {"expired": 0, "reminded": 0, "not_collected": 0,
                                                "unpaid_cancelled": 0, "reviews_requested": 0, "parcels_advanced": 0}
    third = reserve([{"sku": "A-5", "quantity": 2}], hold_seconds=1)[1]["reservation_id"]
    import time

    time.sleep(1.1)
    _, body, _ = http(api, "GET /reservations/{reservation_id}", {"reservation_id": third}, as_="customer")
    assert body["status"] == "EXPIRED" and level("A-5").reserved == 0
    assert second


def test_extend_moves_the_deadline_within_the_location_limit() -> None:
    stock("A-6", UTRECHT, 1)
    rid = reserve([{"sku": "A-6", "quantity": 1}], hold_seconds=60)[1]["reservation_id"]
    status, body, _ = http(api, "POST /reservations/{reservation_id}/extend", {"reservation_id": rid},
                           {"hold_seconds": 3600}, as_="customer")
    assert status == 200
    created, until = (datetime.fromisoformat(body[k]) for k in ("created_at", "expires_at"))
    assert until > created + timedelta(minutes=59)
    status, _, _ = http(api, "POST /reservations/{reservation_id}/extend", {"reservation_id": rid},
                        {"hold_seconds": 14 * 24 * 3600}, as_="customer")
    assert status == 422


def test_each_status_change_publishes_one_reservation_event(aws: Provisioned) -> None:
    from tests.integration.test_stock_events import _drain

    sqs, events = boto3.client("sqs"), boto3.client("events")
    url = sqs.create_queue(QueueName="res-listener")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="res-listener", EventBusName=aws.bus_name, EventPattern='{"source": ["retail.reservations"]}')
    events.put_targets(Rule="res-listener", EventBusName=aws.bus_name, Targets=[{"Id": "q", "Arn": arn}])
    stock("A-7", UTRECHT, 2)
    key = unique()
    rid = reserve([{"sku": "A-7", "quantity": 1}], key)[1]["reservation_id"]
    reserve([{"sku": "A-7", "quantity": 1}], key)
    http(api, "POST /reservations/{reservation_id}/extend", {"reservation_id": rid}, {"hold_seconds": 600},
         as_="customer")
    http(api, "POST /reservations/{reservation_id}/cancel", {"reservation_id": rid}, as_="customer")
    StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arn,
                 lambda event: publisher.lambda_handler(event, CTX)).poll_once()
    got = [(e["detail-type"], e["detail"]["data"]["reservation_id"]) for e in _drain(url)]
    assert got == [("ReservationCreated", rid), ("ReservationCancelled", rid)]
