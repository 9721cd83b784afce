"""What browsing the catalog and "goes with" suggestions need from storage, beside ``ports``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from shared.catalog.model import Product

Keep = Callable[[list[Product]], list[Product]]  # of some products, those a list shows (in their order)


class ProductListing(Protocol):
    def list_products(self, *, category: str | None, text: str | None, limit: int, cursor: str | None,
                      keep: Keep | None = None) -> tuple[list[Product], str | None]:
        """Products by id, of one category or all, whose Dutch or English name contains ``text``
        (case-insensitive), and that ``keep`` keeps; up to ``limit`` from where ``cursor`` left off."""
        ...


class BoughtTogether(Protocol):
    def record(self, purchase_id: str, product_ids: Iterable[str]) -> bool:
        """Adds one to the count of every pair of these products; False when this purchase was
        counted before (a redelivered purchase counts once)."""
        ...

    def partners(self, product_id: str, limit: int) -> list[tuple[str, int]]:
        """The products bought most often with this one, with how often, most first."""
        ...
