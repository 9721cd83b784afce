"""The deployed system and the local one are the same system: what the template deploys is
what the local runner serves and creates in the emulator."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from infra.topology import TOPOLOGY
from local.environment import LOCAL_ENVIRONMENT
from local.gateway import RouteTable
from local.provision import provision
from tests.infra.synth import Synthesized

pytestmark = pytest.mark.infra


def _canonical(pattern: object) -> str:
    """A sort key that does not depend on the order of a pattern's keys (repr does)."""
    return json.dumps(pattern, sort_keys=True)


def test_the_local_gateway_serves_the_template_routes(synthesized: Synthesized) -> None:
    deployed = {r["Properties"]["RouteKey"] for r in synthesized.of_api("AWS::ApiGatewayV2::Route", "HTTP").values()}
    assert RouteTable(TOPOLOGY).route_keys == deployed


def test_the_emulator_gets_the_template_rules_queues_and_indexes(
    synthesized: Synthesized, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in LOCAL_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        made = provision(TOPOLOGY, lambda service: boto3.client(service))
        rules = boto3.client("events").list_rules(EventBusName=made.bus_name)["Rules"]
        local_patterns = sorted((json.loads(r["EventPattern"]) for r in rules), key=_canonical)
        table = boto3.client("dynamodb").describe_table(TableName=made.table_name)["Table"]
        local_indexes = {i["IndexName"] for i in table["GlobalSecondaryIndexes"]}
    deployed_patterns = sorted((r["Properties"]["EventPattern"] for r in synthesized.of_type(
        "AWS::Events::Rule").values() if "EventPattern" in r["Properties"]), key=_canonical)
    assert local_patterns == deployed_patterns
    (deployed_table,) = synthesized.of_type("AWS::DynamoDB::Table").values()
    assert local_indexes == {i["IndexName"] for i in deployed_table["Properties"]["GlobalSecondaryIndexes"]}
    deployed_queues = len(synthesized.of_type("AWS::SQS::Queue"))
    assert len(made.queue_urls) == deployed_queues - 1  # + the stream's on-failure queue on AWS
