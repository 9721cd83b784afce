"""Customer messages over HTTP on the local system: a reservation's confirmation, an English
e-receipt with English amounts and the account link, and a review request a few seconds later
(REVIEW_AFTER_SECONDS stands in for the days), each sent once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from local.auth import issue_token
from shared.adapters.dynamodb_customers import customer_to_item
from shared.customers.model import Channel, Consents, Customer, card_number_for
from tests.e2e.conftest import Running, call, local_system, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, url
from tests.names import Names

unique = Names("messages")
pytestmark = pytest.mark.e2e
A, B = "utrecht-oudegracht", "amsterdam-kalverstraat"
REVIEW_AFTER_SECONDS = 2


@pytest.fixture(scope="module")
def quick_reviews() -> Iterator[Running]:
    """Its own local system: reviews due in seconds would add mails to the other stories'."""
    with local_system({"REVIEW_AFTER_SECONDS": str(REVIEW_AFTER_SECONDS)}) as running:
        yield running


def a_customer(system: Running, customer_id: str, email: str, language: str) -> None:
    """A customer record as the customers capability writes it (its store's codec)."""
    customer = Customer(customer_id=customer_id, name="Sam", email=email, phone=None, language=language,
                        consents=Consents(), card_number=card_number_for(customer_id),
                        created_at=datetime(2026, 11, 1, tzinfo=UTC), created_by=Channel.ONLINE)
    system.aws("dynamodb").put_item(TableName="retail", Item=customer_to_item(customer))


def messages(system: Running, to: str, contains: str) -> list[dict]:
    _, found, _ = call("GET", url(system, f"/_local/messages?to={to}"))
    return [m for m in found["emails"] if contains in m["subject"]]


def test_a_customer_is_told_of_a_hold_gets_an_english_receipt_and_is_asked_for_a_review_once(
        quick_reviews: Running) -> None:
    system = quick_reviews
    erp = issue_token("integration", "e2e-erp")
    subject = unique("sam")
    email = f"{subject}@example.com"
    customer, till = issue_token("customer", subject), issue_token("staff", "till-4", B)
    a_customer(system, subject, email, "en")
    hold_sku, sold_sku = unique("E2E-MSG-HOLD"), unique("E2E-MSG-SOLD")
    price_skus(system, [hold_sku, sold_sku], 2495)
    set_count(system, erp, hold_sku, A, 3)
    set_count(system, erp, sold_sku, B, 3)

    # a reservation: confirmed once, in English, with store, lines and until when
    status, held, _ = call("POST", url(system, "/reservations"), {
        "location_id": A, "lines": [{"sku": hold_sku, "quantity": 1}]}, customer, {"idempotency-key": unique()})
    assert status == 201, held
    confirmation = wait_for_message(system, email, "Your reservation")
    assert "Utrecht Oudegracht" in confirmation["body"] and f"1 x {hold_sku}" in confirmation["body"]
    assert "It is kept for you until " in confirmation["body"]

    # a till sale with the loyalty card: the e-receipt in English to the amounts, with the account link
    status, sale, _ = call("POST", url(system, "/purchases"), {
        "location_id": B, "receipt_id": unique("R"), "purchased_at": "2026-11-23T10:15:00+01:00",
        "lines": [{"sku": sold_sku, "quantity": 2, "unit_price_cents": 2495}], "customer_id": subject,
        "receipt_email": email}, till)
    assert status == 201, sale
    receipt = wait_for_message(system, email, "Your receipt")
    assert f"({sold_sku})  \u20ac 49.90" in receipt["body"] and "Total: \u20ac 49.90" in receipt["body"]
    assert receipt["body"].endswith(f"in your account: {system.base_url}/account")

    # a few seconds on, the sweep asks for a review, with a link to the product on the webshop
    review = wait_for_message(system, email, "How do you like", seconds=40)
    assert f"{sold_sku}: {system.base_url}/p/{sold_sku}" in review["body"]
    time.sleep(REVIEW_AFTER_SECONDS + 6)  # more than a sweep later: nothing was sent twice
    assert [len(messages(system, email, s)) for s in ("Your reservation", "Your receipt", "How do you like")] == [
        1, 1, 1]
