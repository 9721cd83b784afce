"""50 purchases and refunds of one customer at once, each sent twice, against the real DynamoDB code:
the points balance is the sum of its ledger, every source is booked once, and the balance never
went below 0 even where refunds raced each other for the last points.

In-process moto does not lock (two threads can read one old item and both write), so this runs
against moto's server in this process behind ``local.emulator``, which applies one DynamoDB
request at a time: atomic per request, as DynamoDB is per item (stricter, never looser)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from local.seed import LOCATIONS
from shared import wiring
from shared.errors import Conflict
from shared.identity import Caller
from shared.loyalty.model import PointsEntry, Reason
from shared.purchases import service as purchases
from shared.purchases.model import PriceOverride, PurchasedLine
from shared.returns import service as returns
from shared.returns.model import Disposition, Return, ReturnStatus
from shared.stock import service as stock
from shared.stock.model import ChangeKind
from tests.pricing import price_skus
from tests.returns_machine import SOLD_AT

SELLER, RECEIVER = "amsterdam-kalverstraat", "utrecht-oudegracht"
TILL = Caller(role="staff", subject="till", location_id=SELLER)
STAFF = Caller(role="staff", subject="anna", location_id=RECEIVER)
PAYMENTS = Caller(role="integration", subject="psp")
CUSTOMER = "concurrent-1"
SHOPPER = Caller(role="customer", subject=CUSTOMER)
EACH = 25  # purchases now, and refunds of earlier purchases now: 50 at once
PRICE = 2550  # 25 points per earlier purchase, 25 taken back per refund (if the balance still holds them)
NOW_PRICE = 150  # 1 point per purchase now: the refunds race for the last points, not for new ones


@pytest.fixture
def seeded(emulated: str) -> None:
    """The emulated system with the demo locations (and the SKUs it sells priced)."""
    for location in LOCATIONS:
        wiring.location_store().put(location)
    price_skus(wiring.catalog(), ["CC-1"], PRICE)  # the others are sold with a staff override


def sale(receipt_id: str, price: int = PRICE) -> str:
    purchase, _ = purchases.record_store_sale(
        purchases=wiring.purchase_store(), stock=wiring.stock_store(), transactions=wiring.transactions(),
        directory=wiring.location_directory(), caller=TILL, location_id=SELLER, receipt_id=receipt_id,
        lines=[PurchasedLine("CC-1", 1, price, override=None if price == PRICE else PriceOverride("offer", "till"))],
        purchased_at=SOLD_AT, customer_id=CUSTOMER, receipt_email=None, loyalty=wiring.loyalty_store(),
        catalog=wiring.catalog())
    return purchase.purchase_id


def step(return_id: str, status: ReturnStatus, caller: Caller = STAFF) -> Return:
    return returns.step(returns=wiring.return_store(), purchases=wiring.purchase_store(), stock=wiring.stock_store(),
                        transactions=wiring.transactions(), caller=caller, return_id=return_id, status=status,
                        dispositions={"CC-1": Disposition.RESTOCK}, refund_reference=f"PSP-{return_id}",
                        loyalty=wiring.loyalty_store())


def inspected_return(purchase_id: str, n: int) -> str:
    ret, _ = returns.request(returns=wiring.return_store(), purchases=wiring.purchase_store(),
                             transactions=wiring.transactions(), directory=wiring.location_directory(), caller=SHOPPER,
                             purchase_id=purchase_id, wanted={"CC-1": 1}, location_id=RECEIVER,
                             idempotency_key=f"concurrent-return-{n}", contact_email=None, reason=None)
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
        step(ret.return_id, status)
    return ret.return_id


def refund(return_id: str) -> None:
    """The payment integration's report; a 409 (the points moved under it too often) is sent again."""
    for _ in range(10):
        try:
            step(return_id, ReturnStatus.REFUNDED, PAYMENTS)
            return
        except Conflict:
            continue
    raise AssertionError(f"refund of {return_id} kept conflicting")


def spend_points(points: int) -> None:
    """Points spent elsewhere (as an order's redemption would), so that refunds race for the rest."""
    tx = wiring.transactions().begin()
    wiring.loyalty_store().add_entry(tx, entry=PointsEntry(CUSTOMER, "concurrent-order", Reason.REDEEMED, -points,
                                                           SOLD_AT))
    tx.commit()


def test_50_concurrent_purchases_and_refunds_leave_the_balance_equal_to_its_ledger(seeded: None) -> None:
    # given 25 earlier purchases, each with a return waiting for its refund, and most points spent
    stock.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                        directory=wiring.location_directory(), caller=Caller(role="admin", subject="erp"),
                        sku="CC-1", location_id=SELLER, kind=ChangeKind.RECEIPT, quantity=100,
                        idempotency_key="concurrent-stock", source="test")
    earlier = [sale(f"CC-EARLY-{n:02d}") for n in range(EACH)]
    waiting = [inspected_return(purchase_id, n) for n, purchase_id in enumerate(earlier)]
    spend_points(EACH * 25 - 100)  # 100 points left (and 25 coming): the refunds want 625
    # when 25 new purchases and the 25 refunds run at once, each sent twice (a retry, a redelivery)
    work = [lambda n=n: sale(f"CC-NOW-{n:02d}", NOW_PRICE) for n in range(EACH)]
    work += [lambda r=r: refund(r) for r in waiting]
    with ThreadPoolExecutor(max_workers=12) as pool:
        for done in [pool.submit(task) for task in work + work]:
            done.result()
    # then the balance is its ledger's sum, each purchase and each refund booked exactly once
    account = wiring.loyalty_store().account(CUSTOMER)
    ledger, _ = wiring.loyalty_store().history(CUSTOMER, 1000, None)
    by_reason = {reason: [e for e in ledger if e.reason is reason] for reason in Reason}
    assert account.balance == sum(e.points for e in ledger) >= 0
    assert (len(by_reason[Reason.EARNED]), len(by_reason[Reason.TAKEN_BACK]), len(ledger)) == (2 * EACH, EACH,
                                                                                                 3 * EACH + 1)
    assert account.version == len(ledger) and account.earned == EACH * 25 + EACH
    assert sorted(e.source_id for e in by_reason[Reason.TAKEN_BACK]) == sorted(waiting)
    taken = -sum(e.points for e in by_reason[Reason.TAKEN_BACK])
    assert account.balance == account.earned - (EACH * 25 - 100) - taken
    assert all(-25 <= e.points <= 0 for e in by_reason[Reason.TAKEN_BACK])  # never more than a refund earned
    assert 0 < taken <= 100 + EACH  # what was there to take: never below 0
    assert account.net_spend_cents == sum(e.spend_cents for e in ledger) == EACH * NOW_PRICE  # the early ones back
    assert all(wiring.return_store().get(r).status is ReturnStatus.REFUNDED for r in waiting)  # type: ignore[union-attr]
