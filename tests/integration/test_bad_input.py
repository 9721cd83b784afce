"""Bad input is a 4xx problem and changes nothing: dates, numbers, media types, odd bodies (issue 8)."""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.purchases_api import handler as purchases_api
from functions.reservations_api import handler as reservations_api
from functions.returns_api import handler as returns_api
from functions.stock_read_api import handler as reads
from functions.stock_write_api import handler as writes
from infra.topology import TOPOLOGY, Access
from local.gateway import build_event
from local.lambdas import FakeContext
from local.openapi import openapi_document
from shared import wiring
from shared.adapters.items import parse_stamp, stamp
from tests.integration.conftest import CLAIMS, http, route
from tests.integration.test_purchases_returns import AMSTERDAM, collected_web_order, till_sale
from tests.integration.test_reservations import UTRECHT, stock

pytestmark = pytest.mark.usefixtures("locations")
AT = {"sku": "BAD-INPUT-1", "location_id": UTRECHT}
COUNT = "PUT /stock/{sku}/locations/{location_id}/count"
CHANGE = "POST /stock/{sku}/locations/{location_id}/changes"
ROLE_CLAIMS = {Access.ADMIN: "admin", Access.INTEGRATION: "erp", Access.STAFF: "staff-utrecht",
               Access.CUSTOMER: "customer", Access.PUBLIC: None}


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["BAD-HOLD-1", "BAD-INPUT-1"], 2495)
    priced(["BAD-TILL-1"], 100)


def _count(as_of: Any, key: str) -> tuple[int, Any, dict]:
    return http(writes, COUNT, AT, {"on_hand": 3, "as_of": as_of}, as_="erp", headers={"idempotency-key": key})


