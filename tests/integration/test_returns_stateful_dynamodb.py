"""The returns state machine (tests/returns_machine.py) against the real DynamoDB code, on moto."""

from __future__ import annotations

from shared import wiring
from tests.conftest import emulated_machine_settings
from tests.integration.conftest import start_moto_system, use_moto_environment
from tests.returns_machine import ReturnsMachine, Shop


class DynamoDBReturnsMachine(ReturnsMachine):
    def open_shop(self) -> Shop:
        self.mock = start_moto_system()
        return Shop(purchases=wiring.purchase_store(), returns=wiring.return_store(), stock=wiring.stock_store(),
                    transactions=wiring.transactions(), directory=wiring.location_directory(), catalog=wiring.catalog())

    def teardown(self) -> None:
        self.mock.stop()  # type: ignore[attr-defined]


def setup_module() -> None:
    use_moto_environment()


TestReturns = DynamoDBReturnsMachine.TestCase
TestReturns.settings = emulated_machine_settings(steps=15)
