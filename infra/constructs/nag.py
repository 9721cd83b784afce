"""Deliberate cdk-nag exceptions, each with its reason, recorded on the construct they concern."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, cast

import jsii
from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct, IValidation

PACK = "AwsSolutions"
SERVERLESS = "Serverless"


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one AWS Solutions finding (e.g. "AwsSolutions-IAM5[Resource::*]") on scope and below."""
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{PACK}::{rule}", reason=reason))


def acknowledge_serverless(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one Serverless-pack finding (e.g. "LambdaDLQ") on scope and below."""
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{SERVERLESS}::{SERVERLESS}-{rule}", reason=reason))


def flatten_reference(value: Any) -> str:
    """A resolved CloudFormation value as cdk-nag names it in a finding: arn:<AWS::Partition>:...<Bucket.Arn>/*."""
    if value is None:
        return ""
    if isinstance(value, str):
        return re.sub(r"\$\{", "<", value).replace("}", ">")
    if isinstance(value, dict):
        if "Fn::Join" in value:
            delimiter, items = value["Fn::Join"]
            return str(delimiter).join(flatten_reference(item) for item in items)
        if "Fn::Sub" in value:
            return flatten_reference(value["Fn::Sub"])
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in value:
            return flatten_reference(value["Fn::ImportValue"])
        if "Ref" in value:
            return f"<{flatten_reference(value['Ref'])}>"
    return json.dumps(value, separators=(",", ":"))


def acknowledge_wildcard_resources(scope: IConstruct, resources: Iterable[str], reason: str) -> None:
    """Acknowledge IAM5 for exactly these resource ARNs (tokens allowed) on scope, and nothing else."""
    stack = Stack.of(scope)
    for resource in resources:
        flat = flatten_reference(stack.resolve(resource))
        if "*" in flat:
            acknowledge(scope, f"AwsSolutions-IAM5[Resource::{flat}]", reason)


def wildcard_findings(policy_document: Any) -> list[str]:
    """The IAM5 findings cdk-nag reports for a resolved policy document (wildcard actions and resources)."""
    findings: list[str] = []
    for statement in policy_document.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            if "*" in action:
                findings.append(f"Action::{action}")
        resources = statement.get("Resource", [])
        for resource in resources if isinstance(resources, list) else [resources]:
            flat = flatten_reference(resource)
            if "*" in flat:
                findings.append(f"Resource::{flat}")
    return list(dict.fromkeys(findings))


def acknowledge_managed_policies(role: IConstruct, reason: str) -> None:
    """Acknowledge IAM4 for exactly the AWS managed policies the role has now."""
    stack = Stack.of(role)
    arns = stack.resolve(getattr(role.node.default_child, "managed_policy_arns", None)) or []
    for arn in arns:
        acknowledge(role, f"AwsSolutions-IAM4[Policy::{flatten_reference(arn)}]", reason)


def acknowledge_policy_wildcards(scope: IConstruct, policy_document: Any, reason: str) -> None:
    """Acknowledge IAM5 for exactly the wildcards of this policy document as it is now (for roles CDK owns)."""
    for finding in wildcard_findings(Stack.of(scope).resolve(policy_document)):
        acknowledge(scope, f"AwsSolutions-IAM5[{finding}]", reason)


def any_resource_actions(policy_document: Any) -> set[str]:
    """The actions that Allow statements of a resolved policy document grant on every resource ('*')."""
    found: set[str] = set()
    for statement in policy_document.get("Statement", []):
        resources = statement.get("Resource", [])
        if statement.get("Effect") == "Allow" and "*" in (resources if isinstance(resources, list) else [resources]):
            actions = statement.get("Action", [])
            found.update([actions] if isinstance(actions, str) else actions)
    return found


def acknowledge_any_resource(role: iam.Role, actions: Iterable[str], reason: str) -> None:
    """IAM5[Resource::*] on the role's default policy, for exactly these actions and no others.

    cdk-nag's finding names no statement, so the acknowledgement is scoped to the one policy and a
    validation fails synth when a statement allows any other action on '*': a new wildcard is
    reported, never covered silently by an old acknowledgement.
    """
    allowed = frozenset(actions)
    policy = cast(iam.Policy, role.node.find_child("DefaultPolicy"))
    acknowledge(policy.node.find_child("Resource"), "AwsSolutions-IAM5[Resource::*]",
                f"{', '.join(sorted(allowed))}: {reason}")
    policy.node.add_validation(_OnlyTheseOnAnyResource(policy, allowed))


@jsii.implements(IValidation)
class _OnlyTheseOnAnyResource:
    def __init__(self, policy: iam.Policy, allowed: frozenset[str]) -> None:
        self._policy, self._allowed = policy, allowed

    def validate(self) -> list[str]:
        extra = sorted(any_resource_actions(Stack.of(self._policy).resolve(self._policy.document)) - self._allowed)
        return [f"{self._policy.node.path}: {', '.join(extra)} on '*' is not acknowledged"] if extra else []
