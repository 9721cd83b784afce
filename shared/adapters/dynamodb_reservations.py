"""Reservations in DynamoDB: each hold or release of k lines is one transaction of k stock
updates and the reservation's own record (which is also the request's idempotency record).

Reservation item: pk=RES#<id>, sk=#. While ACTIVE, a hold that can expire on its own (not an
order's) is in gsi1 under HOLDS#ACTIVE sorted by expires_at (the sweep's work list; sparse:
leaving ACTIVE removes it; an order's hold ends with its order, so it is never listed there);
gsi2 lists a customer's reservations newest first (gsi2sk starts RES#, so a page holds holds
only). TTL deletes ended ones 90 days after they expire.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters import cursors, items
from shared.adapters import dynamodb_limits as limited
from shared.adapters.aws import client
from shared.adapters.dynamodb_stock import effect_update
from shared.adapters.dynamodb_transaction import TransactionCancelled, run_transaction
from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock
from shared.reservations.limits import HoldLimits
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from shared.settings import settings
from shared.stock.model import HANDOVER, HOLD, RELEASE, StockMove
from shared.stock.ports import ChangeReceipt

HOLDS = "HOLDS#ACTIVE"
KEEP_AFTER_END = timedelta(days=90)

_EFFECTS = {"hold": HOLD, "release": RELEASE, "handover": HANDOVER}


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
    }
    if r.is_active and not r.order_id:
        values |= {"gsi1pk": HOLDS, "gsi1sk": f"{items.stamp(r.expires_at)}#{r.reservation_id}"}
    return _key(r.reservation_id) | items.to_item(values)


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
    )


class DynamoDBReservationStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def _line_updates(self, r: Reservation, effect: str, thresholds: int, kind: str) -> list[dict[str, Any]]:
        updates = []
        for line in r.lines:
            receipt = ChangeReceipt(
                change_id=f"{r.reservation_id}:{kind}", sku=line.sku, location_id=r.location_id, kind=kind,
                on_hand_delta=-line.quantity if effect == "handover" else 0, on_hand=None,
                applied_at=datetime.now(UTC), source=f"reservation:{r.reservation_id}")
            move = StockMove(line.sku, r.location_id, _EFFECTS[effect], line.quantity)
            updates.append({"Update": {"TableName": self._table, **effect_update(move, receipt, thresholds),
                                       "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}})
        return updates

    # -- commands ------------------------------------------------------------------------

    def create(self, reservation: Reservation, default_threshold: int,
               extra: list[dict[str, Any]] | None = None, *,
               limits: HoldLimits | None = None) -> tuple[Reservation, bool]:
        """Hold every line or none. Returns (reservation, created); a retry returns the first.

        ``extra`` transaction items (an order's record) are written in the same transaction;
        with ``limits`` the hold is counted for its customer, refused (429) past the limits.
        """
        put = {"Put": {"TableName": self._table, "Item": _to_item(reservation),
                       "ConditionExpression": "attribute_not_exists(pk)"}}
        lines = self._line_updates(reservation, "hold", default_threshold, "reserve")
        counted = [limited.count_in(self._table, reservation, limits)] if limits and reservation.limited else []
        try:
            run_transaction(self._db, [*lines, *(extra or []), *counted, put])
            return reservation, True
        except TransactionCancelled as cancelled:
            if cancelled.reasons and cancelled.reasons[-1].get("Code") == "ConditionalCheckFailed":
                existing = self.get(reservation.reservation_id)
                if existing is not None:
                    if existing.fingerprint != reservation.fingerprint:
                        raise IdempotencyKeyReused(
                            "This Idempotency-Key was used before for a different reservation.") from None
                    return existing, False
            if counted and limits and len(cancelled.reasons) > 1 \
                    and cancelled.reasons[-2].get("Code") == "ConditionalCheckFailed":
                raise limited.refusal(cancelled.reasons[-2], reservation, limits) from None
            raise InsufficientStock(
                f"Not every line can be held at {reservation.location_id}.",
                lines=self._shortfall(reservation, cancelled.reasons),
            ) from None

    def _shortfall(self, r: Reservation, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        report = []
        for line, reason in zip(r.lines, reasons, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed":
                item = reason.get("Item")
                available = max(0, items.stock_level_from_item(item).sellable) if item else 0
            else:
                available = None  # this line could have been held
            report.append({"sku": line.sku, "requested": line.quantity, "available": available})
        return report

    def end(self, reservation: Reservation, status: ReservationStatus, now: datetime | None = None,
            default_threshold: int = 0, extra: list[dict[str, Any]] | None = None) -> tuple[Reservation, bool]:
        """ACTIVE -> status with the stock effect, once. ``now`` given: only if overdue (expiry).

        Returns (reservation, changed). Ending it again in the same way is not an error.
        """
        ended = reservation.ended(status)
        effect = "handover" if status is ReservationStatus.FULFILLED else "release"
        condition = "#status = :active AND version = :version"
        values = {":active": items.to_attr("ACTIVE"), ":version": items.to_attr(reservation.version),
                  ":status": items.to_attr(status.value), ":one": items.to_attr(1)}
        if now is not None:
            condition += " AND expires_at <= :now"
            values[":now"] = items.to_attr(items.stamp(now))
        update = {"Update": {
            "TableName": self._table, "Key": _key(reservation.reservation_id),
            "UpdateExpression": "SET #status = :status, version = version + :one REMOVE gsi1pk, gsi1sk",
            "ConditionExpression": condition, "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": values,
        }}
        kind = {"FULFILLED": "collect", "CANCELLED": "release", "EXPIRED": "expire"}[status.value]
        counted = [limited.count_out(self._table, reservation, reservation.lines, True)] if reservation.limited else []
        try:
            run_transaction(self._db, [update, *self._line_updates(reservation, effect, default_threshold, kind),
                                       *(extra or []), *counted])
            return ended, True
        except TransactionCancelled:
            if extra:
                raise Conflict("The order changed meanwhile; read it and retry.") from None
            current = self.get(reservation.reservation_id)
            if current is not None and current.status is status:
                return current, False
            if current is not None and current.is_active and current.version != reservation.version:
                return self.end(current, status, now, default_threshold)  # it was extended meanwhile
            raise Conflict(f"Reservation {reservation.reservation_id} could not become {status.value}.",
                           current_status=current.status.value if current else None) from None

    def release_line(self, reservation: Reservation, sku: str, extra: list[dict[str, Any]]) -> Reservation:
        """Give back one line's units (a line found short at picking) and keep holding the rest."""
        line = next(line for line in reservation.lines if line.sku == sku)
        kept = tuple(other for other in reservation.lines if other.sku != sku)
        shrunk = Reservation(**{**reservation.__dict__, "lines": kept, "version": reservation.version + 1})
        update = {"Update": {
            "TableName": self._table, "Key": _key(reservation.reservation_id),
            "UpdateExpression": "SET #lines = :lines, version = version + :one",
            "ConditionExpression": "#status = :active AND version = :version",
            "ExpressionAttributeNames": {"#status": "status", "#lines": "lines"},
            "ExpressionAttributeValues": {
                ":lines": items.to_attr([{"sku": k.sku, "quantity": k.quantity} for k in kept]),
                ":active": items.to_attr("ACTIVE"), ":version": items.to_attr(reservation.version),
                ":one": items.to_attr(1)}}}
        single = Reservation(**{**reservation.__dict__, "lines": (line,)})
        counted = [limited.count_out(self._table, reservation, (line,), False)] if reservation.limited else []
        try:
            run_transaction(self._db, [update, *self._line_updates(single, "release", 0, "short"), *extra, *counted])
        except TransactionCancelled:
            raise Conflict("The order changed meanwhile; read it and retry.") from None
        return shrunk

    def extend(self, reservation: Reservation, extended: Reservation) -> Reservation:
        try:
            self._db.update_item(
                TableName=self._table, Key=_key(reservation.reservation_id),
                UpdateExpression="SET expires_at = :until, gsi1sk = :sk, version = version + :one",
                ConditionExpression="#status = :active AND version = :version",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":until": items.to_attr(items.stamp(extended.expires_at)),
                    ":sk": items.to_attr(f"{items.stamp(extended.expires_at)}#{reservation.reservation_id}"),
                    ":active": items.to_attr("ACTIVE"), ":version": items.to_attr(reservation.version),
                    ":one": items.to_attr(1)})
        except self._db.exceptions.ConditionalCheckFailedException:
            raise Conflict(f"Reservation {reservation.reservation_id} changed meanwhile; read it and retry.") from None
        return extended

    # -- reads ---------------------------------------------------------------------------

    def held_by(self, customer_id: str, location_id: str) -> tuple[int, dict[str, int]]:
        """What the customer's limits count at a location: (active holds, units per SKU)."""
        return limited.held(self._db, self._table, customer_id, location_id)

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
