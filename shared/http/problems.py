"""RFC 9457 problem details: the one shape of every 4xx and 5xx this API returns.

The domain's errors say what went wrong; the status, ``type`` and title they answer with live here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidCursor,
    InvalidRequest,
    NotFound,
    TooManyRequests,
    Unavailable,
)

PROBLEM_TYPE_BASE = "https://retail-backend.example/problems/"
CONTENT_TYPE = "application/problem+json"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Response[str]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(status_code=status, content_type=CONTENT_TYPE, body=json.dumps(body, default=str))


@dataclass(frozen=True)
class ProblemType:
    """What a kind of refusal is over HTTP: its status and the last part and title of its ``type``."""

    status: int
    slug: str
    title: str


BASE_PROBLEM_TYPES: dict[type[DomainError], ProblemType] = {
    DomainError: ProblemType(400, "bad-request", "Bad request"),
    NotFound: ProblemType(404, "not-found", "Not found"),
    Forbidden: ProblemType(403, "forbidden", "Not allowed"),
    InvalidRequest: ProblemType(422, "invalid-request", "The request is not valid"),
    InvalidCursor: ProblemType(400, "invalid-cursor", "Invalid cursor"),
    Conflict: ProblemType(409, "conflict", "Conflict with the current state"),
    InsufficientStock: ProblemType(409, "insufficient-stock", "Not enough stock"),
    IdempotencyKeyReused: ProblemType(422, "idempotency-key-reused", "Idempotency key used for another request"),
    TooManyRequests: ProblemType(429, "too-many-requests", "Too many requests"),
    Unavailable: ProblemType(503, "temporarily-unavailable", "Temporarily unavailable"),
}


@cache
def problem_types() -> dict[type[DomainError], ProblemType]:
    """Every mapped error: the base kinds and the capabilities' own, whose modules are imported here,
    on the first refusal, not at a cold start (a handler that never refuses never loads them)."""
    from shared.loyalty.model import NotEnoughPoints
    from shared.orders.model import PickupCodeLocked
    from shared.pricing import PriceChanged, PriceOverrideRequired
    from shared.slots.model import SlotClosed, SlotFull

    return BASE_PROBLEM_TYPES | {
        NotEnoughPoints: ProblemType(409, "not-enough-points", "Not enough loyalty points"),
        PickupCodeLocked: ProblemType(429, "pickup-code-locked", "Pickup code locked"),
        PriceChanged: ProblemType(409, "price-changed", "The price changed"),
        PriceOverrideRequired: ProblemType(422, "price-override-required", "A price override is required"),
        SlotFull: ProblemType(409, "slot-full", "The time slot is full"),
        SlotClosed: ProblemType(409, "slot-closed", "The time slot can no longer be booked"),
    }


def problem_type(error: type[DomainError] | DomainError) -> ProblemType:
    """The nearest mapped class in the error's MRO: a subclass has its own type or its parent's."""
    kind = error if isinstance(error, type) else type(error)
    types = problem_types()
    return next(types[cls] for cls in kind.__mro__ if cls in types)


def problem_for(error: type[DomainError], detail: str, **extra: Any) -> Response[str]:
    """The problem of a domain error class, for answers made outside a use case (a refused role)."""
    kind = problem_type(error)
    return problem(kind.status, kind.slug, kind.title, detail, **extra)
