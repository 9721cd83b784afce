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


ROLE_CLAIMS = {
    "customer": {"sub": "c-1", "cognito:groups": "[customer]"},
    "staff": {"sub": "s-1", "cognito:groups": "[staff]", "custom:location_id": "utrecht-oudegracht"},
    "integration": {"sub": "erp", "cognito:groups": "[integration]"},
    "admin": {"sub": "a-1", "cognito:groups": "[admin]"},
}


@pytest.mark.parametrize(("route", "function"), [(r, f) for r, f in TOPOLOGY.routes if not r.is_public],
                         ids=lambda x: getattr(x, "route_key", ""))
def test_a_role_a_route_is_not_declared_for_gets_a_404(route, function) -> None:
    import json

    from local.gateway import build_event
    from local.lambdas import FakeContext

    handler = importlib.import_module(function.handler)
    params = {name: "00000000-0000-0000-0000-000000000000" if name.endswith("_id") and name != "location_id"
              else ("utrecht-oudegracht" if name == "location_id" else "SKU-1")
              for name in __import__("re").findall(r"{(\w+)}", route.path)}
    path = route.path.format(**params)
    for role, claims in ROLE_CLAIMS.items():
        if role in {a.value for a in route.access}:
            continue
        event = build_event(route, params, route.method, path, "", {"content-type": "application/json"}, b"{}",
                            claims, "127.0.0.1")
        result = handler.lambda_handler(event, FakeContext(function_name=function.name, aws_request_id="r"))
        assert result["statusCode"] == 404, (route.route_key, role, result["body"])
        assert json.loads(result["body"])["type"].endswith("/not-found")
