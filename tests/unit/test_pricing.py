"""The server owns the price: orders, reservations and till sales priced from the catalog, on the fakes.

Each test is a short story (given, when, then).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.catalog.model import PricePoint, PriceSchedule, Promotion, Text, UnknownSkus
from shared.errors import Forbidden
from shared.identity import Caller
from shared.orders import service as orders
from shared.orders.model import Contact, Payment
from shared.pricing import PriceChanged, PriceOverrideRequired
from shared.purchases import service as purchases
from shared.purchases.model import PriceOverride, PurchasedLine
from shared.purchases.till import record_till_sale
from shared.reservations import service as reservations
from shared.reservations.model import Channel, Line
from shared.stock.model import StockLevel
from tests.fakes.catalog import ALWAYS
from tests.holds_machine import STORE, World, memory_world
from tests.unit.test_reservations_service import receive

SHOPPER = Caller(role="customer", subject="shopper-1")
STAFF = Caller(role="staff", subject="anna", location_id=STORE)
POS = Caller(role="integration", subject="pos")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SALE = Promotion(promotion_id="spring", name=Text(nl="Lente", en="Spring"), starts_at=NOW - timedelta(days=1),
                 ends_at=NOW + timedelta(days=1), percent_off=20, skus=frozenset({"JKT-1"}))


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(orders, "_now", lambda: NOW)
    monkeypatch.setattr(reservations, "_now", lambda: NOW)
    world = memory_world()
    world.catalog.stock_up(["JKT-1"], price_cents=10000)  # 80.00 with the spring promotion
    world.catalog.stock_up(["SCF-1"], price_cents=1999)
    world.catalog.put_promotion(SALE)
    for sku in ("JKT-1", "SCF-1", "NOPE-1"):
        receive(world, sku, 5)
    return world


def level(world: World, sku: str) -> StockLevel:
    return world.stock.get(sku, STORE) or StockLevel(sku=sku, location_id=STORE)


def place(world: World, lines: list[tuple[str, int]], shown: dict[str, int] | None = None,
          key: str = "order-1") -> tuple[orders.Order, bool]:
    return orders.place(**world.holds(), orders=world.orders, directory=world.directory, caller=SHOPPER,
                        location_id=STORE, lines=[Line(sku, qty) for sku, qty in lines],
                        payment=Payment.PAID_ONLINE, contact=Contact("a@example.nl"), channel=Channel.WEB,
                        idempotency_key=key, catalog=world.catalog, prices=shown)


def sell(world: World, lines: list[PurchasedLine], *, caller: Caller = STAFF, receipt_id: str = "till-1",
         as_fact: bool = False, at: datetime = NOW) -> purchases.Purchase:
    purchase, _ = record_till_sale(**world.holds(), purchases=world.purchases, orders=world.orders,
                                   directory=world.directory, caller=caller, location_id=STORE,
                                   receipt_id=receipt_id, lines=lines, purchased_at=at, catalog=world.catalog,
                                   as_fact=as_fact)
    return purchase


# -- orders --------------------------------------------------------------------------------


def test_an_order_is_priced_by_the_server_with_its_promotion_name_and_vat(world: World) -> None:
    # when a customer orders a jacket on promotion and two scarves, without saying a price
    order, created = place(world, [("JKT-1", 1), ("SCF-1", 2)])
    # then every line carries the catalog's price now: list, paid (after the promotion), VAT and name
    jacket, scarf = order.lines
    assert created and (jacket.list_price_cents, jacket.unit_price_cents, jacket.promotion_id) == (10000, 8000,
                                                                                                   "spring")
    assert (scarf.list_price_cents, scarf.unit_price_cents, scarf.promotion_id) == (1999, 1999, None)
    assert jacket.vat_rate_percent == 21 and jacket.name == Text(nl="Artikel JKT-1", en="Item JKT-1")
    hold = world.reservations.get(order.reservation_id)
    assert hold is not None and hold.price_of("JKT-1") is not None and hold.price_of("JKT-1").price_cents == 8000


def test_an_order_with_the_price_the_customer_was_shown_is_placed(world: World) -> None:
    order, created = place(world, [("JKT-1", 1)], shown={"JKT-1": 8000})
    assert created and order.lines[0].unit_price_cents == 8000


def test_a_made_up_price_is_a_price_change_with_the_current_prices_and_nothing_is_held(world: World) -> None:
    # when the client says the jacket costs 1 cent
    begun = len(world.transactions.begun)  # type: ignore[attr-defined]
    with pytest.raises(PriceChanged) as refused:
        place(world, [("JKT-1", 1), ("SCF-1", 1)], shown={"JKT-1": 1})
    # then 409 price-changed names it with the current prices, and nothing is held or recorded
    assert refused.value.extra["skus"] == ["JKT-1"]
    assert {p["sku"]: p["unit_price_cents"] for p in refused.value.extra["prices"]} == {"JKT-1": 8000,
                                                                                       "SCF-1": 1999}
    assert level(world, "JKT-1").reserved == 0 and len(world.transactions.begun) == begun  # type: ignore[attr-defined]


def test_a_retried_order_is_the_first_one_even_when_the_price_changed_since(world: World) -> None:
    first, _ = place(world, [("SCF-1", 1)], shown={"SCF-1": 1999})
    world.catalog.set_prices("SCF-1", PriceSchedule((PricePoint(2499, ALWAYS),), version=2))
    again, created = place(world, [("SCF-1", 1)], shown={"SCF-1": 1999})
    assert not created and again == first
    with pytest.raises(PriceChanged):
        place(world, [("SCF-1", 1)], shown={"SCF-1": 1999}, key="order-2")


def test_an_order_with_an_unknown_sku_names_it_and_holds_nothing(world: World) -> None:
    with pytest.raises(UnknownSkus) as refused:
        place(world, [("JKT-1", 1), ("NOPE-1", 1)])
    assert refused.value.extra == {"field": "lines", "skus": ["NOPE-1"]}
    assert level(world, "JKT-1").reserved == 0


def test_a_collected_order_is_a_purchase_at_the_price_it_was_placed_at(world: World) -> None:
    order, _ = place(world, [("JKT-1", 1)])
    purchase = orders.purchase_of(order=order, purchased_at=NOW)
    line = purchase.lines[0]
    assert (line.unit_price_cents, line.list_price_cents, line.promotion_id, line.deviates) == (8000, 10000,
                                                                                                "spring", False)


# -- reservations ----------------------------------------------------------------------------


def test_a_reservation_records_what_the_customer_will_pay_at_the_till(world: World) -> None:
    held, _ = reservations.reserve(**world.holds(), directory=world.directory, caller=SHOPPER, location_id=STORE,
                                   lines=[Line("JKT-1", 1), Line("SCF-1", 1)], channel=Channel.APP,
                                   idempotency_key="hold-1", catalog=world.catalog)
    assert [(p.sku, p.price_cents, p.list_price_cents) for p in held.prices] == [("JKT-1", 8000, 10000),
                                                                                 ("SCF-1", 1999, 1999)]
    assert world.reservations.get(held.reservation_id) == held


def test_a_reservation_of_an_unknown_sku_is_refused_and_holds_nothing(world: World) -> None:
    with pytest.raises(UnknownSkus):
        reservations.reserve(**world.holds(), directory=world.directory, caller=SHOPPER, location_id=STORE,
                             lines=[Line("NOPE-1", 1)], channel=Channel.APP, idempotency_key="hold-1",
                             catalog=world.catalog)
    assert level(world, "NOPE-1").reserved == 0


# -- till sales ------------------------------------------------------------------------------


def test_a_till_sale_at_the_catalog_price_is_recorded_with_it(world: World) -> None:
    purchase = sell(world, [PurchasedLine("JKT-1", 1, 8000)])
    line = purchase.lines[0]
    assert (line.catalog_price_cents, line.list_price_cents, line.promotion_id, line.vat_rate_percent) == (
        8000, 10000, "spring", 21)
    assert line.approved and not purchase.deviates


def test_a_till_sale_is_priced_at_the_moment_it_was_paid(world: World) -> None:
    # the promotion had not started yet two days ago: the list price was the price then
    purchase = sell(world, [PurchasedLine("JKT-1", 1, 10000)], at=NOW - timedelta(days=2))
    assert purchase.lines[0].catalog_price_cents == 10000 and not purchase.deviates


def test_another_price_without_an_override_is_refused_and_nothing_moves(world: World) -> None:
    with pytest.raises(PriceOverrideRequired) as refused:
        sell(world, [PurchasedLine("JKT-1", 1, 1), PurchasedLine("SCF-1", 1, 1999)])
    assert refused.value.extra == {"field": "lines", "skus": ["JKT-1"]}
    assert level(world, "JKT-1").on_hand == 5 and world.purchases.purchases == {}


def test_an_override_with_a_blank_reason_is_no_override(world: World) -> None:
    with pytest.raises(PriceOverrideRequired):
        sell(world, [PurchasedLine("JKT-1", 1, 1, override=PriceOverride("  ", "bert"))])


def test_only_store_staff_may_override_a_price(world: World) -> None:
    with pytest.raises(Forbidden):
        sell(world, [PurchasedLine("JKT-1", 1, 5000, override=PriceOverride("damaged", "bert"))], caller=POS)
    assert world.purchases.purchases == {}


def test_a_staff_override_is_recorded_and_reported(world: World) -> None:
    purchase = sell(world, [PurchasedLine("JKT-1", 1, 5000, override=PriceOverride("damaged seam", "bert")),
                            PurchasedLine("SCF-1", 1, 1999)])
    jacket = purchase.line("JKT-1")
    assert jacket is not None and jacket.override == PriceOverride("damaged seam", "bert") and jacket.approved
    assert (jacket.unit_price_cents, jacket.catalog_price_cents) == (5000, 8000)
    assert purchase.total_cents == 5000 + 1999
    found, _ = purchases.price_overrides(store=world.purchases, caller=STAFF, location_id=STORE)
    assert found == [purchase]


def test_an_unknown_sku_at_the_till_is_refused(world: World) -> None:
    with pytest.raises(UnknownSkus):
        sell(world, [PurchasedLine("NOPE-1", 1, 500)])


def test_a_sale_recorded_fact_is_never_refused_its_deviations_are_recorded_unapproved(world: World) -> None:
    # when the POS reports a sale at another price without override, and a SKU the catalog does not know
    purchase = sell(world, [PurchasedLine("JKT-1", 1, 1), PurchasedLine("NOPE-1", 1, 500),
                            PurchasedLine("SCF-1", 1, 1999)], caller=POS, as_fact=True)
    # then it is recorded at the till's prices, the stock left, and the two lines are flagged
    jacket, unknown, scarf = purchase.lines
    assert (jacket.unit_price_cents, jacket.catalog_price_cents, jacket.approved) == (1, 8000, False)
    assert (unknown.unit_price_cents, unknown.catalog_price_cents, unknown.approved) == (500, None, False)
    assert scarf.approved and not scarf.deviates
    assert level(world, "NOPE-1").on_hand == 4
    found, _ = purchases.price_overrides(store=world.purchases, caller=STAFF, location_id=STORE)
    assert found == [purchase]


def test_a_fact_with_an_override_is_recorded_approved(world: World) -> None:
    purchase = sell(world, [PurchasedLine("JKT-1", 1, 5000, override=PriceOverride("display model", "bert"))],
                    caller=POS, as_fact=True)
    assert purchase.lines[0].approved and purchase.lines[0].override is not None


def test_the_override_report_is_for_staff_of_the_store_and_head_office(world: World) -> None:
    with pytest.raises(Forbidden):
        purchases.price_overrides(store=world.purchases, caller=SHOPPER, location_id=STORE)
    with pytest.raises(Forbidden):
        purchases.price_overrides(store=world.purchases, caller=POS, location_id=STORE)
