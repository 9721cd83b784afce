"""Domain errors. Each maps to one RFC 9457 problem type in ``shared.http.problems``."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; nothing was changed."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """Also used when the caller may not see the thing: it then does not exist for them."""

    status, slug, title = 404, "not-found", "Not found"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed"


class InvalidRequest(DomainError):
    status, slug, title = 422, "invalid-request", "The request is not valid"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class InsufficientStock(Conflict):
    slug, title = "insufficient-stock", "Not enough stock"


class IdempotencyKeyReused(DomainError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency key used for another request"
