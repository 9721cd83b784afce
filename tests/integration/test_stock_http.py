"""Stock over HTTP (handlers on moto): idempotency, refusals, counts, who may see what."""

from __future__ import annotations

import pytest

from functions.stock_read_api import handler as reads
from functions.stock_write_api import handler as writes
from tests.integration.conftest import http
from tests.names import Names

unique = Names("stock-http")
CHANGE = "POST /stock/{sku}/locations/{location_id}/changes"
COUNT = "PUT /stock/{sku}/locations/{location_id}/count"
AT = {"sku": "JKT-RAIN-NAVY-M", "location_id": "utrecht-oudegracht"}
pytestmark = pytest.mark.usefixtures("locations")


def change(kind: str, qty: int, key: str | None = None, as_: str = "erp") -> tuple[int, dict, dict]:
    return http(writes, CHANGE, AT, {"kind": kind, "quantity": qty}, as_=as_,
                headers={"idempotency-key": key or unique()})


def on_hand() -> int:
    status, body, _ = http(reads, "GET /stock/{sku}/locations/{location_id}", AT, as_="erp")
    assert status == 200
    return int(body["on_hand"])


def test_the_same_change_sent_twice_is_applied_once() -> None:
    key = unique()
    first = change("receipt", 5, key)
    second = change("receipt", 5, key)
    assert (first[0], second[0]) == (201, 200)
    assert second[1]["replayed"] and second[2].get("Idempotent-Replayed") == "true"
    assert {k: v for k, v in second[1].items() if k != "replayed"} == {
        k: v for k, v in first[1].items() if k != "replayed"}
    assert on_hand() == 5


def test_a_key_reused_for_another_change_is_a_422_problem() -> None:
    key = unique()
    change("receipt", 5, key)
    status, problem, headers = change("receipt", 6, key)
    assert status == 422 and problem["type"].endswith("/idempotency-key-reused")
    assert headers["Content-Type"] == "application/problem+json"
    assert on_hand() == 5


def test_going_negative_is_a_409_problem_and_changes_nothing() -> None:
    change("receipt", 2)
    status, problem, _ = change("transfer_out", 3)
    assert status == 409 and problem["type"].endswith("/insufficient-stock")
    assert problem["on_hand"] == 2 and problem["requested"] == 3
    assert on_hand() == 2


def test_a_sale_beyond_the_books_is_a_fact_and_recorded() -> None:
    change("receipt", 2)
    status, body, _ = change("sale", 3)
    assert (status, body["status"], body["on_hand_delta"]) == (201, "applied", -3)
    assert on_hand() == -1  # the books were wrong by one: the next count puts them right


def test_an_older_count_is_ignored() -> None:
    def count(n: int, as_of: str) -> tuple[int, dict, dict]:
        return http(writes, COUNT, AT, {"on_hand": n, "as_of": as_of}, as_="erp",
                    headers={"idempotency-key": unique()})

    assert count(7, "2026-11-20T08:00:00Z")[0] == 201
    status, body, _ = count(3, "2026-11-19T08:00:00Z")
    assert status == 200 and body["status"] == "ignored"
    assert on_hand() == 7
    assert count(4, "2026-11-21T08:00:00+01:00")[0] == 201
    assert on_hand() == 4


@pytest.mark.parametrize(("body", "headers", "status", "slug"), [
    ({"kind": "receipt", "quantity": 1}, {}, 422, "validation-failed"),
    ({"kind": "receipt", "quantity": 1}, {"idempotency-key": "short"}, 422, "validation-failed"),
    ({"kind": "teleport", "quantity": 1}, {"idempotency-key": "k-123456789"}, 422, "validation-failed"),
    ({"kind": "sale", "quantity": 0}, {"idempotency-key": "k-123456789"}, 422, "invalid-request"),
    ("{not json", {"idempotency-key": "k-123456789"}, 400, "malformed-json"),
    ({"kind": "receipt", "quantity": 1, "extra": 1}, {"idempotency-key": "k-123456789"}, 422, "validation-failed"),
])
def test_bad_input_is_a_clear_problem_and_changes_nothing(body, headers, status, slug) -> None:
    got, problem, _ = http(writes, CHANGE, AT, body, as_="erp", headers=headers)
    assert (got, problem["type"].rsplit("/", 1)[1]) == (status, slug)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert on_hand() == 0


def test_staff_act_only_on_their_own_store_and_customers_not_at_all() -> None:
    assert change("receipt", 1, as_="staff-utrecht")[0] == 201
    other = {"sku": "JKT-RAIN-NAVY-M", "location_id": "rotterdam-lijnbaan"}
    status, _, _ = http(writes, CHANGE, other, {"kind": "receipt", "quantity": 1}, as_="staff-utrecht",
                        headers={"idempotency-key": unique()})
    assert status == 404
    assert http(reads, "GET /stock/{sku}/locations/{location_id}", other, as_="staff-utrecht")[0] == 404
    assert change("receipt", 1, as_="customer")[0] == 404


def test_public_reads_show_availability_not_quantities() -> None:
    change("receipt", 6)
    http(writes, "PUT /stock/{sku}/locations/{location_id}/settings", AT,
         {"safety_stock": 1, "low_stock_threshold": 5}, as_="admin")
    status, body, _ = http(reads, "GET /stock/{sku}", {"sku": AT["sku"]})
    assert status == 200 and body["total_available"] == 5
    assert body["locations"] == [{"sku": AT["sku"], "location_id": AT["location_id"], "available": 5,
                                  "status": "low_stock"}]
    status, matrix, _ = http(reads, "GET /stock", query=f"skus={AT['sku']},NOPE-1&locations=utrecht-oudegracht")
    assert status == 200 and [i["available"] for i in matrix["items"]] == [5, 0]
    status, near, _ = http(reads, "GET /stock/{sku}/nearest", {"sku": AT["sku"]}, query="lat=52.37&lon=4.89")
    assert status == 200 and near["locations"][0]["location"]["location_id"] == "utrecht-oudegracht"
    assert near["locations"][0]["distance_km"] > 30


def test_reads_refuse_bad_queries_with_problems() -> None:
    assert http(reads, "GET /stock/{sku}/nearest", {"sku": "A-1"}, query="lat=91&lon=4")[0] == 422
    assert http(reads, "GET /stock", query="skus=A&locations=nowhere")[0] == 404
    assert http(reads, "GET /stock/{sku}", {"sku": "bad sku!"})[0] == 422
