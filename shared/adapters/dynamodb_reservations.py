"""Reservations in DynamoDB: the record a hold adds to its transaction (with its k stock moves,
see ``shared.reservations.holding``); the record is also the request's idempotency record.

Reservation item: pk=RES#<id>, sk=#. While ACTIVE, a hold that can expire on its own (not an
order's) is in gsi1 under HOLDS#ACTIVE sorted by expires_at (the sweep's work list; sparse:
leaving ACTIVE removes it; an order's hold ends with its order, so it is never listed there);
gsi2 lists a customer's reservations newest first (gsi2sk starts RES#, so a page holds holds
only). TTL deletes ended ones 90 days after they expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.catalog.model import UnitPrice
from shared.errors import Conflict
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from shared.settings import settings
from shared.transactions import Transaction

HOLDS = "HOLDS#ACTIVE"
KEEP_AFTER_END = timedelta(days=90)


RESERVATION_PREFIX = "RES#"  # the pk of a reservation item; the stream publisher finds the codec by it


def _key(reservation_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{RESERVATION_PREFIX}{reservation_id}"}, "sk": {"S": "#"}}


def _to_item(r: Reservation) -> dict[str, Any]:
    values: dict[str, Any] = {
        "reservation_id": r.reservation_id, "customer_id": r.customer_id, "location_id": r.location_id,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in r.lines],
        "channel": r.channel.value, "status": r.status.value, "created_at": items.stamp(r.created_at),
        "expires_at": items.stamp(r.expires_at), "fingerprint": r.fingerprint, "order_id": r.order_id,
        "version": r.version, "gsi2pk": f"CUST#{r.customer_id}",
        "gsi2sk": f"RES#{items.stamp(r.created_at)}#{r.reservation_id}",
        "expires_at_epoch": int((r.expires_at + KEEP_AFTER_END).timestamp()),
        "limited": r.limited or None,
        "prices": [_price_to_map(price) for price in r.prices] or None,
    }
    if r.is_active and not r.order_id:
        values |= {"gsi1pk": HOLDS, "gsi1sk": f"{items.stamp(r.expires_at)}#{r.reservation_id}"}
    return _key(r.reservation_id) | items.to_item(values)


def _changed(before: Reservation) -> Update:
    """A change of an active hold as it was read: any other change meanwhile refuses it."""
    update = Update(_key(before.reservation_id)).add("version", 1)
    return update.require_equal("status", ReservationStatus.ACTIVE.value).require_equal("version", before.version)


def reservation_or_none(item: dict[str, Any] | None) -> Reservation | None:
    """The record a refused write found (None: there is none)."""
    return reservation_from_item(item) if item and "reservation_id" in item else None


def reservation_from_item(item: dict[str, Any]) -> Reservation:
    v = items.from_item(item)
    return Reservation(
        reservation_id=str(v["reservation_id"]), customer_id=str(v["customer_id"]),
        location_id=str(v["location_id"]),
        lines=tuple(Line(str(line["sku"]), int(line["quantity"])) for line in v["lines"]),
        channel=Channel(v["channel"]), status=ReservationStatus(v["status"]),
        created_at=items.parse_stamp(v["created_at"]), expires_at=items.parse_stamp(v["expires_at"]),
        fingerprint=str(v["fingerprint"]), order_id=v.get("order_id"), version=int(v["version"]),
        limited=bool(v.get("limited", False)),
        prices=tuple(_price_from_map(price) for price in v.get("prices", ())),
    )


def _price_to_map(price: UnitPrice) -> dict[str, Any]:
    return {k: v for k, v in {"sku": price.sku, "list": price.list_price_cents, "paid": price.price_cents,
                              "vat": price.vat_rate_percent, "promotion_id": price.promotion_id}.items()
            if v is not None}


def _price_from_map(value: dict[str, Any]) -> UnitPrice:
    return UnitPrice(sku=str(value["sku"]), list_price_cents=int(value["list"]), price_cents=int(value["paid"]),
                     vat_rate_percent=int(value["vat"]), promotion_id=value.get("promotion_id"))


class DynamoDBReservationStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- writes (added to the caller's transaction) -------------------------------------

    def add_created(self, tx: Transaction, *, reservation: Reservation) -> None:
        """The record (also the request's idempotency record); refused when its id exists."""
        dynamodb(tx).put(_to_item(reservation), subject=reservation, new=True, decode=reservation_or_none)

    def add_ended(self, tx: Transaction, *, before: Reservation, after: Reservation,
                  overdue_at: datetime | None = None) -> None:
        """The new status; leaving ACTIVE leaves the sweep's list (gsi1)."""
        update = _changed(before).set("status", after.status.value).remove("gsi1pk").remove("gsi1sk")
        if overdue_at is not None:
            update.require(f"{update.name('expires_at')} <= {update.value(items.stamp(overdue_at))}")
        dynamodb(tx).update(update.build(), subject=after, decode=reservation_or_none)

    def add_lines_changed(self, tx: Transaction, *, before: Reservation, after: Reservation) -> None:
        lines = [{"sku": line.sku, "quantity": line.quantity} for line in after.lines]
        dynamodb(tx).update(_changed(before).set("lines", lines).build(), subject=after, decode=reservation_or_none)

    def extend(self, *, before: Reservation, after: Reservation) -> Reservation:
        """A later expiry, on its own: no stock moves with it."""
        update = _changed(before).set("expires_at", items.stamp(after.expires_at))
        update.set("gsi1sk", f"{items.stamp(after.expires_at)}#{before.reservation_id}")
        try:
            self._db.update_item(TableName=self._table, **update.build())
        except self._db.exceptions.ConditionalCheckFailedException:
            raise Conflict(f"Reservation {before.reservation_id} changed meanwhile; read it and retry.") from None
        return after

    # -- reads ---------------------------------------------------------------------------

    def get(self, reservation_id: str) -> Reservation | None:
        item = self._db.get_item(TableName=self._table, Key=_key(reservation_id), ConsistentRead=True).get("Item")
        return reservation_from_item(item) if item else None

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Reservation], str | None]:
        """One page of the customer's reservations, newest first (the key selects holds only)."""
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi2", "ScanIndexForward": False,
            "KeyConditionExpression": "gsi2pk = :pk AND begins_with(gsi2sk, :type)",
            "ExpressionAttributeValues": {":pk": items.to_attr(f"CUST#{customer_id}"), ":type": items.to_attr("RES#")},
        }, f"reservations:{customer_id}", limit, cursor)
        return [reservation_from_item(it) for it in found], after

    def due(self, now: datetime, limit: int = 100) -> list[Reservation]:
        """Every active hold whose time is up, oldest first, read ``limit`` per page until none
        is left (gsi1 is eventually consistent: each is re-checked when ended)."""
        return self._holds("gsi1sk <= :now", {":now": items.to_attr(items.stamp(now) + "~")}, None, limit)

    def active_at(self, location_id: str) -> list[Reservation]:
        """Active holds (not orders') at one location: the ones a shortfall there may end."""
        return self._holds(None, {":loc": items.to_attr(location_id)}, "location_id = :loc", 100)

    def _holds(self, range_condition: str | None, values: dict[str, Any], filter_: str | None,
               limit: int) -> list[Reservation]:
        return [reservation_from_item(it) for it in cursors.every_page(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "Limit": limit,
            "KeyConditionExpression": "gsi1pk = :holds" + (f" AND {range_condition}" if range_condition else ""),
            "ExpressionAttributeValues": {":holds": items.to_attr(HOLDS), **values},
            **({"FilterExpression": filter_} if filter_ else {})})]