def test_stamps_keep_their_order_and_read_back_for_any_year() -> None:
    early, late = datetime(35, 4, 10, 13, 26, 36, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    assert stamp(early) < stamp(late)
    assert parse_stamp(stamp(early)) == early
    assert parse_stamp("35-04-10T13:26:36.000000Z") == early  # as written before the fix


@pytest.mark.parametrize("as_of", ["0035-04-10T13:26:36Z", "1999-12-31T23:59:59Z", "2999-01-01T00:00:00Z",
                                   "2026-01-01T00:00:00", 1_700_000_000])
def test_a_count_dated_outside_a_sane_range_or_without_a_zone_is_refused(as_of: Any) -> None:
    stock(AT["sku"], UTRECHT, 2)
    status, problem, headers = _count(as_of, f"count-{as_of}")
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert problem["errors"][0]["field"] == "as_of"
    status, level, _ = http(reads, "GET /stock/{sku}/locations/{location_id}", AT, as_="erp")
    assert (status, level["on_hand"]) == (200, 2)


def test_a_till_sale_dated_in_the_future_is_refused() -> None:
    stock("BAD-TILL-1", AMSTERDAM, 2)
    tomorrow = "2099-01-01T10:00:00+01:00"  # always after now, the same every run
    status, problem, _ = till_sale("R-FUTURE", [{"sku": "BAD-TILL-1", "quantity": 1, "unit_price_cents": 100}],
                                   purchased_at=tomorrow)
    assert status == 422 and problem["errors"][0]["field"] == "purchased_at"
    assert wiring.stock_store().get("BAD-TILL-1", AMSTERDAM).on_hand == 2


@pytest.mark.parametrize("quantity", ["1", True, 1.0, "1.0"])
def test_numbers_are_json_numbers(quantity: Any) -> None:
    status, problem, _ = http(writes, CHANGE, AT, {"kind": "receipt", "quantity": quantity}, as_="erp",
                              headers={"idempotency-key": f"strict-{quantity!r}"})
    assert status == 422 and problem["errors"][0]["field"] == "quantity"


def test_hold_seconds_as_a_string_is_refused() -> None:
    stock("BAD-HOLD-1", UTRECHT, 2)
    body = {"location_id": UTRECHT, "lines": [{"sku": "BAD-HOLD-1", "quantity": 1}], "hold_seconds": "60"}
    status, problem, _ = http(reservations_api, "POST /reservations", body=body, as_="customer",
                              headers={"idempotency-key": "strict-hold-seconds"})
    assert status == 422 and problem["errors"][0]["field"] == "hold_seconds"
    assert wiring.stock_store().get("BAD-HOLD-1", UTRECHT).reserved == 0


def _body_routes() -> list[tuple[str, str, str | None]]:
    document = openapi_document()
    found = []
    for the_route, fn in TOPOLOGY.routes:
        operation = document["paths"][the_route.path][the_route.method.lower()]
        if "requestBody" in operation:
            found.append((the_route.route_key, fn.handler, ROLE_CLAIMS[the_route.access[0]]))
    return found


@pytest.mark.parametrize("media_type", ["text/plain;charset=UTF-8", "application/octet-stream",
                                        "multipart/form-data; boundary=x", "application/xml"])
@pytest.mark.parametrize(("route_key", "module", "as_"), _body_routes())
def test_a_body_that_is_not_json_is_a_415_problem(route_key: str, module: str, as_: str | None,
                                                  media_type: str) -> None:
    params = {name: "x1" for name in route(route_key).path.split("{")[1:] for name in [name.split("}")[0]]}
    status, problem, headers = http(importlib.import_module(module), route_key, params, '{"a": 1}', as_=as_,
                                    headers={"content-type": media_type, "idempotency-key": "media-type-1"})
    assert status == 415 and problem["type"].endswith("/unsupported-media-type")
    assert headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("media_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_media_types_with_parameters_are_accepted(media_type: str) -> None:
    status, _, _ = http(writes, CHANGE, AT, {"kind": "receipt", "quantity": 1}, as_="erp",
                        headers={"content-type": media_type, "idempotency-key": f"media-{len(media_type)}"})
    assert status == 201


@pytest.mark.parametrize(("raw", "status"), [("[" * 100_000 + "]" * 100_000, 400),
                                             ('{"kind": "receipt", "quantity": ' + "9" * 5000 + "}", 400),
                                             ('{"kind": "receipt", "quantity": 1, "reason": "' + "x" * 1_100_000
                                              + '"}', 413)])
def test_pathological_json_is_a_4xx_problem(raw: str, status: int) -> None:
    answer, problem, headers = http(writes, CHANGE, AT, raw, as_="erp", headers={"idempotency-key": "deep-1"})
    assert (answer, headers["Content-Type"]) == (status, "application/problem+json")
    assert problem["status"] == status


def test_a_body_that_is_not_utf8_is_a_400_problem() -> None:
    the_route = route(CHANGE)
    event = build_event(the_route, AT, "POST", f"/stock/{AT['sku']}/locations/{UTRECHT}/changes", "",
                        {"content-type": "application/json", "idempotency-key": "utf8-1"},
                        b'{"kind": "receipt", "reason": "\xff\xfe"}', CLAIMS["erp"], "127.0.0.1")
    assert event["isBase64Encoded"] and base64.b64decode(event["body"]).endswith(b'\xfe"}')
    result = writes.lambda_handler(event, FakeContext(function_name="test", aws_request_id="req-1"))
    assert result["statusCode"] == 400 and json.loads(result["body"])["type"].endswith("/malformed-json")


def test_a_refund_with_another_reference_than_the_recorded_one_is_a_409() -> None:
    stock("BAD-REFUND-1", UTRECHT, 2)
    collected_web_order("BAD-REFUND-1", 995)
    purchase = http(purchases_api, "GET /purchases", as_="customer")[1]["purchases"][0]
    status, ret, _ = http(returns_api, "POST /returns", body={
        "purchase_id": purchase["purchase_id"], "location_id": UTRECHT,
        "lines": [{"sku": "BAD-REFUND-1", "quantity": 1}]}, as_="customer", headers={"idempotency-key": "refund-1"})
    rid = {"return_id": ret["return_id"]}
    for action in ("approve", "receive"):
        assert http(returns_api, f"POST /returns/{{return_id}}/{action}", rid, as_="staff-utrecht")[0] == 200
    assert http(returns_api, "POST /returns/{return_id}/inspect", rid, {"dispositions": {"BAD-REFUND-1": "RESTOCK"}},
                as_="staff-utrecht")[0] == 200
    refunded = "POST /returns/{return_id}/refunded"
    assert http(returns_api, refunded, rid, {"refund_reference": "PSP-1"}, as_="erp")[0] == 200
    assert http(returns_api, refunded, rid, {"refund_reference": "PSP-1"}, as_="erp")[0] == 200
    status, problem, _ = http(returns_api, refunded, rid, {"refund_reference": "PSP-2"}, as_="erp")
    assert status == 409 and problem["type"].endswith("/conflict")
    assert http(returns_api, "GET /returns/{return_id}", rid, as_="erp")[1]["refund_reference"] == "PSP-1"


@pytest.mark.parametrize("change", [{"pickup_hold_hours": "48"}, {"active": "true"}, {"active": 1},
                                    {"coordinates": {"lat": "52.09", "lon": 5.12}},
                                    {"coordinates": {"lat": 52.09, "lon": True}}])
def test_a_location_takes_json_numbers_and_booleans_only(change: dict) -> None:
    from functions.locations_api import handler as locations_api

    body = {"name": "Strict", "type": "store", "address": {"street": "Oudegracht 1", "postal_code": "3511 AA",
                                                           "city": "Utrecht"},
            "coordinates": {"lat": 52.09, "lon": 5.12}, **change}
    status, problem, _ = http(locations_api, "PUT /locations/{location_id}", {"location_id": "strict-1"}, body,
                              as_="admin")
    assert status == 422 and problem["errors"][0]["field"].startswith(next(iter(change)))
    assert http(locations_api, "PUT /locations/{location_id}", {"location_id": "strict-1"},
                {**body, **{k: v for k, v in {"pickup_hold_hours": 48, "active": True}.items() if k in change},
                 "coordinates": {"lat": 52.09, "lon": 5.12}}, as_="admin")[0] == 201
