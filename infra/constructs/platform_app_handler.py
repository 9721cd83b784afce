"""Custom resource handler: one SNS platform application (FCM or APNs) from a Secrets Manager secret.

CloudFormation has no resource type for SNS platform applications, and it does not resolve
``{{resolve:secretsmanager:...}}`` references in custom resource properties, so this handler
reads the credentials itself. It is deployed from this one file (infra/constructs/push.py) and
uses nothing but boto3 from the Lambda runtime.

Properties: Name, Platform (GCM | APNS), SecretArn, CredentialsVersion (only there so that
raising it makes CloudFormation call again, e.g. after ops filled in or rotated the secret).

The secret is JSON. Until ops fill it in it holds {"placeholder": ...}; SNS checks credentials
when an application is created, so it is then not created and the physical id is
"pending:<name>". FCM: the Firebase service account JSON as is (a legacy server key as a plain
string works too). APNs: {"certificate": <PEM>, "privateKey": <PEM>}.
"""

from __future__ import annotations

import contextlib
import json
import urllib.request
from typing import Any

PENDING = "pending:"


def credentials(platform: str, secret_string: str) -> dict[str, str] | None:
    """The platform application attributes from the secret; None while it is a placeholder."""
    try:
        value = json.loads(secret_string)
    except ValueError:
        value = None  # a legacy FCM server key is a plain string
    if isinstance(value, dict) and "placeholder" in value:
        return None
    if platform == "APNS":
        if not isinstance(value, dict) or not {"certificate", "privateKey"} <= set(value):
            raise ValueError("the APNs secret must be JSON with 'certificate' and 'privateKey' (PEM)")
        return {"PlatformPrincipal": str(value["certificate"]), "PlatformCredential": str(value["privateKey"])}
    return {"PlatformCredential": secret_string}


def apply(event: dict[str, Any], sns: Any, secrets: Any) -> str:
    """Carries out the request; returns the physical id (the application's ARN once it exists)."""
    props = event["ResourceProperties"]
    current = str(event.get("PhysicalResourceId") or "")
    exists = current.startswith("arn:")
    if event["RequestType"] == "Delete":
        if exists:
            with contextlib.suppress(sns.exceptions.NotFoundException):
                sns.delete_platform_application(PlatformApplicationArn=current)
        return current
    secret = secrets.get_secret_value(SecretId=props["SecretArn"])["SecretString"]
    attributes = credentials(props["Platform"], secret)
    if attributes is None:
        return current if exists else PENDING + props["Name"]
    old = event.get("OldResourceProperties") or {}
    if exists and (old.get("Name"), old.get("Platform")) == (props["Name"], props["Platform"]):
        sns.set_platform_application_attributes(PlatformApplicationArn=current, Attributes=attributes)
        return current
    # Created (or renamed: CloudFormation then deletes the old one, by its old physical id).
    created = sns.create_platform_application(Name=props["Name"], Platform=props["Platform"], Attributes=attributes)
    return str(created["PlatformApplicationArn"])


def handler(event: dict[str, Any], context: Any) -> None:
    import boto3

    physical = str(event.get("PhysicalResourceId") or f"failed:{event['LogicalResourceId']}")
    status, reason = "SUCCESS", ""
    try:
        physical = apply(event, boto3.client("sns"), boto3.client("secretsmanager"))
    except Exception as error:  # CloudFormation must always get an answer, or it waits for an hour
        status, reason = "FAILED", f"{type(error).__name__}: {error}"[:1000]
    print(json.dumps({"request": event["RequestType"], "status": status, "physicalId": physical, "reason": reason}))
    respond(event, status, physical, reason, getattr(context, "log_stream_name", ""))


def respond(event: dict[str, Any], status: str, physical: str, reason: str, log_stream: str) -> None:
    body = json.dumps({
        "Status": status,
        "Reason": reason or f"See CloudWatch log stream {log_stream}",
        "PhysicalResourceId": physical,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Arn": physical if physical.startswith("arn:") else ""},
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"content-type": "", "content-length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
