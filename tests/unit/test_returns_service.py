"""Return stories on the fakes: requested in any channel within the window, never more than
was bought, then approved or rejected, received, inspected into stock and refunded once.
Given/When/Then, pure Python; the clock is the stories' own."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import Conflict, IdempotencyKeyReused, InvalidRequest, NotFound
from shared.identity import Caller
from shared.purchases import service as purchases
from shared.purchases.model import Purchase, PurchasedLine
from shared.returns import service
from shared.returns.model import RETURN_WINDOW, Disposition, Return, ReturnStatus
from tests.conftest import fake_machine_settings
from tests.names import Names
from tests.pricing import price_skus
from tests.returns_machine import ReturnsMachine, Shop, memory_shop

AMSTERDAM, UTRECHT, PICKUP = "amsterdam-kalverstraat", "utrecht-oudegracht", "pickup-utrecht-centraal"
TILL = Caller(role="staff", subject="till", location_id=AMSTERDAM)
UTRECHT_STAFF = Caller(role="staff", subject="anna", location_id=UTRECHT)
SHOPPER = Caller(role="customer", subject="c-1")
SOLD_AT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> Shop:
    monkeypatch.setattr(service, "_now", lambda: NOW)
    shop = memory_shop()
    price_skus(shop.catalog, ["A", "B", "C"], 995)
    return shop


@pytest.fixture
def keys() -> Names:
    return Names("returns")


def bought(shop: Shop, lines: list[PurchasedLine], *, receipt_id: str = "T-1",
           purchased_at: datetime = SOLD_AT) -> Purchase:
    purchase, _ = purchases.record_store_sale(
        purchases=shop.purchases, stock=shop.stock, transactions=shop.transactions, directory=shop.directory,
        caller=TILL, location_id=AMSTERDAM, receipt_id=receipt_id, lines=lines, purchased_at=purchased_at,
        customer_id=SHOPPER.subject, receipt_email="c1@example.nl", catalog=shop.catalog)
    return purchase


def ask(shop: Shop, purchase: Purchase, wanted: dict[str, int], key: str, *, caller: Caller = SHOPPER,
        location_id: str = UTRECHT) -> tuple[Return, bool]:
    return service.request(returns=shop.returns, purchases=shop.purchases, transactions=shop.transactions,
                           directory=shop.directory, caller=caller, purchase_id=purchase.purchase_id, wanted=wanted,
                           location_id=location_id, idempotency_key=key, contact_email=None, reason="too small")


def step(shop: Shop, ret: Return, status: ReturnStatus, *, caller: Caller = UTRECHT_STAFF,
         dispositions: dict[str, Disposition] | None = None, refund_reference: str | None = None) -> Return:
    return service.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock,
                        transactions=shop.transactions, caller=caller, return_id=ret.return_id, status=status,
                        dispositions=dispositions, refund_reference=refund_reference)


def returnable(shop: Shop, purchase: Purchase) -> dict[str, int]:
    return shop.purchases.remaining[purchase.purchase_id]  # type: ignore[attr-defined]


def stock_at_utrecht(shop: Shop, sku: str) -> tuple[int, int, int]:
    level = shop.stock.get(sku, UTRECHT)
    return (level.on_hand, level.damaged, level.quality_check) if level else (0, 0, 0)


# -- a request -----------------------------------------------------------------------------


def test_a_customer_returns_part_of_a_purchase_at_any_store_within_the_window(shop: Shop, keys: Names) -> None:
    # given 3 of A bought in Amsterdam three days ago
    purchase = bought(shop, [PurchasedLine("A", 3, 995)])
    # when the customer asks to bring 2 back to Utrecht
    ret, created = ask(shop, purchase, {"A": 2}, keys())
    # then the return waits there, refunding what was paid, and 1 is left to return
    assert created and ret.status is ReturnStatus.REQUESTED and ret.location_id == UTRECHT
    assert ret.refund_cents == 2 * 995 and ret.contact_email == "c1@example.nl"
    assert returnable(shop, purchase) == {"A": 1}
    assert service.expected_at(store=shop.returns, caller=UTRECHT_STAFF, location_id=UTRECHT)[0] == [ret]
    assert service.list_mine(store=shop.returns, caller=SHOPPER)[0] == [ret]


def test_after_the_window_a_return_is_refused(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 1, 995)], purchased_at=NOW - RETURN_WINDOW - timedelta(minutes=1))
    with pytest.raises(InvalidRequest) as late:
        ask(shop, purchase, {"A": 1}, keys())
    assert late.value.extra == {"field": "purchase_id"}


def test_what_was_not_bought_or_more_than_was_bought_is_refused(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 2, 995)])
    for wanted in ({"B": 1}, {"A": 3}, {"A": 0}, {}):
        with pytest.raises(InvalidRequest):
            ask(shop, purchase, wanted, keys())
    assert returnable(shop, purchase) == {"A": 2}


def test_more_than_was_bought_across_returns_is_refused(shop: Shop, keys: Names) -> None:
    # given 3 bought and 2 on their way back
    purchase = bought(shop, [PurchasedLine("A", 3, 995)])
    ask(shop, purchase, {"A": 2}, keys())
    # when another return asks for 2 more
    with pytest.raises(Conflict) as refused:
        ask(shop, purchase, {"A": 2}, keys())
    # then it is refused on its lines, and nothing changed
    assert refused.value.detail.startswith("More units would be returned than were bought")
    assert refused.value.extra == {"field": "lines"}
    assert returnable(shop, purchase) == {"A": 1} and len(shop.returns.returns) == 1  # type: ignore[attr-defined]


def test_a_retried_request_is_answered_with_the_first_return(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 3, 995)])
    key = keys()
    first, _ = ask(shop, purchase, {"A": 2}, key)
    again, created = ask(shop, purchase, {"A": 2}, key)
    assert not created and again == first
    assert returnable(shop, purchase) == {"A": 1}


def test_the_same_key_for_another_return_is_refused(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 3, 995)])
    key = keys()
    ask(shop, purchase, {"A": 2}, key)
    with pytest.raises(IdempotencyKeyReused):
        ask(shop, purchase, {"A": 1}, key)
    assert returnable(shop, purchase) == {"A": 1}


def test_of_two_requests_at_once_for_every_unit_one_is_made(shop: Shop, keys: Names) -> None:
    # given 2 bought
    purchase = bought(shop, [PurchasedLine("A", 2, 995)])
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def request(key: str) -> None:
        start.wait()
        try:
            ask(shop, purchase, {"A": 2}, key)
            outcomes.append("made")
        except Conflict:
            outcomes.append("refused")

    # when two customers' devices ask for both at the same moment
    threads = [threading.Thread(target=request, args=(keys(),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one return is made and the other refused
    assert sorted(outcomes) == ["made", "refused"]
    assert returnable(shop, purchase) == {"A": 0}


def test_a_location_that_takes_no_returns_is_refused(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 1, 995)])
    with pytest.raises(InvalidRequest) as refused:
        ask(shop, purchase, {"A": 1}, keys(), location_id=PICKUP)
    assert refused.value.extra == {"field": "location_id"}


def test_someone_elses_purchase_is_not_found(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 1, 995)])
    with pytest.raises(NotFound):
        ask(shop, purchase, {"A": 1}, keys(), caller=Caller(role="customer", subject="c-2"))


def test_staff_take_back_a_purchase_of_any_store_at_their_own_only(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 2, 995)])
    ret, created = ask(shop, purchase, {"A": 1}, keys(), caller=UTRECHT_STAFF)
    assert created and ret.location_id == UTRECHT
    with pytest.raises(NotFound):
        ask(shop, purchase, {"A": 1}, keys(), caller=UTRECHT_STAFF, location_id=AMSTERDAM)


# -- the steps -----------------------------------------------------------------------------


def test_rejecting_makes_the_units_returnable_again(shop: Shop, keys: Names) -> None:
    # given 2 of 3 on their way back
    purchase = bought(shop, [PurchasedLine("A", 3, 995)])
    ret, _ = ask(shop, purchase, {"A": 2}, keys())
    # when the store rejects the return
    rejected = step(shop, ret, ReturnStatus.REJECTED)
    # then all 3 may be returned again, and the return is no longer expected
    assert rejected.status is ReturnStatus.REJECTED and returnable(shop, purchase) == {"A": 3}
    assert service.expected_at(store=shop.returns, caller=UTRECHT_STAFF, location_id=UTRECHT)[0] == []
    ask(shop, purchase, {"A": 3}, keys())


def test_inspection_moves_each_line_into_stock_by_its_disposition(shop: Shop, keys: Names) -> None:
    # given a return of three SKUs, received in Utrecht
    purchase = bought(shop, [PurchasedLine("A", 2, 995), PurchasedLine("B", 1, 995), PurchasedLine("C", 1, 995)])
    ret, _ = ask(shop, purchase, {"A": 2, "B": 1, "C": 1}, keys())
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED):
        ret = step(shop, ret, status)
    assert stock_at_utrecht(shop, "A") == (0, 0, 0)  # receiving moves no stock
    # when it is inspected
    inspected = step(shop, ret, ReturnStatus.INSPECTED, dispositions={
        "A": Disposition.RESTOCK, "B": Disposition.DAMAGED, "C": Disposition.QUALITY_CHECK})
    # then restocked units are sellable there, the others in their buckets
    assert [line.disposition for line in inspected.lines] == [
        Disposition.RESTOCK, Disposition.DAMAGED, Disposition.QUALITY_CHECK]
    assert [stock_at_utrecht(shop, sku) for sku in "ABC"] == [(2, 0, 0), (0, 1, 0), (0, 0, 1)]
    # and the same step again moves nothing
    step(shop, inspected, ReturnStatus.INSPECTED, dispositions={"A": Disposition.RESTOCK})
    assert stock_at_utrecht(shop, "A") == (2, 0, 0)


def test_an_inspection_needs_a_disposition_for_every_line(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 1, 995), PurchasedLine("B", 1, 995)])
    ret, _ = ask(shop, purchase, {"A": 1, "B": 1}, keys())
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED):
        ret = step(shop, ret, status)
    with pytest.raises(InvalidRequest):
        step(shop, ret, ReturnStatus.INSPECTED, dispositions={"A": Disposition.RESTOCK})
    assert stock_at_utrecht(shop, "A") == (0, 0, 0)


def test_the_refund_needs_the_payments_reference_and_keeps_the_first(shop: Shop, keys: Names) -> None:
    # given an inspected return
    purchase = bought(shop, [PurchasedLine("A", 1, 995)])
    ret, _ = ask(shop, purchase, {"A": 1}, keys())
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED):
        ret = step(shop, ret, status)
    ret = step(shop, ret, ReturnStatus.INSPECTED, dispositions={"A": Disposition.RESTOCK})
    # when refunded without a reference, then that is refused
    with pytest.raises(InvalidRequest) as missing:
        step(shop, ret, ReturnStatus.REFUNDED)
    assert missing.value.extra == {"field": "refund_reference"}
    # when refunded with one, it is kept; the same again is no change, another is refused
    refunded = step(shop, ret, ReturnStatus.REFUNDED, refund_reference="PAY-1")
    assert refunded.refund_reference == "PAY-1"
    assert step(shop, refunded, ReturnStatus.REFUNDED, refund_reference="PAY-1") == refunded
    assert step(shop, refunded, ReturnStatus.REFUNDED) == refunded
    with pytest.raises(Conflict):
        step(shop, refunded, ReturnStatus.REFUNDED, refund_reference="PAY-2")
    assert step(shop, refunded, ReturnStatus.CLOSED).status is ReturnStatus.CLOSED


def test_a_step_out_of_order_is_refused_with_the_current_status(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 1, 995)])
    ret, _ = ask(shop, purchase, {"A": 1}, keys())
    with pytest.raises(Conflict) as refused:
        step(shop, ret, ReturnStatus.RECEIVED)
    assert refused.value.extra == {"current_status": "REQUESTED"}


def test_a_step_on_a_return_changed_meanwhile_is_refused_and_changes_nothing(shop: Shop, keys: Names,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # given a return read by one associate, then approved by another
    purchase = bought(shop, [PurchasedLine("A", 2, 995)])
    read, _ = ask(shop, purchase, {"A": 2}, keys())
    step(shop, read, ReturnStatus.APPROVED)
    # when the first associate rejects it as they read it
    monkeypatch.setattr(shop.returns, "get", lambda return_id: read)
    with pytest.raises(Conflict) as refused:
        step(shop, read, ReturnStatus.REJECTED)
    # then the step is refused, and the units stay on their way back
    assert "changed meanwhile" in refused.value.detail
    assert returnable(shop, purchase) == {"A": 0}


def test_customers_cannot_take_steps_and_other_stores_do_not_see_the_return(shop: Shop, keys: Names) -> None:
    purchase = bought(shop, [PurchasedLine("A", 1, 995)])
    ret, _ = ask(shop, purchase, {"A": 1}, keys())
    with pytest.raises(NotFound):
        step(shop, ret, ReturnStatus.APPROVED, caller=SHOPPER)
    with pytest.raises(NotFound):
        step(shop, ret, ReturnStatus.APPROVED, caller=TILL)
    assert service.get(store=shop.returns, caller=SHOPPER, return_id=ret.return_id) == ret


class MemoryReturnsMachine(ReturnsMachine):
    def open_shop(self) -> Shop:
        return memory_shop()


TestMemoryReturns = MemoryReturnsMachine.TestCase
TestMemoryReturns.settings = fake_machine_settings(steps=30)
