"""Customers on moto: enrolment in the store with a card and a Cognito user, the till finding them
by card, their own account, export and erasure; events for the ERP and the invitation mail."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from functions.customers_api import handler as customers_api
from functions.purchases_api import handler as purchases_api
from local.outbox import captured
from local.provision import Provisioned
from shared import wiring
from shared.customers.model import card_number_for, is_valid_card_number
from shared.orders.fulfilments import DeliverTo, DeliveryAddress
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.settings import settings
from tests.integration.conftest import CLAIMS, http
from tests.integration.test_orders import deliver_messages
from tests.integration.test_reservations import stock
from tests.names import Names

unique = Names("customers")
pytestmark = pytest.mark.usefixtures("locations")
AMSTERDAM = "amsterdam-kalverstraat"
CLAIMS["associate-amsterdam"] = {"sub": "kees", "cognito:groups": "[staff]", "custom:location_id": AMSTERDAM}
CLAIMS["online-shopper"] = {"sub": "5f0c2b7e-8d14-4e1d-9a61-3c9a4e1d7b2f", "cognito:groups": "[customer]",
                            "email": "bo@example.nl"}
ANNA = {"name": "Anna de Vries", "email": "anna@example.nl", "language": "nl",
        "consents": {"marketing_email": True}}


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests sell are in the catalog."""
    priced(["CARD-1"], 1995)
    priced(["ME-1"], 995)


@pytest.fixture(autouse=True)
def user_pool(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("USER_POOL_ID", aws.user_pool_id)
    return aws.user_pool_id


def enrol(body: dict[str, Any], key: str | None = None, as_: str = "associate-amsterdam") -> tuple[int, Any, dict]:
    return http(customers_api, "POST /customers", body=body, as_=as_, headers={"idempotency-key": key or unique()})


def signed_in_as(customer_id: str) -> str:
    """The claims of the Cognito user made for a customer enrolled in a store."""
    CLAIMS[f"user-of-{customer_id}"] = {"sub": "another-cognito-sub", "cognito:groups": "[customer]",
                                        "custom:customer_id": customer_id}
    return f"user-of-{customer_id}"


def listen(aws: Provisioned) -> str:
    sqs, events = boto3.client("sqs"), boto3.client("events")
    url = sqs.create_queue(QueueName="erp-customers")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="erp-customers", EventBusName=aws.bus_name,
                    EventPattern=json.dumps({"source": ["retail.customers"]}))
    events.put_targets(Rule="erp-customers", EventBusName=aws.bus_name, Targets=[{"Id": "q", "Arn": arn}])
    return url


def drain(url: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    sqs = boto3.client("sqs")
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        got += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(batch)])
    return got


def test_an_associate_enrols_a_customer_with_a_card_a_user_and_an_invitation(aws: Provisioned) -> None:
    erp = listen(aws)
    key = unique()
    status, customer, _ = enrol(ANNA, key)
    assert status == 201 and is_valid_card_number(customer["card_number"])
    assert customer["enrolled_at"] == AMSTERDAM  # the associate's store
    assert customer["card_number"] == card_number_for(customer["customer_id"])
    assert customer["qr_payload"] == f"https://shop.example.nl/account/card/{customer['card_number']}"
    assert customer["qr_svg"].startswith("data:image/svg+xml")
    status, again, headers = enrol(ANNA, key)
    assert (status, again["customer_id"], headers.get("Idempotent-Replayed")) == (200, customer["customer_id"], "true")
    assert enrol({**ANNA, "name": "Other"}, key)[0] == 422  # the same key for another customer
    status, problem, _ = enrol({**ANNA, "email": "ANNA@example.nl"})
    assert status == 409 and problem["errors"][0]["field"] == "email" and "anna" not in json.dumps(problem).lower()
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=aws.user_pool_id, Username="anna@example.nl")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:customer_id"] == customer["customer_id"] and attributes["email"] == "anna@example.nl"
    assert user["UserStatus"] == "CONFIRMED"  # activation is a password reset, which FORCE_CHANGE_PASSWORD refuses
    groups = boto3.client("cognito-idp").admin_list_groups_for_user(UserPoolId=aws.user_pool_id,
                                                                     Username="anna@example.nl")["Groups"]
    assert [g["GroupName"] for g in groups] == ["customer"]
    deliver_messages(aws)
    (invitation,) = [m for m in captured("anna@example.nl")["emails"] if "activeer" in m["subject"]]
    assert f"https://shop.example.nl/account/activate?card={customer['card_number']}" in invitation["body"]
    published = drain(erp)
    assert [(e["detail-type"], e["detail"]["data"]["customer_id"]) for e in published] == [
        ("CustomerRegistered", customer["customer_id"])]
    assert "anna" not in json.dumps(published).lower()


