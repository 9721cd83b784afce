"""Stock in DynamoDB: every change (an effect or a count) is one update of the stock item, added
to the transaction of the use case that makes it (with the request's idempotency record, a
hold's record, a purchase...), so that "applied exactly once" holds even when a Lambda dies
between writing and answering: the key is taken if and only if the change is applied. An effect
that requires units carries that as its condition; facts (a sale, an increase) carry none.
Settings are the one write on its own.

The update and its condition are built from the effect's definition in ``shared.stock.model``,
the same one ``StockLevel.apply`` follows in memory.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters import batches, items
from shared.adapters.aws import client
from shared.adapters.cursors import every_page
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.errors import IdempotencyKeyReused
from shared.idempotency import IdempotencyClaim
from shared.settings import settings
from shared.stock.model import StockCount, StockLevel, StockMove
from shared.stock.ports import ChangeReceipt
from shared.transactions import Transaction

# Attributes a first write creates; never overwritten once there (effects move them).
_INIT = ("on_hand", "reserved", "safety_stock", "damaged", "quality_check", "in_transit")


class DynamoDBStockStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- reads ---------------------------------------------------------------------------

    def get(self, sku: str, location_id: str, consistent: bool = False) -> StockLevel | None:
        found = self._db.get_item(TableName=self._table, Key=items.stock_key(sku, location_id),
                                  ConsistentRead=consistent)
        item = found.get("Item")
        return items.stock_level_from_item(item) if item else None

    def list_for_sku(self, sku: str) -> list[StockLevel]:
        return [items.stock_level_from_item(it) for it in every_page(self._db, {
            "TableName": self._table, "KeyConditionExpression": "pk = :pk AND begins_with(sk, :loc)",
            "ExpressionAttributeValues": {":pk": {"S": f"SKU#{sku}"}, ":loc": {"S": "LOC#"}}})]

    def list_at_location(self, location_id: str) -> list[StockLevel]:
        """Every SKU at one location: one query on gsi1 (eventually consistent)."""
        return [items.stock_level_from_item(it) for it in every_page(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"LOC#{location_id}"}}})]

    def get_many(self, keys: list[tuple[str, str]]) -> list[StockLevel]:
        return [items.stock_level_from_item(it) for it in batches.get_items(
            self._db, table=self._table, keys=[items.stock_key(sku, loc) for sku, loc in keys])]

    # -- writes (added to the caller's transaction) -------------------------------------

    def add_move(self, tx: Transaction, *, move: StockMove, change: ChangeReceipt, default_threshold: int) -> None:
        """Refused (subject ``move``, current: the StockLevel) when what the effect requires is short."""
        dynamodb(tx).update(effect_update(move, change, default_threshold), subject=move, decode=level_or_none)

    def add_count(self, tx: Transaction, *, count: StockCount, change: ChangeReceipt, default_threshold: int) -> None:
        """Refused (subject ``count``) when a count as new or newer was applied before."""
        dynamodb(tx).update(count_update(count, change, default_threshold), subject=count, decode=level_or_none)

    def add_receipt(self, tx: Transaction, *, claim: IdempotencyClaim, receipt: ChangeReceipt) -> None:
        """The request's record: refused (subject ``claim``) when its key was taken before."""
        expires = datetime.now(UTC) + timedelta(days=settings().idempotency_ttl_days)
        record = items.idempotency_key(claim.scope, claim.key) | items.to_item({
            "fingerprint": claim.fingerprint,
            "receipt": _receipt_to_map(receipt),
            "expires_at_epoch": int(expires.timestamp()),
        })
        dynamodb(tx).put(record, subject=claim, new=True)

    def receipt_for(self, claim: IdempotencyClaim) -> ChangeReceipt | None:
        """What the first request with this key was answered (a retry gets the same), or None."""
        found = self._db.get_item(
            TableName=self._table, Key=items.idempotency_key(claim.scope, claim.key), ConsistentRead=True
        ).get("Item")
        if not found:  # never taken, or expired meanwhile
            return None
        record = items.from_item(found)
        if record["fingerprint"] != claim.fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used before for a different request; use a new key."
            )
        return replace(_receipt_from_map(record["receipt"]), replayed=True)

    def apply_settings(self, *, sku: str, location_id: str, safety_stock: int, low_stock_threshold: int,
                       change: ChangeReceipt) -> StockLevel:
        """Settings are set, not added: one update on its own (the same again, the same quantities)."""
        update = _stock_write(sku, location_id, change, low_stock_threshold)
        update.set("low_stock_threshold", low_stock_threshold).set("safety_stock", safety_stock)
        update.keep("unreserved", 0)
        update.set_expression("sellable", f"{update.current('unreserved')} - {update.value(safety_stock)}")
        update.set_expression("committed", f"{update.current('reserved')} + {update.value(safety_stock)}")
        result = self._db.update_item(TableName=self._table, **update.build(), ReturnValues="ALL_NEW")
        return items.stock_level_from_item(result["Attributes"])


