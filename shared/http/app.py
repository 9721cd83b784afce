"""The API Gateway (HTTP API, payload v2) resolver that every API function builds on.

It validates input with pydantic (and so describes itself in OpenAPI), turns every error
into problem+json, and tells handlers who the caller is. Route paths come from the topology
so that a route is declared once.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from infra.topology import TOPOLOGY
from shared.errors import DomainError, NotFound, RetryLater
from shared.http.problems import problem, problem_for, problem_type
from shared.identity import Caller, caller_from_claims
from shared.observability import logger

_ROUTES = {route.route_key: route for route, _ in TOPOLOGY.routes}
_ROUTE_KEYS = set(_ROUTES)
BODY_METHODS = {"POST", "PUT", "PATCH"}
MAX_BODY_BYTES = 1_000_000  # the largest real body (a 200-line till sale) is about 30 kB
NO_SUCH_RESOURCE = "There is no such resource."


def path(route_key: str) -> str:
    """The resolver path of a declared route: "GET /stock/{sku}" -> "/stock/<sku>"."""
    if route_key not in _ROUTE_KEYS:
        raise KeyError(f"{route_key} is not declared in infra/topology.py")
    return route_key.split(" ", 1)[1].replace("{", "<").replace("}", ">")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[-1] if loc else "")


def _validation_problem(error: RequestValidationError) -> Response[str]:
    issues = error.errors()
    if any(issue.get("type") == "json_invalid" for issue in issues):
        return problem(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.")
    errors = [
        {"field": _field(tuple(issue.get("loc", ()))), "in": str(issue.get("loc", ("body",))[0]),
         "message": issue.get("msg", "invalid")}
        for issue in issues
    ]
    return problem(422, "validation-failed", "The request is not valid",
                   "One or more fields are missing or invalid.", errors=errors)


def _result(refused: Response[str]) -> dict[str, Any]:
    return {"statusCode": refused.status_code, "headers": {"Content-Type": refused.headers["Content-Type"]},
            "body": refused.body, "isBase64Encoded": False}


def is_json_media_type(content_type: str) -> bool:
    """application/json or application/*+json, with any parameters (charset=utf-8)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json"))


def _json_body(event: dict[str, Any]) -> tuple[Response[str] | None, dict[str, Any]]:
    """A body is JSON text of sane size and depth, or a 4xx problem before any model sees it.

    Powertools would answer other media types, RecursionError (deep nesting) and ValueError
    (integers past Python's digit limit, bytes that are not UTF-8) with a 500. The event
    handed on carries the body as plain JSON text.
    """
    raw = event.get("body")
    method = str(((event.get("requestContext") or {}).get("http") or {}).get("method", "")).upper()
    if not raw or method not in BODY_METHODS:
        return None, event
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "application/json")
    if not is_json_media_type(content_type):
        return problem(415, "unsupported-media-type", "Unsupported media type",
                       "Send the body as application/json."), event
    try:
        data = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else str(raw).encode()
    except (binascii.Error, ValueError):
        return problem(400, "malformed-json", "Malformed JSON", "The request body is not valid JSON."), event
    if len(data) > MAX_BODY_BYTES:
        return problem(413, "payload-too-large", "Payload too large",
                       f"The request body exceeds {MAX_BODY_BYTES} bytes."), event
    try:
        text = data.decode("utf-8")
        json.loads(text)
    except (RecursionError, ValueError):  # JSONDecodeError, UnicodeDecodeError and digit limits are ValueErrors
        return problem(400, "malformed-json", "Malformed JSON",
                       "The request body is not valid JSON (UTF-8, nested at most a few hundred levels, "
                       "integers of at most 4300 digits)."), event
    headers["content-type"] = "application/json"
    return None, {**event, "headers": headers, "body": text, "isBase64Encoded": False}


def resolve(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every route's ``access`` in the topology holds here, before anything reads the request.

    API Gateway's authorizer only proves the token is valid; which roles may call a route is
    checked once, here, ahead of validation (so a caller cannot even learn a route's body).
    A caller the route is not for gets a 404, as if it did not exist.
    """
    route = _ROUTES.get(str(event.get("routeKey", "")))
    if route is not None and not route.is_public:
        claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims")
        if caller_from_claims(claims).role not in {access.value for access in route.access}:
            return _result(problem_for(NotFound, NO_SUCH_RESOURCE))
    refused, event = _json_body(event)
    if refused is not None:
        return _result(refused)
    return app.resolve(event, context)


def http_app() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[str]:
        return _validation_problem(error)

    @app.exception_handler(DomainError)
    def _refused(error: DomainError) -> Response[str]:
        field = error.extra.get("field")
        errors = [{"field": field, "message": error.detail}] if field else None
        extra = {k: v for k, v in error.extra.items() if k != "field"}
        kind = problem_type(error)
        refused = problem(kind.status, kind.slug, kind.title, error.detail, errors=errors, **extra)
        if isinstance(error, RetryLater):
            refused.headers["Retry-After"] = str(error.retry_after_seconds)
        return refused

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[str]:
        return problem_for(NotFound, NO_SUCH_RESOURCE)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return problem(500, "internal-error", "Internal error",
                       "Something went wrong on our side; it has been logged. Retry later.")

    return app


def current_caller(app: APIGatewayHttpResolver) -> Caller:
    context = app.current_event.raw_event.get("requestContext", {})
    claims = (context.get("authorizer") or {}).get("jwt", {}).get("claims")
    return caller_from_claims(claims)


def correlation_id(app: APIGatewayHttpResolver) -> str | None:
    headers = app.current_event.headers or {}
    return headers.get("x-correlation-id") or app.current_event.request_context.request_id
