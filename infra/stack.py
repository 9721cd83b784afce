"""The retail backend as one CloudFormation stack, built entirely from ``infra.topology``.

Nothing here names a route, rule, queue or function: they are read from TOPOLOGY, so the
deployed system and the local runner cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from aws_cdk import CfnOutput, Environment, Stack
from constructs import Construct

from infra.constructs.api import RetailApi
from infra.constructs.data import RetailTable
from infra.constructs.events import RetailEvents
from infra.constructs.functions import DEFAULT_SENDER, RetailFunctions
from infra.constructs.identity import DEFAULT_DOMAIN_PREFIX, RetailIdentity
from infra.topology import TOPOLOGY, Topology


def _origins(value: object) -> list[str]:
    """Context from cdk.json is a list; from ``-c allowed_origins=...`` it is a JSON or comma string."""
    if value is None:
        return ["*"]
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(",")
    assert isinstance(value, Sequence)
    return [str(origin).strip() for origin in value if str(origin).strip()]


class RetailStack(Stack):
    """Table, bus, queues, functions, user pool and HTTP API of the omnichannel retail backend."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topology: Topology = TOPOLOGY,
        env: Environment | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id, env=env, description=description)
        self.data = RetailTable(self, "Data", spec=topology.table)
        self.events = RetailEvents(self, "Events", topology=topology)
        self.compute = RetailFunctions(
            self,
            "Functions",
            topology=topology,
            table=self.data.table,
            bus=self.events.bus,
            queues=self.events.queues,
            sender_email=str(self.node.try_get_context("sender_email") or DEFAULT_SENDER),
        )
        domain_prefix = self.node.try_get_context("cognito_domain_prefix") or DEFAULT_DOMAIN_PREFIX
        self.identity = RetailIdentity(self, "Identity", domain_prefix=str(domain_prefix))
        self.api = RetailApi(
            self,
            "Api",
            topology=topology,
            functions=self.compute.functions,
            user_pool=self.identity.user_pool,
            audiences=[self.identity.web_client, self.identity.machine_client],
            allowed_origins=_origins(self.node.try_get_context("allowed_origins")),
        )
        self._outputs()

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
