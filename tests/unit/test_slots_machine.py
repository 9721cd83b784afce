"""The slots state machine (tests/slots_machine.py) on the in-memory fakes."""

from __future__ import annotations

from shared.slots.ports import SlotStore
from shared.transactions import Transactions
from tests.conftest import fake_machine_settings
from tests.slots_machine import SlotsMachine, memory_slots


class MemorySlotsMachine(SlotsMachine):
    def open_slots(self) -> tuple[SlotStore, Transactions]:
        return memory_slots()


TestMemorySlots = MemorySlotsMachine.TestCase
TestMemorySlots.settings = fake_machine_settings(steps=40)
