"""Loyalty stories on the fakes: points earned with a sale or a collection, taken back with a
refund, never twice and never below 0; the tier from spend net of returns. Given/When/Then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import InvalidRequest, NotFound
from shared.identity import Caller
from shared.loyalty import model
from shared.loyalty import service as loyalty
from shared.loyalty.model import NotEnoughPoints, PointsAccount, PointsEntry, Reason, Tier, tier_for
from shared.loyalty.publishing import events_for_account
from shared.orders import service as orders
from shared.orders.model import Contact, Order, OrderStatus, Payment
from shared.purchases import service as purchases
from shared.purchases.model import Purchase, PurchasedLine
from shared.reservations.model import Channel, Line
from shared.returns import service as returns
from shared.returns.model import Disposition, Return, ReturnStatus
from shared.transactions import MAX_WRITES, Refused
from tests.conftest import fake_machine_settings
from tests.fakes.loyalty import MemoryLoyaltyStore
from tests.fakes.transaction import MemoryTransaction
from tests.holds_machine import World, memory_world
from tests.loyalty_machine import LoyaltyMachine, LoyaltyShop, memory_loyalty_shop
from tests.names import Names
from tests.pricing import price_skus
from tests.returns_machine import Shop, memory_shop
from tests.unit import test_orders_service as order_stories

AMSTERDAM, UTRECHT = "amsterdam-kalverstraat", "utrecht-oudegracht"
TILL = Caller(role="staff", subject="till", location_id=AMSTERDAM)
UTRECHT_STAFF = Caller(role="staff", subject="anna", location_id=UTRECHT)
SHOPPER = Caller(role="customer", subject="c-1")
SOLD_AT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> Shop:
    monkeypatch.setattr(returns, "_now", lambda: NOW)
    return memory_shop()


@pytest.fixture
def points() -> MemoryLoyaltyStore:
    return MemoryLoyaltyStore()


def sell(shop: Shop, points: MemoryLoyaltyStore, receipt_id: str, lines: list[PurchasedLine], *,
         customer_id: str | None = "c-1") -> tuple[Purchase, bool]:
    """Sold at the catalog's price: a SKU new to the story is priced at what its first line says."""
    for line in lines:
        if line.sku not in shop.catalog.price_list([line.sku]).entries:
            price_skus(shop.catalog, [line.sku], line.unit_price_cents)
    return purchases.record_store_sale(
        purchases=shop.purchases, stock=shop.stock, transactions=shop.transactions, directory=shop.directory,
        caller=TILL, location_id=AMSTERDAM, receipt_id=receipt_id, lines=lines, purchased_at=SOLD_AT,
        customer_id=customer_id, receipt_email=None, loyalty=points, catalog=shop.catalog)


def refunded(shop: Shop, points: MemoryLoyaltyStore, purchase: Purchase, wanted: dict[str, int], key: str,
             reference: str = "PAY-1") -> Return:
    ret, _ = returns.request(returns=shop.returns, purchases=shop.purchases, transactions=shop.transactions,
                             directory=shop.directory, caller=SHOPPER, purchase_id=purchase.purchase_id,
                             wanted=wanted, location_id=UTRECHT, idempotency_key=key, contact_email=None, reason=None)
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED, ReturnStatus.REFUNDED):
        ret = returns.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock,
                           transactions=shop.transactions, caller=UTRECHT_STAFF, return_id=ret.return_id,
                           status=status, dispositions={sku: Disposition.RESTOCK for sku in wanted},
                           refund_reference=reference if status is ReturnStatus.REFUNDED else None, loyalty=points)
    return ret


def ledger_sum(points: MemoryLoyaltyStore, customer_id: str = "c-1") -> int:
    return sum(entry.points for entry in points.history(customer_id, 1000, None)[0])


# -- the rules (pure) ------------------------------------------------------------------------


def test_a_point_per_whole_euro_and_tiers_from_net_spend() -> None:
    assert [model.points_for(cents) for cents in (0, 99, 100, 2495, -500)] == [0, 0, 1, 24, 0]
    assert [tier_for(cents) for cents in (0, 249_99, 250_00, 999_99, 1_000_00)] == [
        Tier.BRONZE, Tier.BRONZE, Tier.SILVER, Tier.SILVER, Tier.GOLD]


