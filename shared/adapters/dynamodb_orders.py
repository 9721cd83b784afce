"""Click & collect orders in DynamoDB, each change in one transaction with its stock effect.

Order item: pk=ORD#<id>, sk=#, fulfilments included. gsi1 lists a store's open orders (OPEN#<location>, oldest
first), gsi2 a customer's history (shared with reservations; gsi2sk starts ORD#), gsi3 the orders waiting for
pickup by deadline (the sweep's list for reminders and "not collected"). Every write is
conditional on the version read, so two associates tapping at once cannot both win.

A store's work on other stores' orders (ship a parcel, receive a transfer) is listed by task
items, pk=ORD#<id>, sk=TASK#<fulfilment>, in gsi1 under TASKS#<location> while the step is due
(written with the order, in its transaction; a done task leaves the index and expires). A
fulfilment waiting for payment in a store has no step due yet, but its hold at the source is
there: its item is in gsi1 under WAITING#<source>, so a shortfall at the source finds it. A
shipment's tracking number finds its order through pk=TRACK#<carrier>#<tracking number>.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters import batches, cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.catalog.model import Text
from shared.orders.fulfilments import (
    BEFORE_SHIPPING,
    DeliverTo,
    DeliveryAddress,
    Fulfilment,
    FulfilmentKind,
    FulfilmentStatus,
    Label,
    OrderDestination,
    PickupAt,
)
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.reservations.model import Line
from shared.settings import settings
from shared.transactions import Transaction

READY = "PICKUP#READY"
UNPAID = "PAYMENT#DUE"
TASKS = "TASKS#"
WAITING = "WAITING#"  # a pay-in-store order's fulfilment, held at its source, not yet to ship
TRACKING_PREFIX = "TRACK#"
KEEP_DONE_TASKS = timedelta(days=120)  # after placing; the index entry is gone at once


ORDER_PREFIX = "ORD#"  # the pk of an order item; the stream publisher finds the order codec by it


def _key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{ORDER_PREFIX}{order_id}"}, "sk": {"S": "#"}}


def _stamp(moment: datetime | None) -> str | None:
    return items.stamp(moment) if moment else None


def _task_key(order_id: str, fulfilment_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{ORDER_PREFIX}{order_id}"}, "sk": {"S": f"TASK#{fulfilment_id}"}}


def _tracking_key(carrier: str, tracking_number: str) -> dict[str, Any]:
    return {"pk": {"S": f"{TRACKING_PREFIX}{carrier}#{tracking_number}"}, "sk": {"S": "#"}}


def _lines_to_list(lines: tuple[Line, ...]) -> list[dict[str, Any]]:
    return [{"sku": line.sku, "quantity": line.quantity} for line in lines]


def _lines_from_list(values: list[dict[str, Any]]) -> tuple[Line, ...]:
    return tuple(Line(str(x["sku"]), int(x["quantity"])) for x in values)


def _fulfilment_to_map(f: Fulfilment) -> dict[str, Any]:
    values = {"fulfilment_id": f.fulfilment_id, "source_id": f.source_id, "kind": f.kind.value,
              "lines": _lines_to_list(f.lines), "reservation_id": f.reservation_id, "status": f.status.value,
              "earliest_date": f.earliest_date.isoformat(), "destination_location_id": f.destination_location_id,
              "label": {"carrier": f.label.carrier, "tracking_number": f.label.tracking_number,
                        "tracking_url": f.label.tracking_url} if f.label else None,
              "rejected": _lines_to_list(f.rejected) or None, "rejection_reason": f.rejection_reason,
              "shipped_at": _stamp(f.shipped_at)}
    return {k: v for k, v in values.items() if v is not None}


def _fulfilment_from_map(v: dict[str, Any]) -> Fulfilment:
    label = v.get("label")
    return Fulfilment(
        fulfilment_id=str(v["fulfilment_id"]), source_id=str(v["source_id"]), kind=FulfilmentKind(v["kind"]),
        lines=_lines_from_list(v["lines"]), reservation_id=str(v["reservation_id"]),
        status=FulfilmentStatus(v["status"]), earliest_date=date.fromisoformat(v["earliest_date"]),
        destination_location_id=v.get("destination_location_id"),
        label=Label(str(label["carrier"]), str(label["tracking_number"]), str(label["tracking_url"]))
        if label else None,
        rejected=_lines_from_list(v.get("rejected", [])), rejection_reason=v.get("rejection_reason"),
        shipped_at=items.parse_stamp(v["shipped_at"]) if v.get("shipped_at") else None)


def _destination_to_map(d: OrderDestination | None) -> dict[str, Any] | None:
    if isinstance(d, PickupAt):
        return {"type": "pickup", "location_id": d.location_id}
    if isinstance(d, DeliverTo):
        a = d.address
        return {"type": "delivery", "zone_id": d.zone_id, "address": {
            "name": a.name, "street": a.street, "house_number": a.house_number, "postal_code": a.postal_code,
            "city": a.city}}
    return None


def _destination_from_map(v: dict[str, Any] | None) -> OrderDestination | None:
    if not v:
        return None
    if v["type"] == "pickup":
        return PickupAt(str(v["location_id"]))
    a = v["address"]
    return DeliverTo(DeliveryAddress(name=str(a["name"]), street=str(a["street"]),
                                     house_number=str(a["house_number"]), postal_code=str(a["postal_code"]),
                                     city=str(a["city"])), zone_id=str(v["zone_id"]))


def order_to_item(o: Order) -> dict[str, Any]:
    values: dict[str, Any] = {
        "order_id": o.order_id, "customer_id": o.customer_id, "location_id": o.location_id,
        "lines": [_line_to_map(line) for line in o.lines],
        "payment": o.payment.value, "reservation_id": o.reservation_id, "status": o.status.value,
        "contact": {"email": o.contact.email, "language": o.contact.language, "phone": o.contact.phone,
                    "name": o.contact.name},
        "placed_at": items.stamp(o.placed_at), "fingerprint": o.fingerprint, "pickup_code": o.pickup_code,
        "ready_at": _stamp(o.ready_at), "pickup_deadline": _stamp(o.pickup_deadline), "reminded": o.reminded,
        "ready_notices": o.ready_notices, "version": o.version, "failed_code_attempts": o.failed_code_attempts,
        "redeemed_points": o.redeemed_points or None,
        "destination": _destination_to_map(o.destination),
        "fulfilments": [_fulfilment_to_map(f) for f in o.fulfilments] or None,
        "slot_id": o.slot_id, "slot_starts_at": _stamp(o.slot_starts_at), "slot_ends_at": _stamp(o.slot_ends_at),
        "earliest_date": o.earliest_date.isoformat() if o.earliest_date else None,
        "delivery_fee_cents": o.delivery_fee_cents or None, "paid_at": _stamp(o.paid_at), "placed_by": o.placed_by,
        "payment_reference": o.payment_reference,
        "gsi2pk": f"CUST#{o.customer_id}", "gsi2sk": f"ORD#{items.stamp(o.placed_at)}#{o.order_id}",
    }
    if o.is_open and not o.is_delivery:  # a store's click & collect list; deliveries are its sources' work
        values |= {"gsi1pk": f"OPEN#{o.location_id}", "gsi1sk": f"{items.stamp(o.placed_at)}#{o.order_id}"}
    if o.status is OrderStatus.READY_FOR_PICKUP and o.pickup_deadline:
        values |= {"gsi3pk": READY, "gsi3sk": f"{items.stamp(o.pickup_deadline)}#{o.order_id}"}
    elif o.payment_deadline is not None:
        values |= {"gsi3pk": UNPAID, "gsi3sk": f"{items.stamp(o.payment_deadline)}#{o.order_id}"}
    values["contact"] = {k: v for k, v in values["contact"].items() if v is not None}
    return _key(o.order_id) | items.to_item(values)


def _line_to_map(line: OrderLine) -> dict[str, Any]:
    values = {"sku": line.sku, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents,
              "short": line.short, "list_price_cents": line.list_price_cents, "promotion_id": line.promotion_id,
              "vat_rate_percent": line.vat_rate_percent,
              "name": {"nl": line.name.nl, "en": line.name.en} if line.name else None,
              "attributes": [[key, value] for key, value in line.attributes] or None}
    return {k: v for k, v in values.items() if v is not None}


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


def _line_from_map(x: dict[str, Any]) -> OrderLine:
    name = x.get("name")
    return OrderLine(str(x["sku"]), int(x["quantity"]), int(x.get("unit_price_cents", 0)), bool(x["short"]),
                     list_price_cents=_number(x.get("list_price_cents")), promotion_id=x.get("promotion_id"),
                     vat_rate_percent=_number(x.get("vat_rate_percent")),
                     name=Text(nl=str(name["nl"]), en=str(name["en"])) if name else None,
                     attributes=tuple((str(key), str(value)) for key, value in x.get("attributes", ())))


def order_or_none(item: dict[str, Any] | None) -> Order | None:
    """The order a refused write found (None: there is none)."""
    return order_from_item(item) if item and "order_id" in item else None


def order_from_item(item: dict[str, Any]) -> Order:
    v = items.from_item(item)
    when = lambda name: items.parse_stamp(v[name]) if v.get(name) else None  # noqa: E731
    contact = v["contact"]
    return Order(
        order_id=str(v["order_id"]), customer_id=str(v["customer_id"]), location_id=str(v["location_id"]),
        lines=tuple(_line_from_map(x) for x in v["lines"]),
        payment=Payment(v["payment"]), reservation_id=str(v["reservation_id"]), status=OrderStatus(v["status"]),
        contact=Contact(email=str(contact["email"]), language=str(contact.get("language", "nl")),
                        phone=contact.get("phone"), name=contact.get("name")),
        placed_at=items.parse_stamp(v["placed_at"]), fingerprint=str(v["fingerprint"]),
        pickup_code=v.get("pickup_code"), ready_at=when("ready_at"), pickup_deadline=when("pickup_deadline"),
        reminded=bool(v.get("reminded", False)), ready_notices=int(v.get("ready_notices", 0)),
        version=int(v["version"]), failed_code_attempts=int(v.get("failed_code_attempts", 0)),
        redeemed_points=int(v.get("redeemed_points", 0)),
        destination=_destination_from_map(v.get("destination")),
        fulfilments=tuple(_fulfilment_from_map(f) for f in v.get("fulfilments", ())),
        slot_id=v.get("slot_id"), slot_starts_at=when("slot_starts_at"), slot_ends_at=when("slot_ends_at"),
        earliest_date=date.fromisoformat(v["earliest_date"]) if v.get("earliest_date") else None,
        delivery_fee_cents=int(v.get("delivery_fee_cents", 0)), paid_at=when("paid_at"), placed_by=v.get("placed_by"),
        payment_reference=v.get("payment_reference"),
    )


def _task_item(order: Order, location_id: str, fulfilment_id: str, index: str | None) -> dict[str, Any]:
    """The work-list entry, listed under ``index`` (TASKS# or WAITING#) + location; one listed
    nowhere leaves the index and expires."""
    values: dict[str, Any] = {"order_id": order.order_id, "fulfilment_id": fulfilment_id, "task_location": location_id}
    if index:
        values |= {"gsi1pk": f"{index}{location_id}",
                   "gsi1sk": f"{items.stamp(order.placed_at)}#{order.order_id}#{fulfilment_id}"}
    else:
        values["expires_at_epoch"] = int((order.placed_at + KEEP_DONE_TASKS).timestamp())
    return _task_key(order.order_id, fulfilment_id) | items.to_item(values)


def _listed(order: Order | None) -> dict[str, tuple[str, str]]:
    """fulfilment id -> (index, location): the step due where a store must act; otherwise, for
    an open order, a fulfilment waiting for payment at its source (its hold is there)."""
    if order is None:
        return {}
    found = {fulfilment_id: (TASKS, location_id) for location_id, fulfilment_id in order.tasks()}
    if order.is_open:
        for f in order.fulfilments:
            if f.status is FulfilmentStatus.WAITING:
                found.setdefault(f.fulfilment_id, (WAITING, f.source_id))
    return found


class DynamoDBOrderStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- writes (added to the caller's transaction) -------------------------------------

    def add_placed(self, tx: Transaction, *, order: Order) -> None:
        dynamodb(tx).put(order_to_item(order), subject=order, new=True, decode=order_or_none)
        self._add_tasks(tx, before=None, after=order)

    def add_saved(self, tx: Transaction, *, before: Order, after: Order) -> None:
        """The whole order as it is now, on condition that it is still the version read (its
        task and tracking entries ride on that condition)."""
        condition = {"ConditionExpression": "version = :version",
                     "ExpressionAttributeValues": {":version": items.to_attr(before.version)}}
        dynamodb(tx).put(order_to_item(after), subject=after, condition=condition, decode=order_or_none)
        self._add_tasks(tx, before=before, after=after)
        labelled = {f.fulfilment_id for f in before.fulfilments if f.label}
        for f in after.fulfilments:
            if f.label and f.fulfilment_id not in labelled:
                dynamodb(tx).put(_tracking_key(f.label.carrier, f.label.tracking_number) | items.to_item(
                    {"order_id": after.order_id, "fulfilment_id": f.fulfilment_id}), subject=f)

    @staticmethod
    def _add_tasks(tx: Transaction, *, before: Order | None, after: Order) -> None:
        """One write per fulfilment whose listing changed (one task item per fulfilment)."""
        was, now = _listed(before), _listed(after)
        for fulfilment_id, (index, location_id) in sorted(now.items()):
            if was.get(fulfilment_id) != (index, location_id):
                dynamodb(tx).put(_task_item(after, location_id, fulfilment_id, index), subject=after)
        for fulfilment_id, (_, location_id) in sorted(was.items()):
            if fulfilment_id not in now:
                dynamodb(tx).put(_task_item(after, location_id, fulfilment_id, None), subject=after)

    def record_wrong_code(self, order: Order, max_attempts: int) -> int:
        """One atomic increment per wrong guess, only for the code guessed at and below the limit.

        It moves ``version`` on, so a collection that read the order before this failure (a right
        guess racing wrong ones) cannot commit after the code was locked.
        """
        update = Update(_key(order.order_id)).add("failed_code_attempts", 1).add("version", 1)
        update.require_equal("status", OrderStatus.READY_FOR_PICKUP.value)
        update.require_equal("pickup_code", order.pickup_code)
        update.require_absent_or_below("failed_code_attempts", max_attempts)
        try:
            result = self._db.update_item(TableName=self._table, **update.build(), ReturnValues="UPDATED_NEW")
            return int(result["Attributes"]["failed_code_attempts"]["N"])
        except self._db.exceptions.ConditionalCheckFailedException:
            current = self.get(order.order_id)  # locked meanwhile, or a new code was issued
            if current is None or current.pickup_code != order.pickup_code:
                return 0
            return current.failed_code_attempts

    def tracked(self, carrier: str, tracking_number: str) -> tuple[str, str] | None:
        """(order id, fulfilment id) of the parcel with this tracking number, if it is one of ours."""
        item = self._db.get_item(TableName=self._table, Key=_tracking_key(carrier, tracking_number),
                                 ConsistentRead=True).get("Item")
        return (item["order_id"]["S"], item["fulfilment_id"]["S"]) if item else None

    def tasks_at(self, location_id: str, limit: int = 50,
                 cursor: str | None = None) -> tuple[list[tuple[Order, str]], str | None]:
        """The orders with a step due at this location (and which fulfilment), oldest first: one
        query of the work list, one batch read of the orders."""
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": items.to_attr(f"{TASKS}{location_id}")}, "ScanIndexForward": True,
        }, f"tasks:{location_id}", limit, cursor)
        wanted = [(it["order_id"]["S"], it["fulfilment_id"]["S"]) for it in found]
        orders = self._get_many(sorted({order_id for order_id, _ in wanted}))
        return [(orders[o], f) for o, f in wanted if o in orders], after

    def supplied_from(self, location_id: str) -> list[Order]:
        """Open orders with a fulfilment still to ship from this location (requested or waiting
        for payment): its work list and its waiting list, every page, then one batch read."""
        order_ids: set[str] = set()
        for index in (TASKS, WAITING):
            order_ids |= {it["order_id"]["S"] for it in cursors.every_page(self._db, {
                "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
                "ExpressionAttributeValues": {":pk": items.to_attr(f"{index}{location_id}")}})}
        found = self._get_many(sorted(order_ids))
        return sorted((o for o in found.values() if o.is_open and any(
            f.source_id == location_id and f.status in BEFORE_SHIPPING for f in o.fulfilments)),
            key=lambda o: (o.placed_at, o.order_id))

    def _get_many(self, order_ids: list[str]) -> dict[str, Order]:
        found = (order_from_item(item) for item in batches.get_items(
            self._db, table=self._table, keys=[_key(order_id) for order_id in order_ids], consistent=True))
        return {order.order_id: order for order in found}

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

    def unpaid_until(self, moment: datetime) -> list[Order]:
        """Orders still to be paid in a store whose payment deadline is at or before ``moment``."""
        return self._query("gsi3", "gsi3pk = :pk AND gsi3sk <= :until",
                           {":pk": UNPAID, ":until": items.stamp(moment) + "~"})

    def waiting_until(self, moment: datetime) -> list[Order]:
        """Orders ready for pickup whose deadline is at or before ``moment``."""
        return self._query("gsi3", "gsi3pk = :pk AND gsi3sk <= :until",
                           {":pk": READY, ":until": items.stamp(moment) + "~"})
