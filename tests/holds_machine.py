"""A hypothesis state machine for holds, run against any stores (memory or DynamoDB).

Random sequences of reserve, cancel, expire, order steps, stock changes and retries against
the real domain code, checking PRODUCT.md's invariants after every step: reserved >= 0,
reserved = the sum of active holds, and units are conserved (on_hand changes only by receipts,
sales, counts and handovers). Sales and counts are facts: they may take held units; each is
followed by the shortfall resolution the stock consumer runs on StockShortfall, after which
reserved <= on_hand again. Each customer's counters equal what they hold.

Keys come from a counter and sweeps run at a fixed moment long after any hold ends, so a replay
of the same draws takes the same path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock, TooManyRequests
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.orders import service as orders
from shared.orders.model import Contact, OrderStatus, Payment
from shared.orders.ports import OrderStore
from shared.orders.shortfall import resolve_shortfall
from shared.purchases.model import PurchasedLine
from shared.purchases.till import record_till_sale
from shared.reservations import service as reservations
from shared.reservations.holding import HoldWrites
from shared.reservations.model import Channel, Line
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.slots.calendar import CALENDAR
from shared.stock import service as stock
from shared.stock.model import ChangeKind, StockLevel
from shared.stock.ports import StockStore
from shared.transactions import Transactions

SKUS = ("H-1", "H-2")
PRICE_CENTS = 100  # what the catalog asks for each of SKUS, and what the till charges
STORE = "utrecht-oudegracht"
ERP = Caller(role="integration", subject="erp")
STAFF = Caller(role="staff", subject="anna", location_id=STORE)
SHOPPERS = [Caller(role="customer", subject=f"c{i}") for i in range(3)]
# Holds last an hour and pickups days from when they start (the service's clock); a sweep at
# this moment finds every one of them overdue, as "two hours / three days later" would.
LONG_AFTER = datetime(2099, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    """The stores the machine drives, and what it tears down after a run."""

    stock: StockStore
    reservations: ReservationStore
    counters: HoldCounters
    orders: OrderStore
    purchases: Any  # a PurchaseStore
    transactions: Transactions
    directory: LocationDirectory
    catalog: Any  # a PriceLists: every SKU the machine or a story sells is priced (PRICE_CENTS)
    stop: Callable[[], None] = lambda: None

    def holds(self) -> HoldWrites:
        return {"reservations": self.reservations, "counters": self.counters, "stock": self.stock,
                "transactions": self.transactions}


class HoldsMachine(RuleBasedStateMachine):
    make_world: Callable[[], World]

    def __init__(self) -> None:
        super().__init__()
        self.world = type(self).make_world()
        self.reservation_ids: list[str] = []
        self.order_ids: list[str] = []
        self.requests: list[tuple[Caller, str, list[Line]]] = []  # for retries
        self.keys = 0  # idempotency keys handed out
        self.on_hand = {sku: 0 for sku in SKUS}  # what conservation says the books must show
        self.counts = 0
        self.receipts: set[str] = set()

    def _resolve(self, sku: str) -> None:
        """What the stock consumer does with the StockShortfall the stream publishes."""
        resolve_shortfall(**self.world.holds(), orders=self.world.orders, directory=self.world.directory,
                          calendar=CALENDAR, sku=sku, location_id=STORE)

    def teardown(self) -> None:
        self.world.stop()

    def _key(self) -> str:
        self.keys += 1
        return f"key-{self.keys}"

    @rule(sku=st.sampled_from(SKUS), kind=st.sampled_from([ChangeKind.RECEIPT, ChangeKind.SALE]),
          qty=st.integers(1, 4))
    def change_stock(self, sku: str, kind: ChangeKind, qty: int) -> None:
        with contextlib.suppress(InsufficientStock):
            stock.record_change(store=self.world.stock, transactions=self.world.transactions,
                                directory=self.world.directory, caller=ERP, sku=sku, location_id=STORE,
                                kind=kind, quantity=qty, idempotency_key=self._key(), source="test")
        self.on_hand[sku] += qty if kind is ChangeKind.RECEIPT else -qty  # both always apply
        self._resolve(sku)

    @rule(sku=st.sampled_from(SKUS), counted=st.integers(0, 4))
    def count(self, sku: str, counted: int) -> None:
        """A count (a fact), possibly below what is held; each one newer than the last."""
        self.counts += 1
        as_of = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=self.counts)
        receipt = stock.record_count(store=self.world.stock, transactions=self.world.transactions,
                                     directory=self.world.directory, caller=ERP, sku=sku, location_id=STORE,
                                     on_hand=counted, as_of=as_of, idempotency_key=f"count-{self.counts}",
                                     source="test")
        assert receipt is not None
        self.on_hand[sku] = counted
        self._resolve(sku)

    @rule(shopper=st.sampled_from(SHOPPERS), lines=st.lists(
        st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1, max_size=2), as_order=st.booleans())
    def hold(self, shopper: Caller, lines: list[tuple[str, int]], as_order: bool) -> None:
        key, wanted = self._key(), [Line(sku, qty) for sku, qty in lines]
        try:
            if as_order:
                order, _ = orders.place(**self.world.holds(), orders=self.world.orders,
                                        directory=self.world.directory, caller=shopper, location_id=STORE,
                                        lines=wanted, payment=Payment.PAID_ONLINE, contact=Contact("a@example.nl"),
                                        channel=Channel.WEB, idempotency_key=key, catalog=self.world.catalog)
                self.order_ids.append(order.order_id)
            else:
                held, _ = reservations.reserve(**self.world.holds(), directory=self.world.directory, caller=shopper,
                                               location_id=STORE, lines=wanted, channel=Channel.APP,
                                               idempotency_key=key, hold_seconds=3600, catalog=self.world.catalog)
                self.reservation_ids.append(held.reservation_id)
                self.requests.append((shopper, key, wanted))
        except (InsufficientStock, TooManyRequests):
            pass

    @precondition(lambda self: self.requests)
    @rule(pick=st.integers(0, 99), tamper=st.booleans())
    def retry_hold(self, pick: int, tamper: bool) -> None:
        shopper, key, wanted = self.requests[pick % len(self.requests)]
        asked = [Line(wanted[0].sku, wanted[0].quantity + 1), *wanted[1:]] if tamper else wanted
        try:
            _, created = reservations.reserve(**self.world.holds(), directory=self.world.directory, caller=shopper,
                                              location_id=STORE, lines=asked, channel=Channel.APP,
                                              idempotency_key=key, hold_seconds=3600, catalog=self.world.catalog)
            assert not created and not tamper
        except IdempotencyKeyReused:
            assert tamper

    @precondition(lambda self: self.reservation_ids)
    @rule(pick=st.integers(0, 99), expire=st.booleans())
    def end_reservation(self, pick: int, expire: bool) -> None:
        rid = self.reservation_ids[pick % len(self.reservation_ids)]
        if expire:
            reservations.expire_due(**self.world.holds(), now=LONG_AFTER)
        else:
            held = self.world.reservations.get(rid)
            assert held is not None
            try:
                reservations.cancel(**self.world.holds(), caller=Caller(role="customer", subject=held.customer_id),
                                    reservation_id=rid)
            except Conflict:
                assert held.status.value in ("EXPIRED", "FULFILLED")  # an ended hold cannot be cancelled

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 99), extra=st.integers(0, 2), twice=st.booleans())
    def till_rings_up_order(self, pick: int, extra: int, twice: bool) -> None:
        """A pay-at-pickup order rung up at the till (maybe sent twice): its units leave once."""
        oid = self.order_ids[pick % len(self.order_ids)]
        order = self.world.orders.get(oid)
        assert order is not None
        receipt = f"till-{oid}-{extra}"
        lines = [PurchasedLine(x.sku, x.quantity, PRICE_CENTS) for x in order.lines]
        if extra:
            lines.append(PurchasedLine(SKUS[0], extra, PRICE_CENTS))  # something else on the same receipt
        for _ in range(2 if twice else 1):
            record_till_sale(**self.world.holds(), purchases=self.world.purchases, orders=self.world.orders,
                             directory=self.world.directory, caller=STAFF, location_id=STORE,
                             receipt_id=receipt, lines=lines, purchased_at=datetime(2026, 1, 2, tzinfo=UTC),
                             order_id=oid, catalog=self.world.catalog)
        if receipt in self.receipts:
            return  # the same receipt again: nothing moves
        self.receipts.add(receipt)
        for line in lines:  # every unit on the receipt leaves the books once ...
            self.on_hand[line.sku] -= line.quantity
        if order.status is OrderStatus.COLLECTED:  # ... except the order's, which left at collection
            for held in order.held_lines:
                self.on_hand[held.sku] += held.quantity
        for sku in SKUS:
            self._resolve(sku)

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 99), action=st.sampled_from(["accept", "picking", "short", "ready", "collect",
                                                           "cancel", "sweep"]))
    def order_step(self, pick: int, action: str) -> None:
        oid = self.order_ids[pick % len(self.order_ids)]
        store, transactions = self.world.orders, self.world.transactions
        order = store.get(oid)
        assert order is not None
        try:
            if action in ("accept", "picking"):
                orders.advance(orders=store, transactions=transactions, caller=STAFF, order_id=oid,
                               status=OrderStatus.ACCEPTED if action == "accept" else OrderStatus.PICKING)
            elif action == "short":
                orders.mark_short(**self.world.holds(), orders=store, caller=STAFF, order_id=oid,
                                  sku=order.lines[0].sku)
            elif action == "ready":
                orders.ready(orders=store, transactions=transactions, directory=self.world.directory, caller=STAFF,
                             order_id=oid)
            elif action == "collect":
                collected = orders.collect(**self.world.holds(), orders=store, purchases=self.world.purchases,
                                           caller=STAFF, order_id=oid, pickup_code=order.pickup_code or "000000")
                if order.status is not OrderStatus.COLLECTED and collected.status is OrderStatus.COLLECTED:
                    for line in order.held_lines:  # handed over: the units leave the books
                        self.on_hand[line.sku] -= line.quantity
            elif action == "cancel":
                orders.cancel(**self.world.holds(), orders=store, caller=STAFF, order_id=oid)
            else:
                orders.sweep(**self.world.holds(), orders=store, now=LONG_AFTER)
        except Conflict:
            pass

    def _hold_ids(self) -> list[str]:
        return self.reservation_ids + [o.reservation_id for o in map(self.world.orders.get, self.order_ids)
                                       if o is not None]

    @invariant()
    def stock_equals_the_sum_of_active_holds(self) -> None:
        holds = {sku: 0 for sku in SKUS}
        for rid in self._hold_ids():
            held = self.world.reservations.get(rid)
            if held is not None and held.is_active:
                for line in held.lines:
                    holds[line.sku] += line.quantity
        for sku in SKUS:
            level = self.world.stock.get(sku, STORE) or StockLevel(sku=sku, location_id=STORE)
            level.check_invariants()
            assert level.reserved == holds[sku], (sku, level, holds)
            assert level.on_hand == self.on_hand[sku], (sku, level, self.on_hand)  # units conserved
            assert level.shortfall == 0, level  # resolved: reserved <= on_hand
        for oid in self.order_ids:
            order = self.world.orders.get(oid)
            assert order is not None
            held = self.world.reservations.get(order.reservation_id)
            assert held is not None
            assert held.is_active == order.is_open, (order.status, held.status)

    @invariant()
    def each_customers_counter_is_the_sum_of_their_active_holds(self) -> None:
        """The per-customer limits count exactly what is held: never above the location's limits."""
        rids = self._hold_ids()
        for shopper in SHOPPERS:
            holds, units = 0, {sku: 0 for sku in SKUS}
            for rid in rids:
                held = self.world.reservations.get(rid)
                if held is not None and held.is_active and held.customer_id == shopper.subject:
                    holds += 1
                    for line in held.lines:
                        units[line.sku] += line.quantity
            counted_holds, counted_units = self.world.counters.held_by(shopper.subject, STORE)
            assert (counted_holds, {sku: counted_units.get(sku, 0) for sku in SKUS}) == (holds, units)
            assert holds <= 10 and all(quantity <= 5 for quantity in units.values())


def memory_world(*priced: str) -> World:
    """The stores in memory, with the demo locations (their limits: 10 holds, 5 units per SKU), and a
    catalog pricing the machine's SKUS and ``priced`` at PRICE_CENTS."""
    from local.seed import LOCATIONS
    from tests.fakes.catalog import MemoryCatalog
    from tests.fakes.limits import MemoryHoldCounters
    from tests.fakes.locations import MemoryLocationStore
    from tests.fakes.orders import MemoryOrderStore
    from tests.fakes.purchases import MemoryPurchaseStore
    from tests.fakes.reservations import MemoryReservationStore
    from tests.fakes.stock import MemoryStockStore
    from tests.fakes.transaction import MemoryTransactions

    locations = MemoryLocationStore()
    for location in LOCATIONS:
        locations.put(location)
    catalog = MemoryCatalog()
    catalog.stock_up([*SKUS, *priced], price_cents=PRICE_CENTS)
    return World(stock=MemoryStockStore(), reservations=MemoryReservationStore(), counters=MemoryHoldCounters(),
                 orders=MemoryOrderStore(), purchases=MemoryPurchaseStore(), transactions=MemoryTransactions(),
                 directory=LocationDirectory(locations), catalog=catalog)
