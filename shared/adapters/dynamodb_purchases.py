"""Purchases in DynamoDB.

Purchase: pk=PUR#<id>, sk=#, with ``remaining`` (units per SKU that may still be returned) and
gsi2 in the customer's timeline (gsi2sk starts PUR#; a return's RET#). A purchase with a price
override or an unapproved price deviation is also in gsi1 under OVERRIDES#<location> by time
(the store's price-override report; sparse, so no extra item or write). A receipt too long for
one transaction leaves a mark per part written (pk=PUR#<id>, sk=CHUNK#<n>) before its record.
The id derives from store and receipt id (or order id): a resent sale is recorded once.
"""

from __future__ import annotations

from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.purchases.model import (
    PriceOverride,
    Purchase,
    PurchaseChannel,
    PurchasedLine,
    ReceiptPart,
    ReturnableUnits,
)
from shared.purchases.ports import RecordedPurchase
from shared.settings import settings
from shared.transactions import Transaction

PURCHASE_PREFIX = "PUR#"  # the pk of a purchase item (and of its parts' marks)
OVERRIDES_PREFIX = "OVERRIDES#"  # gsi1pk of a purchase with a price override or deviation, per store


def _purchase_key(purchase_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{PURCHASE_PREFIX}{purchase_id}"}, "sk": {"S": "#"}}


def _part_key(part: ReceiptPart) -> dict[str, Any]:
    return {"pk": {"S": f"{PURCHASE_PREFIX}{part.purchase_id}"}, "sk": {"S": f"CHUNK#{part.number:03d}"}}


def purchase_to_item(p: Purchase, fingerprint: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "purchase_id": p.purchase_id, "channel": p.channel.value, "location_id": p.location_id,
        "lines": [_line_to_map(x) for x in p.lines],
        "purchased_at": items.stamp(p.purchased_at), "reference": p.reference, "customer_id": p.customer_id,
        "receipt_email": p.receipt_email, "receipt_language": p.receipt_language, "fingerprint": fingerprint,
        "points_discount_cents": p.points_discount_cents or None,
        "remaining": {x.sku: x.quantity for x in p.lines},
    }
    if p.customer_id:
        values |= {"gsi2pk": f"CUST#{p.customer_id}", "gsi2sk": f"PUR#{items.stamp(p.purchased_at)}#{p.purchase_id}"}
    if p.deviates:  # the store's price-override report (sparse: only purchases with an override or deviation)
        values |= {"gsi1pk": f"{OVERRIDES_PREFIX}{p.location_id}",
                   "gsi1sk": f"{items.stamp(p.purchased_at)}#{p.purchase_id}"}
    return _purchase_key(p.purchase_id) | items.to_item(values)


def _line_to_map(x: PurchasedLine) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sku": x.sku, "quantity": x.quantity, "unit_price_cents": x.unit_price_cents,
        "list_price_cents": x.list_price_cents, "promotion_id": x.promotion_id, "vat_rate_percent": x.vat_rate_percent,
        "catalog_price_cents": x.catalog_price_cents, "approved": None if x.approved else False,
        "override": {"reason": x.override.reason, "approved_by": x.override.approved_by} if x.override else None}
    return {k: v for k, v in values.items() if v is not None}


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


def _line_from_map(x: dict[str, Any]) -> PurchasedLine:
    override = x.get("override")
    return PurchasedLine(
        str(x["sku"]), int(x["quantity"]), int(x["unit_price_cents"]),
        list_price_cents=_number(x.get("list_price_cents")), promotion_id=x.get("promotion_id"),
        vat_rate_percent=_number(x.get("vat_rate_percent")), catalog_price_cents=_number(x.get("catalog_price_cents")),
        override=PriceOverride(str(override["reason"]), str(override["approved_by"])) if override else None,
        approved=bool(x.get("approved", True)))


