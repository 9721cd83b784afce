"""Purchase stories on the fakes: a till sale, its retries and its long receipts; what customers
and staff find. Given/When/Then, pure Python."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.errors import Conflict, Forbidden, IdempotencyKeyReused, InvalidRequest, NotFound
from shared.identity import Caller
from shared.purchases import service
from shared.purchases.model import Purchase, PurchasedLine
from shared.transactions import MAX_WRITES, Transaction
from tests.fakes.purchases import MemoryPurchaseStore
from tests.fakes.stock import MemoryStockStore
from tests.fakes.transaction import MemoryTransaction, MemoryTransactions
from tests.pricing import price_skus
from tests.returns_machine import Shop, memory_shop

AMSTERDAM, UTRECHT = "amsterdam-kalverstraat", "utrecht-oudegracht"
TILL = Caller(role="staff", subject="till", location_id=AMSTERDAM)
UTRECHT_STAFF = Caller(role="staff", subject="anna", location_id=UTRECHT)
SHOPPER = Caller(role="customer", subject="c-1")
SOLD_AT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@pytest.fixture
def shop() -> Shop:
    shop = memory_shop()
    price_skus(shop.catalog, ["A", "C"], 995)
    price_skus(shop.catalog, ["B"], 2495)
    price_skus(shop.catalog, ["D"], 895)
    price_skus(shop.catalog, [f"LONG-{i:03d}" for i in range(200)], 100)
    return shop


def stock_of(shop: Shop, sku: str, location_id: str = AMSTERDAM) -> int:
    level = shop.stock.get(sku, location_id)
    return level.on_hand if level else 0


def sell(shop: Shop, receipt_id: str, lines: list[PurchasedLine], *, customer_id: str | None = "c-1",
         caller: Caller = TILL, purchased_at: datetime = SOLD_AT) -> tuple[Purchase, bool]:
    return service.record_store_sale(
        purchases=shop.purchases, stock=shop.stock, transactions=shop.transactions, directory=shop.directory,
        caller=caller, location_id=AMSTERDAM, receipt_id=receipt_id, lines=lines, purchased_at=purchased_at,
        customer_id=customer_id, receipt_email=None, catalog=shop.catalog)


def receive(shop: Shop, sku: str, quantity: int) -> None:
    from shared.stock import service as stock
    from shared.stock.model import ChangeKind

    stock.record_change(store=shop.stock, transactions=shop.transactions, directory=shop.directory,
                        caller=Caller(role="admin", subject="erp"), sku=sku, location_id=AMSTERDAM,
                        kind=ChangeKind.RECEIPT, quantity=quantity, idempotency_key=f"receive-{sku}", source="test")


def many_lines(count: int, quantity: int = 1) -> list[PurchasedLine]:
    return [PurchasedLine(f"LONG-{i:03d}", quantity, 100) for i in range(count)]


# -- a till sale ---------------------------------------------------------------------------


def test_a_till_sale_takes_its_lines_off_the_stores_stock_and_keeps_the_purchase(shop: Shop) -> None:
    # given 5 of A and 3 of B at the store
    receive(shop, "A", 5)
    receive(shop, "B", 3)
    # when the till sells 2 A and 1 B
    purchase, created = sell(shop, "T-1", [PurchasedLine("A", 2, 995), PurchasedLine("B", 1, 2495)])
    # then the stock left, and the purchase is kept with all of it returnable
    assert created and purchase.total_cents == 2 * 995 + 2495
    assert (stock_of(shop, "A"), stock_of(shop, "B")) == (3, 2)
    assert shop.purchases.get_purchase(purchase.purchase_id) == purchase


def test_a_till_sale_sent_again_is_recorded_once(shop: Shop) -> None:
    # given a recorded sale
    receive(shop, "A", 5)
    first, _ = sell(shop, "T-1", [PurchasedLine("A", 2, 995)])
    # when the till sends the same receipt again
    again, created = sell(shop, "T-1", [PurchasedLine("A", 2, 995)])
    # then it is answered with the first recording and nothing moves twice
    assert not created and again == first
    assert stock_of(shop, "A") == 3


def test_the_same_receipt_with_other_lines_is_refused(shop: Shop) -> None:
    # given a recorded sale
    sell(shop, "T-1", [PurchasedLine("A", 2, 995)])
    # when the same receipt id comes with other lines, then it is refused (422) and nothing moves
    with pytest.raises(IdempotencyKeyReused):
        sell(shop, "T-1", [PurchasedLine("A", 3, 995)])
    assert stock_of(shop, "A") == -2


def test_a_sale_is_a_fact_even_below_what_the_books_hold(shop: Shop) -> None:
    # given no stock of A on the books
    # when the till sells 2 of it
    _, created = sell(shop, "T-1", [PurchasedLine("A", 2, 995)])
    # then the sale is recorded and the books go below zero (a difference for the next count)
    assert created and stock_of(shop, "A") == -2


def test_a_sku_scanned_twice_is_one_line_at_the_lower_price(shop: Shop) -> None:
    # (D is 895 in the catalog: the lower price is the catalog's, so no override is needed)
    purchase, _ = sell(shop, "T-1", [PurchasedLine("D", 1, 995), PurchasedLine("D", 2, 895)])
    assert [(x.sku, x.quantity, x.unit_price_cents) for x in purchase.lines] == [("D", 3, 895)]


def test_staff_ring_up_sales_at_their_own_store_only(shop: Shop) -> None:
    with pytest.raises(NotFound):
        sell(shop, "T-1", [PurchasedLine("A", 1, 995)], caller=UTRECHT_STAFF)
    assert shop.transactions.begun == []  # type: ignore[attr-defined]


# -- receipts longer than one transaction -------------------------------------------------


def test_a_receipt_longer_than_one_transaction_is_written_in_parts_and_its_record_last(shop: Shop) -> None:
    # when the till sells 150 distinct SKUs
    purchase, created = sell(shop, "T-LONG", many_lines(150, quantity=2))
    # then two parts (99 lines and a mark, 51 lines and a mark) and then the record are written
    begun: list[MemoryTransaction] = shop.transactions.begun  # type: ignore[attr-defined]
    assert [len(tx) for tx in begun] == [MAX_WRITES, 52, 1]
    assert created and len(purchase.lines) == 150
    assert {stock_of(shop, f"LONG-{i:03d}") for i in range(150)} == {-2}


class DiesAt(MemoryTransactions):
    """The Lambda runs out of time while committing the n-th transaction (nothing of it applies)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def begin(self) -> MemoryTransaction:
        tx = super().begin()
        if len(self.begun) == self.n:
            def dies() -> None:
                raise RuntimeError("the Lambda ran out of time")
            tx.commit = dies  # type: ignore[method-assign]
        return tx


