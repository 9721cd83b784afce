"""Orders in memory: each change on condition of the version read, as in DynamoDB."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.orders.fulfilments import BEFORE_SHIPPING
from shared.orders.model import Order, OrderStatus
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import LOCK, memory


class MemoryOrderStore:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}

    def add_placed(self, tx: Transaction, *, order: Order) -> None:
        def check() -> Failure | None:
            existing = self.orders.get(order.order_id)
            return Failure(order, existing) if existing is not None else None

        def apply() -> None:
            self.orders[order.order_id] = order

        memory(tx).add(item=("ORD", order.order_id), check=check, apply=apply)

    def add_saved(self, tx: Transaction, *, before: Order, after: Order) -> None:
        def check() -> Failure | None:
            current = self.orders.get(before.order_id)
            return None if current is not None and current.version == before.version else Failure(after, current)

        def apply() -> None:
            self.orders[after.order_id] = after

        memory(tx).add(item=("ORD", before.order_id), check=check, apply=apply)

    def record_wrong_code(self, order: Order, max_attempts: int) -> int:
        with LOCK:
            current = self.orders.get(order.order_id)
            if current is None or current.pickup_code != order.pickup_code:
                return 0
            if current.status is not OrderStatus.READY_FOR_PICKUP or current.failed_code_attempts >= max_attempts:
                return current.failed_code_attempts
            counted = replace(current, failed_code_attempts=current.failed_code_attempts + 1,
                              version=current.version + 1)
            self.orders[order.order_id] = counted
            return counted.failed_code_attempts

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def list_for_customer(self, customer_id: str, limit: int = 50,
                          cursor: str | None = None) -> tuple[list[Order], str | None]:
        mine = [o for o in self.orders.values() if o.customer_id == customer_id]
        return sorted(mine, key=lambda o: (o.placed_at, o.order_id), reverse=True)[:limit], None

    def list_open_at(self, location_id: str, limit: int = 50,
                     cursor: str | None = None) -> tuple[list[Order], str | None]:
        found = [o for o in self.orders.values() if o.is_open and not o.is_delivery and o.location_id == location_id]
        return sorted(found, key=lambda o: (o.placed_at, o.order_id))[:limit], None

    def tasks_at(self, location_id: str, limit: int = 50,
                 cursor: str | None = None) -> tuple[list[tuple[Order, str]], str | None]:
        found = [(o, fulfilment_id) for o in self.orders.values() for loc, fulfilment_id in sorted(o.tasks())
                 if loc == location_id]
        return sorted(found, key=lambda x: (x[0].placed_at, x[0].order_id, x[1]))[:limit], None

    def supplied_from(self, location_id: str) -> list[Order]:
        return sorted((o for o in self.orders.values() if o.is_open and any(
            f.source_id == location_id and f.status in BEFORE_SHIPPING for f in o.fulfilments)),
            key=lambda o: (o.placed_at, o.order_id))

    def tracked(self, carrier: str, tracking_number: str) -> tuple[str, str] | None:
        return next(((o.order_id, f.fulfilment_id) for o in self.orders.values() for f in o.fulfilments
                     if f.label and (f.label.carrier, f.label.tracking_number) == (carrier, tracking_number)), None)

    def unpaid_until(self, moment: datetime) -> list[Order]:
        return sorted((o for o in self.orders.values() if o.payment_deadline and o.payment_deadline <= moment),
                      key=lambda o: (o.payment_deadline or moment, o.order_id))

    def waiting_until(self, moment: datetime) -> list[Order]:
        return sorted((o for o in self.orders.values() if o.status is OrderStatus.READY_FOR_PICKUP
                       and o.pickup_deadline is not None and o.pickup_deadline <= moment),
                      key=lambda o: (o.pickup_deadline or moment, o.order_id))