def purchase_from_item(item: dict[str, Any]) -> Purchase:
    v = items.from_item(item)
    return Purchase(
        purchase_id=str(v["purchase_id"]), channel=PurchaseChannel(v["channel"]), location_id=str(v["location_id"]),
        lines=tuple(_line_from_map(x) for x in v["lines"]),
        purchased_at=items.parse_stamp(v["purchased_at"]), reference=str(v["reference"]),
        customer_id=v.get("customer_id"), receipt_email=v.get("receipt_email"),
        receipt_language=v.get("receipt_language"), points_discount_cents=int(v.get("points_discount_cents", 0)),
    )


def _purchase_or_none(item: dict[str, Any] | None) -> Purchase | None:
    return purchase_from_item(item) if item and "purchase_id" in item else None


def _fingerprint_or_none(item: dict[str, Any] | None) -> str | None:
    return str(item["fingerprint"]["S"]) if item and "fingerprint" in item else None


def _returnable_left(item: dict[str, Any] | None) -> dict[str, int] | None:
    """What a refused take found may still be returned, per SKU (None: no such purchase)."""
    return {sku: int(n) for sku, n in items.from_item(item)["remaining"].items()} if item and "remaining" in item \
        else None


def _returnable(units: ReturnableUnits, sign: int) -> Update:
    update = Update(_purchase_key(units.purchase_id))
    for sku, quantity in units.quantities:
        update.add(("remaining", sku), sign * quantity)  # part by part: SKUs may hold dots
    return update


class DynamoDBPurchaseStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- writes (added to the caller's transaction) -------------------------------------

    def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
        dynamodb(tx).put(purchase_to_item(purchase, fingerprint), subject=purchase, new=True,
                         decode=_purchase_or_none)

    def add_part_recorded(self, tx: Transaction, *, part: ReceiptPart, fingerprint: str) -> None:
        mark = _part_key(part) | {"fingerprint": {"S": fingerprint}}
        dynamodb(tx).put(mark, subject=part, new=True, decode=_fingerprint_or_none)

    def add_returnable_taken(self, tx: Transaction, *, units: ReturnableUnits) -> None:
        """Refused when a SKU has fewer left (or no purchase is there: nothing is left then)."""
        update = _returnable(units, -1)
        for sku, quantity in units.quantities:
            update.require_at_least(("remaining", sku), quantity)
        dynamodb(tx).update(update.build(), subject=units, decode=_returnable_left)

    def add_returnable_restored(self, tx: Transaction, *, units: ReturnableUnits) -> None:
        dynamodb(tx).update(_returnable(units, 1).build(), subject=units)

    def add_receipt_email_removed(self, tx: Transaction, *, purchase_id: str) -> None:
        update = Update(_purchase_key(purchase_id)).set("pseudonymous", True).remove("receipt_email")
        dynamodb(tx).update(update.require("attribute_exists(pk)").build(), subject=purchase_id)

    # -- reads ---------------------------------------------------------------------------

    def recorded(self, purchase_id: str) -> RecordedPurchase | None:
        item = self._db.get_item(TableName=self._table, Key=_purchase_key(purchase_id),
                                 ConsistentRead=True).get("Item")
        if item is None:
            return None
        return RecordedPurchase(purchase_from_item(item), str(items.from_item(item)["fingerprint"]))

    def get_purchase(self, purchase_id: str) -> Purchase | None:
        item = self._db.get_item(TableName=self._table, Key=_purchase_key(purchase_id)).get("Item")
        return purchase_from_item(item) if item else None

    def with_overrides_at(self, location_id: str, limit: int,
                          cursor: str | None) -> tuple[list[Purchase], str | None]:
        """A store's purchases with a price override or an unapproved deviation, newest first."""
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "ScanIndexForward": False,
            "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": items.to_attr(f"{OVERRIDES_PREFIX}{location_id}")},
        }, f"price-overrides:{location_id}", limit, cursor)
        return [purchase_from_item(it) for it in found], after

    def timeline(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]:
        found, after = cursors.customer_page(self._db, self._table, customer_id, "PUR", limit, cursor)
        return [purchase_from_item(it) for it in found], after