def test_a_refund_takes_back_at_most_the_balance_and_the_entry_says_what_was_taken() -> None:
    account = PointsAccount("c-1", balance=10, net_spend_cents=5000)
    entry = model.taken_back(account=account, return_id="r-1", refund_cents=2500, at=NOW)
    assert (entry.points, entry.spend_cents) == (-10, -2500)  # 25 points earned, 10 left to take
    assert account.after(entry) == PointsAccount("c-1", 0, 2500, 0, 1)
    assert account.after(PointsEntry("c-1", "x", Reason.REDEEMED, -11, NOW)) is None  # never below 0


def test_redemption_is_in_whole_blocks_within_the_balance_and_the_order() -> None:
    account = PointsAccount("c-1", balance=250)
    entry = model.redeemed(account=account, order_id="o-1", points=200, total_cents=5000, at=NOW)
    assert (entry.points, model.discount_cents(200)) == (-200, 1000)
    assert model.restored(customer_id="c-1", order_id="o-1", points=200, at=NOW).points == 200
    with pytest.raises(NotEnoughPoints):
        model.redeemed(account=account, order_id="o-1", points=300, total_cents=5000, at=NOW)
    with pytest.raises(InvalidRequest):
        model.redeemed(account=account, order_id="o-1", points=150, total_cents=5000, at=NOW)
    with pytest.raises(InvalidRequest):
        model.redeemed(account=account, order_id="o-1", points=200, total_cents=900, at=NOW)


def test_the_tier_event_comes_when_the_tier_changes_with_an_id_per_account_version() -> None:
    before, after = PointsAccount("c-1", 240, 240_00, 240, 3), PointsAccount("c-1", 260, 260_00, 260, 4)
    [event] = events_for_account(before, after, NOW)
    assert (event.detail_type, event.detail["data"]["old_tier"], event.detail["data"]["new_tier"]) == (
        "CustomerTierChanged", "BRONZE", "SILVER")
    assert events_for_account(before, after, NOW)[0].detail["metadata"]["event_id"] == \
        event.detail["metadata"]["event_id"]  # a redelivered stream record: the same event
    assert events_for_account(after, PointsAccount("c-1", 270, 270_00, 270, 5), NOW) == []
    assert events_for_account(None, PointsAccount("c-1", 1, 100, 1, 1), NOW) == []  # a new account is BRONZE


def test_the_stream_finds_the_points_account_by_its_sort_key_and_not_the_ledger() -> None:
    from shared.adapters import dynamodb_loyalty
    from shared.adapters.stream_images import images_of

    account = dynamodb_loyalty.account_key("c-1")
    kind = images_of(account["pk"]["S"], account["sk"]["S"])
    assert kind is not None and kind.decode is dynamodb_loyalty.account_from_item
    entry = dynamodb_loyalty.entry_to_item(PointsEntry("c-1", "p-1", Reason.EARNED, 5, NOW, 500))
    assert images_of(entry["pk"]["S"], entry["sk"]["S"]) is None  # a ledger entry publishes nothing


# -- earned with the purchase ----------------------------------------------------------------


def test_a_sale_with_a_customer_earns_a_point_per_euro_in_its_own_transaction(shop: Shop,
                                                                                points: MemoryLoyaltyStore) -> None:
    # when the till sells 2 x 9.95 and 1 x 24.95 to c-1
    purchase, _ = sell(shop, points, "T-1", [PurchasedLine("A", 2, 995), PurchasedLine("B", 1, 2495)])
    # then 44 points (44.85 EUR), booked in the sale's one transaction
    assert points.account("c-1") == PointsAccount("c-1", 44, 4485, 44, 1)
    [entry] = points.history("c-1", 10, None)[0]
    assert (entry.source_id, entry.reason, entry.points, entry.at) == (purchase.purchase_id, Reason.EARNED, 44,
                                                                         SOLD_AT)
    assert len(shop.transactions.begun) == 1  # type: ignore[attr-defined]


def test_a_sale_sent_again_earns_nothing_more(shop: Shop, points: MemoryLoyaltyStore) -> None:
    sell(shop, points, "T-1", [PurchasedLine("A", 1, 5000)])
    _, created = sell(shop, points, "T-1", [PurchasedLine("A", 1, 5000)])
    assert not created and points.account("c-1").balance == 50 and ledger_sum(points) == 50


def test_a_sale_without_a_customer_earns_nobody_anything(shop: Shop, points: MemoryLoyaltyStore) -> None:
    sell(shop, points, "T-1", [PurchasedLine("A", 1, 5000)], customer_id=None)
    assert points.accounts == {} and points.entries == {}


