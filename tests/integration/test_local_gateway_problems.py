"""The local gateway answers every odd request with problem+json, as the API does (issue 8 item 6)."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from infra.topology import TOPOLOGY
from local.gateway import Gateway, serve


def _invoke(_: Any, event: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event["routeKey"])}


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = serve(Gateway(TOPOLOGY, _invoke, lambda *_: None), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _send(port: int, method: str, target: str, body: bytes | None = None) -> tuple[int, dict[str, str], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, target, body=body)
        answer = connection.getresponse()
        headers = {k.lower(): v for k, v in answer.getheaders()}
        return answer.status, headers, json.loads(answer.read())
    finally:
        connection.close()


@pytest.mark.parametrize(("method", "target", "status"), [
    ("TRACE", "/stock/SKU-1", 405), ("OPTIONS", "/stock/SKU-1", 405), ("BREW", "/stock/SKU-1", 405),
    ("DELETE", "/stock/SKU-1", 405), ("TRACE", "/nowhere", 404), ("GET", "/stock/" + "A" * 100_000, 414),
    ("GET", "/stock/" + "A" * 10_300, 414),
])
def test_odd_requests_get_a_problem(port: int, method: str, target: str, status: int) -> None:
    answer, headers, problem = _send(port, method, target)
    assert (answer, headers["content-type"], problem["status"]) == (status, "application/problem+json", status)


def test_a_wrong_method_on_a_known_path_lists_the_declared_methods(port: int) -> None:
    answer, headers, _ = _send(port, "PATCH", "/stock/SKU-1/locations/utrecht-oudegracht/count")
    assert (answer, headers["allow"]) == (405, "PUT")


def test_a_known_route_still_reaches_its_function(port: int) -> None:
    assert _send(port, "GET", "/stock/SKU-1")[::2] == (200, "GET /stock/{sku}")


def test_head_gets_the_405_without_a_body(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("HEAD", "/stock/SKU-1")
        answer = connection.getresponse()
        assert (answer.status, answer.getheader("allow"), answer.read()) == (405, "GET", b"")
    finally:
        connection.close()
