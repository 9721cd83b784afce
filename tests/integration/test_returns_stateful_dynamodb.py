"""Random sequences of sales, return requests (retried, too large, repeated), rejections and
inspections against the real DynamoDB code, checking after every step that a purchase never has
more units on their way back than were bought, and that restocked units appear at the receiving
location only.

Everything the machine does derives from its draws and its own counters (receipt ids, keys):
a replay of the same draws takes the same path, which hypothesis requires."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared import wiring
from shared.errors import Conflict, IdempotencyKeyReused, InvalidRequest
from shared.identity import Caller
from shared.purchases import service as purchases
from shared.purchases.model import PurchasedLine
from shared.returns import service as returns
from shared.returns.model import Disposition, ReturnStatus
from shared.stock import service as stock
from shared.stock.model import ChangeKind
from tests.conftest import emulated_machine_settings
from tests.integration.conftest import start_moto_system, use_moto_environment

SELLER, RECEIVER = "amsterdam-kalverstraat", "utrecht-oudegracht"
TILL = Caller(role="staff", subject="till", location_id=SELLER)
STAFF = Caller(role="staff", subject="anna", location_id=RECEIVER)
SHOPPER = Caller(role="customer", subject="c-1")
# Returns are allowed 30 days after the sale by the service's clock: sales are dated an hour
# before the module was loaded, one reading, the same for every example and every replay.
SOLD_AT = (datetime.now(UTC) - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)  # determinism: allow


class ReturnsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.mock = start_moto_system()
        stock.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                            directory=wiring.location_directory(), caller=Caller(role="admin", subject="a"),
                            sku="R-1", location_id=SELLER, kind=ChangeKind.RECEIPT, quantity=50,
                            idempotency_key="initial-stock", source="test")
        self.bought: dict[str, int] = {}  # purchase id -> units bought
        self.return_ids: list[str] = []
        self.keys: list[tuple[str, str, int]] = []
        self.restocked = 0
        self.asked = 0  # return requests made, for fresh keys

    def teardown(self) -> None:
        self.mock.stop()  # type: ignore[attr-defined]

    @rule(quantity=st.integers(1, 3))
    def sell(self, quantity: int) -> None:
        purchase, _ = purchases.record_store_sale(
            store=wiring.return_store(), directory=wiring.location_directory(), caller=TILL, location_id=SELLER,
            receipt_id=f"R-{len(self.bought):04d}",
            lines=[PurchasedLine("R-1", quantity, 1500)], purchased_at=SOLD_AT, customer_id=SHOPPER.subject,
            receipt_email=None)
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
            ret, created = returns.request(store=wiring.return_store(), directory=wiring.location_directory(),
                                           caller=SHOPPER, purchase_id=purchase_id,
                                           wanted={"R-1": quantity}, location_id=RECEIVER, idempotency_key=key,
                                           contact_email=None, reason=None)
            if created:
                self.return_ids.append(ret.return_id)
                self.keys.append((purchase_id, key, quantity))

    @precondition(lambda self: self.return_ids)
    @rule(pick=st.integers(0, 99), action=st.sampled_from(["reject", "approve", "receive", "inspect"]))
    def handle(self, pick: int, action: str) -> None:
        rid = self.return_ids[pick % len(self.return_ids)]
        target = {"reject": ReturnStatus.REJECTED, "approve": ReturnStatus.APPROVED,
                  "receive": ReturnStatus.RECEIVED, "inspect": ReturnStatus.INSPECTED}[action]
        before = wiring.return_store().get(rid)
        with contextlib.suppress(Conflict):
            after = returns.step(store=wiring.return_store(), caller=STAFF, return_id=rid, status=target,
                                 dispositions={"R-1": Disposition.RESTOCK})
            if target is ReturnStatus.INSPECTED and before is not None and before.status is not after.status:
                self.restocked += after.lines[0].quantity

    @invariant()
    def never_more_back_than_bought(self) -> None:
        on_the_way: dict[str, int] = {}
        for rid in self.return_ids:
            ret = wiring.return_store().get(rid)
            assert ret is not None
            if ret.status is not ReturnStatus.REJECTED:
                on_the_way[ret.purchase_id] = on_the_way.get(ret.purchase_id, 0) + ret.lines[0].quantity
        for purchase_id, bought in self.bought.items():
            assert on_the_way.get(purchase_id, 0) <= bought
        received = wiring.stock_store().get("R-1", RECEIVER)
        assert (received.on_hand if received else 0) == self.restocked
        sold = wiring.stock_store().get("R-1", SELLER)
        assert sold is not None and sold.on_hand == 50 - sum(self.bought.values())


def setup_module() -> None:
    use_moto_environment()


TestReturns = ReturnsMachine.TestCase
TestReturns.settings = emulated_machine_settings(steps=15)