def test_a_long_receipt_cut_off_after_its_first_part_completes_on_retry(shop: Shop) -> None:
    # given a sale of 150 SKUs cut off while its second part was being written
    cut = Shop(shop.purchases, shop.returns, shop.stock, DiesAt(2), shop.directory, shop.catalog)
    with pytest.raises(RuntimeError):
        sell(cut, "T-LONG", many_lines(150, quantity=2))
    assert [stock_of(shop, f"LONG-{i:03d}") for i in (0, 98, 99)] == [-2, -2, 0]
    # when the till sends it again
    purchase, created = sell(shop, "T-LONG", many_lines(150, quantity=2))
    # then the parts written are skipped, the rest written, and every line left the books once
    assert created and len(purchase.lines) == 150
    assert {stock_of(shop, f"LONG-{i:03d}") for i in range(150)} == {-2}


def test_a_long_receipt_sent_again_is_replayed_and_with_other_lines_refused(shop: Shop) -> None:
    first, _ = sell(shop, "T-LONG", many_lines(200))
    again, created = sell(shop, "T-LONG", many_lines(200))
    assert not created and again == first
    with pytest.raises(IdempotencyKeyReused):
        sell(shop, "T-LONG", [*many_lines(199), PurchasedLine("LONG-199", 2, 100)])
    assert {stock_of(shop, f"LONG-{i:03d}") for i in range(200)} == {-1}


def test_a_part_written_under_the_same_receipt_with_other_lines_is_refused(shop: Shop) -> None:
    # given the first part of a long receipt written with other lines (then cut off)
    cut = Shop(shop.purchases, shop.returns, shop.stock, DiesAt(2), shop.directory, shop.catalog)
    with pytest.raises(RuntimeError):
        sell(cut, "T-LONG", many_lines(150))
    # when the receipt comes with other lines, then it is refused, and its first part stands alone
    with pytest.raises(IdempotencyKeyReused):
        sell(shop, "T-LONG", many_lines(150, quantity=2))
    assert stock_of(shop, "LONG-000") == -1


