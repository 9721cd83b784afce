"""The holds state machine (tests/holds_machine.py) against the real DynamoDB adapters (on moto)."""

from __future__ import annotations

from shared import wiring
from tests.conftest import emulated_machine_settings
from tests.holds_machine import PRICE_CENTS, SKUS, HoldsMachine, World
from tests.integration.conftest import start_moto_system, use_moto_environment
from tests.pricing import price_skus


def _dynamodb_world() -> World:
    mock = start_moto_system()
    price_skus(wiring.catalog(), SKUS, PRICE_CENTS)
    return World(stock=wiring.stock_store(), reservations=wiring.reservation_store(), counters=wiring.hold_counters(),
                 orders=wiring.order_store(), purchases=wiring.purchase_store(), transactions=wiring.transactions(),
                 directory=wiring.location_directory(), catalog=wiring.catalog(),
                 stop=mock.stop)  # type: ignore[attr-defined]


class DynamoDBHoldsMachine(HoldsMachine):
    make_world = staticmethod(_dynamodb_world)


def setup_module() -> None:
    use_moto_environment()


TestHolds = DynamoDBHoldsMachine.TestCase
TestHolds.settings = emulated_machine_settings(steps=15)
