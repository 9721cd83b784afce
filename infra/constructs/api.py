"""The HTTP API: every topology route, JWT-checked unless the topology says it is public."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import jsii
from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.nag import acknowledge
from infra.topology import Topology

THROTTLE = apigwv2.ThrottleSettings(rate_limit=200, burst_limit=400)
# One JSON line per request: enough to trace a call from the client to the function's logs.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "routeKey": "$context.routeKey",
    "path": "$context.path",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "latency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationStatus": "$context.integrationStatus",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "sub": "$context.authorizer.claims.sub",
    "clientId": "$context.authorizer.claims.client_id",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class JsonAccessLogs:
    """IAccessLogSettings is a jsii interface, not a struct: a dict is not accepted for it."""

    def __init__(self, log_group: logs.ILogGroup, fields: Mapping[str, str] = ACCESS_LOG_FIELDS) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)
        self._fields = dict(fields)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(json.dumps(self._fields))


class RetailApi(Construct):
    """HTTP API with CORS, a throttled and logged default stage, and the topology's routes."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topology: Topology,
        functions: dict[str, lambda_.Function],
        user_pool: cognito.UserPool,
        audiences: Sequence[cognito.UserPoolClient],
        allowed_origins: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="Omnichannel retail backend (routes from infra/topology.py)",
            create_default_stage=False,  # created below with throttling and access logs
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=list(allowed_origins),
                allow_methods=[apigwv2.CorsHttpMethod[m] for m in ("GET", "POST", "PUT", "DELETE")],
                allow_headers=["authorization", "content-type", "idempotency-key", "x-correlation-id"],
                expose_headers=["idempotent-replayed", "location"],
            ),
        )
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            auto_deploy=True,
            throttle=THROTTLE,
            access_log_settings=JsonAccessLogs(access_logs),
        )
        self.authorizer = authorizers.HttpUserPoolAuthorizer(
            "CognitoJwt", user_pool, user_pool_clients=list(audiences)
        )
        public = apigwv2.HttpNoneAuthorizer()
        integration_of = {
            name: integrations.HttpLambdaIntegration(f"{name}-integration", fn) for name, fn in functions.items()
        }
        route_settings: dict[str, dict[str, float]] = {}
        for route, fn in topology.routes:
            added = self.http_api.add_routes(
                path=route.path,
                methods=[apigwv2.HttpMethod[route.method]],
                integration=integration_of[fn.name],
                authorizer=public if route.is_public else self.authorizer,
            )
            if route.is_public:
                for http_route in added:
                    acknowledge(http_route, "AwsSolutions-APIG4",
                                f"{route.route_key} is declared public in infra/topology.py (webshop reads, "
                                "no token); the stage is throttled and the handler serves the public view.")
            # Per-route throttles: the stage names each route key, so it must be created after the route.
            route_settings[route.route_key] = {"ThrottlingRateLimit": route.limits.rate,
                                               "ThrottlingBurstLimit": route.limits.burst}
            self.stage.node.add_dependency(*added)
        stage = self.stage.node.default_child
        assert isinstance(stage, apigwv2.CfnStage)
        stage.add_property_override("RouteSettings", route_settings)

    @property
    def url(self) -> str:
        return self.stage.url

    @property
    def base_url(self) -> str:
        """The URL without the trailing slash, for clients that append "/path"."""
        stack = Stack.of(self)
        return f"https://{self.http_api.api_id}.execute-api.{stack.region}.{stack.url_suffix}"
