"""Alarms that reach someone, and a dashboard of the business flow.

One KMS-encrypted SNS topic per stage (e-mail subscription from context ``alarm_email``);
every alarm of the stack notifies it on ALARM and on OK, including alarms made elsewhere (an
aspect adds the actions), so a new alarm cannot be silent. What each alarm means and what to
do about it: docs/runbook.md (the alarm descriptions point there).
"""

from __future__ import annotations

import jsii
from aws_cdk import Aspects, Duration, IAspect, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

from infra.constructs.functions import METRICS_NAMESPACE
from infra.constructs.nag import acknowledge_serverless
from infra.topology import Topology

RUNBOOK = "docs/runbook.md"
# The order events that mark a state (events/contracts.py), as the stream publisher counts them.
ORDER_STATES = ("OrderPlaced", "OrderAccepted", "OrderPickingStarted", "OrderReadyForPickup", "OrderCollected",
                "OrderCancelled", "OrderNotCollected")
FIVE_MINUTES = Duration.minutes(5)
# Thresholds, each with why. Errors and throttles: any is worth a look (bad input is a 4xx, not an error).
QUEUE_AGE_SECONDS = 15 * 60  # a consumer that keeps nothing moving for 15 min is stuck, not busy
API_5XX_PER_5_MINUTES = 5  # a single 5xx pages nobody; five in five minutes is a pattern
API_P99_MS = 3000  # the webshop's stock and hold calls must answer well within this
ITERATOR_AGE_MS = 10 * 60 * 1000  # stream records expire after 24 h: act long before that
# The item operations the code calls (DynamoDB reports throttles and system errors per operation).
TABLE_OPERATIONS = (dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM,
                    dynamodb.Operation.DELETE_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.BATCH_GET_ITEM,
                    dynamodb.Operation.TRANSACT_WRITE_ITEMS)


@jsii.implements(IAspect)
class NotifyOnEveryAlarm:
    """Adds the topic as ALARM and OK action to every alarm in scope (once each)."""

    def __init__(self, topic: sns.ITopic) -> None:
        self._action = actions.SnsAction(topic)
        self._done: set[str] = set()

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cloudwatch.Alarm) and node.node.path not in self._done:
            self._done.add(node.node.path)
            node.add_alarm_action(self._action)
            node.add_ok_action(self._action)


def _business(metric_name: str, service: str, label: str | None = None) -> cloudwatch.Metric:
    """A Powertools metric (namespace RetailBackend, dimension service=<function name>), summed."""
    return cloudwatch.Metric(namespace=METRICS_NAMESPACE, metric_name=metric_name,
                             dimensions_map={"service": service}, statistic="Sum", period=FIVE_MINUTES,
                             label=label or metric_name)


