"""Purchases from every channel and returns in any channel, over HTTP on the local system."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, stock, url
from tests.names import Names

unique = Names("returns")
pytestmark = pytest.mark.e2e
A, B = "utrecht-oudegracht", "amsterdam-kalverstraat"


def collected_order(system: Running, tokens: dict, customer: str, email: str, sku: str, price: int) -> str:
    """A web order of one at ``price``, collected: the SKU is put in the catalog at that price."""
    price_skus(system, [sku], price)
    status, order, _ = call("POST", url(system, "/orders"), {
        "location_id": A, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": price}],
        "payment": "paid_online", "contact": {"email": email, "language": "nl"}}, customer,
        {"idempotency-key": unique()})
    assert status == 201, order
    for action in ("accept", "picking", "ready"):
        step = url(system, f"/orders/{order['order_id']}/{action}")
        assert call("POST", step, token=tokens["staff-utrecht"])[0] == 200
    ready = wait_for_message(system, email, "ligt klaar")
    code = ready["body"].split("Je ophaalcode: ")[1][:6]
    assert call("POST", url(system, f"/orders/{order['order_id']}/collect"), {"pickup_code": code},
                tokens["staff-utrecht"])[0] == 200
    return str(order["order_id"])


def test_a_web_order_collected_at_a_is_returned_at_b_and_sold_again_there(system: Running, tokens: dict) -> None:
    sku = unique("E2E-RET")
    subject = unique("cust")
    email = f"{subject}@example.nl"
    customer, staff_b = issue_token("customer", subject), issue_token("staff", "e2e-kees", B)
    set_count(system, tokens["erp"], sku, A, 1)
    order_id = collected_order(system, tokens, customer, email, sku, 7995)
    purchases = call("GET", url(system, "/purchases"), token=customer)[1]["purchases"]
    assert [(p["channel"], p["reference"]) for p in purchases] == [("click_and_collect", order_id)]
    status, ret, _ = call("POST", url(system, "/returns"), {
        "purchase_id": purchases[0]["purchase_id"], "location_id": B, "lines": [{"sku": sku, "quantity": 1}],
        "reason": "te klein"}, customer, {"idempotency-key": unique()})
    assert status == 201 and ret["refund_cents"] == 7995
    rid = ret["return_id"]
    for action, body in [("approve", None), ("receive", None), ("inspect", {"dispositions": {sku: "RESTOCK"}})]:
        status, after, _ = call("POST", url(system, f"/returns/{rid}/{action}"), body, staff_b)
        assert status == 200, after
    assert stock(system, tokens["erp"], sku, B)["available"] == 1
    assert stock(system, tokens["erp"], sku, A)["available"] == 0
    assert call("POST", url(system, f"/returns/{rid}/refunded"), {"refund_reference": "PSP-2026-0042"},
                tokens["erp"])[0] == 200
    status, closed, _ = call("POST", url(system, f"/returns/{rid}/close"), token=staff_b)
    assert closed["status"] == "CLOSED" and closed["refund_reference"] == "PSP-2026-0042"
    assert call("GET", url(system, f"/returns/{rid}"), token=tokens["customer"])[0] == 404  # someone else
    ref = rid[:8].upper()
    for subject_text in (f"retour {ref} is aangemeld", f"retour {ref} is goedgekeurd", f"retour {ref} ontvangen",
                         f"retour {ref} is gecontroleerd", f"retour {ref} is teruggestort",
                         f"retour {ref} is afgerond"):
        wait_for_message(system, email, subject_text)
    status, seen, _ = call("GET", url(system, f"/returns/{rid}"), token=customer)
    assert [h["status"] for h in seen["history"]] == ["REQUESTED", "APPROVED", "RECEIVED", "INSPECTED", "REFUNDED",
                                                      "CLOSED"]


def test_a_store_sale_with_a_loyalty_card_joins_the_web_orders_in_one_timeline(system: Running, tokens: dict) -> None:
    sku = unique("E2E-LOY")
    subject = unique("loyal")
    email = f"{subject}@example.nl"
    customer, till = issue_token("customer", subject), issue_token("staff", "till-3", B)
    set_count(system, tokens["erp"], sku, A, 1)
    set_count(system, tokens["erp"], sku, B, 4)
    order_id = collected_order(system, tokens, customer, email, sku, 2995)
    receipt = unique("R")
    collected = call("GET", url(system, "/purchases"), token=customer)[1]["purchases"][0]["purchased_at"]
    sold_at = datetime.fromisoformat(collected) + timedelta(milliseconds=1)  # after the collection, not the future
    status, sale, _ = call("POST", url(system, "/purchases"), {
        "location_id": B, "receipt_id": receipt, "lines": [{"sku": sku, "quantity": 2, "unit_price_cents": 2495,
                                                             # below the catalog's 29.95: staff approved it
                                                             "price_override": {"reason": "loyalty welcome offer",
                                                                                "approved_by": "till-3"}}],
        "purchased_at": sold_at.isoformat(), "customer_id": subject,
        "receipt_email": email}, till)
    assert status == 201 and sale["total_cents"] == 4990
    assert stock(system, tokens["erp"], sku, B)["on_hand"] == 2
    timeline = call("GET", url(system, "/purchases"), token=customer)[1]["purchases"]
    assert [(p["channel"], p["reference"]) for p in timeline] == [("store", receipt), ("click_and_collect", order_id)]
    e_receipt = wait_for_message(system, email, "kassabon")
    assert "Totaal: \u20ac 49,90" in e_receipt["body"]


def test_two_concurrent_returns_cannot_return_more_than_was_bought(system: Running, tokens: dict) -> None:
    sku = unique("E2E-OVR")
    subject = unique("twice")
    customer, till = issue_token("customer", subject), issue_token("staff", "till-4", B)
    price_skus(system, [sku], 1000)
    set_count(system, tokens["erp"], sku, B, 5)
    sale = call("POST", url(system, "/purchases"), {
        "location_id": B, "receipt_id": unique("R"), "purchased_at": "2026-11-23T09:00:00Z",
        "lines": [{"sku": sku, "quantity": 2, "unit_price_cents": 1000}], "customer_id": subject}, till)[1]

    def request(_: int) -> int:
        return call("POST", url(system, "/returns"), {"purchase_id": sale["purchase_id"], "location_id": B,
                                                       "lines": [{"sku": sku, "quantity": 2}]}, customer,
                    {"idempotency-key": unique()})[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(request, range(8)))
    assert (statuses.count(201), statuses.count(409)) == (1, 7)


def test_utrecht_staff_find_an_amsterdam_receipt_and_take_it_back_into_utrecht_stock(
        system: Running, tokens: dict) -> None:
    sku, receipt, subject = "E2E-ANYSTORE-1", "R-ANYSTORE-1", "anystore-1"
    till_b = issue_token("staff", "till-anystore", B)
    price_skus(system, [sku], 3995)
    set_count(system, tokens["erp"], sku, A, 0)
    set_count(system, tokens["erp"], sku, B, 3)
    status, sale, _ = call("POST", url(system, "/purchases"), {
        "location_id": B, "receipt_id": receipt, "purchased_at": "2026-11-20T14:00:00Z", "customer_id": subject,
        "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 3995}]}, till_b)
    assert status == 201, sale
    staff_a = tokens["staff-utrecht"]
    assert call("GET", url(system, f"/purchases/{sale['purchase_id']}"), token=staff_a)[0] == 404  # not browsable
    status, found, _ = call("GET", url(system, f"/purchases/lookup?receipt_id={receipt}&location_id={B}"),
                            token=staff_a)
    assert status == 200 and [p["purchase_id"] for p in found["purchases"]] == [sale["purchase_id"]]
    by_customer = call("GET", url(system, f"/purchases/lookup?customer_id={subject}"), token=staff_a)[1]
    assert [p["reference"] for p in by_customer["purchases"]] == [receipt]
    status, ret, _ = call("POST", url(system, "/returns"), {
        "purchase_id": sale["purchase_id"], "location_id": A, "lines": [{"sku": sku, "quantity": 1}]}, staff_a,
        {"idempotency-key": "anystore-return-1"})
    assert status == 201 and ret["location_id"] == A, ret
    for action, body in [("approve", None), ("receive", None), ("inspect", {"dispositions": {sku: "RESTOCK"}})]:
        status, after, _ = call("POST", url(system, f"/returns/{ret['return_id']}/{action}"), body, staff_a)
        assert status == 200, after
    assert stock(system, tokens["erp"], sku, A)["on_hand"] == 1
    assert stock(system, tokens["erp"], sku, B)["on_hand"] == 2
    expected = call("GET", url(system, f"/locations/{A}/returns"), token=staff_a)[1]
    assert ret["return_id"] not in {r["return_id"] for r in expected["returns"]}  # inspected: no longer on its way
