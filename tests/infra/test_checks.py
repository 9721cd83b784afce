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
    "AwsSolutions-IAM5[Resource::*]",  # X-Ray, dynamodb:ListStreams and SMS publishing take no resource ARN
    "AwsSolutions-SQS3",  # the stream's on-failure queue is itself a dead-letter destination
    "AwsSolutions-COG2",  # MFA optional
    "AwsSolutions-COG8",  # Essentials feature plan, not Plus
    "AwsSolutions-APIG4",  # routes the topology declares public
}
# Cognito does not exist in the China partition; the stack targets the aws partition.
LINT_REGIONS = [region for region in REGIONS if not region.startswith("cn-")]
# W3005 (redundant DependsOn) is what CDK always writes: a known false positive.
LINT_IGNORED = {"W3005"}


def test_cdk_nag_passes_with_only_the_deliberate_acknowledgments(synthesized: Synthesized) -> None:
    report = synthesized.validation_report()
    violations = [v for plugin in report["pluginReports"] for v in plugin["violations"]]
    assert synthesized.nag_failure is None, json.dumps(violations, indent=1)[:4000]
    (plugin,) = report["pluginReports"]
    assert plugin["pluginName"] == "AwsSolutions"
    assert plugin["conclusion"] == "success"
    suppressed = plugin["suppressedViolations"]
    assert {s["ruleName"] for s in suppressed} == EXPECTED_ACKNOWLEDGED
    assert all(len(s["reason"]) > 40 for s in suppressed)


def test_only_public_routes_skip_authorization(synthesized: Synthesized) -> None:
    (plugin,) = synthesized.validation_report()["pluginReports"]
    acknowledged = {
        c["constructPath"] for s in plugin["suppressedViolations"] if s["ruleName"] == "AwsSolutions-APIG4"
        for c in s["violatingConstructs"]
    }
    routes, logical_id = synthesized.of_type("AWS::ApiGatewayV2::Route"), synthesized.logical_ids()
    public = {route.route_key for route, _ in TOPOLOGY.routes if route.is_public}
    assert {routes[logical_id[path]]["Properties"]["RouteKey"] for path in acknowledged} == public


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


def test_pinned_cli_synthesizes_the_app(tmp_path: Path) -> None:
    """`cdk synth` as a developer runs it: cdk.json's app command, the pinned CLI, no AWS access."""
    env = {
        **os.environ,
        "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CDK_DISABLE_VERSION_CHECK": "true",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    result = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "cdk"), "synth", "--quiet", "--no-notices", "-o", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / f"{STACK_NAME}.template.json").is_file()
