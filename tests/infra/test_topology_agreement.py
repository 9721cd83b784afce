"""The template deploys exactly what infra/topology.py declares: routes, auth, rules, queues."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from infra.topology import TOPOLOGY, EventRule, Function, Queue, Route, Table
from tests.infra.synth import Synthesized, get_att_id

pytestmark = pytest.mark.infra

# What the stack knows how to deploy. A new field in the topology fails here first, rather than
# being silently ignored by the stack (teach infra/constructs/ about it, then add it here).
DEPLOYED_FIELDS = {
    Function: {"name", "handler", "description", "routes", "queue", "table_stream", "stream_key_prefixes",
               "table_access", "publishes_events", "schedule_minutes", "sends_messages", "memory_mb",
               "timeout_seconds"},
    Queue: {"name", "batch_size", "max_receive_count", "visibility_timeout_seconds"},
    Table: {"name", "partition_key", "sort_key", "global_indexes", "ttl_attribute", "stream"},
    Route: {"method", "path", "access"},
    EventRule: {"name", "description", "pattern", "queue"},
}


@pytest.mark.parametrize("kind", DEPLOYED_FIELDS, ids=lambda kind: kind.__name__)
def test_stack_knows_every_topology_field(kind: type) -> None:
    assert {f.name for f in dataclasses.fields(kind)} == DEPLOYED_FIELDS[kind]


def _routes(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    found = synthesized.of_type("AWS::ApiGatewayV2::Route").values()
    return {r["Properties"]["RouteKey"]: r["Properties"] for r in found}


def test_route_keys_are_the_topology_routes(synthesized: Synthesized) -> None:
    assert set(_routes(synthesized)) == {route.route_key for route, _ in TOPOLOGY.routes}


def test_public_routes_have_no_authorizer_and_the_others_need_a_jwt(synthesized: Synthesized) -> None:
    routes = _routes(synthesized)
    (authorizer_id,) = synthesized.of_type("AWS::ApiGatewayV2::Authorizer")
    for route, _ in TOPOLOGY.routes:
        props = routes[route.route_key]
        if route.is_public:
            assert props["AuthorizationType"] == "NONE", route.route_key
            assert "AuthorizerId" not in props
        else:
            assert props["AuthorizationType"] == "JWT", route.route_key
            assert props["AuthorizerId"] == {"Ref": authorizer_id}


def test_each_route_reaches_its_topology_function(synthesized: Synthesized) -> None:
    routes = _routes(synthesized)
    integrations = synthesized.of_type("AWS::ApiGatewayV2::Integration")
    functions = synthesized.functions_by_service()
    for route, fn in TOPOLOGY.routes:
        target = routes[route.route_key]["Target"]["Fn::Join"][1][1]["Ref"]  # "integrations/<id>"
        uri = integrations[target]["Properties"]["IntegrationUri"]
        assert get_att_id(uri) == functions[fn.name][0], route.route_key
    assert len(integrations) == len({fn.name for _, fn in TOPOLOGY.routes})  # one integration per function


def test_jwt_authorizer_accepts_both_clients(synthesized: Synthesized) -> None:
    (authorizer,) = synthesized.of_type("AWS::ApiGatewayV2::Authorizer").values()
    audiences = authorizer["Properties"]["JwtConfiguration"]["Audience"]
    assert sorted(a["Ref"] for a in audiences) == sorted(synthesized.of_type("AWS::Cognito::UserPoolClient"))


def _pattern_rules(synthesized: Synthesized) -> list[dict[str, Any]]:
    """Rules that route events (schedule rules have a ScheduleExpression instead)."""
    rules = synthesized.of_type("AWS::Events::Rule").values()
    return [r["Properties"] for r in rules if "EventPattern" in r["Properties"]]


def test_rules_are_the_topology_rules_with_the_same_patterns(synthesized: Synthesized) -> None:
    patterns = [rule["EventPattern"] for rule in _pattern_rules(synthesized)]
    assert sorted(patterns, key=repr) == sorted((rule.pattern for rule in TOPOLOGY.rules), key=repr)
    (bus_id,) = synthesized.of_type("AWS::Events::EventBus")
    assert all(rule["EventBusName"] == {"Ref": bus_id} for rule in _pattern_rules(synthesized))


def test_each_rule_targets_the_queue_its_topology_consumer_reads(synthesized: Synthesized) -> None:
    """Rule -> queue -> event source mapping -> function: the chain the topology declares."""
    rules = {rule["Description"]: rule for rule in _pattern_rules(synthesized)}
    assert len(rules) == len(TOPOLOGY.rules)  # descriptions are unique, so they identify the rules
    for rule in TOPOLOGY.rules:
        (target,) = rules[rule.description]["Targets"]
        queue_id = get_att_id(target["Arn"])
        assert synthesized.resources[queue_id]["Type"] == "AWS::SQS::Queue"
        (mapping,) = synthesized.mappings_of(TOPOLOGY.consumer_of(rule.queue).name)
        assert get_att_id(mapping["EventSourceArn"]) == queue_id
        redrive = synthesized.resources[queue_id]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == TOPOLOGY.queue(rule.queue).max_receive_count
        assert redrive["deadLetterTargetArn"] == target["DeadLetterConfig"]["Arn"]  # undeliverable events too


def test_queue_count(synthesized: Synthesized) -> None:
    stream_failure_queues = 1 if any(fn.table_stream for fn in TOPOLOGY.functions) else 0
    assert len(synthesized.of_type("AWS::SQS::Queue")) == 2 * len(TOPOLOGY.queues) + stream_failure_queues


def test_one_function_per_topology_function(synthesized: Synthesized) -> None:
    assert set(synthesized.functions_by_service()) == {fn.name for fn in TOPOLOGY.functions}
