"""The stock service over HTTP on the local system, as the webshop, POS and ERP use it."""

from __future__ import annotations

import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import Running, call
from tests.names import Names

unique = Names("stock")
COUNTED_FROM = datetime(2026, 6, 1, tzinfo=UTC)  # after the demo data's counts, before today
_COUNTS = itertools.count(1)
pytestmark = pytest.mark.e2e


def url(system: Running, path: str) -> str:
    return system.base_url + path


def set_count(system: Running, token: str, sku: str, loc: str, on_hand: int) -> None:
    as_of = (COUNTED_FROM + timedelta(minutes=next(_COUNTS))).strftime("%Y-%m-%dT%H:%M:%SZ")  # each newer
    status, body, _ = call("PUT", url(system, f"/stock/{sku}/locations/{loc}/count"),
                           {"on_hand": on_hand, "as_of": as_of}, token, {"idempotency-key": unique()})
    assert status == 201, body


def stock(system: Running, token: str, sku: str, loc: str) -> dict:
    status, body, _ = call("GET", url(system, f"/stock/{sku}/locations/{loc}"), token=token)
    assert status == 200, body
    return body


def change(system: Running, token: str, sku: str, loc: str, kind: str, qty: int, key: str | None = None):
    return call("POST", url(system, f"/stock/{sku}/locations/{loc}/changes"), {"kind": kind, "quantity": qty},
                token, {"idempotency-key": key or unique()})


def test_seeded_locations_and_stock_are_served(system: Running) -> None:
    status, body, headers = call("GET", url(system, "/locations"))
    assert status == 200 and headers["content-type"] == "application/json"
    ids = {loc["location_id"] for loc in body["locations"]}
    assert {"amsterdam-kalverstraat", "utrecht-oudegracht", "dc-tilburg", "pickup-utrecht-centraal"} <= ids
    status, body, _ = call("GET", url(system, "/stock/JKT-RAIN-NAVY-M"))
    assert status == 200 and len(body["locations"]) == 7
    status, body, _ = call("GET", url(system, "/stock/JKT-RAIN-NAVY-M/nearest?lat=52.09&lon=5.12&limit=3"))
    assert status == 200 and body["locations"]
    distances = [loc["distance_km"] for loc in body["locations"]]
    assert distances == sorted(distances)
    status, spec, _ = call("GET", url(system, "/openapi.json"))
    assert status == 200 and "/stock/{sku}/locations/{location_id}/changes" in spec["paths"]


def test_1000_concurrent_changes_from_50_clients_end_exact(system: Running, tokens: dict[str, str]) -> None:
    sku, loc = "E2E-CONCURRENT-1", "utrecht-oudegracht"
    set_count(system, tokens["erp"], sku, loc, 500)

    def client(n: int) -> list[int]:
        plan = [("receipt", 2) if i % 2 else ("sale", 1) for i in range(20)]
        return [change(system, tokens["erp"], sku, loc, kind, qty)[0] for kind, qty in plan]

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = [s for batch in pool.map(client, range(50)) for s in batch]
    assert statuses.count(201) == 1000, {s: statuses.count(s) for s in set(statuses)}
    level = stock(system, tokens["erp"], sku, loc)
    assert level["on_hand"] == 500 + 500 * 2 - 500
    assert level["version"] == 1 + 1000


def test_no_unit_is_shipped_twice_under_contention(system: Running, tokens: dict[str, str]) -> None:
    """Transfers out are decisions, refused beyond stock (a till's sale is a fact: never refused)."""
    sku, loc = "E2E-LAST-UNITS", "amsterdam-kalverstraat"
    set_count(system, tokens["erp"], sku, loc, 10)
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: change(system, tokens["erp"], sku, loc, "transfer_out", 1)[0],
                                 range(100)))
    assert (statuses.count(201), statuses.count(409)) == (10, 90)
    assert stock(system, tokens["erp"], sku, loc)["on_hand"] == 0


