"""Push through SNS platform endpoints (FCM, APNs) and the live feed through API Gateway's
management API (post_to_connection)."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from shared.adapters.aws import client
from shared.devices.model import Device, Platform
from shared.devices.ports import Gone

_APP_ENV = {Platform.FCM: "PLATFORM_APP_FCM_ARN", Platform.APNS: "PLATFORM_APP_APNS_ARN"}


class SnsPushService:
    def create_endpoint(self, platform: Platform, token: str) -> str:
        created = client("sns").create_platform_endpoint(
            PlatformApplicationArn=os.environ[_APP_ENV[platform]], Token=token)
        return str(created["EndpointArn"])

    def delete_endpoint(self, endpoint_arn: str) -> None:
        client("sns").delete_endpoint(EndpointArn=endpoint_arn)

    def push(self, device: Device, title: str, body: str, data: dict[str, str]) -> str:
        if device.platform is Platform.FCM:
            native: dict[str, Any] = {"GCM": json.dumps({"notification": {"title": title, "body": body},
                                                         "data": data, "priority": "high"})}
        else:
            native = {"APNS": json.dumps({"aps": {"alert": {"title": title, "body": body}, "sound": "default"},
                                          **data})}
        sns = client("sns")
        try:
            sent = sns.publish(TargetArn=device.endpoint_arn, MessageStructure="json",
                               Message=json.dumps({"default": f"{title}: {body}", **native}))
        except (sns.exceptions.EndpointDisabledException, sns.exceptions.NotFoundException) as error:
            raise Gone(str(error)) from None
        return str(sent["MessageId"])


class ApiGatewayFeed:
    """Posts to open WebSocket connections; FEED_ENDPOINT is the stage's management URL."""

    def post(self, connection_id: str, payload: dict[str, object]) -> None:
        feed = _feed_client()
        try:
            feed.post_to_connection(ConnectionId=connection_id, Data=json.dumps(payload).encode())
        except feed.exceptions.GoneException:
            raise Gone(connection_id) from None


@cache
def _management_client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session().client("apigatewaymanagementapi", endpoint_url=endpoint)  # type: ignore[call-overload]


def _feed_client() -> Any:
    return _management_client(os.environ["FEED_ENDPOINT"])
