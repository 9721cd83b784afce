"""Store devices (handlers, DynamoDB and SNS on moto): register, push once, clean up."""

from __future__ import annotations

import json

import boto3
import pytest
from moto.sns.models import sns_backends

from functions.devices_api import handler as devices_api
from functions.store_notifier import handler as notifier
from local.lambdas import FakeContext
from local.provision import ACCOUNT, REGION, Provisioned
from tests.integration.conftest import CLAIMS, http
from tests.integration.test_reservations import UTRECHT, stock
from tests.integration.test_stock_events import sqs_batch
from tests.names import Names

unique = Names("devices")
pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="store-notifier", aws_request_id="r")
ROTTERDAM = "rotterdam-lijnbaan"
CLAIMS["staff-rotterdam"] = {"sub": "bob", "cognito:groups": "[staff]", "custom:location_id": ROTTERDAM}


@pytest.fixture(autouse=True)
def _platform_apps(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> None:
    for env, arn in aws.platform_apps.items():
        monkeypatch.setenv(env, arn)
    monkeypatch.setenv("FEED_ENDPOINT", "https://feed.execute-api.eu-west-1.amazonaws.com/live")


def register(location: str, as_: str, platform: str = "fcm") -> dict:
    status, device, _ = http(devices_api, "POST /locations/{location_id}/devices", {"location_id": location},
                             {"platform": platform, "token": unique("token"), "name": "kassa"}, as_=as_)
    assert status == 201, device
    return device


def pushes_to(device_id: str) -> list[dict]:
    from shared import wiring

    device = wiring.device_store().get_device(device_id)
    assert device is not None
    endpoint = sns_backends[ACCOUNT][REGION].platform_endpoints[device.endpoint_arn]
    return [json.loads(m) for m in endpoint.messages.values()]


def order_placed(location: str, event_id: str) -> dict:
    return {"version": "0", "id": unique("envelope"), "detail-type": "OrderPlaced", "source": "retail.orders",
            "account": ACCOUNT, "time": "2026-11-23T09:00:00Z", "region": REGION, "resources": [],
            "detail": {"metadata": {"event_id": event_id, "event_type": "OrderPlaced",
                                    "occurred_at": "2026-11-23T09:00:00Z", "producer": "test"},
                       "data": {"order_id": unique("order"), "customer_id": "c", "location_id": location,
                                "status": "PLACED", "payment": "paid_online",
                                "lines": [{"sku": "JKT-1", "quantity": 1, "unit_price_cents": 100, "short": False}]}}}


def test_one_push_per_device_per_event_and_only_to_that_store() -> None:
    tablet, phone = register(UTRECHT, "staff-utrecht"), register(UTRECHT, "staff-utrecht", "apns")
    elsewhere = register(ROTTERDAM, "staff-rotterdam")
    event = order_placed(UTRECHT, "evt-1")
    for _ in range(2):  # the same event delivered twice
        assert notifier.lambda_handler(sqs_batch(event), CTX) == {"batchItemFailures": []}
    fcm = pushes_to(tablet["device_id"])
    assert len(fcm) == 1
    assert json.loads(fcm[0]["GCM"])["notification"]["title"] == "Nieuwe click & collect-bestelling"
    assert json.loads(fcm[0]["GCM"])["data"]["link"].startswith("/orders/")
    assert len(pushes_to(phone["device_id"])) == 1 and "APNS" in pushes_to(phone["device_id"])[0]
    assert pushes_to(elsewhere["device_id"]) == []


def test_a_disabled_endpoint_is_removed_and_the_others_still_get_theirs() -> None:
    broken, fine = register(UTRECHT, "staff-utrecht"), register(UTRECHT, "staff-utrecht")
    from shared import wiring

    arn = wiring.device_store().get_device(broken["device_id"]).endpoint_arn
    boto3.client("sns").set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})
    assert notifier.lambda_handler(sqs_batch(order_placed(UTRECHT, "evt-2")), CTX) == {"batchItemFailures": []}
    assert wiring.device_store().get_device(broken["device_id"]) is None
    assert len(pushes_to(fine["device_id"])) == 1
    _, listed, _ = http(devices_api, "GET /locations/{location_id}/devices", {"location_id": UTRECHT},
                             as_="staff-utrecht")
    assert [d["device_id"] for d in listed["devices"]] == [fine["device_id"]]


