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
    # X-Ray keeps no responses or error texts: they can hold a customer's profile or contact
    assert (env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"], env["POWERTOOLS_TRACER_CAPTURE_ERROR"]) == ("false", "false")
    assert ("SENDER_EMAIL" in env) is spec.sends_messages
    if spec.sends_messages:  # the stage's links and review delay (dev: the defaults)
        assert {key: env[key] for key in ("ACCOUNT_URL", "WEBSHOP_URL", "REVIEW_AFTER_DAYS")} == {
            "ACCOUNT_URL": "https://shop.example.nl/account", "WEBSHOP_URL": "https://shop.example.nl",
            "REVIEW_AFTER_DAYS": "7"}
    assert ("CURSOR_SECRET" in env) is bool(spec.routes)  # list cursors are signed with a generated secret
    if spec.routes:
        assert "resolve:secretsmanager" in json.dumps(env["CURSOR_SECRET"])


def test_every_function_logs_to_its_own_group_with_a_retention(synthesized: Synthesized) -> None:
    groups = synthesized.of_type("AWS::Logs::LogGroup")
    functions = synthesized.functions_by_service().values()
    used = [fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for _, fn in functions]
    assert len(set(used)) == len(TOPOLOGY.functions)
    assert all(groups[group]["Properties"]["RetentionInDays"] == 30 for group in used)


def test_bus_is_named_from_the_topology_and_archived(assertions: Template) -> None:
    assertions.has_resource_properties("AWS::Events::EventBus", {"Name": f"{TOPOLOGY.bus_name}-dev"})
    assertions.has_resource_properties("AWS::Events::Archive", {"RetentionDays": 30})


def test_queues_are_encrypted_ssl_only_and_redrive_to_alarmed_dlqs(synthesized: Synthesized) -> None:
    queues = synthesized.of_type("AWS::SQS::Queue")
    assert all(q["Properties"].get("SqsManagedSseEnabled") for q in queues.values())
    redriven = {lid: q["Properties"]["RedrivePolicy"] for lid, q in queues.items()
                if "RedrivePolicy" in q["Properties"]}
    assert sorted(p["maxReceiveCount"] for p in redriven.values()) == sorted(
        q.max_receive_count for q in TOPOLOGY.queues
    )
    alarmed = [alarm["Properties"].get("Dimensions")
               for alarm in synthesized.of_type("AWS::CloudWatch::Alarm").values()]
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


@pytest.mark.parametrize(("protocol", "stage_name"), [("HTTP", "$default"), ("WEBSOCKET", "live")])
def test_stages_are_throttled_and_access_logged_as_json(synthesized: Synthesized, protocol: str,
                                                        stage_name: str) -> None:
    (stage,) = synthesized.of_api("AWS::ApiGatewayV2::Stage", protocol).values()
    props = stage["Properties"]
    assert props["StageName"] == stage_name
    assert props["AutoDeploy"] is True
    assert props["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 400, "ThrottlingRateLimit": 200}
    fields = json.loads(props["AccessLogSettings"]["Format"])
    assert {"requestId", "routeKey", "status", "latency"} <= set(fields)
    assert get_att_id(props["AccessLogSettings"]["DestinationArn"]) in synthesized.of_type("AWS::Logs::LogGroup")


def test_websocket_access_logs_can_be_written(synthesized: Synthesized) -> None:
    """WebSocket stages log through the account's API Gateway CloudWatch role: set it before the stage."""
    (account_id, account), = synthesized.of_type("AWS::ApiGateway::Account").items()
    role = synthesized.resources[get_att_id(account["Properties"]["CloudWatchRoleArn"])]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"}
    (stage,) = synthesized.of_api("AWS::ApiGatewayV2::Stage", "WEBSOCKET").values()
    assert account_id in stage.get("DependsOn", [])


def test_cors_preflight_allows_the_api_methods(synthesized: Synthesized) -> None:
    api = synthesized.resources[synthesized.api_id("HTTP")]
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
    assert {"ApiUrl", "UserPoolId", "WebClientId", "IntegrationClientId", "EventBusName", "TableName",
            "StoreAppUrl", "FeedUrl", "PushSecretFCM", "PushSecretAPNS"} <= set(synthesized.template["Outputs"])


# --- store devices: live feed, push, store app ---------------------------------------------------------------


def _env(synthesized: Synthesized, name: str) -> dict[str, object]:
    _, fn = synthesized.functions_by_service()[name]
    return dict(fn["Properties"]["Environment"]["Variables"])


def _web_client_id(synthesized: Synthesized) -> str:
    clients = synthesized.of_type("AWS::Cognito::UserPoolClient")
    (web,) = [lid for lid, c in clients.items() if not c["Properties"].get("GenerateSecret")]
    return web


@pytest.mark.parametrize("spec", [fn for fn in TOPOLOGY.functions if fn.authorizes_websocket],
                         ids=lambda fn: fn.name)
def test_feed_authorizer_verifies_tokens_of_the_user_pool(synthesized: Synthesized, spec: Function) -> None:
    env = _env(synthesized, spec.name)
    (pool_id,) = synthesized.of_type("AWS::Cognito::UserPool")
    issuer = json.dumps(env["JWT_ISSUER"])
    assert issuer.startswith('{"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}')
    assert json.dumps({"Ref": pool_id}) in issuer
    assert json.dumps(env["JWKS_URL"]).endswith('"/.well-known/jwks.json"]]}')
    assert env["JWT_AUDIENCE"] == {"Ref": _web_client_id(synthesized)}


@pytest.mark.parametrize("spec", [fn for fn in TOPOLOGY.functions if fn.pushes], ids=lambda fn: fn.name)
def test_pushers_post_to_the_feed_stage(synthesized: Synthesized, spec: Function) -> None:
    endpoint = json.dumps(_env(synthesized, spec.name)["FEED_ENDPOINT"])
    assert endpoint.startswith(f'{{"Fn::Join": ["", ["https://", {{"Ref": "{synthesized.api_id("WEBSOCKET")}"}}')
    assert endpoint.endswith('"/live"]]}')


@pytest.mark.parametrize("spec", [fn for fn in TOPOLOGY.functions if fn.manages_devices], ids=lambda fn: fn.name)
def test_device_managers_know_the_platform_applications(synthesized: Synthesized, spec: Function) -> None:
    env = _env(synthesized, spec.name)
    assert json.dumps(env["PLATFORM_APP_FCM_ARN"]).endswith(':app/GCM/RetailBackend-dev-store-fcm"]]}')
    assert json.dumps(env["PLATFORM_APP_APNS_ARN"]).endswith(':app/APNS/RetailBackend-dev-store-apns"]]}')


def test_platform_applications_are_made_from_the_push_secrets(synthesized: Synthesized) -> None:
    secrets = {lid: s for lid, s in synthesized.of_type("AWS::SecretsManager::Secret").items()
               if "GenerateSecretString" not in s["Properties"]}  # not the cursor signing key
    assert {s["Properties"]["Name"] for s in secrets.values()} == {"retail/dev/push/fcm", "retail/dev/push/apns"}
    assert all("placeholder" in json.loads(s["Properties"]["SecretString"]) for s in secrets.values())
    apps = [r["Properties"] for r in synthesized.of_type("Custom::SnsPlatformApplication").values()]
    assert sorted((a["Platform"], a["Name"]) for a in apps) == [
        ("APNS", "RetailBackend-dev-store-apns"), ("GCM", "RetailBackend-dev-store-fcm")]
    assert {a["SecretArn"]["Ref"] for a in apps} == set(secrets)
    assert "resolve:secretsmanager" not in json.dumps(apps)  # CloudFormation does not resolve them here
    (handler,) = {get_att_id(a["ServiceToken"]) for a in apps}
    props = synthesized.resources[handler]["Properties"]
    assert props["Runtime"] == "python3.14"
    assert props["Handler"] == "platform_app_handler.handler"


def test_store_app_bucket_is_private_encrypted_and_logged(synthesized: Synthesized) -> None:
    buckets = synthesized.of_type("AWS::S3::Bucket")
    assert len(buckets) == 2  # the site and its access logs
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True}
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    (site_id,) = [lid for lid, b in buckets.items() if "LoggingConfiguration" in b["Properties"]]
    policies = [p["Properties"] for p in synthesized.of_type("AWS::S3::BucketPolicy").values()]
    site_policy = next(p for p in policies if p["Bucket"] == {"Ref": site_id})
    statements = site_policy["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
               for s in statements)
    readers = [s for s in statements if s["Effect"] == "Allow" and "s3:GetObject" in s["Action"]]
    assert [s["Principal"] for s in readers] == [{"Service": "cloudfront.amazonaws.com"}]
    assert "AWS:SourceArn" in json.dumps(readers[0]["Condition"])  # this distribution only


def test_store_app_distribution_uses_oac_https_and_security_headers(synthesized: Synthesized) -> None:
    (distribution,) = synthesized.of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    (origin,) = config["Origins"]
    (oac_id,) = synthesized.of_type("AWS::CloudFront::OriginAccessControl")
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    (headers_id, headers), = synthesized.of_type("AWS::CloudFront::ResponseHeadersPolicy").items()
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": headers_id}
    security = headers["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    csp = json.dumps(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert "default-src 'none'" in csp
    assert synthesized.api_id("HTTP") in csp
    assert synthesized.api_id("WEBSOCKET") in csp


def test_store_app_is_deployed_with_its_config(synthesized: Synthesized) -> None:
    (deployment,) = synthesized.of_type("Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    buckets = synthesized.of_type("AWS::S3::Bucket")
    (site_id,) = [lid for lid, b in buckets.items() if "LoggingConfiguration" in b["Properties"]]
    assert props["DestinationBucketName"] == {"Ref": site_id}
    assert props["DistributionPaths"] == ["/*"]
    assert len(props["SourceObjectKeys"]) == 2  # the app folder and config.json
    markers = json.dumps(props["SourceMarkers"])
    for expected in (synthesized.api_id("HTTP"), synthesized.api_id("WEBSOCKET"), '\\"wss://',
                     next(iter(synthesized.of_type("AWS::Cognito::UserPool"))), _web_client_id(synthesized)):
        assert expected in markers, expected
    assert '"/live\\""' in markers
