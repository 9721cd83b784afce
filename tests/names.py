"""Names for what tests create (idempotency keys, event ids, SKUs): unique within a run and
the same in every run, so a failure can be replayed. Never uuid4 or the clock."""

from __future__ import annotations

import itertools


class Names:
    """``Names("orders")()`` -> "key-orders-1", then "key-orders-2", ...; ``("SKU")`` -> "SKU-orders-3"."""

    def __init__(self, prefix: str) -> None:
        self._prefix, self._count = prefix, itertools.count(1)

    def __call__(self, what: str = "key") -> str:
        return f"{what}-{self._prefix}-{next(self._count)}"

