"""Opaque, signed list cursors: a client may carry one but can neither read nor forge it.

A cursor is DynamoDB's ``LastEvaluatedKey`` plus an HMAC over it and the list's scope
(which list, for whom), so an edited cursor, or one taken from another customer's or
store's list, is refused with a 400 ``invalid-cursor`` before any query runs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from shared.errors import InvalidCursor
from shared.settings import settings

_MAX_LENGTH = 2048
T = TypeVar("T")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(scope: str, payload: str) -> str:
    secret = settings().cursor_secret
    if not secret:
        raise RuntimeError("CURSOR_SECRET is not set")
    digest = hmac.new(secret.encode(), f"{scope}\n{payload}".encode(), hashlib.sha256).digest()
    return _b64(digest)


def encode(key: dict[str, Any] | None, scope: str) -> str | None:
    """The cursor for the page after ``key`` (None: there is none)."""
    if not key:
        return None
    payload = _b64(json.dumps(key, sort_keys=True, separators=(",", ":")).encode())
    return f"{payload}.{_mac(scope, payload)}"


def _is_key(value: Any) -> bool:
    return isinstance(value, dict) and 0 < len(value) <= 8 and all(
        isinstance(name, str) and isinstance(attr, dict) and len(attr) == 1
        and next(iter(attr)) in ("S", "N") and isinstance(next(iter(attr.values())), str)
        for name, attr in value.items())


def decode(cursor: str | None, scope: str) -> dict[str, Any] | None:
    """The ``ExclusiveStartKey`` a cursor stands for; 400 if this API did not give it out for this list."""
    if not cursor:
        return None
    payload, _, mac = cursor.partition(".")
    if len(cursor) > _MAX_LENGTH or not payload or not hmac.compare_digest(mac.encode(), _mac(scope, payload).encode()):
        raise InvalidCursor("The cursor is not one this list gave out.", field="cursor")
    try:
        key = json.loads(_unb64(payload))
    except (binascii.Error, ValueError):
        raise InvalidCursor("The cursor is not one this list gave out.", field="cursor") from None
    if not _is_key(key):
        raise InvalidCursor("The cursor is not one this list gave out.", field="cursor")
    return key  # type: ignore[no-any-return]


def page_of_sorted(values: Sequence[T], key: Callable[[T], str], scope: str, limit: int,
                   cursor: str | None) -> tuple[list[T], str | None]:
    """One page of a list that is read whole (e.g. the cached locations), sorted by ``key``."""
    start = decode(cursor, scope)
    after = str(start.get("id", {}).get("S", "")) if start else None
    rest = [v for v in values if after is None or key(v) > after]
    page = list(rest[:limit])
    return page, encode({"id": {"S": key(page[-1])}}, scope) if len(rest) > limit else None


def every_page(db: Any, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item a query matches, over as many pages as it takes (for reads the system itself
    needs whole, never for a client's list, which pages with a cursor)."""
    found: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        page = db.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        found += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def query_all(db: Any, query: dict[str, Any], scope: str, limit: int, cursor: str | None,
              ) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``limit`` items from where ``cursor`` left off, reading as many pages as it takes.

    Each read asks for no more than is still missing, so the last key read is exactly the
    last item returned and the next page starts right after it: nothing skipped, nothing twice.
    """
    found: list[dict[str, Any]] = []
    start = decode(cursor, scope)
    while len(found) < limit:
        page = db.query(**query, Limit=limit - len(found), **({"ExclusiveStartKey": start} if start else {}))
        found += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    return found, encode(start, scope)


def customer_page(db: Any, table: str, customer_id: str, kind: str, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """A customer's purchases (kind PUR) or returns (RET), newest first: gsi2sk starts with the
    item type, so a page holds only that type."""
    return query_all(db, {
        "TableName": table, "IndexName": "gsi2", "ScanIndexForward": False,
        "KeyConditionExpression": "gsi2pk = :pk AND begins_with(gsi2sk, :type)",
        "ExpressionAttributeValues": {":pk": {"S": f"CUST#{customer_id}"},
                                      ":type": {"S": f"{kind}#"}},
    }, f"{kind}:{customer_id}", limit, cursor)