def test_a_long_receipt_books_its_points_with_the_purchase_record_in_the_last_part(
        shop: Shop, points: MemoryLoyaltyStore) -> None:
    lines = [PurchasedLine(f"LONG-{i:03d}", 1, 100) for i in range(MAX_WRITES - 2)]  # fits alone, not with points
    purchase, _ = sell(shop, points, "T-LONG", lines)
    begun: list[MemoryTransaction] = shop.transactions.begun  # type: ignore[attr-defined]
    assert len(begun) == 2 and all(len(tx) <= MAX_WRITES for tx in begun)
    assert ("POINTS", "c-1") in begun[-1]._items and ("PUR", purchase.purchase_id) in begun[-1]._items
    assert points.account("c-1").balance == MAX_WRITES - 2
    _, created = sell(shop, points, "T-LONG", lines)  # the till again: nothing twice
    assert not created and points.account("c-1").balance == ledger_sum(points) == MAX_WRITES - 2


def test_a_collected_order_earns_its_points_with_its_purchase_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orders, "_now", lambda: order_stories.NOW)
    world = memory_world()
    world.catalog.stock_up(["O-1"], price_cents=order_stories.PRICE_CENTS)
    points = MemoryLoyaltyStore()
    order_stories.receive(world, "O-1", 5)
    order, _ = order_stories.place(world, [("O-1", 2)])  # 2 x 2.50
    waiting = order_stories.ready(world, order)
    assert waiting.pickup_code is not None
    for _ in range(2):  # collected, then the same collection again
        collected = orders.collect(**world.holds(), orders=world.orders, purchases=world.purchases,
                                   caller=order_stories.STAFF, order_id=order.order_id,
                                   pickup_code=waiting.pickup_code, loyalty=points)
        assert collected.status is OrderStatus.COLLECTED
    customer = order_stories.SHOPPER.subject
    assert points.account(customer) == PointsAccount(customer, 5, 500, 5, 1)
    [entry] = points.history(customer, 10, None)[0]
    assert entry.source_id == purchases.purchase_id_for(location_id=order.location_id, reference=order.order_id)


def test_an_order_rung_up_at_the_till_earns_as_its_collection_and_the_rest_of_the_receipt_as_a_sale(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.purchases.till import record_till_sale

    world, points = _order_world(monkeypatch, 0)
    order, _ = place_with_points(world, points, 0)  # 2 x 25.00, no points paid
    customer = order_stories.SHOPPER.subject
    for _ in range(2):  # the POS's SaleRecorded, delivered twice
        record_till_sale(**world.holds(), purchases=world.purchases, orders=world.orders, directory=world.directory,
                         caller=order_stories.STAFF, location_id=order_stories.STORE, receipt_id="till-0001",
                         lines=[PurchasedLine("O-1", 3, 2500)], purchased_at=SOLD_AT, customer_id=customer,
                         order_id=order.order_id, loyalty=points, catalog=world.catalog)
    sources = sorted((e.source_id, e.points) for e in points.history(customer, 10, None)[0])
    assert sources == sorted([
        (purchases.purchase_id_for(location_id=order_stories.STORE, reference=order.order_id), 50),
        (purchases.purchase_id_for(location_id=order_stories.STORE, reference="till-0001"), 25)])
    assert points.account(customer).balance == 75 == ledger_sum(points, customer)


# -- taken back with the refund --------------------------------------------------------------


def test_the_refund_takes_the_points_back_and_lowers_the_spend(shop: Shop, points: MemoryLoyaltyStore) -> None:
    keys = Names("loyalty")
    purchase, _ = sell(shop, points, "T-1", [PurchasedLine("A", 2, 2550)])  # 51 points
    ret = refunded(shop, points, purchase, {"A": 1}, keys())  # 25.50 back
    assert points.account("c-1") == PointsAccount("c-1", 26, 2550, 51, 2)
    entries = {e.reason: e for e in points.history("c-1", 10, None)[0]}
    assert (entries[Reason.TAKEN_BACK].source_id, entries[Reason.TAKEN_BACK].points) == (ret.return_id, -25)
    # the refund step again is no change
    again = returns.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock,
                         transactions=shop.transactions, caller=UTRECHT_STAFF, return_id=ret.return_id,
                         status=ReturnStatus.REFUNDED, refund_reference="PAY-1", loyalty=points)
    assert again == ret and points.account("c-1").balance == ledger_sum(points) == 26