def test_retries_older_counts_and_refusals(system: Running, tokens: dict[str, str]) -> None:
    sku, loc = "E2E-RETRY-1", "rotterdam-lijnbaan"
    key = unique()
    first = change(system, tokens["erp"], sku, loc, "receipt", 3, key)
    with ThreadPoolExecutor(max_workers=8) as pool:
        retries = list(pool.map(lambda _: change(system, tokens["erp"], sku, loc, "receipt", 3, key), range(8)))
    assert first[0] == 201 and {r[0] for r in retries} == {200}
    assert stock(system, tokens["erp"], sku, loc)["on_hand"] == 3

    def count(n: int, as_of: str) -> int:
        return call("PUT", url(system, f"/stock/{sku}/locations/{loc}/count"), {"on_hand": n, "as_of": as_of},
                    tokens["erp"], {"idempotency-key": unique()})[0]

    assert count(8, "2026-11-22T10:00:00Z") == 201
    assert count(1, "2026-11-22T09:59:59Z") == 200  # older: ignored
    assert stock(system, tokens["erp"], sku, loc)["on_hand"] == 8
    status, problem, headers = change(system, tokens["erp"], sku, loc, "transfer_out", 9)
    assert status == 409 and headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith("/insufficient-stock")
    assert stock(system, tokens["erp"], sku, loc)["on_hand"] == 8
    assert change(system, tokens["erp"], sku, loc, "sale", 9)[0] == 201  # a fact: recorded
    assert stock(system, tokens["erp"], sku, loc)["on_hand"] == -1


def test_identity_is_checked_on_every_protected_route(system: Running, tokens: dict[str, str]) -> None:
    path = "/stock/JKT-RAIN-NAVY-M/locations/utrecht-oudegracht"
    assert call("GET", url(system, path))[0] == 401
    assert call("GET", url(system, path), token="not-a-token")[0] == 401
    assert call("GET", url(system, path), token=tokens["staff-utrecht"])[0] == 200
    assert call("GET", url(system, path.replace("utrecht-oudegracht", "rotterdam-lijnbaan")),
                token=tokens["staff-utrecht"])[0] == 404
    assert change(system, tokens["customer"], "JKT-RAIN-NAVY-M", "utrecht-oudegracht", "receipt", 1)[0] == 404
    status, problem, _ = call("DELETE", url(system, "/locations"))
    assert status == 405 and problem["status"] == 405
    assert call("GET", url(system, "/nope"))[0] == 404


def test_a_stock_event_on_the_bus_changes_stock_and_publishes_stock_changed(system: Running,
                                                                         tokens: dict[str, str]) -> None:
    sqs, events = system.aws("sqs"), system.aws("events")
    listener = sqs.create_queue(QueueName=unique("e2e-listener"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=listener, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = unique("e2e-listener")
    sku, loc = unique("E2E-BUS"), "eindhoven-demer"
    events.put_rule(Name=rule, EventBusName="retail",
                    EventPattern=json.dumps({"source": ["retail.stock"], "detail": {"data": {"sku": [sku]}}}))
    events.put_targets(Rule=rule, EventBusName="retail", Targets=[{"Id": "q", "Arn": arn}])
    detail = {"metadata": {"event_id": f"dlv-{sku}", "event_type": "GoodsReceived",
                           "occurred_at": "2026-11-23T09:00:00Z", "producer": "e2e"},
              "data": {"location_id": loc, "delivery_id": "D-E2E", "lines": [{"sku": sku, "quantity": 4}]}}
    entry = {"EventBusName": "retail", "Source": "retail.wms", "DetailType": "GoodsReceived",
             "Detail": json.dumps(detail)}
    assert events.put_events(Entries=[entry, entry])["FailedEntryCount"] == 0  # delivered twice
    seen: list[dict] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not seen:
        for message in sqs.receive_message(QueueUrl=listener, WaitTimeSeconds=1).get("Messages", []):
            seen.append(json.loads(message["Body"]))
    assert seen, "no StockChanged arrived within 30 s"
    changed = next(e for e in seen if e["detail-type"] == "StockChanged")
    assert changed["detail"]["data"]["after"]["on_hand"] == 4
    assert changed["detail"]["data"]["change"]["source"] == "retail.wms"
    time.sleep(2)  # let the duplicate delivery pass through
    assert stock(system, tokens["erp"], sku, loc)["on_hand"] == 4