def test_the_till_finds_a_customer_by_card_and_a_sale_with_the_card_joins_their_account(aws: Provisioned) -> None:
    customer = enrol(ANNA)[1]
    card = customer["card_number"]
    for caller in ("erp", "associate-amsterdam", "admin"):
        status, found, _ = http(customers_api, "GET /customers", as_=caller, query=f"card={card}")
        assert (status, found["customer_id"]) == (200, customer["customer_id"])
    assert http(customers_api, "GET /customers", as_="associate-amsterdam",
                query="email=Anna%40example.nl")[1]["customer_id"] == customer["customer_id"]
    assert http(customers_api, "GET /customers/{customer_id}", {"customer_id": customer["customer_id"]},
                as_="erp")[1]["name"] == "Anna de Vries"
    assert http(customers_api, "GET /customers", as_="erp", query=f"card={card_number_for('nobody')}")[0] == 404
    assert http(customers_api, "GET /customers", as_="erp", query="card=2900000000000")[0] == 422  # check digit
    assert http(customers_api, "GET /customers", as_="erp", query="card=12ab")[0] == 422
    assert http(customers_api, "GET /customers", as_="erp")[0] == 422
    assert http(customers_api, "GET /customers", as_="customer", query=f"card={card}")[0] == 404  # not for them
    stock("CARD-1", AMSTERDAM, 3)
    sale = {"location_id": AMSTERDAM, "receipt_id": unique("R"), "purchased_at": "2026-11-23T10:15:00+01:00",
            "lines": [{"sku": "CARD-1", "quantity": 1, "unit_price_cents": 1995}], "loyalty_card": card}
    status, purchase, _ = http(purchases_api, "POST /purchases", body=sale, as_="associate-amsterdam")
    assert status == 201
    recorded = wiring.purchase_store().get_purchase(purchase["purchase_id"])
    assert recorded is not None and recorded.customer_id == customer["customer_id"]
    status, problem, _ = http(purchases_api, "POST /purchases", as_="associate-amsterdam", body={
        **sale, "receipt_id": unique("R"), "loyalty_card": card_number_for("nobody")})
    assert status == 422 and problem["errors"][0]["field"] == "loyalty_card"


def test_bad_enrolments_are_problems_and_change_nothing(aws: Provisioned) -> None:
    for body in ({**ANNA, "email": "not-an-address"}, {**ANNA, "name": ""}, {**ANNA, "language": "de"},
                 {**ANNA, "phone": "0612"}, {**ANNA, "card": "x"}, {"email": "a@example.nl"}, "[]"):
        status, problem, headers = enrol(body)  # type: ignore[arg-type]
        assert status == 422 and headers["Content-Type"] == "application/problem+json", (body, problem)
    assert http(customers_api, "POST /customers", body=ANNA, as_="associate-amsterdam")[0] == 422  # no key
    assert enrol(ANNA, as_="customer")[0] == 404 and enrol(ANNA, as_="erp")[0] == 404
    assert enrol({**ANNA, "location_id": "utrecht-oudegracht"})[0] == 404  # staff enrol at their own store
    assert wiring.customer_store().find_by_email("anna@example.nl") is None


