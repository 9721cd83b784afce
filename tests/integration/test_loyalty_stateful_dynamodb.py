"""The points machine (tests/loyalty_machine.py) against the real DynamoDB code, on moto: sales
and refunds delivered again and in any order change nothing; balance == ledger sum == earned -
taken back."""

from __future__ import annotations

from shared import wiring
from tests.conftest import emulated_machine_settings
from tests.holds_machine import World
from tests.integration.conftest import start_moto_system, use_moto_environment
from tests.loyalty_machine import LoyaltyMachine, LoyaltyShop
from tests.returns_machine import Shop


class DynamoDBLoyaltyMachine(LoyaltyMachine):
    def open_shop(self) -> LoyaltyShop:
        self.mock = start_moto_system()
        shop = Shop(purchases=wiring.purchase_store(), returns=wiring.return_store(), stock=wiring.stock_store(),
                    transactions=wiring.transactions(), directory=wiring.location_directory(), catalog=wiring.catalog())
        world = World(stock=wiring.stock_store(), reservations=wiring.reservation_store(),
                      counters=wiring.hold_counters(), orders=wiring.order_store(), purchases=wiring.purchase_store(),
                      transactions=wiring.transactions(), directory=wiring.location_directory(),
                      catalog=wiring.catalog())
        return LoyaltyShop(shop=shop, world=world, loyalty=wiring.loyalty_store())

    def teardown(self) -> None:
        self.mock.stop()  # type: ignore[attr-defined]


def setup_module() -> None:
    use_moto_environment()


TestLoyalty = DynamoDBLoyaltyMachine.TestCase
TestLoyalty.settings = emulated_machine_settings(steps=20)
