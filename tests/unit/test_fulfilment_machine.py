"""The fulfilment state machine (tests/fulfilment_machine.py) on the in-memory stores."""

from __future__ import annotations

from tests.conftest import fake_machine_settings
from tests.fulfilment_machine import FulfilmentMachine

TestFulfilment = FulfilmentMachine.TestCase
TestFulfilment.settings = fake_machine_settings(steps=40)
