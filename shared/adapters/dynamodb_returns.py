"""Returns in DynamoDB: pk=RET#<id>, sk=#, in the customer's timeline (gsi2, gsi2sk starts RET#)
and in gsi1 under RETURNS#<location> while it is on its way. A request adds the new return to
the transaction in which the purchase's store takes its units off what may still be returned;
a step saves it on the version that was read."""

from __future__ import annotations

from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.returns.model import ON_ITS_WAY, Disposition, HistoryEntry, Return, ReturnLine, ReturnStatus
from shared.settings import settings
from shared.transactions import Transaction

RETURN_PREFIX = "RET#"  # the pk of a return item


def _return_key(return_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{RETURN_PREFIX}{return_id}"}, "sk": {"S": "#"}}


def return_to_item(r: Return) -> dict[str, Any]:
    values: dict[str, Any] = {
        "return_id": r.return_id, "purchase_id": r.purchase_id, "customer_id": r.customer_id,
        "location_id": r.location_id, "status": r.status.value, "requested_at": items.stamp(r.requested_at),
        "lines": [{"sku": x.sku, "quantity": x.quantity, "unit_price_cents": x.unit_price_cents,
                   "disposition": x.disposition.value if x.disposition else None} for x in r.lines],
        "history": [{"status": h.status.value, "at": items.stamp(h.at)} for h in r.history],
        "contact_email": r.contact_email, "fingerprint": r.fingerprint, "reason": r.reason,
        "refund_reference": r.refund_reference, "language": r.language, "version": r.version,
        "points_discount_cents": r.points_discount_cents or None,
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
        points_discount_cents=int(v.get("points_discount_cents", 0)),
    )


def _return_or_none(item: dict[str, Any] | None) -> Return | None:
    return return_from_item(item) if item and "status" in item else None


class DynamoDBReturnStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def add_requested(self, tx: Transaction, *, ret: Return) -> None:
        dynamodb(tx).put(return_to_item(ret), subject=ret, new=True, decode=_return_or_none)

    def add_saved(self, tx: Transaction, *, before: Return, after: Return) -> None:
        on_version = {"ConditionExpression": "version = :v",
                      "ExpressionAttributeValues": {":v": items.to_attr(before.version)}}
        dynamodb(tx).put(return_to_item(after), subject=after, condition=on_version, decode=_return_or_none)

    def get(self, return_id: str) -> Return | None:
        item = self._db.get_item(TableName=self._table, Key=_return_key(return_id), ConsistentRead=True).get("Item")
        return return_from_item(item) if item else None

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Return], str | None]:
        found, after = cursors.customer_page(self._db, self._table, customer_id, "RET", limit, cursor)
        return [return_from_item(it) for it in found], after

    def expected_at(self, location_id: str, limit: int = 50,
                    cursor: str | None = None) -> tuple[list[Return], str | None]:
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": items.to_attr(f"RETURNS#{location_id}")},
        }, f"RETURNS:{location_id}", limit, cursor)
        return [return_from_item(it) for it in found], after
