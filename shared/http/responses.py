"""What each route can answer, for its OpenAPI operation (the ``responses=`` of a route decorator).

Most statuses follow from the route itself: a token means 401 (API Gateway) and 404 (a role the
route is not for); path parameters mean 404; a body means 400, 413, 415 and 422. The rest is
what the use case can refuse (409), limit (429) or give up on under contention (503).
"""

from __future__ import annotations

from typing import Any

from infra.topology import TOPOLOGY
from shared.http.app import path
from shared.http.problems import CONTENT_TYPE

PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; some problems add fields (e.g. on_hand, alternatives).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["message"],
            "properties": {"field": {"type": ["string", "null"]}, "in": {"type": "string"},
                           "message": {"type": "string"}}}},
    },
    "additionalProperties": True,
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}}
_WHY = {
    400: "Malformed JSON (not UTF-8, too deep, integers too long)",
    401: "No valid bearer token",
    404: "No such resource, or not visible to this caller",
    409: "Conflicts with the current state",
    413: "Body too large",
    414: "Request target too long (API Gateway: request line and headers over 10 KB)",
    415: "The body is not application/json",
    422: "Missing or invalid fields, parameters or headers",
    429: "A per-customer or per-route limit was reached; see Retry-After",
    503: "Contention outlasted our retries; nothing changed; see Retry-After",
}
_ROUTES = {route.route_key: route for route, _ in TOPOLOGY.routes}
REPLAYED = "A retry (same Idempotency-Key or receipt): answered as the first time, changing nothing"


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description or _WHY[status],
                                "content": {CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}}}}
    if status in (429, 503):
        response["headers"] = _RETRY_AFTER
    return response


def answers(route_key: str, *, ok: str | None = None, created: str | None = None, deleted: str | None = None,
            conflict: bool = False, limited: bool = False, contended: bool = False,
            unknown: bool = False, paged: bool = False) -> dict[int, Any]:
    """The responses of one route: ``created`` names its 201 (then ``ok`` says when it is a 200),
    ``deleted`` its 204; ``conflict``, ``limited``, ``contended`` add 409, 429, 503, ``unknown``
    a 404 for what a query names (path parameters and protected routes have it anyway) and
    ``paged`` the 400 of a cursor this API did not give out."""
    route = _ROUTES[route_key]
    found: dict[int, Any] = {}
    if deleted is not None:
        found[204] = {"description": deleted, "content": {}}
    else:
        found[200] = {"description": ok or ("OK" if created is None else REPLAYED)}
    if created is not None:
        found[201] = {"description": created}
    if route.method in ("POST", "PUT", "PATCH"):
        found.update({status: problem_response(status) for status in (400, 413, 415)})
    if paged:
        found[400] = problem_response(400, "Malformed JSON, or a cursor this API did not give out"
                                      if 400 in found else "A cursor this API did not give out")
    found[414] = problem_response(414)
    if not route.is_public:
        found[401] = problem_response(401)
    if unknown or not route.is_public or "{" in route.path:
        found[404] = problem_response(404)
    if conflict:
        found[409] = problem_response(409)
    found[422] = problem_response(422)
    if limited:
        found[429] = problem_response(429)
    if contended:
        found[503] = problem_response(503)
    return dict(sorted(found.items()))


def declared(route_key: str, **what: Any) -> dict[str, Any]:
    """``@app.post(**declared("POST /orders", conflict=True))``: the route's path and responses."""
    return {"rule": path(route_key), "responses": answers(route_key, **what)}
