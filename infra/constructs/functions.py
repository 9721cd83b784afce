"""The Lambda functions of the topology, each with its own log group, role and triggers.

One code asset (functions/, shared/, events/ and the topology) and one dependency layer
serve every function; what differs per function (memory, timeout, table access, queue,
stream, bus) comes from its topology entry, so permissions follow the declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import ArnFormat, Duration, IgnoreMode, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.build_layer import ROOT, build_layer
from infra.constructs.events import DLQ_RETENTION, alarm_on_messages, secure_queue
from infra.constructs.nag import acknowledge, acknowledge_any_resource, acknowledge_serverless
from infra.topology import Function, Topology

RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64
METRICS_NAMESPACE = "RetailBackend"
INDEX_READ = ("dynamodb:Query",)  # indexes are only queried; nothing scans
DEFAULT_SENDER = "no-reply@retail.example"  # context "sender_email": a verified SES identity

# Git-style patterns, anchored at the repo root: ship the handler code and what it imports,
# nothing else (no venv, layer, tests or the CDK code itself).
CODE_EXCLUDE = [
    "/*",
    "!/functions/",
    "!/shared/",
    "!/events/",
    "!/infra/",
    "/infra/*",
    "!/infra/__init__.py",
    "!/infra/topology.py",
    "__pycache__/",
    "*.pyc",
    ".*",
]


def code_asset(root: Path = ROOT) -> lambda_.Code:
    return lambda_.Code.from_asset(str(root), exclude=CODE_EXCLUDE, ignore_mode=IgnoreMode.GIT)


class RetailFunctions(Construct):
    """Every topology function, wired to the table, bus and queues it declares."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topology: Topology,
        table: dynamodb.Table,
        bus: events.EventBus,
        queues: dict[str, sqs.Queue],
        sender_email: str = DEFAULT_SENDER,
        message_environment: dict[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._topology, self._table, self._bus, self._queues = topology, table, bus, queues
        self._sender_email = sender_email
        self._message_environment = message_environment or {}
        self.code = code_asset()
        self.layer = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(build_layer())),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="requirements.txt (Powertools, pydantic, boto3) for Python 3.14 on arm64",
        )
        # Signs list cursors (HMAC). Generated at deploy and handed to the API functions by a
        # dynamic reference; replacing it only ends the pagings that are open at that moment.
        self.cursor_secret = secretsmanager.Secret(
            self, "CursorSecret", description="Signs the API's list cursors (HMAC-SHA256)",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=48,
                                                                        exclude_punctuation=True))
        acknowledge(self.cursor_secret, "AwsSolutions-SMG4",
                    "A signing key for short-lived list cursors; rotating it would only end open pagings.")
        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self.stream_failures: sqs.Queue | None = None
        for spec in topology.functions:
            self.functions[spec.name] = self._function(spec)

    def _function(self, spec: Function) -> lambda_.Function:
        scope = Construct(self, spec.name)
        log_group = logs.LogGroup(scope, "Logs", retention=logs.RetentionDays.ONE_MONTH)
        # Its own role with no managed policy: only what this function's topology entry needs.
        role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        description=f"Runs {spec.name}")
        log_group.grant_write(role)
        self.roles[spec.name] = role
        fn = lambda_.Function(
            scope,
            "Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.entry,
            code=self.code,
            layers=[self.layer],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
            environment={
                "TABLE_NAME": self._table.table_name,
                "EVENT_BUS_NAME": self._bus.event_bus_name,
                "POWERTOOLS_SERVICE_NAME": spec.name,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                # responses and errors hold personal data (profiles, contacts, exports): never trace metadata
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
                "POWERTOOLS_TRACER_CAPTURE_ERROR": "false",
                **({"SENDER_EMAIL": self._sender_email, **self._message_environment} if spec.sends_messages else {}),
                **({"CURSOR_SECRET": self.cursor_secret.secret_value.unsafe_unwrap()} if spec.routes else {}),
            },
        )
        self._grant_table(role, spec)
        acknowledge_any_resource(role, _needs_any_resource(spec), _why_any_resource(spec))
        acknowledge_serverless(fn, "LambdaDLQ", _why_no_function_dlq(spec))
        if spec.table_stream:
            self._consume_stream(fn, spec)
        if spec.queue:
            fn.add_event_source(sources.SqsEventSource(
                self._queues[spec.queue],
                batch_size=self._topology.queue(spec.queue).batch_size,
                report_batch_item_failures=True,
                max_concurrency=self._topology.queue(spec.queue).max_concurrency,
            ))
            acknowledge_serverless(fn, "LambdaEventSourceMappingDestination",
                                   f"SQS event source mappings take no on-failure destination: a message that keeps "
                                   f"failing moves to {spec.queue}'s redrive dead-letter queue, which is alarmed.")
        if spec.publishes_events:
            self._bus.grant_put_events_to(fn)
        if spec.sends_messages:
            self._grant_messaging(role)
        if spec.schedule_minutes:
            schedule = events.Rule(
                scope,
                "Schedule",
                description=f"Runs {spec.name} every {spec.schedule_minutes} minute(s)",
                schedule=events.Schedule.rate(Duration.minutes(spec.schedule_minutes)),
                # A missed run is made good by the next one: do not pile up late retries.
                targets=[targets.LambdaFunction(fn, retry_attempts=2, max_event_age=Duration.minutes(2))],
            )
            acknowledge_serverless(schedule, "EventBusDLQ",
                                   f"A schedule's event carries no data: a run that cannot be delivered is made good "
                                   f"by the next one {spec.schedule_minutes} minute(s) later; a stopped schedule sets "
                                   "off the not-running alarm.")
        return fn

    def _grant_table(self, role: iam.Role, spec: Function) -> None:
        """Exactly the item actions and indexes the topology declares for it (none: no table statement)."""
        access = spec.table_access
        declared = {name for name, _, _ in self._topology.table.global_indexes}
        if set(access.indexes) - declared:
            raise ValueError(f"{spec.name}: no such index {sorted(set(access.indexes) - declared)}")
        table_arn = self._table.table_arn
        if access.actions:
            role.add_to_policy(iam.PolicyStatement(actions=[f"dynamodb:{action}" for action in access.actions],
                                                   resources=[table_arn]))
        if access.indexes:
            role.add_to_policy(iam.PolicyStatement(
                actions=list(INDEX_READ), resources=[f"{table_arn}/index/{name}" for name in access.indexes]))

    def _grant_messaging(self, role: iam.Role) -> None:
        """SES from the sender (its address or domain identity), SNS SMS to phone numbers, never to topics."""
        stack = Stack.of(self)
        domain = self._sender_email.rsplit("@", 1)[-1]
        identities = [
            stack.format_arn(service="ses", resource="identity", resource_name=name,
                             arn_format=ArnFormat.SLASH_RESOURCE_NAME)
            for name in (self._sender_email, domain)
        ]
        role.add_to_policy(iam.PolicyStatement(
            actions=["ses:SendEmail", "ses:SendRawEmail"], resources=identities,
            conditions={"StringEquals": {"ses:FromAddress": self._sender_email}},
        ))
        role.add_to_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))
        role.add_to_policy(iam.PolicyStatement(
            effect=iam.Effect.DENY, actions=["sns:Publish"],
            resources=[stack.format_arn(service="sns", region="*", account="*", resource="*")],
        ))

    def _consume_stream(self, fn: lambda_.Function, spec: Function) -> None:
        """Only the item kinds it publishes; a poison record is bisected, retried, then parked in a queue."""
        if self.stream_failures is None:
            self.stream_failures = secure_queue(self, "stream-publisher-failures", retention_period=DLQ_RETENTION)
            alarm_on_messages(self, "stream-publisher-failures-alarm", self.stream_failures,
                              "Stream records that could not be published")
            acknowledge_serverless(self.stream_failures, "SQSRedrivePolicy",
                                   "This queue is the stream's on-failure destination (a dead-letter queue itself); "
                                   "its messages are handled by the runbook, not redriven to another queue.")
            acknowledge(self.stream_failures, "AwsSolutions-SQS3",
                        "This queue is itself a dead-letter destination: the on-failure destination of the "
                        "stream event source mapping (cdk-nag only recognises redrive DLQs). It is alarmed.")
        self._table.grant_stream_read(fn)
        fn.add_event_source(sources.DynamoEventSource(
            self._table,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=100,
            bisect_batch_on_error=True,
            retry_attempts=3,
            report_batch_item_failures=True,
            on_failure=sources.SqsDlq(self.stream_failures),
            filters=stream_filters(spec.stream_key_prefixes),
        ))


