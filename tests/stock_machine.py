"""A hypothesis state machine for stock, run against any StockStore (memory or DynamoDB).

It drives random sequences of changes, counts, settings changes and retries (the same
idempotency key again, sometimes with another meaning) and checks after every step that
the store agrees with a simple model and that the PRODUCT.md invariants hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared.errors import IdempotencyKeyReused, InsufficientStock
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Address, Coordinates, Location, LocationType
from shared.stock import service
from shared.stock.model import FACTS, ChangeKind, StockLevel, on_hand_delta
from shared.stock.ports import StockStore
from shared.transactions import Transactions
from tests.fakes.locations import MemoryLocationStore

SKUS = ("SKU-A", "SKU-B")
LOCS = ("store-one", "store-two")
ERP = Caller(role="integration", subject="erp")
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def demo_locations() -> LocationDirectory:
    store = MemoryLocationStore()
    for loc in LOCS:
        store.put(Location(location_id=loc, name=loc, type=LocationType.STORE,
                           address=Address(street="s", postal_code="1", city="c"),
                           coordinates=Coordinates(lat=52, lon=5), low_stock_threshold=2))
    return LocationDirectory(store)


def _tampered(quantity: int) -> int:
    """Another valid quantity (a correction of 0 is invalid, and refused before the key is read)."""
    return quantity + 1 if quantity != -1 else quantity - 1


class StockMachine(RuleBasedStateMachine):
    make_store: Callable[[], StockStore]
    make_transactions: Callable[[], Transactions]

    def __init__(self) -> None:
        super().__init__()
        self.store = type(self).make_store()
        self.transactions = type(self).make_transactions()
        self.directory = demo_locations()
        self.model: dict[tuple[str, str], dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []  # requests applied, for retries

    def _m(self, sku: str, loc: str) -> dict[str, Any]:
        return self.model.setdefault((sku, loc), {"on_hand": 0, "safety": 0, "as_of": None})

    @rule(sku=st.sampled_from(SKUS), loc=st.sampled_from(LOCS), kind=st.sampled_from(list(ChangeKind)),
          qty=st.integers(1, 6), negative=st.booleans())
    def change(self, sku: str, loc: str, kind: ChangeKind, qty: int, negative: bool) -> None:
        qty = -qty if kind is ChangeKind.CORRECTION and negative else qty
        key = f"k-{len(self.sent)}-{sku}-{loc}"
        m = self._m(sku, loc)
        delta = on_hand_delta(kind, qty)
        refusable = kind not in FACTS and delta < 0  # a sale is a fact: never refused
        expect_refused = refusable and m["on_hand"] + delta < 0
        try:
            service.record_change(store=self.store, transactions=self.transactions, directory=self.directory,
                                  caller=ERP, sku=sku, location_id=loc, kind=kind, quantity=qty, idempotency_key=key,
                                  source="test")
        except InsufficientStock:
            assert expect_refused
            return
        assert not expect_refused
        m["on_hand"] += delta
        self.sent.append({"op": "change", "sku": sku, "loc": loc, "kind": kind, "qty": qty, "key": key})

    @rule(sku=st.sampled_from(SKUS), loc=st.sampled_from(LOCS), on_hand=st.integers(0, 20),
          minutes=st.integers(0, 50))
    def count(self, sku: str, loc: str, on_hand: int, minutes: int) -> None:
        as_of = BASE + timedelta(minutes=minutes)
        key = f"c-{len(self.sent)}-{sku}-{loc}"
        m = self._m(sku, loc)
        receipt = service.record_count(store=self.store, transactions=self.transactions, directory=self.directory,
                                       caller=ERP, sku=sku, location_id=loc, on_hand=on_hand, as_of=as_of,
                                       idempotency_key=key, source="test")
        newer_known = m["as_of"] is not None and as_of <= m["as_of"]
        assert (receipt is None) == newer_known, (receipt, m, as_of)
        if receipt is not None:
            m["on_hand"], m["as_of"] = on_hand, as_of
            self.sent.append({"op": "count", "sku": sku, "loc": loc, "on_hand": on_hand, "as_of": as_of,
                              "key": key})

    @rule(sku=st.sampled_from(SKUS), loc=st.sampled_from(LOCS), safety=st.integers(0, 4))
    def settings(self, sku: str, loc: str, safety: int) -> None:
        service.update_settings(store=self.store, directory=self.directory, caller=ERP, sku=sku, location_id=loc,
                                safety_stock=safety, low_stock_threshold=2, source="test")
        self._m(sku, loc)["safety"] = safety

    @precondition(lambda self: bool(self.sent))
    @rule(pick=st.integers(0, 10_000), tamper=st.booleans())
    def retry(self, pick: int, tamper: bool) -> None:
        """A retried request changes nothing; the same key for another request is refused."""
        sent = self.sent[pick % len(self.sent)]
        try:
            if sent["op"] == "change":
                receipt = service.record_change(store=self.store, transactions=self.transactions,
                                                directory=self.directory, caller=ERP, sku=sent["sku"],
                                                location_id=sent["loc"], kind=sent["kind"],
                                                quantity=_tampered(sent["qty"]) if tamper else sent["qty"],
                                                idempotency_key=sent["key"], source="test")
            else:
                receipt = service.record_count(store=self.store, transactions=self.transactions,
                                               directory=self.directory, caller=ERP, sku=sent["sku"],
                                               location_id=sent["loc"],
                                               on_hand=sent["on_hand"] + (1 if tamper else 0), as_of=sent["as_of"],
                                               idempotency_key=sent["key"], source="test")
        except IdempotencyKeyReused:
            assert tamper
            return
        assert not tamper and receipt is not None and receipt.replayed

    @invariant()
    def agrees_with_model(self) -> None:
        for (sku, loc), m in self.model.items():
            level = self.store.get(sku, loc) or StockLevel(sku=sku, location_id=loc)
            level.check_invariants()
            assert level.on_hand == m["on_hand"], (level, m)
            assert level.safety_stock == m["safety"], (level, m)
            assert level.available == max(0, m["on_hand"] - level.reserved - m["safety"])
