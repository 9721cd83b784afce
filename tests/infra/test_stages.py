"""One deployment per stage: prod refuses to synthesize without its settings, and the names
that must be unique in an account (or in AWS) differ between dev and prod."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest

from infra.app import ROOT
from infra.stages import StageSettingsError, stage_settings
from tests.infra.conftest import PROD_CONTEXT
from tests.infra.synth import NODE_BIN, Synthesized, build_app

pytestmark = pytest.mark.infra


def _context(values: dict[str, Any]) -> Any:
    return values.get


def test_dev_is_the_default_with_the_cdk_json_defaults() -> None:
    dev = {"stages": {"dev": {"allowed_origins": ["*"], "sender_email": "no-reply@retail.example"}}}
    settings = stage_settings(_context(dev))
    assert (settings.stage, settings.allowed_origins, settings.alarm_email) == ("dev", ("*",), None)
    assert settings.stack_name == "RetailBackend-dev"


def test_customer_messages_links_and_review_delay_are_set_per_deployment() -> None:
    given = {"stage": "dev", "account_url": "https://winkel.example/mijn", "review_after_days": "10",
             "stages": {"dev": {"webshop_url": "https://winkel.example"}}}
    settings = stage_settings(_context(given))
    assert settings.message_environment == {"ACCOUNT_URL": "https://winkel.example/mijn",
                                            "WEBSHOP_URL": "https://winkel.example", "REVIEW_AFTER_DAYS": "10"}


@pytest.mark.parametrize("missing", ["allowed_origins", "sender_email", "alarm_email"])
def test_prod_names_each_missing_setting(missing: str) -> None:
    given = {key: value for key, value in PROD_CONTEXT.items() if key != missing}
    with pytest.raises(StageSettingsError, match=f"stage prod needs {missing}: pass -c {missing}=..."):
        stage_settings(_context(given))


def test_prod_ignores_the_dev_defaults_and_refuses_wildcard_origins_and_placeholders() -> None:
    dev_defaults = {"stages": {"dev": {"allowed_origins": ["*"], "sender_email": "no-reply@retail.example"}}}
    with pytest.raises(StageSettingsError, match="allowed_origins, sender_email, alarm_email"):
        stage_settings(_context({**dev_defaults, "stage": "prod"}))
    with pytest.raises(StageSettingsError, match="not \\*"):
        stage_settings(_context({**PROD_CONTEXT, "allowed_origins": "*"}))
    with pytest.raises(StageSettingsError, match="sender_email must be a real e-mail address"):
        stage_settings(_context({**PROD_CONTEXT, "sender_email": "no-reply@retail.example"}))
    with pytest.raises(StageSettingsError, match="unknown stage 'staging'"):
        stage_settings(_context({"stage": "staging"}))


def test_prod_refuses_to_synthesize_without_its_settings(tmp_path: Any) -> None:
    with pytest.raises(StageSettingsError, match="stage prod needs allowed_origins, sender_email, alarm_email"):
        build_app(str(tmp_path), context={"stage": "prod"})
    assert not list(tmp_path.iterdir())  # nothing synthesized


def _named(synthesized: Synthesized) -> dict[str, Any]:
    (bus,) = synthesized.of_type("AWS::Events::EventBus").values()
    (domain,) = synthesized.of_type("AWS::Cognito::UserPoolDomain").values()
    secrets = sorted(s["Properties"]["Name"] for s in synthesized.of_type("AWS::SecretsManager::Secret").values()
                     if "Name" in s["Properties"])
    apps = sorted(a["Properties"]["Name"] for a in synthesized.of_type("Custom::SnsPlatformApplication").values())
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    return {"bus": bus["Properties"]["Name"], "domain": domain["Properties"]["Domain"], "secrets": secrets,
            "apps": apps, "dashboard": dashboard["Properties"]["DashboardName"]}


def test_stage_scoped_names_differ_between_dev_and_prod(synthesized: Synthesized,
                                                        synthesized_prod: Synthesized) -> None:
    dev, prod = _named(synthesized), _named(synthesized_prod)
    assert dev["bus"] == "retail-dev" and prod["bus"] == "retail-prod"
    assert dev["secrets"] == ["retail/dev/push/apns", "retail/dev/push/fcm"]
    assert prod["secrets"] == ["retail/prod/push/apns", "retail/prod/push/fcm"]
    assert prod["apps"] == ["RetailBackend-prod-store-apns", "RetailBackend-prod-store-fcm"]
    for key in dev:
        assert dev[key] != prod[key], key
    # The Cognito domain prefix is global to AWS: stage and account make it unique.
    assert dev["domain"] == {"Fn::Join": ["", ["retail-dev-", {"Ref": "AWS::AccountId"}]]}


def test_prod_uses_its_settings(synthesized_prod: Synthesized) -> None:
    api = synthesized_prod.resources[synthesized_prod.api_id("HTTP")]
    assert api["Properties"]["CorsConfiguration"]["AllowOrigins"] == ["https://shop.example",
                                                                      "https://www.shop.example"]
    env = synthesized_prod.functions_by_service()["customer-notifier"][1]["Properties"]["Environment"]
    assert env["Variables"]["SENDER_EMAIL"] == "no-reply@shop.example"
    (subscription,) = synthesized_prod.of_type("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "ops@shop.example"


def test_prod_is_termination_protected_and_nag_clean(synthesized: Synthesized, synthesized_prod: Synthesized) -> None:
    assert synthesized_prod.nag_failure is None
    manifest = synthesized_prod.manifest()
    assert manifest["stackName"] == "RetailBackend-prod"
    assert manifest["terminationProtection"] is True
    assert synthesized.manifest()["stackName"] == "RetailBackend-dev"
    assert not synthesized.manifest().get("terminationProtection")


def test_the_cli_says_what_prod_is_missing(tmp_path: Any) -> None:
    """`cdk synth -c stage=prod` without its settings: one line naming them, no traceback, exit 1."""
    env = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "CDK_DISABLE_VERSION_CHECK": "true", "CDK_DISABLE_CLI_TELEMETRY": "true"}
    result = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "cdk"), "synth", "--quiet", "--no-notices", "-o", str(tmp_path),
         "-c", "stage=prod", "-c", "sender_email=no-reply@shop.example"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode != 0
    assert ("cdk synth: stage prod needs allowed_origins, alarm_email: pass -c allowed_origins=... "
            "-c alarm_email=...") in result.stderr
    assert "Traceback" not in result.stderr
