"""The local gateway can apply the topology's per-route throttles (LOCAL_THROTTLE=1)."""

from __future__ import annotations

import json

import pytest

from infra.topology import TOPOLOGY
from local.gateway import Gateway
from local.throttle import RouteThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_route_answers_429_with_retry_after_past_its_burst_and_recovers_at_its_rate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_THROTTLE", "1")
    calls: list[str] = []
    gateway = Gateway(TOPOLOGY, lambda fn, event: calls.append(event["routeKey"]) or {"statusCode": 200},
                      lambda method, split, body: None)
    clock = Clock()
    assert gateway.throttle is not None
    gateway.throttle = RouteThrottle(clock)
    route = next(r for r, _ in TOPOLOGY.routes if r.route_key == "GET /locations")
    answers = [gateway.handle("GET", "/locations", {}, b"", "127.0.0.1")[0] for _ in range(route.limits.burst + 1)]
    assert answers.count(200) == route.limits.burst and answers[-1] == 429
    status, headers, body = gateway.handle("GET", "/locations", {}, b"", "127.0.0.1")
    assert (status, headers["content-type"], int(headers["retry-after"])) == (429, "application/problem+json", 1)
    assert json.loads(body)["status"] == 429
    assert gateway.handle("GET", "/locations/utrecht-oudegracht", {}, b"", "127.0.0.1")[0] == 200  # per route
    clock.now += 1
    assert gateway.handle("GET", "/locations", {}, b"", "127.0.0.1")[0] == 200
    assert len(calls) == route.limits.burst + 2


def test_it_is_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCAL_THROTTLE", raising=False)
    assert Gateway(TOPOLOGY, lambda fn, event: {"statusCode": 200}, lambda m, s, b: None).throttle is None
