"""The slots machine (tests/slots_machine.py) against the real DynamoDB code, on moto: the places
taken in a slot are its active bookings, never past capacity or cut-off, each order booked and
given back once, whatever the order of retries, races and cancellations."""

from __future__ import annotations

from shared import wiring
from shared.slots.ports import SlotStore
from shared.transactions import Transactions
from tests.conftest import emulated_machine_settings
from tests.integration.conftest import start_moto_system, use_moto_environment
from tests.slots_machine import SlotsMachine


class DynamoDBSlotsMachine(SlotsMachine):
    def open_slots(self) -> tuple[SlotStore, Transactions]:
        self.mock = start_moto_system()
        return wiring.slot_store(), wiring.transactions()

    def teardown(self) -> None:
        self.mock.stop()  # type: ignore[attr-defined]


def setup_module() -> None:
    use_moto_environment()


TestDynamoDBSlots = DynamoDBSlotsMachine.TestCase
TestDynamoDBSlots.settings = emulated_machine_settings(steps=20)
