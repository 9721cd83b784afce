"""Creates on the emulator what ``infra/topology.py`` declares, as the CDK stack does on AWS."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from infra.topology import Topology

REGION = "eu-west-1"
ACCOUNT = "123456789012"
SENDER = "no-reply@retail.example"


@dataclass
class Provisioned:
    table_name: str
    stream_arn: str
    bus_name: str
    queue_urls: dict[str, str] = field(default_factory=dict)  # queue name -> url (DLQs too)
    platform_apps: dict[str, str] = field(default_factory=dict)  # env var -> platform application ARN
    rule_names: list[str] = field(default_factory=list)
    user_pool_id: str = ""  # the customers' accounts (env USER_POOL_ID), when a function manages them


def provision(topology: Topology, clients: Any) -> Provisioned:
    """``clients`` is a callable: service name -> boto3 client bound to the emulator."""
    table = topology.table
    ddb = clients("dynamodb")
    attributes = {table.partition_key, table.sort_key}
    for _, pk, sk in table.global_indexes:
        attributes |= {pk, sk}
    created = ddb.create_table(
        TableName=table.name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": table.partition_key, "KeyType": "HASH"},
                   {"AttributeName": table.sort_key, "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        GlobalSecondaryIndexes=[
            {"IndexName": name, "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": pk, "KeyType": "HASH"}, {"AttributeName": sk, "KeyType": "RANGE"}]}
            for name, pk, sk in table.global_indexes
        ],
        StreamSpecification={"StreamEnabled": table.stream, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    ddb.update_time_to_live(TableName=table.name, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": table.ttl_attribute})
    result = Provisioned(table_name=table.name,
                         stream_arn=created["TableDescription"].get("LatestStreamArn", ""),
                         bus_name=topology.bus_name)

    sqs = clients("sqs")
    for queue in topology.queues:
        dlq_url = sqs.create_queue(QueueName=queue.dead_letter_name)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(QueueName=queue.name, Attributes={
            "VisibilityTimeout": str(queue.visibility_timeout_seconds),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                         "maxReceiveCount": str(queue.max_receive_count)}),
        })["QueueUrl"]
        result.queue_urls[queue.name] = url
        result.queue_urls[queue.dead_letter_name] = dlq_url

    events = clients("events")
    events.create_event_bus(Name=topology.bus_name)
    for rule in topology.rules:
        events.put_rule(Name=rule.name, EventBusName=topology.bus_name,
                        EventPattern=json.dumps(rule.pattern), Description=rule.description)
        queue_url = result.queue_urls[rule.queue]
        arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_targets(Rule=rule.name, EventBusName=topology.bus_name,
                           Targets=[{"Id": rule.queue, "Arn": arn}])
        result.rule_names.append(rule.name)
    if any(fn.sends_messages for fn in topology.functions):
        clients("ses").verify_email_identity(EmailAddress=SENDER)
    if any(fn.manages_devices for fn in topology.functions):
        sns = clients("sns")
        for env, platform in (("PLATFORM_APP_FCM_ARN", "GCM"), ("PLATFORM_APP_APNS_ARN", "APNS")):
            result.platform_apps[env] = sns.create_platform_application(
                Name=f"retail-store-devices-{platform.lower()}", Platform=platform,
                Attributes={"PlatformCredential": "local-credential", "PlatformPrincipal": "local-principal"},
            )["PlatformApplicationArn"]
    if any(fn.manages_accounts for fn in topology.functions):
        result.user_pool_id = _user_pool(clients("cognito-idp"))
    return result


def _user_pool(idp: Any) -> str:
    """As infra/constructs/identity.py makes it: sign-in by e-mail, the custom attributes, the role groups."""
    pool = idp.create_user_pool(
        PoolName="retail-local", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"],
        Schema=[{"Name": name, "AttributeDataType": "String", "Mutable": mutable,
                 "StringAttributeConstraints": {"MinLength": "1", "MaxLength": length}}
                for name, mutable, length in (("location_id", True, "64"), ("customer_id", False, "128"))],
    )["UserPool"]["Id"]
    for group in ("admin", "integration", "staff", "customer"):
        idp.create_group(UserPoolId=pool, GroupName=group)
    return str(pool)
