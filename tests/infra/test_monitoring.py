"""Alarms that reach someone: every alarm notifies the stage's encrypted topic, every failure
path has an alarm, and the dashboard graphs metrics that the handlers really emit."""

from __future__ import annotations

import json
import re

import pytest

from events.contracts import ORDER_EVENT_NAMES
from infra.app import ROOT
from infra.topology import TOPOLOGY
from tests.infra.synth import Synthesized, get_att_id

pytestmark = pytest.mark.infra
RUNBOOK = ROOT / "docs" / "runbook.md"


def _topic(synthesized: Synthesized) -> str:
    (topic_id, topic), = synthesized.of_type("AWS::SNS::Topic").items()
    key = synthesized.resources[get_att_id(topic["Properties"]["KmsMasterKeyId"])]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    services = [s["Principal"].get("Service") for s in key["Properties"]["KeyPolicy"]["Statement"]]
    assert "cloudwatch.amazonaws.com" in services  # CloudWatch must be able to publish to the encrypted topic
    return topic_id


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_alarm_notifies_the_topic_on_alarm_and_ok(synthesized: Synthesized, synthesized_prod: Synthesized,
                                                         stage: str) -> None:
    template = synthesized if stage == "dev" else synthesized_prod
    topic = {"Ref": _topic(template)}
    alarms = template.of_type("AWS::CloudWatch::Alarm")
    assert len(alarms) > 30
    for logical_id, alarm in alarms.items():
        assert alarm["Properties"].get("AlarmActions") == [topic], logical_id
        assert alarm["Properties"].get("OKActions") == [topic], logical_id


def _alarmed_metrics(synthesized: Synthesized) -> list[str]:
    """Each alarm as one JSON string (metric name, dimensions, math), to search in."""
    return [json.dumps(a["Properties"]) for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]


def test_every_dead_letter_and_failure_queue_is_alarmed(synthesized: Synthesized) -> None:
    queues = synthesized.of_type("AWS::SQS::Queue")
    dead_letter = {get_att_id(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
                   for q in queues.values() if "RedrivePolicy" in q["Properties"]}
    failure = {get_att_id(m["Properties"]["DestinationConfig"]["OnFailure"]["Destination"])
               for m in synthesized.of_type("AWS::Lambda::EventSourceMapping").values()
               if "DestinationConfig" in m["Properties"]}
    alarms = _alarmed_metrics(synthesized)
    for queue_id in dead_letter | failure:
        dimension = json.dumps({"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}})
        assert any("ApproximateNumberOfMessagesVisible" in a and dimension in a for a in alarms), queue_id
    for queue_id in set(queues) - dead_letter - failure:  # source queues: a stuck consumer
        dimension = json.dumps({"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}})
        assert any("ApproximateAgeOfOldestMessage" in a and dimension in a for a in alarms), queue_id


def test_every_function_has_error_and_throttle_alarms(synthesized: Synthesized) -> None:
    alarms = _alarmed_metrics(synthesized)
    for name, (logical_id, _) in synthesized.functions_by_service().items():
        dimension = json.dumps({"Name": "FunctionName", "Value": {"Ref": logical_id}})
        for metric in ("Errors", "Throttles"):
            assert any(f'"MetricName": "{metric}"' in a and dimension in a for a in alarms), (name, metric)
        spec = TOPOLOGY.function(name)
        if spec.table_stream:
            assert any('"MetricName": "IteratorAge"' in a and dimension in a for a in alarms), name
        if spec.schedule_minutes:  # the sweeper: a run that fails is an error; no run at all is this
            assert any('"MetricName": "Invocations"' in a and dimension in a and "LessThanThreshold" in a
                       and '"TreatMissingData": "breaching"' in a for a in alarms), name


def test_api_and_table_alarms(synthesized: Synthesized) -> None:
    alarms = _alarmed_metrics(synthesized)
    api = json.dumps({"Name": "ApiId", "Value": {"Ref": synthesized.api_id("HTTP")}})
    assert any('"MetricName": "5xx"' in a and api in a for a in alarms)
    assert any('"MetricName": "Latency"' in a and '"p99"' in a and api in a for a in alarms)
    (table_id,) = synthesized.of_type("AWS::DynamoDB::Table")
    table = json.dumps({"Name": "TableName", "Value": {"Ref": table_id}})
    assert any('"ThrottledRequests"' in a and table in a for a in alarms)
    assert any('"SystemErrors"' in a and table in a for a in alarms)


def test_every_alarm_points_to_a_runbook_section(synthesized: Synthesized) -> None:
    text = RUNBOOK.read_text()
    anchors = {m.group(1) for m in re.finditer(r"docs/runbook\.md#([a-z0-9-]+)", json.dumps(
        [a["Properties"]["AlarmDescription"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]))}
    assert anchors
    headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
    assert anchors <= headings, anchors - headings
    for command in ("aws sqs start-message-move-task", "aws events start-replay"):
        assert command in text


def _handler_source(service: str) -> str:
    return (ROOT / "functions" / service.replace("-", "_") / "handler.py").read_text()


def test_the_dashboard_graphs_metrics_the_handlers_emit(synthesized: Synthesized) -> None:
    (dashboard,) = synthesized.of_type("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    graphed = re.findall(r'\[\\"RetailBackend\\",\\"(\w+)\\",\\"service\\",\\"([\w-]+)\\"', body)
    assert len(graphed) >= 10
    for name, service in graphed:
        source = _handler_source(service)
        if service == "stock-stream-publisher":  # one count per published event, named by its type
            assert "add_metric(name=event.detail_type" in source and name in ORDER_EVENT_NAMES, name
        else:
            assert f'"{name}"' in source, (service, name)
    assert "ApproximateNumberOfMessagesVisible" in body  # dead letters
