"""Purchases and returns in DynamoDB.

Purchase: pk=PUR#<id>, sk=#, with ``remaining`` (units per SKU that may still be returned) and
gsi2 in the customer's timeline (gsi2sk starts PUR#, a return's RET#). A till sale is one
transaction: a conditional sale update per line and the purchase record (whose id derives from
store and receipt id: a resent sale is recorded once). A return request takes its units off
``remaining`` with a condition per line in the same transaction as the return record, so
concurrent requests can never return more than
was bought. Return: pk=RET#<id>, in gsi1 under RETURNS#<location> while it is on its way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_stock import effect_update
from shared.adapters.dynamodb_transaction import TransactionCancelled, dynamodb, run_transaction
from shared.errors import Conflict, IdempotencyKeyReused
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.returns.model import Disposition, HistoryEntry, Return, ReturnLine, ReturnStatus
from shared.settings import settings
from shared.stock.model import INCREASE, INTO_DAMAGED, INTO_QUALITY_CHECK, SALE, StockMove
from shared.stock.ports import ChangeReceipt
from shared.transactions import Transaction

ON_ITS_WAY = {ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED}
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit per TransactWriteItems


PURCHASE_PREFIX = "PUR#"  # the pk of a purchase item (and of its chunks)
RETURN_PREFIX = "RET#"  # the pk of a return item


def _purchase_key(purchase_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{PURCHASE_PREFIX}{purchase_id}"}, "sk": {"S": "#"}}


def _return_key(return_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{RETURN_PREFIX}{return_id}"}, "sk": {"S": "#"}}


def purchase_to_item(p: Purchase, fingerprint: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "purchase_id": p.purchase_id, "channel": p.channel.value, "location_id": p.location_id,
        "lines": [{"sku": x.sku, "quantity": x.quantity, "unit_price_cents": x.unit_price_cents} for x in p.lines],
        "purchased_at": items.stamp(p.purchased_at), "reference": p.reference, "customer_id": p.customer_id,
        "receipt_email": p.receipt_email, "fingerprint": fingerprint,
        "remaining": {x.sku: x.quantity for x in p.lines},
    }
    if p.customer_id:
        values |= {"gsi2pk": f"CUST#{p.customer_id}", "gsi2sk": f"PUR#{items.stamp(p.purchased_at)}#{p.purchase_id}"}
    return _purchase_key(p.purchase_id) | items.to_item(values)


def purchase_from_item(item: dict[str, Any]) -> Purchase:
    v = items.from_item(item)
    return Purchase(
        purchase_id=str(v["purchase_id"]), channel=PurchaseChannel(v["channel"]), location_id=str(v["location_id"]),
        lines=tuple(PurchasedLine(str(x["sku"]), int(x["quantity"]), int(x["unit_price_cents"])) for x in v["lines"]),
        purchased_at=items.parse_stamp(v["purchased_at"]), reference=str(v["reference"]),
        customer_id=v.get("customer_id"), receipt_email=v.get("receipt_email"),
    )


def return_to_item(r: Return) -> dict[str, Any]:
    values: dict[str, Any] = {
        "return_id": r.return_id, "purchase_id": r.purchase_id, "customer_id": r.customer_id,
        "location_id": r.location_id, "status": r.status.value, "requested_at": items.stamp(r.requested_at),
        "lines": [{"sku": x.sku, "quantity": x.quantity, "unit_price_cents": x.unit_price_cents,
                   "disposition": x.disposition.value if x.disposition else None} for x in r.lines],
        "history": [{"status": h.status.value, "at": items.stamp(h.at)} for h in r.history],
        "contact_email": r.contact_email, "fingerprint": r.fingerprint, "reason": r.reason,
        "refund_reference": r.refund_reference, "language": r.language, "version": r.version,
    }
    for line in values["lines"]:
        if line["disposition"] is None:
            del line["disposition"]
    if r.customer_id:
        values |= {"gsi2pk": f"CUST#{r.customer_id}", "gsi2sk": f"RET#{items.stamp(r.requested_at)}#{r.return_id}"}
    if r.status in ON_ITS_WAY:
        values |= {"gsi1pk": f"RETURNS#{r.location_id}", "gsi1sk": f"{items.stamp(r.requested_at)}#{r.return_id}"}
    return _return_key(r.return_id) | items.to_item(values)


def return_from_item(item: dict[str, Any]) -> Return:
    v = items.from_item(item)
    return Return(
        return_id=str(v["return_id"]), purchase_id=str(v["purchase_id"]), customer_id=v.get("customer_id"),
        location_id=str(v["location_id"]), status=ReturnStatus(v["status"]),
        lines=tuple(ReturnLine(str(x["sku"]), int(x["quantity"]), int(x["unit_price_cents"]),
                               Disposition(x["disposition"]) if x.get("disposition") else None) for x in v["lines"]),
        requested_at=items.parse_stamp(v["requested_at"]), contact_email=v.get("contact_email"),
        fingerprint=str(v["fingerprint"]), reason=v.get("reason"), refund_reference=v.get("refund_reference"),
        history=tuple(HistoryEntry(ReturnStatus(h["status"]), items.parse_stamp(h["at"])) for h in v["history"]),
        language=str(v.get("language", "nl")), version=int(v["version"]),
    )


class DynamoDBReturnStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def _receipt(self, sku: str, location_id: str, kind: str, ref: str, delta: int | None) -> ChangeReceipt:
        return ChangeReceipt(change_id=f"{ref}:{kind}:{sku}", sku=sku, location_id=location_id, kind=kind,
                             on_hand_delta=delta, on_hand=None, applied_at=datetime.now(UTC), source=ref)

    # -- purchases -----------------------------------------------------------------------

    def purchase_put(self, purchase: Purchase, fingerprint: str) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": purchase_to_item(purchase, fingerprint),
                        "ConditionExpression": "attribute_not_exists(pk)"}}

    def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
        dynamodb(tx).put(purchase_to_item(purchase, fingerprint), subject=purchase, new=True)

    def record_sale(self, purchase: Purchase, fingerprint: str, threshold: int) -> tuple[Purchase, bool]:
        """Each line's sale and the purchase record. A sale is a fact: no stock condition, so
        only an earlier recording of the receipt cancels it (a replay, or another meaning).

        A receipt with more lines than fit in one transaction (100 items) is written in
        chunks, each with its own marker (pk=PUR#<id>, sk=CHUNK#<n>) so that a retry skips
        the chunks done, and the purchase record last: it exists only when every line does.
        """
        sales = [{"Update": {"TableName": self._table, **effect_update(
            StockMove(line.sku, purchase.location_id, SALE, line.quantity),
            self._receipt(line.sku, purchase.location_id, "sale", f"purchase:{purchase.purchase_id}", -line.quantity),
            threshold)}} for line in purchase.lines]
        if len(sales) >= MAX_TRANSACTION_ITEMS:
            replayed = self._replay(purchase, fingerprint)
            if replayed is not None:
                return replayed, False
            for number, start in enumerate(range(0, len(sales), MAX_TRANSACTION_ITEMS - 1)):
                self._write_chunk(purchase, fingerprint, number, sales[start:start + MAX_TRANSACTION_ITEMS - 1])
            sales = []
        try:
            run_transaction(self._db, [*sales, self.purchase_put(purchase, fingerprint)])
            return purchase, True
        except TransactionCancelled as cancelled:
            replayed = self._replay(purchase, fingerprint)
            if replayed is not None:
                return replayed, False
            raise Conflict(f"The sale {purchase.reference} could not be recorded; send it again.",
                           codes=[r.get("Code") for r in cancelled.reasons]) from None

    def _replay(self, purchase: Purchase, fingerprint: str) -> Purchase | None:
        item = self._db.get_item(TableName=self._table, Key=_purchase_key(purchase.purchase_id),
                                 ConsistentRead=True).get("Item")
        if item is None:
            return None
        if items.from_item(item)["fingerprint"] != fingerprint:
            raise IdempotencyKeyReused("This receipt id was recorded with other lines.") from None
        return purchase_from_item(item)

    def _write_chunk(self, purchase: Purchase, fingerprint: str, number: int, sales: list[dict[str, Any]]) -> None:
        marker = {"pk": {"S": f"PUR#{purchase.purchase_id}"}, "sk": {"S": f"CHUNK#{number:03d}"},
                  "fingerprint": {"S": fingerprint}}
        put = {"Put": {"TableName": self._table, "Item": marker, "ConditionExpression": "attribute_not_exists(pk)"}}
        try:
            run_transaction(self._db, [*sales, put])
        except TransactionCancelled:
            done = self._db.get_item(TableName=self._table, Key={"pk": marker["pk"], "sk": marker["sk"]},
                                     ConsistentRead=True).get("Item")
            if done is None:
                raise Conflict(f"The sale {purchase.reference} could not be recorded; send it again.") from None
            if done["fingerprint"]["S"] != fingerprint:
                raise IdempotencyKeyReused("This receipt id was recorded with other lines.") from None

    def get_purchase(self, purchase_id: str) -> Purchase | None:
        item = self._db.get_item(TableName=self._table, Key=_purchase_key(purchase_id)).get("Item")
        return purchase_from_item(item) if item else None

    def _customer_page(self, customer_id: str, kind: str, limit: int,
                       cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first; gsi2sk starts with the item type, so a page holds only that type."""
        return cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi2", "ScanIndexForward": False,
            "KeyConditionExpression": "gsi2pk = :pk AND begins_with(gsi2sk, :type)",
            "ExpressionAttributeValues": {":pk": items.to_attr(f"CUST#{customer_id}"),
                                          ":type": items.to_attr(f"{kind}#")},
        }, f"{kind}:{customer_id}", limit, cursor)

    def timeline(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]:
        found, after = self._customer_page(customer_id, "PUR", limit, cursor)
        return [purchase_from_item(it) for it in found], after

    # -- returns -------------------------------------------------------------------------

    def request(self, ret: Return) -> tuple[Return, bool]:
        names = {f"#s{i}": line.sku for i, line in enumerate(ret.lines)}
        values = {f":q{i}": items.to_attr(line.quantity) for i, line in enumerate(ret.lines)}
        take = {"Update": {
            "TableName": self._table, "Key": _purchase_key(ret.purchase_id),
            "UpdateExpression": "SET " + ", ".join(f"remaining.#s{i} = remaining.#s{i} - :q{i}"
                                                   for i in range(len(ret.lines))),
            "ConditionExpression": " AND ".join(f"remaining.#s{i} >= :q{i}" for i in range(len(ret.lines))),
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
        }}
        put = {"Put": {"TableName": self._table, "Item": return_to_item(ret),
                       "ConditionExpression": "attribute_not_exists(pk)"}}
        try:
            run_transaction(self._db, [put, take])
            return ret, True
        except TransactionCancelled as cancelled:
            if cancelled.reasons and cancelled.reasons[0].get("Code") == "ConditionalCheckFailed":
                existing = self.get(ret.return_id)
                if existing is not None:
                    if existing.fingerprint != ret.fingerprint:
                        raise IdempotencyKeyReused("This Idempotency-Key was used for another return.") from None
                    return existing, False
            raise Conflict("More units would be returned than were bought (other returns of this purchase "
                           "count too).", field="lines") from None

    def save(self, before: Return, after: Return, restore_remaining: bool = False) -> Return:
        """A step; on rejection the units become returnable again; on inspection, stock moves."""
        put = {"Put": {"TableName": self._table, "Item": return_to_item(after), "ConditionExpression": "version = :v",
                       "ExpressionAttributeValues": {":v": items.to_attr(before.version)}}}
        more: list[dict[str, Any]] = []
        if restore_remaining:
            more.append({"Update": {
                "TableName": self._table, "Key": _purchase_key(after.purchase_id),
                "UpdateExpression": "SET " + ", ".join(f"remaining.#s{i} = remaining.#s{i} + :q{i}"
                                                       for i in range(len(after.lines))),
                "ExpressionAttributeNames": {f"#s{i}": x.sku for i, x in enumerate(after.lines)},
                "ExpressionAttributeValues": {f":q{i}": items.to_attr(x.quantity) for i, x in enumerate(after.lines)},
            }})
        if after.status is ReturnStatus.INSPECTED and before.status is not ReturnStatus.INSPECTED:
            more += [{"Update": self._stock_effect(after, line)} for line in after.lines]
        try:
            run_transaction(self._db, [put, *more])
        except TransactionCancelled:
            raise Conflict(f"Return {before.return_id} changed meanwhile; read it and retry.") from None
        return after

    def _stock_effect(self, ret: Return, line: ReturnLine) -> dict[str, Any]:
        ref = f"return:{ret.return_id}"
        if line.disposition is Disposition.RESTOCK:
            receipt = self._receipt(line.sku, ret.location_id, "return_restock", ref, line.quantity)
            effect = INCREASE
        else:
            bucket = "damaged" if line.disposition is Disposition.DAMAGED else "quality_check"
            receipt = self._receipt(line.sku, ret.location_id, f"return_{bucket}", ref, 0)
            effect = INTO_DAMAGED if line.disposition is Disposition.DAMAGED else INTO_QUALITY_CHECK
        return {"TableName": self._table, **effect_update(StockMove(line.sku, ret.location_id, effect, line.quantity),
                                                          receipt, 0)}

    def get(self, return_id: str) -> Return | None:
        item = self._db.get_item(TableName=self._table, Key=_return_key(return_id), ConsistentRead=True).get("Item")
        return return_from_item(item) if item else None

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Return], str | None]:
        found, after = self._customer_page(customer_id, "RET", limit, cursor)
        return [return_from_item(it) for it in found], after

    def expected_at(self, location_id: str, limit: int = 50,
                    cursor: str | None = None) -> tuple[list[Return], str | None]:
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": items.to_attr(f"RETURNS#{location_id}")},
        }, f"RETURNS:{location_id}", limit, cursor)
        return [return_from_item(it) for it in found], after
