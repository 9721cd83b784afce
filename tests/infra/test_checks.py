"""External judges of the template: cdk-nag, cfn-lint, the pinned CDK CLI; and the code asset."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.helpers import REGIONS

from infra.app import ROOT, STACK_NAME
from infra.topology import TOPOLOGY
from tests.infra.synth import NODE_BIN, Synthesized

pytestmark = pytest.mark.infra

# Deliberate exceptions (reasons live next to the code that makes them); a new one is a decision.
EXPECTED_ACKNOWLEDGED = {
    "AwsSolutions-IAM5[Resource::*]",  # X-Ray, ListStreams, SMS, platform-app management: no resource ARN
    "AwsSolutions-SQS3",  # the stream's on-failure queue is itself a dead-letter destination
    "AwsSolutions-COG2",  # MFA optional
    "AwsSolutions-COG8",  # Essentials feature plan, not Plus
    "AwsSolutions-APIG4",  # routes the topology declares public; the feed's $disconnect
    "AwsSolutions-SMG4",  # push credentials are issued (and rotated) by Google and Apple
    "AwsSolutions-CFR1",  # no geo restriction for the store app
    "AwsSolutions-CFR2",  # no WAF on a static, token-less site
    "AwsSolutions-CFR3",  # no CloudFront logs: they would record ?token= query strings
    "AwsSolutions-CFR4",  # default CloudFront certificate: no minimum TLS version to set
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AmazonAPIGatewayPushToCloudWatchLogs]",  # API Gateway's account logging role (WebSocket access logs)
    # Device endpoints and feed connections exist only at run time: app- and stage-scoped wildcards.
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:"
    "endpoint/GCM/RetailBackend-dev-store-fcm/*]",
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:"
    "endpoint/APNS/RetailBackend-dev-store-apns/*]",
}
# aws-cdk-lib's BucketDeployment handler: its runtime, managed policy and grants are CDK's, acknowledged as
# they are (infra/constructs/site.py), on that handler only.
BUCKET_DEPLOYMENT_RULES = ("AwsSolutions-L1", "AwsSolutions-IAM4[", "AwsSolutions-IAM5[")
# Cognito does not exist in the China partition and CloudFront not in GovCloud: the stack targets
# the aws partition (cdk.json "@aws-cdk/core:target-partitions").
LINT_REGIONS = [region for region in REGIONS if not region.startswith(("cn-", "us-gov-"))]
# W3005 (redundant DependsOn) is what CDK always writes: a known false positive.
LINT_IGNORED = {"W3005"}


def test_cdk_nag_passes_with_only_the_deliberate_acknowledgments(synthesized: Synthesized) -> None:
    report = synthesized.validation_report()
    violations = [v for plugin in report["pluginReports"] for v in plugin["violations"]]
    assert synthesized.nag_failure is None, json.dumps(violations, indent=1)[:4000]
    plugins = {p["pluginName"]: p for p in report["pluginReports"]}
    assert set(plugins) == {"AwsSolutions", "Serverless"}
    plugin = plugins["AwsSolutions"]
    assert plugin["conclusion"] == "success"
    suppressed: dict[str, list[str]] = {}  # rule -> construct paths (a rule may be reported once per construct)
    for s in plugin["suppressedViolations"]:
        suppressed.setdefault(s["ruleName"], []).extend(c["constructPath"] for c in s["violatingConstructs"])
    deployment_only = {name for name, paths in suppressed.items()
                       if all("/Custom::CDKBucketDeployment" in path for path in paths)}
    assert "AwsSolutions-L1" in deployment_only
    assert all(name.startswith(BUCKET_DEPLOYMENT_RULES) for name in deployment_only)
    feed_grants = {name for name in suppressed if _is_feed_connections_grant(name)}
    assert len(feed_grants) == 1
    assert set(suppressed) - deployment_only - feed_grants == EXPECTED_ACKNOWLEDGED
    assert all(len(s["reason"]) > 40 for s in plugin["suppressedViolations"])


# The Serverless pack's findings this stack answers by design (reasons next to the code).
EXPECTED_SERVERLESS = {
    "Serverless-LambdaDLQ",  # synchronous invokers (API Gateway, event source mappings, CloudFormation)
    "Serverless-LambdaEventSourceMappingDestination",  # SQS mappings: the queue's redrive DLQ instead
    "Serverless-SQSRedrivePolicy",  # the dead-letter queues themselves
    "Serverless-EventBusDLQ",  # the sweeper's schedule: the next run makes good a missed one
    "Serverless-LambdaTracing",  # deploy-time custom resources
    "Serverless-LambdaLatestVersion",  # CDK's BucketDeployment handler
}


def test_the_serverless_pack_passes_with_every_finding_acknowledged_for_a_reason(synthesized: Synthesized) -> None:
    (plugin,) = [p for p in synthesized.validation_report()["pluginReports"] if p["pluginName"] == "Serverless"]
    assert plugin["conclusion"] == "success"
    assert plugin["violations"] == []
    assert {s["ruleName"] for s in plugin["suppressedViolations"]} == EXPECTED_SERVERLESS  # dev: no alarm e-mail
    assert all(len(s["reason"]) > 40 for s in plugin["suppressedViolations"])


def _is_feed_connections_grant(name: str) -> bool:
    """execute-api:ManageConnections on this stack's WebSocket API (by logical id), live stage, connections only."""
    return name.startswith("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:"
                           "<AWS::AccountId>:<Feed") and name.endswith(">/live/*/@connections/*]")


