"""Push to store devices: the SNS platform applications for FCM and APNs, their credentials in
Secrets Manager, and the grants of the functions that register devices and push to them.

SNS platform applications have no CloudFormation type; a small custom resource
(``platform_app_handler.py``) creates them from the secrets. The secrets start as placeholders
for ops to fill in; the applications are created by the first deploy after that in which the
context value ``push_credentials_version`` changed (see the handler's docstring).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import ArnFormat, CustomResource, Duration, SecretValue, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.constructs.functions import ARCHITECTURE, RUNTIME
from infra.constructs.nag import (
    acknowledge,
    acknowledge_any_resource,
    acknowledge_serverless,
    acknowledge_wildcard_resources,
)

HANDLER_FILE = Path(__file__).with_name("platform_app_handler.py")


@dataclass(frozen=True)
class Platform:
    key: str  # construct ids and names
    sns_platform: str  # SNS's name for it
    env: str  # the env var that carries the application's ARN
    secret_suffix: str  # the secret is <stage prefix>/<suffix>, e.g. retail/prod/push/fcm
    placeholder: str


PLATFORMS = (
    Platform("fcm", "GCM", "PLATFORM_APP_FCM_ARN", "push/fcm",
             "Replace this whole value with the Firebase service account JSON (FCM HTTP v1)."),
    Platform("apns", "APNS", "PLATFORM_APP_APNS_ARN", "push/apns",
             'Replace with {"certificate": "<PEM>", "privateKey": "<PEM>"} of the APNs certificate.'),
)


class PushPlatforms(Construct):
    """One secret and one platform application per push platform (FCM, APNs)."""

    def __init__(self, scope: Construct, construct_id: str, *, secret_prefix: str,
                 credentials_version: str = "1") -> None:
        """``secret_prefix``: the stage's, e.g. retail/prod (secrets retail/prod/push/fcm, ...)."""
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.handler = self._handler()
        self.secrets: dict[str, secretsmanager.Secret] = {}
        self.application_arns: dict[str, str] = {}
        self.secret_names: dict[str, str] = {}
        self.endpoint_arns: list[str] = []
        for platform in PLATFORMS:
            name = f"{stack.stack_name}-store-{platform.key}"
            self.secret_names[platform.key] = f"{secret_prefix}/{platform.secret_suffix}"
            # The initial value is a placeholder that CloudFormation writes once; ops overwrite it.
            # Never change it here: a changed template value would overwrite ops' credentials.
            secret = secretsmanager.Secret(
                self,
                f"{platform.key}-credentials",
                secret_name=self.secret_names[platform.key],
                description=f"{platform.sns_platform} push credentials for the store devices (filled in by ops)",
                secret_string_value=SecretValue.unsafe_plain_text(json.dumps({"placeholder": platform.placeholder})),
            )
            acknowledge(secret, "AwsSolutions-SMG4",
                        f"Third-party {platform.sns_platform} credentials issued by Google/Apple: ops rotate them "
                        "there and update this secret (then raise push_credentials_version); AWS cannot rotate them.")
            secret.grant_read(self.handler)
            self.secrets[platform.key] = secret
            CustomResource(
                self,
                f"{platform.key}-application",
                service_token=self.handler.function_arn,
                resource_type="Custom::SnsPlatformApplication",
                properties={
                    "Name": name,
                    "Platform": platform.sns_platform,
                    "SecretArn": secret.secret_arn,
                    "CredentialsVersion": credentials_version,
                },
            )
            self.application_arns[platform.key] = stack.format_arn(
                service="sns", resource="app", resource_name=f"{platform.sns_platform}/{name}",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            )
            self.endpoint_arns.append(stack.format_arn(
                service="sns", resource="endpoint", resource_name=f"{platform.sns_platform}/{name}/*",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            ))

    def _handler(self) -> lambda_.Function:
        log_group = logs.LogGroup(self, "HandlerLogs", retention=logs.RetentionDays.ONE_MONTH)
        role = iam.Role(self, "HandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        description="Creates, updates and deletes the SNS platform applications")
        log_group.grant_write(role)
        # SNS authorizes platform-application management on no resource ARN (the ARN of one that
        # does not exist yet cannot be named), so '*' is the only resource these actions take.
        role.add_to_policy(iam.PolicyStatement(
            actions=["sns:CreatePlatformApplication", "sns:SetPlatformApplicationAttributes",
                     "sns:DeletePlatformApplication"],
            resources=["*"],
        ))
        acknowledge_any_resource(
            role, ["sns:CreatePlatformApplication", "sns:SetPlatformApplicationAttributes",
                   "sns:DeletePlatformApplication"],
            "take no resource ARN; this role is only used by CloudFormation's platform-application resource.")
        handler = lambda_.Function(
            self,
            "Handler",
            description="Custom resource: SNS platform applications (FCM, APNs) from Secrets Manager",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=f"{HANDLER_FILE.stem}.handler",
            code=lambda_.Code.from_asset(str(HANDLER_FILE.parent), exclude=["*", f"!{HANDLER_FILE.name}"]),
            timeout=Duration.seconds(60),
            memory_size=256,
            role=role,
            log_group=log_group,
        )
        acknowledge_serverless(handler, "LambdaDLQ",
                               "A custom-resource handler: CloudFormation invokes it during deployments and waits "
                               "for its answer; a failure fails (and rolls back) the deployment, nothing is lost.")
        acknowledge_serverless(handler, "LambdaTracing",
                               "A custom-resource handler run a few times per deployment; its logs say all there is, "
                               "and tracing would add X-Ray permissions on '*' to its role.")
        return handler

    def grant_manage_devices(self, fn: lambda_.Function) -> None:
        """Register and remove device endpoints; the applications' ARNs in PLATFORM_APP_*_ARN."""
        fn.add_to_role_policy(iam.PolicyStatement(
            actions=["sns:CreatePlatformEndpoint"], resources=list(self.application_arns.values())))
        fn.add_to_role_policy(iam.PolicyStatement(
            actions=["sns:DeleteEndpoint", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes"],
            resources=self.endpoint_arns))
        for platform in PLATFORMS:
            fn.add_environment(platform.env, self.application_arns[platform.key])
        _acknowledge_endpoints(fn, self.endpoint_arns)

    def grant_push(self, fn: lambda_.Function) -> None:
        """Publish to device endpoints, and delete the ones the platform disabled."""
        fn.add_to_role_policy(iam.PolicyStatement(
            actions=["sns:Publish", "sns:DeleteEndpoint"], resources=self.endpoint_arns))
        _acknowledge_endpoints(fn, self.endpoint_arns)


def _acknowledge_endpoints(fn: lambda_.Function, endpoint_arns: list[str]) -> None:
    acknowledge_wildcard_resources(
        fn.role or fn, endpoint_arns,
        "Device endpoints are created at run time, one per registered device: the grant names the store "
        "platform applications (endpoint/<platform>/<application>/*) and no other endpoints or topics.")