def test_a_customer_reads_changes_exports_and_erases_their_account(aws: Provisioned) -> None:
    erp = listen(aws)
    customer = enrol(ANNA)[1]
    me = signed_in_as(customer["customer_id"])
    status, mine, _ = http(customers_api, "GET /me", as_=me)
    assert (status, mine) == (200, customer)
    status, changed, _ = http(customers_api, "PUT /me", as_=me, body={
        "name": "Anna V.", "phone": "+31612345678", "language": "en", "consents": {"marketing_sms": True}})
    assert status == 200 and (changed["language"], changed["consents"]) == (
        "en", {"marketing_email": False, "marketing_sms": True})
    assert http(customers_api, "PUT /me", as_=me, body={"email": "x@example.nl"})[0] == 422  # not here
    assert http(customers_api, "PUT /me", as_=me, body={"language": "fr"})[0] == 422
    assert http(customers_api, "PUT /me", as_=me, body={"name": "Anna"})[0] == 422  # the whole profile
    stock("ME-1", AMSTERDAM, 3)
    sale = {"location_id": AMSTERDAM, "receipt_id": unique("R"), "purchased_at": "2026-11-23T10:15:00+01:00",
            "lines": [{"sku": "ME-1", "quantity": 1, "unit_price_cents": 995}], "loyalty_card": mine["card_number"],
            "receipt_email": "anna@example.nl"}
    purchase_id = http(purchases_api, "POST /purchases", body=sale, as_="associate-amsterdam")[1]["purchase_id"]
    status, export, _ = http(customers_api, "GET /me/export", as_=me)
    assert status == 200 and export["customer"]["name"] == "Anna V."
    assert [(p["purchase_id"], p["receipt_email"]) for p in export["purchases"]] == [(purchase_id, "anna@example.nl")]
    assert export["orders"] == [] and export["returns"] == []
    status, _, _ = http(customers_api, "DELETE /me", as_=me)
    assert status == 204
    assert http(customers_api, "DELETE /me", as_=me)[0] == 204  # again: nothing left to do
    assert http(customers_api, "GET /me", as_=me)[0] == 404
    assert http(customers_api, "GET /customers", as_="erp", query=f"card={mine['card_number']}")[0] == 404
    erased = wiring.customer_store().get(customer["customer_id"])
    assert erased is not None and erased.erased and (erased.name, erased.email, erased.phone) == (None, None, None)
    kept = wiring.purchase_store().get_purchase(purchase_id)
    assert kept is not None and kept.receipt_email is None and kept.customer_id == customer["customer_id"]
    idp = boto3.client("cognito-idp")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=aws.user_pool_id, Username="anna@example.nl")
    deliver_messages(aws)
    assert [e["detail-type"] for e in drain(erp)] == ["CustomerRegistered", "CustomerUpdated", "CustomerErased"]
    assert enrol(ANNA)[0] == 201  # the address may be enrolled again


def test_an_online_sign_up_gets_its_account_on_first_call(aws: Provisioned) -> None:
    status, mine, _ = http(customers_api, "GET /me", as_="online-shopper")
    assert status == 200 and (mine["customer_id"], mine["email"], mine["created_by"]) == (
        CLAIMS["online-shopper"]["sub"], "bo@example.nl", "online")
    assert http(customers_api, "GET /me", as_="online-shopper")[1] == mine
    assert enrol({**ANNA, "email": "bo@example.nl"})[0] == 409  # the address is the online customer's
    deliver_messages(aws)
    assert captured("bo@example.nl")["emails"] == []  # an online sign-up has its account: no invitation


def test_erasure_blanks_a_delivery_orders_address_and_contact_in_dynamodb(aws: Provisioned) -> None:
    # given an online customer with a delivery order to their home
    customer_id = http(customers_api, "GET /me", as_="online-shopper")[1]["customer_id"]
    order = Order(order_id=unique("order"), customer_id=customer_id, location_id=AMSTERDAM,
                  lines=(OrderLine("ME-1", 1, 995),), payment=Payment.PAID_ONLINE,
                  contact=Contact("bo@example.nl", "nl", "+31612345678", name="Bo"), reservation_id=unique("hold"),
                  status=OrderStatus.DELIVERED, placed_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), fingerprint="f",
                  destination=DeliverTo(DeliveryAddress("Bo Bakker", "Damrak", "1", "1012 LG", "Amsterdam"),
                                        zone_id="amsterdam"))
    tx = wiring.transactions().begin()
    wiring.order_store().add_placed(tx, order=order)
    tx.commit()
    # when they erase their account
    assert http(customers_api, "DELETE /me", as_="online-shopper")[0] == 204
    # then the stored order keeps its lines but neither contact nor address
    item = boto3.client("dynamodb").get_item(TableName=settings().table_name,
                                             Key={"pk": {"S": f"ORD#{order.order_id}"}, "sk": {"S": "#"}})["Item"]
    assert not any(word in json.dumps(item) for word in ("Damrak", "Bakker", "1012", "bo@example.nl", "+3161"))
    kept = wiring.order_store().get(order.order_id)
    assert kept is not None and kept.lines == order.lines and kept.destination == DeliverTo(
        DeliveryAddress("", "", "", "", ""), zone_id="amsterdam")
