"""The OpenAPI document names every status an operation can answer, errors as problem+json (issue 8)."""

from __future__ import annotations

import pytest

from infra.topology import TOPOLOGY
from local.openapi import openapi_document

DOCUMENT = openapi_document()
CREATING = {"POST /orders", "POST /reservations", "POST /purchases", "POST /returns", "PUT /locations/{location_id}",
            "POST /customers",
            "POST /locations/{location_id}/devices", "POST /stock/{sku}/locations/{location_id}/changes",
            "PUT /stock/{sku}/locations/{location_id}/count"}
LIMITED = {"POST /orders", "POST /reservations", "POST /orders/{order_id}/collect"}


def _operation(route_key: str) -> dict:
    method, path = route_key.split(" ", 1)
    return dict(DOCUMENT["paths"][path][method.lower()])


@pytest.mark.parametrize("route_key", [route.route_key for route, _ in TOPOLOGY.routes])
def test_every_operation_documents_what_it_can_answer(route_key: str) -> None:
    route = next(r for r, _ in TOPOLOGY.routes if r.route_key == route_key)
    responses = _operation(route_key)["responses"]
    statuses = {int(status) for status in responses}
    assert {422, 414} <= statuses
    assert (401 in statuses, 404 in statuses or route.is_public) == (not route.is_public, True)
    if "requestBody" in _operation(route_key):
        assert {400, 413, 415} <= statuses
    assert (201 in statuses) == (route_key in CREATING)
    if route_key in LIMITED:
        assert {429, 503} <= statuses
        assert "Retry-After" in responses["429"]["headers"]
    for status, response in responses.items():
        if int(status) >= 400:
            assert response["content"] == {"application/problem+json": {"schema": {"$ref":
                                                                                   "#/components/schemas/Problem"}}}
    assert {"type", "title", "status", "detail"} <= set(DOCUMENT["components"]["schemas"]["Problem"]["required"])
