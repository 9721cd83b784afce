"""Reservations on the local system: contention, expiry by the sweep, events seen once."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_local_stock import set_count, stock, url
from tests.names import Names

unique = Names("holds")
pytestmark = pytest.mark.e2e


def reserve(system: Running, token: str, location: str, lines: list[dict], **extra) -> tuple[int, dict, dict]:
    return call("POST", url(system, "/reservations"), {"location_id": location, "lines": lines, **extra}, token,
                {"idempotency-key": unique()})


def listen(system: Running, pattern: dict) -> str:
    sqs, events = system.aws("sqs"), system.aws("events")
    name = unique("e2e-listener")
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=name, EventBusName="retail", EventPattern=json.dumps(pattern))
    events.put_targets(Rule=name, EventBusName="retail", Targets=[{"Id": "q", "Arn": arn}])
    return queue


def collect(system: Running, queue: str, seconds: float, until: int = 10**6) -> list[dict]:
    seen: list[dict] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(seen) < until:
        messages = system.aws("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1,
                                                     MaxNumberOfMessages=10).get("Messages", [])
        seen += [json.loads(m["Body"]) for m in messages]
        for m in messages:
            system.aws("sqs").delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return seen


def test_200_concurrent_reservations_for_10_units_exactly_10_succeed(system: Running, tokens: dict) -> None:
    sku, loc = unique("E2E-RES"), "utrecht-oudegracht"
    price_skus(system, [sku], 1000)
    set_count(system, tokens["erp"], sku, loc, 10)
    from local.auth import issue_token

    shoppers = [issue_token("customer", f"shopper-{i}") for i in range(200)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda t: reserve(system, t, loc, [{"sku": sku, "quantity": 1}]), shoppers))
    statuses = [r[0] for r in results]
    assert (statuses.count(201), statuses.count(409)) == (10, 190), {s: statuses.count(s) for s in set(statuses)}
    level = stock(system, tokens["erp"], sku, loc)
    assert (level["on_hand"], level["reserved"], level["available"]) == (10, 10, 0)


def test_a_multi_line_reservation_is_never_half_held(system: Running, tokens: dict) -> None:
    a, b = (unique(f"E2E-ML-{x}") for x in "AB")
    loc = "rotterdam-lijnbaan"
    price_skus(system, [a, b], 1000)
    set_count(system, tokens["erp"], a, loc, 20)
    set_count(system, tokens["erp"], b, loc, 5)
    from local.auth import issue_token

    shoppers = [issue_token("customer", f"multi-line-{i}") for i in range(20)]  # one customer is limited
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda t: reserve(system, t, loc, [
            {"sku": a, "quantity": 2}, {"sku": b, "quantity": 1}]), shoppers))
    held = [r for r in results if r[0] == 201]
    assert len(held) == 5
    assert stock(system, tokens["erp"], a, loc)["reserved"] == 10
    assert stock(system, tokens["erp"], b, loc)["reserved"] == 5


def test_a_one_second_hold_is_released_and_expired_once_within_60_seconds(system: Running, tokens: dict) -> None:
    sku, loc = unique("E2E-EXP"), "den-haag-spuistraat"
    price_skus(system, [sku], 1000)
    set_count(system, tokens["erp"], sku, loc, 3)
    queue = listen(system, {"source": ["retail.reservations"], "detail-type": ["ReservationExpired"],
                            "detail": {"data": {"location_id": [loc]}}})
    status, body, _ = reserve(system, tokens["customer"], loc, [{"sku": sku, "quantity": 2}], hold_seconds=1)
    assert status == 201
    started = time.monotonic()
    seen = collect(system, queue, 60, until=1)
    assert seen and seen[0]["detail"]["data"]["reservation_id"] == body["reservation_id"]
    assert time.monotonic() - started < 60
    assert stock(system, tokens["erp"], sku, loc)["reserved"] == 0
    assert collect(system, queue, 6) == []  # once: later sweeps find nothing more to expire
