"""Click & collect use cases on the in-memory stores: placing, the store's steps, collection.

Each test is a short story (given, when, then).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock, InvalidRequest, TooManyRequests
from shared.identity import Caller
from shared.orders import service
from shared.orders.model import MAX_CODE_ATTEMPTS, Contact, Order, OrderStatus, Payment, PickupCodeLocked
from shared.reservations.model import Channel, Line, ReservationStatus
from shared.stock.model import StockLevel
from tests.holds_machine import STORE, World, memory_world
from tests.unit.test_reservations_service import receive

SHOPPER = Caller(role="customer", subject="shopper-1")
STAFF = Caller(role="staff", subject="anna", location_id=STORE)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PRICE_CENTS = 250  # the catalog's price of every SKU in these stories (and the price the customer was shown)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(service, "_now", lambda: NOW)
    world = memory_world()
    world.catalog.stock_up(["O-1", "O-2"], price_cents=PRICE_CENTS)
    return world


def level(world: World, sku: str) -> StockLevel:
    return world.stock.get(sku, STORE) or StockLevel(sku=sku, location_id=STORE)


def place(world: World, lines: list[tuple[str, int]], *, key: str = "order-key-1",
          email: str = "a@example.nl") -> tuple[Order, bool]:
    return service.place(**world.holds(), orders=world.orders, directory=world.directory, caller=SHOPPER,
                         location_id=STORE, lines=[Line(sku, qty) for sku, qty in lines],
                         payment=Payment.PAY_AT_PICKUP, contact=Contact(email), channel=Channel.WEB,
                         idempotency_key=key, catalog=world.catalog, prices={sku: PRICE_CENTS for sku, _ in lines})


def advance(world: World, order: Order, *statuses: OrderStatus) -> Order:
    for status in statuses:
        order = service.advance(orders=world.orders, transactions=world.transactions, caller=STAFF,
                                order_id=order.order_id, status=status)
    return order


def ready(world: World, order: Order) -> Order:
    advance(world, order, OrderStatus.ACCEPTED, OrderStatus.PICKING)
    return service.ready(orders=world.orders, transactions=world.transactions, directory=world.directory,
                         caller=STAFF, order_id=order.order_id)


def collect(world: World, order: Order, code: str) -> Order:
    return service.collect(**world.holds(), orders=world.orders, purchases=world.purchases, caller=STAFF,
                           order_id=order.order_id, pickup_code=code)


def test_placing_holds_the_stock_and_records_the_order_together(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    # when
    order, created = place(world, [("O-1", 2)])
    # then
    assert created and order.status is OrderStatus.PLACED
    hold = world.reservations.get(order.reservation_id)
    assert hold is not None and hold.is_active and hold.order_id == order.order_id
    assert level(world, "O-1").reserved == 2
    assert world.counters.held_by(SHOPPER.subject, STORE) == (1, {"O-1": 2})
    assert len(world.transactions.begun[-1]) == 4  # type: ignore[attr-defined]  # move, counter, hold, order


def test_a_retried_order_is_the_first_one_and_another_request_with_its_key_is_refused(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    first, _ = place(world, [("O-1", 2)])
    # when
    again, created = place(world, [("O-1", 2)])
    # then
    assert not created and again == first
    assert level(world, "O-1").reserved == 2
    with pytest.raises(IdempotencyKeyReused):
        place(world, [("O-1", 2)], email="b@example.nl")


def test_an_order_beyond_stock_reports_its_lines_and_nothing_is_written(world: World) -> None:
    receive(world, "O-1", 1)
    with pytest.raises(InsufficientStock) as refused:
        place(world, [("O-1", 2)])
    assert refused.value.extra["lines"] == [{"sku": "O-1", "requested": 2, "available": 1}]
    assert "alternatives" in refused.value.extra
    assert world.orders.list_for_customer(SHOPPER.subject)[0] == []
    assert level(world, "O-1").reserved == 0


def test_an_order_past_the_customers_limits_is_answered_429(world: World) -> None:
    receive(world, "O-1", 20)
    with pytest.raises(TooManyRequests) as refused:
        place(world, [("O-1", 6)])
    assert refused.value.extra["limit"] == "units_per_sku" and refused.value.extra["requested"] == 6
    assert level(world, "O-1").reserved == 0


def test_a_short_line_goes_back_on_sale_and_the_rest_stays_held(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    receive(world, "O-2", 5)
    order, _ = place(world, [("O-1", 2), ("O-2", 1)])
    advance(world, order, OrderStatus.ACCEPTED)
    # when
    after = service.mark_short(**world.holds(), orders=world.orders, caller=STAFF, order_id=order.order_id, sku="O-1")
    # then
    assert [line.short for line in after.lines] == [True, False] and after.status is OrderStatus.ACCEPTED
    assert (level(world, "O-1").reserved, level(world, "O-2").reserved) == (0, 1)
    hold = world.reservations.get(order.reservation_id)
    assert hold is not None and hold.is_active and hold.lines == (Line("O-2", 1),)
    assert world.counters.held_by(SHOPPER.subject, STORE) == (1, {"O-1": 0, "O-2": 1})


def test_an_order_with_every_line_short_is_cancelled(world: World) -> None:
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 2)])
    advance(world, order, OrderStatus.ACCEPTED)
    after = service.mark_short(**world.holds(), orders=world.orders, caller=STAFF, order_id=order.order_id, sku="O-1")
    assert after.status is OrderStatus.CANCELLED
    assert world.reservations.get(order.reservation_id).status is ReservationStatus.CANCELLED  # type: ignore[union-attr]
    assert level(world, "O-1").reserved == 0
    assert world.counters.held_by(SHOPPER.subject, STORE) == (0, {"O-1": 0})


def test_collecting_with_the_code_hands_the_units_over_and_records_the_purchase(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 2)])
    waiting = ready(world, order)
    assert waiting.pickup_code is not None
    # when
    collected = collect(world, waiting, waiting.pickup_code)
    # then
    assert collected.status is OrderStatus.COLLECTED
    assert (level(world, "O-1").on_hand, level(world, "O-1").reserved) == (3, 0)
    purchase = world.purchases.get_purchase(service.purchase_id_for(location_id=STORE, reference=order.order_id))
    assert purchase is not None and [(x.sku, x.quantity, x.unit_price_cents) for x in purchase.lines] == [
        ("O-1", 2, 250)]
    assert collect(world, waiting, waiting.pickup_code) == world.orders.get(order.order_id)  # again: no change


def test_wrong_codes_count_down_and_then_lock_the_code(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 1)])
    waiting = ready(world, order)
    wrong = "999999" if waiting.pickup_code != "999999" else "000000"
    # when / then
    for attempt in range(1, MAX_CODE_ATTEMPTS):
        with pytest.raises(InvalidRequest) as refused:
            collect(world, world.orders.get(order.order_id), wrong)  # type: ignore[arg-type]
        assert refused.value.extra["attempts_left"] == MAX_CODE_ATTEMPTS - attempt
    with pytest.raises(PickupCodeLocked):
        collect(world, world.orders.get(order.order_id), wrong)  # type: ignore[arg-type]
    with pytest.raises(PickupCodeLocked):  # even the right code, until staff issue a new one
        collect(world, world.orders.get(order.order_id), waiting.pickup_code or "")  # type: ignore[arg-type]
    assert level(world, "O-1").reserved == 1


def test_a_collection_that_read_the_order_before_a_wrong_code_is_a_conflict(world: World) -> None:
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 1)])
    waiting = ready(world, order)
    # when: a wrong code is counted after the collection read the order
    world.orders.record_wrong_code(waiting, MAX_CODE_ATTEMPTS)
    with pytest.raises(Conflict):
        service.finish(**world.holds(), orders=world.orders, before=waiting,
                       after=waiting.moved_to(OrderStatus.COLLECTED), hold_ends_as=ReservationStatus.FULFILLED,
                       purchases=world.purchases, purchase=service.purchase_of(order=waiting, purchased_at=NOW))
    # then nothing of it is written
    assert level(world, "O-1").reserved == 1
    assert world.purchases.get_purchase(service.purchase_id_for(location_id=STORE, reference=order.order_id)) is None


def test_cancelling_an_order_frees_its_stock_and_its_limits(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 3)])
    # when
    cancelled = service.cancel(**world.holds(), orders=world.orders, caller=SHOPPER, order_id=order.order_id)
    # then
    assert cancelled.status is OrderStatus.CANCELLED
    assert (level(world, "O-1").reserved, level(world, "O-1").available) == (0, 5)
    assert world.counters.held_by(SHOPPER.subject, STORE) == (0, {"O-1": 0})
    assert service.cancel(**world.holds(), orders=world.orders, caller=SHOPPER, order_id=order.order_id) == cancelled


def test_the_sweep_reminds_once_then_ends_an_uncollected_order(world: World) -> None:
    # given
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 2)])
    waiting = ready(world, order)
    assert waiting.pickup_deadline is not None
    late = waiting.pickup_deadline - timedelta(minutes=30)
    # when / then
    sweep = {**world.holds(), "orders": world.orders}
    assert service.sweep(**sweep, now=late) == {
        "reminded": 1, "not_collected": 0, "unpaid_cancelled": 0}  # type: ignore[arg-type]
    assert service.sweep(**sweep, now=late) == {
        "reminded": 0, "not_collected": 0, "unpaid_cancelled": 0}  # type: ignore[arg-type]
    assert service.sweep(**sweep, now=late + timedelta(hours=1)) == {  # type: ignore[arg-type]
        "reminded": 0, "not_collected": 1, "unpaid_cancelled": 0}
    assert world.orders.get(order.order_id).status is OrderStatus.NOT_COLLECTED  # type: ignore[union-attr]
    assert level(world, "O-1").reserved == 0


def test_store_steps_again_are_no_change_and_a_stale_step_is_a_conflict(world: World) -> None:
    receive(world, "O-1", 5)
    order, _ = place(world, [("O-1", 1)])
    accepted = advance(world, order, OrderStatus.ACCEPTED)
    assert advance(world, accepted, OrderStatus.ACCEPTED) == accepted
    with pytest.raises(Conflict):
        service.save(orders=world.orders, transactions=world.transactions, before=order,
                     after=order.moved_to(OrderStatus.ACCEPTED))
