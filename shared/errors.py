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


class InvalidCursor(DomainError):
    """A list cursor this API did not give out for this list (edited, foreign or garbled)."""

    status, slug, title = 400, "invalid-cursor", "Invalid cursor"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class InsufficientStock(Conflict):
    slug, title = "insufficient-stock", "Not enough stock"


class IdempotencyKeyReused(DomainError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency key used for another request"


class RetryLater(DomainError):
    """Refused for now, not for good: the answer carries ``Retry-After`` (seconds)."""

    def __init__(self, detail: str, *, retry_after_seconds: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after_seconds = retry_after_seconds


class TooManyRequests(RetryLater):
    """A limit on how much or how often one caller may do something (OWASP API4/API6)."""

    status, slug, title = 429, "too-many-requests", "Too many requests"


class Unavailable(RetryLater):
    """Contention or a dependency outlasted our retries; nothing was changed."""

    status, slug, title = 503, "temporarily-unavailable", "Temporarily unavailable"
