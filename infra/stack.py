"""The retail backend as one CloudFormation stack, built entirely from ``infra.topology``.

Nothing here names a route, rule, queue or function: they are read from TOPOLOGY, so the
deployed system and the local runner cannot drift apart.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, Stack
from constructs import Construct

from infra.build_layer import ROOT
from infra.constructs.api import RetailApi
from infra.constructs.data import RetailTable
from infra.constructs.events import RetailEvents
from infra.constructs.feed import StoreFeed
from infra.constructs.functions import RetailFunctions
from infra.constructs.identity import RetailIdentity
from infra.constructs.monitoring import RetailMonitoring
from infra.constructs.nag import acknowledge_wildcard_resources
from infra.constructs.push import PLATFORMS, PushPlatforms
from infra.constructs.site import StoreSite
from infra.stages import StageSettings
from infra.topology import TOPOLOGY, Topology


class RetailStack(Stack):
    """Table, bus, queues, functions, user pool, HTTP API, store feed, push and store app of the backend."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: StageSettings,
        topology: Topology = TOPOLOGY,
        env: Environment | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id, env=env, description=description, stack_name=settings.stack_name,
                         termination_protection=settings.is_prod)
        self.settings = settings
        self.data = RetailTable(self, "Data", spec=topology.table)
        self.events = RetailEvents(self, "Events", topology=topology, bus_name=settings.scoped(topology.bus_name))
        self.compute = RetailFunctions(
            self,
            "Functions",
            topology=topology,
            table=self.data.table,
            bus=self.events.bus,
            queues=self.events.queues,
            sender_email=settings.sender_email,
            message_environment=settings.message_environment,
        )
        # Cognito domain prefixes are global to AWS: by default the stage and the account make it unique.
        domain_prefix = settings.cognito_domain_prefix or f"{settings.scoped('retail')}-{self.account}"
        self.identity = RetailIdentity(self, "Identity", domain_prefix=domain_prefix)
        self.api = RetailApi(
            self,
            "Api",
            topology=topology,
            functions=self.compute.functions,
            user_pool=self.identity.user_pool,
            audiences=[self.identity.web_client, self.identity.machine_client],
            allowed_origins=list(settings.allowed_origins),
        )
        self.feed = StoreFeed(self, "Feed", topology=topology, functions=self.compute.functions)
        self.push = PushPlatforms(self, "Push", credentials_version=settings.push_credentials_version,
                                  secret_prefix=settings.secret_prefix)
        self._wire_store_devices(topology)
        self.site = StoreSite(
            self,
            "StoreApp",
            app_dir=ROOT / topology.store_app_dir,
            config={
                "api": self.api.base_url,
                "feed": self.feed.url,
                "region": self.region,
                "userPoolId": self.identity.user_pool.user_pool_id,
                "clientId": self.identity.web_client.user_pool_client_id,
            },
            connect_sources=[self.api.base_url, self.feed.url],
        )
        self.monitoring = RetailMonitoring(
            self, "Monitoring", topology=topology, stage=settings.stage, alarm_email=settings.alarm_email,
            functions=self.compute.functions, queues=self.events.queues,
            dead_letter_queues={**self.events.dead_letter_queues,
                                **({"stream-publisher-failures": self.compute.stream_failures}
                                   if self.compute.stream_failures else {})},
            table=self.data.table, http_api=self.api.http_api,
        )
        self._outputs()

    def _wire_store_devices(self, topology: Topology) -> None:
        """What the topology's authorizes_websocket, pushes and manages_devices flags ask of a function."""
        issuer = f"https://cognito-idp.{self.region}.{self.url_suffix}/{self.identity.user_pool.user_pool_id}"
        for spec in topology.functions:
            fn = self.compute.functions[spec.name]
            if spec.authorizes_websocket:  # the feed's $connect authorizer verifies the token itself
                fn.add_environment("JWKS_URL", f"{issuer}/.well-known/jwks.json")
                fn.add_environment("JWT_ISSUER", issuer)
                fn.add_environment("JWT_AUDIENCE", self.identity.web_client.user_pool_client_id)
            if spec.pushes:
                fn.add_environment("FEED_ENDPOINT", self.feed.callback_url)
                grant = self.feed.grant_manage_connections(fn)
                acknowledge_wildcard_resources(
                    fn.role or fn, [r for s in grant.principal_statements for r in s.resources],
                    "Connections are opened at run time: the grant is this API's live stage "
                    "(<api>/live/*/@connections/*) and nothing else.")
                self.push.grant_push(fn)
            if spec.manages_devices:
                self.push.grant_manage_devices(fn)

    def _outputs(self) -> None:
        CfnOutput(self, "ApiUrl", value=self.api.url, description="Base URL of the HTTP API")
        CfnOutput(self, "UserPoolId", value=self.identity.user_pool.user_pool_id)
        CfnOutput(self, "WebClientId", value=self.identity.web_client.user_pool_client_id,
                  description="App client for people (SRP sign-in)")
        CfnOutput(self, "IntegrationClientId", value=self.identity.machine_client.user_pool_client_id,
                  description="Client-credentials client for ERP/POS/WMS (secret in Cognito)")
        CfnOutput(self, "TokenEndpoint", value=self.identity.domain.base_url() + "/oauth2/token")
        CfnOutput(self, "EventBusName", value=self.events.bus.event_bus_name)
        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "StoreAppUrl", value=self.site.url, description="The store staff web app (CloudFront)")
        CfnOutput(self, "FeedUrl", value=self.feed.url, description="The store live feed (WebSocket)")
        CfnOutput(self, "AlarmTopicArn", value=self.monitoring.topic.topic_arn,
                  description="Every alarm of this stage notifies this topic (subscribe more endpoints here)")
        CfnOutput(self, "DashboardName", value=self.monitoring.dashboard_name)
        for platform in PLATFORMS:
            CfnOutput(self, f"PushSecret{platform.key.upper()}", value=self.push.secret_names[platform.key],
                      description=f"{platform.sns_platform} credentials: fill in, then deploy with a new "
                                  "-c push_credentials_version")
