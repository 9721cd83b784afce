"""Integration tier: the real handlers and DynamoDB/EventBridge/SQS code on moto (in-process)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from infra.topology import TOPOLOGY, Route
from local.environment import LOCAL_ENVIRONMENT
from local.gateway import build_event
from local.lambdas import FakeContext
from local.moto_fidelity import install as install_fidelity
from local.provision import Provisioned, provision
from local.seed import LOCATIONS
from shared import wiring

CLAIMS = {
    "admin": {"sub": "admin-1", "cognito:groups": "[admin]"},
    "erp": {"sub": "erp-client", "cognito:groups": "[integration]"},
    "staff-utrecht": {"sub": "anna", "cognito:groups": "[staff]", "custom:location_id": "utrecht-oudegracht"},
    "customer": {"sub": "cust-1", "cognito:groups": "[customer]"},
}


# Every botocore Session parses the service models and endpoints (megabytes of JSON) again, and
# every test makes new sessions: moto resets boto3's default one on each start, wiring.reset()
# drops the adapters' clients. One loader for all of them (its data is read-only) takes ~0.5 s
# off each emulated account; what the clients do is unchanged.
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)  # type: ignore[attr-defined]


def use_moto_environment() -> None:
    """For module-level state machines that start their own mock: the local env, no endpoint."""
    install_fidelity()
    for key, value in LOCAL_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ["TABLE_NAME"] = TOPOLOGY.table.name


def start_moto_system() -> object:
    """For state machines: a fresh emulated account with the topology and the demo locations."""
    mock = mock_aws()
    mock.start()
    wiring.reset()
    provision(TOPOLOGY, lambda service: boto3.client(service))
    for location in LOCATIONS:
        wiring.location_store().put(location)
    return mock


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provisioned]:
    for key, value in LOCAL_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("TABLE_NAME", TOPOLOGY.table.name)
    monkeypatch.setenv("EVENT_BUS_NAME", TOPOLOGY.bus_name)
    install_fidelity()
    with mock_aws():
        wiring.reset()
        yield provision(TOPOLOGY, lambda service: boto3.client(service))
    wiring.reset()


@pytest.fixture
def emulated(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's server behind ``local.emulator``, one request at a time (in-process moto does not
    lock): conditions race as on DynamoDB. Its backends live in this process, so they are reset
    first (another test's table is gone). Yields the endpoint; the system is provisioned."""
    import urllib.request

    from local.emulator import Emulator

    emulator = Emulator()
    endpoint = emulator.start()
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
    for key, value in LOCAL_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("TABLE_NAME", TOPOLOGY.table.name)
    monkeypatch.setenv("EVENT_BUS_NAME", TOPOLOGY.bus_name)
    wiring.reset()
    try:
        provision(TOPOLOGY, lambda service: boto3.session.Session().client(service, endpoint_url=endpoint))
        yield endpoint
    finally:
        wiring.reset()
        emulator.stop()


@pytest.fixture
def locations(aws: Provisioned) -> None:
    for location in LOCATIONS:
        wiring.location_store().put(location)


def price_skus(skus: Iterable[str], cents: int, *, version: int = 1) -> None:
    """Puts SKUs in the DynamoDB catalog (each its own product, one price since long ago): every
    reservation, order and sale is priced by the server, so a test prices what it sells."""
    from tests.pricing import price_skus as put

    put(wiring.catalog(), skus, cents, version=version)


@pytest.fixture
def priced(aws: Provisioned) -> Callable[..., None]:
    """``priced(["SKU-1", "SKU-2"], 1999)``: the SKUs a test uses, in the catalog at that price."""
    return price_skus


def route(route_key: str) -> Route:
    return next(r for r, _ in TOPOLOGY.routes if r.route_key == route_key)


def http(handler: Any, route_key: str, params: dict[str, str] | None = None, body: Any = None,
         as_: str | None = None, headers: dict[str, str] | None = None, query: str = "") -> tuple[int, Any, dict]:
    """Calls a handler with the event API Gateway would send; returns status, JSON body, headers."""
    the_route = route(route_key)
    path = the_route.path
    for key, value in (params or {}).items():
        path = path.replace("{" + key + "}", value)
    raw = body if isinstance(body, str) else (json.dumps(body) if body is not None else "")
    event = build_event(the_route, params or {}, the_route.method, path, query,
                        {"content-type": "application/json", **(headers or {})}, raw.encode(),
                        CLAIMS[as_] if as_ else None, "127.0.0.1")
    result = handler.lambda_handler(event, FakeContext(function_name="test", aws_request_id="req-1"))
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None, result["headers"]
