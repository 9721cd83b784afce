"""The store live feed: a WebSocket API whose routes are the topology's ``websocket_routes``.

Browsers cannot set headers on a WebSocket, so the Cognito token comes as ``?token=``: the
topology's ``authorizes_websocket`` function is a Lambda REQUEST authorizer on $connect (the only
route API Gateway lets have one). The store notifier posts to open connections through the
stage's management (callback) URL.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.api import THROTTLE, JsonAccessLogs
from infra.constructs.nag import acknowledge, acknowledge_managed_policies
from infra.topology import Topology

STAGE_NAME = "live"
CONNECT = "$connect"
IDENTITY_SOURCE = "route.request.querystring.token"  # no token: API Gateway answers 401 itself
# What a WebSocket request has ($context.path, protocol and the HTTP authorizer claims do not exist
# here). The query string (it carries the token) is deliberately not logged.
WEBSOCKET_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "routeKey": "$context.routeKey",
    "eventType": "$context.eventType",
    "connectionId": "$context.connectionId",
    "status": "$context.status",
    "latency": "$context.integrationLatency",
    "integrationStatus": "$context.integrationStatus",
    "integrationError": "$context.integrationErrorMessage",
    "error": "$context.error.message",
}


class StoreFeed(Construct):
    """WebSocket API, its throttled and access-logged "live" stage, and the topology's routes."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topology: Topology,
        functions: dict[str, lambda_.Function],
    ) -> None:
        super().__init__(scope, construct_id)
        self.web_socket_api = apigwv2.WebSocketApi(
            self, "WebSocketApi", description="Store live feed (routes from infra/topology.py)"
        )
        self.authorizer = self._authorizer(topology, functions)
        self.routes: dict[str, apigwv2.WebSocketRoute] = {}
        for spec in topology.functions:
            if not spec.websocket_routes:
                continue
            integration = integrations.WebSocketLambdaIntegration(f"{spec.name}-integration", functions[spec.name])
            for route_key in spec.websocket_routes:
                if route_key == CONNECT:
                    if self.authorizer is None:
                        raise ValueError("the feed's $connect needs a function with authorizes_websocket=True")
                    route = self.web_socket_api.add_route(route_key, integration=integration,
                                                          authorizer=self.authorizer)
                else:
                    route = self.web_socket_api.add_route(route_key, integration=integration)
                    acknowledge(route, "AwsSolutions-APIG4",
                                f"{route_key} of the store feed: API Gateway allows an authorizer on $connect only; "
                                "later routes run on a connection that $connect's Lambda authorizer admitted.")
                self.routes[route_key] = route
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.stage = apigwv2.WebSocketStage(
            self,
            "LiveStage",
            web_socket_api=self.web_socket_api,
            stage_name=STAGE_NAME,
            auto_deploy=True,
            throttle=THROTTLE,
            access_log_settings=JsonAccessLogs(access_logs, WEBSOCKET_ACCESS_LOG_FIELDS),
        )
        self.stage.node.add_dependency(self._cloudwatch_role())

    @staticmethod
    def _authorizer(
        topology: Topology, functions: dict[str, lambda_.Function]
    ) -> authorizers.WebSocketLambdaAuthorizer | None:
        found = [spec for spec in topology.functions if spec.authorizes_websocket]
        if len(found) > 1:
            raise ValueError(f"one feed authorizer at most, not {[spec.name for spec in found]}")
        if not found:
            return None
        return authorizers.WebSocketLambdaAuthorizer(
            "FeedAuthorizer", functions[found[0].name], identity_source=[IDENTITY_SOURCE]
        )

    def _cloudwatch_role(self) -> apigw.CfnAccount:
        """Unlike HTTP APIs, WebSocket stages log through the account's API Gateway CloudWatch role:
        without it, creating a logged stage fails ("CloudWatch Logs role ARN must be set in account
        settings"). Retained on stack deletion: other APIs of the account may rely on it."""
        role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="Lets API Gateway write WebSocket access logs (account setting, region-wide)",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        acknowledge_managed_policies(role,
                    "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's account-level "
                    "logging role; API Gateway names the log groups it writes, so no narrower resource is possible.")
        account = apigw.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
        account.apply_removal_policy(RemovalPolicy.RETAIN)
        return account

    @property
    def url(self) -> str:
        """wss://<api>.execute-api.<region>.amazonaws.com/live: what browsers connect to."""
        return self.stage.url

    @property
    def callback_url(self) -> str:
        """https://<api>.execute-api.<region>.amazonaws.com/live: the management API (post_to_connection)."""
        return self.stage.callback_url

    def grant_manage_connections(self, grantee: iam.IGrantable) -> iam.Grant:
        """execute-api:ManageConnections on this stage's connections only."""
        return self.stage.grant_management_api_access(grantee)