def level_or_none(item: dict[str, Any] | None) -> StockLevel | None:
    """The stock level a refused write found (None: no stock item there yet)."""
    return items.stock_level_from_item(item) if item and "sku" in item else None


def _stock_write(sku: str, location_id: str, change: ChangeReceipt, default_threshold: int) -> Update:
    """What every stock write shares: identity, first-write defaults, the change stamp, version."""
    update = Update(items.stock_key(sku, location_id))
    update.set("sku", sku).set("location_id", location_id)
    update.set("gsi1pk", f"LOC#{location_id}").set("gsi1sk", f"SKU#{sku}")
    for counter in _INIT:
        update.keep(counter, 0)
    update.keep("low_stock_threshold", default_threshold)
    update.set("updated_at", items.stamp(change.applied_at))
    update.set("last_change", {name: value for name, value in {
        "change_id": change.change_id, "kind": change.kind, "delta": change.on_hand_delta,
        "source": change.source, "correlation_id": change.correlation_id, "at": items.stamp(change.applied_at),
    }.items() if value is not None})
    return update.add("version", 1)


def effect_update(move: StockMove, change: ChangeReceipt, default_threshold: int) -> dict[str, Any]:
    """The effect's counters and stored sums moved, on condition that what it requires covers it."""
    update = _stock_write(move.sku, move.location_id, change, default_threshold)
    for counter, amount in move.effect.counters(move.quantity).items():
        update.add(counter, amount)
    for derived, amount in move.effect.derived(move.quantity).items():
        update.add(derived, amount)
    if move.effect.requires is not None:
        update.require_at_least(move.effect.requires, move.quantity)
    return update.build()


def count_update(count: StockCount, change: ChangeReceipt, default_threshold: int) -> dict[str, Any]:
    """on_hand set to what was counted (a fact: fewer than are held shows as shortfall); only an
    older count is refused, so counts that arrive out of order end at the newest."""
    update = _stock_write(count.sku, count.location_id, change, default_threshold)
    counted = update.value(count.on_hand)
    update.set("on_hand", count.on_hand).set("counted_as_of", items.stamp(count.as_of))
    update.set_expression("unreserved", f"{counted} - {update.current('reserved')}")
    update.set_expression("sellable", f"{counted} - {update.current('committed')}")
    update.keep("committed", 0)
    return update.require_absent_or_below("counted_as_of", items.stamp(count.as_of)).build()


def _receipt_to_map(receipt: ChangeReceipt) -> dict[str, Any]:
    values = asdict(receipt)
    values["applied_at"] = items.stamp(receipt.applied_at)
    values.pop("replayed")
    return {k: v for k, v in values.items() if v is not None}


def _receipt_from_map(values: dict[str, Any]) -> ChangeReceipt:
    return ChangeReceipt(
        change_id=str(values["change_id"]), sku=str(values["sku"]),
        location_id=str(values["location_id"]), kind=str(values["kind"]),
        on_hand_delta=int(values["on_hand_delta"]) if "on_hand_delta" in values else None,
        on_hand=int(values["on_hand"]) if "on_hand" in values else None,
        applied_at=items.parse_stamp(str(values["applied_at"])), source=str(values["source"]),
        correlation_id=str(values["correlation_id"]) if values.get("correlation_id") else None,
    )
