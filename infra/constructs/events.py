"""The event bus, its archive, the queues behind the rules and the rules themselves.

Every queue has a dead-letter queue with an alarm, so a message that keeps failing is
parked and seen rather than retried forever or dropped.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.nag import acknowledge_serverless
from infra.topology import REDELIVERY, Topology

# A dead letter keeps its first enqueue time, so the DLQ must keep messages longer than its source.
# Retentions come from the redelivery window that every consumer's dedupe records outlive.
QUEUE_RETENTION = Duration.days(REDELIVERY.queue_retention_days)
DLQ_RETENTION = Duration.days(REDELIVERY.dead_letter_retention_days)  # the most SQS allows
PATTERN_FIELDS = ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")


def secure_queue(
    scope: Construct,
    construct_id: str,
    *,
    visibility_timeout: Duration | None = None,
    retention_period: Duration | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """A queue encrypted at rest (SQS-managed keys) that refuses plain-HTTP access."""
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=visibility_timeout,
        retention_period=retention_period,
        dead_letter_queue=dead_letter_queue,
    )


def alarm_on_messages(scope: Construct, construct_id: str, queue: sqs.IQueue, what: str) -> cloudwatch.Alarm:
    """Any visible message in a dead-letter or failure queue needs a human."""
    return cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_description=f"{what}: messages are waiting in {queue.node.path}. "
                          "What to do: docs/runbook.md#dead-letters",
        metric=queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
        threshold=0,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )


def event_pattern(pattern: dict[str, object]) -> events.EventPattern:
    """Topology pattern ("detail-type": [...]) to the CDK struct; it renders back to the same JSON."""
    unknown = set(pattern) - set(PATTERN_FIELDS)
    if unknown:
        raise ValueError(f"unsupported event pattern fields: {sorted(unknown)}")
    return events.EventPattern(**{key.replace("-", "_"): value for key, value in pattern.items()})  # type: ignore[arg-type]


class RetailEvents(Construct):
    """Bus + archive, one queue (and DLQ) per topology queue, one rule per topology rule."""

    def __init__(self, scope: Construct, construct_id: str, *, topology: Topology, bus_name: str | None = None) -> None:
        """``bus_name``: the stage's name for the topology's bus (the local runner uses the topology's)."""
        super().__init__(scope, construct_id)
        bus_name = bus_name or topology.bus_name
        self.bus = events.EventBus(self, "Bus", event_bus_name=bus_name)
        # Replayable history of every event on the bus (e.g. after fixing a consumer).
        self.bus.archive(
            "Archive",
            description=f"Events on the {bus_name} bus, replayable for "
                        f"{REDELIVERY.archive_retention_days} days",
            event_pattern=events.EventPattern(account=[Stack.of(self).account]),
            retention=Duration.days(REDELIVERY.archive_retention_days),
        )
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for spec in topology.queues:
            dlq = secure_queue(self, spec.dead_letter_name, retention_period=DLQ_RETENTION)
            self.dead_letter_queues[spec.name] = dlq
            acknowledge_serverless(dlq, "SQSRedrivePolicy",
                                   f"This is the dead-letter queue of {spec.name}: its messages are redriven to "
                                   "their source queue after a fix (docs/runbook.md), never onward.")
            self.queues[spec.name] = secure_queue(
                self,
                spec.name,
                visibility_timeout=Duration.seconds(spec.visibility_timeout_seconds),
                retention_period=QUEUE_RETENTION,
                dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count),
            )
            alarm_on_messages(self, f"{spec.dead_letter_name}-alarm", dlq, f"Dead letters of {spec.name}")
        self.rules: dict[str, events.Rule] = {}
        for rule in topology.rules:
            queue, dlq = self.queues[rule.queue], self.dead_letter_queues[rule.queue]
            # A rule may share its name with the queue it feeds: the id must not (and the ids of the
            # other rules stay as they were, so their logical ids do not change).
            rule_id = f"{rule.name}-rule" if rule.name in self.queues else rule.name
            self.rules[rule.name] = events.Rule(
                self,
                rule_id,
                event_bus=self.bus,
                description=rule.description,
                event_pattern=event_pattern(rule.pattern),
                # Events the bus cannot deliver land in the queue's DLQ, where the alarm sees them.
                targets=[targets.SqsQueue(queue, dead_letter_queue=dlq)],
            )
