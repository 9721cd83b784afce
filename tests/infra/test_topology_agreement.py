"""The template deploys exactly what infra/topology.py declares: routes, auth, rules, queues."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from infra.topology import TOPOLOGY, EventRule, Function, Queue, Route, Table, Topology
from tests.infra.synth import Synthesized, get_att_id

pytestmark = pytest.mark.infra


def _canonical(pattern: object) -> str:
    """A sort key that does not depend on the order of a pattern's keys (repr does)."""
    return json.dumps(pattern, sort_keys=True)

# What the stack knows how to deploy. A new field in the topology fails here first, rather than
# being silently ignored by the stack (teach infra/constructs/ about it, then add it here).
DEPLOYED_FIELDS = {
    Topology: {"bus_name", "store_app_dir", "table", "functions", "queues", "rules"},
    Function: {"name", "handler", "description", "routes", "queue", "table_stream", "stream_key_prefixes",
               "table_access", "publishes_events", "schedule_minutes", "sends_messages", "websocket_routes",
               "authorizes_websocket", "manages_devices", "manages_accounts", "pushes", "memory_mb",
               "timeout_seconds"},
    Queue: {"name", "batch_size", "max_receive_count", "visibility_timeout_seconds", "max_concurrency"},
    Table: {"name", "partition_key", "sort_key", "global_indexes", "ttl_attribute", "stream"},
    Route: {"method", "path", "access", "throttle"},
    EventRule: {"name", "description", "pattern", "queue"},
}


# Declared but read by nothing (neither the stack nor the local runner): not a deployment concern.


@pytest.mark.parametrize("kind", DEPLOYED_FIELDS, ids=lambda kind: kind.__name__)
def test_stack_knows_every_topology_field(kind: type) -> None:
    assert {f.name for f in dataclasses.fields(kind)} == DEPLOYED_FIELDS[kind]


def _routes(synthesized: Synthesized, protocol: str = "HTTP") -> dict[str, dict[str, Any]]:
    found = synthesized.of_api("AWS::ApiGatewayV2::Route", protocol).values()
    return {r["Properties"]["RouteKey"]: r["Properties"] for r in found}


def test_route_keys_are_the_topology_routes(synthesized: Synthesized) -> None:
    assert set(_routes(synthesized)) == {route.route_key for route, _ in TOPOLOGY.routes}


def test_public_routes_have_no_authorizer_and_the_others_need_a_jwt(synthesized: Synthesized) -> None:
    routes = _routes(synthesized)
    (authorizer_id,) = synthesized.of_api("AWS::ApiGatewayV2::Authorizer", "HTTP")
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
    integrations = synthesized.of_api("AWS::ApiGatewayV2::Integration", "HTTP")
    functions = synthesized.functions_by_service()
    for route, fn in TOPOLOGY.routes:
        target = routes[route.route_key]["Target"]["Fn::Join"][1][1]["Ref"]  # "integrations/<id>"
        uri = integrations[target]["Properties"]["IntegrationUri"]
        assert get_att_id(uri) == functions[fn.name][0], route.route_key
    assert len(integrations) == len({fn.name for _, fn in TOPOLOGY.routes})  # one integration per function


def test_jwt_authorizer_accepts_both_clients(synthesized: Synthesized) -> None:
    (authorizer,) = synthesized.of_api("AWS::ApiGatewayV2::Authorizer", "HTTP").values()
    audiences = authorizer["Properties"]["JwtConfiguration"]["Audience"]
    assert sorted(a["Ref"] for a in audiences) == sorted(synthesized.of_type("AWS::Cognito::UserPoolClient"))


def _pattern_rules(synthesized: Synthesized) -> list[dict[str, Any]]:
    """Rules that route events (schedule rules have a ScheduleExpression instead)."""
    rules = synthesized.of_type("AWS::Events::Rule").values()
    return [r["Properties"] for r in rules if "EventPattern" in r["Properties"]]


def test_rules_are_the_topology_rules_with_the_same_patterns(synthesized: Synthesized) -> None:
    patterns = [rule["EventPattern"] for rule in _pattern_rules(synthesized)]
    assert sorted(patterns, key=_canonical) == sorted((rule.pattern for rule in TOPOLOGY.rules), key=_canonical)
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


def _websocket_routes() -> dict[str, Function]:
    return {key: fn for fn in TOPOLOGY.functions for key in fn.websocket_routes}


def test_the_feed_is_a_websocket_api_with_exactly_the_topology_routes(synthesized: Synthesized) -> None:
    api = synthesized.resources[synthesized.api_id("WEBSOCKET")]["Properties"]
    assert api["RouteSelectionExpression"] == "$request.body.action"
    routes = _routes(synthesized, "WEBSOCKET")
    assert set(routes) == set(_websocket_routes()) == {"$connect", "$disconnect"}


def test_feed_connect_is_authorized_by_the_topology_authorizer(synthesized: Synthesized) -> None:
    routes = _routes(synthesized, "WEBSOCKET")
    (authorizer_id, authorizer), = synthesized.of_api("AWS::ApiGatewayV2::Authorizer", "WEBSOCKET").items()
    props = authorizer["Properties"]
    assert props["AuthorizerType"] == "REQUEST"
    assert props["IdentitySource"] == ["route.request.querystring.token"]
    (spec,) = [fn for fn in TOPOLOGY.functions if fn.authorizes_websocket]
    assert synthesized.functions_by_service()[spec.name][0] in json.dumps(props["AuthorizerUri"])
    assert routes["$connect"]["AuthorizationType"] == "CUSTOM"
    assert routes["$connect"]["AuthorizerId"] == {"Ref": authorizer_id}
    for key in set(routes) - {"$connect"}:  # API Gateway allows an authorizer on $connect only
        assert routes[key]["AuthorizationType"] == "NONE", key


def test_each_websocket_route_reaches_its_topology_function(synthesized: Synthesized) -> None:
    routes = _routes(synthesized, "WEBSOCKET")
    integrations = synthesized.of_api("AWS::ApiGatewayV2::Integration", "WEBSOCKET")
    functions = synthesized.functions_by_service()
    for route_key, fn in _websocket_routes().items():
        target = routes[route_key]["Target"]["Fn::Join"][1][1]["Ref"]
        props = integrations[target]["Properties"]
        assert props["IntegrationType"] == "AWS_PROXY"
        assert functions[fn.name][0] in json.dumps(props["IntegrationUri"]), route_key
        source_arns = [json.dumps(p["Properties"]["SourceArn"]) for p in
                       synthesized.of_type("AWS::Lambda::Permission").values()
                       if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [functions[fn.name][0], "Arn"]}
                       and p["Properties"]["Principal"] == "apigateway.amazonaws.com"]
        assert [arn for arn in source_arns if arn.endswith(f'/*{route_key}"]]}}')], f"{route_key} may not invoke"
