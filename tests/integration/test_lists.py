"""Lists are never cut short: every list route pages with a signed cursor and returns everything.

Items are written straight into the table (deterministic ids, explicit times) so that a
customer can have hundreds of holds, orders, purchases and returns in one test.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.devices_api import handler as devices_api
from functions.locations_api import handler as locations_api
from functions.orders_api import handler as orders_api
from functions.purchases_api import handler as purchases_api
from functions.reservations_api import handler as reservations_api
from functions.returns_api import handler as returns_api
from infra.topology import TOPOLOGY
from local.provision import Provisioned
from local.seed import LOCATIONS
from shared import wiring
from shared.adapters.dynamodb_devices import DynamoDBDeviceStore
from shared.adapters.dynamodb_orders import order_to_item
from shared.adapters.dynamodb_purchases import purchase_to_item
from shared.adapters.dynamodb_reservations import _to_item as reservation_to_item
from shared.adapters.dynamodb_returns import return_to_item
from shared.devices.model import Device, Platform
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from shared.returns.model import HistoryEntry, Return, ReturnLine, ReturnStatus
from tests.integration.conftest import CLAIMS, http

UTRECHT = "utrecht-oudegracht"
CUSTOMER = "cust-1"  # CLAIMS["customer"]
CLAIMS["lists-other-customer"] = {"sub": "cust-lists-2", "cognito:groups": "[customer]"}
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TAMPERED = "eyJwayI6IHsiUyI6ICJQVVIjeCJ9fQ=="  # {"pk": {"S": "PUR#x"}}: a raw LastEvaluatedKey, edited


def uid(kind: int, n: int) -> str:
    return f"00000000-0000-4000-8000-{kind:04d}{n:08d}"


def write(item_list: Iterable[dict[str, Any]]) -> None:
    db = boto3.client("dynamodb")
    batch = [{"PutRequest": {"Item": it}} for it in item_list]
    for i in range(0, len(batch), 25):
        db.batch_write_item(RequestItems={TOPOLOGY.table.name: batch[i:i + 25]})


def holds(count: int, customer: str = CUSTOMER) -> list[str]:
    """Active holds created after every order below, so they come first newest-first."""
    made = [Reservation(reservation_id=uid(1, n), customer_id=customer, location_id=UTRECHT,
                        lines=(Line("LIST-1", 1),), channel=Channel.WEB, status=ReservationStatus.ACTIVE,
                        created_at=START + timedelta(days=1, seconds=n), expires_at=datetime(2099, 1, 1, tzinfo=UTC),
                        fingerprint=f"f{n}") for n in range(count)]
    write(reservation_to_item(r) for r in made)
    return [r.reservation_id for r in made]


def orders(count: int) -> list[str]:
    made = [Order(order_id=uid(2, n), customer_id=CUSTOMER, location_id=UTRECHT,
                  lines=(OrderLine("LIST-1", 1, 995),), payment=Payment.PAID_ONLINE,
                  contact=Contact("lists@example.nl"), reservation_id=uid(3, n), status=OrderStatus.PLACED,
                  placed_at=START + timedelta(seconds=n), fingerprint=f"o{n}") for n in range(count)]
    write(order_to_item(o) for o in made)
    return [o.order_id for o in made]


def purchases_and_returns(count: int) -> tuple[list[str], list[str]]:
    bought = [Purchase(purchase_id=uid(4, n), channel=PurchaseChannel.STORE, location_id=UTRECHT,
                       lines=(PurchasedLine("LIST-1", 1, 995),), purchased_at=START + timedelta(minutes=n),
                       reference=f"R-{n}", customer_id=CUSTOMER, receipt_email=None) for n in range(count)]
    returned = [Return(return_id=uid(5, n), purchase_id=p.purchase_id, customer_id=CUSTOMER, location_id=UTRECHT,
                       lines=(ReturnLine("LIST-1", 1, 995),), status=ReturnStatus.REQUESTED,
                       requested_at=p.purchased_at + timedelta(seconds=30), contact_email=None, fingerprint=f"r{n}",
                       history=(HistoryEntry(ReturnStatus.REQUESTED, p.purchased_at + timedelta(seconds=30)),))
                for n, p in enumerate(bought)]
    write([*(purchase_to_item(p, f"p{n}") for n, p in enumerate(bought)), *(return_to_item(r) for r in returned)])
    return [p.purchase_id for p in bought], [r.return_id for r in returned]


def every_page(handler: Any, route_key: str, field: str, id_field: str, as_: str, limit: int,
               params: dict[str, str] | None = None) -> list[str]:
    """Follows next_cursor to the end; each page is full but the last."""
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(100):
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, body, _ = http(handler, route_key, params=params, as_=as_, query=query)
        assert status == 200, body
        assert len(body[field]) <= limit
        seen += [x[id_field] for x in body[field]]
        cursor = body.get("next_cursor")
        if not cursor:
            return seen
        assert len(body[field]) == limit
    raise AssertionError("the cursor never ended")


def test_201_holds_and_110_orders_of_one_customer_are_all_listed_once(aws: Provisioned) -> None:
    held, placed = holds(201), orders(110)
    listed_holds = every_page(reservations_api, "GET /reservations", "reservations", "reservation_id",
                              "customer", 50)
    listed_orders = every_page(orders_api, "GET /orders", "orders", "order_id", "customer", 50)
    assert listed_holds == held[::-1]  # newest first, each exactly once
    assert listed_orders == placed[::-1]
    at_store = every_page(orders_api, "GET /locations/{location_id}/orders", "orders", "order_id", "staff-utrecht",
                          30, params={"location_id": UTRECHT})
    assert at_store == placed  # oldest first


def test_purchases_and_returns_of_one_customer_page_apart(aws: Provisioned) -> None:
    bought, returned = purchases_and_returns(60)
    assert every_page(purchases_api, "GET /purchases", "purchases", "purchase_id", "customer", 25) == bought[::-1]
    assert every_page(returns_api, "GET /returns", "returns", "return_id", "customer", 25) == returned[::-1]
    expected = every_page(returns_api, "GET /locations/{location_id}/returns", "returns", "return_id",
                          "staff-utrecht", 25, params={"location_id": UTRECHT})
    assert sorted(expected) == sorted(returned)


def test_devices_and_locations_page_too(aws: Provisioned, locations: None) -> None:
    devices = DynamoDBDeviceStore()
    for n in range(23):
        devices.put_device(Device(uid(6, n), UTRECHT, Platform.FCM, f"arn:endpoint/{n}", f"Till {n}", START))
    listed = every_page(devices_api, "GET /locations/{location_id}/devices", "devices", "device_id", "staff-utrecht",
                        10, params={"location_id": UTRECHT})
    assert listed == [uid(6, n) for n in range(23)]
    for n in range(7):
        wiring.location_store().put(LOCATIONS[0].model_copy(update={"location_id": f"lists-store-{n}"}))
    wiring.location_directory().invalidate()
    every = every_page(locations_api, "GET /locations", "locations", "location_id", "admin", 3)
    seeded = {loc.location_id for loc in LOCATIONS if loc.active}
    assert every == sorted(seeded | {f"lists-store-{n}" for n in range(7)})


def problem_type(status_body: tuple[int, Any, dict]) -> tuple[int, str]:
    status, body, headers = status_body
    assert headers["Content-Type"] == "application/problem+json"
    return status, body["type"].rsplit("/", 1)[-1]


def test_a_tampered_or_foreign_cursor_is_a_400_and_a_valid_one_works(aws: Provisioned) -> None:
    purchases_and_returns(3)
    holds(3, customer="cust-lists-2")
    assert problem_type(http(purchases_api, "GET /purchases", as_="customer", query=f"cursor={TAMPERED}")) == (
        400, "invalid-cursor")
    status, first, _ = http(purchases_api, "GET /purchases", as_="customer", query="limit=2")
    assert status == 200 and first["next_cursor"]
    cursor = first["next_cursor"]
    edited = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert problem_type(http(purchases_api, "GET /purchases", as_="customer", query=f"cursor={edited}")) == (
        400, "invalid-cursor")
    # another customer's cursor, and another list's cursor, are not this list's
    _, theirs, _ = http(reservations_api, "GET /reservations", as_="lists-other-customer", query="limit=1")
    assert problem_type(http(reservations_api, "GET /reservations", as_="customer",
                             query=f"cursor={theirs['next_cursor']}")) == (400, "invalid-cursor")
    assert problem_type(http(returns_api, "GET /returns", as_="customer", query=f"cursor={cursor}")) == (
        400, "invalid-cursor")
    status, rest, _ = http(purchases_api, "GET /purchases", as_="customer", query=f"limit=2&cursor={cursor}")
    assert status == 200 and [p["purchase_id"] for p in rest["purchases"]] == [uid(4, 0)]
    assert http(purchases_api, "GET /purchases", as_="customer", query="limit=101")[0] == 422


@pytest.mark.parametrize("junk", ["%%%", "abc.def", "x" * 3000, "e30.", "."])
def test_garbled_cursors_are_refused_without_a_query(aws: Provisioned, junk: str) -> None:
    status, _, _ = http(orders_api, "GET /orders", as_="customer", query=f"cursor={junk}")
    assert status in (400, 422)
