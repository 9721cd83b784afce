"""Benchmarks of the stock service on the local system: python -m bench

Per operation: DynamoDB calls and their on-demand capacity units (AWS rules, real item
sizes), and median latency through the local HTTP API. Per handler: cold import time.
Numbers are from the emulator on this machine: compare runs, not absolute values.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.capacity import Tally, item_size, reads, writes

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
BACKGROUND = ("stream-poller", "queue-poller", "schedule-")  # thread names in local/pollers.py
ROOT = Path(__file__).resolve().parent.parent


class DynamoDBMeter:
    """Counts every DynamoDB call the handlers make and prices it from the items touched."""

    def __init__(self, peek: Any) -> None:
        self.tally = Tally()
        self._peek = peek  # an uncounted client, to size items after a write

    def _size_after(self, table: str, key: dict[str, Any]) -> int:
        item = self._peek.get_item(TableName=table, Key=key).get("Item")
        return item_size(item) if item else 0

    @staticmethod
    def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = params

    def after_call(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if threading.current_thread().name.startswith(BACKGROUND):
            return  # the stream, queue and schedule pollers: not the operation being measured
        try:
            self._price(model.name, context.get("bench_params", {}), parsed)
        except Exception as error:  # a meter must never break the call it measures
            print(f"bench: could not price {model.name}: {error!r}", file=sys.stderr)

    def _price(self, op: str, params: dict[str, Any], parsed: dict[str, Any]) -> None:
        t = Tally(calls=[op])
        if op == "GetItem":
            t.read_units = reads([parsed.get("Item", {})], params.get("ConsistentRead", False), False)
        elif op == "Query":
            t.read_units = reads(parsed.get("Items", []), params.get("ConsistentRead", False), True)
        elif op == "BatchGetItem":
            got = [i for items in parsed.get("Responses", {}).values() for i in items]
            t.read_units = reads(got, False, False)
        elif op in ("PutItem", "UpdateItem"):
            key = params.get("Key") or {k: params["Item"][k] for k in ("pk", "sk")}
            t.write_units = writes(self._size_after(params["TableName"], key), False, True)
        elif op == "TransactWriteItems" and "CancellationReasons" in parsed:
            t.write_units = 2.0 * len(params["TransactItems"])  # refused transactions are charged too
        elif op == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (kind, body), = entry.items()
                key = body.get("Key") or {k: body["Item"][k] for k in ("pk", "sk")}
                t.write_units += writes(self._size_after(body["TableName"], key), True, kind == "Update")
        self.tally.merge(t)


def http_json(method: str, url: str, body: Any = None, token: str | None = None,
              key: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", f"Bearer {token}")
    if key:
        request.add_header("idempotency-key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read() or b"null")


def http(method: str, url: str, body: Any = None, token: str | None = None, key: str | None = None) -> int:
    return http_json(method, url, body, token, key)[0]


def measure(name: str, meter: DynamoDBMeter, call: Callable[[int], int], expect: int,
            prepare: Callable[[int], None] | None = None) -> dict[str, Any]:
    if prepare:
        prepare(-1)
    call(-1)  # warm the containers
    latencies, tallies = [], []
    for i in range(RUNS):
        if prepare:
            prepare(i)  # outside the meter and the clock
        meter.tally = Tally()
        started = time.perf_counter()
        status = call(i)
        latencies.append((time.perf_counter() - started) * 1000)
        assert status == expect, f"{name}: got {status}, expected {expect}"
        tallies.append(meter.tally)
    last = tallies[-1]
    return {"operation": name, "dynamodb_calls": len(last.calls), "calls": "+".join(sorted(set(last.calls))),
            "rcu": round(statistics.median(t.read_units for t in tallies), 2),
            "wcu": round(statistics.median(t.write_units for t in tallies), 2),
            "median_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(sorted(latencies)[int(len(latencies) * 0.95) - 1], 1)}


# What a handler cannot start without: the libraries it uses, imported and nothing of ours.
HTTP_FLOOR = """import boto3, pydantic
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
APIGatewayHttpResolver(enable_validation=True)"""
EVENT_FLOOR = """import boto3, pydantic
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response"""
COLD_LIMIT = 1.2  # a handler may take at most this multiple of its floor
IMPORT_RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "7"))


def _import_ms(statements: str, bytecode: str) -> float:
    """CPU milliseconds to run these imports in a fresh interpreter (a Lambda cold start, tracing off).

    CPU time of the one process, not wall time: the other processes of a busy machine do not
    count against it. Every module, ours and the libraries', loads from bytecode kept in
    ``bytecode`` (written by the first, untimed, run), so neither side pays for compiling.
    """
    code = f"import time\nt = time.process_time()\n{statements}\nprint((time.process_time() - t) * 1000)"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POWERTOOLS_TRACE_DISABLED": "true",
           "PYTHONPYCACHEPREFIX": bytecode}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def import_times(runs: int = IMPORT_RUNS) -> list[dict[str, Any]]:
    """Each handler's cold start against its library floor, alternating the two in one run.

    The handler run imports the handler, as Lambda does, and then whatever of the floor it has
    not loaded: a handler that defers a library to its first call (paid then, on the same cold
    start) gains nothing here. HTTP handlers are held to the HTTP floor, the others to the event
    floor.
    """
    from infra.topology import TOPOLOGY

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-bytecode-") as bytecode:
        for fn in TOPOLOGY.functions:
            floor = HTTP_FLOOR if fn.routes else EVENT_FLOOR
            handler = f"import {fn.handler}\n{floor}"
            _import_ms(floor, bytecode), _import_ms(handler, bytecode)  # compile and cache, untimed
            floors, handlers = [], []
            for _ in range(runs):
                floors.append(_import_ms(floor, bytecode))
                handlers.append(_import_ms(handler, bytecode))
            base, own = statistics.median(floors), statistics.median(handlers)
            ratio = own / base
            rows.append({"function": fn.name, "floor": "http" if fn.routes else "event", "floor_ms": round(base),
                         "handler_ms": round(own),
                         "ratio": f"{ratio:.2f}x" + ("  OVER" if ratio > COLD_LIMIT else "")})
    return rows


def holds_and_orders(base: str, meter: DynamoDBMeter, erp: str, skus: list[str]) -> list[dict[str, Any]]:
    """Reserve k lines, cancel, and the click & collect path from placing to collection."""
    from local.auth import issue_token

    staff = issue_token("staff", "bench-anna", "utrecht-oudegracht")
    # one shopper per run: a customer may hold only so much at a location (the location's limits)
    shoppers = {i: issue_token("customer", f"bench-shopper-{i}") for i in range(-1, RUNS)}
    for sku in skus[:3]:
        http("PUT", f"{base}/stock/{sku}/locations/utrecht-oudegracht/count",
             {"on_hand": 100000, "as_of": "2026-11-03T00:00:00Z"}, erp, f"bench-{sku}")

    def reserve(k: int, i: int) -> int:
        lines = [{"sku": sku, "quantity": 1} for sku in skus[:k]]
        return http("POST", f"{base}/reservations", {"location_id": "utrecht-oudegracht", "lines": lines},
                    shoppers[i], str(uuid.uuid4()))

    pending: list[str] = []

    def new_reservation(i: int) -> None:
        pending.append(http_json("POST", f"{base}/reservations", {
            "location_id": "utrecht-oudegracht", "lines": [{"sku": skus[0], "quantity": 1}]},
            shoppers[i], str(uuid.uuid4()))[1]["reservation_id"])

    ready: list[tuple[str, str]] = []

    def ready_order(i: int) -> None:
        _, order = http_json("POST", f"{base}/orders", {
            "location_id": "utrecht-oudegracht", "lines": [{"sku": skus[1], "quantity": 1}],
            "payment": "paid_online", "contact": {"email": "bench@example.nl"}}, shoppers[i], str(uuid.uuid4()))
        for step in ("accept", "picking", "ready"):
            http("POST", f"{base}/orders/{order['order_id']}/{step}", None, staff)
        ready.append((order["order_id"], _code_of(order["order_id"])))

    return [
        measure("reserve 1 line", meter, lambda i: reserve(1, i), 201),
        measure("reserve 3 lines", meter, lambda i: reserve(3, i), 201),
        measure("cancel a reservation", meter, lambda i: http(
            "POST", f"{base}/reservations/{pending.pop()}/cancel", None, shoppers[i]), 200, new_reservation),
        measure("place click & collect order", meter, lambda i: http("POST", f"{base}/orders", {
            "location_id": "utrecht-oudegracht", "lines": [{"sku": skus[2], "quantity": 1}],
            "payment": "pay_at_pickup", "contact": {"email": "bench@example.nl"}}, shoppers[i], str(uuid.uuid4())),
            201),
        measure("collect an order (with code)", meter, lambda i: http(
            "POST", f"{base}/orders/{ready[-1][0]}/collect", {"pickup_code": ready.pop()[1]}, staff), 200,
            ready_order),
    ]


def _priced_only_at(base: str, erp: str, sku: str, location_id: str) -> None:
    """A SKU of the bench's own, in the catalog (PUT /products, /prices) and on the shelf at one location only."""
    product = {"name": {"nl": f"Artikel {sku}", "en": f"Item {sku}"}, "category": "bench",
               "variants": [{"sku": sku}], "version": 1}
    assert http("PUT", f"{base}/products/P-{sku}", product, erp) == 200
    prices = {"prices": [{"price_cents": 2995, "valid_from": "2020-01-01T00:00:00Z"}], "version": 1}
    assert http("PUT", f"{base}/prices/{sku}", prices, erp) == 200
    assert http("PUT", f"{base}/stock/{sku}/locations/{location_id}/count",
                {"on_hand": 100000, "as_of": "2026-11-05T00:00:00Z"}, erp, f"bench-{sku}") == 201