def test_points_already_spent_are_not_taken_twice_and_the_balance_stays_at_zero(
        shop: Shop, points: MemoryLoyaltyStore) -> None:
    purchase, _ = sell(shop, points, "T-1", [PurchasedLine("A", 1, 10_000)])  # 100 points
    tx = shop.transactions.begin()
    points.add_entry(tx, entry=PointsEntry("c-1", "o-1", Reason.REDEEMED, -80, NOW))  # 80 spent on an order
    tx.commit()
    refunded(shop, points, purchase, {"A": 1}, "return-key-1")
    taken = next(e for e in points.history("c-1", 10, None)[0] if e.reason is Reason.TAKEN_BACK)
    assert taken.points == -20 and points.account("c-1").balance == 0 == ledger_sum(points)


def test_a_refund_retries_on_a_fresh_balance_when_another_write_lowered_it(shop: Shop,
                                                                           points: MemoryLoyaltyStore) -> None:
    # given 100 points, and a redemption of 90 that lands between the refund's read and its commit
    purchase, _ = sell(shop, points, "T-1", [PurchasedLine("A", 1, 10_000)])
    ret, _ = returns.request(returns=shop.returns, purchases=shop.purchases, transactions=shop.transactions,
                             directory=shop.directory, caller=SHOPPER, purchase_id=purchase.purchase_id,
                             wanted={"A": 1}, location_id=UTRECHT, idempotency_key="k-1", contact_email=None,
                             reason=None)
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
        ret = returns.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock,
                           transactions=shop.transactions, caller=UTRECHT_STAFF, return_id=ret.return_id,
                           status=status, dispositions={"A": Disposition.RESTOCK})
    reads = []
    real_account = points.account

    def account_then_redeemed(customer_id: str) -> PointsAccount:
        read = real_account(customer_id)
        if not reads:
            tx = shop.transactions.begin()
            points.add_entry(tx, entry=PointsEntry("c-1", "o-9", Reason.REDEEMED, -90, NOW))
            tx.commit()
        reads.append(read)
        return read

    points.account = account_then_redeemed  # type: ignore[method-assign]
    # when the refund is booked
    returns.step(returns=shop.returns, purchases=shop.purchases, stock=shop.stock, transactions=shop.transactions,
                 caller=UTRECHT_STAFF, return_id=ret.return_id, status=ReturnStatus.REFUNDED,
                 refund_reference="PAY-1", loyalty=points)
    # then the first try was refused by the balance alone, the second took what was left
    assert [r.balance for r in reads] == [100, 10]
    assert real_account("c-1").balance == 0 == ledger_sum(points)


def test_only_a_refusal_by_the_balance_is_retried() -> None:
    entry = PointsEntry("c-1", "r-1", Reason.TAKEN_BACK, -5, NOW)
    from shared.transactions import Failure

    assert loyalty.refused_by_points(refused=Refused([Failure(model.AccountChange(entry))]))
    assert not loyalty.refused_by_points(refused=Refused([Failure(model.AccountChange(entry)), Failure("return")]))


# -- read back -------------------------------------------------------------------------------


def test_customers_read_their_own_points_and_staff_anyones(shop: Shop, points: MemoryLoyaltyStore) -> None:
    sell(shop, points, "T-1", [PurchasedLine("A", 1, 30_000)])
    account, history, _ = loyalty.points(loyalty=points, caller=SHOPPER)
    assert (account.balance, account.tier, len(history)) == (300, Tier.SILVER, 1)
    assert loyalty.points(loyalty=points, caller=TILL, customer_id="c-1")[0] == account
    with pytest.raises(NotFound):
        loyalty.points(loyalty=points, caller=SHOPPER, customer_id="c-2")
    from shared.errors import Forbidden

    with pytest.raises(Forbidden):
        loyalty.points(loyalty=points, caller=Caller(role="integration", subject="erp"), customer_id="c-1")


# -- redeemed on an order ----------------------------------------------------------------------


