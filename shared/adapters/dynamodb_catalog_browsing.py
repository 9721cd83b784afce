"""Browsing the catalog and counting what is bought together, in the single table.

- listing: the product items of ``dynamodb_catalog`` by id, on gsi2 (CATEGORY#<category>) or gsi3
  (PRODUCTS: the whole catalog); a text search filters on their lower-case ``search_text``.
- bought together: pk=TOGETHER#<product_id> sk=<other product_id> with a ``bought`` count, one
  item per direction of a pair, added to in one transaction with the purchase's claim
  (pk=IDEM#together#<purchase_id>), so a redelivered purchase counts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import permutations
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_catalog import product_from_item
from shared.adapters.dynamodb_transaction import DynamoDBTransactions, dynamodb
from shared.adapters.expressions import Update
from shared.catalog.listing import Keep
from shared.catalog.model import Product
from shared.settings import settings
from shared.transactions import Refused

MOST_READ = 100  # product items evaluated per query when a filter may drop some
MOST_PRODUCTS_COUNTED = 10  # of one purchase: 90 pair counts and the claim fit one transaction (100)


def _listing_key(product_id: str, category: str | None) -> dict[str, Any]:
    """The ExclusiveStartKey of a product in its list (table key and the index's key)."""
    index = {"gsi2pk": {"S": f"CATEGORY#{category}"}, "gsi2sk": {"S": product_id}} if category else {
        "gsi3pk": {"S": "PRODUCTS"}, "gsi3sk": {"S": product_id}}
    return {"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": "#"}, **index}


class DynamoDBProductListing:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    def list_products(self, *, category: str | None, text: str | None, limit: int, cursor: str | None,
                      keep: Keep | None = None) -> tuple[list[Product], str | None]:
        """Reads pages of the list until ``limit`` products are kept; the cursor is the last one shown,
        so the next page starts right after it, whatever the filters dropped."""
        scope = f"products:{category or ''}"  # a start key belongs to one partition
        start = cursors.decode(cursor, scope)
        index, pk_name, pk = ("gsi2", "gsi2pk", f"CATEGORY#{category}") if category else ("gsi3", "gsi3pk", "PRODUCTS")
        query: dict[str, Any] = {"TableName": self._table, "IndexName": index,
                                 "KeyConditionExpression": f"{pk_name} = :pk",
                                 "ExpressionAttributeValues": {":pk": {"S": pk}}}
        if text:
            query["FilterExpression"] = "contains(search_text, :text)"
            query["ExpressionAttributeValues"][":text"] = {"S": text.lower()}
        filtered = bool(text) or keep is not None
        shown: list[Product] = []
        while True:
            page = client("dynamodb").query(**query, Limit=min(MOST_READ, 4 * limit + 1 if filtered else limit + 1),
                                            **({"ExclusiveStartKey": start} if start else {}))
            batch = [product_from_item(item) for item in page.get("Items", [])]
            kept = keep(batch) if keep is not None and batch else batch
            start = page.get("LastEvaluatedKey")
            if len(shown) + len(kept) > limit or (len(shown) + len(kept) == limit and start):
                shown += kept[:limit - len(shown)]
                return shown, cursors.encode(_listing_key(shown[-1].product_id, category), scope)
            shown += kept
            if not start:
                return shown, None


class DynamoDBBoughtTogether:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name
        self._transactions = DynamoDBTransactions(self._table)

    def record(self, purchase_id: str, product_ids: Iterable[str]) -> bool:
        products = sorted(set(product_ids))[:MOST_PRODUCTS_COUNTED]
        expires = datetime.now(UTC) + timedelta(days=settings().idempotency_ttl_days)
        tx = self._transactions.begin()
        claim = items.idempotency_key("together", purchase_id) | items.to_item(
            {"expires_at_epoch": int(expires.timestamp())})
        dynamodb(tx).put(claim, subject=purchase_id, new=True)
        for one, other in permutations(products, 2):
            update = Update({"pk": {"S": f"TOGETHER#{one}"}, "sk": {"S": other}}).add("bought", 1)
            dynamodb(tx).update(update.build(), subject=(one, other))
        try:
            tx.commit()
        except Refused:
            return False  # counted before
        return True

    def partners(self, product_id: str, limit: int) -> list[tuple[str, int]]:
        found = cursors.every_page(client("dynamodb"), {
            "TableName": self._table, "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"TOGETHER#{product_id}"}}})
        counted = [(item["sk"]["S"], int(item["bought"]["N"])) for item in found]
        return sorted(counted, key=lambda pair: (-pair[1], pair[0]))[:limit]
