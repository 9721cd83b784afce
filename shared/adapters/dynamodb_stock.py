"""Stock in DynamoDB: every change is one conditional update of the stock item, written in
one transaction with the idempotency record of the request that asked for it.

The transaction is what makes "applied exactly once" hold even when a Lambda dies between
writing and answering: the key is taken if and only if the change is applied.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters import items
from shared.adapters.aws import client, conflict_outlasted_retries
from shared.adapters.cursors import every_page
from shared.errors import IdempotencyKeyReused, InsufficientStock
from shared.settings import settings
from shared.stock.model import StockLevel
from shared.stock.ports import ChangeReceipt, IdempotencyClaim

ZERO = items.to_attr(0)
# Attributes a first write creates; never overwritten once there.
_INIT = ("reserved", "safety_stock", "damaged", "quality_check")
_MAX_CONFLICT_RETRIES = 8


class TransactionCancelled(Exception):
    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        super().__init__(str([r.get("Code") for r in reasons]))
        self.reasons = reasons


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
        levels: list[StockLevel] = []
        for chunk_start in range(0, len(keys), 100):
            pending: dict[str, Any] = {
                self._table: {"Keys": [items.stock_key(s, loc) for s, loc in keys[chunk_start:chunk_start + 100]]}
            }
            for attempt in range(10):
                page = self._db.batch_get_item(RequestItems=pending)
                levels += [items.stock_level_from_item(it) for it in page["Responses"].get(self._table, [])]
                pending = page.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(min(1.0, 0.02 * 2**attempt) * random.random())
        return levels

    # -- writes --------------------------------------------------------------------------

    def apply_delta(
        self, sku: str, location_id: str, delta: int, receipt: ChangeReceipt,
        claim: IdempotencyClaim, default_threshold: int, fact: bool = False,
    ) -> ChangeReceipt:
        update = delta_update(self._table, sku, location_id, receipt, default_threshold, delta, fact)
        try:
            self._transact(update, claim, receipt)
        except TransactionCancelled as cancelled:
            replay = self._replay_if_taken(cancelled, claim)
            if replay:
                return replay
            current = self._level_from_reason(cancelled.reasons[0], sku, location_id)
            current.with_delta(delta, fact)  # raises InsufficientStock with the numbers
            raise InsufficientStock(f"{sku} at {location_id}: the change was refused.") from None
        return receipt

    def apply_count(
        self, sku: str, location_id: str, on_hand: int, as_of: datetime,
        receipt: ChangeReceipt, claim: IdempotencyClaim, default_threshold: int,
    ) -> ChangeReceipt | None:
        update = stock_update(self._table, sku, location_id, receipt, default_threshold)
        update["UpdateExpression"] += (
            ", on_hand = :n, counted_as_of = :as_of"
            ", unreserved = :n - if_not_exists(reserved, :zero)"
            ", sellable = :n - if_not_exists(#committed, :zero)"
            ", #committed = if_not_exists(#committed, :zero)"
        )
        # a count is a fact: only an older count is refused, never one below what is held
        update["ConditionExpression"] = "attribute_not_exists(counted_as_of) OR counted_as_of < :as_of"
        values = update["ExpressionAttributeValues"]
        values[":n"] = items.to_attr(on_hand)
        values[":as_of"] = items.to_attr(items.stamp(as_of))
        try:
            self._transact(update, claim, receipt)
        except TransactionCancelled as cancelled:
            replay = self._replay_if_taken(cancelled, claim)
            if replay:
                return replay
            current = self._level_from_reason(cancelled.reasons[0], sku, location_id)
            if current.with_count(on_hand, as_of) is None:
                return None  # a newer count is in: this one is history, not news
            raise InsufficientStock(f"{sku} at {location_id}: the count was refused.") from None
        return receipt

    def apply_settings(
        self, sku: str, location_id: str, safety_stock: int, low_stock_threshold: int,
        receipt: ChangeReceipt,
    ) -> StockLevel:
        update = stock_update(self._table, sku, location_id, receipt, low_stock_threshold)
        update["UpdateExpression"] = update["UpdateExpression"].replace(
            "low_stock_threshold = if_not_exists(low_stock_threshold, :thr)", "low_stock_threshold = :thr"
        ).replace("safety_stock = if_not_exists(safety_stock, :zero)", "safety_stock = :s")
        update["UpdateExpression"] += (
            ", on_hand = if_not_exists(on_hand, :zero)"
            ", unreserved = if_not_exists(unreserved, :zero)"
            ", sellable = if_not_exists(unreserved, :zero) - :s"
            ", #committed = if_not_exists(reserved, :zero) + :s"
        )
        update["ExpressionAttributeValues"][":s"] = items.to_attr(safety_stock)
        result = self._db.update_item(**update, ReturnValues="ALL_NEW")
        return items.stock_level_from_item(result["Attributes"])

    # -- mechanics -----------------------------------------------------------------------

    def _transact(self, update: dict[str, Any], claim: IdempotencyClaim, receipt: ChangeReceipt) -> None:
        expires = datetime.now(UTC) + timedelta(days=settings().idempotency_ttl_days)
        record = items.idempotency_key(claim.scope, claim.key) | items.to_item({
            "fingerprint": claim.fingerprint,
            "receipt": _receipt_to_map(receipt),
            "expires_at_epoch": int(expires.timestamp()),
        })
        put = {
            "TableName": self._table, "Item": record,
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        run_transaction(self._db, [{"Update": update}, {"Put": put}])

    def _replay_if_taken(self, cancelled: TransactionCancelled, claim: IdempotencyClaim) -> ChangeReceipt | None:
        """When the key was taken before, this is a retry: answer as the first time did."""
        if len(cancelled.reasons) < 2 or cancelled.reasons[1].get("Code") != "ConditionalCheckFailed":
            return None
        found = self._db.get_item(
            TableName=self._table, Key=items.idempotency_key(claim.scope, claim.key), ConsistentRead=True
        ).get("Item")
        if not found:  # expired between the two calls: treat as the refusal it now is
            return None
        record = items.from_item(found)
        if record["fingerprint"] != claim.fingerprint:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used before for a different request; use a new key."
            )
        return replace(_receipt_from_map(record["receipt"]), replayed=True)

    @staticmethod
    def _level_from_reason(reason: dict[str, Any], sku: str, location_id: str) -> StockLevel:
        item = reason.get("Item")
        return items.stock_level_from_item(item) if item else StockLevel(sku=sku, location_id=location_id)


def run_transaction(db: Any, transact_items: list[dict[str, Any]]) -> None:
    """TransactWriteItems, retried with jitter while another transaction holds an item.

    Every attempt carries the same ClientRequestToken, made from the request itself: when an
    SDK retry (after a timeout) repeats a transaction whose first attempt was applied, DynamoDB
    answers it as a success without applying it again, instead of failing its conditions.
    Raises TransactionCancelled with the per-item reasons when a condition fails, and
    Unavailable (503, Retry-After) when the conflict outlasts the retries.
    """
    token = client_request_token(transact_items)
    for attempt in range(_MAX_CONFLICT_RETRIES):
        try:
            db.transact_write_items(TransactItems=transact_items, ClientRequestToken=token)
            return
        except db.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            codes = {r.get("Code") for r in reasons}
            if "ConditionalCheckFailed" in codes or "TransactionConflict" not in codes:
                raise TransactionCancelled(reasons) from None
            time.sleep(min(0.5, 0.01 * 2**attempt) * random.random())
    raise conflict_outlasted_retries()


def client_request_token(transact_items: list[dict[str, Any]]) -> str:
    """The same request gives the same token (at most 36 characters, as DynamoDB allows)."""
    canonical = json.dumps(transact_items, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:36]


def stock_update(
table: str, sku: str, location_id: str, receipt: ChangeReceipt, default_threshold: int
) -> dict[str, Any]:
    """The part every stock write shares: identity, first-write defaults, change stamp."""
    init = ", ".join(f"{name} = if_not_exists({name}, :zero)" for name in _INIT)
    change = {
        "change_id": receipt.change_id, "kind": receipt.kind, "delta": receipt.on_hand_delta,
        "source": receipt.source, "correlation_id": receipt.correlation_id,
        "at": items.stamp(receipt.applied_at),
    }
    return {
        "TableName": table,
        "Key": items.stock_key(sku, location_id),
        "UpdateExpression": (
            f"SET sku = :sku, location_id = :loc, gsi1pk = :g1pk, gsi1sk = :g1sk, {init}"
            ", low_stock_threshold = if_not_exists(low_stock_threshold, :thr)"
            ", updated_at = :at, last_change = :chg, version = if_not_exists(version, :zero) + :one"
        ),
        "ExpressionAttributeNames": {"#committed": "committed"},
        "ExpressionAttributeValues": {
            ":sku": items.to_attr(sku), ":loc": items.to_attr(location_id),
            ":g1pk": items.to_attr(f"LOC#{location_id}"), ":g1sk": items.to_attr(f"SKU#{sku}"),
            ":zero": ZERO, ":one": items.to_attr(1), ":thr": items.to_attr(default_threshold),
            ":at": items.to_attr(items.stamp(receipt.applied_at)),
            ":chg": {"M": items.to_item(change)},
        },
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }


def delta_update(table: str, sku: str, location_id: str, receipt: ChangeReceipt, default_threshold: int,
                 delta: int, fact: bool = False) -> dict[str, Any]:
    """A relative change to on_hand, refused (conditionally) if it would take held units;
    a fact (a till's sale) has no condition: it is recorded and may leave a shortfall."""
    update = stock_update(table, sku, location_id, receipt, default_threshold)
    update["UpdateExpression"] += (
        ", on_hand = if_not_exists(on_hand, :zero) + :d"
        ", unreserved = if_not_exists(unreserved, :zero) + :d"
        ", sellable = if_not_exists(sellable, :zero) + :d"
        ", #committed = if_not_exists(#committed, :zero)"
    )
    update["ExpressionAttributeValues"][":d"] = items.to_attr(delta)
    if delta < 0 and not fact:  # on_hand + delta >= reserved  <=>  unreserved >= -delta
        update["ConditionExpression"] = "unreserved >= :need"
        update["ExpressionAttributeValues"][":need"] = items.to_attr(-delta)
    return update


def bucket_update(table: str, sku: str, location_id: str, receipt: ChangeReceipt, bucket: str,
                  quantity: int) -> dict[str, Any]:
    """Units into a non-sellable bucket (damaged, quality_check), e.g. a returned item."""
    update = stock_update(table, sku, location_id, receipt, 0)
    update["UpdateExpression"] = update["UpdateExpression"].replace(
        f"{bucket} = if_not_exists({bucket}, :zero)", f"{bucket} = if_not_exists({bucket}, :zero) + :q")
    update["UpdateExpression"] += (
        ", on_hand = if_not_exists(on_hand, :zero), unreserved = if_not_exists(unreserved, :zero)"
        ", sellable = if_not_exists(sellable, :zero), #committed = if_not_exists(#committed, :zero)")
    update["ExpressionAttributeValues"][":q"] = items.to_attr(quantity)
    return update


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
