"""A hypothesis state machine for points, run against any stores (memory or DynamoDB).

Random sequences of till sales (with or without a loyalty card), the same receipts sent again
(a till retry or a redelivered SaleRecorded: both land in ``record_till_sale``), returns taken
to their refund in any order, and refunds reported again. After every step: the balance is the
sum of the ledger, which is what was earned less what was taken back, never below 0, and the
same as a plain model of the rules predicts; a redelivery changes nothing.

Everything derives from the draws and the machine's own counters, so a replay takes the same path.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shared.errors import Conflict, InvalidRequest
from shared.identity import Caller
from shared.loyalty.model import PointsAccount, Reason
from shared.loyalty.ports import LoyaltyStore
from shared.purchases.model import PriceOverride, PurchasedLine
from shared.purchases.till import record_till_sale
from shared.returns import service as returns
from shared.returns.model import Disposition, ReturnStatus
from tests.holds_machine import World
from tests.pricing import price_skus
from tests.returns_machine import SOLD_AT, Shop

SELLER, RECEIVER = "amsterdam-kalverstraat", "utrecht-oudegracht"
TILL = Caller(role="staff", subject="till", location_id=SELLER)
STAFF = Caller(role="staff", subject="anna", location_id=RECEIVER)
PAYMENTS = Caller(role="integration", subject="psp")
CUSTOMER = "loyal-1"
SHOPPER = Caller(role="customer", subject=CUSTOMER)
PRICES = (99, 1500, 2550, 10_000)  # under a euro, and amounts that round down
CATALOG_PRICE = PRICES[1]  # L-1's price in the catalog: the till charges the others with a staff override


@dataclass(frozen=True)
class LoyaltyShop:
    shop: Shop
    world: World  # the order stores a till sale may touch (no order here: its lines are a plain sale)
    loyalty: LoyaltyStore


class LoyaltyMachine(RuleBasedStateMachine):
    def open_shop(self) -> LoyaltyShop:
        raise NotImplementedError

    def __init__(self) -> None:
        super().__init__()
        self.s = self.open_shop()
        price_skus(self.s.shop.catalog, ["L-1"], CATALOG_PRICE)
        self.sales: list[tuple[str, list[PurchasedLine], str | None, str]] = []  # receipt, lines, customer, id
        self.refundable: list[str] = []  # inspected returns, refunded (again) at will
        self.keys = 0
        self.expected = PointsAccount(CUSTOMER)  # the model: the rules applied in the order things happened
        self.earned = 0
        self.taken = 0

    def _sell(self, receipt_id: str, lines: list[PurchasedLine], customer_id: str | None) -> tuple[str, bool]:
        shop = self.s.shop
        purchase, created = record_till_sale(
            purchases=shop.purchases, orders=self.s.world.orders, reservations=self.s.world.reservations,
            counters=self.s.world.counters, stock=shop.stock, transactions=shop.transactions,
            directory=shop.directory, caller=TILL, location_id=SELLER, receipt_id=receipt_id, lines=lines,
            purchased_at=SOLD_AT, customer_id=customer_id, loyalty=self.s.loyalty, catalog=self.s.shop.catalog)
        return purchase.purchase_id, created

    @rule(quantity=st.integers(1, 3), price=st.sampled_from(PRICES), card=st.booleans())
    def sell(self, quantity: int, price: int, card: bool) -> None:
        receipt_id = f"L-{len(self.sales):04d}"
        override = None if price == CATALOG_PRICE else PriceOverride("price match", TILL.subject)
        lines = [PurchasedLine("L-1", quantity, price, override=override)]
        customer_id = CUSTOMER if card else None
        purchase_id, created = self._sell(receipt_id, lines, customer_id)
        assert created
        self.sales.append((receipt_id, lines, customer_id, purchase_id))
        if card:
            points = quantity * price // 100
            self.expected = PointsAccount(CUSTOMER, self.expected.balance + points,
                                          self.expected.net_spend_cents + quantity * price,
                                          self.expected.earned + points, self.expected.version + 1)
            self.earned += points

    @precondition(lambda self: self.sales)
    @rule(pick=st.integers(0, 99))
    def sale_delivered_again(self, pick: int) -> None:
        receipt_id, lines, customer_id, purchase_id = self.sales[pick % len(self.sales)]
        again, created = self._sell(receipt_id, lines, customer_id)
        assert (again, created) == (purchase_id, False)

    @precondition(lambda self: self.sales)
    @rule(pick=st.integers(0, 99), quantity=st.integers(1, 3))
    def take_back(self, pick: int, quantity: int) -> None:
        _, _, customer_id, purchase_id = self.sales[pick % len(self.sales)]
        shop = self.s.shop
        self.keys += 1
        caller = SHOPPER if customer_id else STAFF
        with contextlib.suppress(Conflict, InvalidRequest):  # more than is left to return
            ret, _ = returns.request(returns=shop.returns, purchases=shop.purchases, transactions=shop.transactions,
                                     directory=shop.directory, caller=caller, purchase_id=purchase_id,
                                     wanted={"L-1": quantity}, location_id=RECEIVER,
                                     idempotency_key=f"loyalty-return-{self.keys}", contact_email=None, reason=None)
            for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
                returns.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock,
                             transactions=shop.transactions, caller=STAFF, return_id=ret.return_id, status=status,
                             dispositions={"L-1": Disposition.RESTOCK}, loyalty=self.s.loyalty)
            self.refundable.append(ret.return_id)

    @precondition(lambda self: self.refundable)
    @rule(pick=st.integers(0, 99))
    def refunded(self, pick: int) -> None:
        """The payment integration reports the refund; a second report is no change."""
        return_id = self.refundable[pick % len(self.refundable)]
        shop = self.s.shop
        before = shop.returns.get(return_id)
        assert before is not None
        after = returns.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock,
                             transactions=shop.transactions, caller=PAYMENTS, return_id=return_id,
                             status=ReturnStatus.REFUNDED, refund_reference=f"PSP-{return_id}",
                             loyalty=self.s.loyalty)
        if before.status is ReturnStatus.REFUNDED or after.customer_id is None:
            return
        points = min(after.refund_cents // 100, self.expected.balance)
        spend = min(after.refund_cents, self.expected.net_spend_cents)
        self.expected = PointsAccount(CUSTOMER, self.expected.balance - points, self.expected.net_spend_cents - spend,
                                      self.expected.earned, self.expected.version + 1)
        self.taken += points

    @invariant()
    def balance_is_the_ledger_and_the_model(self) -> None:
        account = self.s.loyalty.account(CUSTOMER)
        ledger, _ = self.s.loyalty.history(CUSTOMER, 1000, None)
        assert account.balance == sum(e.points for e in ledger) >= 0
        earned = sum(e.points for e in ledger if e.reason is Reason.EARNED)
        taken = -sum(e.points for e in ledger if e.reason is Reason.TAKEN_BACK)
        assert (account.balance, account.earned) == (earned - taken, earned) == (self.earned - self.taken, self.earned)
        assert account.net_spend_cents == sum(e.spend_cents for e in ledger) >= 0
        assert account.version == len(ledger)  # one account change per entry, each source once
        assert (account.customer_id, account.balance, account.net_spend_cents, account.earned) == (
            self.expected.customer_id, self.expected.balance, self.expected.net_spend_cents, self.expected.earned)


def memory_loyalty_shop() -> LoyaltyShop:
    from tests.fakes.loyalty import MemoryLoyaltyStore
    from tests.holds_machine import memory_world
    from tests.returns_machine import memory_shop

    shop = memory_shop()
    world = memory_world()
    return LoyaltyShop(shop=shop, world=world, loyalty=MemoryLoyaltyStore())