def test_only_public_routes_skip_authorization(synthesized: Synthesized) -> None:
    (plugin,) = [p for p in synthesized.validation_report()["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    acknowledged = {
        c["constructPath"] for s in plugin["suppressedViolations"] if s["ruleName"] == "AwsSolutions-APIG4"
        for c in s["violatingConstructs"]
    }
    routes, logical_id = synthesized.of_type("AWS::ApiGatewayV2::Route"), synthesized.logical_ids()
    public = {route.route_key for route, _ in TOPOLOGY.routes if route.is_public}
    # The feed: only $connect may have an authorizer (and has one); later routes run on its connection.
    feed = {key for fn in TOPOLOGY.functions for key in fn.websocket_routes} - {"$connect"}
    assert {routes[logical_id[path]]["Properties"]["RouteKey"] for path in acknowledged} == public | feed


def test_cfn_lint_finds_nothing_but_the_cdk_false_positive(synthesized: Synthesized) -> None:
    matches = lint(json.dumps(synthesized.template), config=ManualArgs(regions=LINT_REGIONS, include_experimental=True))
    found = [f"{m.rule.id} {m.message}" for m in matches if m.rule.id not in LINT_IGNORED]
    assert not found, "\n".join(found)


def test_code_asset_holds_only_the_lambda_code(synthesized: Synthesized) -> None:
    assets = [p for p in synthesized.outdir.glob("asset.*") if (p / "functions").is_dir()]
    (code,) = assets
    top = {p.name for p in code.iterdir()}
    assert top == {"functions", "shared", "events", "infra"}
    assert {p.name for p in (code / "infra").iterdir()} == {"__init__.py", "topology.py"}
    files = [p for p in code.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix == ".pyc" or "__pycache__" in p.parts]
    assert sum(p.stat().st_size for p in files) < 5_000_000


PROD_ARGS = ["-c", "stage=prod", "-c", "allowed_origins=https://shop.example", "-c",
             "sender_email=no-reply@shop.example", "-c", "alarm_email=ops@shop.example"]


@pytest.mark.parametrize("args", [[], PROD_ARGS], ids=["dev", "prod"])
def test_pinned_cli_synthesizes_the_app(tmp_path: Path, args: list[str]) -> None:
    """`cdk synth` as a developer runs it: cdk.json's app command, the pinned CLI, no AWS access."""
    env = {
        **os.environ,
        "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CDK_DISABLE_VERSION_CHECK": "true",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    result = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "cdk"), "synth", "--quiet", "--no-notices", "-o", str(tmp_path), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / f"{STACK_NAME}.template.json").is_file()
