"""The fulfilment state machine (tests/fulfilment_machine.py) against the real DynamoDB adapters
(on moto): orders, holds, stock with in_transit, slots and the sandbox carrier's parcels."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import initialize

from shared import wiring
from shared.adapters.sandbox_carrier import SandboxCarrier
from tests.conftest import emulated_machine_settings
from tests.fulfilment_machine import LOCATIONS, NOW, SKUS, SLOTS, FulfilmentMachine, FulfilmentWorld
from tests.holds_machine import PRICE_CENTS, World
from tests.integration.conftest import start_moto_system, use_moto_environment
from tests.pricing import price_skus


def _dynamodb_world() -> FulfilmentWorld:
    mock = start_moto_system()
    price_skus(wiring.catalog(), SKUS, PRICE_CENTS)
    world = World(stock=wiring.stock_store(), reservations=wiring.reservation_store(), counters=wiring.hold_counters(),
                  orders=wiring.order_store(), purchases=wiring.purchase_store(), transactions=wiring.transactions(),
                  directory=wiring.location_directory(), catalog=wiring.catalog(),
                  stop=mock.stop)  # type: ignore[attr-defined]
    # parcels start at the machine's first moment, a step an hour: its carrier rule finds them due
    carrier = SandboxCarrier(step=timedelta(hours=1), clock=lambda: NOW)
    return FulfilmentWorld(world=world, slots=wiring.slot_store(), carrier=carrier)


class DynamoDBFulfilmentMachine(FulfilmentMachine):
    make_world = staticmethod(_dynamodb_world)

    @initialize(stocked=st.lists(st.tuples(st.sampled_from(SKUS), st.sampled_from(LOCATIONS), st.integers(1, 4)),
                                 min_size=2, max_size=4),
                orders=st.lists(st.tuples(st.booleans(), st.tuples(st.integers(0, 3), st.integers(0, 3)),
                                          st.sampled_from(SLOTS), st.booleans()), min_size=1, max_size=3))
    def first_orders(self, stocked: list[tuple[str, str, int]],
                     orders: list[tuple[bool, tuple[int, int], str, bool]]) -> None:
        """With the few examples emulated AWS affords, swarm testing may switch ``place`` off for a
        whole run: a few orders from the start give paying, shipping and the carrier work in every run."""
        for sku, location_id, quantity in stocked:
            self.receipt(sku, location_id, quantity)
        for delivery, quantities, slot, in_store in orders:
            self.place(delivery, quantities, slot, in_store)


def setup_module() -> None:
    use_moto_environment()


TestFulfilment = DynamoDBFulfilmentMachine.TestCase
TestFulfilment.settings = emulated_machine_settings(steps=20)
