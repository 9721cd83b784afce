"""Customer D, end to end over HTTP on the local system.

D buys a rain jacket in a store and shows their loyalty card at the till. At home they find the
e-receipt with a link to their online account, where they see the store purchase beside the
shoes they ordered online, the points both earned, and promotions for products like the ones
they bought. Then D takes the jacket back: the refund is what was paid, and its points go too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, url
from tests.names import Names

unique = Names("story-d")
pytestmark = pytest.mark.e2e
AMSTERDAM, UTRECHT = "amsterdam-kalverstraat", "utrecht-oudegracht"
JACKET, SHOES, SCARF = "JKT-RAIN-NAVY-M", "SNK-RUN-WHITE-42", "SCF-KNIT-RED-OS"


def price_of(system: Running, product_id: str, sku: str) -> int:
    """What the webshop shows now: the till and the order are charged the same."""
    status, page, _ = call("GET", url(system, f"/products/{product_id}?lang=en"))
    assert status == 200, page
    return int(next(v["price_cents"] for v in page["variants"] if v["sku"] == sku))


def web_order_collected(system: Running, tokens: dict, me: str, email: str) -> str:
    status, order, _ = call("POST", url(system, "/orders"), {
        "location_id": UTRECHT, "lines": [{"sku": SHOES, "quantity": 1}], "payment": "paid_online",
        "contact": {"email": email, "language": "en"}}, me, {"idempotency-key": unique()})
    assert status == 201, order
    for action in ("accept", "picking", "ready"):
        assert call("POST", url(system, f"/orders/{order['order_id']}/{action}"), token=tokens["staff-utrecht"])[0] \
            == 200
    code = wait_for_message(system, email, "is ready for pickup")["body"].split("Your pickup code: ")[1][:6]
    status, collected, _ = call("POST", url(system, f"/orders/{order['order_id']}/collect"), {"pickup_code": code},
                                tokens["staff-utrecht"])
    assert status == 200, collected
    return str(order["order_id"])


def points(system: Running, me: str) -> dict:
    status, account, _ = call("GET", url(system, "/me/points"), token=me)
    assert status == 200, account
    return account


def test_customer_d_finds_the_store_purchase_points_and_promotions_in_their_account(system: Running,
                                                                                      tokens: dict) -> None:
    for sku, location, units in ((JACKET, AMSTERDAM, 3), (SHOES, UTRECHT, 2), (SCARF, AMSTERDAM, 4)):
        set_count(system, tokens["erp"], sku, location, units)
    associate = issue_token("staff", "associate-d", AMSTERDAM)
    email = f"{unique('d')}@example.nl"

    # D has a loyalty card (made in the store) and an online account under the same customer id
    status, customer, _ = call("POST", url(system, "/customers"), {
        "location_id": AMSTERDAM, "name": "Daan Dijkstra", "email": email, "language": "en",
        "consents": {"marketing_email": True}}, associate, {"idempotency-key": unique()})
    assert status == 201, customer
    me = issue_token("customer", customer["customer_id"])
    shoes_order = web_order_collected(system, tokens, me, email)

    # 1. at the till, after the shoes were collected: the jacket, with the loyalty card, at the catalog price
    jacket_price = price_of(system, "JKT-RAIN-NAVY", JACKET)
    collected_at = call("GET", url(system, "/purchases"), token=me)[1]["purchases"][0]["purchased_at"]
    sold_at = datetime.fromisoformat(collected_at) + timedelta(milliseconds=1)  # later, and not in the future
    receipt = unique("R")
    status, sale, _ = call("POST", url(system, "/purchases"), {
        "location_id": AMSTERDAM, "receipt_id": receipt, "loyalty_card": customer["card_number"],
        "purchased_at": sold_at.isoformat(), "receipt_email": email,
        "lines": [{"sku": JACKET, "quantity": 1, "unit_price_cents": jacket_price}]}, associate)
    assert status == 201, sale
    assert sale["total_cents"] == jacket_price

    # 2. at home: the e-receipt, in English, with the link to the account
    e_receipt = wait_for_message(system, email, "Your receipt from")
    assert "/account" in e_receipt["body"] and f"Total: \u20ac {jacket_price / 100:.2f}" in e_receipt["body"]

    # 3. the account: the store purchase beside the web order, newest first
    status, timeline, _ = call("GET", url(system, "/purchases"), token=me)
    assert status == 200
    assert [(p["channel"], p["reference"]) for p in timeline["purchases"]] == [
        ("store", receipt), ("click_and_collect", shoes_order)]
    shoes_paid = timeline["purchases"][1]["total_cents"]
    assert call("GET", url(system, "/me"), token=me)[1]["card_number"] == customer["card_number"]

    # 4. the points both purchases earned (one per whole euro), with their history
    account = points(system, me)
    earned = jacket_price // 100 + shoes_paid // 100
    assert account["balance"] == earned
    assert sorted(e["points"] for e in account["history"]) == sorted([jacket_price // 100, shoes_paid // 100])

    # 5. promotions for products like the ones bought: the scarf goes with the jacket and is 20% off
    status, found, _ = call("GET", url(system, "/me/recommendations?lang=en"), token=me)
    assert status == 200, found
    first = found["recommendations"][0]
    assert (first["product_id"], first["because_of"]) == ("SCF-KNIT-RED", "JKT-RAIN-NAVY")
    assert first["promotion"]["promotion_id"] == "winter-scarves" and first["price_cents"] < first["list_price_cents"]
    assert not {"JKT-RAIN-NAVY", "SNK-RUN-WHITE"} & {r["product_id"] for r in found["recommendations"]}

    # 6. D brings the jacket back: refunded what was paid, and its points are taken back
    status, ret, _ = call("POST", url(system, "/returns"), {
        "purchase_id": sale["purchase_id"], "location_id": AMSTERDAM, "lines": [{"sku": JACKET, "quantity": 1}],
        "reason": "past niet"}, me, {"idempotency-key": unique()})
    assert status == 201 and ret["refund_cents"] == jacket_price, ret
    for action, body in (("approve", None), ("receive", None), ("inspect", {"dispositions": {JACKET: "RESTOCK"}})):
        assert call("POST", url(system, f"/returns/{ret['return_id']}/{action}"), body, associate)[0] == 200
    assert call("POST", url(system, f"/returns/{ret['return_id']}/refunded"), {"refund_reference": unique("PSP")},
                tokens["erp"])[0] == 200
    assert points(system, me)["balance"] == earned - jacket_price // 100
