from datetime import UTC, datetime

import pytest
from hypothesis import settings

from shared.errors import IdempotencyKeyReused, InsufficientStock, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.stock import service
from shared.stock.model import ChangeKind
from tests.fakes.stock import MemoryStockStore
from tests.fakes.transaction import MemoryTransactions
from tests.stock_machine import ERP, StockMachine, demo_locations

TRANSACTIONS = MemoryTransactions()


@pytest.fixture
def store() -> MemoryStockStore:
    return MemoryStockStore()


@pytest.fixture
def directory() -> LocationDirectory:
    return demo_locations()


def receive(store: MemoryStockStore, directory: LocationDirectory, qty: int, key: str = "receipt-0001") -> None:
    service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                          location_id="store-one", kind=ChangeKind.RECEIPT, quantity=qty, idempotency_key=key,
                          source="t")


def test_a_retry_is_answered_as_the_first_time_and_changes_nothing(store, directory) -> None:
    first = service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP,
                                  sku="SKU-A", location_id="store-one", kind=ChangeKind.RECEIPT, quantity=5,
                                  idempotency_key="k-000001", source="t")
    again = service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP,
                                  sku="SKU-A", location_id="store-one", kind=ChangeKind.RECEIPT, quantity=5,
                                  idempotency_key="k-000001", source="t")
    assert again.replayed and not first.replayed
    assert again.change_id == first.change_id
    assert store.get("SKU-A", "store-one").on_hand == 5
    assert len(store.committed) == 1


def test_the_same_key_for_another_request_is_refused(store, directory) -> None:
    receive(store, directory, 5)
    with pytest.raises(IdempotencyKeyReused):
        receive(store, directory, 6)
    assert store.get("SKU-A", "store-one").on_hand == 5


def test_keys_of_different_callers_never_collide(store, directory) -> None:
    pos = Caller(role="integration", subject="pos")
    receive(store, directory, 5, key="shared-key-1")
    service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=pos, sku="SKU-A",
                          location_id="store-one", kind=ChangeKind.RECEIPT, quantity=2,
                          idempotency_key="shared-key-1", source="t")
    assert store.get("SKU-A", "store-one").on_hand == 7


def test_a_transfer_beyond_stock_is_refused_and_changes_nothing(store, directory) -> None:
    receive(store, directory, 2)
    with pytest.raises(InsufficientStock):
        service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                              location_id="store-one", kind=ChangeKind.TRANSFER_OUT, quantity=3,
                              idempotency_key="tr-0001", source="t")
    assert store.get("SKU-A", "store-one").on_hand == 2


def test_a_sale_beyond_the_books_is_a_fact_and_recorded(store, directory) -> None:
    receive(store, directory, 2)
    service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                          location_id="store-one", kind=ChangeKind.SALE, quantity=3, idempotency_key="sale-0001",
                          source="t")
    level = store.get("SKU-A", "store-one")
    assert (level.on_hand, level.available, level.shortfall) == (-1, 0, 0)


def test_staff_of_another_store_cannot_see_or_change_it(store, directory) -> None:
    other = Caller(role="staff", subject="u1", location_id="store-two")
    with pytest.raises(NotFound):
        service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=other, sku="SKU-A",
                              location_id="store-one", kind=ChangeKind.RECEIPT, quantity=1,
                              idempotency_key="k-0000001", source="t")
    own = Caller(role="staff", subject="u1", location_id="store-one")
    service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=own, sku="SKU-A",
                          location_id="store-one", kind=ChangeKind.RECEIPT, quantity=1, idempotency_key="k-0000001",
                          source="t")


def test_unknown_locations_are_not_found(store, directory) -> None:
    with pytest.raises(NotFound):
        service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                              location_id="nowhere", kind=ChangeKind.RECEIPT, quantity=1, idempotency_key="k-0000001",
                              source="t")


def test_counts_from_the_future_or_without_zone_are_refused(store, directory) -> None:
    with pytest.raises(InvalidRequest):
        service.record_count(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                             location_id="store-one", on_hand=1, as_of=datetime(2100, 1, 1, tzinfo=UTC),
                             idempotency_key="k-0000001", source="t")  # the future, for decades
    with pytest.raises(InvalidRequest):
        service.record_count(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                             location_id="store-one", on_hand=1, as_of=datetime(2026, 1, 1),
                             idempotency_key="k-0000002", source="t")


def test_matrix_reads_absent_pairs_as_zero_and_checks_limits(store, directory) -> None:
    receive(store, directory, 4)
    levels = service.stock_matrix(store=store, directory=directory, skus=["SKU-A", "SKU-B"], location_ids=["store-one",
                                                                                                           "store-two"])
    assert [(lvl.sku, lvl.location_id, lvl.on_hand) for lvl in levels] == [
        ("SKU-A", "store-one", 4), ("SKU-A", "store-two", 0), ("SKU-B", "store-one", 0), ("SKU-B", "store-two", 0)]
    with pytest.raises(InvalidRequest):
        service.stock_matrix(store=store, directory=directory, skus=[f"S{i}" for i in range(101)],
                             location_ids=["store-one"])


def test_nearest_orders_by_distance_and_skips_what_cannot_serve(store) -> None:
    from local.seed import LOCATIONS
    from tests.fakes.locations import MemoryLocationStore

    locations = MemoryLocationStore()
    for loc in LOCATIONS:
        locations.put(loc)
    directory = LocationDirectory(locations)
    for loc, qty in [("amsterdam-kalverstraat", 3), ("utrecht-oudegracht", 1), ("rotterdam-lijnbaan", 2)]:
        service.record_change(store=store, transactions=TRANSACTIONS, directory=directory, caller=ERP, sku="SKU-A",
                              location_id=loc, kind=ChangeKind.RECEIPT, quantity=qty, idempotency_key=f"seed-{loc}",
                              source="t")
    lat, lon = 52.0894, 5.1100
    placed = service.nearest_with_stock(store=store, directory=directory, sku="SKU-A", lat=lat, lon=lon, quantity=2)
    assert [p.location.location_id for p in placed] == ["amsterdam-kalverstraat", "rotterdam-lijnbaan"]
    assert 30 < placed[0].distance_km < 40
    near = service.nearest_with_stock(store=store, directory=directory, sku="SKU-A", lat=lat, lon=lon, quantity=1,
                                      radius_km=5)
    assert [p.location.location_id for p in near] == ["utrecht-oudegracht"]


class MemoryStockMachine(StockMachine):
    make_store = MemoryStockStore
    make_transactions = MemoryTransactions


TestMemoryStock = MemoryStockMachine.TestCase
TestMemoryStock.settings = settings(stateful_step_count=30)
