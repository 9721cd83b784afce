"""Orders from any location to any destination through the HTTP handlers on DynamoDB (moto): an
associate's home delivery from another store's stock in a slot, paid at the till, shipped,
delivered by the carrier, a purchase with points and a return; ship-to-store with units
conserved; a rejected line re-routed; bad input refused with nothing held or booked.

The use cases' clock is fixed to a Monday far ahead (``NOW``); the fulfilment API reads slots of
that week, all open whenever this runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.customers_api import handler as customers_api
from functions.fulfilment_api import handler as fulfilment_api
from functions.loyalty_api import handler as loyalty_api
from functions.orders_api import handler as api
from functions.purchases_api import handler as purchases_api
from functions.returns_api import handler as returns_api
from infra.topology import TOPOLOGY
from local.provision import Provisioned
from local.seed import LOCATIONS
from shared import wiring
from shared.http.problems import PROBLEM_TYPE_BASE
from shared.orders import fulfilling, placing, rerouting, service
from shared.slots import service as slots
from shared.slots.model import SlotOwner
from shared.stock.model import StockLevel
from tests.integration.conftest import CLAIMS, http
from tests.integration.test_reservations import stock
from tests.names import Names

unique = Names("anywhere")
pytestmark = pytest.mark.usefixtures("locations")
AMSTERDAM, UTRECHT, TILBURG = "amsterdam-kalverstraat", "utrecht-oudegracht", "dc-tilburg"
NOW = datetime(2099, 1, 5, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in the Netherlands
PRICE = 2495
HOME = {"name": "Chris de Klant", "street": "Damrak", "house_number": "1", "postal_code": "1012 LG",
        "city": "Amsterdam"}
CONTACT = {"email": "chris@example.nl", "language": "en"}
CLAIMS["staff-amsterdam"] = {"sub": "kees", "cognito:groups": "[staff]", "custom:location_id": AMSTERDAM}
CLAIMS["staff-rotterdam"] = {"sub": "bob", "cognito:groups": "[staff]", "custom:location_id": "rotterdam-lijnbaan"}
CLAIMS["staff-tilburg"] = {"sub": "tom", "cognito:groups": "[staff]", "custom:location_id": TILBURG}
STAFF_OF = {AMSTERDAM: "staff-amsterdam", UTRECHT: "staff-utrecht", TILBURG: "staff-tilburg"}


@pytest.fixture(autouse=True)
def _fixed_clock_and_catalog(aws: Provisioned, priced: Callable[..., None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER_POOL_ID", aws.user_pool_id)  # enrolment invites the customer to an account
    wiring.reset()
    priced(["AW-1", "AW-2", "AW-3", "AW-4"], PRICE)
    for module in (service, fulfilling, rerouting, placing):
        monkeypatch.setattr(module, "_now", lambda: NOW)


def level(sku: str, location_id: str) -> StockLevel:
    return wiring.stock_store().get(sku, location_id) or StockLevel(sku=sku, location_id=location_id)


def units(sku: str) -> int:
    """What conservation counts: on hand and in transit, at every location."""
    return sum(level(sku, loc.location_id).on_hand + level(sku, loc.location_id).in_transit for loc in LOCATIONS)


def enrolled_customer() -> str:
    status, customer, _ = http(customers_api, "POST /customers", body={
        "location_id": AMSTERDAM, "name": "Chris de Klant", "email": CONTACT["email"], "language": "en"},
        as_="staff-amsterdam", headers={"idempotency-key": unique()})
    assert status == 201, customer
    customer_id = str(customer["customer_id"])
    CLAIMS[f"user-of-{customer_id}"] = {"sub": "chris-sub", "cognito:groups": "[customer]",
                                        "custom:customer_id": customer_id}
    return customer_id


def place(body: dict[str, Any], as_: str = "staff-amsterdam") -> tuple[int, Any, dict]:
    return http(api, "POST /orders", body=body, as_=as_, headers={"idempotency-key": unique()})


def delivery(customer_id: str | None, slot_id: str | None, sku: str, **extra: Any) -> dict[str, Any]:
    body = {"destination": {"type": "delivery", "address": HOME}, "slot_id": slot_id,
            "lines": [{"sku": sku, "quantity": 1}], "payment": "pay_in_store", "channel": "store", "contact": CONTACT}
    if customer_id:
        body["customer_id"] = customer_id
    return {**body, **extra}


def fulfilment_step(order_id: str, fulfilment_id: str, action: str, as_: str) -> tuple[int, Any, dict]:
    return http(api, f"POST /orders/{{order_id}}/fulfilments/{{fulfilment_id}}/{action}",
                {"order_id": order_id, "fulfilment_id": fulfilment_id}, as_=as_)


def carrier_reports(tracking_number: str, status: str) -> tuple[int, Any, dict]:
    return http(api, "POST /carriers/{carrier_id}/events", {"carrier_id": "sandbox"}, body={
        "event_id": unique("parcel"), "tracking_number": tracking_number, "status": status,
        "occurred_at": "2099-01-07T14:00:00+00:00"}, as_="erp")


def work_at(location_id: str) -> list[tuple[str, str, str]]:
    status, work, _ = http(api, "GET /locations/{location_id}/fulfilments", {"location_id": location_id},
                           as_=STAFF_OF[location_id])
    assert status == 200, work
    return [(t["order"]["order_id"], t["fulfilment"]["fulfilment_id"], t["step"]) for t in work["tasks"]]


def first_open_slot(postal_code: str, day: str) -> str:
    status, found, _ = http(fulfilment_api, "GET /slots", query=f"postal_code={postal_code}&first_day={day}")
    assert status == 200, found
    return str(found["slots"][0]["slot_id"])


def orders_stored() -> int:
    items = boto3.client("dynamodb").scan(TableName=TOPOLOGY.table.name)["Items"]
    return sum(it["pk"]["S"].startswith("ORD#") and it["sk"]["S"] == "#" for it in items)


def test_an_associate_orders_another_stores_stock_home_paid_at_the_till_and_the_carrier_delivers() -> None:
    # given an enrolled customer in Amsterdam; their size is only in Utrecht
    customer_id = enrolled_customer()
    stock("AW-1", UTRECHT, 3)
    slot_id = first_open_slot("1012LG", "2099-01-07")  # a store's parcel arrives two days after today
    assert slot_id == "delivery.amsterdam.20990107.0900"
    # when the associate orders it home in that slot, to be paid at the till
    status, order, headers = place(delivery(customer_id, slot_id, "AW-1"))
    assert status == 201, order
    order_id = order["order_id"]
    (f,) = order["fulfilments"]
    assert (f["source_id"], f["kind"], f["status"]) == (UTRECHT, "delivery", "WAITING")
    assert order["slot"]["slot_id"] == slot_id and order["amount_due_cents"] == PRICE + 495
    assert (level("AW-1", UTRECHT).reserved, wiring.slot_store().booked([slot_id])) == (1, {slot_id: 1})
    # then Utrecht has nothing to do before the till took the payment
    assert work_at(UTRECHT) == []
    assert fulfilment_step(order_id, "f1", "ship", "staff-utrecht")[0] == 409
    status, problem, headers = http(api, "POST /orders/{order_id}/payment", {"order_id": order_id},
                                    {"amount_cents": 1, "reference": "till-7/0042"}, as_="staff-amsterdam")
    assert (status, headers["Content-Type"], problem["amount_due_cents"]) == (422, "application/problem+json",
                                                                             PRICE + 495)
    assert work_at(UTRECHT) == []
    status, paid, _ = http(api, "POST /orders/{order_id}/payment", {"order_id": order_id},
                           {"amount_cents": PRICE + 495, "reference": "till-7/0042"}, as_="staff-amsterdam")
    assert status == 200 and paid["paid_at"], paid
    assert wiring.order_store().get(order_id).payment_reference == "till-7/0042"  # type: ignore[union-attr]
    # and Utrecht's work list shows the parcel; only Utrecht may ship it
    assert work_at(UTRECHT) == [(order_id, "f1", "ship")]
    assert http(api, "GET /locations/{location_id}/fulfilments", {"location_id": UTRECHT},
                as_="staff-amsterdam")[0] == 404  # another store's work list
    assert fulfilment_step(order_id, "f1", "ship", "staff-rotterdam")[0] == 404
    assert fulfilment_step(order_id, "f1", "ship", "staff-amsterdam")[0] == 404
    status, shipped, _ = fulfilment_step(order_id, "f1", "ship", "staff-utrecht")
    assert status == 200 and shipped["status"] == "SHIPPED", shipped
    tracking = shipped["fulfilments"][0]["tracking_number"]
    assert tracking and shipped["fulfilments"][0]["carrier"] == "sandbox"
    assert (level("AW-1", UTRECHT).on_hand, level("AW-1", UTRECHT).reserved) == (2, 0)
    assert work_at(UTRECHT) == []
    assert fulfilment_step(order_id, "f1", "ship", "staff-utrecht")[1] == shipped  # again: no change
    # when the carrier reports the parcel on its way, then delivered (a repeat is ignored)
    assert carrier_reports(tracking, "in_transit")[1] == {"status": "applied"}
    assert carrier_reports(tracking, "delivered")[1] == {"status": "applied"}
    assert carrier_reports(tracking, "delivered")[1] == {"status": "ignored"}
    assert carrier_reports("SBX000000000000", "delivered")[1] == {"status": "ignored"}
    # then the order is delivered and a home-delivery purchase with points is in the customer's account
    me = f"user-of-{customer_id}"
    assert http(api, "GET /orders/{order_id}", {"order_id": order_id}, as_=me)[1]["status"] == "DELIVERED"
    status, timeline, _ = http(purchases_api, "GET /purchases", as_=me)
    assert status == 200 and [(p["channel"], p["reference"]) for p in timeline["purchases"]] == [
        ("home_delivery", order_id)]
    purchase = timeline["purchases"][0]
    status, points, _ = http(loyalty_api, "GET /me/points", as_=me)
    assert status == 200 and points["balance"] == purchase["total_cents"] // 100 > 0, points
    assert (level("AW-1", UTRECHT).on_hand, level("AW-1", UTRECHT).reserved) == (2, 0)  # delivered: no change
    # and the customer returns it in the Amsterdam store
    status, ret, _ = http(returns_api, "POST /returns", body={
        "purchase_id": purchase["purchase_id"], "location_id": AMSTERDAM, "lines": [{"sku": "AW-1", "quantity": 1}],
        "contact_email": CONTACT["email"], "language": "en"}, as_=me, headers={"idempotency-key": unique()})
    assert status == 201 and ret["refund_cents"] == PRICE, ret
    rid = {"return_id": ret["return_id"]}
    for action in ("approve", "receive"):
        assert http(returns_api, f"POST /returns/{{return_id}}/{action}", rid, as_="staff-amsterdam")[0] == 200
    status, inspected, _ = http(returns_api, "POST /returns/{return_id}/inspect", rid,
                                {"dispositions": {"AW-1": "RESTOCK"}}, as_="staff-amsterdam")
    assert status == 200 and inspected["status"] == "INSPECTED"
    assert level("AW-1", AMSTERDAM).on_hand == 1


def test_ship_to_store_conserves_units_at_every_step_over_http() -> None:
    # given the units in Utrecht; the customer collects in Amsterdam
    stock("AW-2", UTRECHT, 2)
    before = units("AW-2")
    status, order, _ = place({"destination": {"type": "pickup", "location_id": AMSTERDAM},
                              "lines": [{"sku": "AW-2", "quantity": 2}], "payment": "paid_online",
                              "contact": CONTACT}, as_="customer")
    assert status == 201, order
    order_id = order["order_id"]
    (f,) = order["fulfilments"]
    assert (f["kind"], f["status"], f["destination_location_id"]) == ("transfer", "REQUESTED", AMSTERDAM)
    assert level("AW-2", UTRECHT).reserved == 2 and units("AW-2") == before
    assert work_at(UTRECHT) == [(order_id, "f1", "ship")] and work_at(AMSTERDAM) == []
    # when Utrecht ships: in transit, counted at the source
    assert fulfilment_step(order_id, "f1", "receive", "staff-amsterdam")[0] == 409  # not shipped yet
    assert fulfilment_step(order_id, "f1", "ship", "staff-utrecht")[0] == 200
    here = level("AW-2", UTRECHT)
    assert (here.on_hand, here.reserved, here.in_transit) == (0, 0, 2) and units("AW-2") == before
    assert work_at(UTRECHT) == [] and work_at(AMSTERDAM) == [(order_id, "f1", "receive")]
    # when Amsterdam receives it (Utrecht may not): on hand and held there, ready for pickup
    assert fulfilment_step(order_id, "f1", "receive", "staff-utrecht")[0] == 404
    status, received, _ = fulfilment_step(order_id, "f1", "receive", "staff-amsterdam")
    assert status == 200 and received["status"] == "READY_FOR_PICKUP", received
    assert fulfilment_step(order_id, "f1", "receive", "staff-amsterdam")[0] == 200  # again: no change
    there = level("AW-2", AMSTERDAM)
    assert (level("AW-2", UTRECHT).in_transit, there.on_hand, there.reserved) == (0, 2, 2)
    assert units("AW-2") == before and work_at(AMSTERDAM) == []
    # then the customer collects: the units leave the network
    code = wiring.order_store().get(order_id).pickup_code  # type: ignore[union-attr]
    status, collected, _ = http(api, "POST /orders/{order_id}/collect", {"order_id": order_id},
                                {"pickup_code": code}, as_="staff-amsterdam")
    assert status == 200 and collected["status"] == "COLLECTED", collected
    assert units("AW-2") == before - 2 and level("AW-2", AMSTERDAM).reserved == 0


def test_a_rejected_line_is_rerouted_to_the_other_source() -> None:
    # given one unit in Utrecht and one in Tilburg's warehouse, delivered home paid online
    stock("AW-3", UTRECHT, 1)
    stock("AW-3", TILBURG, 1)
    status, order, _ = place(delivery(None, "delivery.amsterdam.20990109.0900", "AW-3", payment="paid_online",
                                      channel="web"), as_="customer")
    assert status == 201, order
    order_id, first = order["order_id"], order["fulfilments"][0]["source_id"]
    other = TILBURG if first == UTRECHT else UTRECHT
    assert work_at(first) == [(order_id, "f1", "ship")]
    # when the source cannot find it (another store may not say so)
    path = "POST /orders/{order_id}/fulfilments/{fulfilment_id}/lines/{sku}/reject"
    params = {"order_id": order_id, "fulfilment_id": "f1", "sku": "AW-3"}
    assert http(api, path, params, {"reason": "not_found"}, as_="staff-rotterdam")[0] == 404
    status, after, _ = http(api, path, params, {"reason": "not_found"}, as_=STAFF_OF[first])
    # then the line goes to the other location, the hold with it
    assert status == 200, after
    assert [(f["fulfilment_id"], f["source_id"], f["status"]) for f in after["fulfilments"]] == [
        ("f1", first, "REJECTED"), ("f2", other, "REQUESTED")]
    assert (level("AW-3", first).reserved, level("AW-3", other).reserved) == (0, 1)
    assert work_at(first) == [] and work_at(other) == [(order_id, "f2", "ship")]
    assert fulfilment_step(order_id, "f1", "ship", STAFF_OF[first])[0] == 409  # nothing left to ship there
    assert after["slot"]["slot_id"] == "delivery.amsterdam.20990109.0900" and after["status"] == "PLACED"


BAD = "delivery.amsterdam.20990108.0900"  # filled to capacity below
SLOTS_SEEN = (BAD, "delivery.amsterdam.20990107.0900", "delivery.amsterdam.20990106.1800",
              "delivery.amsterdam.20990102.0900")


def test_bad_orders_are_problems_and_hold_or_book_nothing() -> None:
    # given stock in Utrecht, an enrolled customer, and one slot taken by 20 other orders
    customer_id = enrolled_customer()
    stock("AW-4", UTRECHT, 5)
    for n in range(20):
        slots.book(transactions=wiring.transactions(), calendar=wiring.slot_calendar(), slots=wiring.slot_store(),
                   order_id=f"other-{n}", slot_id=BAD, destination=SlotOwner.delivery("amsterdam"), at=NOW)
    good = "delivery.amsterdam.20990107.0900"
    cases: list[tuple[dict[str, Any], int, str]] = [
        (delivery(customer_id, BAD, "AW-4"), 409, "slot-full"),
        (delivery(customer_id, "delivery.amsterdam.20990102.0900", "AW-4"), 409, "slot-closed"),  # Saturday before
        (delivery(customer_id, "delivery.amsterdam.20990106.1800", "AW-4"), 409, "conflict"),  # before Utrecht can
        (delivery(customer_id, good, "AW-4", destination={"type": "delivery", "address": {
            **HOME, "postal_code": "9999 ZZ"}}), 422, "invalid-request"),  # outside every zone
        (delivery(customer_id, None, "AW-4", destination={"type": "pickup", "location_id": TILBURG}),
         422, "invalid-request"),  # a warehouse hands nothing out
        (delivery(customer_id, good, "AW-4", lines=[]), 422, "validation-failed"),
        (delivery(customer_id, good, "AW-4", payment="pay_at_pickup"), 422, "invalid-request"),
        (delivery(customer_id, None, "AW-4"), 422, "invalid-request"),  # no slot
        (delivery("not-enrolled", good, "AW-4"), 422, "invalid-request"),
    ]
    for body, expected, slug in cases:
        status, problem, headers = place(body)
        assert (status, headers["Content-Type"]) == (expected, "application/problem+json"), (body, problem)
        if slug != "validation-failed":
            assert problem["type"] == PROBLEM_TYPE_BASE + slug, problem
        assert "9999" not in str(problem) and "Damrak" not in str(problem)
    status, problem, _ = place(delivery(None, good, "AW-4"), as_="customer")  # paying in a store is for associates
    assert (status, problem["type"]) == (422, PROBLEM_TYPE_BASE + "invalid-request"), problem
    status, problem, _ = place(delivery(customer_id, "delivery.amsterdam.20990106.1800", "AW-4"))
    assert (status, problem["earliest_date"]) == (409, "2099-01-07"), problem  # says which day it can be there
    # then nothing is held, no order stored, no place taken
    assert (level("AW-4", UTRECHT).reserved, level("AW-4", UTRECHT).on_hand) == (0, 5)
    assert orders_stored() == 0
    assert wiring.slot_store().booked(list(SLOTS_SEEN)) == dict.fromkeys(SLOTS_SEEN, 0) | {BAD: 20}


def test_a_retry_is_the_same_order_and_cancelling_gives_back_the_hold_and_the_place() -> None:
    # given an associate's home delivery from Utrecht
    customer_id = enrolled_customer()
    stock("AW-4", UTRECHT, 1)
    slot_id, key = "delivery.amsterdam.20990107.1300", unique()
    body = delivery(customer_id, slot_id, "AW-4")
    status, order, _ = http(api, "POST /orders", body=body, as_="staff-amsterdam", headers={"idempotency-key": key})
    assert status == 201, order
    # when it is sent again with the same key: the same order, nothing more held or booked
    again = http(api, "POST /orders", body=body, as_="staff-amsterdam", headers={"idempotency-key": key})
    assert (again[0], again[1]["order_id"]) == (200, order["order_id"])
    other = http(api, "POST /orders", body={**body, "slot_id": "delivery.amsterdam.20990107.1800"},
                 as_="staff-amsterdam", headers={"idempotency-key": key})
    assert other[0] == 422 and other[1]["type"] == PROBLEM_TYPE_BASE + "idempotency-key-reused"
    assert (level("AW-4", UTRECHT).reserved, wiring.slot_store().booked([slot_id])) == (1, {slot_id: 1})
    # when the associate cancels it: the unit and the place are free again
    status, cancelled, _ = http(api, "POST /orders/{order_id}/cancel", {"order_id": order["order_id"]},
                                as_="staff-amsterdam")
    assert status == 200 and cancelled["status"] == "CANCELLED", cancelled
    assert cancelled["fulfilments"][0]["status"] == "CANCELLED"
    assert (level("AW-4", UTRECHT).reserved, wiring.slot_store().booked([slot_id])) == (0, {slot_id: 0})
    status, problem, _ = fulfilment_step(order["order_id"], "f1", "ship", "staff-utrecht")
    assert status == 409 and problem["current_status"] == "CANCELLED", problem  # not "shipped": nothing left


def test_dates_out_of_any_range_are_problems_not_errors() -> None:
    # a slot centuries ahead cannot be booked (booking opens 90 days ahead)
    stock("AW-1", UTRECHT, 1)
    status, problem, _ = place(delivery(enrolled_customer(), "delivery.amsterdam.99991230.0900", "AW-1"))
    assert status == 422 and problem["errors"][0]["field"] == "slot_id", problem
    assert level("AW-1", UTRECHT).reserved == 0
    # a carrier's report from the year 1 is no moment a parcel moved
    status, problem, _ = http(api, "POST /carriers/{carrier_id}/events", {"carrier_id": "sandbox"}, body={
        "event_id": "e-1", "tracking_number": "SBX0", "status": "delivered",
        "occurred_at": "0001-01-01T00:00:00+01:00"}, as_="erp")
    assert status == 422, problem


def test_the_sweep_ends_an_order_not_paid_at_the_till_in_time() -> None:
    stock("AW-2", UTRECHT, 1)
    slot_id = "delivery.amsterdam.20990108.0900"
    status, order, _ = place(delivery(enrolled_customer(), slot_id, "AW-2"))
    assert status == 201, order
    stores = {**wiring.holds(), "orders": wiring.order_store(), "slots": wiring.slot_store()}
    assert service.sweep(**stores, now=NOW + timedelta(hours=23))["unpaid_cancelled"] == 0  # type: ignore[arg-type]
    assert service.sweep(**stores, now=NOW + timedelta(hours=24))["unpaid_cancelled"] == 1  # type: ignore[arg-type]
    status, ended, _ = http(api, "GET /orders/{order_id}", {"order_id": order["order_id"]}, as_="staff-amsterdam")
    assert ended["status"] == "CANCELLED"
    assert (level("AW-2", UTRECHT).reserved, wiring.slot_store().booked([slot_id])) == (0, {slot_id: 0})
