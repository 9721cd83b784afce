"""A hypothesis state machine for purchases and returns, run against any stores (memory or DynamoDB).

Random sequences of sales, return requests (retried, too large, repeated), rejections and
inspections, checking after every step that a purchase never has more units on their way back
than were bought, and that restocked units appear at the receiving location only.

Everything the machine does derives from its draws and its own counters (receipt ids, keys):
a replay of the same draws takes the same path, which hypothesis requires."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared.errors import Conflict, IdempotencyKeyReused, InvalidRequest
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.purchases import service as purchases
from shared.purchases.model import PurchasedLine
from shared.purchases.ports import PurchaseStore
from shared.returns import service as returns
from shared.returns.model import Disposition, ReturnStatus
from shared.returns.ports import ReturnStore
from shared.stock import service as stock
from shared.stock.model import ChangeKind
from shared.stock.ports import StockStore
from shared.transactions import Transactions
from tests.pricing import price_skus

SELLER, RECEIVER = "amsterdam-kalverstraat", "utrecht-oudegracht"
TILL = Caller(role="staff", subject="till", location_id=SELLER)
STAFF = Caller(role="staff", subject="anna", location_id=RECEIVER)
SHOPPER = Caller(role="customer", subject="c-1")
PRICE_CENTS = 1500  # R-1's catalog price, and what the till charges
# Returns are allowed 30 days after the sale by the service's clock: sales are dated an hour
# before the module was loaded, one reading, the same for every example and every replay.
SOLD_AT = (datetime.now(UTC) - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)  # determinism: allow


@dataclass(frozen=True)
class Shop:
    """The stores a sale and its returns touch, and where their transactions begin."""

    purchases: PurchaseStore
    returns: ReturnStore
    stock: StockStore
    transactions: Transactions
    directory: LocationDirectory
    catalog: Any  # the catalog's reader and writer (PriceLists and CatalogWriter): sales are priced from it


class ReturnsMachine(RuleBasedStateMachine):
    def open_shop(self) -> Shop:
        """Fresh, empty stores with the demo locations (each run of the machine gets its own)."""
        raise NotImplementedError

    def __init__(self) -> None:
        super().__init__()
        self.shop = self.open_shop()
        price_skus(self.shop.catalog, ["R-1"], PRICE_CENTS)
        stock.record_change(store=self.shop.stock, transactions=self.shop.transactions,
                            directory=self.shop.directory, caller=Caller(role="admin", subject="a"),
                            sku="R-1", location_id=SELLER, kind=ChangeKind.RECEIPT, quantity=50,
                            idempotency_key="initial-stock", source="test")
        self.bought: dict[str, int] = {}  # purchase id -> units bought
        self.return_ids: list[str] = []
        self.keys: list[tuple[str, str, int]] = []
        self.restocked = 0
        self.asked = 0  # return requests made, for fresh keys

    @rule(quantity=st.integers(1, 3))
    def sell(self, quantity: int) -> None:
        purchase, _ = purchases.record_store_sale(
            purchases=self.shop.purchases, stock=self.shop.stock, transactions=self.shop.transactions,
            directory=self.shop.directory, caller=TILL, location_id=SELLER, receipt_id=f"R-{len(self.bought):04d}",
            lines=[PurchasedLine("R-1", quantity, PRICE_CENTS)], purchased_at=SOLD_AT, customer_id=SHOPPER.subject,
            receipt_email=None, catalog=self.shop.catalog)
        self.bought[purchase.purchase_id] = quantity

    @precondition(lambda self: self.bought)
    @rule(pick=st.integers(0, 99), quantity=st.integers(1, 4), retry=st.booleans())
    def request_return(self, pick: int, quantity: int, retry: bool) -> None:
        purchase_id = list(self.bought)[pick % len(self.bought)]  # in order of sale, not of (hashed) id
        if retry and self.keys:
            purchase_id, key, quantity = self.keys[pick % len(self.keys)]
        else:
            key = f"return-{self.asked}"
        self.asked += 1
        with contextlib.suppress(Conflict, InvalidRequest, IdempotencyKeyReused):
            ret, created = returns.request(
                returns=self.shop.returns, purchases=self.shop.purchases, transactions=self.shop.transactions,
                directory=self.shop.directory, caller=SHOPPER, purchase_id=purchase_id, wanted={"R-1": quantity},
                location_id=RECEIVER, idempotency_key=key, contact_email=None, reason=None)
            if created:
                self.return_ids.append(ret.return_id)
                self.keys.append((purchase_id, key, quantity))

    @precondition(lambda self: self.return_ids)
    @rule(pick=st.integers(0, 99), action=st.sampled_from(["reject", "approve", "receive", "inspect"]))
    def handle(self, pick: int, action: str) -> None:
        rid = self.return_ids[pick % len(self.return_ids)]
        target = {"reject": ReturnStatus.REJECTED, "approve": ReturnStatus.APPROVED,
                  "receive": ReturnStatus.RECEIVED, "inspect": ReturnStatus.INSPECTED}[action]
        before = self.shop.returns.get(rid)
        with contextlib.suppress(Conflict):
            after = returns.step(returns=self.shop.returns, purchases=self.shop.purchases, stock=self.shop.stock,
                                 transactions=self.shop.transactions, caller=STAFF, return_id=rid, status=target,
                                 dispositions={"R-1": Disposition.RESTOCK})
            if target is ReturnStatus.INSPECTED and before is not None and before.status is not after.status:
                self.restocked += after.lines[0].quantity

    @invariant()
    def never_more_back_than_bought(self) -> None:
        on_the_way: dict[str, int] = {}
        for rid in self.return_ids:
            ret = self.shop.returns.get(rid)
            assert ret is not None
            if ret.status is not ReturnStatus.REJECTED:
                on_the_way[ret.purchase_id] = on_the_way.get(ret.purchase_id, 0) + ret.lines[0].quantity
        for purchase_id, bought in self.bought.items():
            assert on_the_way.get(purchase_id, 0) <= bought
        received = self.shop.stock.get("R-1", RECEIVER)
        assert (received.on_hand if received else 0) == self.restocked
        sold = self.shop.stock.get("R-1", SELLER)
        assert sold is not None and sold.on_hand == 50 - sum(self.bought.values())


def memory_shop() -> Shop:
    """The fakes, with the demo locations: what the unit stories and the memory machine run on."""
    from local.seed import LOCATIONS
    from tests.fakes.catalog import MemoryCatalog
    from tests.fakes.locations import MemoryLocationStore
    from tests.fakes.purchases import MemoryPurchaseStore
    from tests.fakes.returns import MemoryReturnStore
    from tests.fakes.stock import MemoryStockStore
    from tests.fakes.transaction import MemoryTransactions

    locations = MemoryLocationStore()
    for location in LOCATIONS:
        locations.put(location)
    return Shop(purchases=MemoryPurchaseStore(), returns=MemoryReturnStore(), stock=MemoryStockStore(),
                transactions=MemoryTransactions(), directory=LocationDirectory(locations), catalog=MemoryCatalog())
