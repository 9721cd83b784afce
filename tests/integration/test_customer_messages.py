"""Customer messages end to end on moto: the e-receipt's language and account link, a reservation's
confirmation, and a review request scheduled, swept and sent once (stream -> bus -> queue -> notifier)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from functions.purchases_api import handler as purchases_api
from functions.reservation_sweeper import handler as sweeper
from local.lambdas import FakeContext
from local.outbox import captured
from local.provision import Provisioned
from shared import wiring
from shared.customers.model import Channel, Consents, Customer, card_number_for
from shared.notifications.model import ReviewSource
from shared.settings import settings
from tests.integration.conftest import http
from tests.integration.test_orders import deliver_messages, place
from tests.integration.test_purchases_returns import AMSTERDAM, collected_web_order
from tests.integration.test_reservations import UTRECHT, reserve, stock

pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="reservation-sweeper", aws_request_id="r")
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["M-1"], 1995)
    priced(["M-2"], 250)
    priced(["M-3", "M-4"], 2495)


SIGNED_UP = datetime(2026, 11, 1, tzinfo=UTC)


def a_customer(customer_id: str, email: str, language: str, erased: bool = False) -> None:
    """A customer record as the customers capability writes it (through its store)."""
    customer = Customer(customer_id=customer_id, name="Sam", email=email, phone=None, language=language,
                        consents=Consents(), card_number=card_number_for(customer_id), created_at=SIGNED_UP,
                        created_by=Channel.ONLINE)
    tx = wiring.transactions().begin()
    wiring.customer_store().add_registered(tx, customer=customer.erased_now() if erased else customer)
    tx.commit()


def sale(receipt_id: str, **extra: object) -> dict:
    status, body, _ = http(purchases_api, "POST /purchases", as_="pos-amsterdam", body={
        "location_id": AMSTERDAM, "receipt_id": receipt_id, "purchased_at": "2026-11-23T10:15:00+01:00",
        "lines": [{"sku": "M-1", "quantity": 2, "unit_price_cents": 1995},
                  {"sku": "M-2", "quantity": 1, "unit_price_cents": 250}], **extra})
    assert status == 201, body
    return body


def test_an_e_receipt_is_written_in_the_customers_language_to_the_amounts_with_the_account_link(
        aws: Provisioned) -> None:
    # given
    stock("M-1", AMSTERDAM, 9)
    stock("M-2", AMSTERDAM, 9)
    a_customer("cust-en", "sam@example.com", "en")
    # when
    sale("M-0001", customer_id="cust-en", receipt_email="sam.receipts@example.com")
    sale("M-0002", receipt_email="guest@example.com", receipt_language="en")
    sale("M-0003", receipt_email="gast@example.nl")
    deliver_messages(aws)
    # then
    [english] = captured("sam.receipts@example.com")["emails"]
    assert english["subject"] == "Your receipt from Amsterdam Kalverstraat"
    assert "2 x Item M-1 (M-1)  \u20ac 39.90\n1 x Item M-2 (M-2)  \u20ac 2.50" in english["body"]  # catalog names
    assert "Total: \u20ac 42.40" in english["body"]
    assert english["body"].endswith("in your account: https://shop.example.nl/account")
    [guest] = captured("guest@example.com")["emails"]
    assert "Total: \u20ac 42.40" in guest["body"] and "No account yet? Create one" in guest["body"]
    [dutch] = captured("gast@example.nl")["emails"]
    assert "Totaal: \u20ac 42,40" in dutch["body"] and "Nog geen account?" in dutch["body"]


def test_a_till_sends_only_nl_or_en_as_the_receipts_language(aws: Provisioned) -> None:
    # when
    status, problem, _ = http(purchases_api, "POST /purchases", as_="pos-amsterdam", body={
        "location_id": AMSTERDAM, "receipt_id": "M-0009", "purchased_at": "2026-11-23T10:15:00+01:00",
        "lines": [{"sku": "M-1", "quantity": 1, "unit_price_cents": 1995}], "receipt_language": "de"})
    # then
    assert status == 422 and problem["type"].endswith("/validation-failed")


def test_a_reservation_is_confirmed_once_to_a_customer_with_a_contact_and_an_orders_hold_is_not(
        aws: Provisioned) -> None:
    # given
    stock("M-3", UTRECHT, 5)
    a_customer("cust-1", "anna@example.nl", "nl")  # the "customer" token's subject
    # when
    status, held, _ = reserve([{"sku": "M-3", "quantity": 2}])
    assert status == 201
    assert place([{"sku": "M-3", "quantity": 1}])[0] == 201  # its hold is the order's: the order tells
    deliver_messages(aws)  # delivers each batch twice: the redelivery sends nothing
    deliver_messages(aws)
    # then
    mails = [m for m in captured("anna@example.nl")["emails"] if "reservering" in m["subject"]]
    assert [m["subject"] for m in mails] == [f"Je reservering {held['reservation_id'][:8].upper()} bij "
                                             "Utrecht Oudegracht"]
    assert "2 x M-3" in mails[0]["body"] and "Het ligt voor je klaar tot " in mails[0]["body"]


@pytest.mark.parametrize("record", ["none", "erased"])
def test_a_reservation_of_a_customer_without_contact_sends_nothing(record: str, aws: Provisioned) -> None:
    # given
    stock("M-4", UTRECHT, 5)
    if record == "erased":
        a_customer("cust-1", "anna@example.nl", "nl", erased=True)
    # when
    assert reserve([{"sku": "M-4", "quantity": 1}])[0] == 201
    deliver_messages(aws)
    # then
    assert captured()["emails"] == []


def test_a_review_is_scheduled_once_swept_when_due_and_sent_once(aws: Provisioned,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # given: reviews are due at once
    monkeypatch.setenv("REVIEW_AFTER_SECONDS", "0")
    settings.cache_clear()
    stock("M-1", AMSTERDAM, 9)
    stock("M-2", AMSTERDAM, 9)
    stock("M-5", UTRECHT, 3)
    a_customer("cust-nl", "joost@example.nl", "nl")
    purchase = sale("M-0010", customer_id="cust-nl")  # no e-receipt: the account is known
    sale("M-0011")  # nobody to ask
    order_id = collected_web_order("M-5", 2495)
    # when
    deliver_messages(aws)
    deliver_messages(aws)
    # then: one request per source, and none for the collected order's purchase or the anonymous sale
    waiting = {r.source_id: r for r in wiring.review_schedule().due(FAR_FUTURE)}
    assert set(waiting) == {purchase["purchase_id"], order_id}
    assert waiting[order_id].source is ReviewSource.ORDER and waiting[order_id].skus == ("M-5",)
    # when: two sweeps, then the messages
    first = sweeper.lambda_handler({}, CTX)["reviews_requested"]
    second = sweeper.lambda_handler({}, CTX)["reviews_requested"]
    deliver_messages(aws)
    deliver_messages(aws)
    # then
    assert (first, second) == (2, 0) and wiring.review_schedule().due(FAR_FUTURE) == []
    [to_customer] = captured("joost@example.nl")["emails"]
    assert to_customer["subject"] == "Wat vind je van je aankoop bij Amsterdam Kalverstraat?"
    assert "M-1: https://shop.example.nl/p/M-1\nM-2: https://shop.example.nl/p/M-2" in to_customer["body"]
    to_web_customer = [m for m in captured("anna@example.nl")["emails"] if "How do you like" in m["subject"]]
    assert len(to_web_customer) == 1 and "M-5: https://shop.example.nl/p/M-5" in to_web_customer[0]["body"]