def test_a_sale_whose_record_is_refused_without_a_record_there_is_a_conflict(shop: Shop) -> None:
    """What a store refuses for another reason than an earlier recording is not a replay."""

    class Refusing(MemoryPurchaseStore):
        def add_recorded(self, tx: Transaction, *, purchase: Purchase, fingerprint: str) -> None:
            from shared.transactions import Failure
            from tests.fakes.transaction import memory

            memory(tx).add(item=("PUR", purchase.purchase_id), check=lambda: Failure(purchase), apply=lambda: None)

    odd = Shop(Refusing(), shop.returns, MemoryStockStore(), shop.transactions, shop.directory, shop.catalog)
    with pytest.raises(Conflict):
        sell(odd, "T-1", [PurchasedLine("A", 1, 995)])


# -- what customers and staff find ---------------------------------------------------------


def test_customers_see_their_own_purchases_newest_first_and_nobody_elses(shop: Shop) -> None:
    older, _ = sell(shop, "T-1", [PurchasedLine("A", 1, 995)], purchased_at=datetime(2026, 11, 1, tzinfo=UTC))
    newer, _ = sell(shop, "T-2", [PurchasedLine("B", 1, 2495)])
    sell(shop, "T-3", [PurchasedLine("C", 1, 995)], customer_id="c-2")
    found, cursor = service.timeline(store=shop.purchases, caller=SHOPPER, limit=20, cursor=None)
    assert [p.purchase_id for p in found] == [newer.purchase_id, older.purchase_id] and cursor is None
    assert service.get(store=shop.purchases, caller=SHOPPER, purchase_id=older.purchase_id) == older
    with pytest.raises(NotFound):
        service.get(store=shop.purchases, caller=Caller(role="customer", subject="c-2"),
                    purchase_id=older.purchase_id)


class Orders:
    """The one order the lookup reads (an order store's ``get``)."""

    def __init__(self, order: Any) -> None:
        self.order = order

    def get(self, order_id: str) -> Any:
        return self.order if self.order is not None and self.order.order_id == order_id else None


def lookup(shop: Shop, caller: Caller = UTRECHT_STAFF, orders: Any = None, **way: Any) -> list[Purchase]:
    order_store: Any = orders or Orders(None)
    found, _ = service.lookup(store=shop.purchases, orders=order_store, caller=caller, **way)
    return found


def test_staff_of_any_store_find_a_purchase_by_receipt_with_its_store(shop: Shop) -> None:
    # given a sale in Amsterdam
    purchase, _ = sell(shop, "T-1", [PurchasedLine("A", 1, 995)])
    # when Utrecht staff look it up by receipt and store, then they find it
    assert lookup(shop, receipt_id="T-1", location_id=AMSTERDAM) == [purchase]
    assert lookup(shop, receipt_id="T-1", location_id=UTRECHT) == []
    # but a receipt id alone is not unique
    with pytest.raises(InvalidRequest) as without_store:
        lookup(shop, receipt_id="T-1")
    assert without_store.value.extra.get("field") == "location_id"


def test_staff_find_a_purchase_by_order_or_by_customer(shop: Shop) -> None:
    from types import SimpleNamespace

    purchase, _ = sell(shop, "T-1", [PurchasedLine("A", 1, 995)])
    order = SimpleNamespace(order_id="T-1", location_id=AMSTERDAM)  # its purchase id derives the same way
    assert lookup(shop, orders=Orders(order), order_id="T-1") == [purchase]
    assert lookup(shop, orders=Orders(order), order_id="unknown") == []
    assert lookup(shop, customer_id="c-1") == [purchase]


def test_a_lookup_takes_exactly_one_way_and_staff_only(shop: Shop) -> None:
    with pytest.raises(InvalidRequest):
        lookup(shop)
    with pytest.raises(InvalidRequest):
        lookup(shop, receipt_id="T-1", location_id=AMSTERDAM, customer_id="c-1")
    with pytest.raises(Forbidden):
        lookup(shop, caller=SHOPPER, customer_id="c-1")