def test_registering_is_for_the_own_store_and_unregistering_deletes_the_endpoint() -> None:
    assert http(devices_api, "POST /locations/{location_id}/devices", {"location_id": ROTTERDAM},
                {"platform": "fcm", "token": "token-abcdefgh"}, as_="staff-utrecht")[0] == 404
    device = register(UTRECHT, "staff-utrecht")
    again = http(devices_api, "POST /locations/{location_id}/devices", {"location_id": UTRECHT},
                 {"platform": "fcm", "token": "token-abcdefgh"}, as_="staff-utrecht")
    assert again[0] == 201
    same = http(devices_api, "POST /locations/{location_id}/devices", {"location_id": UTRECHT},
                {"platform": "fcm", "token": "token-abcdefgh"}, as_="staff-utrecht")
    assert (same[0], same[1]["device_id"]) == (200, again[1]["device_id"])
    params = {"location_id": UTRECHT, "device_id": device["device_id"]}
    status, _, _ = http(devices_api, "DELETE /locations/{location_id}/devices/{device_id}", params, as_="staff-utrecht")
    assert status == 204


def test_suggestions_are_accessories_in_stock_in_that_store() -> None:
    from local.seed import seed_catalog
    from shared.identity import Caller

    seed_catalog(Caller(role="integration", subject="seed"))  # the jacket's accessories: scarf and bag
    stock("SCF-KNIT-RED-OS", UTRECHT, 3)
    stock("BAG-CANVAS-OLIVE-OS", UTRECHT, 5)
    stock("SOCK-3PK-MIX-39-42", UTRECHT, 9)
    stock("SCF-KNIT-RED-OS", ROTTERDAM, 9)
    status, body, _ = http(devices_api, "GET /locations/{location_id}/suggestions", {"location_id": UTRECHT},
                           as_="staff-utrecht", query="skus=JKT-RAIN-NAVY-M")
    assert status == 200
    assert [(s["sku"], s["available"], s["price_cents"]) for s in body["suggestions"]] == [
        ("SCF-KNIT-RED-OS", 3, 1999), ("BAG-CANVAS-OLIVE-OS", 5, 3499)]


def test_an_orders_own_hold_does_not_notify_the_store_twice() -> None:
    from shared import wiring
    from shared.notifications.store_messages import store_message

    utrecht = wiring.location_directory().get(UTRECHT)
    hold = {"reservation_id": "r-1", "location_id": UTRECHT, "lines": [], "expires_at": "2026-11-24T10:00:00Z"}
    assert store_message("ReservationCreated", hold, utrecht) is not None
    assert store_message("ReservationCreated", {**hold, "order_id": "o-1"}, utrecht) is None


def test_the_feed_authorizer_allows_one_store_to_its_staff_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens are checked like the Cognito ones on AWS (signature, issuer, audience), here with the
    local key instead of the pool's JWKS."""
    import jwt as pyjwt

    from functions.feed_authorizer import handler as authorizer
    from local import auth

    class LocalKeys:
        def get_signing_key_from_jwt(self, token: str) -> object:
            return pyjwt.PyJWK(auth.jwks()["keys"][0])

    monkeypatch.setattr(authorizer, "_keys", lambda: LocalKeys())
    monkeypatch.setenv("JWT_ISSUER", auth.ISSUER)
    monkeypatch.setenv("JWT_AUDIENCE", auth.AUDIENCE)

    def decide(token: str, location: str | None = None) -> str:
        query = {"token": token, **({"location": location} if location else {})}
        policy = authorizer.lambda_handler({"type": "REQUEST", "methodArn": "arn:feed", "queryStringParameters": query},
                                           CTX)
        assert policy["context"]["location_id"] in (location or UTRECHT, "")
        return str(policy["policyDocument"]["Statement"][0]["Effect"])

    staff = auth.issue_token("staff", "anna", UTRECHT)
    assert decide(staff) == "Allow"
    assert decide(staff, ROTTERDAM) == "Deny"
    assert decide(auth.issue_token("customer", "c-1"), UTRECHT) == "Deny"
    assert decide(auth.issue_token("admin", "a-1"), ROTTERDAM) == "Allow"
    with pytest.raises(Exception, match="Unauthorized"):
        decide(staff[:-4] + "AAAA")
