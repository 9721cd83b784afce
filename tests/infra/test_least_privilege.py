"""Each function's role allows what its topology entry declares and nothing more."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.topology import TOPOLOGY, Function
from tests.infra.synth import Synthesized, actions_of, get_att_id

pytestmark = pytest.mark.infra

TABLE_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                "dynamodb:TransactWriteItems", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
                "dynamodb:PartiQLDelete", "dynamodb:*"}


def _statements(synthesized: Synthesized, name: str) -> list[dict[str, Any]]:
    _, fn = synthesized.functions_by_service()[name]
    return synthesized.role_statements(get_att_id(fn["Properties"]["Role"]))


@pytest.mark.parametrize("spec", TOPOLOGY.functions, ids=lambda fn: fn.name)
def test_table_writes_only_where_declared(synthesized: Synthesized, spec: Function) -> None:
    writes = actions_of(_statements(synthesized, spec.name)) & TABLE_WRITES
    if spec.table_access == "read":
        assert not writes, f"{spec.name} is read-only in the topology but may {sorted(writes)}"
    else:
        assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= writes


@pytest.mark.parametrize("spec", TOPOLOGY.functions, ids=lambda fn: fn.name)
def test_bus_stream_queue_and_messaging_access_only_where_declared(synthesized: Synthesized, spec: Function) -> None:
    actions = actions_of(_statements(synthesized, spec.name))
    assert ("events:PutEvents" in actions) is spec.publishes_events
    assert ("dynamodb:GetRecords" in actions) is spec.table_stream
    assert ("sqs:ReceiveMessage" in actions) is (spec.queue is not None)
    assert ("ses:SendEmail" in actions) is spec.sends_messages
    assert ("sns:Publish" in actions) is (spec.sends_messages or spec.pushes)
    assert ("execute-api:ManageConnections" in actions) is spec.pushes
    assert ("sns:CreatePlatformEndpoint" in actions) is spec.manages_devices


def _resources(statement: dict[str, Any]) -> list[str]:
    raw = statement["Resource"]
    return [json.dumps(r) for r in (raw if isinstance(raw, list) else [raw])]


def _allows(statements: list[dict[str, Any]], action: str) -> list[str]:
    return [r for s in statements if s["Effect"] == "Allow" and action in s["Action"] for r in _resources(s)]


@pytest.mark.parametrize("spec", [fn for fn in TOPOLOGY.functions if fn.pushes], ids=lambda fn: fn.name)
def test_pushers_reach_only_store_device_endpoints_and_feed_connections(synthesized: Synthesized,
                                                                       spec: Function) -> None:
    statements = _statements(synthesized, spec.name)
    endpoints = ['":endpoint/GCM/RetailBackend-dev-store-fcm/*"', '":endpoint/APNS/RetailBackend-dev-store-apns/*"']
    for action in ("sns:Publish", "sns:DeleteEndpoint"):
        assert sorted(r.rsplit(", ", 1)[-1].rstrip("]}") for r in _allows(statements, action)) == sorted(endpoints)
    (connections,) = _allows(statements, "execute-api:ManageConnections")
    assert synthesized.api_id("WEBSOCKET") in connections
    assert connections.endswith('"/live/*/@connections/*"]]}')


@pytest.mark.parametrize("spec", [fn for fn in TOPOLOGY.functions if fn.manages_devices], ids=lambda fn: fn.name)
def test_device_managers_touch_only_the_store_platform_applications(synthesized: Synthesized,
                                                                   spec: Function) -> None:
    statements = _statements(synthesized, spec.name)
    apps = sorted(r.rsplit(", ", 1)[-1] for r in _allows(statements, "sns:CreatePlatformEndpoint"))
    assert apps == ['":app/APNS/RetailBackend-dev-store-apns"]]}', '":app/GCM/RetailBackend-dev-store-fcm"]]}']
    for action in ("sns:DeleteEndpoint", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes"):
        assert all(":endpoint/" in r for r in _allows(statements, action)), action
        assert len(_allows(statements, action)) == 2, action


def test_sms_senders_cannot_publish_to_topics(synthesized: Synthesized) -> None:
    for spec in (fn for fn in TOPOLOGY.functions if fn.sends_messages):
        denied = [s for s in _statements(synthesized, spec.name) if s["Effect"] == "Deny"]
        assert [s["Action"] for s in denied] == ["sns:Publish"], spec.name
        ses = next(s for s in _statements(synthesized, spec.name) if "ses:SendEmail" in s["Action"])
        assert "ses:FromAddress" in ses["Condition"]["StringEquals"]


def test_roles_have_no_managed_policies_and_no_wildcard_actions(synthesized: Synthesized) -> None:
    for name, (_, fn) in synthesized.functions_by_service().items():
        role_id = get_att_id(fn["Properties"]["Role"])
        assert not synthesized.resources[role_id]["Properties"].get("ManagedPolicyArns"), name
        assert not [a for a in actions_of(synthesized.role_statements(role_id)) if a.endswith("*")], name


def test_table_access_names_the_indexes_instead_of_a_wildcard(synthesized: Synthesized) -> None:
    for name in synthesized.functions_by_service():
        for statement in _statements(synthesized, name):
            assert "/index/*" not in str(statement["Resource"]), name
