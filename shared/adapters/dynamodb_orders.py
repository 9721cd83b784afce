"""Click & collect orders in DynamoDB, each change in one transaction with its stock effect.

Order item: pk=ORD#<id>, sk=#. gsi1 lists a store's open orders (OPEN#<location>, oldest
first), gsi2 a customer's history (shared with reservations; gsi2sk starts ORD#), gsi3 the orders waiting for
pickup by deadline (the sweep's list for reminders and "not collected"). Every write is
conditional on the version read, so two associates tapping at once cannot both win.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_reservations import DynamoDBReservationStore
from shared.adapters.dynamodb_transaction import TransactionCancelled, run_transaction
from shared.errors import Conflict, IdempotencyKeyReused
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.reservations.limits import HoldLimits
from shared.reservations.model import Reservation, ReservationStatus
from shared.settings import settings

READY = "PICKUP#READY"


ORDER_PREFIX = "ORD#"  # the pk of an order item; the stream publisher finds the order codec by it


def _key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{ORDER_PREFIX}{order_id}"}, "sk": {"S": "#"}}


def _stamp(moment: datetime | None) -> str | None:
    return items.stamp(moment) if moment else None


def order_to_item(o: Order) -> dict[str, Any]:
    values: dict[str, Any] = {
        "order_id": o.order_id, "customer_id": o.customer_id, "location_id": o.location_id,
        "lines": [{"sku": line.sku, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents,
                   "short": line.short} for line in o.lines],
        "payment": o.payment.value, "reservation_id": o.reservation_id, "status": o.status.value,
        "contact": {"email": o.contact.email, "language": o.contact.language, "phone": o.contact.phone},
        "placed_at": items.stamp(o.placed_at), "fingerprint": o.fingerprint, "pickup_code": o.pickup_code,
        "ready_at": _stamp(o.ready_at), "pickup_deadline": _stamp(o.pickup_deadline), "reminded": o.reminded,
        "ready_notices": o.ready_notices, "version": o.version, "failed_code_attempts": o.failed_code_attempts,
        "gsi2pk": f"CUST#{o.customer_id}", "gsi2sk": f"ORD#{items.stamp(o.placed_at)}#{o.order_id}",
    }
    if o.is_open:
        values |= {"gsi1pk": f"OPEN#{o.location_id}", "gsi1sk": f"{items.stamp(o.placed_at)}#{o.order_id}"}
    if o.status is OrderStatus.READY_FOR_PICKUP and o.pickup_deadline:
        values |= {"gsi3pk": READY, "gsi3sk": f"{items.stamp(o.pickup_deadline)}#{o.order_id}"}
    values["contact"] = {k: v for k, v in values["contact"].items() if v is not None}
    return _key(o.order_id) | items.to_item(values)


def order_from_item(item: dict[str, Any]) -> Order:
    v = items.from_item(item)
    when = lambda name: items.parse_stamp(v[name]) if v.get(name) else None  # noqa: E731
    contact = v["contact"]
    return Order(
        order_id=str(v["order_id"]), customer_id=str(v["customer_id"]), location_id=str(v["location_id"]),
        lines=tuple(OrderLine(str(x["sku"]), int(x["quantity"]), int(x.get("unit_price_cents", 0)), bool(x["short"]))
                    for x in v["lines"]),
        payment=Payment(v["payment"]), reservation_id=str(v["reservation_id"]), status=OrderStatus(v["status"]),
        contact=Contact(email=str(contact["email"]), language=str(contact.get("language", "nl")),
                        phone=contact.get("phone")),
        placed_at=items.parse_stamp(v["placed_at"]), fingerprint=str(v["fingerprint"]),
        pickup_code=v.get("pickup_code"), ready_at=when("ready_at"), pickup_deadline=when("pickup_deadline"),
        reminded=bool(v.get("reminded", False)), ready_notices=int(v.get("ready_notices", 0)),
        version=int(v["version"]), failed_code_attempts=int(v.get("failed_code_attempts", 0)),
    )


class DynamoDBOrderStore:
    def __init__(self, reservations: DynamoDBReservationStore, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name
        self._reservations = reservations

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def _put(self, before: Order | None, after: Order) -> dict[str, Any]:
        condition = "attribute_not_exists(pk)" if before is None else "version = :version"
        put: dict[str, Any] = {"TableName": self._table, "Item": order_to_item(after), "ConditionExpression": condition}
        if before is not None:
            put["ExpressionAttributeValues"] = {":version": items.to_attr(before.version)}
        return {"Put": put}

    def place(self, order: Order, hold: Reservation, default_threshold: int, *,
              limits: HoldLimits | None = None) -> tuple[Order, bool]:
        held, created = self._reservations.create(hold, default_threshold, extra=[self._put(None, order)],
                                                  limits=limits)
        if created:
            return order, True
        existing = self.get(order.order_id)
        if existing is None or existing.fingerprint != order.fingerprint or held.order_id != order.order_id:
            raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.")
        return existing, False

    def save(self, before: Order, after: Order) -> Order:
        """A change with no stock effect (accept, start picking, reminder, re-send)."""
        try:
            run_transaction(self._db, [self._put(before, after)])
        except TransactionCancelled:
            raise Conflict(f"Order {before.order_id} changed meanwhile; read it and retry.") from None
        return after

    def finish(self, before: Order, after: Order, hold_ends_as: ReservationStatus,
               extra: list[dict[str, Any]] | None = None) -> Order:
        """Collected (units handed over), cancelled or not collected (units back on sale).

        ``extra`` items (the purchase a collection becomes) are written in the same transaction.
        """
        hold = self._reservations.get(before.reservation_id)
        if hold is None or not hold.is_active:
            return self.save(before, after)  # nothing held any more (every line short)
        self._reservations.end(hold, hold_ends_as, extra=[self._put(before, after), *(extra or [])])
        return after

    def record_wrong_code(self, order: Order, max_attempts: int) -> int:
        """One atomic increment per wrong guess, only for the code guessed at and below the limit.

        It moves ``version`` on, so a collection that read the order before this failure (a right
        guess racing wrong ones) cannot commit after the code was locked.
        """
        try:
            result = self._db.update_item(
                TableName=self._table, Key=_key(order.order_id),
                UpdateExpression="SET failed_code_attempts = if_not_exists(failed_code_attempts, :zero) + :one, "
                                 "version = version + :one",
                ConditionExpression="#status = :ready AND pickup_code = :code AND "
                                    "(attribute_not_exists(failed_code_attempts) OR failed_code_attempts < :max)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":zero": items.to_attr(0), ":one": items.to_attr(1), ":max": items.to_attr(max_attempts),
                    ":ready": items.to_attr(OrderStatus.READY_FOR_PICKUP.value),
                    ":code": items.to_attr(order.pickup_code)},
                ReturnValues="UPDATED_NEW")
            return int(result["Attributes"]["failed_code_attempts"]["N"])
        except self._db.exceptions.ConditionalCheckFailedException:
            current = self.get(order.order_id)  # locked meanwhile, or a new code was issued
            if current is None or current.pickup_code != order.pickup_code:
                return 0
            return current.failed_code_attempts

    def mark_short(self, before: Order, after: Order, sku: str) -> Order:
        hold = self._reservations.get(before.reservation_id)
        if hold is None or not any(line.sku == sku for line in hold.lines):
            return self.save(before, after)  # already released
        self._reservations.release_line(hold, sku, extra=[self._put(before, after)])
        return after

    def get(self, order_id: str) -> Order | None:
        item = self._db.get_item(TableName=self._table, Key=_key(order_id), ConsistentRead=True).get("Item")
        return order_from_item(item) if item else None

    def _query(self, index: str, condition: str, values: dict[str, Any], forward: bool = True,
               limit: int = 100) -> list[Order]:
        page = self._db.query(TableName=self._table, IndexName=index, KeyConditionExpression=condition,
                              ExpressionAttributeValues={k: items.to_attr(v) for k, v in values.items()},
                              ScanIndexForward=forward, Limit=limit)
        return [order_from_item(it) for it in page.get("Items", []) if it["pk"]["S"].startswith("ORD#")]

    def _page(self, index: str, condition: str, values: dict[str, str], scope: str, limit: int,
              cursor: str | None, forward: bool) -> tuple[list[Order], str | None]:
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": index, "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {k: items.to_attr(v) for k, v in values.items()},
            "ScanIndexForward": forward}, scope, limit, cursor)
        return [order_from_item(it) for it in found], after

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Order], str | None]:
        """Newest first; the key selects orders only (holds share the customer's partition)."""
        return self._page("gsi2", "gsi2pk = :pk AND begins_with(gsi2sk, :type)",
                          {":pk": f"CUST#{customer_id}", ":type": "ORD#"}, f"orders:{customer_id}", limit, cursor,
                          forward=False)

    def list_open_at(self, location_id: str, limit: int = 50,
                     cursor: str | None = None) -> tuple[list[Order], str | None]:
        return self._page("gsi1", "gsi1pk = :pk", {":pk": f"OPEN#{location_id}"}, f"open-orders:{location_id}",
                          limit, cursor, forward=True)

    def waiting_until(self, moment: datetime) -> list[Order]:
        """Orders ready for pickup whose deadline is at or before ``moment``."""
        return self._query("gsi3", "gsi3pk = :pk AND gsi3sk <= :until",
                           {":pk": READY, ":until": items.stamp(moment) + "~"})
