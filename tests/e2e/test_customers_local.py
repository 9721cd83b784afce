"""A customer over HTTP on the local system: enrolled in the store (scenario C), found by the
till by card, signed in to their account, their data exported and erased."""

from __future__ import annotations

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, url
from tests.names import Names

unique = Names("customers-e2e")
pytestmark = pytest.mark.e2e
AMSTERDAM = "amsterdam-kalverstraat"


def test_enrolled_in_the_store_found_by_card_then_exported_and_erased(system: Running, tokens: dict) -> None:
    associate = issue_token("staff", unique("associate"), AMSTERDAM)
    email = f"{unique('anna')}@example.nl"
    key = unique()

    # 1. the associate makes a digital loyalty card (scenario C)
    body = {"name": "Anna de Vries", "email": email, "language": "en", "consents": {"marketing_email": True}}
    status, customer, _ = call("POST", url(system, "/customers"), body, associate, {"idempotency-key": key})
    assert status == 201, customer
    card = customer["card_number"]
    assert customer["qr_svg"].startswith("data:image/svg+xml")
    status, again, headers = call("POST", url(system, "/customers"), body, associate, {"idempotency-key": key})
    replayed = {k.lower(): v for k, v in headers.items()}.get("idempotent-replayed")
    assert (status, again["customer_id"], replayed) == (200, customer["customer_id"], "true")
    invitation = wait_for_message(system, email, "activate your account")
    assert f"/activate?card={card}" in invitation["body"]
    users = system.aws("cognito-idp").list_users(UserPoolId=system.aws("cognito-idp").list_user_pools(
        MaxResults=10)["UserPools"][0]["Id"])["Users"]
    assert any({"Name": "custom:customer_id", "Value": customer["customer_id"]} in u["Attributes"] for u in users)

    # 2. the till finds them by card and the sale joins their account
    status, found, _ = call("GET", url(system, f"/customers?card={card}"), token=tokens["erp"])
    assert (status, found["customer_id"]) == (200, customer["customer_id"])
    sku = unique("E2E-CARD")
    price_skus(system, [sku], 1995)
    set_count(system, tokens["erp"], sku, AMSTERDAM, 3)
    status, purchase, _ = call("POST", url(system, "/purchases"), {
        "location_id": AMSTERDAM, "receipt_id": unique("R"), "purchased_at": "2026-11-23T10:15:00+01:00",
        "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 1995}], "loyalty_card": card,
        "receipt_email": email}, associate)
    assert status == 201, purchase
    status, problem, headers = call("POST", url(system, "/purchases"), {
        "location_id": AMSTERDAM, "receipt_id": unique("R"), "purchased_at": "2026-11-23T10:15:00+01:00",
        "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 1995}], "loyalty_card": "2900000000000"}, associate)
    assert status == 422 and problem["errors"][0]["field"] == "loyalty_card"
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "application/problem+json"

    # 3. the customer signs in (their token names their customer id) and reads their account
    me = issue_token("customer", customer["customer_id"])
    status, mine, _ = call("GET", url(system, "/me"), token=me)
    assert (status, mine["card_number"], mine["email"]) == (200, card, email)
    status, changed, _ = call("PUT", url(system, "/me"), {"name": "Anna V.", "language": "nl"}, me)
    assert status == 200 and changed["language"] == "nl"
    status, export, _ = call("GET", url(system, "/me/export"), token=me)
    assert status == 200 and [p["purchase_id"] for p in export["purchases"]] == [purchase["purchase_id"]]
    assert export["customer"]["name"] == "Anna V." and export["purchases"][0]["receipt_email"] == email

    # 4. they erase their data: the card is gone, the purchase stays without their address
    status, _, _ = call("DELETE", url(system, "/me"), token=me)
    assert status == 204
    assert call("GET", url(system, "/me"), token=me)[0] == 404
    assert call("GET", url(system, f"/customers?card={card}"), token=tokens["erp"])[0] == 404
    status, kept, _ = call("GET", url(system, f"/purchases/{purchase['purchase_id']}"), token=tokens["admin"])
    assert status == 200 and kept["total_cents"] == 1995
    assert call("GET", url(system, "/me/export"), token=me)[0] == 404


def test_the_demo_customers_have_their_cards(system: Running, tokens: dict) -> None:
    from local.seed_customers import DEMO_CUSTOMERS, HEAD_OFFICE
    from shared.customers.model import card_number_for
    from shared.customers.service import customer_id_for

    for key, name, _, language, location_id, _ in DEMO_CUSTOMERS:
        card = card_number_for(customer_id_for(caller=HEAD_OFFICE, idempotency_key=key))
        status, found, _ = call("GET", url(system, f"/customers?card={card}"), token=tokens["erp"])
        assert status == 200 and (found["name"], found["language"], found["enrolled_at"]) == (name, language,
                                                                                           location_id)


def test_the_demo_customers_have_a_history_of_purchases_and_points(system: Running, tokens: dict) -> None:
    from local.seed_customers import HEAD_OFFICE, HISTORY
    from shared.customers.service import customer_id_for

    for key in sorted({key for key, *_ in HISTORY}):
        me = issue_token("customer", customer_id_for(caller=HEAD_OFFICE, idempotency_key=key))
        receipts = sorted(receipt for who, _, receipt, _, _ in HISTORY if who == key)
        bought = call("GET", url(system, "/purchases"), token=me)[1]["purchases"]
        assert sorted(p["reference"] for p in bought if p["reference"].startswith("DEMO-")) == receipts
        status, points, _ = call("GET", url(system, "/me/points"), token=me)
        earned = sum(p["total_cents"] // 100 for p in bought if p["reference"].startswith("DEMO-"))
        assert status == 200 and points["balance"] == earned > 0  # at the catalog's prices, one point per euro
