"""Reading many items by key: BatchGetItem takes 100 keys at a time and may hand some back
unprocessed (throttling), which are asked for again after a short, growing, random pause."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from typing import Any

from shared.adapters.aws import conflict_outlasted_retries

MAX_KEYS = 100  # per BatchGetItem request
_ATTEMPTS = 10


def get_items(db: Any, *, table: str, keys: Sequence[dict[str, Any]], consistent: bool = False,
              projection: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every stored item of ``keys`` (absent ones are left out), in no particular order.
    ``projection``: ProjectionExpression and ExpressionAttributeNames, to read less."""
    for start in range(0, len(keys), MAX_KEYS):
        pending: dict[str, Any] = {table: {"Keys": list(keys[start:start + MAX_KEYS]), **(projection or {}),
                                           **({"ConsistentRead": True} if consistent else {})}}
        for attempt in range(_ATTEMPTS):
            page = db.batch_get_item(RequestItems=pending)
            yield from page["Responses"].get(table, [])
            pending = page.get("UnprocessedKeys") or {}
            if not pending:
                break
            time.sleep(min(1.0, 0.02 * 2**attempt) * random.random())
        else:
            raise conflict_outlasted_retries()  # 503 with Retry-After: throttled beyond our retries
