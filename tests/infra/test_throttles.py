"""Per-route throttles (OWASP API4): every route of the HTTP API has the topology's limits."""

from __future__ import annotations

import pytest

from infra.topology import TOPOLOGY, Access
from tests.infra.synth import Synthesized

pytestmark = pytest.mark.infra


def _stage(synthesized: Synthesized) -> dict:
    (stage,) = synthesized.of_api("AWS::ApiGatewayV2::Stage", "HTTP").values()
    return stage


def test_every_route_has_its_topology_throttle(synthesized: Synthesized) -> None:
    settings = _stage(synthesized)["Properties"]["RouteSettings"]
    assert set(settings) == {route.route_key for route, _ in TOPOLOGY.routes}
    for route, _ in TOPOLOGY.routes:
        assert settings[route.route_key] == {"ThrottlingRateLimit": route.limits.rate,
                                             "ThrottlingBurstLimit": route.limits.burst}, route.route_key


def test_writes_customers_can_call_are_throttled_harder_than_public_reads() -> None:
    public_reads = [r.limits for r, _ in TOPOLOGY.routes if r.is_public and r.method == "GET"]
    customer_writes = [r.limits for r, _ in TOPOLOGY.routes if Access.CUSTOMER in r.access and r.method != "GET"]
    assert public_reads and customer_writes
    assert max(t.rate for t in customer_writes) < min(t.rate for t in public_reads)
    collect = next(r for r, _ in TOPOLOGY.routes if r.route_key == "POST /orders/{order_id}/collect")
    assert collect.limits.rate <= min(t.rate for t in customer_writes)  # pickup codes are guessed here


def test_the_stage_is_created_after_the_routes_its_settings_name(synthesized: Synthesized) -> None:
    depends = set(_stage(synthesized).get("DependsOn", []))
    routes = set(synthesized.of_api("AWS::ApiGatewayV2::Route", "HTTP"))
    assert routes <= depends