def stream_filters(prefixes: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """One filter: records whose partition key starts with any of the prefixes (none: every record)."""
    if not prefixes:
        return []
    begins = [rule for prefix in prefixes for rule in lambda_.FilterRule.begins_with(prefix)]
    return [lambda_.FilterCriteria.filter({"dynamodb": {"Keys": {"pk": {"S": begins}}}})]


def _needs_any_resource(spec: Function) -> set[str]:
    """What the role may do on '*': active tracing (X-Ray), a stream source's ListStreams, SMS (topics denied)."""
    actions = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    if spec.table_stream:
        actions.add("dynamodb:ListStreams")
    if spec.sends_messages:
        actions.add("sns:Publish")
    return actions


def _why_any_resource(spec: Function) -> str:
    why = "these accept no resource ARN, AWS only allows '*' (active tracing"
    why += ", the stream event source" if spec.table_stream else ""
    why += ", SMS to phone numbers; publishing to topics is denied" if spec.sends_messages else ""
    return why + ")."


def _why_no_function_dlq(spec: Function) -> str:
    """A Lambda dead-letter queue catches only failed asynchronous invocations."""
    if spec.routes or spec.websocket_routes or spec.authorizes_websocket:
        return (f"{spec.name} is invoked synchronously by API Gateway: the caller gets the error; a function "
                "DLQ only catches asynchronous invocations.")
    if spec.queue:
        return (f"{spec.name} is invoked by an SQS event source mapping (synchronous): failed messages move to "
                f"{spec.queue}'s redrive dead-letter queue.")
    if spec.table_stream:
        return (f"{spec.name} reads the table stream through an event source mapping whose on-failure "
                "destination is the stream failure queue.")
    return (f"{spec.name} runs on a schedule with no data to lose: a failed run is retried twice, then made "
            "good by the next run; errors and a stopped schedule are alarmed.")
