"""Each API function serves exactly the routes the topology gives it; the OpenAPI doc is current."""

from __future__ import annotations

import importlib

import pytest

from infra.topology import TOPOLOGY, Access
from local.gateway import RouteTable
from local.openapi import DOCUMENT, render


@pytest.mark.parametrize("function", [fn for fn in TOPOLOGY.functions if fn.routes], ids=lambda fn: fn.name)
def test_a_function_serves_exactly_its_declared_routes(function) -> None:
    app = importlib.import_module(function.handler).app
    served = {f"{method.upper()} {path}" for path, ops in app.get_openapi_schema().paths.items()
              for method in ops.model_dump(exclude_none=True)}
    assert served == {route.route_key for route in function.routes}


def test_the_local_gateway_serves_every_declared_route() -> None:
    assert RouteTable(TOPOLOGY).route_keys == {route.route_key for route, _ in TOPOLOGY.routes}


def test_a_route_is_either_public_or_needs_a_token() -> None:
    for route, _ in TOPOLOGY.routes:
        assert route.access == (Access.PUBLIC,) or Access.PUBLIC not in route.access, route


def test_the_committed_openapi_document_is_current() -> None:
    assert DOCUMENT.read_text() == render(), "run: make openapi"
