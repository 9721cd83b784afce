from datetime import UTC, datetime

import pytest
from hypothesis import settings

from shared.adapters.memory import MemoryStockStore
from shared.errors import IdempotencyKeyReused, InsufficientStock, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.stock import service
from shared.stock.model import ChangeKind
from tests.stock_machine import ERP, StockMachine, demo_locations


@pytest.fixture
def store() -> MemoryStockStore:
    return MemoryStockStore()


@pytest.fixture
def directory() -> LocationDirectory:
    return demo_locations()


def receive(store: MemoryStockStore, directory: LocationDirectory, qty: int, key: str = "receipt-0001") -> None:
    service.record_change(store, directory, ERP, "SKU-A", "store-one", ChangeKind.RECEIPT, qty, key, "t")


def test_a_retry_is_answered_as_the_first_time_and_changes_nothing(store, directory) -> None:
    first = service.record_change(store, directory, ERP, "SKU-A", "store-one", ChangeKind.RECEIPT, 5, "k-000001", "t")
    again = service.record_change(store, directory, ERP, "SKU-A", "store-one", ChangeKind.RECEIPT, 5, "k-000001", "t")
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
    service.record_change(store, directory, pos, "SKU-A", "store-one", ChangeKind.RECEIPT, 2, "shared-key-1", "t")
    assert store.get("SKU-A", "store-one").on_hand == 7


def test_a_transfer_beyond_stock_is_refused_and_changes_nothing(store, directory) -> None:
    receive(store, directory, 2)
    with pytest.raises(InsufficientStock):
        service.record_change(store, directory, ERP, "SKU-A", "store-one", ChangeKind.TRANSFER_OUT, 3, "tr-0001", "t")
    assert store.get("SKU-A", "store-one").on_hand == 2


def test_a_sale_beyond_the_books_is_a_fact_and_recorded(store, directory) -> None:
    receive(store, directory, 2)
    service.record_change(store, directory, ERP, "SKU-A", "store-one", ChangeKind.SALE, 3, "sale-0001", "t")
    level = store.get("SKU-A", "store-one")
    assert (level.on_hand, level.available, level.shortfall) == (-1, 0, 0)


def test_staff_of_another_store_cannot_see_or_change_it(store, directory) -> None:
    other = Caller(role="staff", subject="u1", location_id="store-two")
    with pytest.raises(NotFound):
        service.record_change(store, directory, other, "SKU-A", "store-one", ChangeKind.RECEIPT, 1, "k-0000001", "t")
    own = Caller(role="staff", subject="u1", location_id="store-one")
    service.record_change(store, directory, own, "SKU-A", "store-one", ChangeKind.RECEIPT, 1, "k-0000001", "t")


def test_unknown_locations_are_not_found(store, directory) -> None:
    with pytest.raises(NotFound):
        service.record_change(store, directory, ERP, "SKU-A", "nowhere", ChangeKind.RECEIPT, 1, "k-0000001", "t")


def test_counts_from_the_future_or_without_zone_are_refused(store, directory) -> None:
    with pytest.raises(InvalidRequest):
        service.record_count(store, directory, ERP, "SKU-A", "store-one", 1,
                             datetime(2100, 1, 1, tzinfo=UTC), "k-0000001", "t")  # the future, for decades
    with pytest.raises(InvalidRequest):
        service.record_count(store, directory, ERP, "SKU-A", "store-one", 1, datetime(2026, 1, 1), "k-0000002", "t")


def test_matrix_reads_absent_pairs_as_zero_and_checks_limits(store, directory) -> None:
    receive(store, directory, 4)
    levels = service.stock_matrix(store, directory, ["SKU-A", "SKU-B"], ["store-one", "store-two"])
    assert [(lvl.sku, lvl.location_id, lvl.on_hand) for lvl in levels] == [
        ("SKU-A", "store-one", 4), ("SKU-A", "store-two", 0), ("SKU-B", "store-one", 0), ("SKU-B", "store-two", 0)]
    with pytest.raises(InvalidRequest):
        service.stock_matrix(store, directory, [f"S{i}" for i in range(101)], ["store-one"])


def test_nearest_orders_by_distance_and_skips_what_cannot_serve(store) -> None:
    from local.seed import LOCATIONS
    from shared.adapters.memory import MemoryLocationStore

    locations = MemoryLocationStore()
    for loc in LOCATIONS:
        locations.put(loc)
    directory = LocationDirectory(locations)
    for loc, qty in [("amsterdam-kalverstraat", 3), ("utrecht-oudegracht", 1), ("rotterdam-lijnbaan", 2)]:
        service.record_change(store, directory, ERP, "SKU-A", loc, ChangeKind.RECEIPT, qty, f"seed-{loc}", "t")
    utrecht_centraal = (52.0894, 5.1100)
    placed = service.nearest_with_stock(store, directory, "SKU-A", *utrecht_centraal, quantity=2)
    assert [p.location.location_id for p in placed] == ["amsterdam-kalverstraat", "rotterdam-lijnbaan"]
    assert 30 < placed[0].distance_km < 40
    near = service.nearest_with_stock(store, directory, "SKU-A", *utrecht_centraal, quantity=1, radius_km=5)
    assert [p.location.location_id for p in near] == ["utrecht-oudegracht"]


class MemoryStockMachine(StockMachine):
    make_store = MemoryStockStore


TestMemoryStock = MemoryStockMachine.TestCase
TestMemoryStock.settings = settings(stateful_step_count=30)
