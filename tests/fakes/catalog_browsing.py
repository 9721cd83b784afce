"""Browsing the in-memory catalog and counting what is bought together, with the rules of the
DynamoDB adapters: products listed by id, a cursor is the last id shown, a purchase counts once."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import permutations

from shared.catalog.listing import Keep
from shared.catalog.model import Product
from shared.errors import InvalidCursor
from tests.fakes.catalog import MemoryCatalog


def matches(product: Product, text: str | None) -> bool:
    """As the DynamoDB listing filters: on the lower-case names (nl, en) and category."""
    return (text or "").lower() in " ".join((product.name.nl, product.name.en, product.category)).lower()


class BrowsableCatalog(MemoryCatalog):
    def list_products(self, *, category: str | None, text: str | None, limit: int, cursor: str | None,
                      keep: Keep | None = None) -> tuple[list[Product], str | None]:
        if cursor is not None and not cursor.startswith("after:"):
            raise InvalidCursor("The cursor is not one this list gave out.", field="cursor")
        after = cursor.removeprefix("after:") if cursor else ""
        candidates = [p for _, p in sorted(self.products_by_id.items())
                      if p.product_id > after and (category is None or p.category == category) and matches(p, text)]
        shown = (keep or list)(candidates)
        page = shown[:limit]
        return page, f"after:{page[-1].product_id}" if len(shown) > limit else None


class MemoryBoughtTogether:
    def __init__(self) -> None:
        self.counted: set[str] = set()
        self.counts: dict[tuple[str, str], int] = {}

    def record(self, purchase_id: str, product_ids: Iterable[str]) -> bool:
        if purchase_id in self.counted:
            return False
        self.counted.add(purchase_id)
        for pair in permutations(sorted(set(product_ids)), 2):
            self.counts[pair] = self.counts.get(pair, 0) + 1
        return True

    def partners(self, product_id: str, limit: int) -> list[tuple[str, int]]:
        found = [(other, n) for (one, other), n in self.counts.items() if one == product_id]
        return sorted(found, key=lambda x: (-x[1], x[0]))[:limit]
