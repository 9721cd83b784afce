"""Domain errors: what the domain refuses and why, in its own words.

They know nothing of HTTP; ``shared.http.problems`` maps each class to its problem type.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; nothing was changed."""

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """Also used when the caller may not see the thing: it then does not exist for them."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class InvalidRequest(DomainError):
    """The request breaks a rule of the domain (``field`` in ``extra`` names the culprit)."""


class InvalidCursor(DomainError):
    """A list cursor this API did not give out for this list (edited, foreign or garbled)."""


class Conflict(DomainError):
    """The request does not fit the current state (an illegal step, a thing already there)."""


class InsufficientStock(Conflict):
    """Fewer units are available than asked for."""


class IdempotencyKeyReused(DomainError):
    """A key seen before came with a different request."""


class RetryLater(DomainError):
    """Refused for now, not for good: the answer carries ``Retry-After`` (seconds)."""

    def __init__(self, detail: str, *, retry_after_seconds: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after_seconds = retry_after_seconds


class TooManyRequests(RetryLater):
    """A limit on how much or how often one caller may do something (OWASP API4/API6)."""


class Unavailable(RetryLater):
    """Contention or a dependency outlasted our retries; nothing was changed."""