class RetailMonitoring(Construct):
    """The stage's alarm topic, the alarms the stack lacked, and the business dashboard."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topology: Topology,
        stage: str,
        alarm_email: str | None,
        functions: dict[str, lambda_.Function],
        queues: dict[str, sqs.Queue],
        dead_letter_queues: dict[str, sqs.Queue],
        table: dynamodb.Table,
        http_api: apigwv2.HttpApi,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.topic = self._topic(stage, alarm_email)
        Aspects.of(stack).add(NotifyOnEveryAlarm(self.topic))
        self.alarms: list[cloudwatch.Alarm] = []
        for name, queue in queues.items():
            self._alarm(f"{name}-age", queue.metric_approximate_age_of_oldest_message(
                period=FIVE_MINUTES, statistic="Maximum"), QUEUE_AGE_SECONDS,
                f"Messages of {name} wait longer than {QUEUE_AGE_SECONDS // 60} min: its consumer is stuck",
                "queue-age")
        for spec in topology.functions:
            fn = functions[spec.name]
            self._alarm(f"{spec.name}-errors", fn.metric_errors(period=FIVE_MINUTES), 0,
                        f"{spec.name} failed (unhandled error or timeout)", "function-errors")
            self._alarm(f"{spec.name}-throttles", fn.metric_throttles(period=FIVE_MINUTES), 0,
                        f"{spec.name} was throttled (account or reserved concurrency)", "function-throttles")
            if spec.table_stream:
                self._alarm(f"{spec.name}-iterator-age",
                            fn.metric("IteratorAge", statistic="Maximum", period=Duration.minutes(1)),
                            ITERATOR_AGE_MS, f"{spec.name} lags the table stream by over "
                            f"{ITERATOR_AGE_MS // 60000} min (records expire after 24 h)", "stream-iterator-age",
                            evaluation_periods=3)
            if spec.schedule_minutes:
                period = Duration.minutes(max(5, 3 * spec.schedule_minutes))
                self._alarm(f"{spec.name}-not-running", fn.metric_invocations(period=period), 1,
                            f"{spec.name} did not run on its schedule (every {spec.schedule_minutes} min)",
                            "schedule-not-running",
                            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                            missing=cloudwatch.TreatMissingData.BREACHING)
        self._alarm("api-5xx", http_api.metric_server_error(period=FIVE_MINUTES), API_5XX_PER_5_MINUTES - 1,
                    f"The HTTP API answered {API_5XX_PER_5_MINUTES} or more 5xx in 5 minutes", "api-5xx")
        self._alarm("api-p99-latency", http_api.metric_latency(period=FIVE_MINUTES, statistic="p99"), API_P99_MS,
                    f"The HTTP API's p99 latency is over {API_P99_MS} ms", "api-p99-latency", evaluation_periods=3)
        operations = list(TABLE_OPERATIONS)
        self._alarm("table-throttles", table.metric_throttled_requests_for_operations(
            operations=operations, period=FIVE_MINUTES), 0, "DynamoDB throttled requests to the table",
            "table-throttles")
        self._alarm("table-system-errors", table.metric_system_errors_for_operations(
            operations=operations, period=FIVE_MINUTES), 0, "DynamoDB answered requests with a 500 (system error)",
            "table-system-errors")
        self.dashboard_name = f"{stack.stack_name}-{stack.region}"
        self.dashboard = self._dashboard(functions, queues, dead_letter_queues, http_api)

    def _topic(self, stage: str, alarm_email: str | None) -> sns.Topic:
        key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True,
                      description=f"Encrypts the {stage} alarm topic")
        # CloudWatch publishes to the encrypted topic as itself: it needs the key.
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        topic = sns.Topic(self, "AlarmTopic", display_name=f"Retail backend {stage} alarms", master_key=key,
                          enforce_ssl=True)
        stack = Stack.of(self)
        topic.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")], actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
        ))
        if alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
            acknowledge_serverless(topic, "SNSRedrivePolicy",
                                   "The alarm e-mail subscription: SNS retries e-mail delivery itself, and a "
                                   "dead-letter queue of undelivered alarm e-mails would be read by nobody; alarms "
                                   "stay visible in CloudWatch and on the dashboard.")
        return topic

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        what: str,
        section: str,
        *,
        evaluation_periods: int = 1,
        comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self, construct_id, metric=metric, threshold=threshold, evaluation_periods=evaluation_periods,
            comparison_operator=comparison, treat_missing_data=missing,
            alarm_description=f"{what}. What to do: {RUNBOOK}#{section}",
        )
        self.alarms.append(alarm)
        return alarm

    def _dashboard(
        self,
        functions: dict[str, lambda_.Function],
        queues: dict[str, sqs.Queue],
        dead_letter_queues: dict[str, sqs.Queue],
        http_api: apigwv2.HttpApi,
    ) -> cloudwatch.Dashboard:
        """Holds, orders, stock facts and messages as the handlers count them; then what is stuck."""
        graph = cloudwatch.GraphWidget
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=self.dashboard_name,
                                         default_interval=Duration.hours(24))
        publisher = "stock-stream-publisher"  # every committed order change passes through it, once
        dashboard.add_widgets(
            graph(title="Holds", width=8, left=[
                _business("ReservationCreated", "reservations-api", "created"),
                _business("ReservationReplayed", "reservations-api", "replayed (same key)"),
                _business("ReservationsExpired", "reservation-sweeper", "expired"),
                _business("ShortfallHoldsEnded", "stock-updates-consumer", "ended by a shortfall")]),
            graph(title="Orders by state (events published)", width=8, left=[
                _business(state, publisher, state.removeprefix("Order")) for state in ORDER_STATES]),
            graph(title="Notifications sent", width=8, left=[
                _business("StorePushes", "store-notifier", "store pushes and feed posts"),
                queues["customer-messages"].metric_number_of_messages_deleted(
                    period=FIVE_MINUTES, label="customer messages handled")]),
        )
        dashboard.add_widgets(
            graph(title="Stock facts", width=8, left=[
                _business("StockChangeApplied", "stock-write-api", "changes (HTTP)"),
                _business("StockEventApplied", "stock-updates-consumer", "events (POS, ERP, WMS)"),
                _business("SaleRecorded", "stock-updates-consumer", "till sales")]),
            graph(title="Dead letters and failures (messages waiting)", width=8, left=[
                queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(1), label=name,
                                                                     statistic="Maximum")
                for name, queue in dead_letter_queues.items()]),
            graph(title="HTTP API", width=8, left=[
                http_api.metric_server_error(period=FIVE_MINUTES, label="5xx"),
                http_api.metric_client_error(period=FIVE_MINUTES, label="4xx")],
                right=[http_api.metric_latency(period=FIVE_MINUTES, statistic="p99", label="p99 latency")]),
        )
        dashboard.add_widgets(cloudwatch.GraphWidget(title="Function errors", width=24, left=[
            fn.metric_errors(period=FIVE_MINUTES, label=name) for name, fn in functions.items()]))
        return dashboard
