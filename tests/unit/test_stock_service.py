"""Stock on fakes: every change applied once per key, facts recorded whatever the books say,
held units never taken by a decrease, counts newer-wins, settings, and the reads that pages
and store finders make. The state machine at the end runs the same rules at random."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.errors import IdempotencyKeyReused, InsufficientStock, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.stock import service
from shared.stock.model import HOLD, ChangeKind, StockLevel, StockMove
from shared.stock.ports import ChangeReceipt
from shared.transactions import Refused
from tests.conftest import fake_machine_settings
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.stock import MemoryStockStore
from tests.fakes.transaction import MemoryTransactions
from tests.names import Names
from tests.stock_machine import ERP, StockMachine, demo_locations

SKU, STORE, OTHER_STORE = "SKU-A", "store-one", "store-two"
MORNING = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
EVENING = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)


@dataclass
class Books:
    """The stock of two stores, in memory, and the calls a till, an ERP and a hold make."""

    store: MemoryStockStore = field(default_factory=MemoryStockStore)
    transactions: MemoryTransactions = field(default_factory=MemoryTransactions)
    directory: LocationDirectory = field(default_factory=demo_locations)
    names: Names = field(default_factory=lambda: Names("stock"))

    def change(self, kind: ChangeKind, quantity: int, *, key: str | None = None, caller: Caller = ERP,
               sku: str = SKU, location_id: str = STORE) -> ChangeReceipt:
        return service.record_change(store=self.store, transactions=self.transactions, directory=self.directory,
                                     caller=caller, sku=sku, location_id=location_id, kind=kind, quantity=quantity,
                                     idempotency_key=key or self.names(), source="test")

    def receive(self, quantity: int, **where: Any) -> ChangeReceipt:
        return self.change(ChangeKind.RECEIPT, quantity, **where)

    def count(self, on_hand: int, as_of: datetime, *, key: str | None = None) -> ChangeReceipt | None:
        return service.record_count(store=self.store, transactions=self.transactions, directory=self.directory,
                                    caller=ERP, sku=SKU, location_id=STORE, on_hand=on_hand, as_of=as_of,
                                    idempotency_key=key or self.names(), source="test")

    def hold(self, quantity: int) -> None:
        """What a reservation or an order adds to its transaction for one line."""
        tx = self.transactions.begin()
        receipt = ChangeReceipt(change_id=self.names("hold"), sku=SKU, location_id=STORE, kind="hold",
                                on_hand_delta=None, on_hand=None, applied_at=MORNING, source="test")
        self.store.add_move(tx, move=StockMove(SKU, STORE, HOLD, quantity), change=receipt, default_threshold=2)
        tx.commit()

    def settings(self, safety_stock: int, low_stock_threshold: int = 2) -> StockLevel:
        return service.update_settings(store=self.store, directory=self.directory, caller=ERP, sku=SKU,
                                       location_id=STORE, safety_stock=safety_stock,
                                       low_stock_threshold=low_stock_threshold, source="test")

    def level(self, sku: str = SKU, location_id: str = STORE) -> StockLevel:
        return service.stock_at(store=self.store, directory=self.directory, sku=sku, location_id=location_id)


@pytest.fixture
def books() -> Books:
    return Books()


# -- once per key -------------------------------------------------------------------------------


def test_a_retry_is_answered_as_the_first_time_and_changes_nothing(books: Books) -> None:
    # given
    first = books.receive(5, key="k-000001")
    # when
    again = books.receive(5, key="k-000001")
    # then
    assert again.replayed and not first.replayed
    assert again.change_id == first.change_id
    assert books.level().on_hand == 5
    assert len(books.store.committed) == 1


def test_the_same_key_for_another_request_is_refused(books: Books) -> None:
    # given
    books.receive(5, key="receipt-0001")
    # when / then
    with pytest.raises(IdempotencyKeyReused):
        books.receive(6, key="receipt-0001")
    assert books.level().on_hand == 5


def test_keys_of_different_callers_never_collide(books: Books) -> None:
    # given
    books.receive(5, key="shared-key-1")
    # when
    books.receive(2, key="shared-key-1", caller=Caller(role="integration", subject="pos"))
    # then
    assert books.level().on_hand == 7


def test_a_refused_change_leaves_its_key_free_for_the_retry_after_stock_arrives(books: Books) -> None:
    """Nothing of a refused change is written, its key neither: the same request may succeed later."""
    # given
    with pytest.raises(InsufficientStock):
        books.change(ChangeKind.TRANSFER_OUT, 2, key="transfer-1")
    books.receive(3)
    # when
    retried = books.change(ChangeKind.TRANSFER_OUT, 2, key="transfer-1")
    # then
    assert not retried.replayed and books.level().on_hand == 1


# -- decreases and facts ------------------------------------------------------------------------


def test_a_transfer_beyond_stock_is_refused_and_changes_nothing(books: Books) -> None:
    # given
    books.receive(2)
    # when / then
    with pytest.raises(InsufficientStock):
        books.change(ChangeKind.TRANSFER_OUT, 3)
    assert books.level().on_hand == 2


def test_a_transfer_out_never_takes_held_units(books: Books) -> None:
    # given: 5 in the store, 3 of them held for customers
    books.receive(5)
    books.hold(3)
    # when / then: only the 2 not held may leave
    with pytest.raises(InsufficientStock) as refused:
        books.change(ChangeKind.TRANSFER_OUT, 3)
    assert refused.value.extra == {"requested": 3, "on_hand": 5, "reserved": 3}
    books.change(ChangeKind.TRANSFER_OUT, 2)
    level = books.level()
    assert (level.on_hand, level.reserved, level.available) == (3, 3, 0)


def test_a_negative_correction_never_takes_held_units_either(books: Books) -> None:
    # given
    books.receive(4)
    books.hold(4)
    # when / then
    with pytest.raises(InsufficientStock):
        books.change(ChangeKind.CORRECTION, -1)
    assert books.level().on_hand == 4


def test_a_sale_beyond_the_books_is_a_fact_and_recorded(books: Books) -> None:
    # given
    books.receive(2)
    # when
    books.change(ChangeKind.SALE, 3)
    # then: the books are wrong, not the till; the next count settles it
    level = books.level()
    assert (level.on_hand, level.available, level.shortfall) == (-1, 0, 0)


def test_a_sale_of_held_units_is_recorded_and_shows_as_shortfall(books: Books) -> None:
    """A till sold what was promised to customers: recorded, and the shortfall is what the
    holds can no longer get (it starts their resolution)."""
    # given: 3 in the store, 2 held
    books.receive(3)
    books.hold(2)
    # when: the till sells 4, one more than the books have
    books.change(ChangeKind.SALE, 4)
    # then
    level = books.level()
    assert (level.on_hand, level.reserved, level.available, level.shortfall) == (-1, 2, 0, 2)


def test_an_increase_onto_books_below_zero_fills_them_first(books: Books) -> None:
    # given
    books.change(ChangeKind.SALE, 2)
    # when
    books.receive(5)
    # then
    assert (books.level().on_hand, books.level().available) == (3, 3)


@pytest.mark.parametrize(("kind", "quantity"), [(ChangeKind.RECEIPT, 0), (ChangeKind.SALE, -1),
                                                (ChangeKind.TRANSFER_IN, -3), (ChangeKind.CORRECTION, 0)])
def test_a_change_without_a_quantity_in_its_direction_is_invalid(books: Books, kind: ChangeKind,
                                                                 quantity: int) -> None:
    # when / then
    with pytest.raises(InvalidRequest):
        books.change(kind, quantity)
    assert books.store.committed == []


def test_a_correction_is_the_one_signed_change(books: Books) -> None:
    # when
    up = books.change(ChangeKind.CORRECTION, 4)
    down = books.change(ChangeKind.CORRECTION, -1)
    # then
    assert (up.on_hand_delta, down.on_hand_delta, books.level().on_hand) == (4, -1, 3)


# -- counts ---------------------------------------------------------------------------------------


def test_a_count_replaces_what_the_books_said(books: Books) -> None:
    # given
    books.receive(7)
    # when
    receipt = books.count(5, MORNING)
    # then
    assert receipt is not None and receipt.on_hand == 5
    assert (books.level().on_hand, books.level().counted_as_of) == (5, MORNING)


def test_a_count_older_than_the_last_one_is_ignored(books: Books) -> None:
    """Counts arrive late from other systems: the newest count wins, whatever arrives last."""
    # given
    books.count(5, EVENING)
    # when
    older = books.count(9, MORNING)
    same_time = books.count(9, EVENING)
    # then
    assert older is None and same_time is None
    assert (books.level().on_hand, books.level().counted_as_of) == (5, EVENING)


def test_a_count_below_what_is_held_is_recorded_and_shows_as_shortfall(books: Books) -> None:
    # given
    books.receive(3)
    books.hold(3)
    # when
    books.count(1, MORNING)
    # then
    level = books.level()
    assert (level.on_hand, level.reserved, level.shortfall) == (1, 3, 2)


def test_a_retried_count_is_answered_as_the_first_time(books: Books) -> None:
    # given
    first = books.count(5, MORNING, key="count-1")
    # when
    again = books.count(5, MORNING, key="count-1")
    # then
    assert first is not None and again is not None and again.replayed
    assert again.change_id == first.change_id and len(books.store.committed) == 1
    with pytest.raises(IdempotencyKeyReused):
        books.count(6, MORNING, key="count-1")


def test_counts_from_the_future_without_zone_or_below_zero_are_refused(books: Books) -> None:
    # when / then
    with pytest.raises(InvalidRequest):
        books.count(1, datetime(2100, 1, 1, tzinfo=UTC))  # the future, for decades
    with pytest.raises(InvalidRequest):
        books.count(1, datetime(2026, 1, 1))
    with pytest.raises(InvalidRequest):
        books.count(-1, MORNING)
    assert books.store.committed == []


# -- who may change what ------------------------------------------------------------------------


def test_staff_of_another_store_cannot_see_or_change_it(books: Books) -> None:
    # when / then
    with pytest.raises(NotFound):
        books.receive(1, key="k-0000001", caller=Caller(role="staff", subject="u1", location_id=OTHER_STORE))
    books.receive(1, key="k-0000001", caller=Caller(role="staff", subject="u1", location_id=STORE))
    assert books.level().on_hand == 1


def test_unknown_locations_are_not_found(books: Books) -> None:
    # when / then
    with pytest.raises(NotFound):
        books.receive(1, location_id="nowhere")
    with pytest.raises(NotFound):
        books.level(location_id="nowhere")


# -- settings -------------------------------------------------------------------------------------


def test_safety_stock_is_kept_back_from_what_may_be_promised(books: Books) -> None:
    # given
    books.receive(5)
    books.hold(1)
    # when
    after = books.settings(safety_stock=3, low_stock_threshold=4)
    # then: on hand and held are untouched; 5 - 1 - 3 may be promised
    assert (after.on_hand, after.reserved, after.safety_stock, after.low_stock_threshold) == (5, 1, 3, 4)
    assert (after.sellable, after.available) == (1, 1)
    assert books.level() == after


def test_safety_stock_above_what_is_free_shows_nothing_available_and_stops_new_holds(books: Books) -> None:
    # given
    books.receive(2)
    books.settings(safety_stock=3)
    # when / then
    assert (books.level().sellable, books.level().available) == (-1, 0)
    with pytest.raises(Refused):
        books.hold(1)
    assert books.level().reserved == 0


def test_setting_the_same_settings_again_changes_nothing(books: Books) -> None:
    # given
    books.receive(5)
    first = books.settings(safety_stock=2)
    # when
    again = books.settings(safety_stock=2)
    # then
    assert (again.on_hand, again.safety_stock, again.available) == (first.on_hand, first.safety_stock,
                                                                    first.available)


def test_negative_settings_are_invalid(books: Books) -> None:
    # when / then
    with pytest.raises(InvalidRequest):
        books.settings(safety_stock=-1)
    with pytest.raises(InvalidRequest):
        books.settings(safety_stock=0, low_stock_threshold=-1)


# -- reads ----------------------------------------------------------------------------------------


def test_a_sku_never_stocked_at_a_known_location_has_zero_of_everything(books: Books) -> None:
    # then
    assert books.level("SKU-NEW") == StockLevel(sku="SKU-NEW", location_id=STORE)


def test_a_skus_stock_is_listed_per_active_location_in_id_order(books: Books) -> None:
    # given
    books.receive(2, location_id=OTHER_STORE)
    books.receive(1, location_id=STORE)
    books.receive(9, sku="SKU-B")
    # when
    levels = service.stock_of_sku(store=books.store, directory=books.directory, sku=SKU)
    # then
    assert [(lvl.location_id, lvl.on_hand) for lvl in levels] == [(STORE, 1), (OTHER_STORE, 2)]


def test_matrix_reads_absent_pairs_as_zero_and_checks_limits(books: Books) -> None:
    # given
    books.receive(4)
    # when
    levels = service.stock_matrix(store=books.store, directory=books.directory, skus=["SKU-A", "SKU-B"],
                                  location_ids=[STORE, OTHER_STORE])
    # then
    assert [(lvl.sku, lvl.location_id, lvl.on_hand) for lvl in levels] == [
        ("SKU-A", STORE, 4), ("SKU-A", OTHER_STORE, 0), ("SKU-B", STORE, 0), ("SKU-B", OTHER_STORE, 0)]


@pytest.mark.parametrize(("skus", "location_ids"), [
    ([f"S{i}" for i in range(service.MAX_SKUS_PER_READ + 1)], [STORE]),
    ([], [STORE]),
    (["SKU-A"], []),
    (["SKU-A"], [STORE] * (service.MAX_LOCATIONS_PER_READ + 1)),
], ids=["too-many-skus", "no-skus", "no-locations", "too-many-locations"])
def test_a_matrix_asks_for_1_to_100_skus_at_1_to_50_locations(books: Books, skus: list[str],
                                                              location_ids: list[str]) -> None:
    # when / then
    with pytest.raises(InvalidRequest):
        service.stock_matrix(store=books.store, directory=books.directory, skus=skus, location_ids=location_ids)


def test_a_matrix_with_an_unknown_location_is_not_found(books: Books) -> None:
    # when / then
    with pytest.raises(NotFound):
        service.stock_matrix(store=books.store, directory=books.directory, skus=[SKU], location_ids=["nowhere"])


def test_nearest_orders_by_distance_and_skips_what_cannot_serve() -> None:
    # given: the demo stores, with some stock of SKU-A in three of them
    from local.seed import LOCATIONS

    locations = MemoryLocationStore()
    for location in LOCATIONS:
        locations.put(location)
    books = Books(directory=LocationDirectory(locations))
    for loc, qty in [("amsterdam-kalverstraat", 3), ("utrecht-oudegracht", 1), ("rotterdam-lijnbaan", 2)]:
        books.receive(qty, location_id=loc)
    lat, lon = 52.0894, 5.1100  # Utrecht Centraal
    # when
    placed = service.nearest_with_stock(store=books.store, directory=books.directory, sku=SKU, quantity=2,
                                        lat=lat, lon=lon)
    near = service.nearest_with_stock(store=books.store, directory=books.directory, sku=SKU, quantity=1,
                                      radius_km=5, lat=lat, lon=lon)
    shipping = service.nearest_with_stock(store=books.store, directory=books.directory, sku=SKU, quantity=1,
                                          service="ship_from_store", lat=lat, lon=lon)
    nearest_one = service.nearest_with_stock(store=books.store, directory=books.directory, sku=SKU, quantity=1,
                                             limit=1, lat=lat, lon=lon)
    # then
    assert [p.location.location_id for p in placed] == ["amsterdam-kalverstraat", "rotterdam-lijnbaan"]
    assert 30 < placed[0].distance_km < 40
    assert [p.location.location_id for p in near] == ["utrecht-oudegracht"]
    assert "rotterdam-lijnbaan" not in {p.location.location_id for p in shipping}  # it does not ship
    assert [p.location.location_id for p in nearest_one] == ["utrecht-oudegracht"]


# -- the same rules at random ---------------------------------------------------------------------


class MemoryStockMachine(StockMachine):
    make_store = MemoryStockStore
    make_transactions = MemoryTransactions


TestMemoryStock = MemoryStockMachine.TestCase
TestMemoryStock.settings = fake_machine_settings(steps=30)