def orders_anywhere(base: str, meter: DynamoDBMeter, erp: str) -> list[dict[str, Any]]:
    """Orders from other locations: a home delivery split over two stores in a slot, a store
    shipping a parcel (the carrier's label, the units out), the pickup store receiving a transfer."""
    from local.auth import issue_token

    amsterdam, utrecht = "amsterdam-kalverstraat", "utrecht-oudegracht"
    two_a, two_b, parcel, transfer = "BENCH-TWO-A", "BENCH-TWO-B", "BENCH-PARCEL", "BENCH-TRANSFER"
    for sku, location_id in ((two_a, utrecht), (two_b, amsterdam), (parcel, utrecht), (transfer, utrecht)):
        _priced_only_at(base, erp, sku, location_id)
    shoppers = {i: issue_token("customer", f"bench-anywhere-{i}") for i in range(-1, RUNS + 1)}
    utrecht_staff, amsterdam_staff = (issue_token("staff", "bench-sender", utrecht),
                                      issue_token("staff", "bench-receiver", amsterdam))
    home = {"name": "Bench", "street": "Damrak", "house_number": "1", "postal_code": "1012 LG", "city": "Amsterdam"}
    near = {**home, "street": "Oudegracht", "postal_code": "3511 AZ", "city": "Utrecht"}

    def slots_for(skus: list[str], postal_code: str) -> list[str]:
        """The slots of the best option, used in turn: each holds only so many deliveries."""
        status, found = http_json("POST", f"{base}/fulfilment-options", {
            "lines": [{"sku": sku, "quantity": 1} for sku in skus],
            "destination": {"type": "delivery", "postal_code": postal_code}})
        assert status == 200, found
        return [slot["slot_id"] for slot in found["options"][0]["slots"]]

    two_slots, parcel_slots = slots_for([two_a, two_b], home["postal_code"]), slots_for([parcel], near["postal_code"])

    def deliver(i: int, skus: list[str], to: dict[str, str], slots: list[str]) -> tuple[int, Any]:
        return http_json("POST", f"{base}/orders", {
            "destination": {"type": "delivery", "address": to}, "slot_id": slots[(i + 1) % len(slots)],
            "lines": [{"sku": sku, "quantity": 1} for sku in skus], "payment": "paid_online",
            "contact": {"email": "bench@example.nl"}}, shoppers[i], str(uuid.uuid4()))

    status, split = deliver(RUNS, [two_a, two_b], home, two_slots)
    assert status == 201 and {f["source_id"] for f in split["fulfilments"]} == {utrecht, amsterdam}, split

    to_ship: list[str] = []

    def parcel_order(i: int) -> None:
        status, order = deliver(i, [parcel], near, parcel_slots)
        assert status == 201, order
        to_ship.append(order["order_id"])

    to_receive: list[str] = []

    def shipped_transfer(i: int) -> None:
        status, order = http_json("POST", f"{base}/orders", {
            "destination": {"type": "pickup", "location_id": amsterdam}, "lines": [{"sku": transfer, "quantity": 1}],
            "payment": "paid_online", "contact": {"email": "bench@example.nl"}}, shoppers[i], str(uuid.uuid4()))
        assert status == 201 and order["fulfilments"][0]["kind"] == "transfer", order
        assert http("POST", f"{base}/orders/{order['order_id']}/fulfilments/f1/ship", None, utrecht_staff) == 200
        to_receive.append(order["order_id"])

    return [
        measure("place a 2-source home delivery with a slot", meter,
                lambda i: deliver(i, [two_a, two_b], home, two_slots)[0], 201),
        measure("ship a parcel (carrier label + stock out)", meter, lambda i: http(
            "POST", f"{base}/orders/{to_ship.pop()}/fulfilments/f1/ship", None, utrecht_staff), 200, parcel_order),
        measure("receive a transfer", meter, lambda i: http(
            "POST", f"{base}/orders/{to_receive.pop()}/fulfilments/f1/receive", None, amsterdam_staff), 200,
            shipped_transfer),
    ]


