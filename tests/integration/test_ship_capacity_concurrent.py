"""Orders placed at once against a source that ships one parcel a day, against the real DynamoDB
code: exactly one is given to it, every other one is routed again (to the warehouse), and the
count says one. Runs against moto's server behind ``local.emulator`` (one request at a time, atomic
as DynamoDB is per item): in-process moto does not lock, see ``test_slot_capacity_concurrent``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from local.seed import LOCATIONS
from shared import wiring
from tests.integration.conftest import price_skus
from tests.integration.test_reservations import stock
from tests.integration.test_ship_capacity_dynamodb import TILBURG, TODAY, UTRECHT, place

ORDERS = 8


@pytest.fixture
def seeded(emulated: str) -> None:
    """The emulated system with the demo locations (and the SKUs it sells priced)."""
    for location in LOCATIONS:
        limited = {"ship_capacity_per_day": 1} if location.location_id == UTRECHT else {}
        wiring.location_store().put(location.model_copy(update=limited))


def test_orders_placed_at_once_never_take_a_source_past_its_capacity(seeded: None) -> None:
    # given Utrecht (nearest) ships one parcel a day and the warehouse has the SKU too
    price_skus(["CAP-9"], 2995)
    stock("CAP-9", UTRECHT, 20)
    stock("CAP-9", TILBURG, 20)
    wiring.location_directory().all()  # loaded once, before the threads
    # when eight orders are placed at once
    with ThreadPoolExecutor(max_workers=ORDERS) as pool:
        orders = list(pool.map(lambda _: place("CAP-9"), range(ORDERS)))
    # then exactly one went to Utrecht, and its count says so
    sources = [o.fulfilments[0].source_id for o in orders]
    assert sorted(sources) == [TILBURG] * (ORDERS - 1) + [UTRECHT]
    assert wiring.ship_capacity().used_on(TODAY, [UTRECHT]) == {UTRECHT: 1}
    level = wiring.stock_store().get("CAP-9", UTRECHT)
    assert level is not None and level.reserved == 1
