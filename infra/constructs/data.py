"""The single table: keys, indexes, TTL and stream come from the topology."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra.topology import Table


def _key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class RetailTable(Construct):
    """On-demand, recoverable and kept on stack deletion: it holds the stock of record."""

    def __init__(self, scope: Construct, construct_id: str, *, spec: Table) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_key(spec.partition_key),
            sort_key=_key(spec.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=spec.ttl_attribute,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if spec.stream else None,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
        )
        for index_name, pk, sk in spec.global_indexes:
            self.table.add_global_secondary_index(index_name=index_name, partition_key=_key(pk), sort_key=_key(sk))