def _order_world(monkeypatch: pytest.MonkeyPatch, balance: int) -> tuple[World, MemoryLoyaltyStore]:
    monkeypatch.setattr(orders, "_now", lambda: order_stories.NOW)
    world = memory_world()
    points = MemoryLoyaltyStore()
    if balance:
        tx = world.transactions.begin()
        points.add_entry(tx, entry=PointsEntry(order_stories.SHOPPER.subject, "earlier", Reason.EARNED, balance, NOW,
                                               balance * 100))
        tx.commit()
    world.catalog.stock_up(["O-1"], price_cents=2500)
    order_stories.receive(world, "O-1", 5)
    return world, points


def place_with_points(world: World, points: MemoryLoyaltyStore, redeem: int, key: str = "order-points-1",
                      ) -> tuple[Order, bool]:
    return orders.place(**world.holds(), orders=world.orders, directory=world.directory, caller=order_stories.SHOPPER,
                        location_id=order_stories.STORE, lines=[Line("O-1", 2)], payment=Payment.PAY_AT_PICKUP,
                        contact=Contact("a@example.nl"), channel=Channel.WEB, idempotency_key=key,
                        prices={"O-1": 2500}, redeem_points=redeem, loyalty=points, catalog=world.catalog)


def test_points_pay_part_of_an_order_in_its_transaction_and_a_retry_pays_nothing_more(
        monkeypatch: pytest.MonkeyPatch) -> None:
    world, points = _order_world(monkeypatch, 250)
    customer = order_stories.SHOPPER.subject
    order, created = place_with_points(world, points, 200)  # 10 EUR off 50 EUR
    assert created and (order.redeemed_points, order.points_discount_cents) == (200, 1000)
    assert points.account(customer).balance == 50
    placing: MemoryTransaction = world.transactions.begun[-1]  # type: ignore[attr-defined]
    assert ("POINTS", customer) in placing._items and len(placing) > 2  # with the hold and the order
    again, created = place_with_points(world, points, 200)
    assert (again, created) == (order, False) and points.account(customer).balance == 50
    # collected: earns on what was paid in money (40 EUR)
    waiting = order_stories.ready(world, order)
    assert waiting.pickup_code is not None
    orders.collect(**world.holds(), orders=world.orders, purchases=world.purchases, caller=order_stories.STAFF,
                   order_id=order.order_id, pickup_code=waiting.pickup_code, loyalty=points)
    assert points.account(customer).balance == 50 + 40 == ledger_sum(points, customer)


def test_more_points_than_the_balance_is_409_and_nothing_is_held(monkeypatch: pytest.MonkeyPatch) -> None:
    world, points = _order_world(monkeypatch, 150)
    with pytest.raises(NotEnoughPoints):
        place_with_points(world, points, 200)
    assert order_stories.level(world, "O-1").reserved == 0 and points.account("shopper-1").balance == 150
    with pytest.raises(InvalidRequest):  # not a whole block
        place_with_points(world, points, 120, key="order-points-2")


def test_a_cancelled_or_uncollected_order_gives_its_points_back_once(monkeypatch: pytest.MonkeyPatch) -> None:
    world, points = _order_world(monkeypatch, 300)
    customer = order_stories.SHOPPER.subject
    order, _ = place_with_points(world, points, 300)
    assert points.account(customer).balance == 0
    for _ in range(2):  # cancelled, and cancelled again
        orders.cancel(**world.holds(), orders=world.orders, caller=order_stories.SHOPPER, order_id=order.order_id,
                      loyalty=points)
    assert points.account(customer).balance == 300 == ledger_sum(points, customer)
    assert [e.reason for e in points.history(customer, 10, None)[0]].count(Reason.RESTORED) == 1
    # an order not collected in time: the sweep gives them back
    second, _ = place_with_points(world, points, 100, key="order-points-3")
    waiting = order_stories.ready(world, second)
    assert waiting.pickup_deadline is not None
    orders.sweep(**world.holds(), orders=world.orders, now=waiting.pickup_deadline + timedelta(minutes=1),
                 loyalty=points)
    assert world.orders.get(second.order_id).status is OrderStatus.NOT_COLLECTED  # type: ignore[union-attr]
    assert points.account(customer).balance == 300 == ledger_sum(points, customer)


# -- the machine on the fakes ----------------------------------------------------------------


class MemoryLoyaltyMachine(LoyaltyMachine):
    def open_shop(self) -> LoyaltyShop:
        return memory_loyalty_shop()


TestMemoryLoyalty = MemoryLoyaltyMachine.TestCase
TestMemoryLoyalty.settings = fake_machine_settings(steps=30)
