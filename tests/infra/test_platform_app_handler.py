"""The custom resource that makes the SNS platform applications, against moto (no synthesis)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.constructs import platform_app_handler as handler

REGION = "eu-west-1"
APNS = {"certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "privateKey": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    for key, value in {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("sns"), boto3.client("secretsmanager")


def _event(request: str, secret_arn: str, platform: str = "GCM", physical: str | None = None,
           version: str = "1") -> dict[str, Any]:
    props = {"Name": f"shop-{platform.lower()}", "Platform": platform, "SecretArn": secret_arn,
             "CredentialsVersion": version}
    event: dict[str, Any] = {"RequestType": request, "ResourceProperties": props,
                             "StackId": "stack", "RequestId": "req", "LogicalResourceId": "App",
                             "ResponseURL": "https://cloudformation-response.example/x"}
    if physical is not None:
        event["PhysicalResourceId"] = physical
    if request == "Update":
        event["OldResourceProperties"] = {**props, "CredentialsVersion": "0"}
    return event


def _secret(secrets: Any, value: object) -> str:
    return str(secrets.create_secret(Name="retail/push/x", SecretString=json.dumps(value))["ARN"])


def test_placeholder_secret_leaves_the_application_pending(aws: tuple[Any, Any]) -> None:
    sns, secrets = aws
    arn = _secret(secrets, {"placeholder": "fill me in"})
    assert handler.apply(_event("Create", arn), sns, secrets) == "pending:shop-gcm"
    assert sns.list_platform_applications()["PlatformApplications"] == []


def test_filled_in_secret_creates_then_updates_then_deletes(aws: tuple[Any, Any]) -> None:
    sns, secrets = aws
    arn = _secret(secrets, {"placeholder": "fill me in"})
    pending = handler.apply(_event("Create", arn), sns, secrets)
    secrets.put_secret_value(SecretId=arn, SecretString=json.dumps({"type": "service_account"}))
    created = handler.apply(_event("Update", arn, physical=pending, version="2"), sns, secrets)
    assert created == f"arn:aws:sns:{REGION}:123456789012:app/GCM/shop-gcm"
    secrets.put_secret_value(SecretId=arn, SecretString=json.dumps({"type": "service_account", "v": 2}))
    assert handler.apply(_event("Update", arn, physical=created, version="3"), sns, secrets) == created
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=created)["Attributes"]
    assert json.loads(attributes["PlatformCredential"])["v"] == 2
    handler.apply(_event("Delete", arn, physical=created), sns, secrets)
    assert sns.list_platform_applications()["PlatformApplications"] == []
    handler.apply(_event("Delete", arn, physical=pending), sns, secrets)  # nothing was made: nothing to do


def test_apns_takes_certificate_and_key_from_the_secret(aws: tuple[Any, Any]) -> None:
    sns, secrets = aws
    created = handler.apply(_event("Create", _secret(secrets, APNS), "APNS"), sns, secrets)
    assert created.endswith(":app/APNS/shop-apns")
    with pytest.raises(ValueError, match="certificate"):
        handler.credentials("APNS", json.dumps({"privateKey": "x"}))


def test_the_handler_always_answers_cloudformation(aws: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _, secrets = aws
    sent: list[dict[str, Any]] = []

    class Response:
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def read(self) -> bytes:
            return b""

    def urlopen(request: Any, timeout: int) -> Response:
        assert request.get_method() == "PUT"
        sent.append(json.loads(request.data))
        return Response()

    monkeypatch.setattr(handler.urllib.request, "urlopen", urlopen)
    arn = _secret(secrets, {"no": "certificate"})
    handler.handler(_event("Create", arn, "APNS"), None)
    handler.handler(_event("Create", f"arn:aws:secretsmanager:{REGION}:123456789012:secret:gone-AbCdEf"), None)
    secrets.put_secret_value(SecretId=arn, SecretString=json.dumps(APNS))
    handler.handler(_event("Create", arn, "APNS"), None)
    assert [(r["Status"], r["PhysicalResourceId"]) for r in sent] == [
        ("FAILED", "failed:App"), ("FAILED", "failed:App"),
        ("SUCCESS", f"arn:aws:sns:{REGION}:123456789012:app/APNS/shop-apns")]
    assert "certificate" in sent[0]["Reason"]
    assert "MIIE" not in json.dumps(sent)  # credentials never go back to CloudFormation
