"""The stock state machine against the real DynamoDB adapter (on moto)."""

from __future__ import annotations

import boto3
from hypothesis.stateful import invariant
from moto import mock_aws

from infra.topology import TOPOLOGY
from local.provision import provision
from shared import wiring
from shared.adapters.dynamodb_stock import DynamoDBStockStore
from shared.adapters.dynamodb_transaction import DynamoDBTransactions
from tests.conftest import emulated_machine_settings
from tests.integration.conftest import use_moto_environment
from tests.stock_machine import StockMachine


class DynamoDBStockMachine(StockMachine):
    @staticmethod
    def make_store() -> DynamoDBStockStore:  # type: ignore[override]
        mock = mock_aws()
        mock.start()
        DynamoDBStockMachine._mocks.append(mock)
        wiring.reset()
        provision(TOPOLOGY, lambda service: boto3.client(service))
        return DynamoDBStockStore(TOPOLOGY.table.name)

    @staticmethod
    def make_transactions() -> DynamoDBTransactions:  # type: ignore[override]
        return DynamoDBTransactions(TOPOLOGY.table.name)

    _mocks: list = []

    @invariant()
    def stored_counters_match_the_quantities(self) -> None:
        """The conditions read unreserved, sellable and committed: they must never drift."""
        for item in boto3.client("dynamodb").scan(TableName=TOPOLOGY.table.name)["Items"]:
            if not item["pk"]["S"].startswith("SKU#") or "sku" not in item:
                continue
            n = {k: int(item[k]["N"]) for k in ("on_hand", "reserved", "safety_stock", "unreserved",
                                                "sellable", "committed")}
            assert n["unreserved"] == n["on_hand"] - n["reserved"], n
            assert n["sellable"] == n["on_hand"] - n["reserved"] - n["safety_stock"], n
            assert n["committed"] == n["reserved"] + n["safety_stock"], n

    def teardown(self) -> None:
        while self._mocks:
            self._mocks.pop().stop()


TestDynamoDBStock = DynamoDBStockMachine.TestCase
TestDynamoDBStock.settings = emulated_machine_settings(steps=25)


def setup_module() -> None:
    use_moto_environment()