def pricing(base: str, meter: DynamoDBMeter, skus: list[str]) -> list[dict[str, Any]]:
    """The server prices every line: the catalog read alone (one BatchGetItem for k lines and the
    promotions), and the order and till sale that include it."""
    from datetime import UTC, datetime

    from local.auth import issue_token
    from shared import wiring
    from shared.pricing import priced

    three = skus[:3]
    shoppers = {i: issue_token("customer", f"bench-pricing-{i}") for i in range(-1, RUNS)}
    till = issue_token("staff", "bench-till", "utrecht-oudegracht")
    prices = priced(wiring.catalog(), three, datetime.now(UTC))[1]

    def price_only(i: int) -> int:
        priced(wiring.catalog(), three, datetime.now(UTC))
        return 200

    def sale(i: int) -> int:
        lines = [{"sku": sku, "quantity": 1, "unit_price_cents": prices[sku].price_cents} for sku in three]
        return http("POST", f"{base}/purchases", {
            "location_id": "utrecht-oudegracht", "receipt_id": str(uuid.uuid4()), "lines": lines,
            "purchased_at": datetime.now(UTC).isoformat()}, till)

    return [
        measure("price a 3-line order (catalog read)", meter, price_only, 200),
        measure("place a 3-line order (priced)", meter, lambda i: http("POST", f"{base}/orders", {
            "location_id": "utrecht-oudegracht", "lines": [{"sku": sku, "quantity": 1} for sku in three],
            "payment": "pay_at_pickup", "contact": {"email": "bench@example.nl"}}, shoppers[i], str(uuid.uuid4())),
            201),
        measure("record a 3-line till sale (priced)", meter, sale, 201),
    ]


