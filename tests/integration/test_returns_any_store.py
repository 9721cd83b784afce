"""Returns in any channel for staff: an associate in Utrecht finds a purchase from Amsterdam
(by receipt, order or customer), takes it back at their own store, and it is restocked there."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from functions.orders_api import handler as orders_api
from functions.purchases_api import handler as purchases_api
from functions.returns_api import handler as returns_api
from local.provision import Provisioned
from shared import wiring
from shared.stock import service as stock_service
from shared.stock.model import ChangeKind
from tests.integration.conftest import CLAIMS, http
from tests.integration.test_reservations import ERP, UTRECHT, level

pytestmark = pytest.mark.usefixtures("locations")
AMSTERDAM = "amsterdam-kalverstraat"
CLAIMS["staff-amsterdam"] = {"sub": "kees", "cognito:groups": "[staff]", "custom:location_id": AMSTERDAM}
LOOKUP = "GET /purchases/lookup"


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["AC-1", "AC-2"], 2995)


def stock(sku: str, loc: str, qty: int) -> None:
    stock_service.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                                directory=wiring.location_directory(), caller=ERP, sku=sku, location_id=loc,
                                kind=ChangeKind.RECEIPT, quantity=qty, idempotency_key=f"seed-{sku}-{loc}",
                                source="test")


def amsterdam_sale(receipt_id: str, sku: str, quantity: int) -> dict:
    status, purchase, _ = http(purchases_api, "POST /purchases", body={
        "location_id": AMSTERDAM, "receipt_id": receipt_id, "purchased_at": "2026-11-20T10:15:00+01:00",
        "lines": [{"sku": sku, "quantity": quantity, "unit_price_cents": 2995}], "customer_id": "cust-1"},
        as_="staff-amsterdam")
    assert status == 201, purchase
    return purchase


def amsterdam_web_order(sku: str) -> str:
    status, order, _ = http(orders_api, "POST /orders", body={
        "location_id": AMSTERDAM, "lines": [{"sku": sku, "quantity": 1}],  # priced by the server
        "payment": "paid_online", "contact": {"email": "anna@example.nl"}}, as_="customer",
        headers={"idempotency-key": f"order-{sku}"})
    assert status == 201, order
    for action in ("accept", "picking", "ready"):
        assert http(orders_api, f"POST /orders/{{order_id}}/{action}", {"order_id": order["order_id"]},
                    as_="staff-amsterdam")[0] == 200
    code = wiring.order_store().get(order["order_id"]).pickup_code
    assert http(orders_api, "POST /orders/{order_id}/collect", {"order_id": order["order_id"]},
                {"pickup_code": code}, as_="staff-amsterdam")[0] == 200
    return str(order["order_id"])


def lookup(query: str, as_: str = "staff-utrecht") -> tuple[int, dict]:
    status, body, _ = http(purchases_api, LOOKUP, as_=as_, query=query)
    return status, body


def test_utrecht_staff_take_back_an_amsterdam_receipt_and_restock_it_in_utrecht(aws: Provisioned) -> None:
    stock("AC-1", AMSTERDAM, 5)
    stock("AC-1", UTRECHT, 1)
    sold = amsterdam_sale("R-AC-1", "AC-1", 2)
    status, found = lookup(f"receipt_id=R-AC-1&location_id={AMSTERDAM}")
    assert status == 200 and [p["purchase_id"] for p in found["purchases"]] == [sold["purchase_id"]]
    assert found["purchases"][0]["location_id"] == AMSTERDAM
    elsewhere = {"purchase_id": sold["purchase_id"], "location_id": AMSTERDAM,
                 "lines": [{"sku": "AC-1", "quantity": 1}]}
    assert http(returns_api, "POST /returns", body=elsewhere, as_="staff-utrecht",
                headers={"idempotency-key": "ret-ac-elsewhere"})[0] == 404  # only at their own store
    status, ret, _ = http(returns_api, "POST /returns", body={**elsewhere, "location_id": UTRECHT},
                          as_="staff-utrecht", headers={"idempotency-key": "ret-ac-1"})
    assert status == 201 and ret["location_id"] == UTRECHT, ret
    rid = {"return_id": ret["return_id"]}
    for action in ("approve", "receive"):
        assert http(returns_api, f"POST /returns/{{return_id}}/{action}", rid, as_="staff-utrecht")[0] == 200
    assert http(returns_api, "POST /returns/{return_id}/inspect", rid, {"dispositions": {"AC-1": "RESTOCK"}},
                as_="staff-utrecht")[0] == 200
    assert (level("AC-1", UTRECHT).on_hand, level("AC-1", AMSTERDAM).on_hand) == (2, 3)
    assert http(returns_api, "GET /returns/{return_id}", rid, as_="staff-amsterdam")[0] == 404  # not their store
    mine = http(returns_api, "GET /returns", as_="customer")[1]
    assert [r["return_id"] for r in mine["returns"]] == [ret["return_id"]]


def test_staff_find_purchases_by_order_and_by_customer_and_only_staff_may(aws: Provisioned) -> None:
    stock("AC-2", AMSTERDAM, 5)
    sold = amsterdam_sale("R-AC-2", "AC-2", 1)
    order_id = amsterdam_web_order("AC-2")
    status, by_order = lookup(f"order_id={order_id}")
    assert status == 200 and [(p["channel"], p["reference"]) for p in by_order["purchases"]] == [
        ("click_and_collect", order_id)]
    status, first = lookup("customer_id=cust-1&limit=1")
    assert status == 200 and len(first["purchases"]) == 1 and first["next_cursor"]
    status, rest = lookup(f"customer_id=cust-1&limit=1&cursor={first['next_cursor']}", as_="admin")
    assert status == 200
    both = {p["purchase_id"] for p in first["purchases"] + rest["purchases"]}
    assert sold["purchase_id"] in both and len(both) == 2
    assert lookup(f"customer_id=cust-2&cursor={first['next_cursor']}")[0] == 400  # another customer's cursor
    assert lookup(f"receipt_id=R-NONE&location_id={AMSTERDAM}") == (200, {"purchases": [], "next_cursor": None})
    assert lookup("order_id=00000000-0000-4000-8000-000000000000")[1]["purchases"] == []
    assert lookup("receipt_id=R-AC-2")[0] == 422  # receipt ids are per store
    assert lookup("")[0] == 422
    assert lookup(f"order_id={order_id}&customer_id=cust-1")[0] == 422  # one way at a time
    assert lookup("customer_id=cust-1", as_="customer")[0] == 404
