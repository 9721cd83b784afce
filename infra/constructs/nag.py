"""Deliberate cdk-nag exceptions, each with its reason, recorded on the construct they concern."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

PACK = "AwsSolutions"


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one AWS Solutions finding (e.g. "AwsSolutions-IAM5[Resource::*]") on scope and below."""
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{PACK}::{rule}", reason=reason))