def catalog_reads(base: str, meter: DynamoDBMeter) -> list[dict[str, Any]]:
    """What the webshop reads: a product page (product and variants in one query, the promotions
    item, one stock query per variant), a page of the catalog and a search by name."""
    return [
        measure("product page (3 variants, availability)", meter,
                lambda i: http("GET", f"{base}/products/JKT-RAIN-NAVY?lang=en"), 200),
        measure("list 20 products (lowest prices)", meter, lambda i: http("GET", f"{base}/products"), 200),
        measure("search products by name", meter, lambda i: http("GET", f"{base}/products?q=sjaal"), 200),
    ]


def till_and_points(base: str, meter: DynamoDBMeter, sku: str) -> list[dict[str, Any]]:
    """A till sale with a loyalty card (stock, purchase and points in one transaction), and the account read."""
    from datetime import datetime

    from local.auth import issue_token
    from shared import wiring
    from shared.pricing import priced

    till, customer = issue_token("staff", "bench-till", "utrecht-oudegracht"), issue_token("customer", "bench-loyal")
    sold_at = "2026-11-01T10:00:00+01:00"
    price = priced(wiring.catalog(), [sku], datetime.fromisoformat(sold_at))[1][sku].price_cents  # the till's price

    def sale(i: int) -> int:
        return http("POST", f"{base}/purchases", {
            "location_id": "utrecht-oudegracht", "receipt_id": str(uuid.uuid4()), "customer_id": "bench-loyal",
            "purchased_at": sold_at, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": price}]}, till)

    return [measure("till sale with loyalty points", meter, sale, 201),
            measure("points balance, tier and history", meter, lambda i: http("GET", f"{base}/me/points",
                                                                               token=customer), 200)]


def fulfilment_options(base: str, meter: DynamoDBMeter, skus: list[str]) -> list[dict[str, Any]]:
    """The webshop asks how a basket can reach a postcode: the catalog prices it, one batch read of
    its SKUs at every location, one of the zone's slot counts for the options' dates."""
    basket = {"lines": [{"sku": sku, "quantity": 1} for sku in skus[:3]],
              "destination": {"type": "delivery", "postal_code": "3512 AB"}}
    return [measure("fulfilment options for a 3-line basket", meter,
                    lambda i: http("POST", f"{base}/fulfilment-options", basket), 200)]


def notification_latency(system: Any, sku: str, runs: int = 15) -> dict[str, Any]:
    """Places orders and times until the store's live feed receives each one's notification."""
    from websockets.sync.client import connect

    from local.auth import issue_token

    store = "utrecht-oudegracht"
    shoppers = [issue_token("customer", f"bench-latency-{run}") for run in range(runs)]  # per-customer limits
    staff = issue_token("staff", "bench-feed", store)
    http("PUT", f"{system.base_url}/stock/{sku}/locations/{store}/count",
         {"on_hand": 100000, "as_of": "2026-11-04T00:00:00Z"}, issue_token("integration", "bench"), "bench-feed-stock")
    waits = []
    with connect(f"{system.feed_url}/?location={store}&token={staff}") as feed:
        for shopper in shoppers:
            started = time.perf_counter()
            _, order = http_json("POST", f"{system.base_url}/orders", {
                "location_id": store, "lines": [{"sku": sku, "quantity": 1}],
                "payment": "paid_online", "contact": {"email": "bench@example.nl"}}, shopper, str(uuid.uuid4()))
            while True:
                note = json.loads(feed.recv(timeout=30))
                if order["order_id"][:8].upper() in note.get("body", "") and note.get("kind") == "OrderPlaced":
                    break
            waits.append((time.perf_counter() - started) * 1000)
    return {"path": "order placed -> feed message", "runs": runs, "median_ms": round(statistics.median(waits)),
            "max_ms": round(max(waits))}


def _code_of(order_id: str) -> str:
    """The pickup code as the customer received it (read from the table, as the notifier does)."""
    from shared import wiring

    order = wiring.order_store().get(order_id)
    assert order is not None and order.pickup_code
    return order.pickup_code


def table(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    line = lambda values: "  ".join(str(v).ljust(widths[c]) for c, v in zip(columns, values, strict=True))  # noqa: E731
    return "\n".join([line(columns), line("-" * widths[c] for c in columns), *(line(r.values()) for r in rows)])


def main() -> None:
    from local.environment import LOCAL_ENVIRONMENT

    for key, value in LOCAL_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    from local.auth import issue_token
    from local.seed import LOCATIONS, SKUS, seed
    from local.system import LocalSystem
    from shared.adapters.aws import client

    system = LocalSystem(port=0, emulator_port=0).start()
    seed()
    meter = DynamoDBMeter(system.client("dynamodb"))
    events = client("dynamodb").meta.events
    events.register("provide-client-params.dynamodb", meter.keep_params)
    events.register("after-call.dynamodb", meter.after_call)
    base, erp = system.base_url, issue_token("integration", "bench")
    stores = [loc.location_id for loc in LOCATIONS[:3]]
    where = f"{base}/stock/BENCH-1/locations/utrecht-oudegracht"
    http("PUT", where + "/count", {"on_hand": 100000, "as_of": "2026-11-01T00:00:00Z"}, erp, "bench-initial")
    time.sleep(3)  # let the seed's stream records drain so the numbers are the API's own
    replay_key = str(uuid.uuid4())
    http("POST", where + "/changes", {"kind": "receipt", "quantity": 1}, erp, replay_key)
    rows = [
        measure("list locations", meter, lambda i: http("GET", f"{base}/locations"), 200),
        measure("stock of 1 SKU, all locations", meter, lambda i: http("GET", f"{base}/stock/{SKUS[0]}"), 200),
        measure("stock of 24 SKUs x 3 locations", meter, lambda i: http(
            "GET", f"{base}/stock?skus={','.join(SKUS)}&locations={','.join(stores)}"), 200),
        measure("nearest with stock", meter, lambda i: http(
            "GET", f"{base}/stock/{SKUS[0]}/nearest?lat=52.09&lon=5.12"), 200),
        measure("stock change (sale)", meter, lambda i: http(
            "POST", where + "/changes", {"kind": "sale", "quantity": 1}, erp, str(uuid.uuid4())), 201),
        measure("stock change, retried", meter, lambda i: http(
            "POST", where + "/changes", {"kind": "receipt", "quantity": 1}, erp, replay_key), 200),
        measure("sale beyond stock (a fact: recorded)", meter, lambda i: http(
            "POST", where + "/changes", {"kind": "sale", "quantity": 10**6}, erp, str(uuid.uuid4())), 201),
        measure("absolute count", meter, lambda i: http(
            "PUT", where + "/count", {"on_hand": 5000 + i, "as_of": f"2026-11-02T00:00:{i % 60:02d}.{i:03d}Z"},
            erp, str(uuid.uuid4())), 201),
    ]
    rows += holds_and_orders(base, meter, erp, SKUS)
    rows += orders_anywhere(base, meter, erp)
    rows += pricing(base, meter, SKUS)
    rows += catalog_reads(base, meter)
    rows += till_and_points(base, meter, SKUS[2])
    rows += fulfilment_options(base, meter, SKUS)
    latency = notification_latency(system, SKUS[3])
    system.stop()
    imports = import_times()
    print(f"\nStock service on the local system ({RUNS} runs per operation; capacity units per AWS on-demand rules)\n")
    print(table(rows))
    print("\nOrder placed -> store notified over the live feed (stream, bus, rule, queue, notifier)\n")
    print(table([latency]))
    print(f"\nCold start: each handler's import against the libraries it needs (CPU ms, median of {IMPORT_RUNS} "
          f"fresh interpreters each, alternating; OVER: above {COLD_LIMIT}x)\n")
    print(table(imports))
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"operations": rows, "notification": latency, "imports": imports},
                                                indent=2))


if __name__ == "__main__":
    main()
