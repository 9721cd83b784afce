"""Who is calling: derived from the JWT claims that API Gateway's authorizer verified."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.errors import Forbidden, NotFound

ROLE_GROUPS = ("admin", "integration", "staff", "customer")  # strongest first
LOCATION_CLAIM = "custom:location_id"
CUSTOMER_CLAIM = "custom:customer_id"  # set on users made for customers enrolled in a store


@dataclass(frozen=True)
class Caller:
    role: str  # public | customer | staff | integration | admin
    subject: str = ""  # the token's sub (user) or client id (machine client)
    location_id: str | None = None  # staff only: the one location they work at
    email: str | None = field(default=None, repr=False)  # customers only: the token's e-mail (never logged)

    @property
    def principal(self) -> str:
        """Scope for idempotency keys: two callers never share a key space."""
        return f"{self.role}:{self.subject or 'anonymous'}"

    def may_manage_location(self, location_id: str) -> bool:
        if self.role in ("admin", "integration"):
            return True
        return self.role == "staff" and self.location_id == location_id

    def sees(self, customer_id: str | None, location_id: str) -> bool:
        """A customer sees their own things, staff their own store's, head office and integrations all."""
        return ((self.role == "customer" and customer_id == self.subject)
                or self.role in ("admin", "integration")
                or (self.role == "staff" and self.location_id == location_id))

    def require(self, allowed: Iterable[str]) -> None:
        if self.role not in set(allowed):
            raise Forbidden(f"A {self.role} caller may not do this.")

    def require_location(self, location_id: str) -> None:
        """Staff of another store get a 404: for them the thing does not exist."""
        if not self.may_manage_location(location_id):
            raise NotFound(f"Location {location_id!r} was not found.")


PUBLIC = Caller(role="public")


def _groups(claims: Mapping[str, Any]) -> list[str]:
    raw = claims.get("cognito:groups", [])
    if isinstance(raw, str):  # API Gateway flattens list claims to "[a b]" strings
        raw = raw.strip("[]").replace(",", " ").split()
    return [str(group) for group in raw]


def caller_from_claims(claims: Mapping[str, Any] | None) -> Caller:
    """Map verified claims to a caller; a token with no known group is treated as public."""
    if not claims:
        return PUBLIC
    groups = _groups(claims)
    scopes = str(claims.get("scope", "")).split()
    role = next((g for g in ROLE_GROUPS if g in groups), None)
    if role is None and any(s.endswith("/integration") for s in scopes):
        role = "integration"
    if role is None:
        return PUBLIC
    if role == "customer":
        email = claims.get("email")
        return Caller(role=role, subject=customer_id_from_claims(claims), email=str(email) if email else None)
    subject = str(claims.get("sub") or claims.get("client_id") or "")
    location = claims.get(LOCATION_CLAIM) if role == "staff" else None
    return Caller(role=role, subject=subject, location_id=str(location) if location else None)


def customer_id_from_claims(claims: Mapping[str, Any]) -> str:
    """A customer enrolled in a store signs in as a Cognito user made later, whose ``sub`` differs
    from the id their card and purchases carry: that user holds the id in ``custom:customer_id``.
    A customer who signed up online has none, and their ``sub`` is their id."""
    return str(claims.get(CUSTOMER_CLAIM) or claims.get("sub") or "")
