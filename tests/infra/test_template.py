"""The properties the system relies on are in the template: table, functions, queues, triggers."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match, Template

from infra.topology import TOPOLOGY, Function
from tests.infra.synth import Synthesized, get_att_id

pytestmark = pytest.mark.infra


def test_table_is_on_demand_recoverable_and_streams_both_images(assertions: Template) -> None:
    spec = TOPOLOGY.table
    assertions.resource_count_is("AWS::DynamoDB::Table", 1)
    assertions.has_resource("AWS::DynamoDB::Table", {
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": Match.object_like({
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "TimeToLiveSpecification": {"AttributeName": spec.ttl_attribute, "Enabled": True},
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"SSEEnabled": True},
            "KeySchema": [
                {"AttributeName": spec.partition_key, "KeyType": "HASH"},
                {"AttributeName": spec.sort_key, "KeyType": "RANGE"},
            ],
        }),
    })


def test_table_indexes_are_the_topology_indexes(synthesized: Synthesized) -> None:
    (table,) = synthesized.of_type("AWS::DynamoDB::Table").values()
    indexes = {
        gsi["IndexName"]: tuple(key["AttributeName"] for key in gsi["KeySchema"])
        for gsi in table["Properties"]["GlobalSecondaryIndexes"]
    }
    assert indexes == {name: (pk, sk) for name, pk, sk in TOPOLOGY.table.global_indexes}


@pytest.mark.parametrize("spec", TOPOLOGY.functions, ids=lambda fn: fn.name)
def test_function_runtime_tracing_and_environment(synthesized: Synthesized, spec: Function) -> None:
    _, fn = synthesized.functions_by_service()[spec.name]
    props = fn["Properties"]
    assert props["Runtime"] == "python3.14"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == spec.entry
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_seconds
    assert len(props["Layers"]) == 1
    env = props["Environment"]["Variables"]
    (table_id,) = synthesized.of_type("AWS::DynamoDB::Table")
    (bus_id,) = synthesized.of_type("AWS::Events::EventBus")
    assert env["TABLE_NAME"] == {"Ref": table_id}
    assert env["EVENT_BUS_NAME"] == {"Ref": bus_id}
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "RetailBackend"
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert ("SENDER_EMAIL" in env) is spec.sends_messages


def test_every_function_logs_to_its_own_group_with_a_retention(synthesized: Synthesized) -> None:
    groups = synthesized.of_type("AWS::Logs::LogGroup")
    functions = synthesized.functions_by_service().values()
    used = [fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for _, fn in functions]
    assert len(set(used)) == len(TOPOLOGY.functions)
    assert all(groups[group]["Properties"]["RetentionInDays"] == 30 for group in used)


def test_bus_is_named_from_the_topology_and_archived(assertions: Template) -> None:
    assertions.has_resource_properties("AWS::Events::EventBus", {"Name": TOPOLOGY.bus_name})
    assertions.has_resource_properties("AWS::Events::Archive", {"RetentionDays": 30})


def test_queues_are_encrypted_ssl_only_and_redrive_to_alarmed_dlqs(synthesized: Synthesized) -> None:
    queues = synthesized.of_type("AWS::SQS::Queue")
    assert all(q["Properties"].get("SqsManagedSseEnabled") for q in queues.values())
    redriven = {lid: q["Properties"]["RedrivePolicy"] for lid, q in queues.items()
                if "RedrivePolicy" in q["Properties"]}
    assert sorted(p["maxReceiveCount"] for p in redriven.values()) == sorted(
        q.max_receive_count for q in TOPOLOGY.queues
    )
    alarmed = [alarm["Properties"]["Dimensions"] for alarm in synthesized.of_type("AWS::CloudWatch::Alarm").values()]
    for policy in redriven.values():
        dlq = get_att_id(policy["deadLetterTargetArn"])
        assert [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}] in alarmed
    policies = synthesized.of_type("AWS::SQS::QueuePolicy").values()
    ssl_only = {get_att_id(s["Resource"]) for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]
                if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}}
    assert ssl_only == set(queues)


def test_queue_consumers_report_partial_batch_failures(synthesized: Synthesized) -> None:
    for queue in TOPOLOGY.queues:
        (mapping,) = synthesized.mappings_of(TOPOLOGY.consumer_of(queue.name).name)
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == queue.batch_size


@pytest.mark.parametrize("spec", [fn for fn in TOPOLOGY.functions if fn.table_stream], ids=lambda fn: fn.name)
def test_stream_consumer_sees_its_item_kinds_and_parks_poison_records(synthesized: Synthesized, spec: Function) -> None:
    (stream,) = synthesized.mappings_of(spec.name)
    assert stream["EventSourceArn"] == {"Fn::GetAtt": [next(iter(synthesized.of_type("AWS::DynamoDB::Table"))),
                                                       "StreamArn"]}
    assert stream["StartingPosition"] == "TRIM_HORIZON"
    assert stream["BatchSize"] == 100
    assert stream["BisectBatchOnFunctionError"] is True
    assert stream["MaximumRetryAttempts"] == 3
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    (pattern,) = [json.loads(f["Pattern"]) for f in stream["FilterCriteria"]["Filters"]]
    prefixes = [{"prefix": prefix} for prefix in spec.stream_key_prefixes]
    assert pattern == {"dynamodb": {"Keys": {"pk": {"S": prefixes}}}}
    assert {"prefix": "SKU#"} in prefixes  # stock changes are what the stream publisher is for
    failures = get_att_id(stream["DestinationConfig"]["OnFailure"]["Destination"])
    assert synthesized.resources[failures]["Type"] == "AWS::SQS::Queue"


def test_scheduled_functions_run_at_their_rate(synthesized: Synthesized) -> None:
    functions = synthesized.functions_by_service()
    schedules = {
        get_att_id(r["Properties"]["Targets"][0]["Arn"]): r["Properties"]["ScheduleExpression"]
        for r in synthesized.of_type("AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    }
    expected = {
        functions[fn.name][0]: f"rate({fn.schedule_minutes} minute{'s' if fn.schedule_minutes > 1 else ''})"
        for fn in TOPOLOGY.functions if fn.schedule_minutes
    }
    assert schedules == expected


def test_stage_is_throttled_and_access_logged_as_json(synthesized: Synthesized) -> None:
    (stage,) = synthesized.of_type("AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"
    assert props["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 400, "ThrottlingRateLimit": 200}
    fields = json.loads(props["AccessLogSettings"]["Format"])
    assert {"requestId", "routeKey", "status", "latency"} <= set(fields)


def test_cors_preflight_allows_the_api_methods(synthesized: Synthesized) -> None:
    (api,) = synthesized.of_type("AWS::ApiGatewayV2::Api").values()
    cors = api["Properties"]["CorsConfiguration"]
    assert set(cors["AllowMethods"]) == {"GET", "POST", "PUT", "DELETE"}
    assert cors["AllowOrigins"] == ["*"]


def test_identity_has_the_role_groups_and_both_clients(synthesized: Synthesized) -> None:
    groups = {g["Properties"]["GroupName"] for g in synthesized.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"customer", "staff", "integration", "admin"}
    clients = [c["Properties"] for c in synthesized.of_type("AWS::Cognito::UserPoolClient").values()]
    web = next(c for c in clients if not c.get("GenerateSecret"))
    machine = next(c for c in clients if c.get("GenerateSecret"))
    assert "ALLOW_USER_SRP_AUTH" in web["ExplicitAuthFlows"]
    assert "custom:location_id" not in web.get("WriteAttributes", [])  # staff cannot move themselves
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]
    (pool,) = synthesized.of_type("AWS::Cognito::UserPool").values()
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    attributes = {a["Name"]: a for a in pool["Properties"]["Schema"]}
    assert attributes["location_id"]["AttributeDataType"] == "String"
    assert attributes["location_id"]["Mutable"] is True


def test_outputs(synthesized: Synthesized) -> None:
    assert {"ApiUrl", "UserPoolId", "WebClientId", "IntegrationClientId", "EventBusName", "TableName"} <= set(
        synthesized.template["Outputs"]
    )
